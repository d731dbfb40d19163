//! Registration publicity (with the real-name objection form) and registered products.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use catalog::CatalogError;
use catalog::PublicProduct;
use catalog::domain::identity;
use catalog::domain::product::ProductStatus;
use catalog::domain::registration::{
    NewObjection, PublicRegistration, PublicityOutcome, RegistrationSubject, Standing,
};
use catalog::store::RecordFilter;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::layout::{PortalError, PortalResult, fields, json, page, pager};
use super::pages::{After, PAGE, next, org_link};
use super::uuid;
use crate::state::AppState;

const SKIP: &[&str] = &[
    "id",
    "name",
    "subject_name",
    "status",
    "publicity_start",
    "publicity_end",
    "access_closed",
    "registrant_id",
    "amends",
    "subject",
    "version",
    "operator_id",
    "authorization_id",
    "source_resource_ids",
    "sample",
    "implementing_body_id",
    "resource_ids",
    "applicants",
    "objections",
    "publicity",
];

async fn public_registration(state: &AppState, raw: &str) -> PortalResult<PublicRegistration> {
    let r = state.catalog.registration(uuid(raw)?).await?.value;
    r.public_view(state.clock.today())
        .ok_or(PortalError::NotFound)
}

/// What the objector typed, kept when the form comes back with errors.
#[derive(Debug, Default, Deserialize)]
pub struct ObjectionForm {
    #[serde(default)]
    objector_name: String,
    #[serde(default)]
    objector_id_number: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    grounds: String,
    #[serde(default)]
    evidence: String,
}

/// Inline errors by field name.
type Errors = Vec<(&'static str, String)>;

fn input(
    form: &ObjectionForm,
    errors: &Errors,
    name: &'static str,
    label: &str,
    hint: &str,
) -> Markup {
    let value = match name {
        "objector_name" => &form.objector_name,
        "objector_id_number" => &form.objector_id_number,
        "contact" => &form.contact,
        "grounds" => &form.grounds,
        _ => &form.evidence,
    };
    let error = errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m);
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let described = if error.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    let multiline = matches!(name, "grounds" | "evidence");
    html! {
        div.field {
            label for=(name) { (label) " " span.muted { "（必填）" } }
            p.muted id=(hint_id) { (hint) }
            @if let Some(message) = error { p.error id=(error_id) { (message) } }
            @if multiline {
                textarea id=(name) name=(name) rows="4" required aria-invalid=(error.is_some()) aria-describedby=(described) { (value) }
            } @else {
                input id=(name) name=(name) type="text" value=(value) required aria-invalid=(error.is_some()) aria-describedby=(described);
            }
        }
    }
}

fn notice_page(
    r: &PublicRegistration,
    registrant: Markup,
    form: &ObjectionForm,
    errors: &Errors,
) -> Markup {
    // Objections are taken while the publicity runs (and not while one is being reviewed): the
    // catalog's outcome of the notice on the day of the view says so.
    let window = r.publicity_start.zip(r.publicity_end);
    let open = r.publicity == Some(PublicityOutcome::Running);
    page(
        &r.subject_name,
        html! {
            h1 { (r.subject_name) }
            p.muted { "登记公示 · " (r.status.label()) }
            @if let Some((start, end)) = window {
                p { "公示期：" strong { (start) " 至 " (end) } "。公示期内，任何单位和个人可以实名提出异议并提供证据材料。" }
            }
            dl.fields {
                dt { "登记申请人" } dd { (registrant) }
                dt { "登记对象" } dd #subject {
                    @match r.subject {
                        RegistrationSubject::Product { product_id } if r.standing != Standing::NotCoded => {
                            a href=(format!("/products/{product_id}")) { (r.subject_name) }
                        }
                        RegistrationSubject::Resource { resource_id } => {
                            a href=(format!("/resources/{resource_id}")) { (r.subject_name) }
                        }
                        _ => (r.subject_name),
                    }
                }
                dt { "公示结果" } dd #outcome { (super::publicity::outcome(r)) }
                @if let Some(code) = &r.query_code {
                    dt { "登记结果" } dd {
                        (r.standing.label()) " · "
                        a href=(format!("/verify?code={}", code.as_str())) { "核验查询码 " (code.as_str()) }
                    }
                }
            }
            @if let Standing::Ended { on, reason } = &r.standing {
                p.alert role="note" {
                    "登记结果已失效" @if let Some(on) = on { "（" (on) " 起）" } "：" (reason)
                }
            }
            @if !r.objections.is_empty() {
                h2 #objections-h { "异议及处理" }
                div.scroll { table aria-labelledby="objections-h" {
                    thead { tr { th scope="col" { "提出日期" } th scope="col" { "处理结果" } th scope="col" { "决定" } } }
                    tbody { @for o in &r.objections { tr {
                        td { (o.filed_on) } td { (o.status.label()) }
                        td { (o.decision.as_deref().unwrap_or("审查中")) }
                    } } }
                } }
                p.muted { "异议人的身份和联系方式不予公开。" }
            }
            (fields(&json(r), SKIP))
            @if !open {
                p.notice role="note" {
                    @match r.publicity {
                        Some(PublicityOutcome::UnderObjection) => "该登记的异议正在处理中，暂停受理新的异议。",
                        Some(PublicityOutcome::NotStarted) => "公示期尚未开始，届时可提出异议。",
                        _ => "公示期已结束，不再受理异议。",
                    }
                }
            }
            @if open {
                h2 #objection { "提出异议" }
                @if !errors.is_empty() {
                    div.alert role="alert" { "提交未成功，请按提示修改 " (errors.len()) " 处后重新提交。" }
                }
                form method="post" action=(format!("/publicity/{}#objection", r.id)) novalidate {
                    (input(form, errors, "objector_name", "异议人姓名或单位名称", "须为真实姓名（实名）或单位全称。"))
                    (input(form, errors, "objector_id_number", "身份证号或统一社会信用代码", "仅供登记机构核实，不予公开。"))
                    (input(form, errors, "contact", "联系方式", "电话或电子邮箱。"))
                    (input(form, errors, "grounds", "异议理由", "说明登记内容与事实不符之处。"))
                    (input(form, errors, "evidence", "证据材料", "每行一项证据材料（名称或编号）。"))
                    button type="submit" { "提交异议" }
                }
            }
        },
    )
}

