//! The store boundary: every read and write of persistent state goes through [`Store`].
//!
//! Handlers and the command line call `Store` methods that speak in the project's types
//! (`shared` DTOs or the records defined here); no SQL, row type or `sqlx` error leaves
//! this module. Two backends sit behind it: an embedded SQLite file (the default) and
//! PostgreSQL (`postgres://…`). Each query is written once, as one SQL text that both
//! understand (`$n` placeholders, `BIGINT` milliseconds for time, `TEXT` ids, byte-order
//! text), and [`run!`] compiles it for each backend's native driver; each backend has its
//! own migrations (server/migrations/{sqlite,postgres}), held equal by a test.
//!
//! Every multi-row write is one transaction, begun with [`Store::write`], and write
//! transactions take turns: the writers of this process queue in order, then each takes
//! the database's one write lock before its first read (SQLite: `BEGIN IMMEDIATE`, waiting
//! for another process up to the busy timeout; PostgreSQL: a transaction-scoped advisory
//! lock, which every instance on the database shares). So concurrent writers queue
//! instead of failing, and a rule checked inside the transaction (the last admin, a
//! group's members, a tag's count) still holds when it commits, whichever instance the
//! writers came through. Reads never wait for writers.
//!
//! Storage failures are told apart ([`StoreError::StorageFull`], [`StoreError::ReadOnly`])
//! so callers can say what is wrong, and a SQLite connection that a failure left inside a
//! transaction SQLite still holds open is closed, never reused (see [`released_clean`]).

/// Runs `$body` with `$db` bound to the executor of whichever backend `$on` (a [`Pool`]
/// or a [`WriteTx`]) runs on: the body is written once and compiled for each.
macro_rules! on {
    ($on:expr, $db:ident => $body:expr) => {
        match $on.on() {
            $crate::store::On::Sqlite($db) => $body,
            $crate::store::On::Postgres($db) => $body,
        }
    };
}

/// Runs one query (`execute`, `fetch_one`, `fetch_optional` or `fetch_all`) on `$on`'s
/// backend. `execute` answers a [`Done`], the same for both.
macro_rules! run {
    ($on:expr, execute, $q:expr) => {
        on!($on, db => $q.execute(db).await.map(|r| $crate::store::Done(r.rows_affected())))
    };
    ($on:expr, $method:ident, $q:expr) => {
        on!($on, db => $q.$method(db).await)
    };
}

mod accounts;
mod copy;
mod ingest_log;
mod leases;
mod listing;
mod notify;
mod settings;
mod streams;
mod throttle;
mod tokens;

pub use accounts::{ApiKeyRecord, Credentials, NewApiKey, SessionRecord};
pub use copy::{CopiedTable, CopyReport};
pub use ingest_log::{IngestLogFilter, IngestRetention, LoggedAttempt, NewIngestAttempt};
pub use leases::Lease;
pub use listing::ListFilter;
pub use notify::Notifications;
pub use streams::{NewGroup, NewMember, StreamChange, StreamRecord, TransitionEffects};
pub use throttle::{LoginAttempt, LoginLimits};
pub use tokens::{NewToken, SigningKeyRecord};

use chrono::Utc;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Postgres, Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

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
    /// The disk (or the database's size limit) is full: the change was not written.
    #[error("storage full: {0}")]
    StorageFull(sqlx::Error),
    /// The database cannot be written (read-only file or file system).
    #[error("storage read-only: {0}")]
    ReadOnly(sqlx::Error),
    /// The database failed; details are logged, never shown.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database held a value the code cannot read (a bug or manual edit).
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// SQLite's primary result codes that name a storage condition (the low byte of the
/// extended code sqlx reports).
const SQLITE_READONLY: i64 = 8;
const SQLITE_FULL: i64 = 13;
/// PostgreSQL's SQLSTATEs for the same: `disk_full`, and `read_only_sql_transaction` (a
/// standby, or `default_transaction_read_only`).
const PG_DISK_FULL: &str = "53100";
const PG_READ_ONLY: &str = "25006";

/// The storage condition a database error names, if any.
enum Storage {
    Full,
    ReadOnly,
}

