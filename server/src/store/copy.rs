//! Copying a whole database into another store ([`Store::copy_into`]): every table, parents
//! before the tables whose foreign keys point at them, as one transaction on the target.
//! What moves an instance from SQLite to PostgreSQL when it outgrows one machine (or back).
//!
//! The tables and columns are read from the two databases' own catalogs (SQLite's
//! `pragma_table_xinfo` and `pragma_foreign_key_list`, PostgreSQL's `information_schema`
//! and `pg_constraint`), not from a list kept here: a table a new migration adds is copied
//! without a change to this file, and two schemas that do not match stop the copy before
//! anything is written. Migrations bookkeeping (`_sqlx_migrations`) is not copied: each
//! store migrates itself when it opens; nor are the leases of single-run work, which
//! belong to the instances running on a database, not to its data.
//!
//! What differs between the two schemas, and how the copy bridges it:
//! - generated columns (`playback_tokens.group_id`: VIRTUAL on SQLite, STORED on
//!   PostgreSQL) are not written; the target computes them;
//! - SQLite's INTEGER and BIGINT and PostgreSQL's BIGINT are all read and written as i64,
//!   and flags as booleans (SQLite keeps them as 0/1);
//! - PostgreSQL's identity and serial columns (`ingest_log.seq`) get their values copied,
//!   then their sequences set past the largest, so the next row numbers on from there
//!   (SQLite's INTEGER PRIMARY KEY does so by itself).
//!
//! Rows go to PostgreSQL by `COPY … FROM STDIN` (text format, one per table), to SQLite
//! by multi-row INSERTs; the source is read in one snapshot (a read transaction), so a
//! server may keep running on it meanwhile.

use super::{On, Pool, Store, StoreError, StoreResult, WriteTx};
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnection, PgCopyIn};
use sqlx::sqlite::SqliteConnection;
use sqlx::{ColumnIndex, Decode, PgPool, Postgres, Row, Sqlite, SqlitePool, Transaction, Type};
use std::collections::{BTreeMap, BTreeSet};

/// The migrations bookkeeping of sqlx, which each store keeps for itself.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// The leases of single-run work, which belong to the instances running on a database
/// now, not to its data (see `leases`).
const LEASES_TABLE: &str = "leases";

/// Bytes of COPY data gathered before they are sent to PostgreSQL.
const COPY_CHUNK: usize = 1 << 20;

/// Values bound by one INSERT on SQLite: under its limit on a statement's variables
/// (32,766 since SQLite 3.32; the bundled SQLite is newer).
const SQLITE_BINDS: usize = 30_000;

/// At most this many rows in one INSERT on SQLite, however few the columns.
const SQLITE_ROWS: usize = 1_000;

/// What [`Store::copy_into`] wrote: each table's rows, in the order the tables were copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<CopiedTable>,
}

/// One table of a [`CopyReport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedTable {
    pub table: String,
    pub rows: u64,
}

