//! The authorization lifecycle over HTTP (implementing body, and operators applying).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use catalog::domain::authorization::{Authorization, NewAuthorization, Termination};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::public::path_id;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, if_match};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/authorizations", post(announce))
        .route("/api/v1/authorizations/{id}/apply", post(apply))
        .route("/api/v1/admin/authorizations/{id}/select", post(select))
        .route(
            "/api/v1/admin/authorizations/{id}/publicize",
            post(publicize),
        )
        .route("/api/v1/admin/authorizations/{id}/sign", post(sign))
        .route("/api/v1/admin/authorizations/{id}/activate", post(activate))
        .route(
            "/api/v1/admin/authorizations/{id}/terminate",
            post(terminate),
        )
}

async fn announce(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Body(body): Body<NewAuthorization>,
) -> ApiResult<(StatusCode, Json<Authorization>)> {
    let a = state.catalog.announce_authorization(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

async fn apply(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Authorization>> {
    let operator = actor
        .org_id
        .ok_or_else(|| ApiError::bad_request("operator_id", "须以运营机构身份申请"))?;
    let a = state
        .catalog
        .apply_for_authorization(&actor, path_id(id)?, operator)
        .await?;
    Ok(Json(a.value))
}

#[derive(Debug, Deserialize)]
struct OperatorChoice {
    operator_id: Uuid,
}

async fn select(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<OperatorChoice>,
) -> ApiResult<Json<Authorization>> {
    let a = state
        .catalog
        .select_operator(&actor, path_id(id)?, body.operator_id, if_match(&headers)?)
        .await?;
    Ok(Json(a.value))
}

#[derive(Debug, Deserialize)]
struct OnDate {
    date: NaiveDate,
}

async fn publicize(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<OnDate>,
) -> ApiResult<Json<Authorization>> {
    let a = state
        .catalog
        .publicize_selection(&actor, path_id(id)?, body.date, if_match(&headers)?)
        .await?;
    Ok(Json(a.value))
}

async fn sign(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<OnDate>,
) -> ApiResult<Json<Authorization>> {
    let a = state
        .catalog
        .sign_agreement(&actor, path_id(id)?, body.date, if_match(&headers)?)
        .await?;
    Ok(Json(a.value))
}

async fn activate(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<OnDate>,
) -> ApiResult<Json<Authorization>> {
    let a = state
        .catalog
        .activate_authorization(&actor, path_id(id)?, body.date, if_match(&headers)?)
        .await?;
    Ok(Json(a.value))
}

async fn terminate(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<Termination>,
) -> ApiResult<Json<Authorization>> {
    let a = state
        .catalog
        .terminate_authorization(&actor, path_id(id)?, body, if_match(&headers)?)
        .await?;
    Ok(Json(a.value))
}
