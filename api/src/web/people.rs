//! The security administrator's pages (安全管理员): accounts, roles, locks, password resets.
//! The catalog refuses everyone else, and refuses a security administrator acting on their own
//! account; these pages only show what it says.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::person::{Account, NewPerson, Person};
use catalog::{CatalogError, Role, SignedIn};
use maud::{Markup, html};
use uuid::Uuid;

use super::pages::{FormError, FormFields, respond, with_status, workbench_page};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field};
use crate::state::AppState;

fn role_checkboxes(selected: &BTreeSet<Role>) -> Markup {
    html! {
        fieldset #roles {
            legend { "角色（三员分立：系统管理员、安全管理员、审计管理员至多其一）" }
            @for r in Role::PERSON_ROLES {
                label.check {
                    input type="checkbox" name="roles" value=(r.as_str()) checked[selected.contains(&r)];
                    " " (r.label())
                }
            }
        }
    }
}

fn parse_roles(fields: &FormFields) -> BTreeSet<Role> {
    fields
        .all("roles")
        .into_iter()
        .filter_map(Role::parse)
        .collect()
}

async fn list_page(
    state: &AppState,
    s: &SignedIn,
    fields: Option<&FormFields>,
    error: Option<&FormError>,
) -> Response {
    let people = match state.catalog.people_as(&s.actor()).await {
        Ok(p) => p,
        Err(e) => return respond(FormError::from(e).status, html! { "无权查看" }),
    };
    if s.role != Role::SecurityAdmin {
        let error = FormError::from(CatalogError::Forbidden(
            "只有安全管理员可以管理人员账号".into(),
        ));
        let org = org_of(state, s).await;
        return respond(
            error.status,
            workbench_page(
                "人员账号",
                s,
                org.as_ref(),
                html! { h1 { "人员账号" } (error.summary()) },
            ),
        );
    }
    let orgs = state
        .catalog
        .organizations(&Default::default())
        .await
        .unwrap_or_default();
    let org_name = |id: Uuid| {
        orgs.iter()
            .find(|o| o.id == id)
            .map_or(String::new(), |o| o.name.clone())
    };
    let value = |name: &str| fields.map_or("", |f| f.get(name)).to_string();
    let roles = fields.map(parse_roles).unwrap_or_default();
    let org = org_of(state, s).await;
    let markup = workbench_page(
        "人员账号",
        s,
        org.as_ref(),
        html! {
            h1 { "人员账号" }
            table {
                caption { "共 " (people.len()) " 个账号" }
                thead { tr { th scope="col" { "账号" } th scope="col" { "姓名" } th scope="col" { "机构" } th scope="col" { "角色" } th scope="col" { "状态" } } }
                tbody {
                    @for p in &people {
                        tr {
                            td { a href=(format!("/workbench/people/{}", p.id)) { (p.account) } }
                            td { (p.name) }
                            td { (org_name(p.org_id)) }
                            td { (p.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、")) }
                            td { (p.status.label()) }
                        }
                    }
                }
            }
            h2 #new { "开设账号" }
            @if let Some(e) = error { (e.summary()) }
            form.stack method="post" action="/workbench/people" {
                (csrf_field(s))
                label for="account" { "账号" }
                input #account name="account" type="text" required value=(value("account"));
                @if let Some(m) = error.and_then(|e| e.at("account")) { (m) }
                label for="name" { "姓名" }
                input #name name="name" type="text" required value=(value("name"));
                @if let Some(m) = error.and_then(|e| e.at("name")) { (m) }
                label for="org_id" { "所属机构" }
                select #org_id name="org_id" required {
                    @for o in &orgs {
                        option value=(o.id) selected[value("org_id") == o.id.to_string()] { (o.name) "（" (o.region.full_name()) "）" }
                    }
                }
                (role_checkboxes(&roles))
                @if let Some(m) = error.and_then(|e| e.at("roles")) { (m) }
                label for="password" { "初始密码（首次登录须修改）" }
                input #password name="password" type="password" autocomplete="new-password" required;
                @if let Some(m) = error.and_then(|e| e.at("password")) { (m) }
                label for="sso_subject" { "统一身份认证标识（可选）" }
                input #sso_subject name="sso_subject" type="text" value=(value("sso_subject"));
                button type="submit" { "开设账号" }
            }
        },
    );
    with_status(markup, error)
}

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    list_page(&state, &s, None, None).await
}

