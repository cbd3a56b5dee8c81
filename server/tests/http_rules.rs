//! Rules every request meets: the error shape for bad bodies, the body limit, content
//! types, unknown paths and methods, request ids, security headers and the CSRF rule.

mod common;

use common::{assert_error, body, TestApp};
use reqwest::Method;
use serde_json::json;
use shared::model::Role;

#[tokio::test]
async fn malformed_json_is_422_with_the_error_shape() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    for raw in ["{", "[1,2]", "null", "{\"name\": \"x\"} trailing", ""] {
        let res = admin
            .request(Method::PATCH, "/api/v1/organisation")
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("sent");
        assert_error(res, 422, "validation_failed").await;
    }
}

#[tokio::test]
async fn an_array_where_an_object_is_due_is_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let stream = admin.create_stream(json!({})).await;
    let id = stream["id"].as_str().expect("id").to_string();
    let preset = "vtrans2-852x480x800x25";
    let streams = "/api/v1/streams".to_string();
    let type_error = |expected: &str| format!("invalid type: sequence, expected {expected}");
    // Each of these would deserialise (field by field, in declaration order) without the
    // rule, so every one would be created or changed.
    let cases = [
        (
            Method::POST,
            streams.clone(),
            json!({"timecode": [true, 1000]}),
            "timecode",
            type_error("struct TimecodeWire"),
        ),
        (
            Method::POST,
            streams.clone(),
            json!({"processing": [null, null, null, null]}),
            "processing",
            type_error("struct ProcessingPatch"),
        ),
        (
            Method::POST,
            streams.clone(),
            json!({"processing": {"thumbnails": [true, 30]}}),
            "processing.thumbnails",
            type_error("struct ThumbnailsPatch"),
        ),
        (
            Method::POST,
            streams.clone(),
            json!({"transcodes": [[preset]]}),
            "transcodes[0]",
            type_error("struct TranscodeSpec"),
        ),
        (
            Method::POST,
            streams.clone(),
            json!({"transcodes": [{"preset": preset, "processing": {"replay": [true, null]}}]}),
            "transcodes[0].processing.replay",
            type_error("struct DurationPatch"),
        ),
        (
            Method::PATCH,
            format!("{streams}/{id}"),
            json!({"timecode": [false, 4000]}),
            "timecode",
            type_error("struct TimecodeWire"),
        ),
        (
            Method::PATCH,
            format!("{streams}/{id}"),
            json!({"processing": {"motion_clips": [true, 20, 2]}}),
            "processing.motion_clips",
            type_error("struct MotionClipsPatch"),
        ),
        (
            Method::POST,
            "/api/v1/tokens".to_string(),
            json!({"scope": ["group", id]}),
            "scope",
            "has the wrong type".to_string(),
        ),
    ];
    for (method, path, payload, field, why) in cases {
        let res = admin
            .send(method.clone(), &path, Some(payload.clone()))
            .await;
        let v = assert_error(res, 422, "validation_failed").await;
        assert_eq!(
            v["error"]["fields"],
            json!({ field: why }),
            "{method} {path} {payload}"
        );
    }

    // A whole body given as an array has no field to name.
    let top_level = [
        (Method::POST, streams.clone(), json!([[], []])),
        (Method::PATCH, format!("{streams}/{id}"), json!([["news"]])),
        (
            Method::PATCH,
            "/api/v1/organisation".to_string(),
            json!(["Renamed"]),
        ),
        (
            Method::POST,
            "/api/v1/users".to_string(),
            json!(["new@acme.test", "long-enough-pw", "user"]),
        ),
        (
            Method::POST,
            "/api/v1/api-keys".to_string(),
            json!(["k", "user"]),
        ),
        (
            Method::POST,
            format!("{streams}/{id}/profiles"),
            json!([preset]),
        ),
    ];
    for (method, path, payload) in top_level {
        let res = admin
            .send(method.clone(), &path, Some(payload.clone()))
            .await;
        let v = assert_error(res, 422, "validation_failed").await;
        assert_eq!(v["error"]["fields"], json!({}), "{method} {path} {payload}");
        assert!(
            v["error"]["message"].as_str().is_some_and(
                |m| m.starts_with("The JSON body is not valid: invalid type: sequence")
            ),
            "{method} {path}: {v}"
        );
    }

    // Nothing was created or changed.
    let list = body(admin.get("/api/v1/streams").await).await;
    assert_eq!(list["meta"]["total"], 1);
    let after = body(admin.get(&format!("{streams}/{id}")).await).await;
    assert_eq!(after["updated_at"], stream["updated_at"]);
    assert_eq!(after["tags"], json!([]));
    assert_eq!(
        body(admin.get("/api/v1/organisation").await).await["name"],
        "Acme Streaming"
    );
    assert_eq!(
        body(admin.get("/api/v1/users").await).await["meta"]["total"],
        1
    );
    assert_eq!(
        body(admin.get("/api/v1/api-keys").await).await["meta"]["total"],
        0
    );
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_415() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .request(Method::POST, "/api/v1/api-keys")
        .header("content-type", "text/plain")
        .body(r#"{"name": "x", "role": "user"}"#)
        .send()
        .await
        .expect("sent");
    assert_error(res, 415, "unsupported_media_type").await;
    let res = admin
        .request(Method::POST, "/api/v1/api-keys")
        .body(r#"{"name": "x", "role": "user"}"#)
        .send()
        .await
        .expect("sent");
    assert_error(res, 415, "unsupported_media_type").await;
    // A charset parameter is fine.
    let res = admin
        .request(Method::POST, "/api/v1/api-keys")
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"name": "x", "role": "user"}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status().as_u16(), 201);
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_413() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let just_over = format!(r#"{{"name": "{}"}}"#, "x".repeat(1024 * 1024));

    let res = admin
        .request(Method::PATCH, "/api/v1/organisation")
        .header("content-type", "application/json")
        .body(just_over)
        .send()
        .await
        .expect("sent");

    assert_error(res, 413, "payload_too_large").await;
    // Just under the limit is read (and then refused for its content).
    let under = format!(r#"{{"name": "{}"}}"#, "x".repeat(1024 * 1024 - 20));
    let res = admin
        .request(Method::PATCH, "/api/v1/organisation")
        .header("content-type", "application/json")
        .body(under)
        .send()
        .await
        .expect("sent");
    let v = assert_error(res, 422, "validation_failed").await;
    assert_eq!(
        v["error"]["fields"]["name"],
        "must be at most 100 characters"
    );
}

#[tokio::test]
async fn unknown_api_paths_and_methods_answer_json() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    assert_error(admin.get("/api/v1/nothing-here").await, 404, "not_found").await;
    assert_error(admin.get("/api/v2/me").await, 404, "not_found").await;
    assert_error(
        admin.post("/api/v1/nothing", json!({})).await,
        404,
        "not_found",
    )
    .await;
    let res = admin.delete("/api/v1/me").await;
    assert_eq!(
        res.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("GET,HEAD")
    );
    assert_error(res, 405, "method_not_allowed").await;
    // Without a built dashboard, other paths are 404 too (and JSON).
    assert_error(admin.get("/streams").await, 404, "not_found").await;
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_security_headers() {
    let app = TestApp::spawn().await;
    let ok = app.signed_in(&app.admin).await.get("/api/v1/me").await;
    let err = app.anonymous().get("/api/v1/me").await;

    let mut ids = Vec::new();
    for res in [ok, err] {
        let h = res.headers();
        let id = h
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .expect("request id");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        ids.push(id.to_string());
        let csp = h["content-security-policy"].to_str().expect("ascii");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["cache-control"], "no-store");
    }
    assert_ne!(ids[0], ids[1]);

    // A caller's own request id is kept.
    let res = app
        .anonymous()
        .request(Method::GET, "/api/v1/me")
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .expect("sent");
    assert_eq!(res.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn session_writes_without_the_csrf_header_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let bare = admin.without_csrf();
    let victim = app.add_user(Role::User).await;
    let key = body(
        admin
            .post("/api/v1/api-keys", json!({"name": "k", "role": "user"}))
            .await,
    )
    .await;
    let key_id = key["id"].as_str().expect("id");

    let cases = [
        (
            Method::PATCH,
            "/api/v1/organisation".to_string(),
            Some(json!({"name": "Hacked"})),
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            Some(json!({"email": "evil@x.test", "password": "long-enough-pw", "role": "admin"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{}", victim.user.id),
            Some(json!({"role": "admin"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/users/{}", victim.user.id),
            None,
        ),
        (
            Method::POST,
            "/api/v1/api-keys".into(),
            Some(json!({"name": "evil", "role": "admin"})),
        ),
        (Method::DELETE, format!("/api/v1/api-keys/{key_id}"), None),
        (Method::POST, "/api/v1/auth/logout".into(), None),
    ];
    for (method, path, payload) in cases {
        let v = assert_error(
            bare.send(method.clone(), &path, payload).await,
            403,
            "forbidden",
        )
        .await;
        assert!(v["error"]["message"]
            .as_str()
            .expect("message")
            .contains("X-Requested-With: castboard"));
    }

    assert_eq!(
        body(admin.get("/api/v1/organisation").await).await["name"],
        "Acme Streaming"
    );
    assert_eq!(
        body(admin.get("/api/v1/users").await).await["meta"]["total"],
        2
    );
    assert_eq!(
        app.store
            .user(app.org.id, victim.user.id)
            .await
            .expect("kept")
            .role,
        Role::User
    );
    assert_eq!(
        body(admin.get("/api/v1/api-keys").await).await["meta"]["total"],
        1
    );
    // Reads need no header.
    assert_eq!(bare.get("/api/v1/me").await.status().as_u16(), 200);
}

#[tokio::test]
async fn api_answers_are_compressed_when_asked() {
    let app = TestApp::spawn().await;
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("sent");
    assert_eq!(
        res.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
}

/// A server over a fresh database with these connection limits; its address.
async fn limited(limits: castboard::ConnectionLimits) -> (std::net::SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let store = castboard::store::Store::open(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .expect("store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("address");
    let settings = castboard::Settings::new(&format!("http://{addr}"), common::INGEST_SECRET);
    let app = castboard::app(castboard::AppState::new(store, settings), None);
    tokio::spawn(castboard::serve(
        listener,
        app,
        limits,
        std::future::pending(),
    ));
    (addr, dir)
}

/// Reads until the server closes the connection; what it sent.
async fn read_to_close(conn: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut all = Vec::new();
    let _ = conn.read_to_end(&mut all).await;
    String::from_utf8_lossy(&all).into_owned()
}

/// Sixty clients that send half a request and stall, against a cap of twenty
/// connections: the server closes each after the header timeout, and a normal request
/// made meanwhile is answered.
#[tokio::test]
async fn stalled_clients_are_closed_after_the_header_timeout_and_do_not_starve_others() {
    use tokio::io::AsyncWriteExt;
    let (addr, _dir) = limited(castboard::ConnectionLimits {
        header_timeout: std::time::Duration::from_secs(1),
        body_timeout: std::time::Duration::from_secs(1),
        max_connections: 20,
    })
    .await;
    let mut stalled = Vec::new();
    for _ in 0..60 {
        let mut conn = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connects");
        conn.write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-")
            .await
            .expect("half a request");
        stalled.push(conn);
    }

    let normal = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        reqwest::get(format!("http://{addr}/api/v1/openapi.json")),
    )
    .await
    .expect("answered while the stalled clients wait")
    .expect("answers");
    let closed = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        let mut n = 0;
        for conn in &mut stalled {
            read_to_close(conn).await;
            n += 1;
        }
        n
    })
    .await
    .expect("every stalled connection is closed");

    assert_eq!(normal.status().as_u16(), 200);
    assert_eq!(closed, 60);
}

/// A body that stops arriving fails with 408 after the body timeout.
#[tokio::test]
async fn a_body_that_stops_arriving_is_408() {
    use tokio::io::AsyncWriteExt;
    let (addr, _dir) = limited(castboard::ConnectionLimits {
        header_timeout: std::time::Duration::from_secs(5),
        body_timeout: std::time::Duration::from_secs(1),
        max_connections: 20,
    })
    .await;
    let mut conn = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    conn.write_all(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 100\r\nConnection: close\r\n\r\n{\"email\": ",
    )
    .await
    .expect("headers and part of a body");

    let answer = tokio::time::timeout(std::time::Duration::from_secs(20), read_to_close(&mut conn))
        .await
        .expect("answered");

    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains(r#""code":"request_timeout""#), "{answer}");
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_public_url_is_https() {
    let https = TestApp::spawn_configured(|s| s.https = true).await;
    let http = TestApp::spawn().await;

    let over_https = https.anonymous().get("/api/v1/openapi.json").await;
    let over_http = http.anonymous().get("/api/v1/openapi.json").await;

    assert_eq!(
        over_https
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    assert!(over_http
        .headers()
        .get("strict-transport-security")
        .is_none());
}
