//! Personal data of the public (rule 10; PIPL): who filed an objection is kept apart from the
//! append-only audit chain, which holds only a salted hash; the registrar who decides reads it, and
//! it is erased when its retention ends after the decision. The chain still verifies: it never
//! held the data.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::entity::Entity;
use super::{Actor, Catalog, Role, Versioned, entity, jurisdiction};
use crate::calendar::WorkingCalendar;
use crate::domain::authorization::Authorization;
use crate::domain::developer::DeveloperApplication;
use crate::domain::objection::{NewObjection, ObjectionDecision};
use crate::domain::registration::Registration;
use crate::error::{CatalogError, Result};

/// What the public may object to while its outcome is publicized: registrations (R 12), operator
/// selections (C 8.3) and developer admissions (GZ 12).
pub(crate) trait Objectable: Entity + Clone {
    /// The audit action of a filing.
    const FILED: &'static str;
    fn file(
        &mut self,
        objection: &NewObjection,
        objector_ref: String,
        calendar: &WorkingCalendar,
        today: NaiveDate,
    ) -> Result<Uuid>;
}

impl Objectable for Registration {
    const FILED: &'static str = "registration.objection";
    fn file(
        &mut self,
        objection: &NewObjection,
        objector_ref: String,
        calendar: &WorkingCalendar,
        today: NaiveDate,
    ) -> Result<Uuid> {
        self.file_objection(objection, objector_ref, calendar, today, Utc::now())
    }
}

impl Objectable for Authorization {
    const FILED: &'static str = "authorization.objection";
    fn file(
        &mut self,
        objection: &NewObjection,
        objector_ref: String,
        calendar: &WorkingCalendar,
        today: NaiveDate,
    ) -> Result<Uuid> {
        self.file_objection(objection, objector_ref, calendar, today, Utc::now())
    }
}

impl Objectable for DeveloperApplication {
    const FILED: &'static str = "developer.objection";
    fn file(
        &mut self,
        objection: &NewObjection,
        objector_ref: String,
        calendar: &WorkingCalendar,
        today: NaiveDate,
    ) -> Result<Uuid> {
        self.file_objection(objection, objector_ref, calendar, today, Utc::now())
    }
}

/// How long an objector's identity is kept once the objection is decided.
#[derive(Debug, Clone)]
pub struct PrivacyPolicy {
    pub objector_retention: Duration,
}

impl Default for PrivacyPolicy {
    fn default() -> Self {
        // R 12 leaves the review to the registrar; half a year covers a later complaint about it.
        PrivacyPolicy {
            objector_retention: Duration::days(180),
        }
    }
}

/// The blob holding this deployment's salt for objector references.
const SALT_KEY: &str = "secret:objector-salt";

/// What the registrar reads about who objected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Objector {
    pub objection_id: Uuid,
    /// `None` once erased.
    pub objector_name: Option<String>,
    pub objector_id_number: Option<String>,
    pub contact: Option<String>,
    /// When the data will be (or was) erased.
    pub retain_until: Option<DateTime<Utc>>,
    pub erased_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, Deserialize)]
struct Identity {
    objector_name: String,
    objector_id_number: String,
    contact: String,
}

fn objector_ref(salt: &[u8], id_number: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(salt);
    hash.update(id_number.trim().to_ascii_uppercase().as_bytes());
    hex::encode(hash.finalize())
}

impl Catalog {
    pub fn with_privacy_policy(mut self, policy: PrivacyPolicy) -> Self {
        self.privacy = std::sync::Arc::new(policy);
        self
    }

