//! 审计日志 in the workbench (C 9.5, C 9.6): 监管, the audit administrator and data
//! administrations find events by entity, organization, person (account), action and day, check
//! the hash chain end to end, and download it as NDJSON (`mulu audit verify-export` checks the
//! file offline). The filters and the permission are the catalog's.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use catalog::audit::AuditEvent;
use catalog::domain::person::Account;
use catalog::{ActorName, AuditQuery, CatalogError, Role, SignedIn, require_audit_reader};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::pages::{FormError, respond, workbench_page};
use super::session::Session;
use super::session::org_of;
use crate::portal::layout::beijing;
use crate::state::AppState;

const PATH: &str = "/workbench/audit";
const PAGE: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    entity_type: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    after: Option<i64>,
}

impl Filters {
    /// The catalog's query; a person is named by account here and by id in the trail.
    async fn query(&self, state: &AppState) -> Result<AuditQuery, CatalogError> {
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        let day = |field: &str, v: &str| -> Result<Option<NaiveDate>, CatalogError> {
            text(v)
                .map(|v| {
                    v.parse::<NaiveDate>()
                        .map_err(|_| CatalogError::invalid(field, "日期应为 YYYY-MM-DD"))
                })
                .transpose()
        };
        let person_id = match text(&self.account) {
            Some(raw) => {
                let account = Account::parse(&raw)
                    .map_err(|_| CatalogError::invalid("account", "账号格式不正确"))?;
                let person = state
                    .catalog
                    .person_by_account(&account)
                    .await?
                    .ok_or_else(|| CatalogError::invalid("account", "没有这个账号"))?;
                Some(person.id.to_string())
            }
            None => None,
        };
        let org_id = match text(&self.org) {
            Some(raw) => Some(
                raw.parse::<Uuid>()
                    .map_err(|_| CatalogError::invalid("org", "机构 id 应为 UUID"))?
                    .to_string(),
            ),
            None => None,
        };
        Ok(AuditQuery {
            entity_type: text(&self.entity_type),
            entity_id: text(&self.entity_id),
            org_id,
            person_id,
            action: text(&self.action),
            from: day("from", &self.from)?,
            to: day("to", &self.to)?,
            after_seq: self.after.unwrap_or(0),
            limit: PAGE,
        })
    }

    /// The same filters, continuing after `seq`.
    fn link_after(&self, seq: i64) -> String {
        format!("{PATH}?{}&after={seq}", self.encoded())
    }

    /// The filters as a query string (without `after`).
    fn encoded(&self) -> String {
        let pairs = [
            ("entity_type", &self.entity_type),
            ("entity_id", &self.entity_id),
            ("account", &self.account),
            ("org", &self.org),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            if !v.trim().is_empty() {
                url.append_pair(k, v.trim());
            }
        }
        url.finish()
    }
}

fn input(id: &str, label: &str, value: &str, kind: &str, error: Option<&FormError>) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) name=(id) type=(kind) value=(value);
            @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
        }
    }
}

/// The names of the organizations and people a set of events names, looked up once each.
#[derive(Default)]
struct Names {
    orgs: HashMap<String, String>,
    people: HashMap<String, String>,
}

impl Names {
    async fn of(state: &AppState, events: &[AuditEvent]) -> Names {
        let mut names = Names::default();
        for e in events {
            let name = ActorName::parse(&e.actor);
            if let Some(id) = name.org_id.filter(|id| !names.orgs.contains_key(id))
                && let Ok(uuid) = id.parse::<Uuid>()
                && let Ok(o) = state.catalog.organization(uuid).await
            {
                names.orgs.insert(id, o.value.name);
            }
            if let Some(id) = name.person_id.filter(|id| !names.people.contains_key(id))
                && let Ok(uuid) = id.parse::<Uuid>()
                && let Ok(p) = state.catalog.person(uuid).await
            {
                names.people.insert(
                    id,
                    format!("{}（{}）", p.value.name, p.value.account.as_str()),
                );
            }
        }
        names
    }

    /// Who did it, as a person reads it: role, organization name, person's account.
    fn who(&self, e: &AuditEvent) -> String {
        let name = ActorName::parse(&e.actor);
        let role = Role::parse(&name.role).map_or(name.role.clone(), |r| r.label().to_string());
        let mut out = role;
        if let Some(org) = name.org_id.as_ref().and_then(|o| self.orgs.get(o)) {
            out.push_str(&format!(" · {org}"));
        }
        if let Some(person) = name.person_id.as_ref().and_then(|p| self.people.get(p)) {
            out.push_str(&format!(" · {person}"));
        }
        out
    }
}

