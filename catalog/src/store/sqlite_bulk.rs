//! SQLite's bulk writes for imports: multi-row INSERTs, one statement per `BATCH_ROWS` rows.

use sqlx::types::Json;
use sqlx::{Sqlite, SqliteConnection};

use crate::audit::CreatedEvent;
use crate::error::Result;
use crate::store::{RawBody, Record, Table, VersionRecord};

/// Rows per multi-row statement: at most 10 binds a row stays far below SQLite's 32,766 bound
/// parameters.
const BATCH_ROWS: usize = 1000;

const RECORD_COLUMNS: &str =
    "id, natural_key, owner_id, status, public, row_version, created_at, updated_at, body";

pub(super) async fn insert_many(
    conn: &mut SqliteConnection,
    table: Table,
    records: &[Record<RawBody>],
) -> Result<()> {
    for chunk in records.chunks(BATCH_ROWS) {
        let mut q = sqlx::QueryBuilder::<Sqlite>::new(format!(
            "INSERT INTO {} ({RECORD_COLUMNS}) ",
            table.name()
        ));
        q.push_values(chunk, |mut b, r| {
            b.push_bind(&r.id)
                .push_bind(&r.natural_key)
                .push_bind(&r.owner_id)
                .push_bind(&r.status)
                .push_bind(r.public)
                .push_bind(r.row_version)
                .push_bind(r.created_at)
                .push_bind(r.updated_at)
                .push_bind(Json(&*r.body));
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(super) async fn put_versions(
    conn: &mut SqliteConnection,
    versions: &[VersionRecord<RawBody>],
) -> Result<()> {
    for chunk in versions.chunks(BATCH_ROWS) {
        let mut q = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO resource_versions (resource_id, version, status, recorded_at, body) ",
        );
        q.push_values(chunk, |mut b, v| {
            b.push_bind(&v.resource_id)
                .push_bind(v.version)
                .push_bind(&v.status)
                .push_bind(v.recorded_at)
                .push_bind(Json(&*v.body));
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(super) async fn insert_audits(
    conn: &mut SqliteConnection,
    events: &[CreatedEvent],
) -> Result<()> {
    for chunk in events.chunks(BATCH_ROWS) {
        let mut q = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, \
             before_body, after_body, prev_hash, hash) ",
        );
        q.push_values(chunk, |mut b, created| {
            let e = &created.event;
            b.push_bind(e.seq)
                .push_bind(e.at)
                .push_bind(&e.actor)
                .push_bind(&e.action)
                .push_bind(&e.entity_type)
                .push_bind(&e.entity_id)
                .push_bind(None::<Json<&serde_json::Value>>)
                .push_bind(Json(&*created.after))
                .push_bind(&e.prev_hash)
                .push_bind(&e.hash);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}
