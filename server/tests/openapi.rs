//! The OpenAPI document and its browsable reference, and the document compared with the
//! server: what it declares about request bodies and parameters is sent to the server.

mod common;

use common::streams::seed_group;
use common::{assert_error, body, Caller, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::Role;
use shared::stream::StreamState;
use std::sync::atomic::{AtomicU32, Ordering};

/// Every path of the API with its methods.
const PATHS: [(&str, &[&str]); 39] = [
    ("/api/v1/auth/login", &["post"]),
    ("/api/v1/auth/logout", &["post"]),
    ("/api/v1/me", &["get"]),
    ("/api/v1/me/password", &["post"]),
    ("/api/v1/organisation", &["get", "patch"]),
    ("/api/v1/users", &["get", "post"]),
    ("/api/v1/users/{id}", &["patch", "delete"]),
    ("/api/v1/users/{id}/password", &["put"]),
    ("/api/v1/api-keys", &["get", "post"]),
    ("/api/v1/api-keys/{id}", &["delete"]),
    ("/api/v1/streams", &["get", "post"]),
    ("/api/v1/streams/{id}", &["get", "patch", "delete"]),
    ("/api/v1/streams/{id}/tags", &["put"]),
    ("/api/v1/streams/{id}/lock", &["post"]),
    ("/api/v1/streams/{id}/unlock", &["post"]),
    (
        "/api/v1/streams/{id}/test-source",
        &["get", "post", "delete"],
    ),
    ("/api/v1/streams/{group_id}/profiles", &["post"]),
    (
        "/api/v1/streams/{group_id}/profiles/{member_id}",
        &["patch", "delete"],
    ),
    ("/api/v1/streams/{id}/processes", &["get"]),
    ("/api/v1/streams/{id}/processes/transcoding", &["get"]),
    (
        "/api/v1/streams/{id}/processes/thumbnails",
        &["get", "patch"],
    ),
    (
        "/api/v1/streams/{id}/processes/motion_clips",
        &["get", "patch"],
    ),
    (
        "/api/v1/streams/{id}/processes/recording",
        &["get", "patch"],
    ),
    ("/api/v1/streams/{id}/processes/replay", &["get", "patch"]),
    ("/api/v1/profiles/presets", &["get"]),
    ("/api/v1/tags", &["get"]),
    ("/api/v1/events", &["get"]),
    ("/api/v1/ingest/{event}", &["post"]),
    ("/api/v1/ingest-log", &["get"]),
    ("/api/v1/streams/{id}/ingest-log", &["get"]),
    ("/api/v1/streams/{id}/snippets", &["get"]),
    ("/api/v1/streams/{id}/health", &["get"]),
    ("/api/v1/player", &["get"]),
    ("/api/v1/tokens", &["get", "post"]),
    ("/api/v1/tokens/verify", &["post"]),
    ("/api/v1/tokens/{id}/revoke", &["post"]),
    ("/api/v1/signing-keys", &["get", "post"]),
    ("/api/v1/signing-keys/{kid}", &["delete"]),
    ("/.well-known/jwks.json", &["get"]),
];

#[tokio::test]
async fn the_document_needs_no_auth_and_lists_every_path() {
    let app = TestApp::spawn().await;

    let res = app.anonymous().get("/api/v1/openapi.json").await;

    assert_eq!(res.status().as_u16(), 200);
    let doc = body(res).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    let mut listed: Vec<&str> = paths.keys().map(String::as_str).collect();
    listed.sort_unstable();
    let mut expected: Vec<&str> = PATHS.iter().map(|(p, _)| *p).collect();
    expected.sort_unstable();
    assert_eq!(listed, expected);
    for (path, methods) in PATHS {
        let ops: Vec<&str> = paths[path]
            .as_object()
            .expect("ops")
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with("parameters"))
            .collect();
        assert_eq!(ops.len(), methods.len(), "{path}: {ops:?}");
        for m in methods {
            assert!(paths[path][m].is_object(), "{m} {path}");
        }
    }
    for schema in [
        "Session",
        "Me",
        "Organisation",
        "User",
        "ApiKey",
        "CreatedApiKey",
        "ErrorBody",
        "CreateUser",
        "UpdateOrganisation",
        "CreateToken",
        "TokenScope",
        "IssuedToken",
        "TokenInfo",
        "TokenClaims",
        "VerifyToken",
        "Verification",
        "SigningKeyInfo",
        "CreatedSigningKey",
        "Jwks",
        "Snippets",
        "StartTestSource",
        "TestSource",
        "HealthHistory",
        "StreamHealth",
        "HealthSample",
        "IngestAttempt",
        "IngestRefusal",
        "Process",
        "ProcessSettings",
        "ProcessState",
        "ProcessKind",
        "TranscodingSettings",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["name"],
        "X-API-Key"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["session"]["name"],
        "castboard_session"
    );
}

