//! 数据质量反馈 (C 10.6; SD 8): an operator reports a quality problem with a published resource
//! to the implementing body (the administration of the provider's region), which checks it; a
//! report found true and reasonable goes to the resource's provider, who answers within the
//! jurisdiction's working days; the reporter closes it or reopens it with a follow-up.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use crate::error::{CatalogError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualityDimension {
    /// 准确性
    Accuracy,
    /// 完整性
    Completeness,
    /// 及时性
    Timeliness,
    /// 一致性
    Consistency,
    /// 可用性
    Availability,
    /// 其他
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewFeedback {
    pub resource_id: Uuid,
    pub dimension: QualityDimension,
    /// What is wrong, with examples (no raw personal data).
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    /// Filed with the implementing body, which checks it (C 10.6).
    Open,
    /// Found true and reasonable: the provider answers by `answer_due` (SD 8).
    Referred,
    Answered,
    Closed,
    /// Not found true, or the demand not reasonable: the implementing body's reason is kept.
    Dismissed,
}

impl FeedbackStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackStatus::Open => "open",
            FeedbackStatus::Referred => "referred",
            FeedbackStatus::Answered => "answered",
            FeedbackStatus::Closed => "closed",
            FeedbackStatus::Dismissed => "dismissed",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            FeedbackStatus::Open => "待实施机构核实",
            FeedbackStatus::Referred => "待数源单位答复",
            FeedbackStatus::Answered => "已答复",
            FeedbackStatus::Closed => "已关闭",
            FeedbackStatus::Dismissed => "不予转办",
        }
    }
}

impl QualityDimension {
    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            QualityDimension::Accuracy => "准确性",
            QualityDimension::Completeness => "完整性",
            QualityDimension::Timeliness => "及时性",
            QualityDimension::Consistency => "一致性",
            QualityDimension::Availability => "可用性",
            QualityDimension::Other => "其他",
        }
    }
}

