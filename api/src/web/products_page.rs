//! 产品 in the workbench (C 10.4; rule 4): an operator drafts a product from the scope of one of
//! its authorizations in force, reads the compliance review's result and, once it passed, applies
//! for its registration; the implementing body of the authorization finds the drafts in its
//! review queue and records the review. Every step is the catalog call the
//! `/api/v1/operator/products…`, `/api/v1/admin/products…` and `/api/v1/registrations` routes make.

use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::authorization::AuthorizationStatus;
use catalog::domain::product::{
    DeliveryForm, NewProduct, Product, ProductStatus, ReviewFinding, SceneCategory,
};
use catalog::domain::registration::{NewRegistration, RegistrationSubject, RegistrationType};
use catalog::domain::sample::{MediaType, too_large_message};
use catalog::error::AtField;
use catalog::{CatalogError, ProductView, Role, SignedIn};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::choices;
use super::pages::{EntityId, FormError, FormFields, refused_page, with_status, workbench_page};
use super::registration_parts::{materials_from, materials_inputs};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field, form_about};
use super::upload::{self, UploadRefusal};
use crate::portal::layout::{beijing, yuan};
use crate::state::AppState;

pub const PATH: &str = "/workbench/products";
const TITLE: &str = "数据产品";

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    let org = org_of(&state, &s).await;
    let actor = s.actor();
    let products = match state.catalog.products_as(&actor).await {
        Ok(p) => p,
        Err(e) => return refused_page(&state, &s, TITLE, e).await,
    };
    // An operator drafts from the authorizations in force that name it.
    let in_force = if s.role == Role::Operator {
        state
            .catalog
            .authorizations_as(&actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.authorization)
            .filter(|a| a.status == AuthorizationStatus::Active && a.operator_id == actor.org_id)
            .collect()
    } else {
        Vec::new()
    };
    let body = html! {
        h1 { (TITLE) }
        @if s.role == Role::DataAdmin {
            p.muted { "本机构授权下的产品；待合规审核的排在前面。" }
        }
        @if !in_force.is_empty() {
            section #draft-from {
                h2 { "从授权范围开发产品" }
                ul {
                    @for a in &in_force {
                        li { a href=(format!("{PATH}/new?authorization={}", a.id)) { (a.plan.plan_name) }
                             " （" (a.scope.len()) " 项数据资源，至 " (a.plan.term_end) "）" }
                    }
                }
            }
        }
        @if products.is_empty() {
            p.muted { "暂无产品。" }
        } @else {
            table #products {
                thead { tr {
                    th scope="col" { "产品" } th scope="col" { "形态" }
                    th scope="col" { "场景" } th scope="col" { "状态" }
                } }
                tbody {
                    @for p in ordered(&products) {
                        tr.overdue[s.role == Role::DataAdmin && p.status == ProductStatus::Draft] {
                            td { a href=(format!("{PATH}/{}", p.id)) { (p.details.name) } }
                            td { (choices::label(&p.details.delivery_form)) }
                            td { (choices::label(&p.details.scene_category)) }
                            td.status { (p.status.label()) }
                        }
                    }
                }
            }
        }
    };
    workbench_page(TITLE, &s, org.as_ref(), body).into_response()
}

/// Drafts (awaiting review) first, then the rest as the catalog ordered them.
fn ordered(products: &[Product]) -> Vec<&Product> {
    let mut v: Vec<&Product> = products.iter().collect();
    v.sort_by_key(|p| p.status != ProductStatus::Draft);
    v
}

#[derive(Deserialize)]
pub struct FromAuthorization {
    authorization: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    Session(s): Session,
    Query(q): Query<FromAuthorization>,
) -> Response {
    let fields = FormFields(vec![(
        "authorization_id".to_string(),
        q.authorization.unwrap_or_default(),
    )]);
    draft_page(&state, &s, &fields, PATH, None).await
}

