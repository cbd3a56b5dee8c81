//! Sign-in, sign-out, `/me`, the session cookie and login throttling.

mod common;

use common::{assert_error, body, Caller, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;
use shared::model::Role;

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_answers_user_and_organisation() {
    let app = TestApp::spawn().await;
    let caller = app.anonymous();

    let res = caller
        .post(
            "/api/v1/auth/login",
            json!({"email": "ADMIN@Acme.test", "password": PASSWORD}),
        )
        .await;

    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("cookie set")
        .to_string();
    assert!(cookie.starts_with("castboard_session="), "{cookie}");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=604800"] {
        assert!(cookie.contains(attr), "{attr} missing in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-http public URL must not mark the cookie Secure"
    );
    let v = body(res).await;
    assert_eq!(v["user"]["email"], "admin@acme.test");
    assert_eq!(v["user"]["role"], "admin");
    assert_eq!(v["user"]["id"], app.admin.user.id.to_string());
    assert_eq!(v["organisation"]["hash"], app.org.hash.as_str());
    assert_eq!(v["organisation"]["name"], "Acme Streaming");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_401() {
    let app = TestApp::spawn().await;
    let caller = app.anonymous();

    let wrong = caller
        .post(
            "/api/v1/auth/login",
            json!({"email": "admin@acme.test", "password": "nope-nope-nope"}),
        )
        .await;
    let unknown = caller
        .post(
            "/api/v1/auth/login",
            json!({"email": "ghost@acme.test", "password": PASSWORD}),
        )
        .await;

    let a = assert_error(wrong, 401, "unauthorized").await;
    let b = assert_error(unknown, 401, "unauthorized").await;
    assert_eq!(a, b);
    assert_eq!(a["error"]["message"], "The email or password is wrong.");
}

#[tokio::test]
async fn me_describes_a_signed_in_user() {
    let app = TestApp::spawn().await;
    let account = app.add_user(Role::ReadOnly).await;
    let caller = app.signed_in(&account).await;

    let res = caller.get("/api/v1/me").await;

    assert_eq!(res.status(), StatusCode::OK);
    let v = body(res).await;
    assert_eq!(v["user"]["id"], account.user.id.to_string());
    assert_eq!(v["user"]["email"], account.email);
    assert_eq!(v["user"]["role"], "read_only");
    assert_eq!(v["api_key"], serde_json::Value::Null);
    assert_eq!(v["organisation"]["id"], app.org.id.to_string());
    assert_eq!(v["organisation"]["limits"]["max_transcodes"], 3);
    assert_eq!(
        v["organisation"]["features"],
        json!({"secure": false, "vod": false, "live_processing": false, "transcoding": false, "webcaster": false, "player": true})
    );
}

#[tokio::test]
async fn me_describes_an_api_key_with_a_null_user() {
    let app = TestApp::spawn().await;
    let caller = app.api_key(Role::User).await;

    let v = body(caller.get("/api/v1/me").await).await;

    assert_eq!(v["user"], serde_json::Value::Null);
    let name = v["api_key"]["name"].as_str().expect("a name");
    assert!(name.starts_with("user key "), "{name}");
    assert_eq!(v["api_key"]["role"], "user");
    assert_eq!(v["organisation"]["hash"], app.org.hash.as_str());
}

#[tokio::test]
async fn missing_or_bad_credentials_get_401() {
    let app = TestApp::spawn().await;

    assert_error(app.anonymous().get("/api/v1/me").await, 401, "unauthorized").await;
    let forged = app
        .anonymous()
        .request(reqwest::Method::GET, "/api/v1/me")
        .header("Cookie", "castboard_session=not-a-session")
        .send()
        .await
        .expect("sent");
    assert_error(forged, 401, "unauthorized").await;
    let bad_key = Caller::new(&app.base, common::Auth::Key("cb_nope".into()));
    let v = assert_error(bad_key.get("/api/v1/me").await, 401, "unauthorized").await;
    assert_eq!(v["error"]["message"], "The API key is not valid.");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let caller = app.signed_in(&app.admin).await;
    // Keep the raw cookie to replay it after the browser would have dropped it.
    let login = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            json!({"email": app.admin.email, "password": PASSWORD}),
        )
        .await;
    let raw_cookie = login.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let replay = |cookie: String| {
        let app_base = app.base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{app_base}/api/v1/auth/logout"))
                .header("Cookie", cookie.clone())
                .header("X-Requested-With", "castboard")
                .send()
                .await
                .expect("sent")
        }
    };

    let res = replay(raw_cookie.clone()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cleared = res.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        cleared.starts_with("castboard_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    // The old cookie no longer works, while the other session is untouched.
    let again = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .header("Cookie", raw_cookie)
        .send()
        .await
        .expect("sent");
    assert_error(again, 401, "unauthorized").await;
    assert_eq!(caller.get("/api/v1/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn logout_without_a_session_is_401_and_with_a_session_needs_the_csrf_header() {
    let app = TestApp::spawn().await;
    assert_error(
        app.anonymous().post_empty("/api/v1/auth/logout").await,
        401,
        "unauthorized",
    )
    .await;

    let caller = app.signed_in(&app.admin).await;
    let refused = caller
        .without_csrf()
        .post_empty("/api/v1/auth/logout")
        .await;
    assert_error(refused, 403, "forbidden").await;
    assert_eq!(
        caller.get("/api/v1/me").await.status(),
        StatusCode::OK,
        "refused logout kept the session"
    );

    assert_eq!(
        caller.post_empty("/api/v1/auth/logout").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_error(caller.get("/api/v1/me").await, 401, "unauthorized").await;
}

#[tokio::test]
async fn ten_failures_for_one_email_throttle_that_email_only() {
    let app = TestApp::spawn().await;
    let caller = app.anonymous();
    let other = app.add_user(Role::User).await;
    for _ in 0..10 {
        let res = caller
            .post(
                "/api/v1/auth/login",
                json!({"email": "admin@acme.test", "password": "wrong-password"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }

    // The eleventh attempt is refused even with the right password (any case of the email).
    let res = caller
        .post(
            "/api/v1/auth/login",
            json!({"email": "Admin@Acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("900")
    );
    assert_error(res, 429, "rate_limited").await;

    let ok = caller
        .post(
            "/api/v1/auth/login",
            json!({"email": other.email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        ok.status(),
        StatusCode::OK,
        "another email is not throttled"
    );
}

#[tokio::test]
async fn nine_failures_then_success_resets_the_email_count() {
    let app = TestApp::spawn().await;
    let caller = app.anonymous();
    let login = |password: &'static str| {
        let caller = caller.clone();
        async move {
            caller
                .post(
                    "/api/v1/auth/login",
                    json!({"email": "admin@acme.test", "password": password}),
                )
                .await
                .status()
        }
    };
    for _ in 0..9 {
        assert_eq!(login("wrong-password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(PASSWORD).await, StatusCode::OK);
    for _ in 0..9 {
        assert_eq!(login("wrong-password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn fifty_failures_from_one_address_throttle_that_address() {
    let app = TestApp::spawn().await;
    let caller = app.anonymous();
    for i in 0..50 {
        let res = caller
            .post(
                "/api/v1/auth/login",
                json!({"email": format!("guess{i}@acme.test"), "password": "wrong-password"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }

    let res = caller
        .post(
            "/api/v1/auth/login",
            json!({"email": app.admin.email, "password": PASSWORD}),
        )
        .await;

    assert_error(res, 429, "rate_limited").await;
}

#[tokio::test]
async fn login_body_errors_are_422_with_fields() {
    let app = TestApp::spawn().await;
    let caller = app.anonymous();

    let missing = assert_error(
        caller
            .post("/api/v1/auth/login", json!({"email": "admin@acme.test"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        missing["error"]["fields"],
        json!({"password": "is required"})
    );

    let wrong_type = assert_error(
        caller
            .post(
                "/api/v1/auth/login",
                json!({"email": 42, "password": PASSWORD}),
            )
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        wrong_type["error"]["fields"]["email"],
        "invalid type: integer `42`, expected a string"
    );
}

/// A login attempt from `client` (through the trusted proxy at 127.0.0.1).
async fn login_from(
    caller: &Caller,
    client: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    caller
        .request(reqwest::Method::POST, "/api/v1/auth/login")
        .header("X-Forwarded-For", client)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("sent")
}

async fn behind_proxy() -> TestApp {
    TestApp::spawn_configured(|s| {
        s.trusted_proxies =
            castboard::client_addr::TrustedProxies(vec!["127.0.0.1".parse().expect("network")]);
    })
    .await
}

#[tokio::test]
async fn forty_parallel_guesses_are_counted_exactly_ten_are_checked() {
    let app = TestApp::spawn().await;
    let caller = app.anonymous();

    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..40 {
        let caller = caller.clone();
        guesses.spawn(async move {
            let res = caller
                .post(
                    "/api/v1/auth/login",
                    json!({"email": "admin@acme.test", "password": format!("guess-{n}")}),
                )
                .await;
            res.status().as_u16()
        });
    }
    let mut statuses = guesses.join_all().await;
    statuses.sort_unstable();

    let mut expected = vec![401; 10];
    expected.extend([429; 30]);
    assert_eq!(statuses, expected);
    let since = chrono::Utc::now().timestamp_millis() - 15 * 60 * 1000;
    let counts = app
        .store
        .login_failure_counts("admin@acme.test", "127.0.0.1", since)
        .await
        .expect("counts");
    assert_eq!(counts, (10, 10));
}

#[tokio::test]
async fn a_strangers_failures_do_not_lock_the_owner_out() {
    let app = behind_proxy().await;
    let caller = app.anonymous();
    for _ in 0..10 {
        let res = login_from(&caller, "198.51.100.7", "admin@acme.test", "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let attacker = login_from(&caller, "198.51.100.7", "admin@acme.test", PASSWORD).await;
    assert_error(attacker, 429, "rate_limited").await;

    // The owner, from another address, signs in as usual.
    let owner = login_from(&caller, "203.0.113.20", "admin@acme.test", PASSWORD).await;

    assert_eq!(owner.status(), StatusCode::OK);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own() {
    let app = behind_proxy().await;
    let caller = app.anonymous();
    for i in 0..50 {
        let email = format!("guess{i}@acme.test");
        let res = login_from(&caller, "198.51.100.7", &email, "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let blocked = login_from(&caller, "198.51.100.7", &app.admin.email, PASSWORD).await;
    assert_error(blocked, 429, "rate_limited").await;

    let other_client = login_from(&caller, "203.0.113.20", &app.admin.email, PASSWORD).await;
    // Without trusting the proxy, the header is ignored: the address is the socket's.
    let untrusted = TestApp::spawn().await;
    let spoofed = login_from(
        &untrusted.anonymous(),
        "203.0.113.20",
        "x@acme.test",
        "wrong-pw",
    )
    .await;

    assert_eq!(other_client.status(), StatusCode::OK);
    assert_eq!(spoofed.status(), StatusCode::UNAUTHORIZED);
    let since = chrono::Utc::now().timestamp_millis() - 15 * 60 * 1000;
    let counts = untrusted
        .store
        .login_failure_counts("x@acme.test", "127.0.0.1", since)
        .await
        .expect("counts");
    assert_eq!(counts, (1, 1));
}

#[tokio::test]
async fn retry_after_is_the_time_until_the_oldest_failure_leaves_the_window() {
    let app = TestApp::spawn().await;
    let limits = castboard::state::LOGIN_LIMITS;
    let now = chrono::Utc::now().timestamp_millis();
    // Ten failures logged ten minutes ago and later: the oldest frees a place in 5 minutes.
    for n in 0..10 {
        let at = now - 10 * 60 * 1000 + n * 1000;
        let logged = app
            .store
            .begin_login_attempt("admin@acme.test", "127.0.0.1", at, limits)
            .await
            .expect("logged");
        assert!(matches!(logged, castboard::store::LoginAttempt::Allowed(_)));
    }

    let res = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            json!({"email": "admin@acme.test", "password": PASSWORD}),
        )
        .await;

    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("300")
    );
    let v = assert_error(res, 429, "rate_limited").await;
    assert_eq!(
        v["error"]["message"],
        "Too many attempts; try again in 5 minutes."
    );
}
