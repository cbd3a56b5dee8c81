//! The operator command line: output, exit codes, one-line errors, configuration.

mod common;

use assert_cmd::Command;
use serde_json::Value;

struct Db {
    dir: tempfile::TempDir,
    url: String,
}

impl Db {
    /// A database in a folder that does not exist yet (the CLI creates it), or on
    /// PostgreSQL a schema of its own (see `common::fresh_database`).
    fn new() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = if common::on_postgres() {
            tokio::runtime::Runtime::new()
                .expect("runtime")
                .block_on(common::fresh_database(&dir))
        } else {
            format!("sqlite://{}/nested/castboard.db", dir.path().display())
        };
        Db { dir, url }
    }
    fn url(&self) -> String {
        self.url.clone()
    }
    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("castboard").expect("binary built");
        cmd.env_remove("CASTBOARD_INGEST_SECRET")
            .env("CASTBOARD_DATABASE_URL", self.url())
            .env("CASTBOARD_LOG", "warn");
        cmd
    }
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd().args(args).output().expect("runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).expect("utf-8"),
            String::from_utf8(out.stderr).expect("utf-8"),
        )
    }
    fn create_org(&self, name: &str, email: &str) -> Value {
        let (code, out, err) = self.run(&[
            "org",
            "create",
            "--name",
            name,
            "--admin-email",
            email,
            "--admin-password",
            "0123456789",
        ]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.lines().count(), 1, "one line: {out}");
        serde_json::from_str(&out).expect("JSON")
    }
}

#[test]
fn org_create_prints_one_json_line_with_defaults() {
    let db = Db::new();

    let v = db.create_org("Acme Streaming", "Admin@Acme.test");

    let org = &v["organisation"];
    assert_eq!(org["name"], "Acme Streaming");
    let hash = org["hash"].as_str().expect("hash");
    assert!(
        hash.len() == 5 && hash.chars().all(|c| c.is_ascii_alphanumeric()),
        "{hash}"
    );
    assert_eq!(
        org["features"],
        serde_json::json!({"secure": false, "vod": false, "live_processing": false, "transcoding": false, "webcaster": false, "player": true})
    );
    assert_eq!(org["limits"], serde_json::json!({"max_transcodes": 3}));
    assert_eq!(org["webhook_url"], Value::Null);
    assert_eq!(v["admin"]["email"], "Admin@Acme.test");
    assert_eq!(v["admin"]["role"], "admin");
    assert!(uuid::Uuid::parse_str(v["admin"]["id"].as_str().expect("id")).is_ok());
}

#[test]
fn org_list_prints_one_object_per_line_oldest_first() {
    let db = Db::new();
    let (code, out, _) = db.run(&["org", "list"]);
    assert_eq!(
        (code, out.as_str()),
        (0, ""),
        "an empty instance lists nothing"
    );
    let a = db.create_org("First", "a@first.test");
    let b = db.create_org("Second", "b@second.test");

    let (code, out, err) = db.run(&["org", "list"]);

    assert_eq!(code, 0, "{err}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], a["organisation"]);
    assert_eq!(lines[1], b["organisation"]);
}

#[test]
fn org_feature_and_limit_change_the_organisation() {
    let db = Db::new();
    let v = db.create_org("Acme", "a@acme.test");
    let hash = v["organisation"]["hash"].as_str().expect("hash");

    let (code, out, err) = db.run(&["org", "feature", hash, "secure", "on"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).expect("JSON")["features"]["secure"],
        true
    );
    let (code, out, _) = db.run(&["org", "feature", hash, "player", "off"]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).expect("JSON")["features"]["player"],
        false
    );
    let (code, out, _) = db.run(&["org", "limit", hash, "max_transcodes", "5"]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).expect("JSON")["limits"]["max_transcodes"],
        5
    );

    let (_, out, _) = db.run(&["org", "list"]);
    let listed: Value = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(listed["features"]["secure"], true);
    assert_eq!(listed["features"]["player"], false);
    assert_eq!(listed["limits"]["max_transcodes"], 5);
}

