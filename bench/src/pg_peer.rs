//! PostgreSQL 15 full-text peer: text segmented with jieba (as Mulu does) into a `simple`
//! tsvector (title weight A, body weight B) with a GIN index; queries segmented the same way,
//! `plainto_tsquery('simple', …)` (all words), ranked by `ts_rank`, LIMIT 10; a facet request
//! adds the provider and domain counts over all matches. Spoken to over the wire with a pool as
//! large as the concurrency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jieba_rs::Jieba;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::Result;
use crate::corpus::{self, Record};
use crate::queries::Query;

pub struct Peer {
    pub pool: PgPool,
    jieba: Arc<Jieba>,
}

pub fn segment(jieba: &Jieba, text: &str) -> String {
    jieba
        .cut_for_search(text, true)
        .into_iter()
        .map(|t| t.word.trim())
        .filter(|w| !w.is_empty() && w.chars().any(char::is_alphanumeric))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Creates database `fts` on the server at `admin_url` (dropping an old one) and loads `records`.
/// Returns the peer and (load time, index build time).
pub async fn load(admin_url: &str, records: &[Record]) -> Result<(Peer, Duration, Duration)> {
    let admin = PgPool::connect(admin_url).await?;
    sqlx::query("DROP DATABASE IF EXISTS fts WITH (FORCE)")
        .execute(&admin)
        .await?;
    sqlx::query("CREATE DATABASE fts").execute(&admin).await?;
    admin.close().await;
    let url = format!("{}/fts", admin_url.rsplit_once('/').ok_or("url")?.0);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect(&url)
        .await?;
    sqlx::query(
        "CREATE TABLE docs (id text PRIMARY KEY, title text NOT NULL, provider text, \
         domain text, body text, tsv tsvector NOT NULL)",
    )
    .execute(&pool)
    .await?;
    let jieba = Arc::new(Jieba::new());
    let start = Instant::now();
    for chunk in records.chunks(5000) {
        let mut ids = Vec::new();
        let mut titles = Vec::new();
        let mut providers = Vec::new();
        let mut domains = Vec::new();
        let mut bodies = Vec::new();
        let mut seg_t = Vec::new();
        let mut seg_b = Vec::new();
        for r in chunk {
            ids.push(r.id.clone());
            titles.push(r.title.clone());
            providers.push(r.department.clone());
            domains.push(corpus::domain(r).map(str::to_owned));
            bodies.push(corpus::body(r).to_owned());
            seg_t.push(segment(&jieba, &r.title));
            seg_b.push(segment(&jieba, corpus::body(r)));
        }
        sqlx::query(
            "INSERT INTO docs SELECT i, t, p, d, b, \
             setweight(to_tsvector('simple', st), 'A') || setweight(to_tsvector('simple', sb), 'B') \
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) \
             AS u(i, t, p, d, b, st, sb)",
        )
        .bind(&ids)
        .bind(&titles)
        .bind(&providers)
        .bind(&domains)
        .bind(&bodies)
        .bind(&seg_t)
        .bind(&seg_b)
        .execute(&pool)
        .await?;
    }
    let loaded = start.elapsed();
    let start = Instant::now();
    sqlx::query("CREATE INDEX docs_tsv ON docs USING gin (tsv)")
        .execute(&pool)
        .await?;
    sqlx::query("VACUUM ANALYZE docs").execute(&pool).await?;
    Ok((Peer { pool, jieba }, loaded, start.elapsed()))
}

impl Peer {
    pub fn tsquery_text(&self, q: &str) -> String {
        segment(&self.jieba, q)
    }

    pub async fn search(&self, q: &Query) -> std::result::Result<Vec<String>, String> {
        let words = self.tsquery_text(&q.q);
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT title FROM docs, plainto_tsquery('simple', $1) q WHERE tsv @@ q \
             ORDER BY ts_rank(tsv, q) DESC, id LIMIT 10",
        )
        .bind(&words)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| e.to_string())?;
        if q.facets {
            sqlx::query(
                "WITH m AS (SELECT provider, domain FROM docs WHERE tsv @@ plainto_tsquery('simple', $1)) \
                 (SELECT 'p', provider, count(*) FROM m GROUP BY provider ORDER BY 3 DESC LIMIT 10) \
                 UNION ALL \
                 (SELECT 'd', domain, count(*) FROM m GROUP BY domain ORDER BY 3 DESC LIMIT 10)",
            )
            .bind(&words)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| e.to_string())?;
        }
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    pub async fn size(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT pg_total_relation_size('docs')")
            .fetch_one(&self.pool)
            .await?)
    }
}
