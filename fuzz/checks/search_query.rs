//! Any query text, cursor and filter value against a small index: no panic, no error other than
//! a client error, and never a private document for an anonymous caller.
//! Shared by the fuzz target and by the replay test that runs the committed corpus on stable.

use std::sync::OnceLock;

use search::{
    ChangeBatch, EntityKind, Facets, PUBLIC, SearchDoc, SearchIndex, SearchRequest, SortOrder,
    Viewer, spawn_writer,
};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::in_memory().unwrap();
        let writer = spawn_writer(&index).unwrap();
        let titles = [
            "不动产登记信息",
            "公交线路 GDP 2023年",
            "企业信用\"评价\"",
            "税务 登记 (内部)",
        ];
        let docs = titles
            .iter()
            .enumerate()
            .map(|(i, t)| SearchDoc {
                id: format!("d{i}"),
                kind: EntityKind::Resource,
                title: t.to_string(),
                body: t.repeat(3),
                tags: vec![],
                facets: Facets {
                    provider: Some("市统计局".into()),
                    ..Facets::default()
                },
                visible_to: vec![if i == 3 {
                    "org:x".into()
                } else {
                    PUBLIC.into()
                }],
                updated_at: i as i64,
                url: String::new(),
                places: Vec::new(),
                codes: Vec::new(),
            })
            .collect();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            writer
                .send(ChangeBatch {
                    upserts: docs,
                    ..ChangeBatch::default()
                })
                .await
                .unwrap();
            writer.flush().await.unwrap();
        });
        index
    })
}

pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\u{1}');
    let raw = parts.next().unwrap_or_default().to_string();
    // Longer than a search box takes: refused as the caller's mistake, naming `q`.
    let q = match search::QueryText::parse(raw.as_str()) {
        Ok(q) => q,
        Err(e) => {
            assert_eq!(e.field(), Some("q"), "{e}");
            return;
        }
    };
    let cursor = parts.next().map(str::to_string);
    let provider = parts.next().map(str::to_string);
    let mut request = SearchRequest {
        q: q.clone(),
        cursor,
        facets: data.first().is_some_and(|b| b & 1 == 1),
        sort: if data.len().is_multiple_of(2) {
            SortOrder::Relevance
        } else {
            SortOrder::UpdatedDesc
        },
        viewer: Viewer::Anonymous,
        ..SearchRequest::default()
    };
    request.filters.provider.extend(provider);
    match index().search(&request) {
        Ok(results) => assert!(
            results.hits.iter().all(|h| h.id != "d3"),
            "private document leaked"
        ),
        Err(e) => assert!(e.is_client_error(), "{e}"),
    }
    let _ = index().suggest(&q, &Viewer::Anonymous, 10).unwrap();
}
