//! Leases on work that must run on exactly one instance at a time (see
//! `media::duty`): a row per kind of work names the instance holding it and until when.
//!
//! Time is the database's clock (PostgreSQL's `clock_timestamp()`; this process's on
//! SQLite, which one machine serves), so instances whose clocks drift apart still agree
//! on when a lease has expired.

use super::{now_millis, Pool, Store, StoreError, StoreResult};
use uuid::Uuid;

/// Who holds a lease, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The holding instance (a new id each time an instance starts).
    pub holder: Uuid,
    /// The URL the holder serves at (its own address, not the public one).
    pub holder_url: String,
    /// When it lapses unless renewed (ms since the Unix epoch, the database's clock).
    pub expires_at: i64,
}

impl Store {
    /// The database's clock, in ms since the Unix epoch.
    pub async fn database_now(&self) -> StoreResult<i64> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(now_millis()),
            Pool::Postgres(pool) => {
                let (now,): (i64,) = sqlx::query_as(
                    "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
                )
                .fetch_one(pool)
                .await?;
                Ok(now)
            }
        }
    }

    /// Takes the lease `name` for `holder` for `ttl_ms` from now, or renews it: taken
    /// when nobody holds it or the last holder's has expired. Answers whether `holder`
    /// holds it now (until now + `ttl_ms`).
    pub async fn hold_lease(
        &self,
        name: &str,
        holder: Uuid,
        holder_url: &str,
        ttl_ms: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let now = self.database_now().await?;
        let done = run!(
            tx,
            execute,
            sqlx::query(
                "INSERT INTO leases (name, holder, holder_url, expires_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
                 holder_url = excluded.holder_url, expires_at = excluded.expires_at \
                 WHERE leases.holder = excluded.holder OR leases.expires_at <= $5"
            )
            .bind(name)
            .bind(holder.to_string())
            .bind(holder_url)
            .bind(now.saturating_add(ttl_ms))
            .bind(now)
        )?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lease `name` up, if `holder` holds it, so another instance can take it
    /// at once.
    pub async fn release_lease(&self, name: &str, holder: Uuid) -> StoreResult<()> {
        let mut tx = self.write().await?;
        run!(
            tx,
            execute,
            sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
                .bind(name)
                .bind(holder.to_string())
        )?;
        tx.commit().await
    }

    /// Who holds the lease `name` now; `None` when nobody does or it has expired.
    pub async fn lease(&self, name: &str) -> StoreResult<Option<Lease>> {
        let now = self.database_now().await?;
        let row: Option<(String, String, i64)> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(
                "SELECT holder, holder_url, expires_at FROM leases \
                 WHERE name = $1 AND expires_at > $2"
            )
            .bind(name)
            .bind(now)
        )?;
        row.map(|(holder, holder_url, expires_at)| {
            Ok(Lease {
                holder: Uuid::parse_str(&holder)
                    .map_err(|_| StoreError::Corrupt(format!("lease holder {holder:?}")))?,
                holder_url,
                expires_at,
            })
        })
        .transpose()
    }
}
