//! Running registration (R 8–15, 20) for resources and products, and the public's objections.

use chrono::{Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::entity::{self, from_record};
use super::products::mark_registered;
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::QueryCode;
use crate::domain::authorization::Authorization;
use crate::domain::organization::Organization;
use crate::domain::product::{Product, ProductStatus};
use crate::domain::registration::{
    Materials, NewRegistration, ObjectionDecision, Registration, RegistrationSubject,
    RegistrationType, RevocationReason,
};
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result, Rule};
use crate::policy::JurisdictionPolicy;
use crate::store::{RecordFilter, Table, WriteTx};

impl Catalog {
    /// A registrant applies. Products: only the operator's own, after a passed compliance review,
    /// from sources still inside its active authorization (rule 4) and not negative-listed (rule 1).
    pub async fn submit_registration(
        &self,
        actor: &Actor,
        input: NewRegistration,
        today: NaiveDate,
    ) -> Result<Registration> {
        if input.kind == RegistrationType::Cancellation {
            return Err(CatalogError::invalid(
                "kind",
                "注销登记请通过注销申请提交，并写明注销情形（R 9 (四)）",
            ));
        }
        let (registrant_id, name, summary, authorization, region) = match input.subject {
            RegistrationSubject::Product { product_id } => {
                let product: Product = entity::read(self.store(), product_id)
                    .await
                    .map_err(|_| CatalogError::invalid("subject.product_id", "产品不存在"))?
                    .value;
                actor.require_org(Role::Operator, product.operator_id, "登记本机构的产品")?;
                // A first registration needs a passed review; a change or correction, a
                // registered product.
                if input.kind == RegistrationType::Initial
                    && product.status != ProductStatus::ReviewPassed
                {
                    return Err(CatalogError::rule(
                        Rule::ProductScope,
                        "subject.product_id",
                        format!("产品“{}”尚未通过合规审核，不能登记", product.details.name),
                    ));
                }
                if input.kind != RegistrationType::Initial
                    && product.status != ProductStatus::Registered
                {
                    return Err(CatalogError::invalid(
                        "subject.product_id",
                        format!("产品“{}”尚未登记，不能变更或更正", product.details.name),
                    ));
                }
                let authorization = self.check_product_scope(&product, today).await?;
                let region = authorization.jurisdiction.clone();
                (
                    product.operator_id,
                    product.details.name,
                    product.details.summary,
                    Some(authorization),
                    region,
                )
            }
            RegistrationSubject::Resource { resource_id } => {
                let resource: Resource = entity::read(self.store(), resource_id)
                    .await
                    .map_err(|_| CatalogError::invalid("subject.resource_id", "资源不存在"))?
                    .value;
                if actor.role != Role::DataAdmin {
                    actor.require_org(
                        Role::Provider,
                        resource.provider_id,
                        "登记本单位持有的资源",
                    )?;
                }
                if resource.published_version.is_none() {
                    return Err(CatalogError::invalid(
                        "subject.resource_id",
                        "只有已发布的目录资源可以登记",
                    ));
                }
                let registrant = actor.org_id.unwrap_or(resource.provider_id);
                let org: Organization = entity::read(self.store(), registrant).await?.value;
                (
                    registrant,
                    resource.content.name,
                    resource.content.summary,
                    None,
                    org.region,
                )
            }
        };
        if input.kind != RegistrationType::Initial {
            self.check_amendment(&input, registrant_id).await?;
        }
        let policy = self.policy.for_region(&region).clone();
        let registration = Registration::submit(
            input,
            registrant_id,
            authorization.as_ref().map(|a| a.id),
            region,
            name,
            summary,
            authorization.as_ref().map(|a| a.plan.term_end),
            &policy,
            &self.calendar,
            today,
            Utc::now(),
        )?;
        let mut tx = self.store.begin_write().await?;
        entity::insert(tx.as_mut(), actor, "registration.submit", &registration).await?;
        tx.commit().await?;
        Ok(registration)
    }

