//! `/api-keys`: the secret shown once, hashed storage, roles per key, last use, deletion.

mod common;

use common::{assert_error, body, Auth, Caller, TestApp};
use serde_json::json;

#[tokio::test]
async fn a_new_key_shows_its_secret_once_and_works_without_csrf_header() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .post(
            "/api/v1/api-keys",
            json!({"name": "  deploy bot ", "role": "user"}),
        )
        .await;

    assert_eq!(res.status().as_u16(), 201);
    let created = body(res).await;
    let secret = created["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("cb_") && secret.len() == 46, "{secret}");
    assert_eq!(created["name"], "deploy bot");
    assert_eq!(created["role"], "user");
    assert_eq!(created["prefix"], &secret[..8]);
    assert_eq!(created["last_used_at"], serde_json::Value::Null);

    let listed = body(admin.get("/api/v1/api-keys").await).await;
    assert_eq!(listed["meta"]["total"], 1);
    let item = &listed["items"][0];
    assert_eq!(item["id"], created["id"]);
    assert!(
        item.get("secret").is_none(),
        "the list never shows secrets: {item}"
    );
    assert!(
        !listed.to_string().contains(&secret[8..]),
        "no part of the secret beyond the prefix"
    );

    // The key authenticates (a write without X-Requested-With is fine for keys).
    let script = Caller::new(&app.base, Auth::Key(secret));
    let me = body(script.get("/api/v1/me").await).await;
    assert_eq!(me["api_key"]["id"], created["id"]);
}

#[tokio::test]
async fn using_a_key_records_its_last_use() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let created = body(
        admin
            .post(
                "/api/v1/api-keys",
                json!({"name": "ci", "role": "read_only"}),
            )
            .await,
    )
    .await;
    let script = Caller::new(
        &app.base,
        Auth::Key(created["secret"].as_str().expect("secret").into()),
    );

    assert_eq!(
        script.get("/api/v1/organisation").await.status().as_u16(),
        200
    );

    let listed = body(admin.get("/api/v1/api-keys").await).await;
    let used = listed["items"][0]["last_used_at"]
        .as_str()
        .expect("set after use");
    let created_at = created["created_at"].as_str().expect("created_at");
    assert!(used >= created_at, "{used} before {created_at}");
}

#[tokio::test]
async fn a_deleted_key_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let created = body(
        admin
            .post("/api/v1/api-keys", json!({"name": "ci", "role": "admin"}))
            .await,
    )
    .await;
    let script = Caller::new(
        &app.base,
        Auth::Key(created["secret"].as_str().expect("secret").into()),
    );
    assert_eq!(script.get("/api/v1/me").await.status().as_u16(), 200);

    let res = admin
        .delete(&format!(
            "/api/v1/api-keys/{}",
            created["id"].as_str().expect("id")
        ))
        .await;

    assert_eq!(res.status().as_u16(), 204);
    assert_error(script.get("/api/v1/me").await, 401, "unauthorized").await;
    assert_eq!(
        body(admin.get("/api/v1/api-keys").await).await["items"],
        json!([])
    );
}

#[tokio::test]
async fn an_admin_key_can_administer_and_a_read_only_key_cannot_write() {
    let app = TestApp::spawn().await;
    let admin_key = app.api_key(shared::model::Role::Admin).await;
    let reader = app.api_key(shared::model::Role::ReadOnly).await;

    let res = admin_key
        .post("/api/v1/api-keys", json!({"name": "child", "role": "user"}))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    assert_error(
        reader
            .patch("/api/v1/organisation", json!({"name": "x"}))
            .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn key_fields_are_validated() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let long = "k".repeat(101);
    for (payload, field, why) in [
        (
            json!({"name": "   ", "role": "user"}),
            "name",
            "must not be empty",
        ),
        (
            json!({"name": long, "role": "user"}),
            "name",
            "must be at most 100 characters",
        ),
        (
            json!({"name": "ok", "role": 3}),
            "role",
            "invalid type: integer `3`, expected a string",
        ),
    ] {
        let v = assert_error(
            admin.post("/api/v1/api-keys", payload).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(v["error"]["fields"], json!({ field: why }));
    }
    let hundred = "k".repeat(100);
    assert_eq!(
        admin
            .post("/api/v1/api-keys", json!({"name": hundred, "role": "user"}))
            .await
            .status()
            .as_u16(),
        201
    );
}

#[tokio::test]
async fn a_key_name_is_unique_in_its_organisation_without_case() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let create = |name: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post("/api/v1/api-keys", json!({"name": name, "role": "user"}))
                .await
        }
    };
    assert_eq!(create("Deploy bot").await.status().as_u16(), 201);

    for same in ["Deploy bot", "deploy BOT", "  deploy bot "] {
        let v = assert_error(create(same).await, 422, "validation_failed").await;
        assert_eq!(
            v["error"]["fields"],
            json!({"name": "is already used by another API key"}),
            "{same:?}"
        );
    }
    let listed = body(admin.get("/api/v1/api-keys").await).await;
    assert_eq!(listed["meta"]["total"], 1);

    // Another organisation may use it; a deleted key's name is free again.
    let (_, boss) = app.other_org().await;
    let other = app.signed_in(&boss).await;
    let res = other
        .post(
            "/api/v1/api-keys",
            json!({"name": "Deploy bot", "role": "user"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let id = listed["items"][0]["id"].as_str().expect("id").to_string();
    assert_eq!(
        admin
            .delete(&format!("/api/v1/api-keys/{id}"))
            .await
            .status()
            .as_u16(),
        204
    );
    assert_eq!(create("deploy bot").await.status().as_u16(), 201);
}