/// The draft form over one authorization's scope, posted to `action` (a new draft, or an edit).
async fn draft_page(
    state: &AppState,
    s: &SignedIn,
    fields: &FormFields,
    action: &str,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let Ok(authorization_id) = fields.get("authorization_id").parse::<Uuid>() else {
        return refused_page(
            state,
            s,
            TITLE,
            CatalogError::invalid("authorization", "请从授权运营中选择一项授权"),
        )
        .await;
    };
    let view = match state
        .catalog
        .authorization_view_as(&s.actor(), authorization_id)
        .await
    {
        Ok(v) => v,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let a = &view.authorization;
    let picked = fields.all("source_resource_ids");
    let text = |id: &str, label: &str| {
        html! {
            label for=(id) { (label) }
            input id=(id) name=(id) type="text" value=(fields.get(id));
            @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
        }
    };
    let area = |id: &str, label: &str| {
        html! {
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows="3" { (fields.get(id)) }
            @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
        }
    };
    let body = html! {
        p { a href=(PATH) { "← " (TITLE) } }
        h1 { "开发产品：" (a.plan.plan_name) }
        @if let Some(e) = error { (e.summary()) }
        form.stack.product method="post" action=(action) {
            (csrf_field(s))
            input type="hidden" name="authorization_id" value=(a.id);
            (text("name", "产品名称"))
            (area("summary", "产品简介"))
            (choices::select("delivery_form", "产品形态", &DeliveryForm::ALL, fields.get("delivery_form")))
            fieldset #sources {
                legend { "来源数据资源（授权范围内）" }
                @if let Some(m) = error.and_then(|e| e.at("source_resource_ids")) { (m) }
                @for l in &a.scope {
                    @let id = l.resource_id.to_string();
                    div.check {
                        input type="checkbox" name="source_resource_ids" value=(id)
                            id=(format!("source-{id}")) checked[picked.contains(&id.as_str())];
                        label for=(format!("source-{id}")) {
                            code { (l.code.as_str()) } " " (l.name)
                            @if let Some(c) = &l.condition { span.muted { "（条件：" (c) "）" } }
                        }
                    }
                }
            }
            (area("applicable_scenarios", "适用场景（每行一项）"))
            (area("forbidden_scenarios", "禁用场景（每行一项，可空）"))
            (choices::select("scene_category", "场景类别", &SceneCategory::ALL, fields.get("scene_category")))
            (text("price_yuan", "价格（元，公益场景不填或填 0）"))
            (text("ceiling_yuan", "政府指导价上限（元，产业场景必填）"))
            button type="submit" { "保存并提交合规审核" }
        }
    };
    with_status(workbench_page("开发产品", s, org.as_ref(), body), error)
}

fn product_from(f: &FormFields) -> Result<NewProduct, CatalogError> {
    let authorization_id = f
        .get("authorization_id")
        .parse()
        .map_err(|_| CatalogError::invalid("authorization_id", "请选择授权"))?;
    let source_resource_ids = f
        .all("source_resource_ids")
        .iter()
        .map(|id| id.parse::<Uuid>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| CatalogError::invalid("source_resource_ids", "请从授权范围中选择"))?;
    Ok(NewProduct {
        name: f.get("name").to_string(),
        summary: f.get("summary").to_string(),
        delivery_form: choices::parse("delivery_form", f.get("delivery_form"))?,
        authorization_id,
        source_resource_ids,
        applicable_scenarios: f.lines("applicable_scenarios"),
        forbidden_scenarios: f.lines("forbidden_scenarios"),
        scene_category: choices::parse("scene_category", f.get("scene_category"))?,
        price_fen: f.fen("price_yuan")?,
        ceiling_fen: f.fen("ceiling_yuan")?,
    })
}