/// One message in the exchange between reporter and provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedbackMessage {
    pub by: Uuid,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// The implementing body's finding on a report (C 10.6: 反馈问题属实且需求合理).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedbackVerdict {
    /// The administration that checked the report.
    pub by: Uuid,
    /// True and reasonable: referred to the provider.
    pub substantiated: bool,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QualityFeedback {
    pub id: Uuid,
    pub reporter_id: Uuid,
    /// The provider of the resource: the one who must answer.
    pub provider_id: Uuid,
    pub resource_id: Uuid,
    pub dimension: QualityDimension,
    pub description: String,
    pub status: FeedbackStatus,
    pub messages: Vec<FeedbackMessage>,
    #[serde(default)]
    pub verdict: Option<FeedbackVerdict>,
    /// The day the provider's answer is due (set on referral, and again when the reporter
    /// reopens the report).
    #[serde(default)]
    pub answer_due: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl QualityFeedback {
    pub fn new(
        reporter_id: Uuid,
        provider_id: Uuid,
        input: NewFeedback,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        require_text("description", &input.description, 4000)?;
        Ok(QualityFeedback {
            id: Uuid::now_v7(),
            reporter_id,
            provider_id,
            resource_id: input.resource_id,
            dimension: input.dimension,
            description: input.description,
            status: FeedbackStatus::Open,
            messages: Vec::new(),
            verdict: None,
            answer_due: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// C 10.6: the implementing body checks the report; a true and reasonable one goes to the
    /// provider, due by `due`; any other is dismissed with the reason.
    pub fn verify(
        &mut self,
        by: Uuid,
        substantiated: bool,
        text: &str,
        due: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.status != FeedbackStatus::Open {
            return Err(CatalogError::InvalidTransition(
                "只能核实待核实的反馈".into(),
            ));
        }
        require_text("text", text, 4000)?;
        self.verdict = Some(FeedbackVerdict {
            by,
            substantiated,
            text: text.to_string(),
            at: now,
        });
        if substantiated {
            self.status = FeedbackStatus::Referred;
            self.answer_due = Some(due);
        } else {
            self.status = FeedbackStatus::Dismissed;
        }
        self.updated_at = now;
        Ok(())
    }

    /// The provider answers a referred report.
    pub fn answer(&mut self, by: Uuid, text: &str, now: DateTime<Utc>) -> Result<()> {
        if self.status != FeedbackStatus::Referred {
            return Err(CatalogError::InvalidTransition(
                "只能答复实施机构已转办的反馈".into(),
            ));
        }
        self.say(by, text, now)?;
        self.status = FeedbackStatus::Answered;
        Ok(())
    }

    /// The reporter accepts the answer (closes) or reopens with a follow-up, which the provider
    /// answers again by `reopened_due`.
    pub fn conclude(
        &mut self,
        by: Uuid,
        resolved: bool,
        text: &str,
        reopened_due: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.status != FeedbackStatus::Answered {
            return Err(CatalogError::InvalidTransition(
                "只能对已答复的反馈确认或追问".into(),
            ));
        }
        self.say(by, text, now)?;
        if resolved {
            self.status = FeedbackStatus::Closed;
        } else {
            self.status = FeedbackStatus::Referred;
            self.answer_due = Some(reopened_due);
        }
        Ok(())
    }

    /// Referred and not answered by its due day.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == FeedbackStatus::Referred && self.answer_due.is_some_and(|due| today > due)
    }

    fn say(&mut self, by: Uuid, text: &str, now: DateTime<Utc>) -> Result<()> {
        require_text("text", text, 4000)?;
        self.messages.push(FeedbackMessage {
            by,
            text: text.to_string(),
            at: now,
        });
        self.updated_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn report() -> (QualityFeedback, Uuid, Uuid) {
        let (reporter, provider) = (Uuid::now_v7(), Uuid::now_v7());
        let input = NewFeedback {
            resource_id: Uuid::now_v7(),
            dimension: QualityDimension::Timeliness,
            description: "最近三个月未更新".into(),
        };
        let f = QualityFeedback::new(reporter, provider, input, Utc::now()).unwrap();
        (f, reporter, provider)
    }

    #[test]
    fn the_implementing_body_refers_then_answer_reopen_close() {
        let (mut f, reporter, provider) = report();
        let admin = Uuid::now_v7();
        assert!(
            f.answer(provider, "已恢复", Utc::now()).is_err(),
            "the provider answers only what the implementing body referred (C 10.6)"
        );
        f.verify(admin, true, "属实，请数源单位整改", day(21), Utc::now())
            .unwrap();
        assert_eq!(f.status, FeedbackStatus::Referred);
        assert_eq!(f.answer_due, Some(day(21)));
        assert!(!f.is_overdue(day(21)) && f.is_overdue(day(22)));
        assert!(
            f.conclude(reporter, true, "好", day(30), Utc::now())
                .is_err(),
            "nothing to conclude yet"
        );
        f.answer(provider, "已恢复每日更新", Utc::now()).unwrap();
        assert!(!f.is_overdue(day(30)), "answered is not overdue");
        f.conclude(reporter, false, "仍缺 3 月数据", day(28), Utc::now())
            .unwrap();
        assert_eq!(f.status, FeedbackStatus::Referred);
        assert_eq!(f.answer_due, Some(day(28)));
        f.answer(provider, "已补齐", Utc::now()).unwrap();
        f.conclude(reporter, true, "确认", day(30), Utc::now())
            .unwrap();
        assert_eq!(f.status, FeedbackStatus::Closed);
        assert_eq!(f.messages.len(), 4);
    }

    #[test]
    fn a_dismissed_report_keeps_its_reason_and_goes_no_further() {
        let (mut f, _, provider) = report();
        f.verify(
            Uuid::now_v7(),
            false,
            "经核实数据按月更新，符合目录",
            day(21),
            Utc::now(),
        )
        .unwrap();
        assert_eq!(f.status, FeedbackStatus::Dismissed);
        assert_eq!(f.answer_due, None);
        assert!(f.verdict.as_ref().is_some_and(|v| !v.substantiated));
        assert!(f.answer(provider, "x", Utc::now()).is_err());
        assert!(
            f.verify(Uuid::now_v7(), true, "再核", day(21), Utc::now())
                .is_err()
        );
    }
}
