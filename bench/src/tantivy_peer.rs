//! In-process tantivy: the very index `mulu serve` built, opened in this process and queried
//! through `search::SearchIndex::search` with the same requests, without HTTP, JSON or the
//! service around it. This is the engine limit.

use std::path::Path;
use std::sync::Arc;

use search::{SearchIndex, SearchRequest};

use crate::Result;
use crate::queries::Query;

pub fn open(dir: &Path) -> Result<SearchIndex> {
    Ok(SearchIndex::open_or_create(dir)?)
}

pub fn request(q: &Query) -> SearchRequest {
    SearchRequest {
        q: search::QueryText::parse(q.q.as_str())
            .expect("the benchmark's queries fit a search box"),
        limit: 10,
        facets: q.facets,
        ..SearchRequest::default()
    }
}

pub async fn search(
    index: &SearchIndex,
    queries: &Arc<Vec<Query>>,
    i: usize,
) -> std::result::Result<Vec<String>, String> {
    let (index, queries) = (index.clone(), queries.clone());
    tokio::task::spawn_blocking(move || {
        index
            .search(&request(&queries[i]))
            .map(|r| r.hits.into_iter().map(|h| h.title).collect())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}