pub async fn notice(State(state): State<AppState>, Path(id): Path<String>) -> PortalResult<Markup> {
    let r = public_registration(&state, &id).await?;
    Ok(notice_page(
        &r,
        org_link(&state, r.registrant_id).await,
        &ObjectionForm::default(),
        &Vec::new(),
    ))
}

/// The same catalog function as `POST /api/v1/registrations/{id}/objections`.
pub async fn object(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<ObjectionForm>,
) -> PortalResult<(StatusCode, Markup)> {
    let r = public_registration(&state, &id).await?;
    let mut errors: Errors = Vec::new();
    // Blank fields are reported all at once; the catalog then checks the rest (ID formats, dates).
    for (name, value, message) in [
        (
            "objector_name",
            &form.objector_name,
            "请填写异议人的真实姓名或单位名称",
        ),
        (
            "objector_id_number",
            &form.objector_id_number,
            "请填写身份证号或统一社会信用代码",
        ),
        ("contact", &form.contact, "请填写联系方式"),
        ("grounds", &form.grounds, "请填写异议理由"),
        ("evidence", &form.evidence, "请至少列出一项证据材料"),
    ] {
        if value.trim().is_empty() {
            errors.push((name, message.to_string()));
        }
    }
    // Real name means a checkable identity: a resident ID number or an organization's USCC.
    let id_number = form.objector_id_number.trim();
    if !id_number.is_empty() && !identity::is_objector_id(id_number) {
        errors.push((
            "objector_id_number",
            "身份证号或统一社会信用代码无效，请核对后重新填写（18 位，末位为校验码）".to_string(),
        ));
    }
    let contact = form.contact.trim();
    if !contact.is_empty() && !identity::is_contact(contact) {
        errors.push((
            "contact",
            "请填写有效的电话号码或电子邮箱，以便登记机构联系".to_string(),
        ));
    }
    if errors.is_empty() {
        let objection = NewObjection {
            objector_name: form.objector_name.trim().to_string(),
            objector_id_number: form.objector_id_number.trim().to_string(),
            contact: form.contact.trim().to_string(),
            grounds: form.grounds.trim().to_string(),
            evidence: form
                .evidence
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
        };
        match state
            .catalog
            .file_objection(r.id, objection, state.clock.today())
            .await
        {
            Ok(receipt) => return Ok((StatusCode::CREATED, receipt_page(&r, receipt))),
            Err(CatalogError::Invalid { field, message }) => {
                errors.push((field_name(&field), message))
            }
            Err(
                CatalogError::RuleViolation { .. }
                | CatalogError::InvalidTransition(_)
                | CatalogError::Conflict(_),
            ) => errors.push(("grounds", "公示期已结束或当前不接受异议".to_string())),
            Err(e) => return Err(e.into()),
        }
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        notice_page(&r, org_link(&state, r.registrant_id).await, &form, &errors),
    ))
}

/// The form field a catalog error is about (its path may be nested, e.g. `evidence[0]`).
fn field_name(path: &str) -> &'static str {
    [
        "objector_name",
        "objector_id_number",
        "contact",
        "grounds",
        "evidence",
    ]
    .into_iter()
    .find(|f| path.contains(f))
    .unwrap_or("grounds")
}

