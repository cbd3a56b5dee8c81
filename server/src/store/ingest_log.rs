//! The ingest log: publish attempts per organisation, bounded by its retention.
//!
//! [`Store::log_ingest_attempt`] inserts and prunes in one write transaction, so the log
//! of an organisation never holds more than [`IngestRetention::keep`] attempts, however
//! many publishes arrive at once; reads leave out what is older than the retention's age
//! even before an insert prunes it.

use super::{bind_all, now_millis, Bind, Store, StoreError, StoreResult};
use shared::model::{IngestAttempt, IngestOutcome, IngestRefusal};
use shared::Timestamp;
use uuid::Uuid;

/// How much of an organisation's log is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestRetention {
    /// The newest this many attempts.
    pub keep: u32,
    /// None older than this, in ms.
    pub max_age_ms: i64,
}

impl Default for IngestRetention {
    /// The product's figures: `shared::model::INGEST_LOG_KEEP` and `INGEST_LOG_DAYS`.
    fn default() -> Self {
        IngestRetention {
            keep: shared::model::INGEST_LOG_KEEP,
            max_age_ms: i64::from(shared::model::INGEST_LOG_DAYS) * 24 * 3600 * 1000,
        }
    }
}

/// An attempt to log.
#[derive(Debug, Clone)]
pub struct NewIngestAttempt<'a> {
    pub org_id: Uuid,
    /// The named stream's group and the stream; `None` for an unknown name.
    pub group_id: Option<Uuid>,
    pub stream_id: Option<Uuid>,
    /// `None`: accepted.
    pub refusal: Option<IngestRefusal>,
    pub client_addr: Option<&'a str>,
    pub encoder: Option<&'a str>,
    pub streamname: &'a str,
}

/// A logged attempt, to correct its outcome ([`Store::refuse_logged_attempt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedAttempt(i64);

/// Which attempts a read wants.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestLogFilter {
    /// One group's attempts; the whole organisation's when `None`.
    pub group_id: Option<Uuid>,
    pub outcome: Option<IngestOutcome>,
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    at: i64,
    reason: Option<String>,
    client_addr: Option<String>,
    encoder: Option<String>,
    streamname: String,
    stream_id: Option<String>,
}

impl TryFrom<AttemptRow> for IngestAttempt {
    type Error = StoreError;
    fn try_from(r: AttemptRow) -> StoreResult<IngestAttempt> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("ingest log {what}"));
        let reason = r
            .reason
            .map(|s| s.parse::<IngestRefusal>())
            .transpose()
            .map_err(|_| corrupt("reason"))?;
        let stream_id = r
            .stream_id
            .map(|s| Uuid::parse_str(&s))
            .transpose()
            .map_err(|_| corrupt("stream id"))?;
        let at = Timestamp::from_millis(r.at).ok_or_else(|| corrupt("time"))?;
        Ok(IngestAttempt::new(
            at,
            reason,
            r.client_addr,
            r.encoder,
            r.streamname,
            stream_id,
        ))
    }
}

/// The WHERE clause of a read: `$1` the organisation, `$2` the oldest time shown, then
/// the group when one is wanted (`$3`).
fn condition(filter: &IngestLogFilter) -> String {
    let mut sql = String::from("org_id = $1 AND at >= $2");
    if filter.group_id.is_some() {
        sql.push_str(" AND group_id = $3");
    }
    match filter.outcome {
        Some(IngestOutcome::Accepted) => sql.push_str(" AND reason IS NULL"),
        Some(IngestOutcome::Refused) => sql.push_str(" AND reason IS NOT NULL"),
        None => {}
    }
    sql
}