fn storage_condition(e: &sqlx::Error) -> Option<Storage> {
    let sqlx::Error::Database(db) = e else {
        return None;
    };
    if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
        return match pg.code() {
            PG_DISK_FULL => Some(Storage::Full),
            PG_READ_ONLY => Some(Storage::ReadOnly),
            _ => None,
        };
    }
    match db.code()?.parse::<i64>().ok()? & 0xff {
        SQLITE_FULL => Some(Storage::Full),
        SQLITE_READONLY => Some(Storage::ReadOnly),
        _ => None,
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        match storage_condition(&e) {
            Some(Storage::Full) => StoreError::StorageFull(e),
            Some(Storage::ReadOnly) => StoreError::ReadOnly(e),
            None => StoreError::Database(e),
        }
    }
}

/// The handle every part of the server shares; cheap to clone (a pool inside).
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// The turn of this process's write transactions (a fair, first-come queue).
    writer: Arc<Mutex<()>>,
}

/// The connections of one backend.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One value per backend: what [`run!`] runs a query on.
pub(crate) enum On<S, P> {
    Sqlite(S),
    Postgres(P),
}

impl Pool {
    pub(crate) fn on(&self) -> On<&SqlitePool, &PgPool> {
        match self {
            Pool::Sqlite(p) => On::Sqlite(p),
            Pool::Postgres(p) => On::Postgres(p),
        }
    }
}

/// What a write statement did, the same on both backends.
pub(crate) struct Done(pub(crate) u64);

impl Done {
    pub(crate) fn rows_affected(&self) -> u64 {
        self.0
    }
}

/// The key of the advisory lock that PostgreSQL write transactions take first: one
/// writer at a time on the database, as SQLite has ("cast" in ASCII).
const PG_WRITE_LOCK: i64 = 0x6361_7374;

/// A write transaction holding this process's writer turn and the database's write lock
/// until it ends.
pub(crate) struct WriteTx {
    tx: Tx,
    _turn: OwnedMutexGuard<()>,
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl WriteTx {
    pub(crate) fn on(&mut self) -> On<&mut SqliteConnection, &mut PgConnection> {
        match &mut self.tx {
            Tx::Sqlite(tx) => On::Sqlite(&mut **tx),
            Tx::Postgres(tx) => On::Postgres(&mut **tx),
        }
    }

    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub(crate) async fn rollback(self) -> StoreResult<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// A bound value of a dynamically built query.
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

/// `q` with `binds` bound in order, on either backend.
pub(crate) fn bind_all<'q, DB, O>(
    mut q: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    q
}

/// Current time in the store's unit: milliseconds since the Unix epoch, UTC.
pub fn now_millis() -> i64 {
    Utc::now().timestamp_millis()
}

impl Store {
    /// Opens the database at `url` (`sqlite://path/to/file.db`, created when missing with
    /// its folder, or `postgres://…`, which must exist) and brings its schema up to date.
    /// On PostgreSQL the migrations hold a lock on the database while they run, so of
    /// several instances starting at once one migrates and the others wait for it.
    pub async fn open(url: &str) -> Result<Store, OpenError> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            open_postgres(url).await?
        } else {
            open_sqlite(url).await?
        };
        Ok(Store {
            pool,
            writer: Arc::new(Mutex::new(())),
        })
    }

    /// Which backend the store runs on: `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Begins a write transaction: waits for this process's writer turn, then holds the
    /// database's write lock from its first statement.
    async fn write(&self) -> StoreResult<WriteTx> {
        let turn = self.writer.clone().lock_owned().await;
        let tx = match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(PG_WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        };
        Ok(WriteTx { tx, _turn: turn })
    }

    /// Refreshes the query planner's statistics (after bulk loads; cheap otherwise).
    pub async fn analyze(&self) -> StoreResult<()> {
        run!(self.pool, execute, sqlx::query("ANALYZE"))?;
        Ok(())
    }

    /// Closes the pool, waiting for connections in use (graceful shutdown).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

async fn open_sqlite(url: &str) -> Result<Pool, OpenError> {
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
        .after_release(|conn, _| Box::pin(released_clean(conn)))
        .connect_with(options)
        .await
        .map_err(OpenError::Connect)?;
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .map_err(OpenError::Migrate)?;
    Ok(Pool::Sqlite(pool))
}

