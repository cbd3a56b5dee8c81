//! Reading many streams: the filtered, paginated list, exact search, and tags.

use super::streams::{records, StreamRecord, StreamRow, STREAM_COLUMNS};
use super::{Store, StoreResult};
use shared::model::TagCount;
use shared::stream::{StreamLookup, StreamState, Tag};
use uuid::Uuid;

/// What `GET /streams` asks for, already validated.
#[derive(Debug, Clone)]
pub struct ListFilter {
    /// Never empty.
    pub states: Vec<StreamState>,
    /// Every tag must be on the stream.
    pub tags: Vec<Tag>,
    /// `updated_at >= from` (ms).
    pub from: Option<i64>,
    /// `updated_at < to` (ms).
    pub to: Option<i64>,
    /// One item per group (its passthrough) rather than every member.
    pub grouped: bool,
    pub offset: u64,
    pub limit: u32,
}

/// A bound value of a dynamically built query.
enum Bind {
    Text(String),
    Int(i64),
}

/// Builds `WHERE …` text with `$n` placeholders and their values.
struct Where {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    fn new() -> Where {
        Where {
            clauses: Vec::new(),
            binds: Vec::new(),
        }
    }

    fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }

    fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    fn sql(&self) -> String {
        self.clauses.join(" AND ")
    }
}

fn bind_all<'q, O>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    q
}

impl Store {
    /// One page of the organisation's streams, newest update first (then id), and the
    /// number of streams matching the filter.
    pub async fn list_streams(
        &self,
        org_id: Uuid,
        f: &ListFilter,
    ) -> StoreResult<(Vec<StreamRecord>, u64)> {
        // With tags, the first tag's postings drive the scan (they carry copies of the
        // listing keys); further tags are probed by primary key.
        let alias = if f.tags.is_empty() { "s" } else { "t0" };
        let id_col = if f.tags.is_empty() {
            "s.id"
        } else {
            "t0.stream_id"
        };
        let mut w = Where::new();
        let org = w.bind(Bind::Text(org_id.to_string()));
        w.push(format!("{alias}.org_id = {org}"));
        if let Some(first) = f.tags.first() {
            let t = w.bind(Bind::Text(first.as_str().to_string()));
            w.push(format!("t0.tag = {t}"));
        }
        if f.grouped {
            w.push(format!("{alias}.is_head = TRUE"));
        }
        if f.states.len() < StreamState::ALL.len() {
            let list: Vec<String> = f
                .states
                .iter()
                .map(|s| w.bind(Bind::Text(s.as_str().to_string())))
                .collect();
            w.push(format!("{alias}.state IN ({})", list.join(", ")));
        }
        if let Some(from) = f.from {
            let p = w.bind(Bind::Int(from));
            w.push(format!("{alias}.updated_at >= {p}"));
        }
        if let Some(to) = f.to {
            let p = w.bind(Bind::Int(to));
            w.push(format!("{alias}.updated_at < {p}"));
        }
        for tag in f.tags.iter().skip(1) {
            let t = w.bind(Bind::Text(tag.as_str().to_string()));
            w.push(format!(
                "EXISTS (SELECT 1 FROM stream_tags tn WHERE tn.stream_id = {id_col} AND tn.tag = {t})"
            ));
        }
        let from_clause = if f.tags.is_empty() {
            "streams s".to_string()
        } else {
            "stream_tags t0".to_string()
        };
        let count_sql = format!("SELECT COUNT(*) FROM {from_clause} WHERE {}", w.sql());
        let (total,): (i64,) = bind_all(sqlx::query_as(&count_sql), &w.binds)
            .fetch_one(&self.pool)
            .await?;
        let limit = w.bind(Bind::Int(i64::from(f.limit)));
        let offset = w.bind(Bind::Int(i64::try_from(f.offset).unwrap_or(i64::MAX)));
        let page_sql = if f.tags.is_empty() {
            format!(
                "SELECT {STREAM_COLUMNS} FROM streams s WHERE {} ORDER BY s.updated_at DESC, s.id DESC LIMIT {limit} OFFSET {offset}",
                w.sql()
            )
        } else {
            let cols: Vec<String> = STREAM_COLUMNS
                .split(", ")
                .map(|c| format!("s.{c}"))
                .collect();
            format!(
                "SELECT {} FROM stream_tags t0 JOIN streams s ON s.id = t0.stream_id WHERE {} \
                 ORDER BY t0.updated_at DESC, t0.stream_id DESC LIMIT {limit} OFFSET {offset}",
                cols.join(", "),
                w.sql()
            )
        };
        let rows: Vec<StreamRow> = bind_all(sqlx::query_as(&page_sql), &w.binds)
            .fetch_all(&self.pool)
            .await?;
        Ok((records(rows)?, u64::try_from(total).unwrap_or(0)))
    }

    /// The organisation's stream with exactly this id or name, in any state.
    pub async fn find_stream(
        &self,
        org_id: Uuid,
        lookup: &StreamLookup,
    ) -> StoreResult<Option<StreamRecord>> {
        let (column, value) = match lookup {
            StreamLookup::Id(id) => ("id", id.as_str()),
            StreamLookup::Name(name) => ("name", name.as_str()),
        };
        let row: Option<StreamRow> = sqlx::query_as(&format!(
            "SELECT {STREAM_COLUMNS} FROM streams WHERE {column} = $1 AND org_id = $2"
        ))
        .bind(value)
        .bind(org_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(StreamRecord::try_from).transpose()
    }

    /// Every tag in use (on streams not deleted), most used first, ties by tag.
    pub async fn tag_counts(&self, org_id: Uuid) -> StoreResult<Vec<TagCount>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT tag, count FROM tag_counts WHERE org_id = $1 ORDER BY count DESC, tag ASC",
        )
        .bind(org_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(tag, count)| TagCount {
                tag,
                count: u64::try_from(count).unwrap_or(0),
            })
            .collect())
    }

    /// Tags starting with `prefix` (case-sensitive), most used first, at most `limit`.
    pub async fn tag_suggestions(
        &self,
        org_id: Uuid,
        prefix: &str,
        limit: u32,
    ) -> StoreResult<Vec<TagCount>> {
        // A byte-order range on the primary key: every string starting with `prefix`
        // sorts below `prefix` + U+10FFFF (the largest code point).
        let upper = format!("{prefix}\u{10FFFF}");
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT tag, count FROM tag_counts WHERE org_id = $1 AND tag >= $2 AND tag < $3 \
             ORDER BY count DESC, tag ASC LIMIT $4",
        )
        .bind(org_id.to_string())
        .bind(prefix)
        .bind(upper)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(tag, count)| TagCount {
                tag,
                count: u64::try_from(count).unwrap_or(0),
            })
            .collect())
    }
}
