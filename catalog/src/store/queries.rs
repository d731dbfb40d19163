//! The SQL both backends share. The statements are portable (`$n` placeholders, `ON CONFLICT`,
//! `RETURNING`); the macro instantiates them once per sqlx driver so each backend stays native.
//! The bulk writes of an import (`insert_many`, `put_versions`, `insert_audits`, in scope where
//! the macro is used) are each backend's choice: SQLite takes the multi-row INSERTs defined here
//! (`*_values`), PostgreSQL takes COPY for large batches and the same INSERTs for small ones.

/// Columns of every entity table, in the order rows are bound or copied.
pub(crate) const RECORD_COLUMNS: &str =
    "id, natural_key, owner_id, status, public, row_version, created_at, updated_at, body";
/// Columns of `resource_versions`, in the order the bulk writes bind or copy them.
pub(crate) const VERSION_COLUMNS: &str = "resource_id, version, status, recorded_at, body";
/// Columns of `audit_events`, in the order the bulk writes bind or copy them.
pub(crate) const AUDIT_COLUMNS: &str = "seq, at, actor, action, entity_type, entity_id, \
    before_body, after_body, prev_hash, hash";

macro_rules! shared_queries {
    ($db:ty, $store:ty, $backend:expr) => {
        use sqlx::Row as _;
        use sqlx::types::Json;

        use crate::audit::{AuditEvent, CreatedEvent};
        use crate::error::{CatalogError, Result};
        use crate::store::{RawBody, Record, RecordFilter, Table, VersionRecord};

        type Conn = <$db as sqlx::Database>::Connection;
        type DbRow = <$db as sqlx::Database>::Row;

        use crate::store::queries::{AUDIT_COLUMNS, RECORD_COLUMNS, VERSION_COLUMNS};

        /// Rows per multi-row statement: at most 10 binds a row stays far below SQLite's 32,766
        /// and PostgreSQL's 65,535 bound parameters.
        const BATCH_ROWS: usize = 1000;

        fn record_from_row(row: &DbRow) -> Result<Record> {
            Ok(Record {
                id: row.try_get("id")?,
                natural_key: row.try_get("natural_key")?,
                owner_id: row.try_get("owner_id")?,
                status: row.try_get("status")?,
                public: row.try_get("public")?,
                row_version: row.try_get("row_version")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
                body: row.try_get::<Json<serde_json::Value>, _>("body")?.0,
            })
        }

        fn version_from_row(row: &DbRow) -> Result<VersionRecord> {
            Ok(VersionRecord {
                resource_id: row.try_get("resource_id")?,
                version: row.try_get("version")?,
                status: row.try_get("status")?,
                recorded_at: row.try_get("recorded_at")?,
                body: json_text(row, "body")?.ok_or_else(|| {
                    CatalogError::Storage("resource_versions.body 为空".to_string())
                })?,
            })
        }

        /// A JSON body kept as text: version snapshots and audit events are read whole, never
        /// queried inside, and validated before they are written (PostgreSQL `text` since
        /// migration 0010, SQLite `TEXT`).
        fn json_text(row: &DbRow, column: &str) -> Result<Option<serde_json::Value>> {
            row.try_get::<Option<String>, _>(column)?
                .map(|text| {
                    serde_json::from_str(&text)
                        .map_err(|e| CatalogError::Storage(format!("{column} 不是 JSON：{e}")))
                })
                .transpose()
        }

        fn audit_from_row(row: &DbRow) -> Result<AuditEvent> {
            Ok(AuditEvent {
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                entity_type: row.try_get("entity_type")?,
                entity_id: row.try_get("entity_id")?,
                before: json_text(row, "before_body")?,
                after: json_text(row, "after_body")?,
                prev_hash: row.try_get("prev_hash")?,
                hash: row.try_get("hash")?,
            })
        }

        pub(super) async fn get(conn: &mut Conn, table: Table, id: &str) -> Result<Option<Record>> {
            let sql = format!("SELECT {RECORD_COLUMNS} FROM {} WHERE id = $1", table.name());
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            row.as_ref().map(record_from_row).transpose()
        }

        pub(super) async fn get_by_key(
            conn: &mut Conn,
            table: Table,
            key: &str,
        ) -> Result<Option<Record>> {
            let sql = format!(
                "SELECT {RECORD_COLUMNS} FROM {} WHERE natural_key = $1",
                table.name()
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?;
            row.as_ref().map(record_from_row).transpose()
        }

        pub(super) async fn list(
            conn: &mut Conn,
            table: Table,
            filter: &RecordFilter,
        ) -> Result<Vec<Record>> {
            let mut sql = format!("SELECT {RECORD_COLUMNS} FROM {} WHERE 1 = 1", table.name());
            let mut n = 0;
            let mut param = || {
                n += 1;
                format!("${n}")
            };
            if !filter.statuses.is_empty() {
                let marks: Vec<String> = filter.statuses.iter().map(|_| param()).collect();
                sql.push_str(&format!(" AND status IN ({})", marks.join(", ")));
            }
            if filter.owner_id.is_some() {
                sql.push_str(&format!(" AND owner_id = {}", param()));
            }
            if let Some(owners) = &filter.owner_in {
                let marks: Vec<String> = owners.iter().map(|_| param()).collect();
                if marks.is_empty() {
                    sql.push_str(" AND 1 = 0");
                } else {
                    sql.push_str(&format!(" AND owner_id IN ({})", marks.join(", ")));
                }
            }
            if filter.public_only {
                sql.push_str(" AND public = TRUE");
            }
            if filter.after_id.is_some() {
                sql.push_str(&format!(" AND id > {}", param()));
            }
            sql.push_str(" ORDER BY id");
            if filter.limit.is_some() {
                sql.push_str(&format!(" LIMIT {}", param()));
            }
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for status in &filter.statuses {
                query = query.bind(status.as_str());
            }
            if let Some(owner) = &filter.owner_id {
                query = query.bind(owner.as_str());
            }
            for owner in filter.owner_in.iter().flatten() {
                query = query.bind(owner.as_str());
            }
            if let Some(after) = &filter.after_id {
                query = query.bind(after.as_str());
            }
            if let Some(limit) = filter.limit {
                query = query.bind(limit);
            }
            let rows = query.fetch_all(&mut *conn).await?;
            rows.iter().map(record_from_row).collect()
        }

        crate::store::public_page::public_page_query!();

        pub(super) async fn count(conn: &mut Conn, table: Table) -> Result<i64> {
            let sql = format!("SELECT COUNT(*) AS n FROM {}", table.name());
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut *conn)
                .await?;
            Ok(row.try_get("n")?)
        }

        pub(super) async fn insert(conn: &mut Conn, table: Table, r: &Record) -> Result<()> {
            let sql = format!(
                "INSERT INTO {} ({RECORD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                table.name()
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&r.id)
                .bind(&r.natural_key)
                .bind(&r.owner_id)
                .bind(&r.status)
                .bind(r.public)
                .bind(r.row_version)
                .bind(r.created_at)
                .bind(r.updated_at)
                .bind(Json(&r.body))
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        pub(super) async fn update(conn: &mut Conn, table: Table, r: &Record) -> Result<()> {
            let sql = format!(
                "UPDATE {} SET natural_key = $2, owner_id = $3, status = $4, public = $5, \
                 row_version = $6, updated_at = $7, body = $8 WHERE id = $1 AND row_version = $9",
                table.name()
            );
            let done = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&r.id)
                .bind(&r.natural_key)
                .bind(&r.owner_id)
                .bind(&r.status)
                .bind(r.public)
                .bind(r.row_version)
                .bind(r.updated_at)
                .bind(Json(&r.body))
                .bind(r.row_version - 1)
                .execute(&mut *conn)
                .await?;
            if done.rows_affected() == 0 {
                return Err(CatalogError::Conflict(format!(
                    "记录 {} 已被他人修改，请重新读取后再提交",
                    r.id
                )));
            }
            Ok(())
        }

        pub(super) async fn put_version(conn: &mut Conn, v: &VersionRecord) -> Result<()> {
            sqlx::query(
                "INSERT INTO resource_versions (resource_id, version, status, recorded_at, body) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (resource_id, version) DO UPDATE SET \
                 status = excluded.status, recorded_at = excluded.recorded_at, body = excluded.body",
            )
            .bind(&v.resource_id)
            .bind(v.version)
            .bind(&v.status)
            .bind(v.recorded_at)
            .bind(v.body.to_string())
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        pub(super) async fn version(
            conn: &mut Conn,
            resource_id: &str,
            version: i64,
        ) -> Result<Option<VersionRecord>> {
            let row = sqlx::query(
                "SELECT resource_id, version, status, recorded_at, body FROM resource_versions \
                 WHERE resource_id = $1 AND version = $2",
            )
            .bind(resource_id)
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?;
            row.as_ref().map(version_from_row).transpose()
        }

        pub(super) async fn versions(
            conn: &mut Conn,
            resource_id: &str,
        ) -> Result<Vec<VersionRecord>> {
            let rows = sqlx::query(
                "SELECT resource_id, version, status, recorded_at, body FROM resource_versions \
                 WHERE resource_id = $1 ORDER BY version",
            )
            .bind(resource_id)
            .fetch_all(&mut *conn)
            .await?;
            rows.iter().map(version_from_row).collect()
        }

        pub(super) async fn next_sequence(conn: &mut Conn, name: &str) -> Result<i64> {
            let row = sqlx::query(
                "INSERT INTO sequences (name, value) VALUES ($1, 1) ON CONFLICT (name) \
                 DO UPDATE SET value = sequences.value + 1 RETURNING value",
            )
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
            Ok(row.try_get("value")?)
        }

        pub(super) async fn reserve_sequence(
            conn: &mut Conn,
            name: &str,
            count: i64,
        ) -> Result<i64> {
            let row = sqlx::query(
                "INSERT INTO sequences (name, value) VALUES ($1, $2) ON CONFLICT (name) \
                 DO UPDATE SET value = sequences.value + $3 RETURNING value",
            )
            .bind(name)
            .bind(count)
            .bind(count)
            .fetch_one(&mut *conn)
            .await?;
            let last: i64 = row.try_get("value")?;
            Ok(last - count + 1)
        }

        pub(crate) async fn insert_many_values(
            conn: &mut Conn,
            table: Table,
            records: &[Record<RawBody>],
        ) -> Result<()> {
            for chunk in records.chunks(BATCH_ROWS) {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
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

        pub(crate) async fn put_versions_values(
            conn: &mut Conn,
            versions: &[VersionRecord<RawBody>],
        ) -> Result<()> {
            for chunk in versions.chunks(BATCH_ROWS) {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "INSERT INTO resource_versions ({VERSION_COLUMNS}) "
                ));
                q.push_values(chunk, |mut b, v| {
                    b.push_bind(&v.resource_id)
                        .push_bind(v.version)
                        .push_bind(&v.status)
                        .push_bind(v.recorded_at)
                        .push_bind(v.body.get());
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        pub(crate) async fn insert_audits_values(
            conn: &mut Conn,
            events: &[CreatedEvent],
        ) -> Result<()> {
            for chunk in events.chunks(BATCH_ROWS) {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "INSERT INTO audit_events ({AUDIT_COLUMNS}) "
                ));
                q.push_values(chunk, |mut b, created| {
                    let e = &created.event;
                    b.push_bind(e.seq)
                        .push_bind(e.at)
                        .push_bind(&e.actor)
                        .push_bind(&e.action)
                        .push_bind(&e.entity_type)
                        .push_bind(&e.entity_id)
                        .push_bind(None::<&str>)
                        .push_bind(created.after.get())
                        .push_bind(&e.prev_hash)
                        .push_bind(&e.hash);
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        pub(super) async fn last_audit(conn: &mut Conn) -> Result<Option<(i64, String)>> {
            let row = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *conn)
                .await?;
            row.map(|r| Ok((r.try_get("seq")?, r.try_get("hash")?)))
                .transpose()
        }

        pub(super) async fn insert_audit(conn: &mut Conn, e: &AuditEvent) -> Result<()> {
            sqlx::query(
                "INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, \
                 before_body, after_body, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(e.seq)
            .bind(e.at)
            .bind(&e.actor)
            .bind(&e.action)
            .bind(&e.entity_type)
            .bind(&e.entity_id)
            .bind(e.before.as_ref().map(serde_json::Value::to_string))
            .bind(e.after.as_ref().map(serde_json::Value::to_string))
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        pub(super) async fn audit_events(
            conn: &mut Conn,
            after_seq: i64,
            limit: i64,
        ) -> Result<Vec<AuditEvent>> {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, entity_type, entity_id, before_body, after_body, \
                 prev_hash, hash FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
            rows.iter().map(audit_from_row).collect()
        }

        pub(super) async fn audit_events_of(
            conn: &mut Conn,
            entity_type: &str,
            after_seq: i64,
            limit: i64,
        ) -> Result<Vec<AuditEvent>> {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, entity_type, entity_id, before_body, after_body, \
                 prev_hash, hash FROM audit_events WHERE entity_type = $1 AND seq > $2 \
                 ORDER BY seq LIMIT $3",
            )
            .bind(entity_type)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
            rows.iter().map(audit_from_row).collect()
        }

        pub(super) async fn put_blob(conn: &mut Conn, key: &str, bytes: &[u8]) -> Result<()> {
            sqlx::query(
                "INSERT INTO blobs (key, size, bytes, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(bytes.len() as i64)
            .bind(bytes)
            .bind(chrono::Utc::now())
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        pub(super) async fn get_blob(conn: &mut Conn, key: &str) -> Result<Option<Vec<u8>>> {
            let row = sqlx::query("SELECT bytes FROM blobs WHERE key = $1")
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?;
            row.map(|r| Ok(r.try_get("bytes")?)).transpose()
        }

        pub(super) async fn get_credentials(conn: &mut Conn, person_id: &str) -> Result<Option<String>> {
            let row = sqlx::query("SELECT body FROM credentials WHERE person_id = $1")
                .bind(person_id)
                .fetch_optional(&mut *conn)
                .await?;
            row.map(|r| Ok(r.try_get("body")?)).transpose()
        }

        pub(super) async fn put_credentials(conn: &mut Conn, person_id: &str, body: &str) -> Result<()> {
            sqlx::query(
                "INSERT INTO credentials (person_id, body, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (person_id) DO UPDATE SET body = excluded.body, \
                 updated_at = excluded.updated_at",
            )
            .bind(person_id)
            .bind(body)
            .bind(chrono::Utc::now())
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        fn session_from_row(row: &DbRow) -> Result<crate::store::SessionRecord> {
            Ok(crate::store::SessionRecord {
                id_hash: row.try_get("id_hash")?,
                person_id: row.try_get("person_id")?,
                role: row.try_get("role")?,
                stage: row.try_get("stage")?,
                csrf: row.try_get("csrf")?,
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                ended_at: row.try_get("ended_at")?,
            })
        }

        pub(super) async fn insert_session(
            conn: &mut Conn,
            s: &crate::store::SessionRecord,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO sessions (id_hash, person_id, role, stage, csrf, created_at, \
                 last_seen_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&s.id_hash)
            .bind(&s.person_id)
            .bind(&s.role)
            .bind(&s.stage)
            .bind(&s.csrf)
            .bind(s.created_at)
            .bind(s.last_seen_at)
            .bind(s.ended_at)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        pub(super) async fn get_session(
            conn: &mut Conn,
            id_hash: &str,
        ) -> Result<Option<crate::store::SessionRecord>> {
            let row = sqlx::query(
                "SELECT id_hash, person_id, role, stage, csrf, created_at, last_seen_at, ended_at \
                 FROM sessions WHERE id_hash = $1",
            )
            .bind(id_hash)
            .fetch_optional(&mut *conn)
            .await?;
            row.as_ref().map(session_from_row).transpose()
        }

        /// Role, stage, last use and end of a session; an ended session stays ended.
        pub(super) async fn update_session(
            conn: &mut Conn,
            s: &crate::store::SessionRecord,
        ) -> Result<()> {
            sqlx::query(
                "UPDATE sessions SET role = $2, stage = $3, last_seen_at = $4, ended_at = $5 \
                 WHERE id_hash = $1 AND ended_at IS NULL",
            )
            .bind(&s.id_hash)
            .bind(&s.role)
            .bind(&s.stage)
            .bind(s.last_seen_at)
            .bind(s.ended_at)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        pub(super) async fn end_sessions_of(
            conn: &mut Conn,
            person_id: &str,
            at: chrono::DateTime<chrono::Utc>,
        ) -> Result<u64> {
            let done = sqlx::query(
                "UPDATE sessions SET ended_at = $2 WHERE person_id = $1 AND ended_at IS NULL",
            )
            .bind(person_id)
            .bind(at)
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected())
        }

        pub(super) async fn put_personal(
            conn: &mut Conn,
            key: &str,
            subject_id: &str,
            body: &str,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO personal_data (key, subject_id, body, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(key)
            .bind(subject_id)
            .bind(body)
            .bind(chrono::Utc::now())
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        pub(super) async fn retain_personal_until(
            conn: &mut Conn,
            key: &str,
            until: chrono::DateTime<chrono::Utc>,
        ) -> Result<()> {
            sqlx::query("UPDATE personal_data SET retain_until = $2 WHERE key = $1")
                .bind(key)
                .bind(until)
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        pub(super) async fn personal_of(
            conn: &mut Conn,
            subject_id: &str,
        ) -> Result<Vec<crate::store::PersonalRecord>> {
            let rows = sqlx::query(
                "SELECT key, subject_id, body, created_at, retain_until, erased_at \
                 FROM personal_data WHERE subject_id = $1 ORDER BY key",
            )
            .bind(subject_id)
            .fetch_all(&mut *conn)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(crate::store::PersonalRecord {
                        key: row.try_get("key")?,
                        subject_id: row.try_get("subject_id")?,
                        body: row.try_get("body")?,
                        created_at: row.try_get("created_at")?,
                        retain_until: row.try_get("retain_until")?,
                        erased_at: row.try_get("erased_at")?,
                    })
                })
                .collect()
        }

        pub(super) async fn erase_personal_due(
            conn: &mut Conn,
            now: chrono::DateTime<chrono::Utc>,
        ) -> Result<u64> {
            let done = sqlx::query(
                "UPDATE personal_data SET body = NULL, erased_at = $1 \
                 WHERE retain_until <= $1 AND erased_at IS NULL",
            )
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected())
        }

        pub(super) async fn add_views(conn: &mut Conn, counts: &[(String, i64)]) -> Result<()> {
            for (entity_id, views) in counts {
                sqlx::query(
                    "INSERT INTO page_views (entity_id, views) VALUES ($1, $2) \
                     ON CONFLICT (entity_id) DO UPDATE SET views = page_views.views + excluded.views",
                )
                .bind(entity_id)
                .bind(views)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        pub(super) async fn most_viewed(conn: &mut Conn, limit: i64) -> Result<Vec<(String, i64)>> {
            let rows = sqlx::query(
                "SELECT entity_id, views FROM page_views ORDER BY views DESC, entity_id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
            rows.iter()
                .map(|row| Ok((row.try_get("entity_id")?, row.try_get("views")?)))
                .collect()
        }

        /// A serialized write transaction.
        pub struct Tx(sqlx::Transaction<'static, $db>);

        #[async_trait::async_trait]
        impl crate::store::WriteTx for Tx {
            async fn get(&mut self, table: Table, id: &str) -> Result<Option<Record>> {
                get(&mut self.0, table, id).await
            }
            async fn get_by_key(&mut self, table: Table, key: &str) -> Result<Option<Record>> {
                get_by_key(&mut self.0, table, key).await
            }
            async fn list(&mut self, table: Table, filter: &RecordFilter) -> Result<Vec<Record>> {
                list(&mut self.0, table, filter).await
            }
            async fn insert(&mut self, table: Table, record: &Record) -> Result<()> {
                insert(&mut self.0, table, record).await
            }
            async fn update(&mut self, table: Table, record: &Record) -> Result<()> {
                update(&mut self.0, table, record).await
            }
            async fn put_version(&mut self, version: &VersionRecord) -> Result<()> {
                put_version(&mut self.0, version).await
            }
            async fn next_sequence(&mut self, name: &str) -> Result<i64> {
                next_sequence(&mut self.0, name).await
            }
            async fn reserve_sequence(&mut self, name: &str, count: i64) -> Result<i64> {
                reserve_sequence(&mut self.0, name, count).await
            }
            async fn insert_many(&mut self, table: Table, records: &[Record<RawBody>]) -> Result<()> {
                insert_many(&mut self.0, table, records).await
            }
            async fn put_versions(&mut self, versions: &[VersionRecord<RawBody>]) -> Result<()> {
                put_versions(&mut self.0, versions).await
            }
            async fn insert_audits(&mut self, events: &[CreatedEvent]) -> Result<()> {
                insert_audits(&mut self.0, events).await
            }
            async fn last_audit(&mut self) -> Result<Option<(i64, String)>> {
                last_audit(&mut self.0).await
            }
            async fn insert_audit(&mut self, event: &AuditEvent) -> Result<()> {
                insert_audit(&mut self.0, event).await
            }
            async fn put_blob(&mut self, key: &str, bytes: &[u8]) -> Result<()> {
                put_blob(&mut self.0, key, bytes).await
            }
            async fn get_credentials(&mut self, person_id: &str) -> Result<Option<String>> {
                get_credentials(&mut self.0, person_id).await
            }
            async fn put_credentials(&mut self, person_id: &str, body: &str) -> Result<()> {
                put_credentials(&mut self.0, person_id, body).await
            }
            async fn end_sessions_of(
                &mut self,
                person_id: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64> {
                end_sessions_of(&mut self.0, person_id, at).await
            }
            async fn put_personal(&mut self, key: &str, subject_id: &str, body: &str) -> Result<()> {
                put_personal(&mut self.0, key, subject_id, body).await
            }
            async fn retain_personal_until(
                &mut self,
                key: &str,
                until: chrono::DateTime<chrono::Utc>,
            ) -> Result<()> {
                retain_personal_until(&mut self.0, key, until).await
            }
            async fn commit(self: Box<Self>) -> Result<()> {
                Ok(self.0.commit().await?)
            }
        }

        #[async_trait::async_trait]
        impl crate::store::Store for $store {
            fn backend(&self) -> crate::store::Backend {
                $backend
            }
            async fn begin_write(&self) -> Result<Box<dyn crate::store::WriteTx>> {
                Ok(Box::new(Tx(self.begin_serialized().await?)))
            }
            async fn get(&self, table: Table, id: &str) -> Result<Option<Record>> {
                get(&mut *self.pool.acquire().await?, table, id).await
            }
            async fn get_by_key(&self, table: Table, key: &str) -> Result<Option<Record>> {
                get_by_key(&mut *self.pool.acquire().await?, table, key).await
            }
            async fn list(&self, table: Table, filter: &RecordFilter) -> Result<Vec<Record>> {
                list(&mut *self.pool.acquire().await?, table, filter).await
            }
            async fn count(&self, table: Table) -> Result<i64> {
                count(&mut *self.pool.acquire().await?, table).await
            }
            async fn public_page(
                &self,
                q: &crate::store::PublicPage,
            ) -> Result<(i64, Vec<(Table, Record)>)> {
                public_page(&mut *self.pool.acquire().await?, q).await
            }
            async fn version(&self, resource_id: &str, v: i64) -> Result<Option<VersionRecord>> {
                version(&mut *self.pool.acquire().await?, resource_id, v).await
            }
            async fn versions(&self, resource_id: &str) -> Result<Vec<VersionRecord>> {
                versions(&mut *self.pool.acquire().await?, resource_id).await
            }
            async fn audit_events(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEvent>> {
                audit_events(&mut *self.pool.acquire().await?, after_seq, limit).await
            }
            async fn audit_head(&self) -> Result<i64> {
                Ok(last_audit(&mut *self.pool.acquire().await?)
                    .await?
                    .map_or(0, |(seq, _)| seq))
            }
            async fn audit_events_of(
                &self,
                entity_type: &str,
                after_seq: i64,
                limit: i64,
            ) -> Result<Vec<AuditEvent>> {
                audit_events_of(&mut *self.pool.acquire().await?, entity_type, after_seq, limit)
                    .await
            }
            async fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>> {
                get_blob(&mut *self.pool.acquire().await?, key).await
            }
            async fn get_credentials(&self, person_id: &str) -> Result<Option<String>> {
                get_credentials(&mut *self.pool.acquire().await?, person_id).await
            }
            async fn insert_session(&self, s: &crate::store::SessionRecord) -> Result<()> {
                insert_session(&mut *self.pool.acquire().await?, s).await
            }
            async fn session(&self, id_hash: &str) -> Result<Option<crate::store::SessionRecord>> {
                get_session(&mut *self.pool.acquire().await?, id_hash).await
            }
            async fn update_session(&self, s: &crate::store::SessionRecord) -> Result<()> {
                update_session(&mut *self.pool.acquire().await?, s).await
            }
            async fn personal_of(&self, subject_id: &str) -> Result<Vec<crate::store::PersonalRecord>> {
                personal_of(&mut *self.pool.acquire().await?, subject_id).await
            }
            async fn erase_personal_due(&self, now: chrono::DateTime<chrono::Utc>) -> Result<u64> {
                erase_personal_due(&mut *self.pool.acquire().await?, now).await
            }
            async fn add_views(&self, counts: &[(String, i64)]) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                add_views(&mut tx, counts).await?;
                tx.commit().await?;
                Ok(())
            }
            async fn most_viewed(&self, limit: i64) -> Result<Vec<(String, i64)>> {
                most_viewed(&mut *self.pool.acquire().await?, limit).await
            }
            async fn close(&self) {
                self.pool.close().await;
            }
        }
    };
}

pub(crate) use shared_queries;
