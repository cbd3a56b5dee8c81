//! Reading many streams: the filtered, paginated list, exact search, and tags.

use super::streams::{day_of, records, StreamRecord, StreamRow, DAY_MS, STREAM_COLUMNS};
use super::{bind_all, Bind, Store, StoreResult};
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
        let total = if f.tags.is_empty() {
            self.count_untagged(org_id, f).await?
        } else {
            let count_sql = format!("SELECT COUNT(*) FROM {from_clause} WHERE {}", w.sql());
            let (n,): (i64,) = run!(
                self.pool,
                fetch_one,
                bind_all(sqlx::query_as(&count_sql), &w.binds)
            )?;
            n
        };
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
        let rows: Vec<StreamRow> = run!(
            self.pool,
            fetch_all,
            bind_all(sqlx::query_as(&page_sql), &w.binds)
        )?;
        Ok((records(rows)?, u64::try_from(total).unwrap_or(0)))
    }

    /// The number of streams matching a filter without tags, from the maintained counts:
    /// whole days from the day buckets, the partial days at the edges of a date range by
    /// an index range each — never a scan of the whole list.
    async fn count_untagged(&self, org_id: Uuid, f: &ListFilter) -> StoreResult<i64> {
        let org = org_id.to_string();
        let states: Vec<&str> = f.states.iter().map(|s| s.as_str()).collect();
        // `$1` org, `$2..` states; the head condition needs no bind.
        let state_list: Vec<String> = (0..states.len()).map(|i| format!("${}", i + 2)).collect();
        let head = if f.grouped { " AND is_head = TRUE" } else { "" };
        let base = format!("org_id = $1{head} AND state IN ({})", state_list.join(", "));
        let next = states.len() + 2;
        if f.from.is_none() && f.to.is_none() {
            let sql = format!(
                "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM stream_counts WHERE {base}"
            );
            return self.count_with(&sql, &org, &states, &[]).await;
        }
        let from = f.from.unwrap_or(i64::MIN / 2);
        let to = f.to.unwrap_or(i64::MAX / 2);
        if from >= to {
            return Ok(0);
        }
        let (first_day, last_day) = (day_of(from), day_of(to - 1));
        let rows_between = format!(
            "SELECT COUNT(*) FROM streams WHERE {base} AND updated_at >= ${next} AND updated_at < ${}",
            next + 1
        );
        if first_day == last_day {
            return self
                .count_with(&rows_between, &org, &states, &[from, to])
                .await;
        }
        // Whole days strictly inside, then the two partial edge days.
        let days = format!(
            "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM stream_day_counts WHERE {base} AND day > ${next} AND day < ${}",
            next + 1
        );
        let inside = self
            .count_with(&days, &org, &states, &[first_day, last_day])
            .await?;
        let head_edge = self
            .count_with(
                &rows_between,
                &org,
                &states,
                &[from, (first_day + 1) * DAY_MS],
            )
            .await?;
        let tail_edge = self
            .count_with(&rows_between, &org, &states, &[last_day * DAY_MS, to])
            .await?;
        Ok(inside + head_edge + tail_edge)
    }

    async fn count_with(
        &self,
        sql: &str,
        org: &str,
        states: &[&str],
        ints: &[i64],
    ) -> StoreResult<i64> {
        let binds: Vec<Bind> = std::iter::once(Bind::Text(org.to_string()))
            .chain(states.iter().map(|s| Bind::Text(s.to_string())))
            .chain(ints.iter().map(|i| Bind::Int(*i)))
            .collect();
        let (n,): (i64,) = run!(self.pool, fetch_one, bind_all(sqlx::query_as(sql), &binds))?;
        Ok(n)
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
        let row: Option<StreamRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE {column} = $1 AND org_id = $2"
            ))
            .bind(value)
            .bind(org_id.to_string())
        )?;
        row.map(StreamRecord::try_from).transpose()
    }

    /// Every tag in use (on streams not deleted), most used first, ties by tag.
    pub async fn tag_counts(&self, org_id: Uuid) -> StoreResult<Vec<TagCount>> {
        let rows: Vec<(String, i64)> =
            run!(self.pool, fetch_all, sqlx::query_as(
            "SELECT tag, count FROM tag_counts WHERE org_id = $1 ORDER BY count DESC, tag ASC",
        )
        .bind(org_id.to_string()))?;
        Ok(tag_counts_of(rows))
    }

    /// Tags starting with `prefix` (case-sensitive), most used first, at most `limit`.
    pub async fn tag_suggestions(
        &self,
        org_id: Uuid,
        prefix: &str,
        limit: u32,
    ) -> StoreResult<Vec<TagCount>> {
        // A range on the primary key: from the prefix to the first string after every
        // string that starts with it (UTF-8 byte order is code point order).
        let rows: Vec<(String, i64)> = match prefix_successor(prefix) {
            Some(upper) => run!(self.pool, fetch_all, sqlx::query_as(
                "SELECT tag, count FROM tag_counts WHERE org_id = $1 AND tag >= $2 AND tag < $3 \
                     ORDER BY count DESC, tag ASC LIMIT $4",
            )
            .bind(org_id.to_string())
            .bind(prefix)
            .bind(upper)
            .bind(i64::from(limit)))?,
            None => run!(
                self.pool,
                fetch_all,
                sqlx::query_as(
                    "SELECT tag, count FROM tag_counts WHERE org_id = $1 AND tag >= $2 \
                     ORDER BY count DESC, tag ASC LIMIT $3",
                )
                .bind(org_id.to_string())
                .bind(prefix)
                .bind(i64::from(limit))
            )?,
        };
        Ok(tag_counts_of(rows))
    }
}

fn tag_counts_of(rows: Vec<(String, i64)>) -> Vec<TagCount> {
    rows.into_iter()
        .map(|(tag, count)| TagCount {
            tag,
            count: u64::try_from(count).unwrap_or(0),
        })
        .collect()
}

/// The smallest string greater than every string starting with `prefix`: the prefix
/// with its last character raised by one code point (characters already at U+10FFFF
/// dropped first). `None` when no such string exists (all U+10FFFF, or empty).
fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // The next scalar value; after U+D7FF comes U+E000 (surrogates are not chars).
        let next = (u32::from(last) + 1..=0x10FFFF).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::prefix_successor;

    #[test]
    fn successors_bound_every_extension_of_the_prefix() {
        assert_eq!(prefix_successor("abc").as_deref(), Some("abd"));
        assert_eq!(prefix_successor("ab\u{10FFFF}").as_deref(), Some("ac"));
        assert_eq!(prefix_successor("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_successor("\u{10FFFF}\u{10FFFF}"), None);
        assert_eq!(prefix_successor(""), None);
        let upper = prefix_successor("abc").unwrap_or_default();
        for tag in ["abc", "abc\u{10FFFF}", "abc\u{10FFFF}zzz", "abcd"] {
            assert!(tag >= "abc" && tag < upper.as_str(), "{tag:?}");
        }
        assert!("abd" >= upper.as_str());
    }
}