#[tokio::test]
async fn the_reference_page_shows_every_operation() {
    let app = TestApp::spawn().await;

    let res = app.anonymous().get("/api/docs").await;

    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    let html = res.text().await.expect("text");
    for (path, methods) in PATHS {
        for m in methods {
            let needle = format!(
                r#"<span class="method method-{m}">{}</span> <code>{path}</code>"#,
                m.to_uppercase()
            );
            assert!(html.contains(&needle), "{needle}");
        }
    }
    assert!(!html.contains("<script"), "the reference needs no script");
    let css = app.anonymous().get("/api/docs/docs.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

// ---------------------------------------------------------------------------------------
// The document against the server
//
// The tests below read the document, not a list of their own: every operation with a
// body, every constrained body property (at any depth) and query parameter, every object
// schema. Each declared bound is sent at the bound (the operation's success status) and
// just past it (422 naming the field); each object is sent a property it does not list
// (refused exactly when it declares `additionalProperties: false`) and an array in its
// place (refused). A constraint added to the document is therefore sent to the server
// without a change here, apart from example values for a new kind of text
// (`World::texts`) or a new body (`World::template`), which the test asks for by name.
// ---------------------------------------------------------------------------------------

/// Processing settings within every bound, for base bodies.
const PROCESSING: &str = r#"{
    "thumbnails": {"enabled": false, "interval_s": 30},
    "motion_clips": {"enabled": false, "interval_s": 60, "duration_s": 5},
    "recording": {"enabled": false, "duration_s": 600},
    "replay": {"enabled": false, "duration_s": 600}
}"#;

const PRESET: &str = "vtrans2-852x480x800x25";

/// A server with every feature on, an admin API key (no CSRF header needed), and the
/// objects the operations act on.
struct World {
    app: TestApp,
    admin: Caller,
    /// A single stream (PATCH, tags, snippets).
    stream: String,
    /// A group with one transcode (PATCH of a profile).
    group: String,
    transcode: String,
    /// A user who is not the last admin.
    user: String,
    /// Streamnames of the organisation, enough for the largest scope.
    names: Vec<String>,
    /// Makes each created user's email unique.
    serial: AtomicU32,
}

/// One request of the table: a concrete path (fresh objects where a success changes
/// what the next request may do), the status a valid request answers, and valid base
/// bodies; a probe uses the first base that holds the probed field.
struct Template {
    path: String,
    success: u16,
    bodies: Vec<Value>,
}

/// Values to probe a kind of text with: one of each length, values its pattern matches
/// (the server accepts them) and values it does not (the server refuses them).
struct Texts {
    of_len: fn(usize) -> String,
    matching: Vec<String>,
    refused: Vec<String>,
}

impl World {
    async fn new() -> World {
        // Test sources need a media server and ffmpeg: an operator's, and a stand-in
        // that ends at once (`true`), publishing nowhere.
        let app = TestApp::spawn_configured(|s| {
            s.media = castboard::media::MediaMode::External;
            s.ffmpeg = "true".into();
            s.rtmp_url = "rtmp://127.0.0.1:9/live".into();
        })
        .await;
        app.enable_all_for(&app.org).await;
        let admin = app.api_key(Role::Admin).await;
        let stream = admin.create_stream(json!({})).await;
        let group = admin
            .create_stream(json!({"transcodes": [{"preset": PRESET}]}))
            .await;
        let user = app.add_user(Role::User).await;
        let now = castboard::store::now_millis();
        let seeds: Vec<_> = (0..101)
            .map(|_| seed_group(StreamState::Created, now, &[], &[]))
            .collect();
        app.store
            .seed_groups(app.org.id, &app.org.hash, &seeds)
            .await
            .expect("seeded");
        let listed = body(admin.get("/api/v1/streams?per_page=150&group=false").await).await;
        let names = listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|s| s["name"].as_str().expect("name").to_string())
            .collect();
        World {
            stream: id(&stream),
            group: id(&group),
            transcode: id(&group["members"][1]),
            user: user.user.id.to_string(),
            admin,
            app,
            names,
            serial: AtomicU32::new(0),
        }
    }

    /// Who sends to `path`: the admin's API key, except for a change of one's own
    /// password, which only a signed-in user makes and which changes the caller's
    /// password: a new user signs in for each.
    async fn caller(&self, path: &str) -> Caller {
        if path == "/api/v1/me/password" {
            let user = self.app.add_user(Role::User).await;
            self.app.signed_in(&user).await
        } else {
            self.admin.clone()
        }
    }

    /// The table of request templates, by the document's method and path.
    async fn template(&self, method: &str, path: &str) -> Template {
        let processing: Value = serde_json::from_str(PROCESSING).expect("JSON");
        let custom = json!({"width": 852, "height": 480, "bitrate_kbps": 800, "framerate": 25});
        let (concrete, success, bodies) = match (method, path) {
            ("post", "/api/v1/auth/login") => (
                path.to_string(),
                200,
                vec![json!({"email": self.app.admin.email, "password": self.app.admin.password})],
            ),
            ("patch", "/api/v1/organisation") => (
                path.to_string(),
                200,
                vec![
                    json!({"name": "Acme Streaming", "webhook_url": "https://hooks.example.com/cb"}),
                ],
            ),
            ("post", "/api/v1/users") => {
                let n = self.serial.fetch_add(1, Ordering::Relaxed);
                (
                    path.to_string(),
                    201,
                    vec![
                        json!({"email": format!("probe{n}@acme.test"), "password": "long-enough-pw", "role": "user"}),
                    ],
                )
            }
            ("patch", "/api/v1/users/{id}") => (
                format!("/api/v1/users/{}", self.user),
                200,
                vec![json!({"role": "read_only"})],
            ),
            // Names are unique in the organisation.
            ("post", "/api/v1/api-keys") => {
                let n = self.serial.fetch_add(1, Ordering::Relaxed);
                (
                    path.to_string(),
                    201,
                    vec![json!({"name": format!("probe {n}"), "role": "user"})],
                )
            }
            // Sent as a user of its own each time (see `send`), whose password is this.
            ("post", "/api/v1/me/password") => (
                path.to_string(),
                204,
                vec![
                    json!({"current_password": common::PASSWORD, "new_password": "another long passphrase"}),
                ],
            ),
            ("put", "/api/v1/users/{id}/password") => (
                format!("/api/v1/users/{}/password", self.user),
                204,
                vec![json!({"password": "long-enough-pw"})],
            ),
            ("post", "/api/v1/streams") => (
                path.to_string(),
                201,
                vec![
                    json!({
                        "tags": ["a"],
                        "transcodes": [merge(&custom, json!({"tags": ["b"], "processing": processing}))],
                        "processing": processing,
                        "timecode": {"enabled": true, "interval_ms": 2000},
                        "push_url": "rtmp://live.example.com/app"
                    }),
                    json!({"transcodes": [{"preset": PRESET}]}),
                ],
            ),
            ("patch", "/api/v1/streams/{id}") => (
                format!("/api/v1/streams/{}", self.stream),
                200,
                vec![json!({
                    "tags": ["a"],
                    "push_url": "rtmp://live.example.com/app",
                    "timecode": {"enabled": true, "interval_ms": 2000},
                    "processing": processing,
                    "sync_processing_to_group": false
                })],
            ),
            ("patch", "/api/v1/streams/{id}/processes/thumbnails") => (
                format!("/api/v1/streams/{}/processes/thumbnails", self.stream),
                200,
                vec![json!({"enabled": true, "interval_s": 30})],
            ),
            ("patch", "/api/v1/streams/{id}/processes/motion_clips") => (
                format!("/api/v1/streams/{}/processes/motion_clips", self.stream),
                200,
                vec![json!({"enabled": true, "interval_s": 60, "duration_s": 5})],
            ),
            ("patch", "/api/v1/streams/{id}/processes/recording") => (
                format!("/api/v1/streams/{}/processes/recording", self.stream),
                200,
                vec![json!({"enabled": true, "duration_s": 600})],
            ),
            ("patch", "/api/v1/streams/{id}/processes/replay") => (
                format!("/api/v1/streams/{}/processes/replay", self.stream),
                200,
                vec![json!({"enabled": true, "duration_s": null})],
            ),
            ("put", "/api/v1/streams/{id}/tags") => (
                format!("/api/v1/streams/{}/tags", self.stream),
                200,
                vec![json!({"tags": ["a"]})],
            ),
            // Each success adds a member, so every request gets a group of its own.
            ("post", "/api/v1/streams/{group_id}/profiles") => {
                let group = self.admin.create_stream(json!({})).await;
                (
                    format!("/api/v1/streams/{}/profiles", id(&group)),
                    201,
                    vec![custom.clone(), json!({"preset": PRESET})],
                )
            }
            ("patch", "/api/v1/streams/{group_id}/profiles/{member_id}") => (
                format!("/api/v1/streams/{}/profiles/{}", self.group, self.transcode),
                200,
                vec![custom.clone(), json!({"preset": PRESET})],
            ),
            // A stream of its own each time (one test source per group); the stand-in
            // ffmpeg (`true`) ends at once, so no test source stays running.
            ("post", "/api/v1/streams/{id}/test-source") => {
                let stream = self.admin.create_stream(json!({})).await;
                (
                    format!("/api/v1/streams/{}/test-source", id(&stream)),
                    202,
                    vec![json!({"duration_s": 60})],
                )
            }
            ("post", "/api/v1/tokens") => (
                path.to_string(),
                201,
                vec![
                    json!({
                        "scope": {"group": self.group},
                        "ip": "203.0.113.7",
                        "domain": "www.example.com",
                        "user_id": "viewer-1",
                        "tag": "campaign",
                        "revocable": false,
                        "force_disconnect": false
                    }),
                    json!({"scope": {"streams": [self.names[0]]}}),
                    json!({"scope": {"organisation": true}}),
                ],
            ),
            ("post", "/api/v1/tokens/verify") => (
                path.to_string(),
                200,
                vec![json!({
                    "token": "a.b.c",
                    "stream": self.names[0],
                    "ip": "203.0.113.7",
                    "domain": "www.example.com"
                })],
            ),
            ("post", "/api/v1/ingest/{event}") => (
                // publish_done of a stream that is not live changes nothing.
                format!(
                    "/api/v1/ingest/publish_done?secret={}",
                    common::INGEST_SECRET
                ),
                204,
                vec![Value::String(format!(
                    "call=publish_done&name={}",
                    self.names[0]
                ))],
            ),
            ("get", "/api/v1/streams") => (path.to_string(), 200, vec![]),
            ("get", "/api/v1/tokens") => (path.to_string(), 200, vec![]),
            ("get", "/api/v1/ingest-log") => (path.to_string(), 200, vec![]),
            ("get", "/api/v1/streams/{id}/ingest-log") => (
                format!("/api/v1/streams/{}/ingest-log", self.stream),
                200,
                vec![],
            ),
            ("get", "/api/v1/streams/{id}/snippets") => (
                format!("/api/v1/streams/{}/snippets", self.stream),
                200,
                vec![],
            ),
            ("get", "/.well-known/jwks.json") => (path.to_string(), 200, vec![]),
            _ => panic!("no request template for {method} {path}: add one to World::template"),
        };
        Template {
            path: concrete,
            success,
            bodies,
        }
    }

    /// Query pairs an operation needs besides the probed one.
    fn base_query(&self, path: &str) -> Vec<(String, String)> {
        match path {
            "/.well-known/jwks.json" => vec![("org".into(), self.app.org.hash.to_string())],
            _ => vec![],
        }
    }

    /// Example values of a kind of text, by its schema's name (or its parameter's, when
    /// the schema is inline). Values the server normalises first (surrounding white
    /// space, which it trims) lie outside the patterns on purpose and are not listed.
    fn texts(&self, kind: &str) -> Option<Texts> {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let label = |matching: &[&str]| Texts {
            // Two bytes a character: lengths are counted in characters.
            of_len: |n| "é".repeat(n),
            matching: strings(matching),
            refused: strings(&["a\u{7}b", "two\nlines", "\u{85}"]),
        };
        Some(match kind {
            "Tag" | "tag" => label(&["sport", "key:value", "a/b", "a b"]),
            "OrgName" => label(&["Acme Streaming", "Ünïcödé Org"]),
            "ApiKeyName" => label(&["ci deploy", "k"]),
            "TokenLabel" => label(&["viewer-42", "spring campaign"]),
            "Password" => Texts {
                of_len: |n| "p".repeat(n),
                matching: vec![],
                refused: vec![],
            },
            "Email" => Texts {
                of_len: |n| format!("{}@example.com", "a".repeat(n - 12)),
                matching: strings(&["new.person@example.org", "ä+x@bücher.example"]),
                refused: strings(&[
                    "ana@localhost",
                    "a na@example.org",
                    "@example.org",
                    "ana@@example.org",
                    "ana@example..org",
                ]),
            },
            "WebhookUrl" => Texts {
                of_len: |n| format!("https://example.com/{}", "a".repeat(n - 20)),
                matching: strings(&[
                    "https://hooks.example.com/castboard?x=1",
                    "HTTP://10.0.0.1:8080/",
                    "http://[::1]:9000/hook",
                    "https://user@host.example/",
                ]),
                refused: strings(&[
                    "ftp://example.com",
                    "https://",
                    "https://:80/",
                    "https://exa mple.com",
                    "javascript:alert(1)",
                ]),
            },
            "PushUrl" => Texts {
                of_len: |n| format!("rtmp://live.example.com/{}", "a".repeat(n - 24)),
                matching: strings(&[
                    "rtmp://live.example.com/app/key",
                    "RTMPS://live.example.com:443/app",
                    "srt://10.0.0.1:9000?streamid=x",
                ]),
                refused: strings(&[
                    "https://live.example.com/app",
                    "rtmp:///app",
                    "rtmp://:1935/app",
                    "rtmp://a b/app",
                ]),
            },
            "Domain" => Texts {
                // Labels of 63 letters: only the whole length can be too long.
                of_len: |n| {
                    (0..n)
                        .map(|i| if i % 64 == 63 { '.' } else { 'a' })
                        .collect()
                },
                matching: strings(&["www.example.com", "LOCALHOST", "a-b.c0"]),
                refused: strings(&[
                    "https://example.com",
                    "example.com:443",
                    "-a.com",
                    "a_b.com",
                    "a..b",
                ]),
            },
            "PlaybackJwt" | "token" => Texts {
                of_len: |n| format!("{}.b.c", "a".repeat(n - 4)),
                matching: strings(&["a.b.c", "eyJ0.eyJz.s-_g"]),
                refused: strings(&["a.b", "a.b.c.d", "a.b.c=", "a..c"]),
            },
            "StreamName" => Texts {
                of_len: |_| unreachable!("a streamname has no length bounds"),
                matching: vec![self.names[0].clone()],
                refused: strings(&["abc", "AbC12_xYz89", "AbC12-xYz8"]),
            },
            "StreamLookup" | "q" => Texts {
                of_len: |_| unreachable!("a lookup has no length bounds"),
                matching: vec![
                    self.names[0].clone(),
                    "7c1e2b3a-0000-4000-8000-00000000abcd".into(),
                ],
                refused: strings(&["abc", "7c1e2b3a00004000800000000000abcd", "AbC12-xYz8"]),
            },
            "OrgHash" | "org" => Texts {
                of_len: |_| unreachable!("a hash has no length bounds"),
                matching: vec![self.app.org.hash.to_string()],
                refused: strings(&["HX26", "HX-6g", "HX26g1"]),
            },
            "StartQuality" | "start_quality" => Texts {
                of_len: |_| unreachable!("a start quality has no length bounds"),
                matching: strings(&["auto", "0"]),
                refused: strings(&["x", "-1", "1000", "AUTO"]),
            },
            "state" => Texts {
                of_len: |_| unreachable!("a state list has no length bounds"),
                matching: strings(&["live", "all", "created,deleted"]),
                refused: strings(&["gone", "Live", "live;ended"]),
            },
            _ => return None,
        })
    }

    /// Distinct valid items of a list, by the list's schema name.
    fn item(&self, kind: &str, i: usize) -> Value {
        match kind {
            "Tags" => json!(format!("t{i}")),
            "ScopeStreams" => json!(self.names[i]),
            _ => panic!("no items for lists of kind {kind}: add them to World::item"),
        }
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// `base` with the keys of `extra` added.
fn merge(base: &Value, extra: Value) -> Value {
    let mut out = base.clone();
    if let (Some(o), Value::Object(e)) = (out.as_object_mut(), extra) {
        o.extend(e);
    }
    out
}

/// A step into a body: a key of an object, or the first item of an array.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Item,
}

/// Where a constraint applies.
#[derive(Clone, Debug, PartialEq)]
enum Place {
    Body(Vec<Step>),
    Query(String),
}

/// What the document declares at a place.
#[derive(Clone, Debug)]
enum Rule {
    /// A value with some of enum, minimum, maximum, minLength, maxLength, pattern.
    Value { kind: String, schema: Value },
    /// A list with minItems or maxItems.
    Items { kind: String, schema: Value },
    /// An object with `additionalProperties: false`; `shape` when it is one of several
    /// shapes (an enum's variant, which serde reports at the object itself).
    Closed { shape: bool },
    /// An object open to other properties.
    Open,
}

#[derive(Clone, Debug)]
struct Site {
    place: Place,
    rule: Rule,
}

const CONSTRAINTS: [&str; 6] = [
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
];

/// The field name the server reports for a value at `steps`: a value directly in a list
/// (a tag, a streamname) is reported at the list, which is checked as a whole (its
/// message names the position).
fn value_field(steps: &[Step]) -> String {
    match steps.split_last() {
        Some((Step::Item, list)) => field_name(list),
        _ => field_name(steps),
    }
}

/// The field name the server reports for `steps`: `transcodes[0].processing.replay`.
fn field_name(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Item => out.push_str("[0]"),
        }
    }
    out
}

