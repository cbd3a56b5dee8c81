//! The OpenAPI document and its browsable reference.

mod common;

use common::{body, TestApp};

/// Every path of the API with its methods.
const PATHS: [(&str, &[&str]); 27] = [
    ("/api/v1/auth/login", &["post"]),
    ("/api/v1/auth/logout", &["post"]),
    ("/api/v1/me", &["get"]),
    ("/api/v1/organisation", &["get", "patch"]),
    ("/api/v1/users", &["get", "post"]),
    ("/api/v1/users/{id}", &["patch", "delete"]),
    ("/api/v1/api-keys", &["get", "post"]),
    ("/api/v1/api-keys/{id}", &["delete"]),
    ("/api/v1/streams", &["get", "post"]),
    ("/api/v1/streams/{id}", &["get", "patch", "delete"]),
    ("/api/v1/streams/{id}/tags", &["put"]),
    ("/api/v1/streams/{id}/lock", &["post"]),
    ("/api/v1/streams/{id}/unlock", &["post"]),
    ("/api/v1/streams/{group_id}/profiles", &["post"]),
    (
        "/api/v1/streams/{group_id}/profiles/{member_id}",
        &["patch", "delete"],
    ),
    ("/api/v1/profiles/presets", &["get"]),
    ("/api/v1/tags", &["get"]),
    ("/api/v1/events", &["get"]),
    ("/api/v1/ingest/{event}", &["post"]),
    ("/api/v1/streams/{id}/snippets", &["get"]),
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
