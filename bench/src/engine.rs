//! `--engine-only`: the search engine alone, for profiling. Builds an index of the corpus in this
//! process (the `SearchDoc`s Mulu's indexer makes of a published resource: `indexer::
//! published_resource_doc` over the content `mulu import` maps a record to), then runs the query mix one query at a time and prints latency per
//! query kind, and the slowest queries. No server, no database, no peers.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use catalog::PublicResource;
use catalog::domain::{RegionCode, ResourceCode};
use search::{ChangeBatch, SearchDoc, SearchIndex};

use crate::Result;
use crate::corpus::{self, Record};
use crate::queries::Query;
use crate::tantivy_peer;

const BATCH: usize = 10_000;

/// The document Mulu's indexer makes of the record once imported and published (its content as
/// `mulu import` maps it, a code in one region, provider named as the corpus names it).
fn doc(i: usize, r: &Record) -> SearchDoc {
    let region = RegionCode::parse("510000").expect("a real province");
    let resource = PublicResource {
        id: uuid::Uuid::from_u128(i as u128 + 1),
        code: ResourceCode::new(&region, i as u64 + 1).expect("a code per entry"),
        provider_id: uuid::Uuid::from_u128(u128::MAX),
        version: 1,
        content: importers::corpus::map_record(r).content,
        published_at: chrono::DateTime::from_timestamp(1_700_000_000 + i as i64, 0)
            .expect("a time in range"),
    };
    indexer::published_resource_doc(&resource, Some(corpus::provider(r).to_owned()))
}

pub async fn run(dir: &Path, records: &[Record], queries: &[Query], rounds: usize) -> Result<()> {
    let index = SearchIndex::open_or_create(dir)?;
    let writer = search::spawn_writer(&index)?;
    if index.doc_count() as usize != records.len() {
        let started = Instant::now();
        for (n, chunk) in records.chunks(BATCH).enumerate() {
            let upserts = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| doc(n * BATCH + i, r))
                .collect();
            writer
                .send(ChangeBatch {
                    upserts,
                    reset: n == 0,
                    ..ChangeBatch::default()
                })
                .await?;
        }
        writer.flush().await?;
        eprintln!(
            "indexed {} documents in {:.1} s",
            records.len(),
            started.elapsed().as_secs_f64()
        );
    }
    if std::env::var_os("MULU_ENGINE_MERGE").is_some() && index.segment_count() > 1 {
        // Experiment: everything in one segment, as a rebuild leaves it.
        let (segments, started) = (index.segment_count(), Instant::now());
        writer.merge_segments().await?;
        eprintln!(
            "merged {segments} segments in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    writer.shutdown().await;
    // Profiling one kind of query: MULU_ENGINE_KIND=title (or facets).
    let only = std::env::var("MULU_ENGINE_KIND").ok();
    // Or one query text (MULU_ENGINE_QUERY=隆昌市), run as the mix has it.
    let text = std::env::var("MULU_ENGINE_QUERY").ok();
    let queries: Vec<&Query> = queries
        .iter()
        .filter(|q| {
            let kind = if q.facets { "facets" } else { q.kind };
            only.as_deref().is_none_or(|o| o == kind) && text.as_deref().is_none_or(|t| t == q.q)
        })
        .collect();
    let mut by_kind: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut totals = vec![0; queries.len()];
    // Each query's fastest round: what the engine costs, without the preemptions a shared
    // machine adds (steal shows up as single slow rounds).
    let mut fastest = vec![f64::INFINITY; queries.len()];
    for round in 0..rounds {
        for (i, &q) in queries.iter().enumerate() {
            let started = Instant::now();
            let res = index.search(&tantivy_peer::request(q))?;
            let ms = started.elapsed().as_secs_f64() * 1e3;
            if round > 0 {
                let kind = if q.facets { "facets" } else { q.kind };
                by_kind.entry(kind).or_default().push(ms);
                by_kind.entry("all").or_default().push(ms);
                totals[i] = res.total;
                fastest[i] = fastest[i].min(ms);
            }
        }
    }
    let mut slowest: Vec<(f64, &Query, u64)> = fastest
        .iter()
        .zip(&queries)
        .zip(totals)
        .map(|((ms, q), total)| (*ms, *q, total))
        .collect();
    if rounds > 1 {
        by_kind.insert("all, fastest round", fastest);
    }
    println!("| kind | queries | mean ms | p50 ms | p99 ms | max ms |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (kind, mut ms) in by_kind {
        ms.sort_by(f64::total_cmp);
        let at = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
        println!(
            "| {kind} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            ms.len(),
            ms.iter().sum::<f64>() / ms.len() as f64,
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("\nslowest (fastest round of each query):");
    for (ms, q, total) in slowest.iter().take(15) {
        println!(
            "  {ms:7.2} ms  {:10} facets={:5} total={total:7}  {}",
            q.kind, q.facets, q.q
        );
    }
    Ok(())
}