impl CopyReport {
    /// Rows copied in all.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

impl Store {
    /// Copies every row of this database into `target`, whose schema is the same (both
    /// stores were opened, and so migrated, by this build), with the same ids and values,
    /// so the target answers every request as this database does.
    ///
    /// Refuses ([`StoreError::Conflict`], nothing written) a target that holds any
    /// organisation. Rows of a target without organisations that belong to none (instance
    /// settings such as a generated ingest secret, sign-in attempts) are replaced by this
    /// database's. The whole copy is one write transaction on the target (SQLite and
    /// PostgreSQL alike): it lands whole or not at all, and the target's other writers
    /// wait for it. The target's planner statistics are refreshed afterwards (SQLite:
    /// `ANALYZE`; PostgreSQL: `VACUUM (FREEZE)` then `VACUUM (ANALYZE)`, which also mark
    /// the new rows frozen and all-visible, so index-only scans read no table page and no
    /// later vacuum has to rewrite them).
    pub async fn copy_into(&self, target: &Store) -> StoreResult<CopyReport> {
        let mut tx = target.write().await?;
        let (orgs,): (i64,) = run!(
            tx,
            fetch_one,
            sqlx::query_as("SELECT COUNT(*) FROM organisations")
        )?;
        if orgs > 0 {
            tx.rollback().await?;
            let what = if orgs == 1 {
                "1 organisation".to_string()
            } else {
                format!("{orgs} organisations")
            };
            return Err(StoreError::Conflict(format!(
                "the target database already holds {what}: a copy goes only into a database \
                 without any (nothing was written)"
            )));
        }
        let source_schema = Schema::read(&self.pool).await?;
        let target_schema = Schema::read(&target.pool).await?;
        let tables = plan(&source_schema, &target_schema)?;
        for table in tables.iter().rev() {
            let delete = format!("DELETE FROM {}", quoted(&table.name));
            run!(tx, execute, sqlx::query(&delete))?;
        }
        let mut snapshot = Snapshot::begin(&self.pool).await?;
        let mut report = CopyReport { tables: Vec::new() };
        for table in &tables {
            let rows = copy_table(&mut snapshot, &mut tx, table).await?;
            tracing::info!(table = %table.name, rows, "copied");
            report.tables.push(CopiedTable {
                table: table.name.clone(),
                rows,
            });
        }
        if let On::Postgres(conn) = tx.on() {
            // Whatever the server's setting, the copy is on disk when it is reported done;
            // and VACUUM marks rows all-visible only once their commit is flushed.
            sqlx::query("SET LOCAL synchronous_commit = on")
                .execute(&mut *conn)
                .await?;
            for table in &tables {
                for column in table.columns.iter().filter(|c| c.numbered) {
                    set_sequence(conn, &table.name, &column.name).await?;
                }
            }
        }
        tx.commit().await?;
        snapshot.end().await?;
        target.refresh_after_load().await?;
        Ok(report)
    }

    /// Brings the planner's view up to date after a bulk load (see [`Store::copy_into`]).
    async fn refresh_after_load(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
            Pool::Postgres(pool) => {
                // The foreign keys' checks locked the rows they found (a lock-only xmax),
                // which keeps the first pass from marking their pages all-visible: it
                // freezes them, and the second marks them (and reads the statistics).
                for pass in ["VACUUM (FREEZE)", "VACUUM (ANALYZE)"] {
                    sqlx::query(pass).execute(pool).await?;
                }
            }
        }
        Ok(())
    }
}

/// How a column's values are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    Bool,
}

impl Kind {
    /// The kind of a column SQLite declares with `declared` (as the migrations write it).
    fn of_sqlite(declared: &str) -> Option<Kind> {
        match declared.to_ascii_uppercase().as_str() {
            "TEXT" => Some(Kind::Text),
            "INTEGER" | "BIGINT" => Some(Kind::Int),
            "BOOLEAN" => Some(Kind::Bool),
            _ => None,
        }
    }

    /// The kind of a PostgreSQL column of `data_type` (as `information_schema` names it).
    fn of_postgres(data_type: &str) -> Option<Kind> {
        match data_type {
            "text" => Some(Kind::Text),
            "bigint" => Some(Kind::Int),
            "boolean" => Some(Kind::Bool),
            _ => None,
        }
    }
}

/// A stored (not generated) column.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    /// `Err(type)`: a type the copy does not know, refused if the table is copied.
    kind: Result<Kind, String>,
    /// PostgreSQL numbers it from a sequence (identity or serial), to be set after the copy.
    numbered: bool,
}

/// A database's tables (stored columns in order) and foreign keys (child, parent).
struct Schema {
    tables: BTreeMap<String, Vec<Column>>,
    references: Vec<(String, String)>,
}

impl Schema {
    async fn read(pool: &Pool) -> StoreResult<Schema> {
        match pool {
            Pool::Sqlite(pool) => Schema::of_sqlite(pool).await,
            Pool::Postgres(pool) => Schema::of_postgres(pool).await,
        }
    }

