//! What each person reads of authorizations (rule 9 and C 8.2): the data administration over the
//! plan's jurisdiction reads it whole and acts when it is the implementing body; an operator
//! reads the open announcements, the ones it applied to (its own application, never the other
//! applicants') and, whole, the ones it was selected for; 监管 reads everything. And the lines a
//! new plan's scope may take, each with what rules 1–2 say of it today.

use uuid::Uuid;

use super::authorizations::scope_line;
use super::directory::current_edition_over;
use super::entity;
use super::jurisdiction::require_within;
use super::negative_list::active_entries;
use super::{Actor, Catalog, Role};
use crate::domain::authorization::{Application, Authorization, AuthorizationStatus};
use crate::domain::classification::Grade;
use crate::domain::resource::Resource;
use crate::domain::resource_code::ResourceCode;
use crate::error::{CatalogError, Result};
use crate::store::RecordFilter;

/// One authorization as its reader may see it.
#[derive(Debug, Clone)]
pub struct AuthorizationView {
    /// Whole for its parties; the public view for an operator that is not (yet) the operator.
    pub authorization: Authorization,
    /// The reader's own application, when it applied.
    pub own_application: Option<Application>,
    /// The reader's organization is the implementing body: it takes the steps.
    pub implementing: bool,
}

/// A line of the operation directory in force, as a new plan's scope may take it.
#[derive(Debug, Clone)]
pub struct ScopeCandidate {
    pub resource_id: Uuid,
    pub code: ResourceCode,
    pub name: String,
    pub grade: Grade,
    pub condition: Option<String>,
    /// Why rules 1–2 refuse the line today (negative list, withdrawn, grade policy).
    pub refusal: Option<String>,
}

impl Catalog {
    /// The authorizations the actor may read, newest first.
    pub async fn authorizations_as(&self, actor: &Actor) -> Result<Vec<AuthorizationView>> {
        require_reader(actor)?;
        let bound = self.jurisdiction_of(actor).await?;
        let mut views: Vec<AuthorizationView> = self
            .authorizations(&RecordFilter::default())
            .await?
            .into_iter()
            .filter(|a| {
                actor.role != Role::DataAdmin
                    || bound.as_ref().is_none_or(|b| a.jurisdiction.is_within(b))
            })
            .filter_map(|a| view_for(actor, a))
            .collect();
        views.sort_by_key(|v| std::cmp::Reverse(v.authorization.created_at));
        Ok(views)
    }

    /// One authorization as the actor may read it.
    pub async fn authorization_view_as(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<AuthorizationView> {
        require_reader(actor)?;
        let a = self.authorization(id).await?.value;
        if actor.role == Role::DataAdmin {
            let bound = self.jurisdiction_of(actor).await?;
            require_within(bound.as_ref(), &a.jurisdiction, "查看授权运营")?;
        }
        view_for(actor, a).ok_or_else(|| {
            CatalogError::Forbidden("只能查看申报中的公告和本机构参与的授权".to_string())
        })
    }

    /// The lines of the operation directory in force over the administration's region, each
    /// with the refusal rules 1–2 would give if a plan took it today (the announcement form
    /// shows them before anything is submitted).
    pub async fn scope_candidates(&self, actor: &Actor) -> Result<Vec<ScopeCandidate>> {
        actor.require_role(&[Role::DataAdmin], "选择授权范围")?;
        let region = self
            .jurisdiction_of(actor)
            .await?
            .ok_or_else(|| CatalogError::Forbidden("须以所属机构身份办理".to_string()))?;
        let policy = self.policy.for_region(&region);
        // Read in one transaction so the list, the edition and the resources agree; nothing is
        // written and the transaction is dropped.
        let mut tx = self.store.begin_write().await?;
        let negative = active_entries(tx.as_mut()).await?;
        let Some(edition) = current_edition_over(tx.as_mut(), &region).await? else {
            return Ok(Vec::new());
        };
        let mut candidates = Vec::with_capacity(edition.lines.len());
        for line in &edition.lines {
            let refusal = match entity::load::<Resource>(tx.as_mut(), line.resource_id).await {
                Ok(resource) => scope_line(policy, &negative, Some(&edition), &resource.value, "")
                    .err()
                    .map(|e| refusal_text(&e)),
                Err(_) => Some("资源不存在".to_string()),
            };
            candidates.push(ScopeCandidate {
                resource_id: line.resource_id,
                code: line.code.clone(),
                name: line.name.clone(),
                grade: line.grade,
                condition: line.condition.clone(),
                refusal,
            });
        }
        Ok(candidates)
    }
}

fn require_reader(actor: &Actor) -> Result<()> {
    actor.require_role(
        &[Role::DataAdmin, Role::Operator, Role::Auditor],
        "查看授权运营",
    )
}

/// What of `a` the actor reads, if anything (the region check is the caller's).
fn view_for(actor: &Actor, a: Authorization) -> Option<AuthorizationView> {
    let org = actor.org_id;
    match actor.role {
        Role::DataAdmin | Role::Auditor => Some(AuthorizationView {
            implementing: org == Some(a.plan.implementing_body_id) && actor.role == Role::DataAdmin,
            own_application: None,
            authorization: a,
        }),
        Role::Operator => {
            let own_application = a
                .applications
                .iter()
                .find(|x| Some(x.operator_id) == org)
                .cloned();
            let selected = org.is_some() && a.operator_id == org;
            let open = matches!(
                a.status,
                AuthorizationStatus::Announced | AuthorizationStatus::Applied
            );
            if !(selected || open || own_application.is_some()) {
                return None;
            }
            Some(AuthorizationView {
                authorization: if selected { a } else { a.public_view() },
                own_application,
                implementing: false,
            })
        }
        _ => None,
    }
}

/// A refusal as a person reads it next to the line: the message, without the field path.
fn refusal_text(e: &CatalogError) -> String {
    match e {
        CatalogError::Invalid { message, .. } => message.clone(),
        CatalogError::RuleViolation { rule, message, .. } => {
            format!("违反规则{}：{message}", rule.number())
        }
        other => other.to_string(),
    }
}
