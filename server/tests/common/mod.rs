//! Test harness: a real server on a real port (bound to port 0 before it is spawned) over
//! a fresh database per test, and callers that speak to it over HTTP.
//!
//! The database is a SQLite file in the test's folder, or, with
//! `CASTBOARD_TEST_BACKEND=postgres` (`make test` runs the API suites a second time so), a
//! schema of its own in the throwaway PostgreSQL cluster of scripts/postgres.sh.
#![allow(dead_code)] // each test binary uses a different part of the harness

use castboard::store::Store;
use castboard::{secrets, AppState, Settings};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use shared::model::{Feature, Organisation, Role, User};
use shared::validate::{Email, OrgName};
use std::sync::Arc;
use tempfile::TempDir;

pub mod streams;

/// The ingest hook secret of test servers.
pub const INGEST_SECRET: &str = "test-ingest-secret";

/// Passwords of accounts the harness creates.
pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub db_url: String,
    /// The media folder (`record_done` measures files only there).
    pub media_dir: std::path::PathBuf,
    pub org: Organisation,
    pub admin: Account,
    _dir: TempDir,
}

/// A user the harness created, with the password to sign in.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: User,
    pub email: String,
    pub password: String,
}

/// Whether the tests run on PostgreSQL (`CASTBOARD_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    std::env::var("CASTBOARD_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The URL of a new, empty database for one test: a SQLite file in `dir`, or on
/// PostgreSQL a new schema in the cluster's database, which the URL's connections work in.
pub async fn fresh_database(dir: &TempDir) -> String {
    if !on_postgres() {
        return format!("sqlite://{}/test.db", dir.path().display());
    }
    let url = std::env::var("CASTBOARD_TEST_POSTGRES_URL")
        .expect("CASTBOARD_TEST_POSTGRES_URL: run the tests under scripts/postgres.sh");
    new_postgres_schema(&url).await
}

/// The URL of a new, empty PostgreSQL database (a schema of its own, as
/// [`fresh_database`] makes) whichever backend the tests run on, for tests that need
/// PostgreSQL beside it; `None` (the test skips) when no cluster was started, unless
/// `CASTBOARD_REQUIRE_POSTGRES` is set (`make test`), where that fails.
pub async fn fresh_postgres_database() -> Option<String> {
    Some(new_postgres_schema(&test_postgres_url()?).await)
}

/// The throwaway cluster's database URL (scripts/postgres.sh); `None` (the test skips)
/// when no cluster was started, unless `CASTBOARD_REQUIRE_POSTGRES` is set (`make
/// test`), where that fails.
pub fn test_postgres_url() -> Option<String> {
    let Ok(url) = std::env::var("CASTBOARD_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CASTBOARD_REQUIRE_POSTGRES").is_none(),
            "CASTBOARD_TEST_POSTGRES_URL is not set: run the tests under scripts/postgres.sh"
        );
        eprintln!("skipped: no PostgreSQL (run under scripts/postgres.sh, as make test does)");
        return None;
    };
    Some(url)
}

/// A loopback port free now (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("binds")
        .local_addr()
        .expect("address")
        .port()
}

/// A new schema in the cluster's database at `url`, and a URL whose connections work in it.
async fn new_postgres_schema(url: &str) -> String {
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .expect("connects to the test cluster");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .expect("schema");
    let _ = sqlx::Connection::close(admin).await;
    format!("{url}?options=-c%20search_path%3D{schema}")
}

/// Runs one statement on a test's database, behind the store's back (a state only the
/// media processes write, or one the API refuses to make).
pub async fn execute_raw(db_url: &str, sql: &str, binds: &[RawBind]) {
    macro_rules! run_on {
        ($conn:expr) => {{
            let mut q = sqlx::query(sql);
            for b in binds {
                q = match b {
                    RawBind::Text(s) => q.bind(s.clone()),
                    RawBind::Int(i) => q.bind(*i),
                };
            }
            q.execute(&mut $conn).await.expect(sql);
            let _ = sqlx::Connection::close($conn).await;
        }};
    }
    if db_url.starts_with("postgres") {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(db_url)
            .await
            .expect("database");
        run_on!(conn);
    } else {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(db_url)
            .await
            .expect("database");
        run_on!(conn);
    }
}

/// A value bound by [`execute_raw`].
pub enum RawBind {
    Text(String),
    Int(i64),
}

impl TestApp {
    /// A server with one organisation and its admin.
    pub async fn spawn() -> TestApp {
        Self::spawn_with_assets(None).await
    }

