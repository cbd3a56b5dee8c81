//! `/users`: listing, adding, role changes, removal, the last-admin rule, and passwords
//! (a user changing their own, an admin resetting one).

mod common;

use common::{assert_error, body, Auth, Caller, TestApp, PASSWORD};
use serde_json::json;
use shared::model::Role;

#[tokio::test]
async fn admin_adds_a_user_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .post(
            "/api/v1/users",
            json!({"email": " Nina@Acme.test ", "password": "0123456789", "role": "user"}),
        )
        .await;

    assert_eq!(res.status().as_u16(), 201);
    let user = body(res).await;
    assert_eq!(user["email"], "Nina@Acme.test");
    assert_eq!(user["role"], "user");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    let login = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            json!({"email": "nina@acme.test", "password": "0123456789"}),
        )
        .await;
    assert_eq!(login.status().as_u16(), 200);
    let list = body(admin.get("/api/v1/users").await).await;
    assert_eq!(list["meta"]["total"], 2);
    assert_eq!(list["items"][1]["id"], user["id"]);
}

#[tokio::test]
async fn emails_are_unique_across_the_instance_in_any_case() {
    let app = TestApp::spawn().await;
    let (_, other_admin) = app.other_org().await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .post("/api/v1/users", json!({"email": other_admin.email.to_uppercase(), "password": PASSWORD, "role": "user"}))
        .await;

    let v = assert_error(res, 409, "conflict").await;
    assert_eq!(
        v["error"]["message"],
        "A user with that email already exists."
    );
}

#[tokio::test]
async fn user_fields_are_validated_on_both_sides_of_each_bound() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let cases = [
        (
            json!({"email": "a@b.co", "password": "123456789", "role": "user"}),
            "password",
            "must be at least 10 characters",
        ),
        (
            json!({"email": "nope", "password": PASSWORD, "role": "user"}),
            "email",
            "must be an email address such as name@example.com",
        ),
        (
            json!({"email": "a@b.co", "password": PASSWORD, "role": "owner"}),
            "role",
            "must be one of admin, user, read_only",
        ),
        (
            json!({"email": "a@b.co", "password": PASSWORD}),
            "role",
            "is required",
        ),
        (
            json!({"email": "a@b.co", "password": PASSWORD, "role": "user", "admin": true}),
            "admin",
            "is not a known field",
        ),
    ];
    for (payload, field, why) in cases {
        let v = assert_error(
            admin.post("/api/v1/users", payload.clone()).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(v["error"]["fields"], json!({ field: why }), "{payload}");
    }
    // The lower bound itself is accepted.
    let ok = admin
        .post(
            "/api/v1/users",
            json!({"email": "ten@acme.test", "password": "0123456789", "role": "read_only"}),
        )
        .await;
    assert_eq!(ok.status().as_u16(), 201);
    assert_eq!(
        app.store.list_users(app.org.id).await.expect("users").len(),
        2
    );
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_removed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let me = app.admin.user.id;

    let demote = admin
        .patch(&format!("/api/v1/users/{me}"), json!({"role": "user"}))
        .await;
    let v = assert_error(demote, 409, "conflict").await;
    assert_eq!(
        v["error"]["message"],
        "The last admin of the organisation cannot be demoted."
    );
    let remove = admin.delete(&format!("/api/v1/users/{me}")).await;
    let v = assert_error(remove, 409, "conflict").await;
    assert_eq!(
        v["error"]["message"],
        "The last admin of the organisation cannot be removed."
    );
    assert_eq!(
        app.store
            .user(app.org.id, me)
            .await
            .expect("still there")
            .role,
        Role::Admin
    );

    // With a second admin, the first may step down.
    let second = app.add_user(Role::Admin).await;
    let res = admin
        .patch(&format!("/api/v1/users/{me}"), json!({"role": "user"}))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(body(res).await["role"], "user");
    let second_caller = app.signed_in(&second).await;
    assert_error(
        second_caller
            .delete(&format!("/api/v1/users/{}", second.user.id))
            .await,
        409,
        "conflict",
    )
    .await;
}