    async fn of_sqlite(pool: &SqlitePool) -> StoreResult<Schema> {
        // `hidden`: 0 a stored column, 2 and 3 generated (VIRTUAL, STORED) ones.
        let columns: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT m.name, p.name, p.type, p.hidden \
             FROM sqlite_master AS m JOIN pragma_table_xinfo(m.name) AS p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
               AND m.name NOT IN ($1, $2) \
             ORDER BY m.name, p.cid",
        )
        .bind(MIGRATIONS_TABLE)
        .bind(LEASES_TABLE)
        .fetch_all(pool)
        .await?;
        let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
        for (table, name, declared, hidden) in columns {
            let stored = tables.entry(table).or_default();
            if hidden == 0 {
                stored.push(Column {
                    kind: Kind::of_sqlite(&declared).ok_or(declared),
                    name,
                    numbered: false,
                });
            }
        }
        let references: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.name, f.\"table\" \
             FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f \
             WHERE m.type = 'table'",
        )
        .fetch_all(pool)
        .await?;
        Ok(Schema { tables, references })
    }

    async fn of_postgres(pool: &PgPool) -> StoreResult<Schema> {
        // The schema the connections work in (`search_path`), as every query of the store.
        let columns: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT c.table_name::text, c.column_name::text, c.data_type::text, \
                    c.is_generated::text, c.is_identity::text, \
                    COALESCE(c.column_default, '')::text \
             FROM information_schema.columns AS c \
             JOIN information_schema.tables AS t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
               AND c.table_name NOT IN ($1, $2) \
             ORDER BY c.table_name, c.ordinal_position",
        )
        .bind(MIGRATIONS_TABLE)
        .bind(LEASES_TABLE)
        .fetch_all(pool)
        .await?;
        let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
        for (table, name, data_type, generated, identity, default) in columns {
            let stored = tables.entry(table).or_default();
            if generated != "ALWAYS" {
                stored.push(Column {
                    kind: Kind::of_postgres(&data_type).ok_or(data_type),
                    name,
                    numbered: identity == "YES" || default.starts_with("nextval("),
                });
            }
        }
        let references: Vec<(String, String)> = sqlx::query_as(
            "SELECT child.relname::text, parent.relname::text \
             FROM pg_constraint AS k \
             JOIN pg_class AS child ON child.oid = k.conrelid \
             JOIN pg_class AS parent ON parent.oid = k.confrelid \
             JOIN pg_namespace AS n ON n.oid = child.relnamespace \
             WHERE k.contype = 'f' AND n.nspname = current_schema()",
        )
        .fetch_all(pool)
        .await?;
        Ok(Schema { tables, references })
    }
}

/// One table to copy: its stored columns as the target has them.
#[derive(Debug)]
struct Table {
    name: String,
    columns: Vec<PlannedColumn>,
}

#[derive(Debug)]
struct PlannedColumn {
    name: String,
    kind: Kind,
    numbered: bool,
}

impl Table {
    fn column_list(&self) -> String {
        let names: Vec<String> = self.columns.iter().map(|c| quoted(&c.name)).collect();
        names.join(", ")
    }
}