/// Collects the sites of `schema` (at `steps`) into `out`, following `$ref`s; `name` is
/// the component the schema came from.
fn walk(
    doc: &Value,
    schema: &Value,
    steps: Vec<Step>,
    name: Option<&str>,
    shape: bool,
    out: &mut Vec<Site>,
) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().expect("a component name");
        let target = &doc["components"]["schemas"][name];
        assert!(target.is_object(), "dangling {r}");
        return walk(doc, target, steps, Some(name), shape, out);
    }
    for unread in ["allOf", "anyOf", "not", "if"] {
        assert!(
            schema[unread].is_null(),
            "the walk does not read {unread} yet: {schema}"
        );
    }
    if let Some(alternatives) = schema["oneOf"].as_array() {
        let shapes: Vec<&Value> = alternatives
            .iter()
            .filter(|a| a["type"] != "null")
            .collect();
        for a in &shapes {
            walk(doc, a, steps.clone(), name, shapes.len() > 1, out);
        }
        return;
    }
    let kind = name
        .map(str::to_string)
        .unwrap_or_else(|| match steps.last() {
            Some(Step::Key(k)) => k.clone(),
            _ => "item".into(),
        });
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if types.contains(&"object") || schema["properties"].is_object() {
        let rule = if schema["additionalProperties"] == false {
            Rule::Closed { shape }
        } else {
            Rule::Open
        };
        out.push(Site {
            place: Place::Body(steps.clone()),
            rule,
        });
        for (key, property) in schema["properties"].as_object().into_iter().flatten() {
            let mut next = steps.clone();
            next.push(Step::Key(key.clone()));
            walk(doc, property, next, None, false, out);
        }
    } else if types.contains(&"array") {
        if schema["minItems"].is_u64() || schema["maxItems"].is_u64() {
            out.push(Site {
                place: Place::Body(steps.clone()),
                rule: Rule::Items {
                    kind,
                    schema: schema.clone(),
                },
            });
        }
        let mut next = steps;
        next.push(Step::Item);
        walk(doc, &schema["items"], next, None, false, out);
    } else if CONSTRAINTS.iter().any(|c| !schema[c].is_null()) {
        out.push(Site {
            place: Place::Body(steps),
            rule: Rule::Value {
                kind,
                schema: schema.clone(),
            },
        });
    }
}

