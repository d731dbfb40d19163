//! 数据质量反馈 (C 10.6; SD 8): an operator reports a quality problem with a published resource;
//! the resource's provider answers; the reporter closes it or reopens it with a follow-up.

use chrono::{DateTime, Utc};
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
    Open,
    Answered,
    Closed,
}

impl FeedbackStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackStatus::Open => "open",
            FeedbackStatus::Answered => "answered",
            FeedbackStatus::Closed => "closed",
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
            created_at: now,
            updated_at: now,
        })
    }

    /// The provider answers an open report.
    pub fn answer(&mut self, by: Uuid, text: &str, now: DateTime<Utc>) -> Result<()> {
        if self.status != FeedbackStatus::Open {
            return Err(CatalogError::InvalidTransition(
                "只能答复待处理的反馈".into(),
            ));
        }
        self.say(by, text, now)?;
        self.status = FeedbackStatus::Answered;
        Ok(())
    }

    /// The reporter accepts the answer (closes) or reopens with a follow-up.
    pub fn conclude(
        &mut self,
        by: Uuid,
        resolved: bool,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.status != FeedbackStatus::Answered {
            return Err(CatalogError::InvalidTransition(
                "只能对已答复的反馈确认或追问".into(),
            ));
        }
        self.say(by, text, now)?;
        self.status = if resolved {
            FeedbackStatus::Closed
        } else {
            FeedbackStatus::Open
        };
        Ok(())
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

    #[test]
    fn answer_then_reopen_then_close() {
        let (reporter, provider) = (Uuid::now_v7(), Uuid::now_v7());
        let input = NewFeedback {
            resource_id: Uuid::now_v7(),
            dimension: QualityDimension::Timeliness,
            description: "最近三个月未更新".into(),
        };
        let mut f = QualityFeedback::new(reporter, provider, input, Utc::now()).unwrap();
        assert!(
            f.conclude(reporter, true, "好", Utc::now()).is_err(),
            "nothing to conclude yet"
        );
        f.answer(provider, "已恢复每日更新", Utc::now()).unwrap();
        f.conclude(reporter, false, "仍缺 3 月数据", Utc::now())
            .unwrap();
        assert_eq!(f.status, FeedbackStatus::Open);
        f.answer(provider, "已补齐", Utc::now()).unwrap();
        f.conclude(reporter, true, "确认", Utc::now()).unwrap();
        assert_eq!(f.status, FeedbackStatus::Closed);
        assert_eq!(f.messages.len(), 4);
    }
}
