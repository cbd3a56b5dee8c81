//! Another organisation's objects answer 404 — before any role check — and never leak.

mod common;

use common::{assert_error, body, TestApp};
use serde_json::json;
use shared::model::Role;

#[tokio::test]
async fn other_organisations_users_and_keys_are_404_for_every_role() {
    let app = TestApp::spawn().await;
    let (other_org, other_admin) = app.other_org().await;
    let other = app.signed_in(&other_admin).await;
    let other_key = body(
        other
            .post(
                "/api/v1/api-keys",
                json!({"name": "theirs", "role": "admin"}),
            )
            .await,
    )
    .await;
    let other_key_id = other_key["id"].as_str().expect("id").to_string();
    let other_user = other_admin.user.id;

    for (label, _, caller) in app.every_caller().await {
        for (method, path, payload) in [
            (
                reqwest::Method::PATCH,
                format!("/api/v1/users/{other_user}"),
                Some(json!({"role": "user"})),
            ),
            (
                reqwest::Method::DELETE,
                format!("/api/v1/users/{other_user}"),
                None,
            ),
            (
                reqwest::Method::DELETE,
                format!("/api/v1/api-keys/{other_key_id}"),
                None,
            ),
        ] {
            let res = caller.send(method.clone(), &path, payload).await;
            assert_eq!(res.status().as_u16(), 404, "{label}: {method} {path}");
            assert_error(res, 404, "not_found").await;
        }
    }

    // Untouched.
    assert_eq!(
        app.store
            .user(other_org.id, other_user)
            .await
            .expect("still there")
            .role,
        Role::Admin
    );
    assert_eq!(
        body(other.get("/api/v1/api-keys").await).await["items"]
            .as_array()
            .expect("items")
            .len(),
        1
    );
}

#[tokio::test]
async fn lists_and_organisation_show_only_the_callers_own() {
    let app = TestApp::spawn().await;
    let (other_org, other_admin) = app.other_org().await;
    let other = app.signed_in(&other_admin).await;
    other
        .post(
            "/api/v1/api-keys",
            json!({"name": "theirs", "role": "admin"}),
        )
        .await;
    let admin = app.signed_in(&app.admin).await;

    let users = body(admin.get("/api/v1/users").await).await;
    let emails: Vec<&str> = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["email"].as_str().expect("email"))
        .collect();
    assert_eq!(emails, vec!["admin@acme.test"]);
    assert_eq!(users["meta"]["total"], 1);
    assert_eq!(
        body(admin.get("/api/v1/api-keys").await).await["items"],
        json!([])
    );
    let org = body(admin.get("/api/v1/organisation").await).await;
    assert_eq!(org["id"], app.org.id.to_string());
    assert_ne!(org["id"], other_org.id.to_string());

    // A key of the other organisation sees the other organisation.
    let theirs = body(other.get("/api/v1/me").await).await;
    assert_eq!(theirs["organisation"]["hash"], other_org.hash.as_str());
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let upper = app.admin.user.id.to_string().to_uppercase();
    for path in [
        format!("/api/v1/users/{}", uuid::Uuid::new_v4()),
        "/api/v1/users/not-a-uuid".to_string(),
        format!("/api/v1/users/{upper}"),
        format!("/api/v1/api-keys/{}", uuid::Uuid::new_v4()),
    ] {
        assert_error(admin.delete(&path).await, 404, "not_found").await;
    }
}
