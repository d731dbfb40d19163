//! PostgreSQL's bulk writes for imports: `COPY … FROM STDIN` in binary format. One COPY per call
//! streams every row without a statement to plan or 18,000 parameters to bind, which is where a
//! multi-row INSERT spent its time; the binary format spares the backend parsing each field's
//! text (escapes, timestamps: a fifth of its work in a text COPY). Binary values must be of
//! their column's exact type: the entity tables' shared shape (TEXT, BOOLEAN, BIGINT, TIMESTAMPTZ,
//! JSONB body; migration 0001) and the history tables' text bodies (migration 0010). A migration
//! that changes one of those types changes this file too; the import tests fail otherwise.
//!
//! But a COPY ends with a 5-byte CopyDone written on its own after the data, and sqlx leaves
//! Nagle's algorithm on: that message waits for the server's delayed ACK, about 40 ms per COPY.
//! Worth it for a chunk of thousands of rows, ruinous for a provider's five-row upload (the demo
//! load of 1M entries across thousands of providers took 20+ minutes instead of 4). Small batches
//! therefore take the multi-row INSERTs, whose messages go out in one write.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::{insert_audits_values, insert_many_values, put_versions_values};
use crate::audit::CreatedEvent;
use crate::error::Result;
use crate::store::queries::{AUDIT_COLUMNS, RECORD_COLUMNS, VERSION_COLUMNS};
use crate::store::{RawBody, Record, Table, VersionRecord};

/// Batches smaller than this are INSERTed: below it, the ~40 ms a COPY waits costs more than the
/// statements it saves.
const COPY_MIN_ROWS: usize = 1000;
/// COPY data sent at a time.
const PIECE_BYTES: usize = 256 * 1024;

pub(super) async fn insert_many(
    conn: &mut PgConnection,
    table: Table,
    records: &[Record<RawBody>],
) -> Result<()> {
    if records.len() < COPY_MIN_ROWS {
        return insert_many_values(conn, table, records).await;
    }
    let statement = format!(
        "COPY {} ({RECORD_COLUMNS}) FROM STDIN (FORMAT binary)",
        table.name()
    );
    copy_in(conn, &statement, records, |rows, r| {
        rows.row(9)
            .text(&r.id)
            .optional_text(r.natural_key.as_deref())
            .optional_text(r.owner_id.as_deref())
            .text(&r.status)
            .boolean(r.public)
            .bigint(r.row_version)
            .timestamp(r.created_at)
            .timestamp(r.updated_at)
            .jsonb(r.body.get());
    })
    .await
}

pub(super) async fn put_versions(
    conn: &mut PgConnection,
    versions: &[VersionRecord<RawBody>],
) -> Result<()> {
    if versions.len() < COPY_MIN_ROWS {
        return put_versions_values(conn, versions).await;
    }
    let statement =
        format!("COPY resource_versions ({VERSION_COLUMNS}) FROM STDIN (FORMAT binary)");
    copy_in(conn, &statement, versions, |rows, v| {
        rows.row(5)
            .text(&v.resource_id)
            .bigint(v.version)
            .text(&v.status)
            .timestamp(v.recorded_at)
            // A `text` column (migration 0010): the JSON as written.
            .text(v.body.get());
    })
    .await
}

pub(super) async fn insert_audits(conn: &mut PgConnection, events: &[CreatedEvent]) -> Result<()> {
    if events.len() < COPY_MIN_ROWS {
        return insert_audits_values(conn, events).await;
    }
    let statement = format!("COPY audit_events ({AUDIT_COLUMNS}) FROM STDIN (FORMAT binary)");
    copy_in(conn, &statement, events, |rows, created| {
        let e = &created.event;
        rows.row(10)
            .bigint(e.seq)
            .timestamp(e.at)
            .text(&e.actor)
            .text(&e.action)
            .text(&e.entity_type)
            .text(&e.entity_id)
            .optional_text(None)
            // `text` columns (migration 0010).
            .text(created.after.get())
            .text(&e.prev_hash)
            .text(&e.hash);
    })
    .await
}