/// Connections per instance on PostgreSQL: reads run in parallel there, and the server's
/// default `max_connections` (100) leaves room for several instances.
const PG_CONNECTIONS: u32 = 16;

async fn open_postgres(url: &str) -> Result<Pool, OpenError> {
    let options =
        PgConnectOptions::from_str(url).map_err(|_| OpenError::UnsupportedUrl(url.to_string()))?;
    let pool = PgPoolOptions::new()
        .max_connections(PG_CONNECTIONS)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(OpenError::Connect)?;
    let migrator = sqlx::migrate!("./migrations/postgres");
    // A read-only database (a standby, `default_transaction_read_only`) cannot record
    // migrations, as a read-only SQLite file can when none is due: it opens when its
    // schema is current, and serves reads.
    let (read_only,): (String,) = sqlx::query_as("SHOW transaction_read_only")
        .fetch_one(&pool)
        .await
        .map_err(OpenError::Connect)?;
    if read_only == "on" {
        let latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        // No migrations table at all reads as none applied.
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&pool)
                .await
                .unwrap_or(None);
        let applied = applied.unwrap_or(0);
        if applied != latest {
            return Err(OpenError::ReadOnlyOutdated { applied, latest });
        }
    } else {
        migrator.run(&pool).await.map_err(OpenError::Migrate)?;
    }
    Ok(Pool::Postgres(pool))
}

/// Whether a connection coming back to the pool is outside any transaction, so it may be
/// reused (`Ok(false)` closes it, which rolls back whatever SQLite still holds open).
///
/// A failed statement or `COMMIT` (disk full, I/O error) may or may not end SQLite's
/// transaction, and sqlx's own count of open transactions can then disagree with SQLite's.
/// A connection left that way would run later "transactions" as savepoints inside the
/// dead one: acknowledged, visible to that connection alone, lost on restart. SQLite
/// refuses `BEGIN` inside a transaction, which makes the check exact; it runs after the
/// rollback that dropping a transaction queues, so it sees the state that rollback left.
async fn released_clean(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    if let Err(e) = sqlx::Executor::execute(&mut *conn, "BEGIN; ROLLBACK").await {
        tracing::warn!(error = %e, "a database connection was left inside a transaction; closing it");
        return Ok(false);
    }
    // sqlx counts a transaction that SQLite already ended: its next one would be a savepoint.
    if conn.is_in_transaction() {
        tracing::warn!("a database connection's transaction count is off; closing it");
        return Ok(false);
    }
    Ok(true)
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL {0:?}: use sqlite://path/to/file.db or postgres://user@host/database")]
    UnsupportedUrl(String),
    #[error("cannot create the database folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("cannot open the database: {0}")]
    Connect(sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    #[error(
        "the database is read-only and its schema is at migration {applied}, not {latest}: \
         start an instance on the writable database first"
    )]
    ReadOnlyOutdated { applied: i64, latest: i64 },
}

/// Maps a unique-constraint violation to [`StoreError::Duplicate`], anything else to
/// [`StoreError::Database`].
fn unique_as(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(what),
        _ => e.into(),
    }
}

#[cfg(test)]
mod migration_tests {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;

