//! The failed sign-in log behind login throttling.

use super::{Store, StoreResult};

/// Failed sign-ins counted over the throttling window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCounts {
    pub for_email: i64,
    pub from_addr: i64,
}

impl Store {
    /// Failures since `since` (ms) for this email key and from this client address.
    pub async fn login_failures(
        &self,
        email_key: &str,
        addr: &str,
        since: i64,
    ) -> StoreResult<FailureCounts> {
        let (for_email, from_addr): (i64, i64) = sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM login_failures WHERE email_key = $1 AND at > $3), \
               (SELECT COUNT(*) FROM login_failures WHERE addr = $2 AND at > $3)",
        )
        .bind(email_key)
        .bind(addr)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(FailureCounts {
            for_email,
            from_addr,
        })
    }

    /// Logs one failure at `at`, pruning entries older than `prune_before`.
    pub async fn record_login_failure(
        &self,
        email_key: &str,
        addr: &str,
        at: i64,
        prune_before: i64,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(prune_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO login_failures (email_key, addr, at) VALUES ($1, $2, $3)")
            .bind(email_key)
            .bind(addr)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets an email's failures after it signed in successfully.
    pub async fn clear_login_failures(&self, email_key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE email_key = $1")
            .bind(email_key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
