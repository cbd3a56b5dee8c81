//! Messages between the instances that share one PostgreSQL database (its
//! `LISTEN`/`NOTIFY`); on SQLite, which one process serves, there is no one to tell.

use super::{Pool, Store, StoreError, StoreResult};
use sqlx::postgres::PgListener;

/// The channel instances tell each other their events on.
const CHANNEL: &str = "castboard_events";

/// PostgreSQL refuses a payload of 8,000 bytes or more.
pub const MAX_PAYLOAD: usize = 7_999;

/// The messages other instances sent, as they arrive.
pub struct Notifications(PgListener);

impl Notifications {
    /// The next message. After a lost connection the listener connects again by itself;
    /// messages sent meanwhile are missed.
    pub async fn recv(&mut self) -> StoreResult<String> {
        Ok(self.0.recv().await?.payload().to_string())
    }
}

impl Store {
    /// Whether other instances may share this database (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Sends `payload` to every instance listening on the database (this one included);
    /// nothing on SQLite.
    pub async fn notify(&self, payload: &str) -> StoreResult<()> {
        if payload.len() > MAX_PAYLOAD {
            return Err(StoreError::Conflict(format!(
                "a message of {} bytes is over PostgreSQL's limit",
                payload.len()
            )));
        }
        if let Pool::Postgres(pool) = &self.pool {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Starts listening to the other instances; `None` on SQLite.
    pub async fn listen(&self) -> StoreResult<Option<Notifications>> {
        let Pool::Postgres(pool) = &self.pool else {
            return Ok(None);
        };
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(Notifications(listener)))
    }
}
