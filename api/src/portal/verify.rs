//! 登记结果查询: a query code typed (or linked) → whether the registration stands today, what it
//! registers and its validity, from the registration's one public view; the same answer as
//! `GET /api/v1/verify/{code}`.

use axum::extract::{Query, State};
use catalog::domain::query_code::QueryCode;
use catalog::domain::registration::{PublicRegistration, RegistrationSubject};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::page;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct VerifyQuery {
    #[serde(default)]
    code: String,
}

/// What a code turned out to be.
enum Outcome {
    Malformed,
    Unknown,
    Found {
        valid: bool,
        registration: Box<PublicRegistration>,
    },
}

pub async fn verify(State(state): State<AppState>, Query(q): Query<VerifyQuery>) -> Markup {
    let raw = q.code.trim().chars().take(100).collect::<String>();
    let today = state.clock.today();
    let outcome = if raw.is_empty() {
        None
    } else {
        Some(match QueryCode::parse(&raw) {
            Err(_) => Outcome::Malformed,
            Ok(code) => match state.catalog.registration_by_code(&code).await {
                Ok(r) => match r.public_view(today) {
                    Some(view) => Outcome::Found {
                        valid: r.in_force(today),
                        registration: Box::new(view),
                    },
                    None => Outcome::Unknown,
                },
                Err(_) => Outcome::Unknown,
            },
        })
    };
    page(
        "登记结果查询",
        html! {
            h1 { "登记结果查询" }
            p.muted { "输入登记证书上的登记结果查询码，核验该登记今日是否有效。" }
            form.verify method="get" action="/verify" {
                label for="code" { "登记结果查询码" }
                input #code name="code" type="text" value=(raw) autocomplete="off";
                button type="submit" { "查询" }
            }
            @match &outcome {
                None => {}
                Some(Outcome::Malformed) => {
                    p #verification.invalid role="status" { "查询码格式不正确，请核对后重新输入。" }
                }
                Some(Outcome::Unknown) => {
                    p #verification.invalid role="status" { "未找到该查询码对应的登记结果。" }
                }
                Some(Outcome::Found { valid, registration: r }) => {
                    section #verification role="status" {
                        p.verdict {
                            @if *valid { strong { "有效" } "：该登记结果今日有效。" }
                            @else { strong { "无效" } "：该登记结果今日不生效。" }
                        }
                        dl.fields {
                            dt { "登记对象" } dd #subject { (r.subject_name) }
                            dt { "登记状态" } dd { (r.status.label()) }
                            @if let (Some(from), Some(to)) = (r.valid_from, r.valid_to) {
                                dt { "有效期" } dd #validity { (from) " 至 " (to) }
                            }
                            @if let Some(reason) = &r.end_reason { dt { "原因" } dd { (reason) } }
                        }
                        p {
                            a href=(format!("/registrations/{}", r.id)) { "登记公示记录" }
                            @if let RegistrationSubject::Product { product_id } = r.subject {
                                " · " a href=(format!("/products/{product_id}")) { "产品页" }
                            }
                        }
                    }
                }
            }
        },
    )
}