pub async fn list(
    State(state): State<AppState>,
    Session(s): Session,
    Query(f): Query<Filters>,
) -> Response {
    let org = org_of(&state, &s).await;
    let found = match f.query(&state).await {
        Ok(q) => state.catalog.audit_trail(&s.actor(), &q).await,
        Err(e) => Err(e),
    };
    let (page, error) = match found {
        Ok(page) => (Some(page), None),
        Err(e) => (None, Some(FormError::from(e))),
    };
    let events: &[AuditEvent] = page.as_ref().map_or(&[], |p| &p.events);
    let names = Names::of(&state, events).await;
    let markup = workbench_page(
        "审计日志",
        &s,
        org.as_ref(),
        html! {
            h1 { "审计日志" }
            p.muted { "每一次写入都是一条事件，按序号相连成哈希链（C 9.5）。" }
            @if let Some(e) = &error { (e.summary()) }
            form.filters #audit-filters method="get" action=(PATH) {
                (input("entity_type", "对象类型", &f.entity_type, "text", error.as_ref()))
                (input("entity_id", "对象 id", &f.entity_id, "text", error.as_ref()))
                (input("account", "操作人账号", &f.account, "text", error.as_ref()))
                (input("org", "操作机构 id", &f.org, "text", error.as_ref()))
                (input("action", "操作（可只写开头，如 registration.）", &f.action, "text", error.as_ref()))
                (input("from", "自（北京时间）", &f.from, "date", error.as_ref()))
                (input("to", "至", &f.to, "date", error.as_ref()))
                button type="submit" { "查找" }
            }
            p {
                a href=(format!("{PATH}/verify")) { "校验整条哈希链" }
                " · "
                a href=(format!("{PATH}/export.ndjson")) download { "下载全部事件（NDJSON）" }
                " · "
                a #export-ndjson href=(format!("{PATH}/export.ndjson?{}", f.encoded())) download { "按当前条件导出（NDJSON）" }
                " · "
                a #export-xlsx href=(format!("{PATH}/export.xlsx?{}", f.encoded())) download { "按当前条件导出（xlsx）" }
            }
            @if let Some(page) = &page {
                p #audit-summary { "本页 " (page.events.len()) " 条。" }
                @if !page.events.is_empty() {
                    table #audit-events {
                        thead { tr {
                            th scope="col" { "序号" }
                            th scope="col" { "时间" }
                            th scope="col" { "操作人" }
                            th scope="col" { "操作" }
                            th scope="col" { "对象" }
                        } }
                        tbody {
                            @for e in &page.events {
                                tr {
                                    td.num { (e.seq) }
                                    td { (beijing(&e.at)) }
                                    td.who { (names.who(e)) }
                                    td.action { code { (e.action) } }
                                    td { (catalog::entity_type_label(&e.entity_type)) " " code { (e.entity_id) } }
                                }
                            }
                        }
                    }
                }
                @if let Some(next) = page.next {
                    p { a #next href=(f.link_after(next)) { "继续查找（序号 " (next) " 之后）" } }
                }
            }
        },
    );
    match error {
        Some(e) => respond(e.status, markup),
        None => markup.into_response(),
    }
}

/// The chain recomputed end to end; the first bad event named.
pub async fn verify(State(state): State<AppState>, Session(s): Session) -> Response {
    let org = org_of(&state, &s).await;
    let report = match require_audit_reader(&s.actor()) {
        Ok(()) => catalog::audit_log::verify_store(state.catalog.store()).await,
        Err(e) => Err(e),
    };
    match report {
        Ok(r) => workbench_page(
            "审计链校验",
            &s,
            org.as_ref(),
            html! {
                h1 { "审计链校验" }
                @match &r.first_break {
                    None => p #chain-ok { "完整：共 " (r.events) " 条事件，链首哈希 " code { (r.head_hash) } "。" },
                    Some(b) => p #chain-broken .alert role="alert" { "第 " (b.seq) " 条事件不符：" (b.problem) },
                }
                p { a href=(PATH) { "← 审计日志" } }
            },
        )
        .into_response(),
        Err(e) => refused(&s, org.as_ref(), e),
    }
}