pub async fn create(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(refused) = check_csrf(&s, fields.get("csrf")) {
        return refused;
    }
    let today = state.clock.today();
    let done = match product_from(&fields) {
        Ok(p) => {
            state
                .catalog
                .create_product(&s.actor(), s.person.org_id, p, today)
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(p) => Redirect::to(&format!("{PATH}/{}", p.id)).into_response(),
        Err(e) => draft_page(&state, &s, &fields, PATH, Some(&FormError::from(e))).await,
    }
}

/// A draft or failed product's form, filled from it.
pub async fn edit_form(
    State(state): State<AppState>,
    Session(s): Session,
    EntityId(id): EntityId,
) -> Response {
    match state.catalog.product_as(&s.actor(), id).await {
        Ok(v) => {
            let fields = fields_of(&v.product);
            draft_page(&state, &s, &fields, &format!("{PATH}/{id}/edit"), None).await
        }
        Err(e) => refused_page(&state, &s, TITLE, e).await,
    }
}

/// A product's details as the form's fields.
fn fields_of(p: &Product) -> FormFields {
    let d = &p.details;
    let yuan_text =
        |fen: Option<u64>| fen.map_or(String::new(), |f| format!("{}.{:02}", f / 100, f % 100));
    let mut fields = vec![
        (
            "authorization_id".to_string(),
            d.authorization_id.to_string(),
        ),
        ("name".to_string(), d.name.clone()),
        ("summary".to_string(), d.summary.clone()),
        (
            "delivery_form".to_string(),
            choices::label(&d.delivery_form),
        ),
        (
            "applicable_scenarios".to_string(),
            d.applicable_scenarios.join("\n"),
        ),
        (
            "forbidden_scenarios".to_string(),
            d.forbidden_scenarios.join("\n"),
        ),
        (
            "scene_category".to_string(),
            choices::label(&d.scene_category),
        ),
        ("price_yuan".to_string(), yuan_text(d.price_fen)),
        ("ceiling_yuan".to_string(), yuan_text(d.ceiling_fen)),
    ];
    fields.extend(
        d.source_resource_ids
            .iter()
            .map(|id| ("source_resource_ids".to_string(), id.to_string())),
    );
    FormFields(fields)
}

pub async fn update(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (fields, id) = match form_about(&s, &id, &body).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let today = state.clock.today();
    let done = match product_from(&fields) {
        Ok(p) => {
            state
                .catalog
                .revise_product(&s.actor(), id, p, today, None)
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Redirect::to(&format!("{PATH}/{id}")).into_response(),
        Err(e) => {
            let action = format!("{PATH}/{id}/edit");
            draft_page(&state, &s, &fields, &action, Some(&FormError::from(e))).await
        }
    }
}

/// The operator uploads (or replaces) the product's sample (GZ 17).
pub async fn upload_sample(
    State(state): State<AppState>,
    Session(s): Session,
    EntityId(id): EntityId,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let limit = match state.catalog.sample_limit(id).await {
        Ok(limit) => limit,
        Err(e) => return refused_page(&state, &s, TITLE, e).await,
    };
    let too_large = too_large_message(limit + 1, limit);
    let keep = (
        usize::try_from(limit).unwrap_or(usize::MAX),
        too_large.as_str(),
    );
    let file = match upload::read(&s, form, "sample", Some(keep)).await {
        Ok(u) => u.file,
        Err(UploadRefusal::Csrf(r)) => return r,
        Err(UploadRefusal::Form(e)) => return detail_page(&state, &s, id, None, Some(&e)).await,
    };
    let done = match file {
        None => Err(CatalogError::invalid("sample", "请选择样例数据文件")),
        Some(file) => {
            let media = file
                .content_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            match MediaType::parse(media).at("sample") {
                Ok(media) => state
                    .catalog
                    .upload_sample(&s.actor(), id, media, Some(file.name), &file.bytes, None)
                    .await
                    .map(drop),
                Err(e) => Err(e),
            }
        }
    };
    match done {
        Ok(()) => Redirect::to(&format!("{PATH}/{id}")).into_response(),
        Err(e) => detail_page(&state, &s, id, None, Some(&FormError::from(e))).await,
    }
}

pub async fn detail(
    State(state): State<AppState>,
    Session(s): Session,
    EntityId(id): EntityId,
) -> Response {
    detail_page(&state, &s, id, None, None).await
}

async fn detail_page(
    state: &AppState,
    s: &SignedIn,
    id: Uuid,
    fields: Option<&FormFields>,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let v = match state.catalog.product_as(&s.actor(), id).await {
        Ok(v) => v,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let p = &v.product;
    let mut listings = Vec::new();
    if p.status == ProductStatus::Registered {
        for l in state.catalog.product_listings(id).await.unwrap_or_default() {
            let exchange = state.catalog.organization(l.exchange_id).await.ok();
            listings.push((exchange.map_or_else(String::new, |o| o.value.name), l));
        }
    }
    let editable = s.role == Role::Operator
        && matches!(p.status, ProductStatus::Draft | ProductStatus::ReviewFailed);
    let sources: Vec<_> = v
        .authorization
        .scope
        .iter()
        .filter(|l| p.details.source_resource_ids.contains(&l.resource_id))
        .collect();
    let body = html! {
        p { a href=(PATH) { "← " (TITLE) } }
        h1 { (p.details.name) }
        @if let Some(e) = error { (e.summary()) }
        dl.fields {
            dt { "状态" } dd #status { (p.status.label()) }
            dt { "授权" } dd { (v.authorization.plan.plan_name) }
            dt { "产品形态" } dd { (choices::label(&p.details.delivery_form)) }
            dt { "场景类别" } dd { (choices::label(&p.details.scene_category)) }
            dt { "简介" } dd { (p.details.summary) }
            dt { "适用场景" } dd { (p.details.applicable_scenarios.join("；")) }
            @if !p.details.forbidden_scenarios.is_empty() {
                dt { "禁用场景" } dd { (p.details.forbidden_scenarios.join("；")) }
            }
            @if let Some(price) = p.details.price_fen { dt { "价格" } dd { (yuan(price)) } }
            @if let Some(ceiling) = p.details.ceiling_fen { dt { "指导价上限" } dd { (yuan(ceiling)) } }
            @if let Some(reason) = &p.withdrawal_reason { dt { "撤回原因" } dd { (reason) } }
        }
        section #sources {
            h2 { "来源数据资源" }
            ul { @for l in &sources { li { code { (l.code.as_str()) } " " (l.name) } } }
            @if !p.conditions.is_empty() {
                p { "须遵守的条件：" } ul #conditions { @for c in &p.conditions { li { (c) } } }
            }
        }
        @if let Some(review) = &p.compliance {
            section #review {
                h2 { "合规审核" }
                p #review-result { (review.reviewed_on) " "
                    (if review.passed { "通过" } else { "未通过" }) "，报告 " (review.report_ref) }
                @if let Some(notes) = &review.notes { p { (notes) } }
            }
        }
        @if editable {
            p { a #edit href=(format!("{PATH}/{}/edit", p.id)) { "修改产品（修改后重新等待合规审核）" } }
        }
        section #sample-data {
            h2 { "样例数据" }
            @match &p.sample {
                Some(sample) => p { a href=(format!("/api/v1/products/{}/sample", p.id)) {
                    (sample.file_name.as_deref().unwrap_or("样例数据")) }
                    " · " (sample.size) " 字节 · " (beijing(&sample.uploaded_at)) },
                None => p.muted { "尚未上传样例数据；登记后随产品公开。" },
            }
            @if s.role == Role::Operator && p.status != ProductStatus::Withdrawn {
                form.stack method="post" enctype="multipart/form-data" action=(format!("{PATH}/{}/sample", p.id)) {
                    (csrf_field(s))
                    label for="sample" { "选择样例数据文件" }
                    input id="sample" name="sample" type="file";
                    @if let Some(m) = error.and_then(|e| e.at("sample")) { (m) }
                    button type="submit" { "上传样例数据" }
                }
            }
        }
        @if !listings.is_empty() {
            section #listings {
                h2 { "交易所挂牌" }
                table {
                    thead { tr {
                        th scope="col" { "交易所" } th scope="col" { "挂牌编号" }
                        th scope="col" { "状态" } th scope="col" { "价格" }
                    } }
                    tbody {
                        @for (exchange, l) in &listings {
                            tr { td { (exchange) } td { (l.listing_ref) } td { (l.status.label()) } td { (yuan(l.price_fen)) } }
                        }
                    }
                }
            }
        }
        (review_form(s, &v))
        (registration_form(s, &v, fields, error))
    };
    with_status(
        workbench_page(&p.details.name, s, org.as_ref(), body),
        error,
    )
}

