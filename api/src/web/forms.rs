//! A posted form: its fields as sent, and the error that brings it back with the catalog's message
//! at the field it names.

use axum::http::StatusCode;
use catalog::CatalogError;
use chrono::NaiveDate;
use maud::{Markup, html};

/// A form's error: the catalog's message, and the field it names when there is one.
pub struct FormError {
    pub field: Option<String>,
    pub message: String,
    pub status: StatusCode,
}

impl From<CatalogError> for FormError {
    fn from(e: CatalogError) -> Self {
        let status = match &e {
            CatalogError::Invalid { .. } | CatalogError::RuleViolation { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            CatalogError::NotFound { .. } => StatusCode::NOT_FOUND,
            CatalogError::Conflict(_) | CatalogError::InvalidTransition(_) => StatusCode::CONFLICT,
            CatalogError::Forbidden(_) => StatusCode::FORBIDDEN,
            CatalogError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            CatalogError::Storage(_)
            | CatalogError::Database(_)
            | CatalogError::Migration(_)
            | CatalogError::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let (field, message) = match &e {
            CatalogError::Invalid { field, message } => (Some(field.clone()), message.clone()),
            CatalogError::RuleViolation { field, .. } => (Some(field.clone()), e.to_string()),
            CatalogError::Storage(_)
            | CatalogError::Database(_)
            | CatalogError::Migration(_)
            | CatalogError::Config(_) => {
                tracing::error!(error = %e, "workbench form failed");
                (None, "服务内部错误，请稍后重试".to_string())
            }
            _ => (None, e.to_string()),
        };
        FormError {
            field,
            message,
            status,
        }
    }
}

impl FormError {
    pub fn message(message: impl Into<String>) -> Self {
        FormError {
            field: None,
            message: message.into(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// The summary at the top of a form that came back, linking to the field it names.
    pub fn summary(&self) -> Markup {
        html! {
            div.error-summary role="alert" tabindex="-1" {
                h2 { "提交未成功" }
                p {
                    @if let Some(field) = &self.field {
                        a href=(format!("#{field}")) { (field_label(field)) "：" (self.message) }
                    } @else {
                        (self.message)
                    }
                }
            }
        }
    }

    /// The message beside `field`, when it is the one at fault.
    pub fn at(&self, field: &str) -> Option<Markup> {
        (self.field.as_deref() == Some(field))
            .then(|| html! { p.field-error id=(format!("{field}-error")) { (self.message) } })
    }
}

/// A posted form as its fields in order, repeated names kept (checkbox groups).
pub struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    pub fn parse(body: &[u8]) -> Self {
        FormFields(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name` ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A date input's value, or a Chinese error at `name`.
    pub fn date(&self, name: &str) -> Result<NaiveDate, CatalogError> {
        self.get(name)
            .trim()
            .parse()
            .map_err(|_| CatalogError::invalid(name, "日期应为 YYYY-MM-DD"))
    }

    /// A date input left empty is `None`.
    pub fn optional_date(&self, name: &str) -> Result<Option<NaiveDate>, CatalogError> {
        match self.get(name).trim() {
            "" => Ok(None),
            _ => self.date(name).map(Some),
        }
    }

    /// A text left empty is `None`.
    pub fn optional(&self, name: &str) -> Option<String> {
        Some(self.get(name).trim().to_string()).filter(|v| !v.is_empty())
    }

    /// A price typed in yuan (up to two decimals), in fen; `None` when left empty.
    pub fn fen(&self, name: &str) -> Result<Option<u64>, CatalogError> {
        let raw = self.get(name).trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let bad = || CatalogError::invalid(name, "金额应为不超过两位小数的元数，如 1200 或 99.5");
        let (whole, cents) = raw.split_once('.').unwrap_or((raw, ""));
        if whole.is_empty() || cents.len() > 2 || !cents.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let whole: u64 = whole.parse().map_err(|_| bad())?;
        let cents: u64 = format!("{cents:0<2}").parse().map_err(|_| bad())?;
        whole
            .checked_mul(100)
            .and_then(|f| f.checked_add(cents))
            .map(Some)
            .ok_or_else(bad)
    }

    /// A textarea's non-empty lines (one item per line).
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// The Chinese name of a field path's last segment (`content.name` → 名称), for the summary.
fn field_label(path: &str) -> String {
    let last = path
        .rsplit('.')
        .next()
        .unwrap_or(path)
        .split('[')
        .next()
        .unwrap_or(path);
    crate::portal::labels::label(last).to_string()
}