    pub(super) async fn registrar_step(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
        action: &str,
        apply: impl FnOnce(&mut Registration, &JurisdictionPolicy) -> Result<()>,
    ) -> Result<Versioned<Registration>> {
        actor.require_role(&[Role::Registrar], "办理登记")?;
        let bound = self.jurisdiction_of(actor).await?;
        let policy_set = self.policy.clone();
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            action,
            |r: &mut Registration| {
                super::jurisdiction::require_within(bound.as_ref(), &r.jurisdiction, "办理登记")?;
                let policy = policy_set.for_region(&r.jurisdiction).clone();
                apply(r, &policy)
            },
        )
        .await
    }

    pub async fn request_supplement(
        &self,
        actor: &Actor,
        id: Uuid,
        items: Vec<String>,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        self.registrar_step(
            actor,
            id,
            if_match,
            "registration.request_supplement",
            |r, _| r.request_supplement(items, today, Utc::now()),
        )
        .await
    }

    pub async fn resubmit_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        materials: Materials,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        let current: Registration = entity::read(self.store(), id).await?.value;
        let role = match current.subject {
            RegistrationSubject::Product { .. } => Role::Operator,
            RegistrationSubject::Resource { .. } => actor.role,
        };
        actor.require_org(role, current.registrant_id, "补正本机构的登记申请")?;
        let policy = self.policy.for_region(&current.jurisdiction).clone();
        let calendar = self.calendar.clone();
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "registration.resubmit",
            |r: &mut Registration| r.resubmit(materials, &policy, &calendar, today, Utc::now()),
        )
        .await
    }

    pub async fn accept_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        let calendar = self.calendar.clone();
        self.registrar_step(actor, id, if_match, "registration.accept", |r, p| {
            r.accept(p, &calendar, today, Utc::now())
        })
        .await
    }

    pub async fn refuse_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        self.registrar_step(actor, id, if_match, "registration.refuse", |r, _| {
            r.refuse(reason, today, Utc::now())
        })
        .await
    }

    /// Formal review done: publicity starts the next working day.
    pub async fn publicize_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        let calendar = self.calendar.clone();
        self.registrar_step(actor, id, if_match, "registration.publicize", |r, p| {
            r.publicize(p, &calendar, today, Utc::now())
        })
        .await
    }

    pub(super) async fn decide_objection_step(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: ObjectionDecision,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        let calendar = self.calendar.clone();
        self.registrar_step(
            actor,
            id,
            if_match,
            "registration.decide_objection",
            |r, _| {
                r.decide_objection(
                    decision.objection_id,
                    decision.upheld,
                    &decision.decision,
                    &calendar,
                    today,
                    Utc::now(),
                )
            },
        )
        .await
    }

    /// Issue the query code after publicity; a product becomes registered in the same transaction.
    pub async fn issue_query_code(
        &self,
        actor: &Actor,
        id: Uuid,
        external_code: Option<String>,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        actor.require_role(&[Role::Registrar], "办理登记")?;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Registration> = entity::load(tx.as_mut(), id).await?;
        let bound = super::jurisdiction::bound_region(tx.as_mut(), actor).await?;
        super::jurisdiction::require_within(
            bound.as_ref(),
            &before.value.jurisdiction,
            "办理登记",
        )?;
        let mut after = before.value.clone();
        let policy = self.policy.for_region(&after.jurisdiction).clone();
        let seq = tx
            .next_sequence(&format!(
                "query_code:{}:{}",
                today.year(),
                after.jurisdiction.as_str()
            ))
            .await?;
        let code = QueryCode::new(today.year(), &after.jurisdiction, seq as u64)
            .map_err(|e| CatalogError::Storage(e.message))?;
        after.external_code = external_code
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        after.issue_code(code, &policy, today, Utc::now())?;
        let row_version = entity::update(
            tx.as_mut(),
            actor,
            "registration.issue_code",
            &before,
            &after,
            if_match,
        )
        .await?;
        if let RegistrationSubject::Product { product_id } = after.subject {
            mark_registered(tx.as_mut(), actor, product_id).await?;
        }
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: after,
        })
    }

    pub async fn renew_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        let current: Registration = entity::read(self.store(), id).await?.value;
        let cap = match current.authorization_id {
            Some(a) => Some(
                entity::read::<Authorization>(self.store(), a)
                    .await?
                    .value
                    .plan
                    .term_end,
            ),
            None => None,
        };
        self.registrar_step(actor, id, if_match, "registration.renew", |r, p| {
            r.renew(p, today, cap, Utc::now())
        })
        .await
    }

    pub async fn cancel_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        self.registrar_step(actor, id, if_match, "registration.cancel", |r, _| {
            r.cancel(reason, today, Utc::now())
        })
        .await
    }

    pub async fn revoke_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: RevocationReason,
        detail: &str,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        self.registrar_step(actor, id, if_match, "registration.revoke", |r, _| {
            r.revoke(reason, detail, today, Utc::now())
        })
        .await
    }

    /// Cancel every coded registration whose validity ran out without renewal (R 15).
    pub async fn expire_due_registrations(&self, today: NaiveDate) -> Result<Vec<Uuid>> {
        let coded = RecordFilter {
            statuses: vec!["coded".into()],
            ..RecordFilter::default()
        };
        let mut done = Vec::new();
        for r in self.registrations(&coded).await? {
            if r.is_due_to_expire(today) {
                entity::transition(
                    self.store(),
                    &Actor::system(),
                    r.id,
                    None,
                    "registration.expire",
                    |x: &mut Registration| x.expire(today, Utc::now()),
                )
                .await?;
                done.push(r.id);
            }
        }
        Ok(done)
    }

    pub async fn registration(&self, id: Uuid) -> Result<Versioned<Registration>> {
        entity::read(self.store(), id).await
    }

    /// Verify a query code (exchanges, the public): the coded result it names.
    pub async fn registration_by_code(&self, code: &QueryCode) -> Result<Registration> {
        let record = self
            .store
            .get_by_key(Table::Registrations, code.as_str())
            .await?
            .ok_or_else(|| CatalogError::not_found("registration", code.as_str().to_string()))?;
        Ok(from_record(record)?.value)
    }

    /// One registration with its materials, for the registrar of its region (rule 9) or 监管.
    pub async fn registration_as_registrar(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Versioned<Registration>> {
        actor.require_role(&[Role::Registrar, Role::Auditor], "查看登记材料")?;
        let found = self.registration(id).await?;
        super::jurisdiction::require_within(
            self.jurisdiction_of(actor).await?.as_ref(),
            &found.value.jurisdiction,
            "查看登记材料",
        )?;
        Ok(found)
    }

    /// The registrar's worklist: the registrations of its jurisdiction (rule 9), materials and
    /// all; every one for auditors. `filter.limit` counts what the actor may see.
    pub async fn registrar_worklist(
        &self,
        actor: &Actor,
        filter: RecordFilter,
    ) -> Result<Vec<Registration>> {
        actor.require_role(&[Role::Registrar, Role::Auditor], "查看登记办理清单")?;
        let bound = self.jurisdiction_of(actor).await?;
        let limit = filter.limit.map_or(usize::MAX, |l| l.max(0) as usize);
        let all = self
            .registrations(&RecordFilter {
                limit: None,
                ..filter
            })
            .await?;
        Ok(all
            .into_iter()
            .filter(|r| {
                bound
                    .as_ref()
                    .is_none_or(|region| r.jurisdiction.is_within(region))
            })
            .take(limit)
            .collect())
    }

    pub async fn registrations(&self, filter: &RecordFilter) -> Result<Vec<Registration>> {
        self.store
            .list(Table::Registrations, filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }
}

/// Rule 5: inside the transaction that ends an authorization, flag every registration that
/// depends on it.
pub(super) async fn flag_registrations_of(
    tx: &mut dyn WriteTx,
    authorization_id: Uuid,
    operator_id: Uuid,
) -> Result<()> {
    let filter = RecordFilter {
        owner_id: Some(operator_id.to_string()),
        ..RecordFilter::default()
    };
    for record in tx.list(Table::Registrations, &filter).await? {
        let before: Versioned<Registration> = from_record(record)?;
        if before.value.authorization_id == Some(authorization_id) && !before.value.access_closed {
            let mut after = before.value.clone();
            after.access_closed = true;
            after.updated_at = Utc::now();
            entity::update(
                tx,
                &Actor::system(),
                "registration.flag_access_closed",
                &before,
                &after,
                None,
            )
            .await?;
        }
    }
    Ok(())
}
