//! Harvests against a real local HTTP server: DCAT as Turtle and as JSON-LD (Hydra paging) and a
//! CKAN Action API (start/rows paging), two or more pages each, in the formats those catalogs
//! actually serve.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use importers::harvest::{self, ckan, dcat};
use serde_json::{Value, json};

const TURTLE_1: &str = r#"@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix freq: <http://publications.europa.eu/resource/authority/frequency/> .
@prefix access: <http://publications.europa.eu/resource/authority/access-right/> .
@prefix ft: <http://publications.europa.eu/resource/authority/file-type/> .

<catalog> a dcat:Catalog ;
    dct:title "泸州市公共数据目录"@zh ;
    dcat:dataset <dataset/bus-stops>, <dataset/parking> .

<dataset/bus-stops> a dcat:Dataset ;
    dct:identifier "bus-stops" ;
    dct:title "公交站点"@zh, "Bus stops"@en ;
    dct:description "全市公交站点名称与位置"@zh ;
    dcat:keyword "公交"@zh, "站点"@zh ;
    dct:accrualPeriodicity freq:MONTHLY ;
    dct:accessRights access:PUBLIC ;
    dct:issued "2024-03-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
    dct:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcat:distribution [ a dcat:Distribution ; dct:format ft:CSV ; dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ] .

<dataset/parking> a dcat:Dataset ;
    dct:title "公共停车场"@zh ;
    dct:accrualPeriodicity freq:DAILY ;
    dct:accessRights access:RESTRICTED .

<catalog?page=1> a hydra:PartialCollectionView ;
    hydra:first <catalog?page=1> ;
    hydra:next <page2.ttl> .
"#;

const TURTLE_2: &str = r#"@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .

<dataset/hospitals> a dcat:Dataset ;
    dct:title "医疗机构名录"@zh ;
    dct:description "医院、卫生院名称、地址与等级"@zh ;
    dct:accrualPeriodicity "每季度" .

<page2.ttl> a hydra:PartialCollectionView ; hydra:previous <page1.ttl> .
"#;

fn jsonld_page(page: u32) -> Value {
    let context = json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "hydra": "http://www.w3.org/ns/hydra/core#",
        "title": {"@id": "dct:title", "@language": "zh"},
        "description": {"@id": "dct:description", "@language": "zh"},
        "keyword": {"@id": "dcat:keyword"},
        "accrualPeriodicity": {"@id": "dct:accrualPeriodicity", "@type": "@id"},
        "issued": {"@id": "dct:issued"},
        "distribution": {"@id": "dcat:distribution"},
        "format": {"@id": "dct:format", "@type": "@id"},
        "next": {"@id": "hydra:next", "@type": "@id"},
        "view": {"@id": "hydra:view"}
    });
    let datasets = if page == 1 {
        json!([
            {"@id": "dataset/air", "@type": "dcat:Dataset", "title": "空气质量日报",
             "description": "各监测站点每日空气质量指数", "keyword": ["环境", "空气"],
             "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/DAILY",
             "issued": "2023-01-05T00:00:00Z",
             "distribution": [{"@type": "dcat:Distribution",
                               "format": "http://publications.europa.eu/resource/authority/file-type/JSON"}]},
            {"@id": "dataset/water", "@type": "dcat:Dataset", "title": "饮用水源水质",
             "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/QUARTERLY"}
        ])
    } else {
        json!([
            {"@id": "dataset/noise", "@type": "dcat:Dataset", "title": "噪声监测",
             "description": "功能区噪声监测结果"}
        ])
    };
    let mut view = json!({"@id": format!("?page={page}"), "@type": "hydra:PartialCollectionView"});
    if page == 1 {
        view["next"] = json!("?page=2");
    }
    json!({
        "@context": context,
        "@id": "",
        "@type": ["dcat:Catalog", "hydra:Collection"],
        "dcat:dataset": datasets,
        "view": view
    })
}

fn ckan_package(i: usize) -> Value {
    json!({
        "id": format!("00000000-0000-0000-0000-00000000000{i}"),
        "name": format!("dataset-{i}"),
        "title": format!("CKAN 数据集 {i}"),
        "notes": if i.is_multiple_of(2) { "" } else { "数据集说明" },
        "private": false,
        "state": "active",
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "metadata_created": format!("2022-11-0{i}T08:30:00.000000"),
        "tags": [{"name": "交通", "display_name": "交通", "state": "active"}],
        "groups": [{"name": "transport", "title": "交通运输"}],
        "extras": [{"key": "frequency", "value": if i == 3 { "monthly" } else { "irregular" }}],
        "resources": [{"format": "CSV", "mimetype": "text/csv", "url": "http://example.org/x.csv"}]
    })
}

async fn ckan_search(Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
    let start: usize = q.get("start").and_then(|s| s.parse().ok()).unwrap_or(0);
    let rows: usize = q.get("rows").and_then(|s| s.parse().ok()).unwrap_or(10);
    let total = 5;
    let results: Vec<Value> = (start..(start + rows).min(total))
        .map(|i| ckan_package(i + 1))
        .collect();
    axum::Json(json!({
        "help": "http://localhost/api/3/action/help_show?name=package_search",
        "success": true,
        "result": {"count": total, "facets": {}, "results": results, "sort": "score desc", "search_facets": {}}
    }))
}