/// The implementing body records the compliance review of a draft (C 10.4).
fn review_form(s: &SignedIn, v: &ProductView) -> Markup {
    if !v.reviewing || v.product.status != ProductStatus::Draft {
        return html! {};
    }
    html! {
        section #review-form {
            h2 { "合规审核（C 10.4）" }
            form.stack method="post" action=(format!("{PATH}/{}", v.product.id)) {
                (csrf_field(s))
                label for="report_ref" { "审核报告编号" }
                input id="report_ref" name="report_ref" type="text";
                label for="notes" { "审核意见" }
                textarea id="notes" name="notes" rows="2" {}
                div.actions {
                    button type="submit" name="action" value="pass" { "审核通过" }
                    button type="submit" name="action" value="fail" { "审核不通过" }
                }
            }
        }
    }
}

/// Once the review passed, the operator applies for the product's first registration (R 9 (一)).
fn registration_form(
    s: &SignedIn,
    v: &ProductView,
    fields: Option<&FormFields>,
    error: Option<&FormError>,
) -> Markup {
    if s.role != Role::Operator || v.product.status != ProductStatus::ReviewPassed {
        return html! {};
    }
    html! {
        section #register {
            h2 { "申请产品登记（R 9（一））" }
            form.stack method="post" action=(format!("{PATH}/{}", v.product.id)) {
                (csrf_field(s))
                (materials_inputs(None, fields, true, error))
                button type="submit" name="action" value="register" { "提交登记申请" }
            }
        }
    }
}

/// One step (POST → 303 → GET; the catalog's refusal, and the values typed, back in the page).
pub async fn act(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (f, id) = match form_about(&s, &id, &body).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let (c, actor, today) = (&state.catalog, s.actor(), state.clock.today());
    let done = match f.get("action") {
        action @ ("pass" | "fail") => {
            let finding = ReviewFinding {
                passed: action == "pass",
                report_ref: f.get("report_ref").to_string(),
                notes: f.optional("notes"),
            };
            c.review_product(&actor, id, finding, today, None)
                .await
                .map(|_| format!("{PATH}/{id}"))
        }
        "register" => match materials_from(&f) {
            Ok(materials) => {
                let input = NewRegistration {
                    subject: RegistrationSubject::Product { product_id: id },
                    kind: RegistrationType::Initial,
                    amends: None,
                    materials,
                };
                c.submit_registration(&actor, input, today)
                    .await
                    .map(|r| format!("/workbench/my-registrations/{}", r.id))
            }
            Err(e) => Err(e),
        },
        _ => Err(CatalogError::invalid("action", "未知的操作")),
    };
    match done {
        Ok(next) => Redirect::to(&next).into_response(),
        Err(e) => detail_page(&state, &s, id, Some(&f), Some(&FormError::from(e))).await,
    }
}
