//! 信息披露 (N 18–19): annual public statements for the previous year, by implementing bodies
//! (authorized parties, content, scope, term, fee ceilings) and by operators (products and
//! services, how public data was used, actual fees). Due by the end of March; corrections after
//! publication make a new version and keep the old ones.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use crate::error::{CatalogError, Result};
use crate::policy::MonthDay;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DisclosureContent {
    /// 实施机构: what was authorized, to whom, for how long, at what fee ceilings.
    ImplementingBody {
        authorized_parties: String,
        content_and_scope: String,
        term: String,
        fee_ceilings: String,
    },
    /// 运营机构: products and services, use of public data, fees actually charged.
    Operator {
        product_list: String,
        data_usage: String,
        actual_fees: String,
    },
}

impl DisclosureContent {
    pub fn kind(&self) -> &'static str {
        match self {
            DisclosureContent::ImplementingBody { .. } => "implementing_body",
            DisclosureContent::Operator { .. } => "operator",
        }
    }

    fn validate(&self) -> Result<()> {
        let fields: Vec<(&str, &String)> = match self {
            DisclosureContent::ImplementingBody {
                authorized_parties,
                content_and_scope,
                term,
                fee_ceilings,
            } => vec![
                ("content.authorized_parties", authorized_parties),
                ("content.content_and_scope", content_and_scope),
                ("content.term", term),
                ("content.fee_ceilings", fee_ceilings),
            ],
            DisclosureContent::Operator {
                product_list,
                data_usage,
                actual_fees,
            } => vec![
                ("content.product_list", product_list),
                ("content.data_usage", data_usage),
                ("content.actual_fees", actual_fees),
            ],
        };
        fields
            .into_iter()
            .try_for_each(|(field, value)| require_text(field, value, 20_000))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewDisclosure {
    /// The year the statement covers (the previous year).
    pub year: i32,
    pub content: DisclosureContent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisclosureStatus {
    Draft,
    Published,
}

impl DisclosureStatus {
    pub fn label(self) -> &'static str {
        match self {
            DisclosureStatus::Draft => "草稿",
            DisclosureStatus::Published => "已公开",
        }
    }
}

/// A superseded published text, kept when a correction is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DisclosureVersion {
    pub version: u32,
    pub content: DisclosureContent,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Disclosure {
    pub id: Uuid,
    pub discloser_id: Uuid,
    pub year: i32,
    pub content: DisclosureContent,
    pub status: DisclosureStatus,
    /// 1 for the first publication; each correction adds one.
    pub version: u32,
    /// Last day to publish: the policy's day (`annual_disclosure_due`) of the following year.
    pub due: NaiveDate,
    pub published_at: Option<DateTime<Utc>>,
    /// Published texts superseded by corrections, oldest first.
    pub history: Vec<DisclosureVersion>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Disclosure {
    pub fn new(
        discloser_id: Uuid,
        input: NewDisclosure,
        due_day: MonthDay,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        if input.year < 2000 || input.year >= today.year() {
            return Err(CatalogError::invalid(
                "year",
                format!("披露年度应为已结束的年度（早于 {} 年）", today.year()),
            ));
        }
        input.content.validate()?;
        let due = due_date(input.year, due_day)
            .ok_or_else(|| CatalogError::invalid("year", "年度无效"))?;
        Ok(Disclosure {
            id: Uuid::now_v7(),
            discloser_id,
            year: input.year,
            content: input.content,
            status: DisclosureStatus::Draft,
            version: 0,
            due,
            published_at: None,
            history: Vec::new(),
            created_at: now,
            updated_at: now,
        })
    }

    /// Natural key: one statement of each kind per discloser and year.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}",
            self.discloser_id,
            self.content.kind(),
            self.year
        )
    }

    /// Edit a draft, or correct a published statement (a new version; the old text is kept).
    pub fn revise(&mut self, content: DisclosureContent, now: DateTime<Utc>) -> Result<()> {
        if content.kind() != self.content.kind() {
            return Err(CatalogError::invalid(
                "content.kind",
                "不能改变披露主体类型",
            ));
        }
        content.validate()?;
        if self.status == DisclosureStatus::Published {
            self.history.push(DisclosureVersion {
                version: self.version,
                content: self.content.clone(),
                published_at: self.published_at.unwrap_or(now),
            });
            self.version += 1;
            self.published_at = Some(now);
        }
        self.content = content;
        self.updated_at = now;
        Ok(())
    }

    pub fn publish(&mut self, now: DateTime<Utc>) -> Result<()> {
        if self.status == DisclosureStatus::Published {
            return Err(CatalogError::InvalidTransition(
                "已发布；如需修改请提交更正".into(),
            ));
        }
        self.status = DisclosureStatus::Published;
        self.version = 1;
        self.published_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// Not published by the due date.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == DisclosureStatus::Draft && today > self.due
    }
}

