//! Every role, by session and by API key, on every endpoint; and no credentials at all.

mod common;

use common::{assert_error, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::Role;

/// What an endpoint answers a role allowed to use it.
struct Case {
    method: Method,
    path: String,
    body: Option<Value>,
    /// Status for admin, user, read_only.
    expect: [u16; 3],
}

fn case(method: Method, path: impl Into<String>, body: Option<Value>, expect: [u16; 3]) -> Case {
    Case {
        method,
        path: path.into(),
        body,
        expect,
    }
}

fn expected(case: &Case, role: Role) -> u16 {
    match role {
        Role::Admin => case.expect[0],
        Role::User => case.expect[1],
        Role::ReadOnly => case.expect[2],
    }
}

#[tokio::test]
async fn every_role_on_every_endpoint() {
    let app = TestApp::spawn().await;
    let callers = app.every_caller().await;
    let admin = app.signed_in(&app.admin).await;
    let stream = admin.create_stream(json!({})).await;
    let stream_id = stream["id"].as_str().expect("id").to_string();

    for (label, role, caller) in &callers {
        // Fresh objects per caller, so destructive cases have something to act on.
        let victim = app.add_user(Role::User).await;
        let key = common::body(
            admin
                .post(
                    "/api/v1/api-keys",
                    json!({"name": format!("victim of {label}"), "role": "read_only"}),
                )
                .await,
        )
        .await;
        let key_id = key["id"].as_str().expect("id").to_string();
        let email = format!("new-{}@acme.test", uuid::Uuid::new_v4().simple());
        let cases = [
            case(Method::GET, "/api/v1/me", None, [200, 200, 200]),
            case(Method::GET, "/api/v1/organisation", None, [200, 200, 200]),
            case(
                Method::PATCH,
                "/api/v1/organisation",
                Some(json!({"name": "Acme Streaming"})),
                [200, 403, 403],
            ),
            case(Method::GET, "/api/v1/users", None, [200, 403, 403]),
            case(
                Method::POST,
                "/api/v1/users",
                Some(json!({"email": email, "password": "long-enough-pw", "role": "user"})),
                [201, 403, 403],
            ),
            case(
                Method::PATCH,
                format!("/api/v1/users/{}", victim.user.id),
                Some(json!({"role": "read_only"})),
                [200, 403, 403],
            ),
            case(
                Method::DELETE,
                format!("/api/v1/users/{}", victim.user.id),
                None,
                [204, 403, 403],
            ),
            case(Method::GET, "/api/v1/api-keys", None, [200, 403, 403]),
            case(
                Method::POST,
                "/api/v1/api-keys",
                Some(json!({"name": format!("ci of {label}"), "role": "user"})),
                [201, 403, 403],
            ),
            case(
                Method::DELETE,
                format!("/api/v1/api-keys/{key_id}"),
                None,
                [204, 403, 403],
            ),
            case(Method::GET, "/api/v1/ingest-log", None, [200, 200, 200]),
            case(
                Method::GET,
                format!("/api/v1/streams/{stream_id}/processes"),
                None,
                [200, 200, 200],
            ),
            case(
                Method::PATCH,
                format!("/api/v1/streams/{stream_id}/processes/thumbnails"),
                Some(json!({"interval_s": 20})),
                [200, 200, 403],
            ),
            case(
                Method::GET,
                format!("/api/v1/streams/{stream_id}/ingest-log"),
                None,
                [200, 200, 200],
            ),
        ];
        for c in &cases {
            let res = caller.send(c.method.clone(), &c.path, c.body.clone()).await;
            let want = expected(c, *role);
            let got = res.status().as_u16();
            assert_eq!(got, want, "{label}: {} {}", c.method, c.path);
            if want == 403 {
                let v = assert_error(res, 403, "forbidden").await;
                assert!(
                    v["error"]["message"]
                        .as_str()
                        .expect("message")
                        .contains(&format!(
                            "Your role ({role}) may not do this; it needs the admin"
                        )),
                    "{v}"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_endpoint_wants_credentials() {
    let app = TestApp::spawn().await;
    let id = app.admin.user.id;
    let anonymous = app.anonymous();
    let cases = [
        (Method::GET, "/api/v1/me".to_string(), None),
        (Method::POST, "/api/v1/auth/logout".into(), None),
        (Method::GET, "/api/v1/organisation".into(), None),
        (
            Method::PATCH,
            "/api/v1/organisation".into(),
            Some(json!({"name": "x"})),
        ),
        (Method::GET, "/api/v1/users".into(), None),
        (
            Method::POST,
            "/api/v1/users".into(),
            Some(json!({"email": "a@b.co", "password": "long-enough-pw", "role": "user"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{id}"),
            Some(json!({"role": "user"})),
        ),
        (Method::DELETE, format!("/api/v1/users/{id}"), None),
        (Method::GET, "/api/v1/api-keys".into(), None),
        (
            Method::POST,
            "/api/v1/api-keys".into(),
            Some(json!({"name": "x", "role": "user"})),
        ),
        (Method::DELETE, format!("/api/v1/api-keys/{id}"), None),
        (Method::GET, "/api/v1/ingest-log".into(), None),
        (
            Method::GET,
            format!("/api/v1/streams/{id}/ingest-log"),
            None,
        ),
    ];
    for (method, path, body) in cases {
        let res = anonymous.send(method.clone(), &path, body).await;
        assert_error(res, 401, "unauthorized").await;
    }
    // Nothing changed.
    assert_eq!(
        app.store.list_users(app.org.id).await.expect("users").len(),
        1
    );
}

#[tokio::test]
async fn a_role_change_applies_to_a_running_session_at_once() {
    let app = TestApp::spawn().await;
    let account = app.add_user(Role::Admin).await;
    let caller = app.signed_in(&account).await;
    assert_eq!(caller.get("/api/v1/users").await.status().as_u16(), 200);

    let admin = app.signed_in(&app.admin).await;
    let res = admin
        .patch(
            &format!("/api/v1/users/{}", account.user.id),
            json!({"role": "read_only"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);

    assert_error(caller.get("/api/v1/users").await, 403, "forbidden").await;
    assert_eq!(
        common::body(caller.get("/api/v1/me").await).await["user"]["role"],
        "read_only"
    );
}