pub async fn create(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let input = (|| -> Result<NewPerson, CatalogError> {
        Ok(NewPerson {
            account: Account::parse(fields.get("account"))
                .map_err(|e| CatalogError::invalid("account", e.message))?,
            name: fields.get("name").to_string(),
            org_id: fields
                .get("org_id")
                .parse()
                .map_err(|_| CatalogError::invalid("org_id", "请选择所属机构"))?,
            roles: parse_roles(&fields),
            password: fields.get("password").to_string(),
            sso_subject: Some(fields.get("sso_subject").to_string()),
        })
    })();
    let result = match input {
        Ok(input) => state.catalog.create_person(&s.actor(), input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(p) => Redirect::to(&format!("/workbench/people/{}", p.id)).into_response(),
        Err(e) => list_page(&state, &s, Some(&fields), Some(&FormError::from(e))).await,
    }
}

async fn person_page(
    state: &AppState,
    s: &SignedIn,
    person: &Person,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let person_org = state
        .catalog
        .organization(person.org_id)
        .await
        .ok()
        .map(|o| o.value);
    let action = |a: &str| format!("/workbench/people/{}/{a}", person.id);
    let markup = workbench_page(
        "人员账号",
        s,
        org.as_ref(),
        html! {
            h1 { "账号 " (person.account) }
            @if let Some(e) = error { (e.summary()) }
            dl.fields {
                dt { "姓名" } dd { (person.name) }
                dt { "所属机构" } dd { (person_org.as_ref().map_or("", |o| o.name.as_str())) }
                dt { "状态" } dd #status { (person.status.label()) }
                dt { "动态验证码" } dd { @if person.totp_enabled { "已绑定" } @else { "未绑定" } }
                dt { "首次登录须改密" } dd { @if person.must_change_password { "是" } @else { "否" } }
            }
            h2 { "角色" }
            form.stack method="post" action=(action("roles")) {
                (csrf_field(s))
                (role_checkboxes(&person.roles))
                button type="submit" { "保存角色" }
            }
            h2 { "账号操作" }
            form.inline method="post" action=(action("unlock")) {
                (csrf_field(s)) button type="submit" { "解锁" }
            }
            form.inline method="post" action=(action("disable")) {
                (csrf_field(s)) button type="submit" { "停用" }
            }
            form.inline method="post" action=(action("enable")) {
                (csrf_field(s)) button type="submit" { "启用" }
            }
            form.stack method="post" action=(action("reset-password")) {
                (csrf_field(s))
                label for="password" { "重置为新的初始密码" }
                input #password name="password" type="password" autocomplete="new-password" required;
                @if let Some(m) = error.and_then(|e| e.at("password")) { (m) }
                button type="submit" { "重置密码" }
            }
            p { a href="/workbench/people" { "返回人员列表" } }
        },
    );
    with_status(markup, error)
}

async fn load_person(state: &AppState, s: &SignedIn, raw: &str) -> Result<Person, Response> {
    let Ok(id) = raw.parse::<Uuid>() else {
        return Err(crate::portal::fallback().await);
    };
    if s.role != Role::SecurityAdmin {
        return Err(list_page(state, s, None, None).await);
    }
    match state.catalog.person(id).await {
        Ok(p) => Ok(p.value),
        Err(_) => Err(crate::portal::fallback().await),
    }
}

pub async fn show(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
) -> Response {
    match load_person(&state, &s, &id).await {
        Ok(person) => person_page(&state, &s, &person, None).await,
        Err(r) => r,
    }
}

pub async fn act(
    State(state): State<AppState>,
    Session(s): Session,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let person = match load_person(&state, &s, &id).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let actor = s.actor();
    let c = &state.catalog;
    let result = match action.as_str() {
        "unlock" => c.unlock_person(&actor, person.id).await,
        "disable" => c.set_person_enabled(&actor, person.id, false).await,
        "enable" => c.set_person_enabled(&actor, person.id, true).await,
        "reset-password" => {
            c.reset_password(&actor, person.id, fields.get("password"))
                .await
        }
        "roles" => {
            c.set_person_roles(&actor, person.id, parse_roles(&fields))
                .await
        }
        _ => return crate::portal::fallback().await,
    };
    match result {
        Ok(_) => Redirect::to(&format!("/workbench/people/{}", person.id)).into_response(),
        Err(e) => person_page(&state, &s, &person, Some(&FormError::from(e))).await,
    }
}