impl Store {
    /// Logs an attempt at the current time and prunes the organisation's log to
    /// `retention`, in one write transaction.
    pub async fn log_ingest_attempt(
        &self,
        attempt: NewIngestAttempt<'_>,
        retention: IngestRetention,
    ) -> StoreResult<LoggedAttempt> {
        let org = attempt.org_id.to_string();
        let mut tx = self.write().await?;
        let now = now_millis();
        let (seq,): (i64,) = run!(tx, fetch_one, sqlx::query_as(
            "INSERT INTO ingest_log (org_id, group_id, stream_id, at, reason, client_addr, encoder, streamname) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
        )
        .bind(&org)
        .bind(attempt.group_id.map(|id| id.to_string()))
        .bind(attempt.stream_id.map(|id| id.to_string()))
        .bind(now)
        .bind(attempt.refusal.map(IngestRefusal::as_str))
        .bind(attempt.client_addr)
        .bind(attempt.encoder)
        .bind(attempt.streamname))?;
        // Everything older than the retention's age, and everything from the keep-th
        // newest down (both by index range of the organisation).
        run!(
            tx,
            execute,
            sqlx::query(
                "DELETE FROM ingest_log WHERE org_id = $1 AND (at < $2 OR seq <= \
               (SELECT seq FROM ingest_log WHERE org_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET $3))",
            )
            .bind(&org)
            .bind(now - retention.max_age_ms)
            .bind(i64::from(retention.keep))
        )?;
        tx.commit().await?;
        Ok(LoggedAttempt(seq))
    }

    /// Marks a logged attempt refused after all (a publish logged as accepted before its
    /// stream moved, which then could not move). Nothing when it has been pruned since.
    pub async fn refuse_logged_attempt(
        &self,
        attempt: LoggedAttempt,
        refusal: IngestRefusal,
    ) -> StoreResult<()> {
        run!(
            self.pool,
            execute,
            sqlx::query("UPDATE ingest_log SET reason = $1 WHERE seq = $2")
                .bind(refusal.as_str())
                .bind(attempt.0)
        )?;
        Ok(())
    }

    /// A page of the organisation's (or one group's) attempts, newest first, and how many
    /// there are; none older than `retention` allows.
    pub async fn ingest_log(
        &self,
        org_id: Uuid,
        filter: IngestLogFilter,
        retention: IngestRetention,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(Vec<IngestAttempt>, u64)> {
        let since = now_millis() - retention.max_age_ms;
        let cond = condition(&filter);
        let org = org_id.to_string();
        let group = filter.group_id.map(|g| g.to_string());
        let (limit_at, offset_at) = if group.is_some() { (4, 5) } else { (3, 4) };
        let rows_sql = format!(
            "SELECT at, reason, client_addr, encoder, streamname, stream_id FROM ingest_log \
             WHERE {cond} ORDER BY seq DESC LIMIT ${limit_at} OFFSET ${offset_at}"
        );
        let mut binds = vec![Bind::Text(org), Bind::Int(since)];
        binds.extend(group.map(Bind::Text));
        let conditions = binds.len();
        binds.push(Bind::Int(i64::from(limit)));
        binds.push(Bind::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
        let rows: Vec<AttemptRow> = run!(
            self.pool,
            fetch_all,
            bind_all(sqlx::query_as(&rows_sql), &binds)
        )?;
        let count_sql = format!("SELECT COUNT(*) FROM ingest_log WHERE {cond}");
        let (total,): (i64,) = run!(
            self.pool,
            fetch_one,
            bind_all(sqlx::query_as(&count_sql), &binds[..conditions])
        )?;
        let items = rows
            .into_iter()
            .map(IngestAttempt::try_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::{condition, IngestLogFilter};
    use shared::model::IngestOutcome;

    #[test]
    fn reads_narrow_by_group_and_outcome() {
        assert_eq!(
            condition(&IngestLogFilter::default()),
            "org_id = $1 AND at >= $2"
        );
        let one = IngestLogFilter {
            group_id: Some(uuid::Uuid::nil()),
            outcome: Some(IngestOutcome::Refused),
        };
        assert_eq!(
            condition(&one),
            "org_id = $1 AND at >= $2 AND group_id = $3 AND reason IS NOT NULL"
        );
    }
}
