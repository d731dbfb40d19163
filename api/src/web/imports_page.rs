//! A provider uploads the directory template (xlsx/csv): a dry run shows the row-by-row report as
//! a table before anything is written, then the import. (Being built.)

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::pages::workbench_page;
use super::session::Session;
use super::workbench::org_of;
use crate::state::AppState;

pub async fn form(State(state): State<AppState>, Session(s): Session) -> Response {
    let org = org_of(&state, &s).await;
    workbench_page("表格导入", &s, org.as_ref(), html! { h1 { "表格导入" } }).into_response()
}

pub async fn upload(State(state): State<AppState>, Session(s): Session, _body: Bytes) -> Response {
    form(State(state), Session(s)).await
}
