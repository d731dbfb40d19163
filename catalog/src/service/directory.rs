//! Publishing operation-directory editions (C 6.2) under rules 1 and 2, and reading them back.

use std::collections::BTreeSet;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::{self, from_record};
use super::negative_list::{active_entries, refuse_if_negative_listed};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::edition::{DirectoryEdition, EditionDiff, EditionLine};
use crate::domain::negative_list::NegativeListEntry;
use crate::domain::organization::require_text;
use crate::domain::organization::{OrgKind, Organization};
use crate::domain::resource::Resource;
use crate::domain::{GradeLevel, RegionCode, ResourceCode};
use crate::error::{CatalogError, Result, Rule};
use crate::policy::JurisdictionPolicy;
use crate::store::{RecordFilter, Table, WriteTx};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct EditionLineRequest {
    pub resource_id: Uuid,
    /// Required for 重要数据 where the policy says so, e.g. "仅通过隐私计算方式提供".
    #[serde(default)]
    pub condition: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct EditionRequest {
    pub title: String,
    #[serde(default)]
    pub note: Option<String>,
    pub lines: Vec<EditionLineRequest>,
}

/// A line the next edition would refuse: where it is in the request, which resource, and why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RefusedLine {
    /// The line's index in the request (0-based, as in `lines[i]`).
    pub index: usize,
    pub resource_id: Uuid,
    /// Unknown when the resource does not exist.
    pub code: Option<ResourceCode>,
    pub name: Option<String>,
    /// The rule refusing the line (rule 1 or 2), if a rule does; otherwise a plain check
    /// (unknown, unpublished or duplicated resource).
    pub rule: Option<Rule>,
    /// The rule's number from DOMAIN.md (1, 2), when a rule refuses.
    pub rule_number: Option<u8>,
    /// The request field the refusal names, e.g. `lines[2].condition`.
    pub field: String,
    /// The catalog's Chinese message, the same publishing would return.
    pub message: String,
}

/// What publishing a request would do, written nowhere: the lines it would publish, every line
/// it refuses (publishing refuses the whole edition if any), and the diff against the current
/// (latest) edition.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EditionPreview {
    /// The current edition's number, if one was published.
    pub current: Option<u32>,
    /// The lines that pass every check, in request order.
    pub lines: Vec<EditionLine>,
    pub refused: Vec<RefusedLine>,
    /// Current edition (or none, `from` = 0) → these lines (`to` = current + 1).
    pub diff: EditionDiff,
}

/// One requested line after the checks publishing makes.
enum Checked {
    Line(EditionLine),
    Refused {
        error: CatalogError,
        code: Option<ResourceCode>,
        name: Option<String>,
    },
}

/// What every line is checked against: read once per edition, inside its transaction.
struct EditionContext<'a> {
    publisher: Organization,
    policy: &'a JurisdictionPolicy,
    negative: Vec<NegativeListEntry>,
    seen: BTreeSet<Uuid>,
}

impl Catalog {
    /// Freeze a new numbered edition from published resources. The whole edition is refused if
    /// any line breaks rule 1 or 2; the error names the line.
    pub async fn publish_edition(
        &self,
        actor: &Actor,
        publisher_id: Uuid,
        request: EditionRequest,
    ) -> Result<DirectoryEdition> {
        actor.require_org(Role::DataAdmin, publisher_id, "发布运营目录")?;
        require_text("title", &request.title, 200)?;
        if request.lines.is_empty() {
            return Err(CatalogError::invalid("lines", "运营目录至少包含一项资源"));
        }
        let mut tx = self.store.begin_write().await?;
        let mut ctx = self.edition_context(tx.as_mut(), publisher_id).await?;
        let mut lines = Vec::with_capacity(request.lines.len());
        for (i, line) in request.lines.iter().enumerate() {
            match self.check_line(tx.as_mut(), &mut ctx, i, line).await? {
                Checked::Line(l) => lines.push(l),
                Checked::Refused { error, .. } => return Err(error),
            }
        }
        let number = tx.next_sequence("directory_edition").await? as u32;
        let edition = DirectoryEdition {
            id: Uuid::now_v7(),
            number,
            title: request.title.trim().to_string(),
            publisher_id,
            publisher_name: ctx.publisher.name,
            published_at: Utc::now(),
            note: request.note,
            lines,
        };
        entity::insert(tx.as_mut(), actor, "directory.publish_edition", &edition).await?;
        tx.commit().await?;
        Ok(edition)
    }