#[test]
fn bad_arguments_exit_2_with_one_line_on_stderr() {
    let db = Db::new();
    let v = db.create_org("Acme", "a@acme.test");
    let hash = v["organisation"]["hash"].as_str().expect("hash");
    let cases: [(&[&str], &str); 11] = [
        (&["org", "create", "--name", "X", "--admin-email", "nope", "--admin-password", "0123456789"], "castboard: error: --admin-email must be an email address such as name@example.com"),
        (&["org", "create", "--name", "X", "--admin-email", "b@acme.test", "--admin-password", "short"], "castboard: error: --admin-password must be at least 10 characters"),
        (&["org", "create", "--name", "  ", "--admin-email", "b@acme.test", "--admin-password", "0123456789"], "castboard: error: --name must not be empty"),
        (&["org", "feature", hash, "teleport", "on"], "castboard: error: the feature must be one of secure, vod, live_processing, transcoding, webcaster, player"),
        (&["org", "feature", "AB", "vod", "on"], "castboard: error: the organisation hash must be exactly 5 letters or digits"),
        (&["org", "limit", hash, "max_transcodes", "17"], "castboard: error: max_transcodes must be at most 16"),
        (&["org", "limit", hash, "max_transcodes", "-1"], "castboard: error: unexpected argument '-1' found; to pass '-1' as a value, use '-- -1' (see castboard org limit --help)"),
        // Usage errors from the parser too.
        (&["org", "feature", hash, "vod", "maybe"], "castboard: error: invalid value 'maybe' for '<STATE>'; possible values: on, off (see castboard org feature --help)"),
        (&["org"], "castboard: error: 'castboard org' requires a subcommand but one was not provided; subcommands: create, list, feature, limit, help (see castboard org --help)"),
        (&["frobnicate"], "castboard: error: unrecognized subcommand 'frobnicate' (see castboard --help)"),
        (&[], "castboard: error: 'castboard' requires a subcommand but one was not provided; subcommands: serve, org, ingest-secret, media-config, copy-database, help (see castboard --help)"),
    ];
    for (args, line) in cases {
        let (code, out, err) = db.run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
        assert_eq!(err, format!("{line}\n"), "{args:?}");
    }
}

/// Whatever the parser refuses is one line on stderr naming the problem and where the
/// help is, exit 2, nothing on stdout, and nothing created.
#[test]
fn parse_errors_are_one_line_naming_the_problem() {
    let db = Db::new();
    let cases: [(&[&str], &str); 6] = [
        // An unknown flag, of the program and of a subcommand.
        (&["--nope", "org", "list"], "unexpected argument '--nope' found (see castboard --help)"),
        (&["serve", "--nope"], "unexpected argument '--nope' found (see castboard serve --help)"),
        // A missing value.
        (&["serve", "--listen"], "a value is required for '--listen <LISTEN>' but none was supplied (see castboard serve --help)"),
        // Invalid values: not one of the choices, not an address, out of range.
        (&["serve", "--media", "nope"], "invalid value 'nope' for '--media <MEDIA>'; possible values: embedded, external, off (see castboard serve --help)"),
        (&["serve", "--listen", "here"], "invalid value 'here' for '--listen <LISTEN>': invalid socket address syntax (see castboard serve --help)"),
        // Required arguments left out, on one line.
        (&["org", "create", "--name", "X"], "the following required arguments were not provided: --admin-email <ADMIN_EMAIL>, --admin-password <ADMIN_PASSWORD> (see castboard org create --help)"),
    ];
    for (args, reason) in cases {
        let (code, out, err) = db.run(args);

        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
        assert_eq!(err, format!("castboard: error: {reason}\n"), "{args:?}");
    }
    // From the environment alike.
    let out = db
        .cmd()
        .env("CASTBOARD_MEDIA", "nope")
        .arg("serve")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "castboard: error: invalid value 'nope' for '--media <MEDIA>'; possible values: \
         embedded, external, off (see castboard serve --help)\n"
    );
    assert!(
        !db.dir.path().join("nested").exists(),
        "no database was created"
    );

    // Help and version are no errors: stdout, exit 0.
    let (code, out, err) = db.run(&["--version"]);
    assert_eq!(
        (code, out, err),
        (
            0,
            format!("castboard {}\n", env!("CARGO_PKG_VERSION")),
            String::new()
        )
    );
    let (code, out, err) = db.run(&["org", "--help"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.starts_with(
            "Manage organisations (the tenants)\n\nUsage: castboard org [OPTIONS] <COMMAND>\n"
        ),
        "{out}"
    );
}