#[tokio::test]
async fn removing_a_user_ends_their_sessions() {
    let app = TestApp::spawn().await;
    let account = app.add_user(Role::User).await;
    let theirs = app.signed_in(&account).await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .delete(&format!("/api/v1/users/{}", account.user.id))
        .await;

    assert_eq!(res.status().as_u16(), 204);
    assert_error(theirs.get("/api/v1/me").await, 401, "unauthorized").await;
    assert_error(
        admin
            .delete(&format!("/api/v1/users/{}", account.user.id))
            .await,
        404,
        "not_found",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Passwords
// ---------------------------------------------------------------------------------------

/// Whether `email` / `password` signs in.
async fn signs_in(app: &TestApp, email: &str, password: &str) -> bool {
    let caller = Caller::new(&app.base, Auth::Session { csrf: true });
    let res = caller
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": password}),
        )
        .await;
    res.status().as_u16() == 200
}

#[tokio::test]
async fn a_user_changes_their_own_password_and_only_their_other_sessions_end() {
    let app = TestApp::spawn().await;
    let user = app.add_user(Role::User).await;
    let here = app.signed_in(&user).await;
    let elsewhere = app.signed_in(&user).await;
    let admin = app.signed_in(&app.admin).await;
    let new = "a much better passphrase";

    let change = |current: &str, new: &str| {
        let body = json!({"current_password": current, "new_password": new});
        let here = &here;
        async move { here.post("/api/v1/me/password", body).await }
    };
    let v = assert_error(change("not it at all", new).await, 422, "validation_failed").await;
    assert_eq!(
        v["error"]["fields"],
        json!({"current_password": "is wrong"})
    );
    let v = assert_error(
        change(&user.password, &user.password).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        v["error"]["fields"],
        json!({"new_password": "must differ from the current password"})
    );
    let v = assert_error(
        change(&user.password, "short").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        v["error"]["fields"]["new_password"],
        "must be at least 10 characters"
    );
    // Nothing changed so far.
    assert!(signs_in(&app, &user.email, &user.password).await);

    assert_eq!(change(&user.password, new).await.status().as_u16(), 204);
    // This session goes on; the other one ended; other users are untouched.
    assert_eq!(here.get("/api/v1/me").await.status().as_u16(), 200);
    assert_error(elsewhere.get("/api/v1/me").await, 401, "unauthorized").await;
    assert_eq!(admin.get("/api/v1/me").await.status().as_u16(), 200);
    assert!(!signs_in(&app, &user.email, &user.password).await);
    assert!(signs_in(&app, &user.email, new).await);
}

#[tokio::test]
async fn an_api_key_has_no_password_to_change() {
    let app = TestApp::spawn().await;
    let key = app.api_key(Role::Admin).await;
    let res = key
        .post(
            "/api/v1/me/password",
            json!({"current_password": "anything at all", "new_password": "a much better passphrase"}),
        )
        .await;
    let v = assert_error(res, 403, "forbidden").await;
    assert_eq!(
        v["error"]["message"],
        "Only a signed-in user has a password to change; an API key has none."
    );
}

#[tokio::test]
async fn an_admin_resets_a_users_password_and_every_session_of_theirs_ends() {
    let app = TestApp::spawn().await;
    let user = app.add_user(Role::User).await;
    let theirs = app.signed_in(&user).await;
    let admin = app.signed_in(&app.admin).await;
    let path = format!("/api/v1/users/{}/password", user.user.id);
    let new = "set by the admin, 2026";

    // Only an admin, only in their organisation, only a valid password.
    let res = theirs.put(&path, json!({"password": new})).await;
    assert_error(res, 403, "forbidden").await;
    let (_, boss) = app.other_org().await;
    let other_admin = app.signed_in(&boss).await;
    assert_error(
        other_admin.put(&path, json!({"password": new})).await,
        404,
        "not_found",
    )
    .await;
    let v = assert_error(
        admin.put(&path, json!({"password": "short"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        v["error"]["fields"]["password"],
        "must be at least 10 characters"
    );
    assert!(signs_in(&app, &user.email, &user.password).await);

    assert_eq!(
        admin
            .put(&path, json!({"password": new}))
            .await
            .status()
            .as_u16(),
        204
    );
    assert_error(theirs.get("/api/v1/me").await, 401, "unauthorized").await;
    assert_eq!(admin.get("/api/v1/me").await.status().as_u16(), 200);
    assert!(!signs_in(&app, &user.email, &user.password).await);
    assert!(signs_in(&app, &user.email, new).await);
    let unknown = format!("/api/v1/users/{}/password", uuid::Uuid::new_v4());
    assert_error(
        admin.put(&unknown, json!({"password": new})).await,
        404,
        "not_found",
    )
    .await;
}