    /// Run every check `publish_edition` makes on each line (the same function), writing
    /// nothing: the lines that would be published, every refused line with its rule and message,
    /// and the diff against the current edition. Title and note are not checked: they belong to
    /// the form, not to the lines.
    pub async fn preview_edition(
        &self,
        actor: &Actor,
        publisher_id: Uuid,
        request: &EditionRequest,
    ) -> Result<EditionPreview> {
        actor.require_org(Role::DataAdmin, publisher_id, "发布运营目录")?;
        // The same transaction publishing opens, so the checks see what publishing would see;
        // it is dropped without a commit (rolled back).
        let mut tx = self.store.begin_write().await?;
        let mut ctx = self.edition_context(tx.as_mut(), publisher_id).await?;
        let mut lines = Vec::with_capacity(request.lines.len());
        let mut refused = Vec::new();
        for (i, line) in request.lines.iter().enumerate() {
            match self.check_line(tx.as_mut(), &mut ctx, i, line).await? {
                Checked::Line(l) => lines.push(l),
                Checked::Refused { error, code, name } => {
                    refused.push(refused_line(i, line, code, name, error)?)
                }
            }
        }
        let current = tx
            .list(Table::Editions, &RecordFilter::default())
            .await?
            .into_iter()
            .map(|r| from_record::<DirectoryEdition>(r).map(|v| v.value))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .max_by_key(|e| e.number);
        drop(tx);
        let from = current.as_ref().map_or(0, |e| e.number);
        let old = current.as_ref().map_or(&[][..], |e| &e.lines[..]);
        Ok(EditionPreview {
            current: current.as_ref().map(|e| e.number),
            diff: EditionDiff::of_lines(from, old, from + 1, &lines),
            lines,
            refused,
        })
    }

