//! The sign-in attempt log behind login throttling.
//!
//! An attempt is counted before its password is checked: [`Store::begin_login_attempt`]
//! checks the counts and logs the attempt in one write transaction, so any number of
//! parallel attempts are counted exactly. A successful attempt is forgotten together with
//! its pair's earlier failures ([`Store::login_succeeded`]); one that was never checked
//! (the server was too busy) is forgotten alone ([`Store::forget_login_attempt`]).

use super::{Store, StoreError, StoreResult};
use uuid::Uuid;

/// How many failures are allowed over what window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// The sliding window, in ms.
    pub window_ms: i64,
    /// Failures for one email from one client address.
    pub per_pair: i64,
    /// Failures from one client address, whatever the email.
    pub per_addr: i64,
}

/// What became of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginAttempt {
    /// Counted; check the password, then report the outcome with this id.
    Allowed(Uuid),
    /// Over a limit: refused without checking, for this long (ms, at least 1).
    Refused { retry_after_ms: i64 },
}

impl Store {
    /// Refuses the attempt when the pair or the address has reached its limit within the
    /// window, else logs it (as a failure until told otherwise). Prunes expired entries.
    pub async fn begin_login_attempt(
        &self,
        email_key: &str,
        addr: &str,
        now: i64,
        limits: LoginLimits,
    ) -> StoreResult<LoginAttempt> {
        let since = now - limits.window_ms;
        let mut tx = self.write().await?;
        run!(
            tx,
            execute,
            sqlx::query("DELETE FROM login_attempts WHERE at <= $1").bind(since)
        )?;
        let pair: Vec<(i64,)> = run!(
            tx,
            fetch_all,
            sqlx::query_as(
                "SELECT at FROM login_attempts WHERE email_key = $1 AND addr = $2 ORDER BY at",
            )
            .bind(email_key)
            .bind(addr)
        )?;
        let from_addr: Vec<(i64,)> = run!(
            tx,
            fetch_all,
            sqlx::query_as("SELECT at FROM login_attempts WHERE addr = $1 ORDER BY at").bind(addr)
        )?;
        let wait = [
            freed_at(&pair, limits.per_pair),
            freed_at(&from_addr, limits.per_addr),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(freed) = wait {
            // Nothing written: the refusal does not extend the wait.
            tx.rollback().await?;
            return Ok(LoginAttempt::Refused {
                retry_after_ms: (freed + limits.window_ms - now).max(1),
            });
        }
        let id = Uuid::new_v4();
        run!(
            tx,
            execute,
            sqlx::query(
                "INSERT INTO login_attempts (id, email_key, addr, at) VALUES ($1, $2, $3, $4)"
            )
            .bind(id.to_string())
            .bind(email_key)
            .bind(addr)
            .bind(now)
        )?;
        tx.commit().await?;
        Ok(LoginAttempt::Allowed(id))
    }

    /// The attempt signed in: it and the pair's earlier failures are forgotten.
    pub async fn login_succeeded(&self, email_key: &str, addr: &str) -> StoreResult<()> {
        run!(
            self.pool,
            execute,
            sqlx::query("DELETE FROM login_attempts WHERE email_key = $1 AND addr = $2")
                .bind(email_key)
                .bind(addr)
        )?;
        Ok(())
    }

    /// The attempt was never checked: it does not count.
    pub async fn forget_login_attempt(&self, id: Uuid) -> StoreResult<()> {
        run!(
            self.pool,
            execute,
            sqlx::query("DELETE FROM login_attempts WHERE id = $1").bind(id.to_string())
        )?;
        Ok(())
    }

    /// How many failures are logged for the pair and from the address since `since`.
    pub async fn login_failure_counts(
        &self,
        email_key: &str,
        addr: &str,
        since: i64,
    ) -> StoreResult<(i64, i64)> {
        let counts: (i64, i64) = run!(self.pool, fetch_one, sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM login_attempts WHERE email_key = $1 AND addr = $2 AND at > $3), \
               (SELECT COUNT(*) FROM login_attempts WHERE addr = $2 AND at > $3)",
        )
        .bind(email_key)
        .bind(addr)
        .bind(since))
        .map_err(StoreError::from)?;
        Ok(counts)
    }
}

/// When a list of attempt times (oldest first, all inside the window) at or over `limit`
/// drops back under it: the time of the entry whose expiry makes room for one more.
fn freed_at(times: &[(i64,)], limit: i64) -> Option<i64> {
    let count = i64::try_from(times.len()).unwrap_or(i64::MAX);
    if count < limit {
        return None;
    }
    let k = usize::try_from(count - limit).unwrap_or(0);
    times.get(k).map(|t| t.0)
}

#[cfg(test)]
mod tests {
    use super::freed_at;

    #[test]
    fn room_comes_when_enough_of_the_oldest_attempts_expire() {
        assert_eq!(freed_at(&[(1,), (2,)], 3), None);
        assert_eq!(freed_at(&[(1,), (2,), (3,)], 3), Some(1));
        // Five logged, limit three: three must expire before a fourth fits.
        assert_eq!(freed_at(&[(1,), (2,), (3,), (4,), (5,)], 3), Some(3));
    }
}