    pub async fn spawn_with_assets(assets: Option<Arc<castboard::web::Assets>>) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_url = fresh_database(&dir).await;
        Self::spawn_on(dir, &db_url, assets, |_| {}).await
    }

    /// A server whose settings `configure` adjusts.
    pub async fn spawn_configured(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_url = fresh_database(&dir).await;
        Self::spawn_on(dir, &db_url, None, configure).await
    }

    /// A server over the database at `db_url`, which lives in `dir`.
    pub async fn spawn_on(
        dir: TempDir,
        db_url: &str,
        assets: Option<Arc<castboard::web::Assets>>,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let db_url = db_url.to_string();
        let store = Store::open(&db_url).await.expect("store opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let media_dir = dir.path().join("media");
        std::fs::create_dir_all(&media_dir).expect("media folder");
        let mut settings = Settings::new(&base, INGEST_SECRET);
        settings.media_dir = media_dir.clone();
        configure(&mut settings);
        let state = AppState::new(store.clone(), settings);
        let app = castboard::app(state, assets);
        tokio::spawn(async move {
            let _ =
                castboard::serve(listener, app, Default::default(), std::future::pending()).await;
        });
        let (org, admin) = create_org(&store, "Acme Streaming", "admin@acme.test").await;
        TestApp {
            base,
            store,
            db_url,
            media_dir,
            org,
            admin,
            _dir: dir,
        }
    }

    /// Another instance over the same database (a store, pool and writer queue of its
    /// own, as a second process has), serving on a port of its own under the same public
    /// URL, as instances behind one load balancer do; answers its base URL.
    pub async fn another_instance(&self) -> String {
        let store = Store::open(&self.db_url).await.expect("store opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let mut settings = Settings::new(&self.base, INGEST_SECRET);
        settings.media_dir = self.media_dir.clone();
        let app = castboard::app(AppState::new(store, settings), None);
        tokio::spawn(async move {
            let _ =
                castboard::serve(listener, app, Default::default(), std::future::pending()).await;
        });
        base
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Another organisation on the same server, with its admin.
    pub async fn other_org(&self) -> (Organisation, Account) {
        create_org(&self.store, "Other Org", "boss@other.test").await
    }

    /// Adds a user with `role` to the first organisation.
    pub async fn add_user(&self, role: Role) -> Account {
        self.add_user_to(self.org.id, role).await
    }

    pub async fn add_user_to(&self, org: uuid::Uuid, role: Role) -> Account {
        let email = format!("{}-{}@acme.test", role, uuid::Uuid::new_v4().simple());
        let hash = secrets::hash_password(PASSWORD).await.expect("hash");
        let user = self
            .store
            .create_user(org, &Email::parse(&email).expect("email"), &hash, role)
            .await
            .expect("user created");
        Account {
            user,
            email,
            password: PASSWORD.into(),
        }
    }

    /// A caller without credentials.
    pub fn anonymous(&self) -> Caller {
        Caller::new(&self.base, Auth::None)
    }

    /// A caller signed in as `account` (cookie session, CSRF header on writes).
    pub async fn signed_in(&self, account: &Account) -> Caller {
        let caller = Caller::new(&self.base, Auth::Session { csrf: true });
        let res = caller
            .send(
                Method::POST,
                "/api/v1/auth/login",
                Some(serde_json::json!({"email": account.email, "password": account.password})),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "sign-in of {}", account.email);
        caller
    }

    /// A caller using a new API key of the first organisation with `role`.
    pub async fn api_key(&self, role: Role) -> Caller {
        let admin = self.signed_in(&self.admin).await;
        let res = admin
            .post(
                "/api/v1/api-keys",
                serde_json::json!({"name": format!("{role} key {}", uuid::Uuid::new_v4()), "role": role}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let secret = body(res).await["secret"]
            .as_str()
            .expect("secret")
            .to_string();
        Caller::new(&self.base, Auth::Key(secret))
    }

    /// Turns features of the first organisation on (as the operator's CLI would).
    pub async fn enable(&self, features: &[Feature]) {
        for f in features {
            self.store
                .set_feature(&self.org.hash, *f, true)
                .await
                .expect("feature set");
        }
    }

    /// Turns every feature of `org` on.
    pub async fn enable_all_for(&self, org: &Organisation) {
        for f in Feature::ALL {
            self.store
                .set_feature(&org.hash, f, true)
                .await
                .expect("feature set");
        }
    }

    /// Calls an ingest hook as the media server would (form body, right secret).
    pub async fn ingest(&self, event: &str, name: &str) -> Response {
        self.ingest_with(
            event,
            &[
                ("call", event),
                ("name", name),
                ("app", "live"),
                ("addr", "127.0.0.1"),
                ("clientid", "7"),
            ],
            INGEST_SECRET,
        )
        .await
    }

    /// Calls an ingest hook with any form fields and secret.
    pub async fn ingest_with(&self, event: &str, form: &[(&str, &str)], secret: &str) -> Response {
        reqwest::Client::new()
            .post(format!(
                "{}/api/v1/ingest/{event}?secret={secret}",
                self.base
            ))
            .form(form)
            .send()
            .await
            .expect("hook sent")
    }

    /// A caller for every role, by session and by API key: (label, role, caller).
    pub async fn every_caller(&self) -> Vec<(String, Role, Caller)> {
        let mut callers = Vec::new();
        for role in Role::ALL {
            let account = if role == Role::Admin {
                self.admin.clone()
            } else {
                self.add_user(role).await
            };
            callers.push((
                format!("{role} session"),
                role,
                self.signed_in(&account).await,
            ));
            callers.push((format!("{role} API key"), role, self.api_key(role).await));
        }
        callers
    }
}

/// Creates an organisation and its admin straight in the store.
pub async fn create_org(store: &Store, name: &str, admin_email: &str) -> (Organisation, Account) {
    let hash = secrets::hash_password(PASSWORD).await.expect("hash");
    let (org, user) = store
        .create_organisation(
            &OrgName::parse(name).expect("name"),
            &Email::parse(admin_email).expect("email"),
            &hash,
        )
        .await
        .expect("organisation created");
    (
        org,
        Account {
            user,
            email: admin_email.into(),
            password: PASSWORD.into(),
        },
    )
}

/// How a caller authenticates.
#[derive(Clone)]
pub enum Auth {
    None,
    /// The cookie jar of the client; `csrf` adds `X-Requested-With: castboard` to writes.
    Session {
        csrf: bool,
    },
    Key(String),
}

/// One HTTP client with one identity.
#[derive(Clone)]
pub struct Caller {
    pub client: reqwest::Client,
    base: String,
    auth: Auth,
}

impl Caller {
    pub fn new(base: &str, auth: Auth) -> Caller {
        Caller {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: base.into(),
            auth,
        }
    }

    /// The same identity (cookies included) speaking to another server.
    pub fn at(&self, base: &str) -> Caller {
        Caller {
            base: base.into(),
            ..self.clone()
        }
    }

    /// The same session, without the CSRF header on writes.
    pub fn without_csrf(&self) -> Caller {
        Caller {
            auth: Auth::Session { csrf: false },
            ..self.clone()
        }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{}", self.base, path));
        match &self.auth {
            Auth::None => {}
            Auth::Session { csrf } => {
                if *csrf && method != Method::GET {
                    req = req.header("X-Requested-With", "castboard");
                }
            }
            Auth::Key(secret) => req = req.header("X-API-Key", secret),
        }
        req
    }

    pub async fn send(&self, method: Method, path: &str, json: Option<Value>) -> Response {
        let mut req = self.request(method, path);
        if let Some(json) = json {
            req = req.json(&json);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, json: Value) -> Response {
        self.send(Method::POST, path, Some(json)).await
    }
    pub async fn post_empty(&self, path: &str) -> Response {
        self.send(Method::POST, path, None).await
    }
    pub async fn patch(&self, path: &str, json: Value) -> Response {
        self.send(Method::PATCH, path, Some(json)).await
    }
    pub async fn put(&self, path: &str, json: Value) -> Response {
        self.send(Method::PUT, path, Some(json)).await
    }
    pub async fn delete(&self, path: &str) -> Response {
        self.send(Method::DELETE, path, None).await
    }

    /// Creates a stream (asserting 201) and returns its object.
    pub async fn create_stream(&self, json: Value) -> Value {
        let res = self.post("/api/v1/streams", json).await;
        let status = res.status();
        let v = body(res).await;
        assert_eq!(status, StatusCode::CREATED, "create stream: {v}");
        v
    }
}

/// The JSON body of a response.
pub async fn body(res: Response) -> Value {
    let text = res.text().await.expect("body read");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// Asserts the status and the API error shape with `code`; returns the body.
pub async fn assert_error(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status of {}", res.url());
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let v = body(res).await;
    assert_eq!(v["error"]["code"], code, "error body: {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "message missing: {v}"
    );
    let keys: Vec<&String> = v["error"].as_object().expect("object").keys().collect();
    assert!(
        keys.iter()
            .all(|k| ["code", "message", "fields"].contains(&k.as_str())),
        "unexpected keys: {v}"
    );
    v
}
