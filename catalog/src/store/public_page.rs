//! One page of public rows across entity tables (resources and products for the DCAT export and
//! the CKAN API): filtered by modification time, owner and ids, ordered, with offset paging and
//! the total count of the filtered set.

use chrono::{DateTime, Utc};

use super::Table;

/// Row order of a public page; ties are broken by id so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PublicOrder {
    #[default]
    IdAsc,
    IdDesc,
    ModifiedAsc,
    ModifiedDesc,
    CreatedAsc,
}

impl PublicOrder {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            PublicOrder::IdAsc => "id ASC",
            PublicOrder::IdDesc => "id DESC",
            PublicOrder::ModifiedAsc => "updated_at ASC, id ASC",
            PublicOrder::ModifiedDesc => "updated_at DESC, id DESC",
            PublicOrder::CreatedAsc => "created_at ASC, id ASC",
        }
    }
}

/// Which public rows `Store::public_page` returns.
#[derive(Debug, Clone, Default)]
pub struct PublicPage {
    /// The tables to read, as one combined list.
    pub tables: Vec<Table>,
    /// Only rows whose `updated_at` is at or after this instant.
    pub modified_since: Option<DateTime<Utc>>,
    /// Only rows owned by one of these organizations (all when empty).
    pub owners: Vec<String>,
    /// Only these ids (no restriction when `None`).
    pub ids: Option<Vec<String>>,
    pub order: PublicOrder,
    pub offset: i64,
    pub limit: i64,
}

/// `public_page` for one sqlx driver; expanded inside `shared_queries!`.
macro_rules! public_page_query {
    () => {
        pub(super) async fn public_page(
            conn: &mut Conn,
            q: &crate::store::PublicPage,
        ) -> Result<(i64, Vec<(Table, Record)>)> {
            if q.tables.is_empty() || q.ids.as_ref().is_some_and(|ids| ids.is_empty()) {
                return Ok((0, Vec::new()));
            }
            let mut n = 0;
            let mut param = || {
                n += 1;
                format!("${n}")
            };
            let mut parts = Vec::new();
            for table in &q.tables {
                let mut sql = format!(
                    "SELECT '{0}' AS tbl, {RECORD_COLUMNS} FROM {0} WHERE public = TRUE",
                    table.name()
                );
                if q.modified_since.is_some() {
                    sql.push_str(&format!(" AND updated_at >= {}", param()));
                }
                if !q.owners.is_empty() {
                    let marks: Vec<String> = q.owners.iter().map(|_| param()).collect();
                    sql.push_str(&format!(" AND owner_id IN ({})", marks.join(", ")));
                }
                if let Some(ids) = &q.ids {
                    let marks: Vec<String> = ids.iter().map(|_| param()).collect();
                    sql.push_str(&format!(" AND id IN ({})", marks.join(", ")));
                }
                parts.push(sql);
            }
            let union = parts.join(" UNION ALL ");
            let bind_count = n;
            let page_sql = format!(
                "SELECT * FROM ({union}) AS u ORDER BY {} LIMIT ${} OFFSET ${}",
                q.order.sql(),
                bind_count + 1,
                bind_count + 2
            );
            let count_sql = format!("SELECT COUNT(*) AS n FROM ({union}) AS u");

            macro_rules! bind_filters {
                ($query:expr) => {{
                    let mut query = $query;
                    for _ in &q.tables {
                        if let Some(since) = q.modified_since {
                            query = query.bind(since);
                        }
                        for owner in &q.owners {
                            query = query.bind(owner.as_str());
                        }
                        for id in q.ids.iter().flatten() {
                            query = query.bind(id.as_str());
                        }
                    }
                    query
                }};
            }

            let total: i64 = bind_filters!(sqlx::query(sqlx::AssertSqlSafe(count_sql)))
                .fetch_one(&mut *conn)
                .await?
                .try_get("n")?;
            let rows = bind_filters!(sqlx::query(sqlx::AssertSqlSafe(page_sql)))
                .bind(q.limit)
                .bind(q.offset)
                .fetch_all(&mut *conn)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let name: String = row.try_get("tbl")?;
                let table = q
                    .tables
                    .iter()
                    .copied()
                    .find(|t| t.name() == name)
                    .ok_or_else(|| CatalogError::Storage(format!("未知的表：{name}")))?;
                out.push((table, record_from_row(row)?));
            }
            Ok((total, out))
        }
    };
}

pub(crate) use public_page_query;
