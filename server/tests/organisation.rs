//! `/organisation`: reading it, renaming it, setting and clearing the webhook.

mod common;

use common::{assert_error, body, TestApp};
use serde_json::json;

#[tokio::test]
async fn admin_renames_and_sets_then_clears_the_webhook() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .patch(
            "/api/v1/organisation",
            json!({"name": " Acme Live ", "webhook_url": "https://hooks.acme.test/castboard"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let v = body(res).await;
    assert_eq!(v["name"], "Acme Live");
    assert_eq!(v["webhook_url"], "https://hooks.acme.test/castboard");
    assert_eq!(v["hash"], app.org.hash.as_str());

    // Absent fields stay; null clears.
    let v = body(admin.patch("/api/v1/organisation", json!({})).await).await;
    assert_eq!(v["webhook_url"], "https://hooks.acme.test/castboard");
    let v = body(
        admin
            .patch("/api/v1/organisation", json!({"webhook_url": null}))
            .await,
    )
    .await;
    assert_eq!(v["webhook_url"], serde_json::Value::Null);
    assert_eq!(v["name"], "Acme Live");
    assert_eq!(body(admin.get("/api/v1/organisation").await).await, v);
}

#[tokio::test]
async fn webhook_must_be_http_or_https_and_name_must_fit() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let long = "n".repeat(101);
    for (payload, field, why) in [
        (
            json!({"webhook_url": "ftp://acme.test/hook"}),
            "webhook_url",
            "must be an http:// or https:// URL with a host",
        ),
        (
            json!({"webhook_url": "https://"}),
            "webhook_url",
            "must be an http:// or https:// URL with a host",
        ),
        (
            json!({"webhook_url": 5}),
            "webhook_url",
            "invalid type: integer `5`, expected a string",
        ),
        (json!({"name": ""}), "name", "must not be empty"),
        (
            json!({"name": long}),
            "name",
            "must be at most 100 characters",
        ),
        (json!({"hash": "AAAAA"}), "hash", "is not a known field"),
    ] {
        let v = assert_error(
            admin.patch("/api/v1/organisation", payload.clone()).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(v["error"]["fields"], json!({ field: why }), "{payload}");
    }
    let v = body(admin.get("/api/v1/organisation").await).await;
    assert_eq!(v["name"], "Acme Streaming");
    assert_eq!(v["webhook_url"], serde_json::Value::Null);
    let hundred = "n".repeat(100);
    assert_eq!(
        admin
            .patch(
                "/api/v1/organisation",
                json!({"name": hundred, "webhook_url": "http://10.0.0.1:8080/h"})
            )
            .await
            .status()
            .as_u16(),
        200
    );
}
