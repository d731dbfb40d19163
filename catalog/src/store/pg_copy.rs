//! PostgreSQL's bulk writes for imports: `COPY … FROM STDIN` in text format. One COPY per call
//! streams every row without a statement to plan or 18,000 parameters to bind, which is where a
//! multi-row INSERT spent its time.
//!
//! But a COPY ends with a 5-byte CopyDone written on its own after the data, and sqlx leaves
//! Nagle's algorithm on: that message waits for the server's delayed ACK, about 40 ms per COPY.
//! Worth it for a chunk of thousands of rows, ruinous for a provider's five-row upload (the demo
//! load of 1M entries across thousands of providers took 20+ minutes instead of 4). Small batches
//! therefore take the multi-row INSERTs, whose messages go out in one write.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::PgConnection;

use super::postgres::{insert_audits_values, insert_many_values, put_versions_values};
use super::queries::{AUDIT_COLUMNS, RECORD_COLUMNS, VERSION_COLUMNS};
use crate::audit::CreatedEvent;
use crate::error::Result;
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
    let statement = format!("COPY {} ({RECORD_COLUMNS}) FROM STDIN", table.name());
    copy_in(conn, &statement, records, |rows, r| {
        rows.text(&r.id)
            .optional_text(r.natural_key.as_deref())
            .optional_text(r.owner_id.as_deref())
            .text(&r.status)
            .boolean(r.public)
            .integer(r.row_version)
            .timestamp(r.created_at)
            .timestamp(r.updated_at)
            .text(r.body.get())
            .end_row();
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
    let statement = format!("COPY resource_versions ({VERSION_COLUMNS}) FROM STDIN");
    copy_in(conn, &statement, versions, |rows, v| {
        rows.text(&v.resource_id)
            .integer(v.version)
            .text(&v.status)
            .timestamp(v.recorded_at)
            .text(v.body.get())
            .end_row();
    })
    .await
}

pub(super) async fn insert_audits(conn: &mut PgConnection, events: &[CreatedEvent]) -> Result<()> {
    if events.len() < COPY_MIN_ROWS {
        return insert_audits_values(conn, events).await;
    }
    let statement = format!("COPY audit_events ({AUDIT_COLUMNS}) FROM STDIN");
    copy_in(conn, &statement, events, |rows, created| {
        let e = &created.event;
        rows.integer(e.seq)
            .timestamp(e.at)
            .text(&e.actor)
            .text(&e.action)
            .text(&e.entity_type)
            .text(&e.entity_id)
            .optional_text(None)
            .text(created.after.get())
            .text(&e.prev_hash)
            .text(&e.hash)
            .end_row();
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
    row: impl Fn(&mut CopyText, &T),
) -> Result<()> {
    let mut copy = conn.copy_in_raw(statement).await?;
    let mut rows = CopyText::with_capacity(PIECE_BYTES);
    let sent: std::result::Result<(), sqlx::Error> = async {
        for item in items {
            row(&mut rows, item);
            if rows.buf.len() >= PIECE_BYTES {
                copy.send(rows.buf.as_slice()).await?;
                rows.buf.clear();
            }
        }
        if !rows.buf.is_empty() {
            copy.send(rows.buf.as_slice()).await?;
        }
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

/// Rows in COPY's text format: tab between fields, newline after each row, `\N` for NULL, and
/// backslash escapes for the characters that would end a field or a row.
struct CopyText {
    buf: Vec<u8>,
    /// Whether the next field starts a row (no tab before it).
    at_row_start: bool,
}

impl CopyText {
    fn with_capacity(bytes: usize) -> Self {
        CopyText {
            // A piece ends after the row that crosses `bytes`: room for that row too.
            buf: Vec::with_capacity(bytes + bytes / 4),
            at_row_start: true,
        }
    }

    fn separate(&mut self) {
        if !self.at_row_start {
            self.buf.push(b'\t');
        }
        self.at_row_start = false;
    }

    fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        // Runs without anything to escape are copied whole.
        let bytes = value.as_bytes();
        let mut run_start = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            let escaped: &[u8] = match byte {
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                _ => continue,
            };
            self.buf.extend_from_slice(&bytes[run_start..i]);
            self.buf.extend_from_slice(escaped);
            run_start = i + 1;
        }
        self.buf.extend_from_slice(&bytes[run_start..]);
        self
    }

    fn optional_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(value),
            None => {
                self.separate();
                self.buf.extend_from_slice(b"\\N");
                self
            }
        }
    }

    fn boolean(&mut self, value: bool) -> &mut Self {
        self.text(if value { "t" } else { "f" })
    }

    fn integer(&mut self, value: i64) -> &mut Self {
        self.text(&value.to_string())
    }

    /// Microseconds, truncated: what a bound `TIMESTAMPTZ` stores, so audit hashes still verify.
    fn timestamp(&mut self, value: DateTime<Utc>) -> &mut Self {
        self.text(&value.to_rfc3339_opts(SecondsFormat::Micros, true))
    }

    fn end_row(&mut self) {
        self.buf.push(b'\n');
        self.at_row_start = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_escaped_and_nulls_marked() {
        let mut rows = CopyText::with_capacity(1);
        rows.text("a\tb\\c\nd\re")
            .optional_text(None)
            .boolean(true)
            .integer(-7)
            .end_row();
        rows.text(r#"{"k":"引号\"与\\反斜杠"}"#).end_row();
        assert_eq!(
            String::from_utf8(rows.buf).unwrap(),
            "a\\tb\\\\c\\nd\\re\t\\N\tt\t-7\n{\"k\":\"引号\\\\\"与\\\\\\\\反斜杠\"}\n"
        );
    }
}
