//! 推送地址 in the workbench: an exchange adds webhook endpoints (refused at private, loopback and
//! metadata addresses unless the deployment allows them), rotates an endpoint's signing secret,
//! pauses and resumes it, and reads its delivery log with a retry for what was given up. The
//! service makes each secret and shows it once, as it does API tokens. Every step is the catalog
//! call `/api/v1/exchange/webhooks…` makes.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::webhook::{
    DeliveryStatus, EndpointStatus, EndpointUpdate, EndpointUrl, NewEndpoint, Targets,
    WebhookEndpoint,
};
use catalog::error::AtField;
use catalog::{CatalogError, DeliveryQuery, SignedIn};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::pages::{EntityId, FormError, FormFields, refused_page, with_status, workbench_page};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field, form_about};
use crate::portal::layout::beijing;
use crate::state::AppState;

pub const PATH: &str = "/workbench/webhooks";
const TITLE: &str = "推送地址";
/// Deliveries per page of the log.
const LOG_PAGE: i64 = 100;

/// A fresh signing secret: 32 random bytes, hex.
fn new_secret() -> Result<String, CatalogError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| CatalogError::Storage(format!("无法生成随机数：{e}")))?;
    Ok(hex::encode(bytes))
}

fn targets(t: Option<Extension<Targets>>) -> Targets {
    t.map(|Extension(t)| t).unwrap_or_default()
}

/// The secret, once, with what to do with it.
fn shown_once(secret: &str) -> Markup {
    html! {
        div.notice #issued-secret role="status" {
            p { "签名密钥只显示这一次，请配置到接收端后妥善保存：" }
            p { code #secret { (secret) } }
        }
    }
}

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    list_page(&state, &s, &FormFields(Vec::new()), None, None).await
}

async fn list_page(
    state: &AppState,
    s: &SignedIn,
    fields: &FormFields,
    secret: Option<&str>,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let endpoints = match state.catalog.own_webhooks(&s.actor()).await {
        Ok(e) => e,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let body = html! {
        h1 { (TITLE) }
        @if let Some(e) = error { (e.summary()) }
        @if let Some(secret) = secret { (shown_once(secret)) }
        p.muted { "已登记产品的每项变化按序推送到这些地址，以签名密钥签名（与“已登记产品动态”一致）。" }
        @if !endpoints.is_empty() {
            table #endpoints {
                thead { tr {
                    th scope="col" { "地址" } th scope="col" { "说明" }
                    th scope="col" { "状态" } th scope="col" { "密钥版本" }
                } }
                tbody {
                    @for e in &endpoints {
                        tr {
                            td { a href=(format!("{PATH}/{}", e.id)) { (e.url.as_str()) } }
                            td { (e.description.as_deref().unwrap_or("")) }
                            td.status { (e.status.label()) }
                            td { (e.secret_version) }
                        }
                    }
                }
            }
        }
        section #add {
            h2 { "添加推送地址" }
            form.stack method="post" action=(PATH) {
                (csrf_field(s))
                label for="url" { "接收地址（http 或 https）" }
                input id="url" name="url" type="url" value=(fields.get("url"));
                @if let Some(m) = error.and_then(|e| e.at("url")) { (m) }
                label for="description" { "说明（可空）" }
                input id="description" name="description" type="text" value=(fields.get("description"));
                button type="submit" { "添加并生成签名密钥" }
            }
        }
    };
    with_status(workbench_page(TITLE, s, org.as_ref(), body), error)
}

pub async fn register(
    State(state): State<AppState>,
    Session(s): Session,
    t: Option<Extension<Targets>>,
    body: Bytes,
) -> Response {
    let f = FormFields::parse(&body);
    if let Some(refused) = check_csrf(&s, f.get("csrf")) {
        return refused;
    }
    let registered = async {
        let input = NewEndpoint {
            url: EndpointUrl::parse(f.get("url")).at("url")?,
            secret: new_secret()?,
            description: f.optional("description"),
        };
        let secret = input.secret.clone();
        state
            .catalog
            .register_webhook(&s.actor(), input, targets(t))
            .await
            .map(|_| secret)
    };
    match registered.await {
        // The secret is in this response only: no redirect to a page that could show it again.
        Ok(secret) => list_page(&state, &s, &FormFields(Vec::new()), Some(&secret), None).await,
        Err(e) => list_page(&state, &s, &f, None, Some(&FormError::from(e))).await,
    }
}

#[derive(Deserialize)]
pub struct LogPage {
    after: Option<Uuid>,
}

pub async fn detail(
    State(state): State<AppState>,
    Session(s): Session,
    EntityId(id): EntityId,
    Query(page): Query<LogPage>,
) -> Response {
    detail_page(&state, &s, id, page.after, None, None).await
}