/// The target's tables in an order their foreign keys allow (every parent before its
/// children; otherwise by name), once the two schemas are checked to hold the same tables
/// and stored columns of the same kinds.
fn plan(source: &Schema, target: &Schema) -> StoreResult<Vec<Table>> {
    let differ = |what: String| {
        StoreError::Conflict(format!(
            "the two databases' schemas differ ({what}): open both with the same Castboard \
             version"
        ))
    };
    let source_tables: BTreeSet<&String> = source.tables.keys().collect();
    let target_tables: BTreeSet<&String> = target.tables.keys().collect();
    if let Some(t) = source_tables.difference(&target_tables).next() {
        return Err(differ(format!("table {t} is only in the source")));
    }
    if let Some(t) = target_tables.difference(&source_tables).next() {
        return Err(differ(format!("table {t} is only in the target")));
    }
    let mut tables = BTreeMap::new();
    for (name, columns) in &target.tables {
        let theirs: BTreeMap<&str, &Column> = source.tables[name]
            .iter()
            .map(|c| (c.name.as_str(), c))
            .collect();
        if theirs.len() != columns.len() {
            return Err(differ(format!(
                "{name} has {} stored columns in the source, {} in the target",
                theirs.len(),
                columns.len()
            )));
        }
        let mut planned = Vec::with_capacity(columns.len());
        for column in columns {
            let at = format!("{name}.{}", column.name);
            let source_column = theirs
                .get(column.name.as_str())
                .ok_or_else(|| differ(format!("{at} is only in the target")))?;
            let kind = match (&source_column.kind, &column.kind) {
                (Ok(a), Ok(b)) if a == b => *a,
                (Ok(_), Ok(_)) => return Err(differ(format!("{at} has another type"))),
                (Err(t), _) | (_, Err(t)) => {
                    return Err(StoreError::Conflict(format!(
                        "{at} is of type {t}, which the copy does not know"
                    )))
                }
            };
            planned.push(PlannedColumn {
                name: column.name.clone(),
                kind,
                numbered: column.numbered,
            });
        }
        tables.insert(
            name.clone(),
            Table {
                name: name.clone(),
                columns: planned,
            },
        );
    }
    // Parents first: take, in name order, every table whose parents are all taken.
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (child, parent) in &target.references {
        if child != parent {
            parents
                .entry(child.as_str())
                .or_default()
                .insert(parent.as_str());
        }
    }
    let mut ordered = Vec::with_capacity(tables.len());
    let mut taken: BTreeSet<String> = BTreeSet::new();
    while !tables.is_empty() {
        let ready: Vec<String> = tables
            .keys()
            .filter(|t| {
                parents
                    .get(t.as_str())
                    .is_none_or(|ps| ps.iter().all(|p| taken.contains(*p)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            let left: Vec<&String> = tables.keys().collect();
            return Err(StoreError::Conflict(format!(
                "the foreign keys of {left:?} form a cycle: no order to copy them in"
            )));
        }
        for name in ready {
            if let Some(table) = tables.remove(&name) {
                ordered.push(table);
            }
            taken.insert(name);
        }
    }
    Ok(ordered)
}

/// An identifier quoted for SQL (the catalogs' names are used as they are).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The source's read transaction: every table is read from one snapshot.
enum Snapshot {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Snapshot {
    async fn begin(pool: &Pool) -> StoreResult<Snapshot> {
        Ok(match pool {
            // A deferred transaction: its first read fixes the snapshot (WAL), and it
            // takes no lock that would hold writers up.
            Pool::Sqlite(pool) => Snapshot::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => Snapshot::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?,
            ),
        })
    }

    fn on(&mut self) -> On<&mut SqliteConnection, &mut PgConnection> {
        match self {
            Snapshot::Sqlite(tx) => On::Sqlite(&mut **tx),
            Snapshot::Postgres(tx) => On::Postgres(&mut **tx),
        }
    }

    /// Ends the read (it wrote nothing).
    async fn end(self) -> StoreResult<()> {
        match self {
            Snapshot::Sqlite(tx) => tx.rollback().await?,
            Snapshot::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// One value of a row, of its column's kind.
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
}

/// Copies one table's rows from the snapshot into the target transaction; answers how many.
async fn copy_table(
    source: &mut Snapshot,
    target: &mut WriteTx,
    table: &Table,
) -> StoreResult<u64> {
    let select = format!(
        "SELECT {} FROM {}",
        table.column_list(),
        quoted(&table.name)
    );
    let mut sink = Sink::open(target, table).await?;
    on!(source, db => {
        let mut rows = sqlx::query(&select).fetch(db);
        while let Some(row) = rows.try_next().await? {
            sink.push(read_row(&row, table)?).await?;
        }
    });
    sink.finish().await
}

/// A source row's values, each read as its column's kind.
fn read_row<'r, R>(row: &'r R, table: &Table) -> StoreResult<Vec<Value>>
where
    R: Row,
    usize: ColumnIndex<R>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    Option<bool>: Decode<'r, R::Database> + Type<R::Database>,
{
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let value = match column.kind {
                Kind::Text => row.try_get(i).map(Value::Text),
                Kind::Int => row.try_get(i).map(Value::Int),
                Kind::Bool => row.try_get(i).map(Value::Bool),
            };
            value.map_err(|e| StoreError::Corrupt(format!("{}.{}: {e}", table.name, column.name)))
        })
        .collect()
}

/// Where one table's rows go in the target.
enum Sink<'c> {
    /// PostgreSQL: one `COPY … FROM STDIN` for the table, its text sent in chunks.
    Copy {
        copy: PgCopyIn<&'c mut PgConnection>,
        text: Vec<u8>,
    },
    /// SQLite: INSERTs of `per_insert` rows.
    Insert {
        conn: &'c mut SqliteConnection,
        table: &'c Table,
        rows: Vec<Vec<Value>>,
        per_insert: usize,
        written: u64,
    },
}

impl<'c> Sink<'c> {
    async fn open(target: &'c mut WriteTx, table: &'c Table) -> StoreResult<Sink<'c>> {
        Ok(match target.on() {
            On::Postgres(conn) => {
                let statement = format!(
                    "COPY {} ({}) FROM STDIN",
                    quoted(&table.name),
                    table.column_list()
                );
                Sink::Copy {
                    copy: conn.copy_in_raw(&statement).await?,
                    text: Vec::with_capacity(COPY_CHUNK + 64 * 1024),
                }
            }
            On::Sqlite(conn) => {
                let per_insert = (SQLITE_BINDS / table.columns.len().max(1)).clamp(1, SQLITE_ROWS);
                Sink::Insert {
                    conn,
                    table,
                    rows: Vec::with_capacity(per_insert),
                    per_insert,
                    written: 0,
                }
            }
        })
    }

    async fn push(&mut self, row: Vec<Value>) -> StoreResult<()> {
        match self {
            Sink::Copy { copy, text } => {
                copy_text(text, &row);
                if text.len() >= COPY_CHUNK {
                    copy.send(text.as_slice()).await?;
                    text.clear();
                }
            }
            Sink::Insert {
                conn,
                table,
                rows,
                per_insert,
                written,
            } => {
                rows.push(row);
                if rows.len() >= *per_insert {
                    *written += insert(conn, table, rows).await?;
                }
            }
        }
        Ok(())
    }

    /// Sends what is left; answers the rows written.
    async fn finish(self) -> StoreResult<u64> {
        match self {
            Sink::Copy { mut copy, text } => {
                if !text.is_empty() {
                    copy.send(text.as_slice()).await?;
                }
                Ok(copy.finish().await?)
            }
            Sink::Insert {
                conn,
                table,
                mut rows,
                written,
                ..
            } => Ok(written + insert(conn, table, &mut rows).await?),
        }
    }
}

