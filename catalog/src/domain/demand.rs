//! 数据需求申请: "one scenario, one application" (GZ 18; SD 17–18). An operator or developer asks
//! for resources for exactly one application scenario and justifies that each is necessary; the
//! data administration approves or rejects with its opinion.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use crate::error::{CatalogError, Result};

/// Most resources one scenario may ask for: beyond this the request is not "minimal".
pub const MAX_RESOURCES_PER_DEMAND: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewDemand {
    /// The one application scenario (适用场景) this application is for.
    pub scenario: String,
    /// What the scenario does and for whom.
    pub scenario_description: String,
    /// Published resources requested (ids), each necessary for the scenario.
    pub resource_ids: Vec<Uuid>,
    /// Why each requested resource is the minimum necessary (最小必要).
    pub justification: String,
}

impl NewDemand {
    pub fn validate(&self) -> Result<()> {
        require_text("scenario", &self.scenario, 200)?;
        require_text("scenario_description", &self.scenario_description, 4000)?;
        require_text("justification", &self.justification, 4000)?;
        if self.resource_ids.is_empty() {
            return Err(CatalogError::invalid("resource_ids", "至少申请一个资源"));
        }
        if self.resource_ids.len() > MAX_RESOURCES_PER_DEMAND {
            return Err(CatalogError::invalid(
                "resource_ids",
                format!("一个场景最多申请 {MAX_RESOURCES_PER_DEMAND} 个资源（最小必要原则）"),
            ));
        }
        for (i, id) in self.resource_ids.iter().enumerate() {
            if self.resource_ids[..i].contains(id) {
                return Err(CatalogError::invalid(
                    format!("resource_ids[{i}]"),
                    "同一资源重复申请",
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandStatus {
    Submitted,
    Approved,
    Rejected,
}

impl DemandStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DemandStatus::Submitted => "submitted",
            DemandStatus::Approved => "approved",
            DemandStatus::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DemandStatus::Submitted => "待审核",
            DemandStatus::Approved => "已通过",
            DemandStatus::Rejected => "未通过",
        }
    }
}

/// The administration's answer. An approval grants the applicant the requested resources for
/// its scenario until `valid_until` (SD 17: 审核通过后获取公共数据资源; GZ 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DemandReview {
    pub approved: bool,
    /// The review opinion (required either way: a rejection must say why).
    pub opinion: String,
    /// The last day the approval lets the applicant obtain the resources; required to approve.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DemandApplication {
    pub id: Uuid,
    pub applicant_id: Uuid,
    #[serde(flatten)]
    pub request: NewDemand,
    pub status: DemandStatus,
    pub review: Option<DemandReview>,
    pub reviewed_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl DemandApplication {
    pub fn new(applicant_id: Uuid, request: NewDemand, now: DateTime<Utc>) -> Result<Self> {
        request.validate()?;
        Ok(DemandApplication {
            id: Uuid::now_v7(),
            applicant_id,
            request,
            status: DemandStatus::Submitted,
            review: None,
            reviewed_by: None,
            created_at: now,
            updated_at: now,
        })
    }

    pub fn review(
        &mut self,
        reviewer: Uuid,
        review: DemandReview,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.status != DemandStatus::Submitted {
            return Err(CatalogError::InvalidTransition(format!(
                "需求申请已{}，不能再次审核",
                if self.status == DemandStatus::Approved {
                    "通过"
                } else {
                    "驳回"
                }
            )));
        }
        require_text("opinion", &review.opinion, 2000)?;
        match (review.approved, review.valid_until) {
            (true, None) => {
                return Err(CatalogError::invalid(
                    "valid_until",
                    "批准需求申请须写明可获取数据的截止日期",
                ));
            }
            (true, Some(until)) if until <= today => {
                return Err(CatalogError::invalid("valid_until", "截止日期应晚于今天"));
            }
            _ => {}
        }
        self.status = if review.approved {
            DemandStatus::Approved
        } else {
            DemandStatus::Rejected
        };
        self.review = Some(review);
        self.reviewed_by = Some(reviewer);
        self.updated_at = now;
        Ok(())
    }
}

impl DemandApplication {
    /// Does this demand, today, let `applicant` obtain `resource_id`?
    pub fn grants(&self, applicant: Uuid, resource_id: Uuid, today: NaiveDate) -> bool {
        self.status == DemandStatus::Approved
            && self.applicant_id == applicant
            && self.request.resource_ids.contains(&resource_id)
            && self
                .review
                .as_ref()
                .and_then(|r| r.valid_until)
                .is_some_and(|until| today <= until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(ids: Vec<Uuid>) -> NewDemand {
        NewDemand {
            scenario: "普惠金融授信".into(),
            scenario_description: "为小微企业授信提供纳税与社保缴纳核验".into(),
            resource_ids: ids,
            justification: "授信模型只需缴纳状态，不含明细".into(),
        }
    }

    #[test]
    fn one_scenario_needs_at_least_one_distinct_resource() {
        assert!(demand(vec![]).validate().is_err());
        let id = Uuid::now_v7();
        let err = demand(vec![id, id]).validate().unwrap_err();
        assert!(matches!(err, CatalogError::Invalid { field, .. } if field == "resource_ids[1]"));
        assert!(demand(vec![id]).validate().is_ok());
    }

    #[test]
    fn a_review_happens_once() {
        let mut d =
            DemandApplication::new(Uuid::now_v7(), demand(vec![Uuid::now_v7()]), Utc::now())
                .unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let ok = DemandReview {
            approved: false,
            opinion: "超出最小必要范围".into(),
            valid_until: None,
        };
        d.review(Uuid::now_v7(), ok.clone(), today, Utc::now())
            .unwrap();
        assert_eq!(d.status, DemandStatus::Rejected);
        assert!(d.review(Uuid::now_v7(), ok, today, Utc::now()).is_err());
    }
}