/// The sites of one operation: its body's and its query parameters'.
fn sites(doc: &Value, operation: &Value) -> Vec<Site> {
    let mut out = Vec::new();
    if let Some(schema) = operation["requestBody"]["content"]["application/json"].get("schema") {
        walk(doc, schema, Vec::new(), None, false, &mut out);
    }
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        if parameter["in"] != "query" {
            continue;
        }
        let name = parameter["name"].as_str().expect("name");
        let (kind, schema) = match parameter["schema"]["$ref"].as_str() {
            Some(r) => {
                let kind = r.rsplit('/').next().expect("name");
                (kind.to_string(), doc["components"]["schemas"][kind].clone())
            }
            None => (name.to_string(), parameter["schema"].clone()),
        };
        if CONSTRAINTS.iter().any(|c| !schema[c].is_null()) {
            out.push(Site {
                place: Place::Query(name.to_string()),
                rule: Rule::Value { kind, schema },
            });
        }
    }
    // The shapes of one choice are one object to the server.
    let mut unique: Vec<Site> = Vec::new();
    for site in out {
        let seen = unique.iter().any(|u| {
            u.place == site.place
                && matches!(
                    (&u.rule, &site.rule),
                    (
                        Rule::Closed { .. } | Rule::Open,
                        Rule::Closed { .. } | Rule::Open
                    )
                )
        });
        if !seen {
            unique.push(site);
        }
    }
    unique
}

