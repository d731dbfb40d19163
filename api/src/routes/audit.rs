//! The regulator interface (C 9.6): read the audit trail and check its chain.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use catalog::Role;
use catalog::audit::{AuditEvent, ChainReport};
use serde::Deserialize;

use super::public::query;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audit/events", get(events))
        .route("/api/v1/audit/verify", get(verify))
}

#[derive(Debug, Deserialize)]
struct EventsQuery {
    /// Events with a sequence number above this.
    after_seq: Option<i64>,
    limit: Option<i64>,
}

async fn events(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    q: Result<Query<EventsQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<AuditEvent>>> {
    actor.require_role(&[Role::Auditor, Role::DataAdmin], "读取审计记录")?;
    let q = query(q)?;
    let limit = match q.limit.unwrap_or(100) {
        n @ 1..=1000 => n,
        _ => {
            return Err(ApiError::bad_request(
                "limit",
                "limit 必须在 1 到 1000 之间",
            ));
        }
    };
    let events = state
        .catalog
        .store()
        .audit_events(q.after_seq.unwrap_or(0).max(0), limit)
        .await?;
    Ok(Json(events))
}

async fn verify(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<ChainReport>> {
    actor.require_role(&[Role::Auditor, Role::DataAdmin], "校验审计链")?;
    Ok(Json(
        catalog::audit::verify_store(state.catalog.store()).await?,
    ))
}
