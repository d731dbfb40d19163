//! 已登记产品动态 in the workbench: the exchange feed as a page — every change to a registered
//! product's registration in order (coding, renewal, change, correction, cancellation,
//! revocation, expiry, the end of its authorization), what it stands at now, and a link to go on
//! from the cursor. The same catalog call as `GET /api/v1/exchange/feed`.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use catalog::feed_action_label;
use maud::html;
use serde::Deserialize;

use super::pages::{FormError, respond, workbench_page};
use super::session::Session;
use super::session::org_of;
use crate::portal::layout::beijing;
use crate::state::AppState;

const PATH: &str = "/workbench/feed";
const PAGE: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct FeedQuery {
    after: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    Session(s): Session,
    Query(q): Query<FeedQuery>,
) -> Response {
    let org = org_of(&state, &s).await;
    let after = q.after.unwrap_or(0);
    let page = match state
        .catalog
        .registration_feed_as(&s.actor(), after, PAGE)
        .await
    {
        Ok(page) => page,
        Err(e) => {
            let e = FormError::from(e);
            let body = html! { h1 { "已登记产品动态" } (e.summary()) };
            return respond(
                e.status,
                workbench_page("已登记产品动态", &s, org.as_ref(), body),
            );
        }
    };
    workbench_page(
        "已登记产品动态",
        &s,
        org.as_ref(),
        html! {
            h1 { "已登记产品动态" }
            p.muted { "已赋码的数据产品和服务的每一次登记变化，按发生顺序；上架前请核对其是否仍有效。" }
            @if page.items.is_empty() {
                p #feed-empty { "序号 " (after) " 之后暂无新的动态。" }
            } @else {
                table #feed {
                    thead { tr {
                        th scope="col" { "序号" }
                        th scope="col" { "时间" }
                        th scope="col" { "变化" }
                        th scope="col" { "产品" }
                        th scope="col" { "登记结果查询码" }
                        th scope="col" { "当时状态" }
                    } }
                    tbody {
                        @for item in &page.items {
                            @let r = &item.registration;
                            tr {
                                td.num { (item.seq) }
                                td { (beijing(&item.at)) }
                                td.action { (feed_action_label(&item.action)) }
                                td { (r.subject_name) }
                                td { @if let Some(code) = &r.query_code { code { (code.as_str()) } } }
                                td.standing { (r.standing.label()) }
                            }
                        }
                    }
                }
            }
            @if page.next > after {
                p { a #feed-next href=(format!("{PATH}?after={}", page.next)) { "之后的动态" } }
            }
        },
    )
    .into_response()
}