/// Every operation of the document: (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                out.push((method.clone(), path.clone(), operation.clone()));
            }
        }
    }
    out
}

/// One request to send and what must come back: the success status, or 422 naming
/// `field`.
#[derive(Debug)]
struct Probe {
    value: Value,
    accepted: bool,
    why: String,
}

fn integer(v: &Value) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| panic!("an integer bound: {v}"))
}

/// The probes of a value's declared constraints.
fn value_probes(world: &World, kind: &str, schema: &Value) -> Vec<Probe> {
    let mut probes = Vec::new();
    let mut probe = |value: Value, accepted: bool, why: String| {
        probes.push(Probe {
            value,
            accepted,
            why,
        })
    };
    if let Some(values) = schema["enum"].as_array() {
        for v in values {
            probe(v.clone(), true, format!("enum value {v}"));
        }
        if values.iter().all(Value::is_i64) {
            let mut ints: Vec<i64> = values.iter().map(integer).collect();
            ints.sort_unstable();
            let gap = (ints[0]..ints[ints.len() - 1]).find(|i| !ints.contains(i));
            for outside in [Some(ints[0] - 1), Some(ints[ints.len() - 1] + 1), gap]
                .into_iter()
                .flatten()
            {
                probe(
                    json!(outside),
                    false,
                    format!("{outside} is not in the enum"),
                );
            }
        } else if values.iter().all(Value::is_boolean) {
            for b in [true, false] {
                if !values.contains(&json!(b)) {
                    probe(json!(b), false, format!("{b} is not in the enum"));
                }
            }
        } else {
            let first = values[0].as_str().expect("a string enum");
            for outside in [format!("{first}x"), first.to_uppercase()] {
                if !values.contains(&json!(outside)) {
                    probe(
                        json!(outside),
                        false,
                        format!("{outside:?} is not in the enum"),
                    );
                }
            }
        }
    }
    if !schema["minimum"].is_null() {
        let m = integer(&schema["minimum"]);
        probe(json!(m), true, format!("minimum {m}"));
        probe(json!(m - 1), false, format!("below minimum {m}"));
    }
    if !schema["maximum"].is_null() {
        let m = integer(&schema["maximum"]);
        probe(json!(m), true, format!("maximum {m}"));
        probe(json!(m + 1), false, format!("above maximum {m}"));
    }
    let texts = || {
        world
            .texts(kind)
            .unwrap_or_else(|| panic!("no example texts of kind {kind}: add them to World::texts"))
    };
    for (keyword, inside, outside) in [("minLength", 0, -1), ("maxLength", 0, 1)] {
        if let Some(n) = schema[keyword].as_u64() {
            let n = n as i64;
            let of_len = texts().of_len;
            probe(
                json!(of_len((n + inside) as usize)),
                true,
                format!("{keyword} {n}"),
            );
            if n + outside >= 0 {
                probe(
                    json!(of_len((n + outside) as usize)),
                    false,
                    format!("{keyword} {n}, given {}", n + outside),
                );
            }
        }
    }
    if let Some(pattern) = schema["pattern"].as_str() {
        let regex = regex::Regex::new(pattern).expect("a pattern Rust's regex reads");
        let texts = texts();
        assert!(
            !texts.matching.is_empty() && !texts.refused.is_empty(),
            "example texts of kind {kind} must include matching and refused ones"
        );
        for s in texts.matching {
            assert!(regex.is_match(&s), "{s:?} should match {pattern} ({kind})");
            probe(json!(s), true, "matches the pattern".into());
        }
        for s in texts.refused {
            assert!(
                !regex.is_match(&s),
                "{s:?} should not match {pattern} ({kind})"
            );
            probe(json!(s), false, "does not match the pattern".into());
        }
    }
    probes
}

