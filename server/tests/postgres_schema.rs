//! The PostgreSQL schema (server/migrations/postgres) against SQLite's
//! (server/migrations/sqlite), on a real PostgreSQL: the throwaway cluster of
//! scripts/postgres.sh, whose database `CASTBOARD_TEST_POSTGRES_URL` names (`make test`
//! runs the tests under it and sets `CASTBOARD_REQUIRE_POSTGRES`, so there a missing
//! cluster fails instead of skipping).
//!
//! Both schemas are made by their embedded migrations; then every table must have the
//! same columns in the same order, with the same types and nullability, the same named
//! indexes, and the behaviours the store relies on must agree: byte-order comparison of
//! text, `lower()` on ASCII letters only, a token's group read from its claims, and the
//! ingest log's growing sequence.

mod common;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::Row;
use std::collections::BTreeSet;
use std::str::FromStr;

/// A column as both sides can describe it.
#[derive(Debug, PartialEq, Eq)]
struct Column {
    name: String,
    /// `text`, `boolean` or `bigint`.
    kind: String,
    not_null: bool,
}

/// A schema of its own in the throwaway cluster's database, made anew, that the pool's
/// connections work in (tests run in parallel); `None` (the test skips) outside
/// `make test` when no cluster was started.
async fn postgres(schema: &str) -> Option<PgPool> {
    let url = common::test_postgres_url()?;
    let options = PgConnectOptions::from_str(&url).expect("url");
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .expect("connects to the test cluster");
    for sql in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(&sql).execute(&admin).await.expect(&sql);
    }
    admin.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options.options([("search_path", schema)]))
        .await
        .expect("connects to the test cluster");
    Some(pool)
}

async fn sqlite() -> (tempfile::TempDir, SqlitePool) {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/schema.db", dir.path().display());
    let options = SqliteConnectOptions::from_str(&url)
        .expect("url")
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("opens");
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .expect("SQLite migrations apply");
    (dir, pool)
}

async fn sqlite_tables(db: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name != '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(db)
    .await
    .expect("tables")
}

async fn sqlite_columns(db: &SqlitePool, table: &str) -> Vec<Column> {
    let rows =
        sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo($1) ORDER BY cid")
            .bind(table)
            .fetch_all(db)
            .await
            .expect("columns");
    rows.iter()
        .map(|r| {
            let declared: String = r.get("type");
            let kind = match declared.as_str() {
                "TEXT" => "text",
                "BOOLEAN" => "boolean",
                "INTEGER" | "BIGINT" => "bigint",
                other => panic!("{table}: a column of type {other} has no counterpart"),
            };
            // SQLite lets a TEXT primary key hold NULL; PostgreSQL never does, and the
            // store never writes one.
            let not_null = r.get::<i64, _>("notnull") == 1 || r.get::<i64, _>("pk") > 0;
            Column {
                name: r.get("name"),
                kind: kind.to_string(),
                not_null,
            }
        })
        .collect()
}

async fn postgres_tables(db: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name != '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(db)
    .await
    .expect("tables")
}

async fn postgres_columns(db: &PgPool, table: &str) -> Vec<Column> {
    let rows = sqlx::query(
        "SELECT column_name::text AS name, data_type::text AS kind, is_nullable::text AS nullable \
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 \
         ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(db)
    .await
    .expect("columns");
    rows.iter()
        .map(|r| Column {
            name: r.get("name"),
            kind: r.get("kind"),
            not_null: r.get::<String, _>("nullable") == "NO",
        })
        .collect()
}

#[tokio::test]
async fn the_postgres_schema_is_the_sqlite_schema() {
    let Some(pg) = postgres("schema_parity").await else {
        return;
    };
    let (_dir, lite) = sqlite().await;
    let migrator = sqlx::migrate!("./migrations/postgres");
    migrator
        .run(&pg)
        .await
        .expect("PostgreSQL migrations apply");
    // Applied at every start: a second run finds nothing to do.
    migrator.run(&pg).await.expect("and again");

    let tables = sqlite_tables(&lite).await;
    assert_eq!(tables.len(), 18, "{tables:?}");
    assert_eq!(postgres_tables(&pg).await, tables);
    for table in &tables {
        assert_eq!(
            postgres_columns(&pg, table).await,
            sqlite_columns(&lite, table).await,
            "the columns of {table}"
        );
    }

    let sqlite_indexes: BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
    )
    .fetch_all(&lite)
    .await
    .expect("indexes")
    .into_iter()
    .collect();
    // Primary keys and UNIQUE constraints are indexes PostgreSQL names itself (SQLite's
    // are the autoindexes left out above).
    let postgres_indexes: BTreeSet<String> = sqlx::query_scalar(
        "SELECT i.indexname::text FROM pg_indexes AS i WHERE i.schemaname = current_schema() \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname)",
    )
    .fetch_all(&pg)
    .await
    .expect("indexes")
    .into_iter()
    .collect();
    assert_eq!(sqlite_indexes.len(), 25, "{sqlite_indexes:?}");
    assert_eq!(postgres_indexes, sqlite_indexes);
}

