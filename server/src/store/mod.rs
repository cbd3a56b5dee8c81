//! The store boundary: every read and write of persistent state goes through [`Store`].
//!
//! Handlers and the command line call `Store` methods that speak in the project's types
//! (`shared` DTOs or the records defined here); no SQL, row type or `sqlx` error leaves
//! this module. The SQL is checked at run time (`sqlx::query_as`, not the compile-time
//! macros) and kept portable — `$n` placeholders, `BIGINT` milliseconds for time, `TEXT`
//! ids, no SQLite-only functions — so a PostgreSQL implementation can be added behind
//! the same methods without touching a handler.
//!
//! Every multi-row write is one transaction.

mod accounts;
mod listing;
mod settings;
mod streams;
mod throttle;
mod tokens;

pub use accounts::{ApiKeyRecord, Credentials, NewApiKey, SessionRecord};
pub use listing::ListFilter;
pub use streams::{NewGroup, NewMember, StreamChange, StreamRecord, TransitionEffects};
pub use throttle::FailureCounts;
pub use tokens::{NewToken, SigningKeyRecord};

use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// What can go wrong in the store, in terms a handler can map to an answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist (or belongs to another organisation).
    #[error("not found")]
    NotFound,
    /// A unique value is already taken; the string names what (e.g. "email").
    #[error("{0} is already taken")]
    Duplicate(&'static str),
    /// A rule of the data refused the change (e.g. removing the last admin).
    #[error("{0}")]
    Conflict(String),
    /// The database failed; details are logged, never shown.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The database held a value the code cannot read (a bug or manual edit).
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The handle every part of the server shares; cheap to clone (a pool inside).
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

/// Current time in the store's unit: milliseconds since the Unix epoch, UTC.
pub fn now_millis() -> i64 {
    Utc::now().timestamp_millis()
}

impl Store {
    /// Opens (creating when missing, with its folder) the database at `url` and brings
    /// its schema up to date.
    pub async fn open(url: &str) -> Result<Store, OpenError> {
        let sqlite_path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| OpenError::UnsupportedUrl(url.to_string()))?;
        let file = sqlite_path.split('?').next().unwrap_or_default();
        if file.is_empty() || file == ":memory:" {
            // An in-memory database would be private to each pooled connection.
            return Err(OpenError::UnsupportedUrl(url.to_string()));
        }
        if let Some(dir) = Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| OpenError::Folder(dir.display().to_string(), e))?;
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|_| OpenError::UnsupportedUrl(url.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options)
            .await
            .map_err(OpenError::Connect)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(OpenError::Migrate)?;
        Ok(Store { pool })
    }

    /// Refreshes the query planner's statistics (after bulk loads; cheap otherwise).
    pub async fn analyze(&self) -> StoreResult<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections in use (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL {0:?}: use sqlite://path/to/file.db")]
    UnsupportedUrl(String),
    #[error("cannot create the database folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("cannot open the database: {0}")]
    Connect(sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

/// Maps a unique-constraint violation to [`StoreError::Duplicate`], anything else to
/// [`StoreError::Database`].
fn unique_as(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Database(e),
    }
}
