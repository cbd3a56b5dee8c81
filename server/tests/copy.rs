//! `castboard copy-database`: a whole database copied into another store (SQLite or
//! PostgreSQL) answers the API exactly as the original, accepts the same sign-ins, keys
//! and tokens, and takes new writes; a target holding an organisation is refused.
//!
//! The source is the tests' database (a SQLite file, or PostgreSQL with
//! `CASTBOARD_TEST_BACKEND=postgres`); the targets are a SQLite file, and a PostgreSQL
//! schema when the cluster of scripts/postgres.sh is there (the test skips otherwise).

mod common;

use assert_cmd::Command;
use common::streams::{call, id_of, name_of};
use common::{body, Account, Auth, Caller, TestApp, INGEST_SECRET, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::Role;

/// Runs `castboard <args>` on the database at `db_url`: (exit code, stdout, stderr).
async fn castboard(db_url: &str, args: &[&str]) -> (i32, String, String) {
    let db_url = db_url.to_string();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let out = Command::cargo_bin("castboard")
            .expect("binary built")
            .env_remove("CASTBOARD_INGEST_SECRET")
            .env("CASTBOARD_DATABASE_URL", &db_url)
            .env("CASTBOARD_LOG", "warn")
            .args(&args)
            .output()
            .expect("runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).expect("utf-8"),
            String::from_utf8(out.stderr).expect("utf-8"),
        )
    })
    .await
    .expect("joined")
}