    async fn edition_context(
        &self,
        tx: &mut dyn WriteTx,
        publisher_id: Uuid,
    ) -> Result<EditionContext<'_>> {
        let publisher: Versioned<Organization> = entity::load(tx, publisher_id)
            .await
            .map_err(|_| CatalogError::invalid("publisher_id", "发布机构不存在"))?;
        publisher
            .value
            .require_kind(OrgKind::DataAdmin, "publisher_id")?;
        Ok(EditionContext {
            policy: self.policy.for_region(&publisher.value.region),
            publisher: publisher.value,
            negative: active_entries(tx).await?,
            seen: BTreeSet::new(),
        })
    }

    /// Every check of one requested line, for publishing and previewing alike: the resource
    /// exists, appears once, is published, is not negative-listed (rule 1) and its grade may
    /// enter the directory with the line's condition (rule 2). `Err` only for storage failures.
    async fn check_line(
        &self,
        tx: &mut dyn WriteTx,
        ctx: &mut EditionContext<'_>,
        i: usize,
        line: &EditionLineRequest,
    ) -> Result<Checked> {
        let field = format!("lines[{i}].resource_id");
        let refuse = |error: CatalogError, known: Option<&Resource>| Checked::Refused {
            error,
            code: known.map(|r| r.code.clone()),
            name: known.map(|r| r.content.name.clone()),
        };
        let current: Versioned<Resource> = match entity::load(tx, line.resource_id).await {
            Ok(r) => r,
            Err(_) => return Ok(refuse(CatalogError::invalid(&field, "资源不存在"), None)),
        };
        if !ctx.seen.insert(line.resource_id) {
            return Ok(refuse(
                CatalogError::invalid(&field, "同一资源在目录中重复出现"),
                Some(&current.value),
            ));
        }
        let published = match self.public_view(current.value.clone()).await {
            Ok(p) => p,
            Err(_) => {
                return Ok(refuse(
                    CatalogError::invalid(&field, "只有已发布的资源可以进入运营目录"),
                    Some(&current.value),
                ));
            }
        };
        let resource = self
            .resource_version(published.id, published.version)
            .await?;
        // Rule 9: an administration's directory lists its own region's resources only.
        if !resource.code.region().is_within(&ctx.publisher.region) {
            let e = CatalogError::invalid(
                &field,
                format!(
                    "资源“{}”（{}）不属于本辖区（{}），不能列入本辖区的运营目录",
                    resource.content.name,
                    resource.code,
                    ctx.publisher.region.full_name()
                ),
            );
            return Ok(refuse(e, Some(&resource)));
        }
        if let Err(e) = refuse_if_negative_listed(&ctx.negative, &resource, &field).and_then(|()| {
            check_grade(
                ctx.policy,
                (&resource.content.name, resource.content.grade.level),
                line.condition.as_deref(),
                &field,
                &format!("lines[{i}].condition"),
            )
        }) {
            return Ok(refuse(e, Some(&resource)));
        }
        let provider: Versioned<Organization> = entity::load(tx, resource.provider_id).await?;
        let withheld = ctx
            .negative
            .iter()
            .flat_map(|e| e.withheld_items(&resource.code, &resource.content))
            .collect();
        let restrictions = ctx
            .negative
            .iter()
            .filter_map(|e| e.restriction(&resource.code, &resource.content))
            .collect();
        Ok(Checked::Line(edition_line(
            resource,
            provider.value.name,
            line,
            withheld,
            restrictions,
        )))
    }

    pub async fn edition(&self, number: u32) -> Result<DirectoryEdition> {
        let record = self
            .store
            .get_by_key(Table::Editions, &number.to_string())
            .await?
            .ok_or_else(|| CatalogError::not_found("directory_edition", number.to_string()))?;
        Ok(from_record(record)?.value)
    }

    /// Every edition, oldest first.
    pub async fn editions(&self) -> Result<Vec<DirectoryEdition>> {
        let mut all: Vec<DirectoryEdition> = self
            .store
            .list(Table::Editions, &RecordFilter::default())
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect::<Result<_>>()?;
        all.sort_by_key(|e| e.number);
        Ok(all)
    }

    /// Published entries the actor may review (its region) that the current operation directory
    /// does not list yet — the next edition's candidates, the administration's 待办: how many,
    /// and when the longest-waiting one was published.
    pub async fn awaiting_edition(
        &self,
        actor: &Actor,
    ) -> Result<(usize, Option<chrono::DateTime<Utc>>)> {
        actor.require_role(&[Role::DataAdmin], "查看待列入运营目录的资源")?;
        let listed: BTreeSet<Uuid> = self
            .editions()
            .await?
            .pop()
            .map(|e| e.lines.iter().map(|l| l.resource_id).collect())
            .unwrap_or_default();
        let published = self
            .resources_as(
                actor,
                None,
                vec![crate::domain::resource::ResourceStatus::Published],
                None,
                10_000,
            )
            .await?;
        let waiting: Vec<_> = published
            .iter()
            .filter(|r| !listed.contains(&r.value.id))
            .collect();
        let oldest = waiting.iter().filter_map(|r| r.value.published_at).min();
        Ok((waiting.len(), oldest))
    }

    pub async fn edition_diff(&self, from: u32, to: u32) -> Result<EditionDiff> {
        Ok(EditionDiff::between(
            &self.edition(from).await?,
            &self.edition(to).await?,
        ))
    }
}