/// The statement for `year` is due on the policy's day of the following year (N 18–19 say
/// "regularly"; the day comes from the jurisdiction policy, LY 七(二)2).
pub fn due_date(year: i32, due_day: MonthDay) -> Option<NaiveDate> {
    due_day.in_year(year.checked_add(1)?)
}

/// Who owes a statement: the implementing body or the operator of an authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscloserRole {
    ImplementingBody,
    Operator,
}

impl DiscloserRole {
    pub fn label(self) -> &'static str {
        match self {
            DiscloserRole::ImplementingBody => "实施机构",
            DiscloserRole::Operator => "运营机构",
        }
    }

    pub fn owes(self, content: &DisclosureContent) -> bool {
        matches!(
            (self, content),
            (
                DiscloserRole::ImplementingBody,
                DisclosureContent::ImplementingBody { .. }
            ) | (DiscloserRole::Operator, DisclosureContent::Operator { .. })
        )
    }
}

/// Where one party's statement for one year stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObligationStatus {
    Published,
    Draft,
    /// Nothing drafted yet.
    Missing,
}

impl ObligationStatus {
    pub fn label(self) -> &'static str {
        match self {
            ObligationStatus::Published => "已公开",
            ObligationStatus::Draft => "已起草、未公开",
            ObligationStatus::Missing => "尚未起草",
        }
    }
}

/// One statement a party owes for a year, with the authorizations that make it owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DisclosureObligation {
    pub discloser_id: Uuid,
    pub role: DiscloserRole,
    pub year: i32,
    pub due: NaiveDate,
    pub authorization_ids: Vec<Uuid>,
    pub status: ObligationStatus,
    pub disclosure_id: Option<Uuid>,
    /// Not published and past the due date.
    pub overdue: bool,
}

impl DisclosureObligation {
    /// The obligation of `discloser_id` for `year`, given its statements (any year, any kind).
    pub fn assess(
        discloser_id: Uuid,
        role: DiscloserRole,
        (year, due_day): (i32, MonthDay),
        authorization_ids: Vec<Uuid>,
        statements: &[Disclosure],
        today: NaiveDate,
    ) -> Option<Self> {
        let due = due_date(year, due_day)?;
        let statement = statements
            .iter()
            .find(|d| d.discloser_id == discloser_id && d.year == year && role.owes(&d.content));
        let status = match statement.map(|d| d.status) {
            Some(DisclosureStatus::Published) => ObligationStatus::Published,
            Some(DisclosureStatus::Draft) => ObligationStatus::Draft,
            None => ObligationStatus::Missing,
        };
        Some(DisclosureObligation {
            discloser_id,
            role,
            year,
            due,
            authorization_ids,
            status,
            disclosure_id: statement.map(|d| d.id),
            overdue: status != ObligationStatus::Published && today > due,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn march_31() -> MonthDay {
        MonthDay::parse("03-31").unwrap()
    }

    fn operator_statement(usage: &str) -> DisclosureContent {
        DisclosureContent::Operator {
            product_list: "出行指数（数据接口）".into(),
            data_usage: usage.into(),
            actual_fees: "0 元（公益）".into(),
        }
    }

    #[test]
    fn due_end_of_march_and_corrections_keep_history() {
        let today = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        let input = NewDisclosure {
            year: 2025,
            content: operator_statement("公交到站数据"),
        };
        let mut d = Disclosure::new(Uuid::now_v7(), input, march_31(), today, Utc::now()).unwrap();
        assert_eq!(d.due, NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        assert!(!d.overdue(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()));
        assert!(d.overdue(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()));
        d.publish(Utc::now()).unwrap();
        d.revise(operator_statement("公交到站与线路数据"), Utc::now())
            .unwrap();
        assert_eq!((d.version, d.history.len()), (2, 1));
        assert_eq!(d.history[0].content, operator_statement("公交到站数据"));
        let bad = NewDisclosure {
            year: 2026,
            content: operator_statement("x"),
        };
        assert!(
            Disclosure::new(Uuid::now_v7(), bad, march_31(), today, Utc::now()).is_err(),
            "the year is not over"
        );
    }
}
