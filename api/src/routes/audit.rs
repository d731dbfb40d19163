//! The regulator interface (C 9.6): read the audit trail and check its chain.

use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use catalog::audit::{AuditEvent, ChainReport};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{As, AuditReaders};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::openapi::Problems;
use crate::page_limit::PageLimit;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(events))
        .routes(routes!(verify))
        .routes(routes!(export))
}

/// Events per database read while exporting.
const EXPORT_PAGE: i64 = 1000;

/// The whole chain as NDJSON, one event per line in sequence order, streamed page by page. Anyone
/// holding the file can check it: `mulu audit verify-export FILE` (C 9.5, C 9.6).
#[utoipa::path(operation_id = "audit_export", get, path = "/api/v1/audit/export", tag = "audit",
    security(("bearer" = ["auditor", "data_admin", "audit_admin"])),
    responses((status = 200, description = "NDJSON, one AuditEvent per line",
               content_type = "application/x-ndjson", body = String), Problems))]
async fn export(State(state): State<AppState>, _: As<AuditReaders>) -> Response {
    ndjson_export(&state)
}

/// The whole chain as an NDJSON download, streamed page by page (also the workbench's export).
pub fn ndjson_export(state: &AppState) -> Response {
    let catalog = state.catalog.clone();
    let pages = futures_util::stream::unfold(Some(0i64), move |after| {
        let catalog = catalog.clone();
        async move {
            let after = after?;
            match catalog.store().audit_events(after, EXPORT_PAGE).await {
                Ok(events) => {
                    let next = (events.len() as i64 == EXPORT_PAGE)
                        .then(|| events.last().map(|e| e.seq))
                        .flatten();
                    let mut chunk = Vec::new();
                    for event in &events {
                        // An AuditEvent always serializes.
                        let _ = serde_json::to_writer(&mut chunk, event);
                        chunk.push(b'\n');
                    }
                    Some((Ok::<_, std::io::Error>(chunk), next))
                }
                Err(e) => {
                    tracing::error!(error = %e, "audit export failed mid-stream");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        }
    });
    (
        [(CONTENT_TYPE, "application/x-ndjson")],
        // Fused: the compression layer polls once more after the end, and `unfold` panics then.
        axum::body::Body::from_stream(futures_util::StreamExt::fuse(pages)),
    )
        .into_response()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EventsQuery {
    /// Events with a sequence number above this (default 0).
    #[param(minimum = 0)]
    after_seq: Option<i64>,
    /// 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

/// Audit events in chain order (auditor, data administration).
#[utoipa::path(operation_id = "audit_events", get, path = "/api/v1/audit/events", tag = "audit", params(EventsQuery),
    security(("bearer" = ["auditor", "data_admin", "audit_admin"])),
    responses((status = 200, body = Vec<AuditEvent>), Problems))]
async fn events(
    State(state): State<AppState>,
    _: As<AuditReaders>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Json<Vec<AuditEvent>>> {
    let limit = PageLimit::parse(q.limit, 100, 1..=1000, "limit")?.as_i64();
    let after_seq = match q.after_seq.unwrap_or(0) {
        n @ 0.. => n,
        _ => return Err(ApiError::bad_request("after_seq", "after_seq 不能为负数")),
    };
    let events = state.catalog.store().audit_events(after_seq, limit).await?;
    Ok(Json(events))
}

/// Recompute the hash chain end to end; names the first bad event.
#[utoipa::path(operation_id = "verify_audit_chain", get, path = "/api/v1/audit/verify", tag = "audit",
    security(("bearer" = ["auditor", "data_admin", "audit_admin"])),
    responses((status = 200, body = ChainReport), Problems))]
async fn verify(
    State(state): State<AppState>,
    _: As<AuditReaders>,
) -> ApiResult<Json<ChainReport>> {
    Ok(Json(
        catalog::audit_log::verify_store(state.catalog.store()).await?,
    ))
}