/// As NDJSON, for readers of the trail: the whole chain without filters (what
/// `mulu audit verify-export` checks from the first event), else the events the filters find,
/// whole (each line's hash checks against its content; its links reach outside the range).
pub async fn export(
    State(state): State<AppState>,
    Session(s): Session,
    Query(f): Query<Filters>,
) -> Response {
    let actor = s.actor();
    let checked = match require_audit_reader(&actor) {
        Ok(()) => f.query(&state).await,
        Err(e) => Err(e),
    };
    let query = match checked {
        Ok(q) => q,
        Err(e) => {
            let org = org_of(&state, &s).await;
            return refused(&s, org.as_ref(), e);
        }
    };
    if f.encoded().is_empty() {
        return crate::routes::audit::ndjson_export(&state);
    }
    let catalog = state.catalog.clone();
    let pages = futures_util::stream::unfold(
        Some(AuditQuery {
            limit: 1000,
            ..query
        }),
        move |query| {
            let (catalog, actor) = (catalog.clone(), actor.clone());
            async move {
                let query = query?;
                match catalog.audit_trail(&actor, &query).await {
                    Ok(page) => {
                        let mut chunk = Vec::new();
                        for event in &page.events {
                            // An AuditEvent always serializes.
                            let _ = serde_json::to_writer(&mut chunk, event);
                            chunk.push(b'\n');
                        }
                        let next = page.next.map(|after_seq| AuditQuery { after_seq, ..query });
                        Some((Ok::<_, std::io::Error>(chunk), next))
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "audit range export failed mid-stream");
                        Some((Err(std::io::Error::other(e.to_string())), None))
                    }
                }
            }
        },
    );
    (
        [(axum::http::header::CONTENT_TYPE, "application/x-ndjson")],
        // Fused: the compression layer polls once more after the end, and `unfold` panics then.
        axum::body::Body::from_stream(futures_util::StreamExt::fuse(pages)),
    )
        .into_response()
}

fn refused(
    s: &SignedIn,
    org: Option<&catalog::domain::organization::Organization>,
    e: CatalogError,
) -> Response {
    let e = FormError::from(e);
    let body = html! { h1 { "审计日志" } (e.summary()) };
    respond(e.status, workbench_page("审计日志", s, org, body))
}

/// Rows an xlsx export holds at most; past it the last row says how to narrow the range.
const EXPORT_ROWS: usize = 100_000;

/// The events the filters find (every page, up to `EXPORT_ROWS`) as a spreadsheet: one row per
/// event with the person and organization named, every cell neutralized.
pub async fn export_xlsx(
    State(state): State<AppState>,
    Session(s): Session,
    Query(f): Query<Filters>,
) -> Response {
    let found = async {
        let mut query = f.query(&state).await?;
        query.limit = 1000;
        let mut events = Vec::new();
        let mut more = false;
        loop {
            let page = state.catalog.audit_trail(&s.actor(), &query).await?;
            events.extend(page.events);
            match page.next {
                Some(next) if events.len() < EXPORT_ROWS => query.after_seq = next,
                Some(_) => {
                    more = true;
                    break;
                }
                None => break,
            }
        }
        events.truncate(EXPORT_ROWS);
        Ok::<_, CatalogError>((events, more))
    };
    let (events, more) = match found.await {
        Ok(found) => found,
        Err(e) => {
            let org = org_of(&state, &s).await;
            return refused(&s, org.as_ref(), e);
        }
    };
    let names = Names::of(&state, &events).await;
    let mut rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                beijing(&e.at),
                names.who(e),
                e.action.clone(),
                catalog::entity_type_label(&e.entity_type).to_owned(),
                e.entity_id.clone(),
                e.hash.clone(),
            ]
        })
        .collect();
    if more {
        rows.push(vec![format!(
            "仅导出前 {EXPORT_ROWS} 条；请缩小日期或条件范围后分批导出"
        )]);
    }
    let headers = [
        "序号",
        "时间（北京时间）",
        "操作人",
        "操作",
        "对象类型",
        "对象 id",
        "哈希",
    ];
    let built = tokio::task::spawn_blocking(move || {
        importers::template::table_xlsx("审计日志", &headers, &rows)
    })
    .await;
    match built {
        Ok(Ok(bytes)) => super::pages::xlsx_attachment(
            bytes,
            "attachment; filename=\"audit-export.xlsx\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.xlsx",
        ),
        _ => {
            tracing::error!("audit xlsx export failed");
            let org = org_of(&state, &s).await;
            refused(
                &s,
                org.as_ref(),
                CatalogError::Storage("审计日志导出失败".to_string()),
            )
        }
    }
}
