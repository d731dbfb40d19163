//! 使用条款: the licences CKAN's `license_id` and `license_url` name (`interop::vocab::LICENCES`),
//! so that each licence IRI a harvested copy carries opens a page saying what it means.

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::{not_found, page};
use crate::interop::vocab::LICENCES;

pub async fn licences() -> Response {
    page(
        "使用条款",
        html! {
            h1 { "使用条款" }
            p.muted { "目录中每一条资源按其开放类型使用，每一个已登记的数据产品按授权运营协议和交易规则使用。" }
            dl.fields {
                @for licence in &LICENCES {
                    dt { a href=(format!("/vocab/licence/{}", licence.id)) { (licence.title) } }
                    dd { (licence.summary) }
                }
            }
        },
    )
    .into_response()
}

pub async fn licence(Path(id): Path<String>) -> Response {
    let Some(licence) = LICENCES.iter().find(|l| l.id == id) else {
        return not_found().into_response();
    };
    page(
        licence.title,
        html! {
            h1 { "使用条款：" (licence.title) }
            p { (licence.summary) }
            p { "标识：" code { (licence.id) } }
            p { a href="/vocab/licence" { "全部使用条款" } }
        },
    )
    .into_response()
}