async fn turtle(Path(page): Path<String>) -> impl IntoResponse {
    let body = match page.as_str() {
        "page1.ttl" => TURTLE_1,
        "page2.ttl" => TURTLE_2,
        _ => return (axum::http::StatusCode::NOT_FOUND, "no such page").into_response(),
    };
    ([(CONTENT_TYPE, "text/turtle; charset=utf-8")], body).into_response()
}

async fn jsonld(Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
    let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    (
        [(CONTENT_TYPE, "application/ld+json")],
        jsonld_page(page).to_string(),
    )
}

async fn serve() -> String {
    let app = Router::new()
        .route("/dcat/{page}", get(turtle))
        .route("/catalog.jsonld", get(jsonld))
        .route("/ckan/api/3/action/package_search", get(ckan_search));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn names(h: &harvest::Harvest) -> Vec<String> {
    h.rows
        .iter()
        .map(|(_, m)| m.as_ref().unwrap().content.name.clone())
        .collect()
}

#[tokio::test]
async fn dcat_turtle_pages_are_followed_and_mapped() {
    let base = serve().await;
    let client = harvest::client();
    let h = dcat::harvest(&client, &format!("{base}/dcat/page1.ttl"), None)
        .await
        .unwrap();
    assert_eq!(h.pages, 2);
    assert_eq!(names(&h), vec!["公交站点", "公共停车场", "医疗机构名录"]);
    let bus = &h.rows[0].1.as_ref().unwrap().content;
    assert_eq!(bus.update_frequency.as_str(), "每月");
    assert_eq!(bus.formats, vec!["csv"]);
    assert_eq!(bus.tags, vec!["公交", "站点"]);
    assert_eq!(bus.open_type.as_str(), "无条件开放");
    let parking = &h.rows[1].1.as_ref().unwrap().content;
    assert_eq!(parking.open_type.as_str(), "有条件开放");
    let prepared = h.prepare("dcat");
    assert_eq!(
        prepared.parsed.valid.len(),
        3,
        "{:?}",
        prepared.parsed.problems
    );
    assert!(prepared.parsed.problems.is_empty());
    // The missing descriptions and the assumed grade are reported, not hidden.
    assert!(prepared.normalized.iter().any(|n| n.field == "summary"));
    assert!(
        prepared
            .normalized
            .iter()
            .any(|n| n.field == "grade" && n.count == 3)
    );

    // Max pages stops the walk.
    let one = dcat::harvest(&client, &format!("{base}/dcat/page1.ttl"), Some(1))
        .await
        .unwrap();
    assert_eq!((one.pages, one.rows.len()), (1, 2));
}

#[tokio::test]
async fn dcat_jsonld_pages_are_followed_and_mapped() {
    let base = serve().await;
    let h = dcat::harvest(&harvest::client(), &format!("{base}/catalog.jsonld"), None)
        .await
        .unwrap();
    assert_eq!(h.pages, 2);
    let mut found = names(&h);
    found.sort();
    assert_eq!(found, vec!["噪声监测", "空气质量日报", "饮用水源水质"]);
    let air = h
        .rows
        .iter()
        .map(|(_, m)| &m.as_ref().unwrap().content)
        .find(|c| c.name == "空气质量日报")
        .unwrap();
    assert_eq!(air.update_frequency.as_str(), "每日");
    assert_eq!(air.formats, vec!["json"]);
    assert_eq!(air.release_date.unwrap().to_string(), "2023-01-05");
    assert_eq!(h.prepare("jsonld").parsed.valid.len(), 3);
}

#[tokio::test]
async fn ckan_package_search_is_paged_with_start_and_rows() {
    let base = serve().await;
    let h = ckan::harvest(&harvest::client(), &format!("{base}/ckan"), 2, None)
        .await
        .unwrap();
    assert_eq!(h.pages, 3);
    assert_eq!(
        names(&h),
        (1..=5)
            .map(|i| format!("CKAN 数据集 {i}"))
            .collect::<Vec<_>>()
    );
    let third = &h.rows[2].1.as_ref().unwrap().content;
    assert_eq!(third.update_frequency.as_str(), "每月");
    assert_eq!(third.theme.as_deref(), Some("交通运输"));
    let prepared = h.prepare("ckan");
    assert_eq!(prepared.parsed.valid.len(), 5);
}

#[tokio::test]
async fn unreachable_and_broken_catalogs_are_errors_not_panics() {
    let base = serve().await;
    let client = harvest::client();
    let missing = dcat::harvest(&client, &format!("{base}/dcat/nope.ttl"), None).await;
    assert!(missing.unwrap_err().to_string().contains("404"));
    let not_ckan = ckan::harvest(&client, &format!("{base}/dcat/page1.ttl?"), 10, None).await;
    assert!(not_ckan.is_err());
}