#[test]
fn failures_exit_1_with_one_line_on_stderr() {
    let db = Db::new();
    db.create_org("Acme", "a@acme.test");

    let (code, out, err) = db.run(&[
        "org",
        "create",
        "--name",
        "Again",
        "--admin-email",
        "A@ACME.test",
        "--admin-password",
        "0123456789",
    ]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "castboard: error: a user with the email A@ACME.test already exists\n"
    );
    let (code, _, err) = db.run(&["org", "feature", "ZZZZZ", "vod", "on"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "castboard: error: no organisation with the hash ZZZZZ\n"
    );
    let (code, _, err) = db.run(&["org", "list", "--database-url", "mysql://nowhere/db"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "castboard: error: unsupported database URL \"mysql://nowhere/db\": \
         use sqlite://path/to/file.db or postgres://user@host/database\n"
    );
    let (code, _, err) = db.run(&[
        "org",
        "list",
        "--database-url",
        "postgres://nowhere.invalid/db",
    ]);
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("castboard: error: cannot open the database: "),
        "{err}"
    );
}

#[test]
fn the_ingest_secret_is_generated_once_unless_configured() {
    let db = Db::new();
    let (code, first, _) = db.run(&["ingest-secret"]);
    assert_eq!(code, 0);
    assert_eq!(first.lines().count(), 1);
    assert_eq!(first.trim().len(), 43);
    let (_, second, _) = db.run(&["ingest-secret"]);
    assert_eq!(first, second);

    let (_, configured, _) = db.run(&["ingest-secret", "--ingest-secret", "s3cret-from-flag"]);
    assert_eq!(configured, "s3cret-from-flag\n");
    let out = db
        .cmd()
        .env("CASTBOARD_INGEST_SECRET", "from-env")
        .arg("ingest-secret")
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "from-env\n");
}

#[test]
fn database_url_is_accepted_before_or_after_the_subcommand() {
    let db = Db::new();
    let other = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}/x.db", other.path().display());
    let mut before = Command::cargo_bin("castboard").expect("binary");
    let out = before
        .args([
            "--database-url",
            &url,
            "org",
            "create",
            "--name",
            "B",
            "--admin-email",
            "b@b.test",
            "--admin-password",
            "0123456789",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());

    let (_, listed, _) = db.run(&["org", "list", "--database-url", &url]);
    assert_eq!(listed.lines().count(), 1);
    assert!(other.path().join("x.db").exists());
    let (_, default_db, _) = db.run(&["org", "list"]);
    assert_eq!(default_db, "", "the env database is a different one");
}

#[test]
fn every_command_has_help() {
    let db = Db::new();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["org", "--help"],
        &["org", "create", "--help"],
        &["org", "list", "--help"],
        &["org", "feature", "--help"],
        &["org", "limit", "--help"],
        &["ingest-secret", "--help"],
    ] {
        let (code, out, _) = db.run(args);
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("Usage: castboard"), "{args:?}: {out}");
    }
    let (_, out, _) = db.run(&["serve", "--help"]);
    for flag in [
        "--listen",
        "--public-url",
        "--assets-dir",
        "--demo",
        "--database-url",
        "[env: CASTBOARD_LISTEN=]",
        "[default: 127.0.0.1:3000]",
    ] {
        assert!(out.contains(flag), "{flag} in {out}");
    }
}

#[tokio::test]
async fn feature_changes_take_effect_on_a_running_server_at_once() {
    let app = common::TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    assert_eq!(
        common::body(admin.get("/api/v1/organisation").await).await["features"]["vod"],
        false
    );

    let out = Command::cargo_bin("castboard")
        .expect("binary")
        .args([
            "org",
            "feature",
            app.org.hash.as_str(),
            "vod",
            "on",
            "--database-url",
            &app.db_url,
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert_eq!(
        common::body(admin.get("/api/v1/organisation").await).await["features"]["vod"],
        true
    );
}
