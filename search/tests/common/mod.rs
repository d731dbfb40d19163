//! The real corpus (`../shared/corpus`) as search documents, and an index built from it once per
//! test binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use search::{ChangeBatch, EntityKind, Facets, PUBLIC, SearchDoc, SearchIndex, spawn_writer};

/// One corpus line, as the importers read it (one record type for the importers, these tests
/// and the benchmark's corpus).
pub use importers::corpus::CorpusRecord as Record;

pub fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/cn_open_data_catalog.jsonl.gz")
}

pub fn records() -> &'static [Record] {
    static RECORDS: OnceLock<Vec<Record>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        importers::corpus::read_corpus(&corpus_path()).expect("the corpus in ../shared/corpus")
    })
}

fn unix_seconds(date: Option<&str>) -> i64 {
    date.and_then(|d| chrono::NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
        .unwrap_or(0)
}

pub fn doc_id(r: &Record) -> String {
    format!("resource:{}", r.id)
}

pub fn to_doc(r: &Record) -> SearchDoc {
    SearchDoc {
        id: doc_id(r),
        kind: EntityKind::Resource,
        title: r.title.clone(),
        body: r.description.clone().unwrap_or_default(),
        tags: r
            .tags
            .iter()
            .flat_map(|t| t.split([',', '，', ';', '；']))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
        facets: Facets {
            provider: r.department.clone(),
            domain: r.category.clone().or_else(|| r.industry.clone()),
            open_type: r.is_open.clone(),
            update_frequency: r.update_frequency.clone(),
            region: r.city.clone().or_else(|| Some(r.province.clone())),
            status: Some("published".into()),
            ..Facets::default()
        },
        visible_to: vec![PUBLIC.to_owned()],
        updated_at: unix_seconds(r.update_time.as_deref()),
        url: format!("/resources/{}", r.id),
        places: std::iter::once(&r.province)
            .chain(&r.city)
            .cloned()
            .collect(),
        codes: vec![code_of(r)],
    }
}

/// A resource code for the record (Mulu's form: region, eight digits, check letter), from its id.
pub fn code_of(r: &Record) -> String {
    let hash = r.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("340000-{:08}-T", hash % 100_000_000)
}

/// Indexes `docs` in one batch and waits for the commit.
pub fn build(docs: Vec<SearchDoc>) -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index");
    let writer = spawn_writer(&index).expect("writer");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        for chunk in docs.chunks(5_000) {
            writer
                .send(ChangeBatch {
                    upserts: chunk.to_vec(),
                    up_to_seq: Some(1),
                    ..ChangeBatch::default()
                })
                .await
                .expect("send");
        }
        writer.flush().await.expect("flush");
    });
    index
}

/// The whole corpus, indexed once per test binary.
pub fn corpus_index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| build(records().iter().map(to_doc).collect()))
}
