//! Instance-wide settings kept in the database.

use super::{Store, StoreResult};

impl Store {
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let value: Option<(String,)> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as("SELECT value FROM settings WHERE key = $1").bind(key)
        )?;
        Ok(value.map(|(v,)| v))
    }

    /// The stored value, or `make()`'s, stored first. Safe when several processes race:
    /// whichever insert wins is the value everyone reads back.
    pub async fn setting_or_insert(
        &self,
        key: &str,
        make: impl FnOnce() -> String,
    ) -> StoreResult<String> {
        if let Some(v) = self.setting(key).await? {
            return Ok(v);
        }
        run!(
            self.pool,
            execute,
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(make())
        )?;
        let (value,): (String,) = run!(
            self.pool,
            fetch_one,
            sqlx::query_as("SELECT value FROM settings WHERE key = $1").bind(key)
        )?;
        Ok(value)
    }
}