/// The probes of a list's declared item counts.
fn item_probes(world: &World, kind: &str, schema: &Value) -> Vec<Probe> {
    let list = |n: u64| Value::Array((0..n as usize).map(|i| world.item(kind, i)).collect());
    let mut probes = Vec::new();
    if let Some(n) = schema["minItems"].as_u64() {
        probes.push(Probe {
            value: list(n),
            accepted: true,
            why: format!("minItems {n}"),
        });
        if n > 0 {
            probes.push(Probe {
                value: list(n - 1),
                accepted: false,
                why: format!("minItems {n}, given {}", n - 1),
            });
        }
    }
    if let Some(n) = schema["maxItems"].as_u64() {
        probes.push(Probe {
            value: list(n),
            accepted: true,
            why: format!("maxItems {n}"),
        });
        probes.push(Probe {
            value: list(n + 1),
            accepted: false,
            why: format!("maxItems {n}, given {}", n + 1),
        });
    }
    probes
}

fn at<'a>(body: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    steps.iter().try_fold(body, |v, step| match step {
        Step::Key(k) => v.as_object_mut()?.get_mut(k),
        Step::Item => v.as_array_mut()?.get_mut(0),
    })
}

/// `body` with `value` at `steps` (which the body holds).
fn with_value(body: &Value, steps: &[Step], value: Value) -> Value {
    let mut out = body.clone();
    *at(&mut out, steps).expect("the base holds the place") = value;
    out
}

