//! The catalog layer's one error enum. The API maps it to RFC 9457 problems in one place.

use crate::domain::InvalidValue;

pub type Result<T, E = CatalogError> = std::result::Result<T, E>;

/// A numbered rule from DOMAIN.md "Rules the service enforces", named in refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub enum Rule {
    /// Rule 1: negative-listed resources stay out of editions, scopes and products.
    NegativeList,
    /// Rule 2: grade limits on the operation directory.
    GradeLimit,
    /// Rule 3: agreement term limits from the jurisdiction policy.
    TermLimit,
    /// Rule 4: products only from the operator's own active, reviewed scope.
    ProductScope,
    /// Rule 5: termination or expiry closes the operator's access.
    AccessClosed,
    /// Rule 6: nothing is hard-deleted.
    NoHardDelete,
}

impl Rule {
    pub fn number(self) -> u8 {
        match self {
            Rule::NegativeList => 1,
            Rule::GradeLimit => 2,
            Rule::TermLimit => 3,
            Rule::ProductScope => 4,
            Rule::AccessClosed => 5,
            Rule::NoHardDelete => 6,
        }
    }

    /// Stable slug used in problem `type` URIs.
    pub fn slug(self) -> &'static str {
        match self {
            Rule::NegativeList => "negative-list",
            Rule::GradeLimit => "grade-limit",
            Rule::TermLimit => "term-limit",
            Rule::ProductScope => "product-scope",
            Rule::AccessClosed => "access-closed",
            Rule::NoHardDelete => "no-hard-delete",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A client value that does not parse or is missing; `field` is a JSON-pointer-like path.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{entity} {id} 不存在")]
    NotFound { entity: &'static str, id: String },
    /// The stored row changed since the caller read it (optimistic concurrency) or a unique key clashes.
    #[error("{0}")]
    Conflict(String),
    /// The action is not allowed from the entity's current state.
    #[error("{0}")]
    InvalidTransition(String),
    /// A rule of authorized operation refuses the write; `field` points at the offending input.
    #[error("违反规则{}：{message}", rule.number())]
    RuleViolation {
        rule: Rule,
        field: String,
        message: String,
    },
    /// The actor's role or organization may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A sign-in failed: wrong account or password, a locked or disabled account.
    #[error("{0}")]
    Unauthenticated(String),
    /// Stored data that cannot be read back or written as it should (a body that does not parse,
    /// a missing secret): a fault of the deployment, not of the caller.
    #[error("存储错误：{0}")]
    Storage(String),
    /// The database failed (connection, I/O, a constraint other than a unique key); the driver's
    /// error is kept as the source, so the log shows what the driver said.
    #[error("数据库错误：{0}")]
    Database(#[source] sqlx::Error),
    /// The schema could not be brought up to date at start.
    #[error("数据库迁移失败：{0}")]
    Migration(#[source] sqlx::migrate::MigrateError),
    #[error("配置错误：{0}")]
    Config(String),
}

impl CatalogError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        CatalogError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn rule(rule: Rule, field: impl Into<String>, message: impl Into<String>) -> Self {
        CatalogError::RuleViolation {
            rule,
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(entity: &'static str, id: impl Into<String>) -> Self {
        CatalogError::NotFound {
            entity,
            id: id.into(),
        }
    }
}

/// Attach a field path to a domain parse error: `Uscc::parse(s).at("uscc")?`.
pub trait AtField<T> {
    fn at(self, field: &str) -> Result<T>;
}

impl<T> AtField<T> for std::result::Result<T, InvalidValue> {
    fn at(self, field: &str) -> Result<T> {
        self.map_err(|e| CatalogError::invalid(field, e.message))
    }
}

impl From<sqlx::Error> for CatalogError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return CatalogError::Conflict(format!("唯一约束冲突：{}", db.message()));
        }
        CatalogError::Database(e)
    }
}

impl From<sqlx::migrate::MigrateError> for CatalogError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        CatalogError::Migration(e)
    }
}

#[cfg(test)]
mod tests {
    use super::CatalogError;

    #[test]
    fn a_database_failure_keeps_the_drivers_error_as_its_source() {
        let e = CatalogError::from(sqlx::Error::PoolTimedOut);
        assert!(matches!(e, CatalogError::Database(_)));
        let source = std::error::Error::source(&e).expect("the driver's error");
        assert_eq!(source.to_string(), sqlx::Error::PoolTimedOut.to_string());
        assert!(e.to_string().starts_with("数据库错误："), "{e}");
    }
}