/// The operation directory in force over `region`: the latest edition published by a data
/// administration whose region contains it (C 6.2), read inside the caller's transaction.
pub(super) async fn current_edition_over(
    tx: &mut dyn WriteTx,
    region: &RegionCode,
) -> Result<Option<DirectoryEdition>> {
    let mut editions: Vec<DirectoryEdition> = tx
        .list(Table::Editions, &RecordFilter::default())
        .await?
        .into_iter()
        .map(|r| from_record(r).map(|v| v.value))
        .collect::<Result<_>>()?;
    editions.sort_by_key(|e| std::cmp::Reverse(e.number));
    for edition in editions {
        let publisher: Versioned<Organization> = entity::load(tx, edition.publisher_id).await?;
        if region.is_within(&publisher.value.region) {
            return Ok(Some(edition));
        }
    }
    Ok(None)
}

/// Rule 2: 核心数据 never; 重要数据 only with a recorded condition (both per policy). `field`
/// names the line's resource, `condition_field` its condition, in the request at hand.
pub(super) fn check_grade(
    policy: &JurisdictionPolicy,
    (name, level): (&str, GradeLevel),
    condition: Option<&str>,
    field: &str,
    condition_field: &str,
) -> Result<()> {
    match level {
        GradeLevel::Core if !policy.core_data_in_directory => Err(CatalogError::rule(
            Rule::GradeLimit,
            field,
            format!(
                "资源“{name}”为核心数据，不得纳入运营目录（{}政策）",
                policy.name
            ),
        )),
        GradeLevel::Important
            if policy.important_data_requires_condition
                && condition.is_none_or(|c| c.trim().is_empty()) =>
        {
            Err(CatalogError::rule(
                Rule::GradeLimit,
                condition_field,
                format!(
                    "资源“{name}”为重要数据，纳入运营目录须写明条件（如仅通过隐私计算方式提供）"
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// A refusal as the preview reports it; anything but a rule or an invalid line is a failure.
fn refused_line(
    index: usize,
    line: &EditionLineRequest,
    code: Option<ResourceCode>,
    name: Option<String>,
    error: CatalogError,
) -> Result<RefusedLine> {
    let (rule, field, message) = match error {
        CatalogError::RuleViolation {
            rule,
            field,
            message,
        } => (Some(rule), field, message),
        CatalogError::Invalid { field, message } => (None, field, message),
        other => return Err(other),
    };
    Ok(RefusedLine {
        index,
        resource_id: line.resource_id,
        code,
        name,
        rule,
        rule_number: rule.map(Rule::number),
        field,
        message,
    })
}

fn edition_line(
    resource: Resource,
    provider_name: String,
    line: &EditionLineRequest,
    withheld_items: Vec<String>,
    restrictions: Vec<String>,
) -> EditionLine {
    let c = resource.content;
    EditionLine {
        resource_id: resource.id,
        code: resource.code,
        version: resource.version,
        name: c.name,
        provider_id: resource.provider_id,
        provider_name,
        domain: c.domain,
        theme: c.theme,
        formats: c.formats,
        update_frequency: c.update_frequency,
        usage_restrictions: c.usage_restrictions,
        grade: c.grade,
        share_type: c.share_type,
        open_type: c.open_type,
        condition: line
            .condition
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        withheld_items,
        restrictions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicySet;

    /// Rule 2 as each policy sets it: core data kept out unless a policy lets it in, important
    /// data only with a condition unless a policy waives it.
    #[test]
    fn grade_rules_follow_the_jurisdiction_policy() {
        let mut policy = PolicySet::builtin().default_policy().clone();
        let core = ("电网调度数据", GradeLevel::Core);
        let important = ("企业用电数据", GradeLevel::Important);
        let check = |p: &JurisdictionPolicy, line, condition| {
            check_grade(p, line, condition, "lines[0]", "lines[0].condition")
        };
        assert!(check(&policy, core, None).is_err());
        assert!(check(&policy, important, None).is_err());
        assert!(check(&policy, important, Some("  ")).is_err());
        assert!(check(&policy, important, Some("仅以隐私计算方式提供")).is_ok());
        assert!(check(&policy, ("公交线路", GradeLevel::General), None).is_ok());
        policy.core_data_in_directory = true;
        policy.important_data_requires_condition = false;
        assert!(check(&policy, core, None).is_ok());
        assert!(check(&policy, important, None).is_ok());
    }
}