/// A server over the database at `db_url` under the source's public URL and media folder,
/// so every link it writes reads as the source's; answers its base URL.
async fn serve_copy(app: &TestApp, db_url: &str) -> String {
    let store = castboard::store::Store::open(db_url)
        .await
        .expect("copy opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let mut settings = castboard::Settings::new(&app.base, INGEST_SECRET);
    settings.media_dir = app.media_dir.clone();
    let router = castboard::app(castboard::AppState::new(store, settings), None);
    tokio::spawn(async move {
        let _ =
            castboard::serve(listener, router, Default::default(), std::future::pending()).await;
    });
    base
}

/// What the source was filled with, to read back from the copy.
struct Filled {
    admin: Caller,
    other_admin: Caller,
    /// The secret of an API key of the first organisation.
    key: String,
    /// A playback token of the first organisation.
    token: String,
    group: String,
    single: String,
    named: String,
}

/// Two organisations with users of every role, an API key, streams alone and in groups
/// with tags, in every state, publish attempts accepted and refused, a recording, signing
/// keys and tokens (one revoked), and the generated ingest secret.
async fn fill(app: &TestApp) -> Filled {
    app.enable_all_for(&app.org).await;
    let admin = app.signed_in(&app.admin).await;
    app.add_user(Role::User).await;
    app.add_user(Role::ReadOnly).await;
    let created = call(
        &admin,
        Method::POST,
        "/api/v1/api-keys",
        Some(json!({"name": "deploy", "role": "user"})),
        201,
    )
    .await;
    let key = created["secret"].as_str().expect("secret").to_string();

    let ladder = json!([
        {"width": 1280, "height": 720, "bitrate_kbps": 1600, "framerate": 25},
        {"width": 852, "height": 480, "bitrate_kbps": 800, "framerate": 25},
    ]);
    let group = admin
        .create_stream(json!({"tags": ["news", "sport"], "transcodes": ladder}))
        .await;
    let single = admin
        .create_stream(json!({"tags": ["news", "weather\\slash"]}))
        .await;
    let mut named = String::new();
    for i in 0..6 {
        let s = admin
            .create_stream(json!({"tags": [format!("tag{}", i % 3), "news"]}))
            .await;
        match i {
            0 => {
                // Live, recorded, then ended.
                for event in ["publish", "update_publish"] {
                    assert!(app.ingest(event, &name_of(&s)).await.status().is_success());
                }
                let res = app
                    .ingest_with(
                        "record_done",
                        &[
                            ("call", "record_done"),
                            ("name", &name_of(&s)),
                            ("app", "live"),
                            ("addr", "127.0.0.1"),
                            ("clientid", "7"),
                            ("path", &format!("/rec/{}-1764064800.flv", name_of(&s))),
                            ("size_bytes", "1048576"),
                            ("duration_s", "95"),
                        ],
                        INGEST_SECRET,
                    )
                    .await;
                assert!(res.status().is_success(), "record_done: {}", res.status());
                assert!(app
                    .ingest("publish_done", &name_of(&s))
                    .await
                    .status()
                    .is_success());
                named = name_of(&s);
            }
            1 => {
                let path = format!("/api/v1/streams/{}/lock", id_of(&s));
                call(&admin, Method::POST, &path, None, 200).await;
                // Refused, and logged.
                assert!(!app
                    .ingest("publish", &name_of(&s))
                    .await
                    .status()
                    .is_success());
            }
            2 => {
                let path = format!("/api/v1/streams/{}", id_of(&s));
                call(&admin, Method::DELETE, &path, None, 204).await;
            }
            _ => {}
        }
    }
    let unknown = format!("{}-zzzzz", app.org.hash);
    assert!(!app.ingest("publish", &unknown).await.status().is_success());

    let issued = call(
        &admin,
        Method::POST,
        "/api/v1/tokens",
        Some(json!({"scope": {"organisation": true}})),
        201,
    )
    .await;
    let token = issued["token"].as_str().expect("token").to_string();
    call(
        &admin,
        Method::POST,
        "/api/v1/tokens",
        Some(json!({"scope": {"group": id_of(&group)}})),
        201,
    )
    .await;
    let revocable = call(
        &admin,
        Method::POST,
        "/api/v1/tokens",
        Some(json!({"scope": {"streams": [name_of(&single)]}, "revocable": true})),
        201,
    )
    .await;
    let revoke = format!("/api/v1/tokens/{}/revoke", id_of(&revocable));
    call(&admin, Method::POST, &revoke, None, 204).await;

    let (other, other_account) = app.other_org().await;
    app.enable_all_for(&other).await;
    let other_admin = app.signed_in(&other_account).await;
    for tag in ["news", "cats"] {
        other_admin.create_stream(json!({"tags": [tag]})).await;
    }

    let (code, _, err) = castboard(&app.db_url, &["ingest-secret"]).await;
    assert_eq!(code, 0, "{err}");
    Filled {
        admin,
        other_admin,
        key,
        token,
        group: id_of(&group),
        single: id_of(&single),
        named,
    }
}

/// What the API answers to reads of every kind: (path, status, body).
async fn reads(caller: &Caller, f: &Filled) -> Vec<(String, u16, Value)> {
    let mut paths: Vec<String> = [
        "/api/v1/me",
        "/api/v1/organisation",
        "/api/v1/users",
        "/api/v1/api-keys",
        "/api/v1/streams",
        "/api/v1/streams?group=false",
        "/api/v1/streams?state=all,deleted&group=false",
        "/api/v1/streams?state=locked",
        "/api/v1/streams?state=ended&date=last_3_months",
        "/api/v1/streams?tag=news",
        "/api/v1/streams?tag=news&tag=sport&group=false",
        "/api/v1/streams?tag=tag1&state=all,deleted",
        "/api/v1/streams?per_page=25&page=2",
        "/api/v1/tags",
        "/api/v1/tags?prefix=tag",
        "/api/v1/tags?prefix=wea",
        "/api/v1/tokens",
        "/api/v1/signing-keys",
        "/api/v1/ingest-log",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for id in [&f.group, &f.single] {
        paths.push(format!("/api/v1/streams/{id}"));
        paths.push(format!("/api/v1/streams/{id}/ingest-log"));
    }
    paths.push(format!("/api/v1/tokens?group={}", f.group));
    paths.push(format!("/api/v1/streams?q={}", f.named));
    let mut answers = Vec::new();
    for path in paths {
        let res = caller.get(&path).await;
        let status = res.status().as_u16();
        answers.push((path, status, body(res).await));
    }
    answers
}

/// The copy of a filled database into `target` answers as the source.
async fn copy_answers_as_the_source(target: &str) {
    let app = TestApp::spawn().await;
    let f = fill(&app).await;
    // An instance started on the target before the copy left a setting there: replaced.
    let (_, target_secret, _) = castboard(target, &["ingest-secret"]).await;
    let (_, source_secret, _) = castboard(&app.db_url, &["ingest-secret"]).await;
    assert_ne!(target_secret, source_secret);

    let (code, out, err) = castboard(&app.db_url, &["copy-database", "--to", target]).await;

    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let rows: std::collections::BTreeMap<&str, u64> = lines[..lines.len() - 1]
        .iter()
        .map(|l| {
            let (table, n) = l.split_once(' ').expect("table and rows");
            (table, n.trim().parse().expect("rows"))
        })
        .collect();
    for (table, n) in [
        ("organisations", 2),
        ("users", 4),
        ("api_keys", 1),
        ("signing_keys", 1),
        ("playback_tokens", 3),
        ("recordings", 1),
        ("settings", 1),
    ] {
        assert_eq!(rows.get(table), Some(&n), "{table} in {out}");
    }
    assert_eq!(rows.get("streams"), Some(&12), "{out}");
    assert!(!rows.contains_key("_sqlx_migrations"), "{out}");
    let backends = |url: &str| {
        if url.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        }
    };
    let last = lines.last().expect("a summary line");
    assert!(
        last.starts_with(&format!(
            "copied {} rows of {} tables from {} to {} in ",
            rows.values().sum::<u64>(),
            rows.len(),
            backends(&app.db_url),
            backends(target)
        )),
        "{last}"
    );

    let copy = serve_copy(&app, target).await;
    // The sessions came along: the same cookies read the same answers.
    let source_reads = reads(&f.admin, &f).await;
    for (path, status, v) in &source_reads {
        assert_eq!(*status, 200, "{path}: {v}");
    }
    assert_eq!(reads(&f.admin.at(&copy), &f).await, source_reads);
    assert_eq!(
        body(f.other_admin.at(&copy).get("/api/v1/streams").await).await,
        body(f.other_admin.get("/api/v1/streams").await).await
    );
    let key = Caller::new(&copy, Auth::Key(f.key.clone()));
    let res = key.get("/api/v1/streams?group=false").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        body(res).await,
        body(f.admin.get("/api/v1/streams?group=false").await).await
    );
    let verify = json!({"token": f.token});
    assert_eq!(
        call(
            &key,
            Method::POST,
            "/api/v1/tokens/verify",
            Some(verify.clone()),
            200
        )
        .await,
        call(
            &f.admin,
            Method::POST,
            "/api/v1/tokens/verify",
            Some(verify),
            200
        )
        .await
    );
    let (_, copied_secret, _) = castboard(target, &["ingest-secret"]).await;
    assert_eq!(copied_secret, source_secret);

    // A password signs in on the copy.
    let fresh = Caller::new(&copy, Auth::Session { csrf: true });
    let account: &Account = &app.admin;
    let res = fresh
        .post(
            "/api/v1/auth/login",
            json!({"email": account.email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        body(fresh.get("/api/v1/me").await).await["user"],
        body(f.admin.get("/api/v1/me").await).await["user"]
    );

    // New rows number on from the copied ones: a new stream, a new publish attempt
    // listed first.
    let before = body(fresh.get("/api/v1/ingest-log").await).await;
    let made = fresh.create_stream(json!({"tags": ["news"]})).await;
    let res = reqwest::Client::new()
        .post(format!(
            "{copy}/api/v1/ingest/publish?secret={INGEST_SECRET}"
        ))
        .form(&[
            ("call", "publish"),
            ("name", &name_of(&made)),
            ("app", "live"),
            ("addr", "127.0.0.1"),
            ("clientid", "8"),
        ])
        .send()
        .await
        .expect("hook sent");
    assert!(
        res.status().is_success(),
        "publish on the copy: {}",
        res.status()
    );
    let after = body(fresh.get("/api/v1/ingest-log").await).await;
    let items = after["items"].as_array().expect("items");
    assert_eq!(items[0]["streamname"], name_of(&made), "{after}");
    assert_eq!(
        &items[1..],
        before["items"].as_array().expect("items").as_slice()
    );
    let news = body(fresh.get("/api/v1/tags").await).await;
    let count = |tags: &Value| {
        tags["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|t| t["tag"] == "news")
            .map(|t| t["count"].as_u64().expect("count"))
    };
    let source_news = count(&body(f.admin.get("/api/v1/tags").await).await).expect("news");
    assert_eq!(count(&news), Some(source_news + 1));
}

#[tokio::test]
async fn a_copy_into_sqlite_answers_every_read_as_the_source() {
    let dir = tempfile::tempdir().expect("dir");
    let target = format!("sqlite://{}/copy/castboard.db", dir.path().display());
    copy_answers_as_the_source(&target).await;
}

#[tokio::test]
async fn a_copy_into_postgres_answers_every_read_as_the_source() {
    let Some(target) = common::fresh_postgres_database().await else {
        return;
    };
    copy_answers_as_the_source(&target).await;
}

/// A target that holds an organisation is refused with one line, and nothing is written.
async fn refuses_a_target_with_an_organisation(target: &str) {
    let app = TestApp::spawn().await;
    let f = fill(&app).await;
    let (code, _, err) = castboard(
        target,
        &[
            "org",
            "create",
            "--name",
            "Already",
            "--admin-email",
            "a@already.test",
            "--admin-password",
            "0123456789",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let (_, orgs_before, _) = castboard(target, &["org", "list"]).await;
    let (_, secret_before, _) = castboard(target, &["ingest-secret"]).await;

    let (code, out, err) = castboard(&app.db_url, &["copy-database", "--to", target]).await;

    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "castboard: error: the target database already holds 1 organisation: a copy goes \
         only into a database without any (nothing was written)\n"
    );
    assert_eq!(castboard(target, &["org", "list"]).await.1, orgs_before);
    assert_eq!(castboard(target, &["ingest-secret"]).await.1, secret_before);
    let copy = serve_copy(&app, target).await;
    let res = Caller::new(&copy, Auth::Key(f.key.clone()))
        .get("/api/v1/streams")
        .await;
    assert_eq!(res.status(), 401, "the source's key is not there");
}

#[tokio::test]
async fn a_sqlite_target_with_an_organisation_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let target = format!("sqlite://{}/castboard.db", dir.path().display());
    refuses_a_target_with_an_organisation(&target).await;
}

#[tokio::test]
async fn a_postgres_target_with_an_organisation_is_refused() {
    let Some(target) = common::fresh_postgres_database().await else {
        return;
    };
    refuses_a_target_with_an_organisation(&target).await;
}
