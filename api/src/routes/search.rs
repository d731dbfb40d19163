//! Full-text search over everything public (and the caller's own unpublished entries), with
//! facets, highlights, cursor paging and suggestions.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderName;
use axum::response::{IntoResponse, Response};
use search::{
    EntityKind, FacetFilters, QueryText, SearchRequest, SearchResults, SortOrder, Suggestion,
    Viewer,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::cpu::off_the_workers;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::middleware::paging::NextPage;
use crate::openapi::{ParameterSchemas, Problems};
use crate::page_limit::PageLimit;
use crate::places::{self, PlaceHint};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .parameter_schema::<SearchSort>()
        .routes(routes!(search_all))
        .routes(routes!(suggest))
        .routes(routes!(search_kind))
}

/// Lists are comma-separated; a value matches any of them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// What to look for, as typed: Chinese, English, digits or pinyin (`bdcdj`, `budongchan`).
    /// `"quoted words"` must appear together. Empty: everything, newest first.
    #[param(max_length = 200)]
    q: Option<String>,
    /// Entity kinds, comma-separated (resource, directory_line, negative_list_entry, registration,
    /// publicity, product, disclosure, organization, authorization).
    kind: Option<String>,
    /// 数源单位/运营机构名称, comma-separated.
    provider: Option<String>,
    /// 行业分类, comma-separated.
    domain: Option<String>,
    /// 分级, comma-separated.
    grade: Option<String>,
    /// 共享类型, comma-separated.
    share_type: Option<String>,
    /// 开放类型, comma-separated.
    open_type: Option<String>,
    /// 更新频率, comma-separated.
    update_frequency: Option<String>,
    /// 行政区划代码, comma-separated.
    region: Option<String>,
    /// 状态, comma-separated.
    status: Option<String>,
    /// 交付形式, comma-separated.
    delivery_form: Option<String>,
    /// 场景类别, comma-separated.
    scene_category: Option<String>,
    /// `relevance` (default) or `updated`.
    sort: Option<SearchSort>,
    /// 0–100 (default 20).
    #[param(minimum = 0, maximum = 100)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 200)]
    cursor: Option<String>,
    /// Include facet counts (default false).
    facets: Option<bool>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum SearchSort {
    Relevance,
    Updated,
}

fn list(raw: &Option<String>) -> Vec<String> {
    raw.iter()
        .flat_map(|s| s.split(','))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

fn viewer(caller: &Caller) -> Viewer {
    match caller.0.as_ref().and_then(|actor| actor.org_id) {
        Some(org) => Viewer::Organization(org.to_string()),
        None => Viewer::Anonymous,
    }
}

impl SearchQuery {
    fn request(self, viewer: Viewer, kind: Option<EntityKind>) -> ApiResult<SearchRequest> {
        let kinds = match kind {
            Some(k) => vec![k],
            None => list(&self.kind)
                .iter()
                .map(|k| k.parse::<EntityKind>())
                .collect::<Result<_, _>>()?,
        };
        if self
            .cursor
            .as_ref()
            .is_some_and(|c| c.chars().count() > 200)
        {
            return Err(ApiError::bad_request("cursor", "游标无效"));
        }
        let limit = PageLimit::parse(self.limit, 20, 0..=search::MAX_LIMIT, "limit")?.get();
        Ok(SearchRequest {
            q: QueryText::parse(self.q.clone().unwrap_or_default())?,
            kinds,
            filters: FacetFilters {
                provider: list(&self.provider),
                domain: list(&self.domain),
                grade: list(&self.grade),
                share_type: list(&self.share_type),
                open_type: list(&self.open_type),
                update_frequency: list(&self.update_frequency),
                region: list(&self.region),
                status: list(&self.status),
                delivery_form: list(&self.delivery_form),
                scene_category: list(&self.scene_category),
            },
            sort: match self.sort {
                Some(SearchSort::Updated) => SortOrder::UpdatedDesc,
                _ => SortOrder::Relevance,
            },
            limit,
            cursor: self.cursor.filter(|c| !c.is_empty()),
            viewer,
            facets: self.facets.unwrap_or(false),
        })
    }
}

/// A search's answer, with the time the engine took in a `Server-Timing` header (browsers'
/// developer tools show it; the bench uses it to tell engine time from HTTP time).
const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

/// A search's results and the places its words name.
#[derive(Debug, Serialize, ToSchema)]
struct SearchAnswer {
    #[serde(flatten)]
    results: SearchResults,
    /// Places the query names (成都 → 四川省成都市), to offer as a `region` filter; empty when
    /// the search is filtered by region already.
    places: Vec<PlaceHint>,
}

/// The answer, timed, with `Link: <…cursor=…>; rel="next"` when there is a next page.
async fn run(state: &AppState, request: SearchRequest) -> ApiResult<Response> {
    let places = places::named_in(&request.q, !request.filters.region.is_empty());
    let index = state.search.clone();
    let (results, took) = off_the_workers(move || {
        let started = Instant::now();
        (index.search(&request), started.elapsed())
    })
    .await?;
    let timing = format!("search;dur={:.3}", took.as_secs_f64() * 1e3);
    let results = results?;
    let next = results.next_cursor.clone().map(|value| NextPage {
        param: "cursor",
        value,
    });
    let answer = SearchAnswer { results, places };
    Ok(([(SERVER_TIMING, timing)], next, Json(answer)).into_response())
}

/// Searches every kind of public entry (and, with a token, the caller's own unpublished ones).
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = SearchAnswer), Problems))]
async fn search_all(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Response> {
    let request = q.request(viewer(&caller), None)?;
    run(&state, request).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct KindPath {
    /// One entity kind.
    kind: EntityKind,
}

/// Searches one kind of entry; the same parameters as `/api/v1/search` (its `kind` is ignored).
#[utoipa::path(get, path = "/api/v1/search/{kind}", tag = "search", params(KindPath, SearchQuery),
    responses((status = 200, body = SearchAnswer), Problems))]
async fn search_kind(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(path): ApiPath<KindPath>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Response> {
    let request = q.request(viewer(&caller), Some(path.kind))?;
    run(&state, request).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SuggestQuery {
    /// What has been typed so far (Chinese, English or pinyin).
    #[param(max_length = 200)]
    q: Option<String>,
    /// 1–20 (default 8).
    #[param(minimum = 1, maximum = 20)]
    limit: Option<i64>,
}

/// Titles completing what has been typed, for a search box.
#[utoipa::path(get, path = "/api/v1/search/suggest", tag = "search", params(SuggestQuery),
    responses((status = 200, body = Vec<Suggestion>), Problems))]
async fn suggest(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SuggestQuery>,
) -> ApiResult<Json<Vec<Suggestion>>> {
    let limit = PageLimit::parse(q.limit, 8, 1..=20, "limit")?.get();
    let prefix = QueryText::parse(q.q.unwrap_or_default())?;
    let index = state.search.clone();
    let viewer = viewer(&caller);
    let found = off_the_workers(move || index.suggest(&prefix, &viewer, limit)).await??;
    Ok(Json(found))
}