    /// The deployment's salt, made once.
    async fn objector_salt(&self) -> Result<Vec<u8>> {
        if let Some(salt) = self.store.get_blob(SALT_KEY).await? {
            return Ok(salt);
        }
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt)
            .map_err(|e| CatalogError::Storage(format!("无法生成随机数：{e}")))?;
        let mut tx = self.store.begin_write().await?;
        // Written once: a salt another node wrote first is kept.
        tx.put_blob(SALT_KEY, &salt).await?;
        tx.commit().await?;
        self.store
            .get_blob(SALT_KEY)
            .await?
            .ok_or_else(|| CatalogError::Storage("异议人标识盐值丢失".to_string()))
    }

    /// Anyone may object to a registration during publicity, by real name with evidence
    /// (R 12). The registration records the objection under a salted hash; the identity is
    /// kept apart (rule 10).
    pub async fn file_objection(
        &self,
        id: Uuid,
        objection: NewObjection,
        today: NaiveDate,
    ) -> Result<Uuid> {
        self.file_objection_on::<Registration>(id, objection, today)
            .await
    }

    /// Anyone may object to an operator selection during its publicity (C 8.3).
    pub async fn object_to_selection(
        &self,
        id: Uuid,
        objection: NewObjection,
        today: NaiveDate,
    ) -> Result<Uuid> {
        self.file_objection_on::<Authorization>(id, objection, today)
            .await
    }

    /// Anyone may object to a developer's admission during its publicity (GZ 12).
    pub async fn object_to_admission(
        &self,
        id: Uuid,
        objection: NewObjection,
        today: NaiveDate,
    ) -> Result<Uuid> {
        self.file_objection_on::<DeveloperApplication>(id, objection, today)
            .await
    }

    async fn file_objection_on<T: Objectable>(
        &self,
        id: Uuid,
        objection: NewObjection,
        today: NaiveDate,
    ) -> Result<Uuid> {
        let salt = self.objector_salt().await?;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<T> = entity::load(tx.as_mut(), id).await?;
        let mut after = before.value.clone();
        let reference = objector_ref(&salt, &objection.objector_id_number);
        let objection_id = after.file(&objection, reference, &self.calendar, today)?;
        entity::update(
            tx.as_mut(),
            &Actor::public(),
            T::FILED,
            &before,
            &after,
            None,
        )
        .await?;
        let identity = Identity {
            objector_name: objection.objector_name.trim().to_string(),
            objector_id_number: objection.objector_id_number.trim().to_string(),
            contact: objection.contact.trim().to_string(),
        };
        let body =
            serde_json::to_string(&identity).map_err(|e| CatalogError::Storage(e.to_string()))?;
        tx.put_personal(&objection_id.to_string(), &id.to_string(), &body)
            .await?;
        tx.commit().await?;
        Ok(objection_id)
    }

    /// The registrar decides an objection; the objector's identity is kept for the retention
    /// period from now, then erased.
    pub async fn decide_objection(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: ObjectionDecision,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        let objection_id = decision.objection_id;
        let decided = self
            .decide_objection_step(actor, id, decision, today, if_match)
            .await?;
        self.retain_objector(objection_id).await?;
        Ok(decided)
    }

    /// The implementing body decides an objection to its selection (C 8.3).
    pub async fn decide_selection_objection(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: ObjectionDecision,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let objection_id = decision.objection_id;
        let decided = self
            .decide_selection_objection_step(actor, id, decision, today, if_match)
            .await?;
        self.retain_objector(objection_id).await?;
        Ok(decided)
    }

    /// The data administration of the applicant's region decides an objection to an admission.
    pub async fn decide_admission_objection(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: ObjectionDecision,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<DeveloperApplication>> {
        let objection_id = decision.objection_id;
        let decided = self
            .decide_admission_objection_step(actor, id, decision, today, if_match)
            .await?;
        self.retain_objector(objection_id).await?;
        Ok(decided)
    }

    /// Once decided, the objector's identity is kept for the retention period, then erased.
    async fn retain_objector(&self, objection_id: Uuid) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        tx.retain_personal_until(
            &objection_id.to_string(),
            Utc::now() + self.privacy.objector_retention,
        )
        .await?;
        tx.commit().await
    }

    /// Who objected to a registration: for the registrar deciding it (in its jurisdiction) only.
    pub async fn objectors_as(&self, actor: &Actor, id: Uuid) -> Result<Vec<Objector>> {
        actor.require_role(&[Role::Registrar], "查看异议人身份信息")?;
        let registration = self.registration(id).await?.value;
        let bound = self.jurisdiction_of(actor).await?;
        jurisdiction::require_within(bound.as_ref(), &registration.jurisdiction, "查看异议人")?;
        self.objectors_of(id).await
    }

    /// Who objected to a selection: for the implementing body deciding it only.
    pub async fn selection_objectors_as(&self, actor: &Actor, id: Uuid) -> Result<Vec<Objector>> {
        let authorization = self.authorization(id).await?.value;
        actor.require_org(
            Role::DataAdmin,
            authorization.plan.implementing_body_id,
            "查看异议人身份信息",
        )?;
        self.objectors_of(id).await
    }

    /// Who objected to an admission: for the administration of the applicant's region only.
    pub async fn admission_objectors_as(&self, actor: &Actor, id: Uuid) -> Result<Vec<Objector>> {
        let application = self.developer_application_as(actor, id).await?;
        self.objectors_of(application.id).await
    }

    async fn objectors_of(&self, subject_id: Uuid) -> Result<Vec<Objector>> {
        self.store
            .personal_of(&subject_id.to_string())
            .await?
            .into_iter()
            .map(|record| {
                let identity: Option<Identity> = record
                    .body
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| CatalogError::Storage(e.to_string()))?;
                Ok(Objector {
                    objection_id: record
                        .key
                        .parse()
                        .map_err(|_| CatalogError::Storage("异议编号无效".to_string()))?,
                    objector_name: identity.as_ref().map(|i| i.objector_name.clone()),
                    objector_id_number: identity.as_ref().map(|i| i.objector_id_number.clone()),
                    contact: identity.map(|i| i.contact),
                    retain_until: record.retain_until,
                    erased_at: record.erased_at,
                })
            })
            .collect()
    }

    /// Erase every objector identity whose retention ended (housekeeping); returns how many.
    pub async fn erase_expired_personal_data(&self, now: DateTime<Utc>) -> Result<u64> {
        self.store.erase_personal_due(now).await
    }
}
