//! 挂牌 in the workbench: an exchange reports a listing of a registered product by its
//! registration's query code (登记结果查询码), then reports changes of status and price and the
//! delisting. Every step is the catalog call `/api/v1/exchange/listings…` makes.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::listing::{ExchangeListing, ListingStatus, ListingUpdate, NewListing};
use catalog::domain::query_code::QueryCode;
use catalog::error::AtField;
use catalog::{CatalogError, SignedIn};
use maud::html;
use uuid::Uuid;

use super::choices;
use super::pages::{FormError, FormFields, refused_page, with_status, workbench_page};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field, form_about};
use crate::portal::layout::yuan;
use crate::state::AppState;

pub const PATH: &str = "/workbench/listings";
const TITLE: &str = "挂牌管理";

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    page(&state, &s, &FormFields(Vec::new()), None).await
}

async fn page(
    state: &AppState,
    s: &SignedIn,
    fields: &FormFields,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let listings = match state.catalog.own_listings(&s.actor()).await {
        Ok(l) => l,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let mut names = Vec::new();
    for l in &listings {
        let name = state.catalog.product(l.product_id).await.ok();
        names.push(name.map_or_else(String::new, |p| p.value.details.name));
    }
    let body = html! {
        h1 { (TITLE) }
        @if let Some(e) = error { (e.summary()) }
        {
            {
                section #report {
                    h2 { "报告新挂牌" }
                    p.muted { "仅已赋码且在有效期内的产品可挂牌；以登记结果查询码指明产品。" }
                    form.stack method="post" action=(PATH) {
                        (csrf_field(s))
                        label for="query_code" { "登记结果查询码" }
                        input id="query_code" name="query_code" type="text" value=(fields.get("query_code"));
                        @if let Some(m) = error.and_then(|e| e.at("query_code")) { (m) }
                        label for="listing_ref" { "挂牌编号（本交易所）" }
                        input id="listing_ref" name="listing_ref" type="text" value=(fields.get("listing_ref"));
                        @if let Some(m) = error.and_then(|e| e.at("listing_ref")) { (m) }
                        label for="price_yuan" { "挂牌价格（元）" }
                        input id="price_yuan" name="price_yuan" type="text" value=(fields.get("price_yuan"));
                        @if let Some(m) = error.and_then(|e| e.at("price_yuan")) { (m) }
                        label for="url" { "挂牌页面地址（可空）" }
                        input id="url" name="url" type="url" value=(fields.get("url"));
                        button type="submit" { "报告挂牌" }
                    }
                }
                @if listings.is_empty() {
                    p.muted { "本交易所尚未报告挂牌。" }
                } @else {
                    table #listings {
                        thead { tr {
                            th scope="col" { "挂牌编号" } th scope="col" { "产品" }
                            th scope="col" { "查询码" } th scope="col" { "状态" }
                            th scope="col" { "价格" } th scope="col" { "变更" }
                        } }
                        tbody {
                            @for (l, name) in listings.iter().zip(&names) {
                                tr id=(format!("listing-{}", l.id)) {
                                    td { (l.listing_ref) }
                                    td { a href=(format!("/products/{}", l.product_id)) { (name) } }
                                    td { code { (l.query_code.as_str()) } }
                                    td.status { (l.status.label()) }
                                    td { (yuan(l.price_fen)) }
                                    td {
                                        @if l.status != ListingStatus::Delisted {
                                            form.inline method="post" action=(format!("{PATH}/{}", l.id)) {
                                                (csrf_field(s))
                                                (choices::select(&format!("status-{}", l.id), "状态", &ListingStatus::ALL, &choices::label(&l.status)))
                                                label for=(format!("price-{}", l.id)) { "价格（元）" }
                                                input id=(format!("price-{}", l.id)) name=(format!("price-{}", l.id)) type="text"
                                                    value=(format!("{}.{:02}", l.price_fen / 100, l.price_fen % 100));
                                                button type="submit" { "报告变更" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    with_status(workbench_page(TITLE, s, org.as_ref(), body), error)
}

pub async fn report(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let f = FormFields::parse(&body);
    if let Some(refused) = check_csrf(&s, f.get("csrf")) {
        return refused;
    }
    match new_listing(&state, &s, &f).await {
        Ok(_) => Redirect::to(PATH).into_response(),
        Err(e) => page(&state, &s, &f, Some(&FormError::from(e))).await,
    }
}

/// A new listing from the form: the registration named by its query code.
async fn new_listing(
    state: &AppState,
    s: &SignedIn,
    f: &FormFields,
) -> Result<ExchangeListing, CatalogError> {
    let c = &state.catalog;
    let code = QueryCode::parse(f.get("query_code").trim()).at("query_code")?;
    let registration = c
        .registration_by_code(&code)
        .await
        .map_err(|_| CatalogError::invalid("query_code", "没有这个查询码的登记"))?;
    let input = NewListing {
        registration_id: registration.id,
        listing_ref: f.get("listing_ref").trim().to_string(),
        status: ListingStatus::Listed,
        price_fen: f
            .fen("price_yuan")?
            .ok_or_else(|| CatalogError::invalid("price_yuan", "请填写挂牌价格"))?,
        url: f.optional("url"),
    };
    c.report_listing(&s.actor(), input, state.clock.today())
        .await
}

pub async fn update(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (f, id): (FormFields, Uuid) = match form_about(&s, &id, &body).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    match changed_listing(&state, &s, &f, id).await {
        Ok(()) => Redirect::to(PATH).into_response(),
        Err(e) => page(&state, &s, &f, Some(&FormError::from(e))).await,
    }
}

/// A listing's new status and price from its row's form.
async fn changed_listing(
    state: &AppState,
    s: &SignedIn,
    f: &FormFields,
    id: Uuid,
) -> Result<(), CatalogError> {
    let (status, price) = (format!("status-{id}"), format!("price-{id}"));
    let update = ListingUpdate {
        status: choices::parse(&status, f.get(&status))?,
        price_fen: f
            .fen(&price)?
            .ok_or_else(|| CatalogError::invalid(&price, "请填写价格"))?,
        // The page does not edit the address: the one reported stays.
        url: state.catalog.listing(id).await?.value.url,
    };
    state
        .catalog
        .update_listing(&s.actor(), id, update, state.clock.today(), None)
        .await
        .map(drop)
}