async fn detail_page(
    state: &AppState,
    s: &SignedIn,
    id: Uuid,
    after: Option<Uuid>,
    secret: Option<&str>,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let actor = s.actor();
    let found = async {
        let endpoint: WebhookEndpoint = state
            .catalog
            .own_webhooks(&actor)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| CatalogError::not_found("webhook_endpoint", id.to_string()))?;
        let query = DeliveryQuery {
            status: None,
            after,
            limit: Some(LOG_PAGE),
        };
        let log = state.catalog.webhook_deliveries(&actor, id, query).await?;
        Ok::<_, CatalogError>((endpoint, log))
    };
    let (endpoint, log) = match found.await {
        Ok(found) => found,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let post = format!("{PATH}/{id}");
    let button = |action: &str, text: &str| {
        html! {
            form.inline method="post" action=(post) {
                (csrf_field(s))
                button type="submit" name="action" value=(action) { (text) }
            }
        }
    };
    let body = html! {
        p { a href=(PATH) { "← " (TITLE) } }
        h1 { (endpoint.url.as_str()) }
        @if let Some(e) = error { (e.summary()) }
        @if let Some(secret) = secret { (shown_once(secret)) }
        dl.fields {
            dt { "状态" } dd #status { (endpoint.status.label()) }
            dt { "密钥版本" } dd #secret-version { (endpoint.secret_version) }
            @if let Some(d) = &endpoint.description { dt { "说明" } dd { (d) } }
        }
        div.actions {
            (button("rotate", "更换签名密钥"))
            @if endpoint.status == EndpointStatus::Active {
                (button("pause", "暂停推送"))
            } @else {
                (button("resume", "恢复推送"))
            }
        }
        section #deliveries {
            h2 { "推送记录" }
            @if log.is_empty() {
                p.muted { "暂无推送记录。" }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "序号" } th scope="col" { "变化" } th scope="col" { "状态" }
                        th scope="col" { "尝试" } th scope="col" { "最近一次" } th scope="col" { "" }
                    } }
                    tbody {
                        @for d in &log {
                            tr.overdue[d.status == DeliveryStatus::Failed] id=(format!("delivery-{}", d.id)) {
                                td { (d.seq) }
                                td { (catalog::feed_action_label(&d.action)) }
                                td.status { (d.status.label()) }
                                td { (d.attempts.len()) }
                                td { @if let Some(a) = d.attempts.last() {
                                    (beijing(&a.at)) " "
                                    @if let Some(code) = a.status_code { "HTTP " (code) }
                                    @if let Some(e) = &a.error { (e) }
                                    " · " (a.duration_ms) " ms"
                                } }
                                td { @if d.status == DeliveryStatus::Failed {
                                    form.inline method="post" action=(post) {
                                        (csrf_field(s))
                                        input type="hidden" name="delivery" value=(d.id);
                                        button type="submit" name="action" value="requeue" { "重新推送" }
                                    }
                                } }
                            }
                        }
                    }
                }
                @if log.len() as i64 == LOG_PAGE {
                    @if let Some(last) = log.last() {
                        p { a href=(format!("{post}?after={}", last.id)) { "后 " (LOG_PAGE) " 条" } }
                    }
                }
            }
        }
    };
    with_status(workbench_page(TITLE, s, org.as_ref(), body), error)
}

/// One step on an endpoint; a rotation answers with the new secret, once.
pub async fn act(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    t: Option<Extension<Targets>>,
    body: Bytes,
) -> Response {
    let (f, id) = match form_about(&s, &id, &body).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let (c, actor) = (&state.catalog, s.actor());
    let update = |u: EndpointUpdate| {
        let actor = actor.clone();
        let targets = targets(t);
        async move {
            c.update_webhook(&actor, id, u, None, targets)
                .await
                .map(drop)
        }
    };
    let done: Result<Option<String>, CatalogError> = match f.get("action") {
        "rotate" => match new_secret() {
            Ok(secret) => update(EndpointUpdate {
                secret: Some(secret.clone()),
                ..EndpointUpdate::default()
            })
            .await
            .map(|()| Some(secret)),
            Err(e) => Err(e),
        },
        action @ ("pause" | "resume") => update(EndpointUpdate {
            active: Some(action == "resume"),
            ..EndpointUpdate::default()
        })
        .await
        .map(|()| None),
        "requeue" => match f.get("delivery").parse::<Uuid>() {
            Ok(delivery) => c.requeue_delivery(&actor, delivery).await.map(|_| None),
            Err(_) => Err(CatalogError::invalid("delivery", "缺少推送记录")),
        },
        _ => Err(CatalogError::invalid("action", "未知的操作")),
    };
    match done {
        Ok(Some(secret)) => detail_page(&state, &s, id, None, Some(&secret), None).await,
        Ok(None) => Redirect::to(&format!("{PATH}/{id}")).into_response(),
        Err(e) => detail_page(&state, &s, id, None, None, Some(&FormError::from(e))).await,
    }
}