    /// A new database in a temporary folder, migrated up to the migration before
    /// `version`, with every migration to run the rest.
    async fn migrated_before(
        version: i64,
    ) -> (tempfile::TempDir, sqlx::SqlitePool, sqlx::migrate::Migrator) {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}/m.db", dir.path().display());
        let options = SqliteConnectOptions::from_str(&url)
            .expect("url")
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("opens");
        let all = sqlx::migrate!("./migrations/sqlite");
        let mut before = sqlx::migrate!("./migrations/sqlite");
        before.migrations = all
            .migrations
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        before.run(&pool).await.expect("migrated to the one before");
        (dir, pool, all)
    }

    /// API keys that shared a name before names became unique keep it on the oldest and
    /// get their place appended on the others, per organisation and without case.
    #[tokio::test]
    async fn keys_sharing_a_name_are_told_apart_before_names_become_unique() {
        let (_dir, pool, all) = migrated_before(9).await;
        for org in ["o1", "o2"] {
            sqlx::query(
                "INSERT INTO organisations (id, name, hash, created_at) VALUES ($1, $1, $1, 0)",
            )
            .bind(org)
            .execute(&pool)
            .await
            .expect("org");
        }
        // (id, org, name, created_at)
        for (id, org, name, at) in [
            ("k1", "o1", "deploy", 10),
            ("k2", "o1", "Deploy", 20),
            ("k3", "o1", "deploy", 30),
            ("k4", "o1", "ci", 40),
            ("k5", "o2", "deploy", 5),
        ] {
            sqlx::query(
                "INSERT INTO api_keys (id, org_id, name, role, prefix, secret_hash, created_at) \
                 VALUES ($1, $2, $3, 'user', 'cb_x', $1, $4)",
            )
            .bind(id)
            .bind(org)
            .bind(name)
            .bind(at)
            .execute(&pool)
            .await
            .expect("key");
        }
        all.run(&pool).await.expect("migrated");
        let names: Vec<(String, String)> =
            sqlx::query_as("SELECT id, name FROM api_keys ORDER BY id")
                .fetch_all(&pool)
                .await
                .expect("read");
        let names: Vec<(&str, &str)> = names
            .iter()
            .map(|(i, n)| (i.as_str(), n.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("k1", "deploy"),
                ("k2", "Deploy (2)"),
                ("k3", "deploy (3)"),
                ("k4", "ci"),
                ("k5", "deploy"),
            ]
        );
        let again = sqlx::query(
            "INSERT INTO api_keys (id, org_id, name, role, prefix, secret_hash, created_at) \
             VALUES ('k6', 'o1', 'CI', 'user', 'cb_x', 'k6', 50)",
        )
        .execute(&pool)
        .await;
        assert!(
            matches!(&again, Err(sqlx::Error::Database(db)) if db.is_unique_violation()),
            "{again:?}"
        );
    }

    /// Tokens recorded before the group index existed are found by their group, read
    /// from their stored claims; tokens of other scopes have none; the listing's query
    /// walks the index.
    #[tokio::test]
    async fn tokens_recorded_before_the_group_index_are_found_by_their_group() {
        let (_dir, pool, all) = migrated_before(10).await;
        sqlx::query(
            "INSERT INTO organisations (id, name, hash, created_at) VALUES ('o1', 'o1', 'o1', 0)",
        )
        .execute(&pool)
        .await
        .expect("org");
        let group = "7c1e0000-0000-4000-8000-00000000000a";
        for (id, claims) in [
            ("t1", format!(r#"{{"grp":"{group}","exp":1}}"#)),
            ("t2", r#"{"orgwide":true,"exp":1}"#.to_string()),
            ("t3", r#"{"streams":["Ab3De-x1y2z"],"exp":1}"#.to_string()),
        ] {
            sqlx::query(
                "INSERT INTO playback_tokens \
                 (id, org_id, kid, issued_at, not_before, expires_at, revocable, issued_by, claims) \
                 VALUES ($1, 'o1', 'k', 0, 0, 1000, FALSE, 'a', $2)",
            )
            .bind(id)
            .bind(claims)
            .execute(&pool)
            .await
            .expect("token");
        }
        all.run(&pool).await.expect("migrated");
        let groups: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT id, group_id FROM playback_tokens ORDER BY id")
                .fetch_all(&pool)
                .await
                .expect("read");
        assert_eq!(
            groups,
            vec![
                ("t1".to_string(), Some(group.to_string())),
                ("t2".to_string(), None),
                ("t3".to_string(), None),
            ]
        );
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "EXPLAIN QUERY PLAN SELECT id FROM playback_tokens \
             WHERE org_id = 'o1' AND group_id = $1 ORDER BY issued_at DESC, id DESC",
        )
        .bind(group)
        .fetch_all(&pool)
        .await
        .expect("plan");
        let steps: Vec<&str> = plan.iter().map(|p| p.3.as_str()).collect();
        assert_eq!(
            steps,
            ["SEARCH playback_tokens USING INDEX playback_tokens_by_group (org_id=? AND group_id=?)"]
        );
    }
}
