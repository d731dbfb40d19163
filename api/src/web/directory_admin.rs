//! A data administration's negative list and operation-directory editions. (Being built.)

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::pages::workbench_page;
use super::session::Session;
use super::workbench::org_of;
use crate::state::AppState;

async fn placeholder(state: &AppState, s: &catalog::SignedIn, title: &str) -> Response {
    let org = org_of(state, s).await;
    workbench_page(title, s, org.as_ref(), html! { h1 { (title) } }).into_response()
}

pub async fn negative_list(State(state): State<AppState>, Session(s): Session) -> Response {
    placeholder(&state, &s, "负面清单").await
}

pub async fn add_negative(
    State(state): State<AppState>,
    Session(s): Session,
    _body: Bytes,
) -> Response {
    placeholder(&state, &s, "负面清单").await
}

pub async fn change_negative(
    State(state): State<AppState>,
    Session(s): Session,
    Path(_): Path<(String, String)>,
    _body: Bytes,
) -> Response {
    placeholder(&state, &s, "负面清单").await
}

pub async fn editions(State(state): State<AppState>, Session(s): Session) -> Response {
    placeholder(&state, &s, "运营目录").await
}

pub async fn publish_edition(
    State(state): State<AppState>,
    Session(s): Session,
    _body: Bytes,
) -> Response {
    placeholder(&state, &s, "运营目录").await
}