/// Runs `sql` on both databases and returns the first column of every row as text.
async fn both(pg: &PgPool, lite: &SqlitePool, sql: &str) -> (Vec<String>, Vec<String>) {
    let on_pg = sqlx::query_scalar(sql)
        .fetch_all(pg)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL: {sql}: {e}"));
    let on_lite = sqlx::query_scalar(sql)
        .fetch_all(lite)
        .await
        .unwrap_or_else(|e| panic!("SQLite: {sql}: {e}"));
    (on_pg, on_lite)
}

async fn execute_both(pg: &PgPool, lite: &SqlitePool, sql: &str) {
    sqlx::query(sql)
        .execute(pg)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL: {sql}: {e}"));
    sqlx::query(sql)
        .execute(lite)
        .await
        .unwrap_or_else(|e| panic!("SQLite: {sql}: {e}"));
}

#[tokio::test]
async fn text_compares_and_derives_alike_on_both() {
    let Some(pg) = postgres("text_parity").await else {
        return;
    };
    let (_dir, lite) = sqlite().await;
    sqlx::migrate!("./migrations/postgres")
        .run(&pg)
        .await
        .expect("PostgreSQL migrations apply");

    // Bytes order: capitals before small letters, `-` before digits, non-ASCII last.
    execute_both(
        &pg,
        &lite,
        "INSERT INTO stream_names (name) VALUES ('abc-1'), ('Abc-1'), ('abc_1'), ('abc1'), ('ébc'), ('zbc')",
    )
    .await;
    let (on_pg, on_lite) = both(&pg, &lite, "SELECT name FROM stream_names ORDER BY name").await;
    assert_eq!(on_lite, ["Abc-1", "abc-1", "abc1", "abc_1", "zbc", "ébc"]);
    assert_eq!(on_pg, on_lite);
    // The prefix search's range (`>= prefix AND < its successor`).
    let (on_pg, on_lite) = both(
        &pg,
        &lite,
        "SELECT name FROM stream_names WHERE name >= 'abc' AND name < 'abd' ORDER BY name",
    )
    .await;
    assert_eq!(on_lite, ["abc-1", "abc1", "abc_1"]);
    assert_eq!(on_pg, on_lite);

    // An API key's name is unique per organisation without case, ASCII letters only:
    // `Été` and `éTÉ` are two names, `ÉTé` is the first again.
    execute_both(
        &pg,
        &lite,
        "INSERT INTO organisations (id, name, hash, created_at) VALUES ('o1', 'o1', 'AbCdE', 0)",
    )
    .await;
    execute_both(
        &pg,
        &lite,
        "INSERT INTO api_keys (id, org_id, name, role, prefix, secret_hash, created_at) \
         VALUES ('k1', 'o1', 'Été', 'user', 'cb_x', 'h1', 0), ('k2', 'o1', 'éTÉ', 'user', 'cb_x', 'h2', 0)",
    )
    .await;
    let again = "INSERT INTO api_keys (id, org_id, name, role, prefix, secret_hash, created_at) \
                 VALUES ('k3', 'o1', 'ÉTé', 'user', 'cb_x', 'h3', 0)";
    let on_pg = sqlx::query(again).execute(&pg).await;
    assert!(
        matches!(&on_pg, Err(sqlx::Error::Database(e)) if e.is_unique_violation()),
        "{on_pg:?}"
    );
    let on_lite = sqlx::query(again).execute(&lite).await;
    assert!(
        matches!(&on_lite, Err(sqlx::Error::Database(e)) if e.is_unique_violation()),
        "{on_lite:?}"
    );

    // A token's group is its `grp` claim; other scopes have none.
    execute_both(
        &pg,
        &lite,
        "INSERT INTO playback_tokens \
         (id, org_id, kid, issued_at, not_before, expires_at, revocable, issued_by, claims) VALUES \
         ('t1', 'o1', 'k', 0, 0, 1, FALSE, 'a', '{\"grp\":\"7c1e0000-0000-4000-8000-00000000000a\",\"exp\":1}'), \
         ('t2', 'o1', 'k', 0, 0, 1, TRUE, 'a', '{\"orgwide\":true,\"exp\":1}')",
    )
    .await;
    let (on_pg, on_lite) = both(
        &pg,
        &lite,
        "SELECT COALESCE(group_id, '-') FROM playback_tokens ORDER BY id",
    )
    .await;
    assert_eq!(on_lite, ["7c1e0000-0000-4000-8000-00000000000a", "-"]);
    assert_eq!(on_pg, on_lite);

    // The ingest log numbers its rows in the order they are written.
    for name in ["AbCdE-first", "AbCdE-second", "AbCdE-third"] {
        execute_both(
            &pg,
            &lite,
            &format!("INSERT INTO ingest_log (org_id, at, streamname) VALUES ('o1', 0, '{name}')"),
        )
        .await;
    }
    let (on_pg, on_lite) = both(
        &pg,
        &lite,
        "SELECT streamname FROM ingest_log ORDER BY seq DESC",
    )
    .await;
    assert_eq!(on_lite, ["AbCdE-third", "AbCdE-second", "AbCdE-first"]);
    assert_eq!(on_pg, on_lite);
}