/// One INSERT of `rows` (taken out of the vector) on SQLite.
async fn insert(
    conn: &mut SqliteConnection,
    table: &Table,
    rows: &mut Vec<Vec<Value>>,
) -> StoreResult<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let one = format!("({})", vec!["?"; table.columns.len()].join(", "));
    let sql = format!(
        "INSERT INTO {} ({}) VALUES {}",
        quoted(&table.name),
        table.column_list(),
        vec![one; rows.len()].join(", ")
    );
    let mut q = sqlx::query::<Sqlite>(&sql);
    for value in rows.drain(..).flatten() {
        q = match value {
            Value::Text(v) => q.bind(v),
            Value::Int(v) => q.bind(v),
            Value::Bool(v) => q.bind(v),
        };
    }
    Ok(q.execute(&mut *conn).await?.rows_affected())
}

/// Appends `row` in COPY's text format: tab-separated, `\N` for NULL, booleans `t`/`f`,
/// and backslash, newline, carriage return and tab escaped in text.
fn copy_text(out: &mut Vec<u8>, row: &[Value]) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match value {
            Value::Text(Some(s)) => {
                for &b in s.as_bytes() {
                    match b {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        _ => out.push(b),
                    }
                }
            }
            Value::Int(Some(n)) => out.extend_from_slice(n.to_string().as_bytes()),
            Value::Bool(Some(b)) => out.push(if *b { b't' } else { b'f' }),
            Value::Text(None) | Value::Int(None) | Value::Bool(None) => {
                out.extend_from_slice(b"\\N")
            }
        }
    }
    out.push(b'\n');
}

/// Sets the sequence numbering `table.column` so its next value follows the largest copied.
async fn set_sequence(conn: &mut PgConnection, table: &str, column: &str) -> StoreResult<()> {
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence($1, $2), \
                       COALESCE((SELECT MAX({c}) FROM {t}), 0) + 1, false)",
        c = quoted(column),
        t = quoted(table)
    );
    sqlx::query(&sql)
        .bind(quoted(table))
        .bind(column)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{copy_text, Value};

    #[test]
    fn copy_text_escapes_what_the_format_reserves() {
        let mut out = Vec::new();
        copy_text(
            &mut out,
            &[
                Value::Text(Some("a\tb\\c\nd\re ✓".into())),
                Value::Int(Some(-42)),
                Value::Bool(Some(true)),
                Value::Bool(Some(false)),
                Value::Text(None),
                Value::Int(None),
            ],
        );
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "a\\tb\\\\c\\nd\\re ✓\t-42\tt\tf\t\\N\t\\N\n"
        );
    }
}