/// Sends `body` (or the query `pairs`) and returns the status and the JSON answer.
async fn send(
    world: &World,
    method: &str,
    path: &str,
    body: Option<&Value>,
    pairs: &[(String, String)],
) -> (u16, Value) {
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
    let mut req = world.caller(path).await.request(method, path).query(pairs);
    if let Some(body) = body {
        req = req.json(body);
    }
    let res = req.send().await.expect("sent");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body read");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Fields the server reports at an enclosing object: a timecode is checked whole (its
/// wire form is read, then bounded), and the dashboard shows its error at `timecode`.
const REPORTED_AT: [(&str, &str); 1] = [("timecode.interval_ms", "timecode")];

/// Asserts the answer to a probe: the success status, or 422 naming exactly `field` (or
/// no field when `field` is empty).
fn check((status, answer): (u16, Value), accepted: bool, success: u16, field: &str, what: &str) {
    if accepted {
        assert_eq!(status, success, "{what}: {answer}");
        return;
    }
    let field = REPORTED_AT
        .iter()
        .find(|(inner, _)| *inner == field)
        .map_or(field, |(_, outer)| outer);
    assert_eq!(status, 422, "{what}: {answer}");
    assert_eq!(answer["error"]["code"], "validation_failed", "{what}");
    let fields: Vec<&str> = answer["error"]["fields"]
        .as_object()
        .unwrap_or_else(|| panic!("{what}: no fields in {answer}"))
        .keys()
        .map(String::as_str)
        .collect();
    // A refusal of the whole body names no field.
    let want: Vec<&str> = [field].into_iter().filter(|f| !f.is_empty()).collect();
    assert_eq!(fields, want, "{what}: {answer}");
}

/// The probes of a body site.
fn site_probes(world: &World, rule: &Rule) -> Vec<Probe> {
    match rule {
        Rule::Value { kind, schema } => value_probes(world, kind, schema),
        Rule::Items { kind, schema } => item_probes(world, kind, schema),
        Rule::Closed { .. } | Rule::Open => vec![
            Probe {
                value: json!({"unknown_field": 1}),
                accepted: matches!(rule, Rule::Open),
                why: "a property the schema does not list".into(),
            },
            // serde's structs would read an array field by field; objects are objects.
            Probe {
                value: json!([]),
                accepted: false,
                why: "an array where the object is due".into(),
            },
        ],
    }
}

/// The body of `probe` at `steps` of `base`, and the field a refusal names (none for the
/// body as a whole). At an object, a probe that is an object adds its properties; any
/// other value takes the place of the object.
fn probed(base: &Value, steps: &[Step], rule: &Rule, probe: &Probe) -> (Value, String) {
    match (rule, &probe.value) {
        (Rule::Closed { .. } | Rule::Open, Value::Object(extra)) => {
            let mut body = base.clone();
            let object = at(&mut body, steps)
                .and_then(Value::as_object_mut)
                .expect("an object");
            let mut inner = steps.to_vec();
            for (key, value) in extra {
                object.insert(key.clone(), value.clone());
                // serde reports an unknown key of an enum's variant at the variant's
                // object, any other one within its object.
                if !matches!(rule, Rule::Closed { shape: true }) {
                    inner.push(Step::Key(key.clone()));
                }
            }
            (body, field_name(&inner))
        }
        (Rule::Closed { .. } | Rule::Open, _) => (
            with_value(base, steps, probe.value.clone()),
            field_name(steps),
        ),
        _ => (
            with_value(base, steps, probe.value.clone()),
            value_field(steps),
        ),
    }
}

/// Sends every probe of `site` of one operation; returns how many.
async fn probe_site(
    world: &World,
    method: &str,
    path: &str,
    bases: &[Value],
    site: &Site,
) -> usize {
    let mut sent = 0;
    match (&site.place, &site.rule) {
        (Place::Query(name), Rule::Value { kind, schema }) => {
            for probe in value_probes(world, kind, schema) {
                let template = world.template(method, path).await;
                let text = match &probe.value {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                let mut pairs = world.base_query(path);
                pairs.retain(|(k, _)| k != name);
                pairs.push((name.clone(), text));
                let what = format!("{method} {path} ?{name}={}: {}", probe.value, probe.why);
                let answer = send(world, method, &template.path, None, &pairs).await;
                check(answer, probe.accepted, template.success, name, &what);
                sent += 1;
            }
        }
        (Place::Body(steps), rule) => {
            let which = bases
                .iter()
                .position(|b| at(&mut b.clone(), steps).is_some())
                .unwrap_or_else(|| {
                    panic!("no base body of {method} {path} holds {steps:?}: add one to World::template")
                });
            for probe in site_probes(world, rule) {
                // Each probe on a template of its own (fresh objects where needed).
                let template = world.template(method, path).await;
                let (body, field) = probed(&template.bodies[which], steps, rule, &probe);
                let place = if field.is_empty() { "the body" } else { &field };
                let what = format!("{method} {path} {place} = {}: {}", probe.value, probe.why);
                let answer = send(world, method, &template.path, Some(&body), &[]).await;
                check(answer, probe.accepted, template.success, &field, &what);
                sent += 1;
            }
        }
        (Place::Query(_), _) => unreachable!("query sites are values"),
    }
    sent
}

async fn document(app: &TestApp) -> Value {
    body(app.anonymous().get("/api/v1/openapi.json").await).await
}

#[tokio::test]
async fn every_operation_with_a_body_declares_and_answers_413_and_415() {
    let world = World::new().await;
    let doc = document(&world.app).await;

    let mut checked = Vec::new();
    for (method, path, operation) in operations(&doc) {
        let Some(content) = operation["requestBody"]["content"].as_object() else {
            continue;
        };
        for status in ["413", "415"] {
            assert_eq!(
                operation["responses"][status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path} declares {status}"
            );
        }
        let media_type = content.keys().next().expect("a media type").clone();
        let template = world.template(&method, &path).await;
        let text = match &template.bodies[0] {
            Value::String(form) => form.clone(),
            json => json.to_string(),
        };
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let caller = world.caller(&template.path).await;
        let request = |content_type: &str| {
            caller
                .request(m.clone(), &template.path)
                .header("content-type", content_type)
        };

        // Refused as plain text and when too large; accepted as declared.
        let res = request("text/plain").body(text.clone()).send().await;
        assert_error(res.expect("sent"), 415, "unsupported_media_type").await;
        let huge = vec![b' '; castboard::http::BODY_LIMIT + 1];
        let res = request(&media_type).body(huge).send().await;
        assert_error(res.expect("sent"), 413, "payload_too_large").await;
        let res = request(&media_type).body(text).send().await.expect("sent");
        assert_eq!(res.status().as_u16(), template.success, "{method} {path}");
        checked.push(format!("{method} {path}"));
    }
    assert_eq!(checked.len(), 20, "{checked:?}");
}

/// Constraints the document must keep declaring (operation, field, keyword); the other
/// test holds the server to them.
const DECLARED: [(&str, &str, &str); 31] = [
    ("get /api/v1/streams", "per_page", "enum"),
    ("get /api/v1/streams", "page", "minimum"),
    ("get /api/v1/streams", "tag", "maxLength"),
    ("get /api/v1/streams", "state", "pattern"),
    ("get /api/v1/streams", "q", "pattern"),
    ("get /api/v1/streams", "date", "enum"),
    ("get /api/v1/tokens", "per_page", "enum"),
    (
        "get /api/v1/streams/{id}/snippets",
        "start_quality",
        "pattern",
    ),
    ("get /api/v1/streams/{id}/snippets", "latency_mode", "enum"),
    ("get /api/v1/streams/{id}/snippets", "token", "pattern"),
    ("get /.well-known/jwks.json", "org", "pattern"),
    ("put /api/v1/streams/{id}/tags", "tags", "maxLength"),
    ("put /api/v1/streams/{id}/tags", "tags", "pattern"),
    ("put /api/v1/streams/{id}/tags", "tags", "maxItems"),
    ("post /api/v1/users", "password", "minLength"),
    ("post /api/v1/users", "email", "pattern"),
    ("post /api/v1/users", "role", "enum"),
    ("patch /api/v1/organisation", "name", "maxLength"),
    ("patch /api/v1/organisation", "webhook_url", "pattern"),
    ("post /api/v1/api-keys", "name", "maxLength"),
    ("post /api/v1/streams", "push_url", "pattern"),
    ("post /api/v1/streams", "timecode.interval_ms", "minimum"),
    (
        "post /api/v1/streams",
        "processing.motion_clips.duration_s",
        "maximum",
    ),
    ("post /api/v1/streams", "transcodes[0].width", "minimum"),
    ("post /api/v1/streams", "transcodes[0].preset", "enum"),
    (
        "post /api/v1/streams/{group_id}/profiles",
        "framerate",
        "maximum",
    ),
    ("post /api/v1/tokens", "scope.streams", "maxItems"),
    ("post /api/v1/tokens", "domain", "pattern"),
    ("post /api/v1/tokens", "user_id", "maxLength"),
    ("post /api/v1/tokens/verify", "token", "maxLength"),
    (
        "post /api/v1/streams/{id}/test-source",
        "duration_s",
        "maximum",
    ),
];

/// Every `operation field keyword` the document declares.
fn declared(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (method, path, operation) in operations(doc) {
        for site in sites(doc, &operation) {
            let (field, schema) = match (&site.place, &site.rule) {
                (Place::Body(steps), Rule::Value { schema, .. } | Rule::Items { schema, .. }) => {
                    (value_field(steps), schema)
                }
                (Place::Query(name), Rule::Value { schema, .. }) => (name.clone(), schema),
                _ => continue,
            };
            for keyword in CONSTRAINTS.iter().chain(&["minItems", "maxItems"]) {
                if !schema[keyword].is_null() {
                    out.push(format!("{method} {path} {field} {keyword}"));
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn the_document_keeps_declaring_the_known_constraints() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;

    let declared = declared(&doc);

    for (op, field, keyword) in DECLARED {
        let want = format!("{op} {field} {keyword}");
        assert!(
            declared.contains(&want),
            "the document no longer declares {want}"
        );
    }
    let objects = &doc["components"]["schemas"];
    for closed in [
        "CreateStream",
        "UpdateStream",
        "Timecode",
        "ProcessingPatch",
        "TranscodeSpec",
        "CreateToken",
        "StartTestSource",
    ] {
        assert_eq!(objects[closed]["additionalProperties"], false, "{closed}");
    }
}

#[tokio::test]
async fn every_declared_constraint_holds_on_the_server() {
    let world = World::new().await;
    let doc = document(&world.app).await;

    let mut sent = 0;
    for (method, path, operation) in operations(&doc) {
        let sites = sites(&doc, &operation);
        if sites.is_empty() {
            continue;
        }
        // The bases themselves are accepted.
        let bases = world.template(&method, &path).await.bodies;
        for i in 0..bases.len() {
            let template = world.template(&method, &path).await;
            let base = &template.bodies[i];
            let answer = send(&world, &method, &template.path, Some(base), &[]).await;
            let what = format!("{method} {path}: base body {base}");
            check(answer, true, template.success, "", &what);
        }
        for site in &sites {
            sent += probe_site(&world, &method, &path, &bases, site).await;
        }
    }
    // Every kind of constraint was sent (the count is what the document declares today).
    assert!(sent > 400, "only {sent} probes");
}

/// Answers that come from outside the handlers are declared where they can happen: 408
/// on JSON bodies (the body timeout), 503 and 507 on every operation that may write (a
/// read-only database, a full disk; both are answered for real in `storage.rs`).
#[tokio::test]
async fn timeouts_and_storage_trouble_are_declared_where_they_can_happen() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;

    let mut writes = 0;
    for (method, path, operation) in operations(&doc) {
        let declared = |status: &str| {
            operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                == "#/components/schemas/ErrorBody"
        };
        let json_body = operation["requestBody"]["content"]["application/json"].is_object();
        assert_eq!(declared("408"), json_body, "{method} {path}: 408");
        let may_write = method != "get";
        assert_eq!(declared("503"), may_write, "{method} {path}: 503");
        assert_eq!(declared("507"), may_write, "{method} {path}: 507");
        writes += usize::from(may_write);
    }
    assert_eq!(writes, 31);
}

/// The query parameters the dashboard and the API both speak (the lists, the JWKS link)
/// are exactly the keys of shared's types, which read them on the server and write them
/// in the dashboard.
#[tokio::test]
async fn shared_queries_declare_exactly_the_keys_the_shared_types_read() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;

    let declared = |path: &str| -> Vec<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().expect("a name").to_string())
            .collect()
    };
    assert_eq!(declared("/api/v1/streams"), shared::listing::KEYS);
    assert_eq!(
        declared("/api/v1/tokens"),
        shared::listing::TokensQuery::KEYS
    );
    assert_eq!(declared("/api/v1/tags"), shared::listing::TagsQuery::KEYS);
    for path in ["/api/v1/ingest-log", "/api/v1/streams/{id}/ingest-log"] {
        assert_eq!(declared(path), shared::listing::IngestLogQuery::KEYS);
    }
    assert_eq!(
        declared("/.well-known/jwks.json"),
        shared::model::JwksQuery::KEYS
    );
}

/// Sorted property names of an object schema, or of an object value.
fn keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    keys.sort_unstable();
    keys
}

/// Every operation that answers one stream declares the stream object (`Stream`), whose
/// `assets` is required; the list declares items (`StreamItem`) without `assets` and
/// with `playouts` and `thumbnail`; and the server's answers have exactly the declared properties.
#[tokio::test]
async fn one_stream_is_declared_with_assets_and_list_items_without() {
    let app = TestApp::spawn().await;
    app.enable(&[shared::model::Feature::Transcoding]).await;
    let admin = app.api_key(Role::Admin).await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];

    let mut answering_one = Vec::new();
    for (method, path, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            let schema = &response["content"]["application/json"]["schema"];
            if schema["$ref"] == "#/components/schemas/Stream" {
                answering_one.push(format!("{method} {path} {status}"));
            }
        }
    }
    answering_one.sort_unstable();
    assert_eq!(
        answering_one,
        [
            "get /api/v1/streams/{id} 200",
            "patch /api/v1/streams/{group_id}/profiles/{member_id} 200",
            "patch /api/v1/streams/{id} 200",
            "post /api/v1/streams 201",
            "post /api/v1/streams/{group_id}/profiles 201",
            "post /api/v1/streams/{id}/lock 200",
            "post /api/v1/streams/{id}/unlock 200",
            "put /api/v1/streams/{id}/tags 200",
        ]
    );
    let stream = &schemas["Stream"];
    assert_eq!(
        stream["properties"]["assets"]["$ref"],
        "#/components/schemas/Assets"
    );
    let required = stream["required"].as_array().expect("required");
    assert!(required.contains(&json!("assets")), "{required:?}");
    assert_eq!(stream["properties"].get("playouts"), None);
    assert_eq!(
        keys(&schemas["Assets"]["properties"]),
        ["motion_clip", "recordings", "replays", "thumbnail"]
    );

    let list = &doc["paths"]["/api/v1/streams"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"];
    assert_eq!(list["$ref"], "#/components/schemas/List_StreamItem");
    let item = &schemas["StreamItem"];
    assert_eq!(
        schemas["List_StreamItem"]["properties"]["items"]["items"],
        *item
    );
    assert_eq!(item["properties"].get("assets"), None);
    assert_eq!(
        item["required"]
            .as_array()
            .map(|r| r.contains(&json!("assets"))),
        Some(false)
    );
    assert_eq!(item["properties"]["playouts"]["type"], "integer");
    assert_eq!(
        item["properties"]["thumbnail"]["$ref"],
        "#/components/schemas/AssetRef"
    );
    let mut item_keys = keys(&item["properties"]);
    item_keys.retain(|k| k != "playouts" && k != "thumbnail");
    let mut stream_keys = keys(&stream["properties"]);
    stream_keys.retain(|k| k != "assets");
    assert_eq!(item_keys, stream_keys);

    // The server answers exactly those properties.
    let created = admin
        .post(
            "/api/v1/streams",
            json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}),
        )
        .await;
    let created = body(created).await;
    assert_eq!(keys(&created), keys(&stream["properties"]));
    let id = created["id"].as_str().expect("id");
    let got = body(admin.get(&format!("/api/v1/streams/{id}")).await).await;
    assert_eq!(keys(&got), keys(&stream["properties"]));
    // `thumbnail` only once the stream has one (none here).
    let grouped = body(admin.get("/api/v1/streams").await).await;
    let mut grouped_keys = keys(&item["properties"]);
    grouped_keys.retain(|k| k != "thumbnail");
    assert_eq!(keys(&grouped["items"][0]), grouped_keys);
    let individual = body(admin.get("/api/v1/streams?group=false").await).await;
    for listed in individual["items"].as_array().expect("items") {
        assert_eq!(keys(listed), item_keys);
    }
}