/// One COPY of `items`, each written as a row by `row`, sent a [`PIECE_BYTES`] piece at a time:
/// the backend parses and inserts the first rows while the next are written (a chunk written
/// whole first left the backend waiting for it, 1.6 of an import's 15 s).
async fn copy_in<T>(
    conn: &mut PgConnection,
    statement: &str,
    items: &[T],
    row: impl Fn(&mut CopyBinary, &T),
) -> Result<()> {
    let mut copy = conn.copy_in_raw(statement).await?;
    let mut rows = CopyBinary::new(PIECE_BYTES);
    let sent: std::result::Result<(), sqlx::Error> = async {
        for item in items {
            row(&mut rows, item);
            if rows.buf.len() >= PIECE_BYTES {
                copy.send(rows.buf.as_slice()).await?;
                rows.buf.clear();
            }
        }
        rows.end();
        copy.send(rows.buf.as_slice()).await?;
        Ok(())
    }
    .await;
    if let Err(e) = sent {
        // The connection must leave COPY mode either way; the send's error is the one to report.
        let _ = copy.abort("发送失败").await;
        return Err(e.into());
    }
    copy.finish().await?;
    Ok(())
}

/// Rows in COPY's binary format: a signature, then per row its field count and each field as a
/// length (−1 for NULL) and the type's binary form, then −1 where the next row's count would be.
struct CopyBinary {
    buf: Vec<u8>,
}

/// The binary COPY signature, the flags (no OIDs) and the header extension's length (none).
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// PostgreSQL's epoch, 2000-01-01T00:00:00Z, in microseconds after the Unix one.
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

impl CopyBinary {
    fn new(piece: usize) -> Self {
        // A piece ends after the row that crosses `piece`: room for that row too.
        let mut buf = Vec::with_capacity(piece + piece / 4);
        buf.extend_from_slice(SIGNATURE);
        CopyBinary { buf }
    }

    fn row(&mut self, fields: i16) -> &mut Self {
        self.buf.extend_from_slice(&fields.to_be_bytes());
        self
    }

    fn field(&mut self, bytes: &[u8]) -> &mut Self {
        // Fields are bounded by the request body limit, far below 2 GiB.
        let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(bytes);
        self
    }

    fn text(&mut self, value: &str) -> &mut Self {
        self.field(value.as_bytes())
    }

    fn optional_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(value),
            None => {
                self.buf.extend_from_slice(&(-1i32).to_be_bytes());
                self
            }
        }
    }

    fn boolean(&mut self, value: bool) -> &mut Self {
        self.field(&[u8::from(value)])
    }

    fn bigint(&mut self, value: i64) -> &mut Self {
        self.field(&value.to_be_bytes())
    }

    /// Microseconds since 2000: a `TIMESTAMPTZ` keeps microseconds, so audit hashes still verify.
    fn timestamp(&mut self, value: DateTime<Utc>) -> &mut Self {
        self.field(&(value.timestamp_micros() - PG_EPOCH_MICROS).to_be_bytes())
    }

    /// `jsonb`'s binary form: a version byte (1), then the text.
    fn jsonb(&mut self, json: &str) -> &mut Self {
        let len = i32::try_from(json.len() + 1).unwrap_or(i32::MAX);
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.push(1);
        self.buf.extend_from_slice(json.as_bytes());
        self
    }

    /// The trailer, after the last row.
    fn end(&mut self) {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_counted_lengths_and_binary_values() {
        let mut rows = CopyBinary::new(64);
        let at = DateTime::parse_from_rfc3339("2000-01-01T00:00:01.000002Z")
            .unwrap()
            .with_timezone(&Utc);
        rows.row(5)
            .text("引号\t")
            .optional_text(None)
            .boolean(true)
            .bigint(-7)
            .timestamp(at);
        rows.row(1).jsonb("{}");
        rows.end();
        let mut expected = SIGNATURE.to_vec();
        expected.extend_from_slice(&[0, 5]);
        expected.extend_from_slice(&[0, 0, 0, 7]);
        expected.extend_from_slice("引号\t".as_bytes());
        expected.extend_from_slice(&[0xff, 0xff, 0xff, 0xff]);
        expected.extend_from_slice(&[0, 0, 0, 1, 1]);
        expected.extend_from_slice(&[0, 0, 0, 8]);
        expected.extend_from_slice(&(-7i64).to_be_bytes());
        expected.extend_from_slice(&[0, 0, 0, 8]);
        expected.extend_from_slice(&1_000_002i64.to_be_bytes());
        expected.extend_from_slice(&[0, 1, 0, 0, 0, 3, 1, b'{', b'}']);
        expected.extend_from_slice(&[0xff, 0xff]);
        assert_eq!(rows.buf, expected);
    }
}