fn receipt_page(r: &PublicRegistration, receipt: Uuid) -> Markup {
    page(
        "异议已提交",
        html! {
            h1 { "异议已提交" }
            div.notice role="status" {
                p { "您对“" (r.subject_name) "”的异议已经收到，登记机构将依法处理。" }
                p { "回执编号：" strong #receipt { (receipt) } }
            }
            p { a href=(format!("/publicity/{}", r.id)) { "返回公示页面" } }
        },
    )
}

pub async fn products(
    State(state): State<AppState>,
    Query(after): Query<After>,
) -> PortalResult<Markup> {
    let filter = RecordFilter {
        public_only: true,
        after_id: after.id().map(|id| id.to_string()),
        limit: Some(PAGE),
        ..RecordFilter::default()
    };
    let items = state.catalog.products(&filter).await?;
    let shown: Vec<_> = items
        .iter()
        .filter(|p| p.status == ProductStatus::Registered)
        .collect();
    Ok(page(
        "登记产品",
        html! {
            h1 { "已登记的数据产品" }
            ul { @for p in &shown { li { a href=(format!("/products/{}", p.id)) { (p.details.name) } } } }
            @if shown.is_empty() { p { "暂无已登记的数据产品。" } }
            (pager("/products", after.id().is_some(), next(&items, |p| p.id)))
        },
    ))
}

pub async fn product(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PortalResult<Markup> {
    let PublicProduct {
        product: p,
        registration,
    } = state
        .catalog
        .public_product(uuid(&id)?, state.clock.today())
        .await?;
    let operator = org_link(&state, p.operator_id).await;
    let mut sources = Vec::new();
    for id in &p.details.source_resource_ids {
        // Only resources the public may see are named.
        if let Ok(r) = state.catalog.public_resource(*id).await {
            sources.push((r.id, r.content.name));
        }
    }
    let authorization = state
        .catalog
        .public_authorization(p.details.authorization_id)
        .await
        .ok()
        .map(|a| (a.id, a.plan.plan_name));
    let mut listings = Vec::new();
    for l in state.catalog.product_listings(p.id).await? {
        let exchange = org_link(&state, l.exchange_id).await;
        listings.push((l, exchange));
    }
    Ok(page(
        &p.details.name,
        html! {
            h1 { (p.details.name) }
            @if let Some(r) = &registration {
                @if let Standing::Ended { on, reason } = &r.standing {
                    div.error-summary #registration-ended role="status" {
                        p {
                            strong { "登记结果已失效" }
                            @if let Some(on) = on { "（" (on) " 起）" }
                            "：" (reason)
                        }
                    }
                }
                dl.fields {
                    dt { "登记状态" } dd #standing { (r.standing.label()) " · " (r.status.label()) }
                    dt { "登记结果查询码" } dd #query-code { (r.query_code.as_ref().map(|c| c.as_str().to_string()).unwrap_or_else(|| "—".into())) }
                    dt { "有效期" } dd #validity {
                        (r.valid_from.map(|d| d.to_string()).unwrap_or_default()) " 至 "
                        (r.valid_to.map(|d| d.to_string()).unwrap_or_default())
                    }
                }
            }
            @if let Some(r) = &registration {
                p { a #registration-record href=(format!("/registrations/{}", r.id)) { "查看登记公示及结果" } }
            }
            h2 { "产品信息" }
            dl.fields {
                dt { "运营机构" } dd { (operator) }
                @if let Some((id, name)) = &authorization {
                    dt { "授权运营" } dd { a #authorization href=(format!("/authorizations/{id}")) { (name) } }
                }
                @if let Some(sample) = &p.sample {
                    dt { "样例数据" } dd {
                        a #sample href=(format!("/api/v1/products/{}/sample", p.id)) {
                            (sample.file_name.as_deref().unwrap_or("下载样例"))
                        }
                        " " span.muted { "（" (super::layout::thousands(sample.size)) " 字节）" }
                    }
                }
                dt { "来源数据资源" } dd {
                    ul.plain { @for (id, name) in &sources { li { a href=(format!("/resources/{id}")) { (name) } } } }
                }
            }
            h2 #listings-h { "交易场所挂牌" }
            @if listings.is_empty() {
                p { "暂无数据交易场所报告的挂牌。" }
            } @else {
                div.scroll { table #listings aria-labelledby="listings-h" {
                    thead { tr { th scope="col" { "交易场所" } th scope="col" { "挂牌编号" } th scope="col" { "状态" } th scope="col" { "价格" } } }
                    tbody { @for (l, exchange) in &listings { tr {
                        td { (exchange) }
                        td { @if let Some(url) = &l.url { a href=(url) rel="noopener" { (l.listing_ref) } } @else { (l.listing_ref) } }
                        td { (l.status.label()) }
                        td { (super::layout::yuan(l.price_fen)) }
                    } } }
                } }
            }
            (fields(&json(&p.details), SKIP))
            (super::layout::machine_links(p.id, &format!("/api/v1/products/{}", p.id)))
        },
    ))
}
