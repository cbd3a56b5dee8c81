//! Playback tokens (feature `secure`): issuing, the registry, verification, revocation,
//! signing keys and their rotation, the public JWKS, and tenancy.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use castboard::signing;
use chrono::{DateTime, SecondsFormat, Utc};
use common::streams::{id_of, name_of, refused_fields};
use common::{assert_error, body, Caller, TestApp};
use reqwest::Response;
use serde_json::{json, Value};
use shared::model::{Feature, Organisation, Role, TokenClaims};
use std::collections::BTreeSet;
use uuid::Uuid;

const TOKENS: &str = "/api/v1/tokens";
const VERIFY: &str = "/api/v1/tokens/verify";
const KEYS: &str = "/api/v1/signing-keys";
const FOURTEEN_DAYS_S: i64 = 14 * 24 * 3600;
const DAY_S: i64 = 24 * 3600;
const YEAR_S: i64 = 365 * DAY_S;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// A server whose first organisation has `secure`, and its admin signed in.
async fn secure_app() -> (TestApp, Caller) {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Secure]).await;
    let admin = app.signed_in(&app.admin).await;
    (app, admin)
}

/// Another organisation with every feature, and its admin signed in.
async fn other_secure_org(app: &TestApp) -> (Organisation, Caller) {
    let (org, admin) = app.other_org().await;
    app.enable_all_for(&org).await;
    let caller = app.signed_in(&admin).await;
    (org, caller)
}

/// Asserts the status of a response and returns its JSON body.
async fn json_of(res: Response, want: u16) -> Value {
    let status = res.status().as_u16();
    let url = res.url().to_string();
    let v = body(res).await;
    assert_eq!(status, want, "{url}: {v}");
    v
}

/// Issues a token (asserting 201) and returns the answer.
async fn issue(caller: &Caller, req: Value) -> Value {
    json_of(caller.post(TOKENS, req).await, 201).await
}

/// An organisation-wide token with every default.
async fn issue_orgwide(caller: &Caller) -> Value {
    issue(caller, json!({"scope": {"organisation": true}})).await
}

/// Verifies (asserting 200) and returns the answer.
async fn verify(caller: &Caller, req: Value) -> Value {
    json_of(caller.post(VERIFY, req).await, 200).await
}

/// Verifies a token text without stream, address or domain.
async fn verify_text(caller: &Caller, token: &str) -> Value {
    verify(caller, json!({ "token": token })).await
}

fn token_of(issued: &Value) -> String {
    issued["token"].as_str().expect("token").to_string()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing: {v}"))
}

/// The base64url-decoded part `i` of a compact JWS.
fn part(token: &str, i: usize) -> Vec<u8> {
    let p = token.split('.').nth(i).expect("three parts");
    B64.decode(p).expect("base64url")
}

/// The sorted keys of a JSON object.
fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn now_s() -> i64 {
    Utc::now().timestamp()
}

/// A whole minute `n - 1` to `n` minutes from now, in seconds since the epoch.
fn minute_ahead(n: i64) -> i64 {
    (now_s() / 60 + n) * 60
}

/// A request time: RFC 3339 with whole seconds.
fn rfc3339(s: i64) -> String {
    DateTime::<Utc>::from_timestamp(s, 0)
        .expect("in range")
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// How the server writes a time: RFC 3339 with milliseconds and `Z`.
fn wire(s: i64) -> String {
    DateTime::<Utc>::from_timestamp(s, 0)
        .expect("in range")
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An organisation-wide token for the first organisation with any times, signed with the
/// organisation's real (newest) key, as the server would sign it.
async fn forge(app: &TestApp, nbf: i64, exp: i64) -> (String, Value) {
    let key = app
        .store
        .active_signing_key(app.org.id, signing::generate)
        .await
        .expect("signing key");
    let claims = json!({
        "iss": app.base, "aud": "castboard-playback", "jti": Uuid::new_v4(),
        "iat": nbf, "nbf": nbf, "exp": exp, "org": app.org.hash.as_str(), "orgwide": true
    });
    let typed: TokenClaims = serde_json::from_value(claims.clone()).expect("claims");
    let token = signing::sign(&typed, &key.kid, &key.private).expect("signs");
    (token, claims)
}

/// The ids of an organisation's signing keys, newest first, straight from the store.
async fn stored_kids(app: &TestApp, org: Uuid) -> Vec<String> {
    app.store
        .signing_keys(org)
        .await
        .expect("keys")
        .into_iter()
        .map(|k| k.kid)
        .collect()
}

async fn jwks(app: &TestApp, hash: &str) -> Value {
    json_of(
        app.anonymous()
            .get(&format!("/.well-known/jwks.json?org={hash}"))
            .await,
        200,
    )
    .await
}

/// Every response body a test received, to check none leaks a private key.
#[derive(Default)]
struct Seen(Vec<String>);

impl Seen {
    /// Asserts the status and records the body; JSON (or Null when empty).
    async fn take(&mut self, res: Response, want: u16) -> Value {
        let status = res.status().as_u16();
        let url = res.url().to_string();
        let text = res.text().await.expect("body read");
        assert_eq!(status, want, "{url}: {text}");
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        self.0.push(text);
        v
    }
}

// ---------------------------------------------------------------------------------------
// Feature gate and JWKS basics
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn token_and_key_endpoints_are_refused_without_the_secure_feature() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let some_jwt = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln";

    for res in [
        admin
            .post(TOKENS, json!({"scope": {"organisation": true}}))
            .await,
        admin.get(TOKENS).await,
        admin.post(VERIFY, json!({ "token": some_jwt })).await,
        admin.get(KEYS).await,
        admin.post_empty(KEYS).await,
    ] {
        assert_error(res, 403, "feature_disabled").await;
    }
    assert!(stored_kids(&app, app.org.id).await.is_empty());
}

#[tokio::test]
async fn turning_secure_off_refuses_every_endpoint_and_empties_the_jwks() {
    let (app, admin) = secure_app().await;
    let issued = issue(
        &admin,
        json!({"scope": {"organisation": true}, "revocable": true}),
    )
    .await;
    let kid = stored_kids(&app, app.org.id).await.remove(0);
    assert_eq!(
        jwks(&app, app.org.hash.as_str()).await["keys"][0]["kid"],
        kid
    );

    app.store
        .set_feature(&app.org.hash, Feature::Secure, false)
        .await
        .expect("feature off");

    for res in [
        admin
            .post(TOKENS, json!({"scope": {"organisation": true}}))
            .await,
        admin.get(TOKENS).await,
        admin
            .post(VERIFY, json!({"token": token_of(&issued)}))
            .await,
        admin
            .post_empty(&format!("{TOKENS}/{}/revoke", str_of(&issued, "id")))
            .await,
        admin.get(KEYS).await,
        admin.post_empty(KEYS).await,
        admin.delete(&format!("{KEYS}/{kid}")).await,
    ] {
        assert_error(res, 403, "feature_disabled").await;
    }
    assert_eq!(jwks(&app, app.org.hash.as_str()).await, json!({"keys": []}));
    // Nothing was revoked or deleted on the way.
    assert_eq!(stored_kids(&app, app.org.id).await, vec![kid]);
    let id = Uuid::parse_str(str_of(&issued, "id")).expect("uuid");
    let info = app.store.token(app.org.id, id).await.expect("recorded");
    assert_eq!(info.revoked_at, None);
}

#[tokio::test]
async fn jwks_needs_no_auth_and_is_public_and_cacheable() {
    let app = TestApp::spawn().await;

    let res = app
        .anonymous()
        .get(&format!("/.well-known/jwks.json?org={}", app.org.hash))
        .await;

    assert_eq!(res.status().as_u16(), 200);
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(header("access-control-allow-origin").as_deref(), Some("*"));
    assert_eq!(
        header("cache-control").as_deref(),
        Some("public, max-age=60")
    );
    assert_eq!(body(res).await, json!({"keys": []}));
}

#[tokio::test]
async fn jwks_refuses_unknown_malformed_and_missing_organisation_hashes() {
    let app = TestApp::spawn().await;
    let anyone = app.anonymous();
    assert_ne!(app.org.hash.as_str(), "Zz9Zz");

    assert_error(
        anyone.get("/.well-known/jwks.json?org=Zz9Zz").await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        refused_fields(anyone.get("/.well-known/jwks.json?org=abc").await).await,
        json!({"org": "must be exactly 5 letters or digits"})
    );
    assert_eq!(
        refused_fields(anyone.get("/.well-known/jwks.json").await).await,
        json!({"org": "is required"})
    );
}

// ---------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn admins_and_users_issue_tokens_and_read_only_callers_cannot() {
    let (app, _) = secure_app().await;

    for (label, role, caller) in app.every_caller().await {
        let res = caller
            .post(TOKENS, json!({"scope": {"organisation": true}}))
            .await;
        if role == Role::ReadOnly {
            assert_error(res, 403, "forbidden").await;
        } else {
            assert_eq!(res.status().as_u16(), 201, "{label}");
        }
    }
    let listed = body(app.signed_in(&app.admin).await.get(TOKENS).await).await;
    assert_eq!(listed["meta"]["total"], 4, "two admin and two user callers");
}

#[tokio::test]
async fn every_role_lists_and_verifies_tokens() {
    let (app, admin) = secure_app().await;
    let issued = issue_orgwide(&admin).await;

    for (label, _, caller) in app.every_caller().await {
        let listed = json_of(caller.get(TOKENS).await, 200).await;
        assert_eq!(listed["meta"]["total"], 1, "{label}");
        assert_eq!(
            verify_text(&caller, &token_of(&issued)).await,
            json!({"valid": true, "claims": issued["claims"]}),
            "{label}"
        );
    }
}

#[tokio::test]
async fn only_admins_revoke_tokens() {
    let (app, admin) = secure_app().await;

    for (label, role, caller) in app.every_caller().await {
        let issued = issue(
            &admin,
            json!({"scope": {"organisation": true}, "revocable": true}),
        )
        .await;
        let res = caller
            .post_empty(&format!("{TOKENS}/{}/revoke", str_of(&issued, "id")))
            .await;
        if role == Role::Admin {
            assert_eq!(res.status().as_u16(), 204, "{label}");
        } else {
            assert_error(res, 403, "forbidden").await;
            assert_eq!(
                verify_text(&admin, &token_of(&issued)).await["valid"],
                true,
                "{label}: still valid"
            );
        }
    }
}

#[tokio::test]
async fn only_admins_manage_signing_keys() {
    let (app, admin) = secure_app().await;
    issue_orgwide(&admin).await;
    let first = stored_kids(&app, app.org.id).await.remove(0);

    for (label, role, caller) in app.every_caller().await {
        if role == Role::Admin {
            assert_eq!(
                json_of(caller.get(KEYS).await, 200).await["meta"]["total"],
                1
            );
            let created = json_of(caller.post_empty(KEYS).await, 201).await;
            let res = caller
                .delete(&format!("{KEYS}/{}", str_of(&created, "kid")))
                .await;
            assert_eq!(res.status().as_u16(), 204, "{label}");
        } else {
            assert_error(caller.get(KEYS).await, 403, "forbidden").await;
            assert_error(caller.post_empty(KEYS).await, 403, "forbidden").await;
            assert_error(
                caller.delete(&format!("{KEYS}/{first}")).await,
                403,
                "forbidden",
            )
            .await;
        }
    }
    assert_eq!(stored_kids(&app, app.org.id).await, vec![first]);
}

// ---------------------------------------------------------------------------------------
// Issuing
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_issued_token_is_an_es256_jwt_of_exactly_its_claims() {
    let (app, admin) = secure_app().await;
    let before = now_s();

    let res = admin
        .post(TOKENS, json!({"scope": {"organisation": true}}))
        .await;

    let after = now_s();
    let issued = json_of(res, 201).await;
    assert_eq!(
        keys(&issued),
        ["claims", "expires_at", "id", "not_before", "token"]
    );
    let claims = &issued["claims"];
    let iat = claims["iat"].as_i64().expect("iat");
    assert!(
        (before..=after).contains(&iat),
        "{iat} not in {before}..={after}"
    );
    assert_eq!(
        *claims,
        json!({
            "iss": app.base, "aud": "castboard-playback", "jti": issued["id"],
            "iat": iat, "nbf": iat, "exp": iat + FOURTEEN_DAYS_S,
            "org": app.org.hash.as_str(), "orgwide": true
        })
    );
    assert_eq!(issued["not_before"], wire(iat));
    assert_eq!(issued["expires_at"], wire(iat + FOURTEEN_DAYS_S));

    let token = token_of(&issued);
    assert_eq!(token.split('.').count(), 3);
    let kid = stored_kids(&app, app.org.id).await.remove(0);
    assert_eq!(
        String::from_utf8(part(&token, 0)).expect("UTF-8"),
        format!(r#"{{"alg":"ES256","typ":"JWT","kid":"{kid}"}}"#)
    );
    let payload: Value = serde_json::from_slice(&part(&token, 1)).expect("JSON payload");
    assert_eq!(payload, *claims);
    assert_eq!(part(&token, 2).len(), 64, "ES256 signature is r ‖ s");
}

#[tokio::test]
async fn optional_claims_are_present_only_when_asked_and_canonical() {
    let (app, admin) = secure_app().await;
    let name = name_of(&admin.create_stream(json!({})).await);

    let issued = issue(
        &admin,
        json!({
            "scope": {"streams": [name]},
            "ip": " 2001:DB8:0:0:0:0:0:1 ",
            "domain": "WWW.Example.COM",
            "user_id": " viewer-42 ",
            "tag": "launch",
            "revocable": true,
            "force_disconnect": true
        }),
    )
    .await;

    let claims = &issued["claims"];
    let iat = claims["iat"].as_i64().expect("iat");
    assert_eq!(
        *claims,
        json!({
            "iss": app.base, "aud": "castboard-playback", "jti": issued["id"],
            "iat": iat, "nbf": iat, "exp": iat + DAY_S,
            "org": app.org.hash.as_str(), "streams": [name],
            "ip": "2001:db8::1", "dom": "www.example.com", "uid": "viewer-42",
            "tag": "launch", "rev": true, "fdc": true
        })
    );
    let payload: Value = serde_json::from_slice(&part(&token_of(&issued), 1)).expect("JSON");
    assert_eq!(payload, *claims);

    // false flags add nothing.
    let plain = issue(
        &admin,
        json!({"scope": {"organisation": true}, "revocable": false, "force_disconnect": false}),
    )
    .await;
    assert_eq!(
        keys(&plain["claims"]),
        ["aud", "exp", "iat", "iss", "jti", "nbf", "org", "orgwide"]
    );
}

#[tokio::test]
async fn each_scope_sets_exactly_one_scope_claim() {
    let (app, admin) = secure_app().await;
    let group = admin.create_stream(json!({})).await;
    let a = name_of(&admin.create_stream(json!({})).await);
    let b = name_of(&admin.create_stream(json!({})).await);
    let scope_claims = |issued: &Value| -> Value {
        let c = &issued["claims"];
        json!({"grp": c.get("grp"), "streams": c.get("streams"), "orgwide": c.get("orgwide")})
    };

    let by_group = issue(&admin, json!({"scope": {"group": id_of(&group)}})).await;
    let by_streams = issue(&admin, json!({"scope": {"streams": [a, b, a]}})).await;
    let orgwide = issue_orgwide(&admin).await;

    assert_eq!(
        scope_claims(&by_group),
        json!({"grp": id_of(&group), "streams": null, "orgwide": null})
    );
    assert_eq!(
        scope_claims(&by_streams),
        json!({"grp": null, "streams": [a, b], "orgwide": null}),
        "duplicates collapse to the first"
    );
    assert_eq!(
        scope_claims(&orgwide),
        json!({"grp": null, "streams": null, "orgwide": true})
    );
    assert_eq!(by_group["claims"]["org"], app.org.hash.as_str());
}

// ---------------------------------------------------------------------------------------
// Lifetimes
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn default_lifetime_is_fourteen_days_and_a_day_when_revocable() {
    let (_app, admin) = secure_app().await;
    let nbf = minute_ahead(5);

    let plain = issue(
        &admin,
        json!({"scope": {"organisation": true}, "not_before": rfc3339(nbf)}),
    )
    .await;
    let revocable = issue(
        &admin,
        json!({"scope": {"organisation": true}, "not_before": rfc3339(nbf), "revocable": true}),
    )
    .await;

    assert_eq!(plain["claims"]["nbf"], nbf);
    assert_eq!(plain["claims"]["exp"], nbf + 1_209_600);
    assert_eq!(plain["not_before"], wire(nbf));
    assert_eq!(plain["expires_at"], wire(nbf + 1_209_600));
    assert_eq!(revocable["claims"]["nbf"], nbf);
    assert_eq!(revocable["claims"]["exp"], nbf + 86_400);
    assert_eq!(revocable["expires_at"], wire(nbf + 86_400));
}

#[tokio::test]
async fn a_lifetime_of_exactly_365_days_is_accepted_and_one_second_more_refused() {
    let (_app, admin) = secure_app().await;
    let nbf = minute_ahead(5);

    let longest = issue(
        &admin,
        json!({"scope": {"organisation": true}, "not_before": rfc3339(nbf),
               "expires_at": rfc3339(nbf + YEAR_S)}),
    )
    .await;
    let res = admin
        .post(
            TOKENS,
            json!({"scope": {"organisation": true}, "not_before": rfc3339(nbf),
                   "expires_at": rfc3339(nbf + YEAR_S + 1)}),
        )
        .await;

    assert_eq!(longest["claims"]["exp"], nbf + 31_536_000);
    assert_eq!(longest["expires_at"], wire(nbf + YEAR_S));
    assert_eq!(
        refused_fields(res).await,
        json!({"expires_at": "must be at most 365 days after not_before"})
    );
}

#[tokio::test]
async fn a_revocable_lifetime_of_exactly_24_hours_is_accepted_and_one_second_more_refused() {
    let (_app, admin) = secure_app().await;
    let nbf = minute_ahead(5);

    let longest = issue(
        &admin,
        json!({"scope": {"organisation": true}, "revocable": true,
               "not_before": rfc3339(nbf), "expires_at": rfc3339(nbf + DAY_S)}),
    )
    .await;
    let res = admin
        .post(
            TOKENS,
            json!({"scope": {"organisation": true}, "revocable": true,
                   "not_before": rfc3339(nbf), "expires_at": rfc3339(nbf + DAY_S + 1)}),
        )
        .await;

    assert_eq!(longest["claims"]["exp"], nbf + 86_400);
    assert_eq!(
        refused_fields(res).await,
        json!({"expires_at": "must be at most 24 hours after not_before for a revocable token"})
    );
}

#[tokio::test]
async fn an_expiry_in_the_past_or_not_after_not_before_is_refused() {
    let (app, admin) = secure_app().await;
    let nbf = minute_ahead(10);

    for (req, why) in [
        (
            json!({"scope": {"organisation": true}, "expires_at": rfc3339(now_s() - 3600)}),
            "must be in the future",
        ),
        (
            json!({"scope": {"organisation": true}, "not_before": rfc3339(now_s() - 7200),
                   "expires_at": rfc3339(now_s() - 3600)}),
            "must be in the future",
        ),
        (
            json!({"scope": {"organisation": true}, "not_before": rfc3339(nbf),
                   "expires_at": rfc3339(nbf - 300)}),
            "must be after not_before",
        ),
        (
            json!({"scope": {"organisation": true}, "not_before": rfc3339(nbf),
                   "expires_at": rfc3339(nbf)}),
            "must be after not_before",
        ),
    ] {
        let res = admin.post(TOKENS, req.clone()).await;
        assert_eq!(
            refused_fields(res).await,
            json!({ "expires_at": why }),
            "{req}"
        );
    }
    assert_eq!(
        body(admin.get(TOKENS).await).await["meta"]["total"],
        0,
        "nothing recorded"
    );
    assert!(
        stored_kids(&app, app.org.id).await.is_empty(),
        "no key made"
    );
}

#[tokio::test]
async fn times_with_milliseconds_are_cut_to_whole_seconds() {
    let (_app, admin) = secure_app().await;
    let nbf = minute_ahead(5);
    let with_ms = |s: i64, ms: &str| rfc3339(s).replace('Z', &format!(".{ms}Z"));

    let issued = issue(
        &admin,
        json!({"scope": {"organisation": true},
               "not_before": with_ms(nbf, "750"), "expires_at": with_ms(nbf + 3600, "999")}),
    )
    .await;

    assert_eq!(issued["not_before"], wire(nbf));
    assert_eq!(issued["expires_at"], wire(nbf + 3600));
    assert!(str_of(&issued, "not_before").ends_with(":00.000Z"));
    assert_eq!(issued["claims"]["nbf"], nbf);
    assert_eq!(issued["claims"]["exp"], nbf + 3600);
}

// ---------------------------------------------------------------------------------------
// Scope validation
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_group_scope_outside_the_organisation_is_refused() {
    let (app, admin) = secure_app().await;
    app.enable(&[Feature::Transcoding]).await;
    let (_, other) = other_secure_org(&app).await;
    let theirs = other.create_stream(json!({})).await;
    let ours = admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
        .await;
    let member = id_of(&ours["members"][1]);

    for group in [id_of(&theirs), Uuid::new_v4().to_string(), member] {
        let res = admin.post(TOKENS, json!({"scope": {"group": group}})).await;
        assert_eq!(
            refused_fields(res).await,
            json!({"scope.group": "is not a stream group of your organisation"}),
            "{group}"
        );
    }
    assert_eq!(body(admin.get(TOKENS).await).await["meta"]["total"], 0);
}

#[tokio::test]
async fn a_streams_scope_naming_streams_outside_the_organisation_is_refused() {
    let (app, admin) = secure_app().await;
    let (other_org, other) = other_secure_org(&app).await;
    let theirs = name_of(&other.create_stream(json!({})).await);
    let ours = name_of(&admin.create_stream(json!({})).await);
    let nowhere = format!("{}-zzzzz", other_org.hash);

    let res = admin
        .post(
            TOKENS,
            json!({"scope": {"streams": [ours, theirs, nowhere]}}),
        )
        .await;

    assert_eq!(
        refused_fields(res).await,
        json!({"scope.streams": format!("names streams not in your organisation: {theirs}, {nowhere}")})
    );
    let alone = admin
        .post(TOKENS, json!({"scope": {"streams": [theirs]}}))
        .await;
    assert_eq!(
        refused_fields(alone).await,
        json!({"scope.streams": format!("names streams not in your organisation: {theirs}")})
    );
}

#[tokio::test]
async fn malformed_token_requests_are_refused() {
    let (app, admin) = secure_app().await;
    let name = name_of(&admin.create_stream(json!({})).await);

    for req in [
        json!({}),
        json!({"scope": {}}),
        json!({"scope": {"organisation": false}}),
        json!({"scope": {"streams": []}}),
        json!({"scope": {"streams": ["not-a-streamname"]}}),
        json!({"scope": {"streams": [name, "nope"]}}),
        json!({"scope": {"group": "not-a-uuid"}}),
        json!({"scope": {"organisation": true, "streams": [name]}}),
        json!({"scope": {"organisation": true}, "colour": "red"}),
        json!({"scope": {"organisation": true}, "ip": "203.0.113.256"}),
        json!({"scope": {"organisation": true}, "domain": "https://example.com"}),
        json!({"scope": {"organisation": true}, "user_id": "   "}),
        json!({"scope": {"organisation": true}, "tag": "a\nb"}),
        json!({"scope": {"organisation": true}, "not_before": "tomorrow"}),
        json!({"scope": {"organisation": true}, "revocable": "yes"}),
    ] {
        let res = admin.post(TOKENS, req.clone()).await;
        assert_eq!(res.status().as_u16(), 422, "{req}");
        assert_error(res, 422, "validation_failed").await;
    }
    assert_eq!(body(admin.get(TOKENS).await).await["meta"]["total"], 0);
    assert!(stored_kids(&app, app.org.id).await.is_empty());
}

#[tokio::test]
async fn refusals_name_the_offending_field() {
    let (_app, admin) = secure_app().await;

    let unknown = admin
        .post(
            TOKENS,
            json!({"scope": {"organisation": true}, "colour": "red"}),
        )
        .await;
    assert_eq!(
        refused_fields(unknown).await,
        json!({"colour": "is not a known field"})
    );
    let missing = admin.post(TOKENS, json!({})).await;
    assert_eq!(
        refused_fields(missing).await,
        json!({"scope": "is required"})
    );
    let bad_ip = admin
        .post(
            TOKENS,
            json!({"scope": {"organisation": true}, "ip": "203.0.113.256"}),
        )
        .await;
    assert_eq!(
        refused_fields(bad_ip).await,
        json!({"ip": "must be an IPv4 or IPv6 address such as 203.0.113.7"})
    );
}

// ---------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_registry_lists_metadata_without_the_token_text() {
    let (app, admin) = secure_app().await;
    let nbf = minute_ahead(5);
    let first = issue_orgwide(&admin).await;
    let second = issue(
        &admin,
        json!({"scope": {"organisation": true}, "revocable": true, "not_before": rfc3339(nbf)}),
    )
    .await;
    let kid = stored_kids(&app, app.org.id).await.remove(0);

    let res = admin.get(TOKENS).await;

    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.expect("body");
    for issued in [&first, &second] {
        let token = token_of(issued);
        let signature = token.split('.').nth(2).expect("signature");
        assert!(!text.contains(&token), "token text listed: {text}");
        assert!(!text.contains(signature), "signature listed: {text}");
    }
    let listed: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        listed["meta"],
        json!({"total": 2, "page": 1, "per_page": 25})
    );
    let items = listed["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    let issued_at: Vec<&str> = items.iter().map(|i| str_of(i, "issued_at")).collect();
    assert!(issued_at[0] >= issued_at[1], "newest first: {issued_at:?}");
    for issued in [&first, &second] {
        let item = items
            .iter()
            .find(|i| i["id"] == issued["id"])
            .expect("listed");
        // The issue time, to the millisecond, within the second of `iat`.
        let iat = issued["claims"]["iat"].as_i64().expect("iat");
        let issued_at = str_of(item, "issued_at");
        assert_eq!(issued_at.len(), 24, "{issued_at}");
        assert_eq!(issued_at[..20], wire(iat)[..20], "{issued_at}");
        assert_eq!(
            *item,
            json!({
                "id": issued["id"], "kid": kid, "issued_at": issued_at,
                "not_before": issued["not_before"], "expires_at": issued["expires_at"],
                "revocable": issued["claims"].get("rev").is_some(), "revoked_at": null,
                "issued_by": "admin@acme.test", "claims": issued["claims"], "group_name": null
            })
        );
    }
}

#[tokio::test]
async fn a_group_token_is_listed_with_its_groups_streamname() {
    let (_app, admin) = secure_app().await;
    let group = admin.create_stream(json!({})).await;
    let group_id = str_of(&group, "id").to_string();
    let gone = admin.create_stream(json!({})).await;
    let gone_id = str_of(&gone, "id").to_string();
    let named = issue(&admin, json!({"scope": {"group": group_id}})).await;
    let deleted = issue(&admin, json!({"scope": {"group": gone_id}})).await;
    let orgwide = issue_orgwide(&admin).await;
    assert_eq!(
        admin
            .delete(&format!("/api/v1/streams/{gone_id}"))
            .await
            .status()
            .as_u16(),
        204
    );

    let listed = body(admin.get(TOKENS).await).await;

    let name_of = |issued: &Value| {
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"] == issued["id"])
            .map(|i| i["group_name"].clone())
            .expect("listed")
    };
    assert_eq!(name_of(&named), group["name"]);
    // A deleted stream keeps its row (soft delete), so its name still reads.
    assert_eq!(name_of(&deleted), gone["name"]);
    assert_eq!(name_of(&orgwide), Value::Null);
}

/// Tokens issued in a row, most within one second (the `iat` claim's precision): the
/// registry still lists them in reverse order of issue.
#[tokio::test]
async fn tokens_issued_within_one_second_are_listed_newest_first() {
    let (_app, admin) = secure_app().await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(issue_orgwide(&admin).await["id"].clone());
    }

    let listed = body(admin.get(TOKENS).await).await;

    let order: Vec<Value> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    ids.reverse();
    assert_eq!(order, ids);
}

#[tokio::test]
async fn the_registry_names_who_issued_each_token() {
    let (app, admin) = secure_app().await;
    let user = app.add_user(Role::User).await;
    let by_user = app.signed_in(&user).await;
    let by_key = app.api_key(Role::User).await;

    let a = issue_orgwide(&admin).await;
    let b = issue_orgwide(&by_user).await;
    let c = issue_orgwide(&by_key).await;

    let listed = body(admin.get(TOKENS).await).await;
    let issuer = |issued: &Value| {
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"] == issued["id"])
            .map(|i| i["issued_by"].clone())
            .expect("listed")
    };
    assert_eq!(issuer(&a), "admin@acme.test");
    assert_eq!(issuer(&b), user.email.as_str());
    // The key's name is "user key <uuid>" (names are unique in an organisation).
    let by = issuer(&c);
    assert!(
        by.as_str()
            .is_some_and(|t| t.starts_with("API key user key ")),
        "{by}"
    );
}

#[tokio::test]
async fn the_registry_pages_and_refuses_bad_paging() {
    let (_app, admin) = secure_app().await;
    let mut ids = BTreeSet::new();
    for _ in 0..26 {
        ids.insert(str_of(&issue_orgwide(&admin).await, "id").to_string());
    }

    let page1 = json_of(admin.get(&format!("{TOKENS}?per_page=25")).await, 200).await;
    let page2 = json_of(
        admin.get(&format!("{TOKENS}?page=2&per_page=25")).await,
        200,
    )
    .await;
    let page3 = json_of(admin.get(&format!("{TOKENS}?page=3")).await, 200).await;
    let fifty = json_of(admin.get(&format!("{TOKENS}?per_page=50")).await, 200).await;

    assert_eq!(
        page1["meta"],
        json!({"total": 26, "page": 1, "per_page": 25})
    );
    assert_eq!(
        page2["meta"],
        json!({"total": 26, "page": 2, "per_page": 25})
    );
    assert_eq!(page1["items"].as_array().expect("items").len(), 25);
    assert_eq!(page2["items"].as_array().expect("items").len(), 1);
    assert_eq!(page3["items"], json!([]));
    assert_eq!(fifty["items"].as_array().expect("items").len(), 26);
    let listed: BTreeSet<String> = page1["items"]
        .as_array()
        .expect("items")
        .iter()
        .chain(page2["items"].as_array().expect("items"))
        .map(|i| str_of(i, "id").to_string())
        .collect();
    assert_eq!(listed, ids, "the two pages hold every token once");

    assert_eq!(
        refused_fields(admin.get(&format!("{TOKENS}?page=0")).await).await,
        json!({"page": "must be 1 or more"})
    );
    let per_page = refused_fields(admin.get(&format!("{TOKENS}?per_page=7")).await).await;
    assert_eq!(keys(&per_page), ["per_page"]);
    let unknown = refused_fields(admin.get(&format!("{TOKENS}?sort=asc")).await).await;
    assert_eq!(unknown, json!({"sort": "is not a known field"}));
}

/// The ids of a listed page, in order.
fn listed_ids(listed: &Value) -> Vec<String> {
    listed["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {listed}"))
        .iter()
        .map(|i| str_of(i, "id").to_string())
        .collect()
}

/// Issues a token of one stream group (every default) and returns its id.
async fn issue_for_group(caller: &Caller, group: &str) -> String {
    let issued = issue(caller, json!({"scope": {"group": group}})).await;
    str_of(&issued, "id").to_string()
}

#[tokio::test]
async fn the_registry_lists_one_groups_tokens_newest_first() {
    let (_app, admin) = secure_app().await;
    let a = admin.create_stream(json!({})).await;
    let b = admin.create_stream(json!({})).await;
    let (a_id, b_id) = (id_of(&a), id_of(&b));
    // Interleaved with tokens of the other group and of other scopes, one naming a's
    // stream by its streamname: only the group scope counts.
    let a1 = issue_for_group(&admin, &a_id).await;
    let b1 = issue_for_group(&admin, &b_id).await;
    issue_orgwide(&admin).await;
    let a2 = str_of(
        &issue(
            &admin,
            json!({"scope": {"group": a_id}, "revocable": true, "domain": "example.com"}),
        )
        .await,
        "id",
    )
    .to_string();
    issue(&admin, json!({"scope": {"streams": [name_of(&a)]}})).await;
    let b2 = issue_for_group(&admin, &b_id).await;
    let a3 = issue_for_group(&admin, &a_id).await;

    let of_a = json_of(admin.get(&format!("{TOKENS}?group={a_id}")).await, 200).await;
    let of_b = json_of(admin.get(&format!("{TOKENS}?group={b_id}")).await, 200).await;
    let every = json_of(admin.get(TOKENS).await, 200).await;

    assert_eq!(listed_ids(&of_a), [a3.as_str(), &a2, &a1]);
    assert_eq!(of_a["meta"], json!({"total": 3, "page": 1, "per_page": 25}));
    for item in of_a["items"].as_array().expect("items") {
        assert_eq!(item["claims"]["grp"], a_id.as_str());
        assert_eq!(item["group_name"], a["name"]);
    }
    assert_eq!(listed_ids(&of_b), [b2.as_str(), &b1]);
    assert_eq!(of_b["meta"], json!({"total": 2, "page": 1, "per_page": 25}));
    // Without the parameter, every token as before.
    assert_eq!(every["meta"]["total"], 7);

    // The id in capitals is the same group.
    let upper = json_of(
        admin
            .get(&format!("{TOKENS}?group={}", a_id.to_uppercase()))
            .await,
        200,
    )
    .await;
    assert_eq!(listed_ids(&upper), [a3.as_str(), &a2, &a1]);
    // A group without tokens, and an id that is no group: an empty page.
    let c = admin.create_stream(json!({})).await;
    let none = json_of(
        admin.get(&format!("{TOKENS}?group={}", id_of(&c))).await,
        200,
    )
    .await;
    assert_eq!(
        none,
        json!({"items": [], "meta": {"total": 0, "page": 1, "per_page": 25}})
    );
    let unknown = json_of(
        admin
            .get(&format!("{TOKENS}?group={}", Uuid::new_v4()))
            .await,
        200,
    )
    .await;
    assert_eq!(unknown["meta"]["total"], 0);
}

#[tokio::test]
async fn the_group_filter_pages_like_the_rest_of_the_list() {
    let (_app, admin) = secure_app().await;
    let a = id_of(&admin.create_stream(json!({})).await);
    let b = id_of(&admin.create_stream(json!({})).await);
    let mut of_a = Vec::new();
    for i in 0..26 {
        of_a.push(issue_for_group(&admin, &a).await);
        if i % 10 == 0 {
            issue_for_group(&admin, &b).await;
        }
    }
    of_a.reverse();

    let page1 = json_of(admin.get(&format!("{TOKENS}?group={a}")).await, 200).await;
    let page2 = json_of(
        admin
            .get(&format!("{TOKENS}?page=2&group={a}&per_page=25"))
            .await,
        200,
    )
    .await;
    let page3 = json_of(admin.get(&format!("{TOKENS}?group={a}&page=3")).await, 200).await;
    let fifty = json_of(
        admin.get(&format!("{TOKENS}?group={a}&per_page=50")).await,
        200,
    )
    .await;
    let of_b = json_of(
        admin.get(&format!("{TOKENS}?group={b}&per_page=50")).await,
        200,
    )
    .await;

    assert_eq!(listed_ids(&page1), of_a[..25]);
    assert_eq!(
        page1["meta"],
        json!({"total": 26, "page": 1, "per_page": 25})
    );
    assert_eq!(listed_ids(&page2), of_a[25..]);
    assert_eq!(
        page2["meta"],
        json!({"total": 26, "page": 2, "per_page": 25})
    );
    assert_eq!(page3["items"], json!([]));
    assert_eq!(
        page3["meta"],
        json!({"total": 26, "page": 3, "per_page": 25})
    );
    assert_eq!(listed_ids(&fifty), of_a);
    assert_eq!(of_b["meta"], json!({"total": 3, "page": 1, "per_page": 50}));
}

#[tokio::test]
async fn a_malformed_group_is_refused_with_the_field() {
    let (_app, admin) = secure_app().await;
    let why = "must be a stream group id, a UUID such as 7c1e0000-0000-4000-8000-000000000001";
    let group = Uuid::new_v4().to_string();
    for bad in [
        "nope".to_string(),
        String::new(),
        group.replace('-', ""),
        format!("{{{group}}}"),
        format!("{group}0"),
        format!("urn:uuid:{group}"),
    ] {
        let query = format!("{TOKENS}?group={}", urlencoding(&bad));
        assert_eq!(
            refused_fields(admin.get(&query).await).await,
            json!({"group": why}),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn every_role_lists_one_groups_tokens() {
    let (app, admin) = secure_app().await;
    let group = id_of(&admin.create_stream(json!({})).await);
    let token = issue_for_group(&admin, &group).await;
    issue_orgwide(&admin).await;

    for (label, _, caller) in app.every_caller().await {
        let listed = json_of(caller.get(&format!("{TOKENS}?group={group}")).await, 200).await;
        assert_eq!(listed_ids(&listed), [token.as_str()], "{label}");
    }
}

#[tokio::test]
async fn the_group_filter_never_shows_another_organisations_tokens() {
    let (app, admin) = secure_app().await;
    let (_, other) = other_secure_org(&app).await;
    let ours = id_of(&admin.create_stream(json!({})).await);
    let theirs = id_of(&other.create_stream(json!({})).await);
    let our_token = issue_for_group(&admin, &ours).await;
    issue_for_group(&other, &theirs).await;

    let their_group = json_of(admin.get(&format!("{TOKENS}?group={theirs}")).await, 200).await;
    let our_group = json_of(other.get(&format!("{TOKENS}?group={ours}")).await, 200).await;
    let own = json_of(admin.get(&format!("{TOKENS}?group={ours}")).await, 200).await;

    assert_eq!(their_group["meta"]["total"], 0);
    assert_eq!(our_group["meta"]["total"], 0);
    assert_eq!(listed_ids(&own), [our_token.as_str()]);
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_valid_token_verifies_with_its_claims_and_no_reason() {
    let (_app, admin) = secure_app().await;
    let issued = issue_orgwide(&admin).await;

    let answer = verify_text(&admin, &token_of(&issued)).await;

    assert_eq!(answer, json!({"valid": true, "claims": issued["claims"]}));
}

#[tokio::test]
async fn another_organisations_token_has_a_bad_signature() {
    let (app, admin) = secure_app().await;
    let (_, other) = other_secure_org(&app).await;
    issue_orgwide(&admin).await;
    let theirs = issue_orgwide(&other).await;

    let answer = verify_text(&admin, &token_of(&theirs)).await;

    assert_eq!(answer, json!({"valid": false, "reason": "bad_signature"}));
}

#[tokio::test]
async fn a_token_with_a_changed_payload_has_a_bad_signature() {
    let (_app, admin) = secure_app().await;
    let issued = issue_orgwide(&admin).await;
    let token = token_of(&issued);
    let parts: Vec<&str> = token.split('.').collect();

    // One character of the payload changed (still base64url).
    let mut payload: Vec<char> = parts[1].chars().collect();
    payload[20] = if payload[20] == 'A' { 'B' } else { 'A' };
    let one_char = format!(
        "{}.{}.{}",
        parts[0],
        payload.iter().collect::<String>(),
        parts[2]
    );
    // A meaningful change: a later expiry, re-encoded.
    let mut claims = issued["claims"].clone();
    claims["exp"] = json!(claims["exp"].as_i64().expect("exp") + 1);
    let extended = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(serde_json::to_vec(&claims).expect("JSON")),
        parts[2]
    );

    for forged in [one_char, extended] {
        assert_ne!(forged, token);
        assert_eq!(
            verify_text(&admin, &forged).await,
            json!({"valid": false, "reason": "bad_signature"}),
            "{forged}"
        );
    }
}

#[tokio::test]
async fn a_token_signed_by_a_key_outside_the_store_has_a_bad_signature() {
    let (app, admin) = secure_app().await;
    let issued = issue_orgwide(&admin).await;
    let claims: TokenClaims = serde_json::from_value(issued["claims"].clone()).expect("claims");
    let real_kid = stored_kids(&app, app.org.id).await.remove(0);
    let (private, public) = signing::generate();

    let own_kid = signing::sign(&claims, &public.thumbprint(), &private).expect("signs");
    let borrowed_kid = signing::sign(&claims, &real_kid, &private).expect("signs");

    for forged in [own_kid, borrowed_kid, "aaaa.bbbb.cccc".to_string()] {
        assert_eq!(
            verify_text(&admin, &forged).await,
            json!({"valid": false, "reason": "bad_signature"}),
            "{forged}"
        );
    }
}

#[tokio::test]
async fn a_token_before_its_not_before_is_not_yet_valid() {
    let (_app, admin) = secure_app().await;
    let issued = issue(
        &admin,
        json!({"scope": {"organisation": true}, "not_before": rfc3339(minute_ahead(11))}),
    )
    .await;

    let answer = verify_text(&admin, &token_of(&issued)).await;

    assert_eq!(
        answer,
        json!({"valid": false, "reason": "not_yet_valid", "claims": issued["claims"]})
    );
}

#[tokio::test]
async fn an_expired_token_verifies_as_expired() {
    let (app, admin) = secure_app().await;
    let now = now_s();
    let (token, claims) = forge(&app, now - 3600, now - 120).await;

    let answer = verify_text(&admin, &token).await;

    assert_eq!(
        answer,
        json!({"valid": false, "reason": "expired", "claims": claims})
    );
}

#[tokio::test]
async fn thirty_seconds_of_leeway_apply_to_both_ends() {
    let (app, admin) = secure_app().await;
    let now = now_s();
    let (just_expired, a) = forge(&app, now - 3600, now - 10).await;
    let (almost_valid, b) = forge(&app, now + 10, now + 3600).await;
    let (too_early, c) = forge(&app, now + 120, now + 3600).await;

    assert_eq!(
        verify_text(&admin, &just_expired).await,
        json!({"valid": true, "claims": a})
    );
    assert_eq!(
        verify_text(&admin, &almost_valid).await,
        json!({"valid": true, "claims": b})
    );
    assert_eq!(
        verify_text(&admin, &too_early).await,
        json!({"valid": false, "reason": "not_yet_valid", "claims": c})
    );
}

#[tokio::test]
async fn a_token_covers_only_the_streams_of_its_scope() {
    let (app, admin) = secure_app().await;
    app.enable(&[Feature::Transcoding]).await;
    let (other_org, other) = other_secure_org(&app).await;
    let group = admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
        .await;
    let passthrough = name_of(&group);
    let transcode = name_of(&group["members"][1]);
    let single = name_of(&admin.create_stream(json!({})).await);
    let another = name_of(&admin.create_stream(json!({})).await);
    let theirs = name_of(&other.create_stream(json!({})).await);
    let unknown = format!("{}-zzzzz", app.org.hash);
    assert_ne!(other_org.hash, app.org.hash);

    let by_group = issue(&admin, json!({"scope": {"group": id_of(&group)}})).await;
    let by_streams = issue(&admin, json!({"scope": {"streams": [single]}})).await;
    let orgwide = issue_orgwide(&admin).await;

    let cases = [
        (&by_group, &passthrough, true),
        (&by_group, &transcode, true),
        (&by_group, &single, false),
        (&by_group, &unknown, false),
        (&by_streams, &single, true),
        (&by_streams, &another, false),
        (&by_streams, &passthrough, false),
        (&by_streams, &unknown, false),
        (&orgwide, &passthrough, true),
        (&orgwide, &transcode, true),
        (&orgwide, &single, true),
        (&orgwide, &another, true),
        (&orgwide, &unknown, false),
        (&orgwide, &theirs, false),
    ];
    for (issued, stream, covered) in cases {
        let answer = verify(&admin, json!({"token": token_of(issued), "stream": stream})).await;
        let want = if covered {
            json!({"valid": true, "claims": issued["claims"]})
        } else {
            json!({"valid": false, "reason": "wrong_scope", "claims": issued["claims"]})
        };
        assert_eq!(answer, want, "{stream} for {}", issued["claims"]);
    }
}

#[tokio::test]
async fn an_ip_bound_token_needs_the_same_address() {
    let (_app, admin) = secure_app().await;
    let v4 = issue(
        &admin,
        json!({"scope": {"organisation": true}, "ip": "203.0.113.7"}),
    )
    .await;
    let v6 = issue(
        &admin,
        json!({"scope": {"organisation": true}, "ip": "2001:db8::1"}),
    )
    .await;

    let cases = [
        (&v4, None, false),
        (&v4, Some("203.0.113.8"), false),
        (&v4, Some("2001:db8::1"), false),
        (&v4, Some("203.0.113.7"), true),
        (&v4, Some(" 203.0.113.7 "), true),
        // The same IPv4 client as an IPv6 socket reports it.
        (&v4, Some("::ffff:203.0.113.7"), true),
        (&v6, None, false),
        (&v6, Some("2001:db8::2"), false),
        (&v6, Some("2001:db8::1"), true),
        (&v6, Some("2001:DB8::1"), true),
        (&v6, Some("2001:0db8:0000:0000:0000:0000:0000:0001"), true),
    ];
    for (issued, ip, matches) in cases {
        let mut req = json!({"token": token_of(issued)});
        if let Some(ip) = ip {
            req["ip"] = json!(ip);
        }
        let want = if matches {
            json!({"valid": true, "claims": issued["claims"]})
        } else {
            json!({"valid": false, "reason": "ip_mismatch", "claims": issued["claims"]})
        };
        assert_eq!(
            verify(&admin, req).await,
            want,
            "{ip:?} for {}",
            issued["claims"]["ip"]
        );
    }
}

#[tokio::test]
async fn a_domain_bound_token_needs_the_same_domain() {
    let (_app, admin) = secure_app().await;
    let issued = issue(
        &admin,
        json!({"scope": {"organisation": true}, "domain": "example.com"}),
    )
    .await;
    assert_eq!(issued["claims"]["dom"], "example.com");

    for (domain, matches) in [
        (None, false),
        (Some("other.example"), false),
        (Some("www.example.com"), false),
        (Some("example.com"), true),
        (Some("Example.COM"), true),
    ] {
        let mut req = json!({"token": token_of(&issued)});
        if let Some(domain) = domain {
            req["domain"] = json!(domain);
        }
        let want = if matches {
            json!({"valid": true, "claims": issued["claims"]})
        } else {
            json!({"valid": false, "reason": "domain_mismatch", "claims": issued["claims"]})
        };
        assert_eq!(verify(&admin, req).await, want, "{domain:?}");
    }
}

#[tokio::test]
async fn a_token_that_is_not_three_base64url_parts_is_refused() {
    let (_app, admin) = secure_app().await;
    let issued = issue_orgwide(&admin).await;
    let token = token_of(&issued);

    for bad in [
        String::new(),
        "abc".to_string(),
        "a.b".to_string(),
        "a.b.c.d".to_string(),
        "a..c".to_string(),
        format!("{token}!"),
        format!("{token}="),
    ] {
        let fields = refused_fields(admin.post(VERIFY, json!({ "token": bad })).await).await;
        assert_eq!(
            fields,
            json!({"token": "must be a JWT: three base64url parts separated by dots"}),
            "{bad:?}"
        );
    }
    assert_error(
        admin
            .post(
                VERIFY,
                json!({"token": token, "stream": "not a streamname"}),
            )
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        admin
            .post(VERIFY, json!({"token": token, "colour": "red"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Revocation
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_revoked_token_verifies_as_revoked_and_the_registry_shows_when() {
    let (_app, admin) = secure_app().await;
    let issued = issue(
        &admin,
        json!({"scope": {"organisation": true}, "revocable": true}),
    )
    .await;
    let revoke = format!("{TOKENS}/{}/revoke", str_of(&issued, "id"));
    let before = Utc::now();

    let res = admin.post_empty(&revoke).await;

    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(res.text().await.expect("body"), "");
    assert_eq!(
        verify_text(&admin, &token_of(&issued)).await,
        json!({"valid": false, "reason": "revoked", "claims": issued["claims"]})
    );
    let listed = body(admin.get(TOKENS).await).await;
    let item = &listed["items"][0];
    assert_eq!(item["id"], issued["id"]);
    assert_eq!(item["revocable"], true);
    let revoked_at = str_of(item, "revoked_at").to_string();
    let at = DateTime::parse_from_rfc3339(&revoked_at).expect("RFC 3339");
    assert!(
        at.timestamp_millis() >= before.timestamp_millis() - 1000,
        "{revoked_at}"
    );

    // Again: 204, and the first time stays.
    assert_eq!(admin.post_empty(&revoke).await.status().as_u16(), 204);
    let again = body(admin.get(TOKENS).await).await;
    assert_eq!(again["items"][0]["revoked_at"], revoked_at.as_str());
}

#[tokio::test]
async fn a_token_issued_without_revocable_cannot_be_revoked() {
    let (_app, admin) = secure_app().await;
    let issued = issue_orgwide(&admin).await;

    let res = admin
        .post_empty(&format!("{TOKENS}/{}/revoke", str_of(&issued, "id")))
        .await;

    assert_error(res, 409, "conflict").await;
    assert_eq!(
        verify_text(&admin, &token_of(&issued)).await,
        json!({"valid": true, "claims": issued["claims"]})
    );
    assert_eq!(
        body(admin.get(TOKENS).await).await["items"][0]["revoked_at"],
        Value::Null
    );
}

#[tokio::test]
async fn revoking_an_unknown_or_foreign_token_is_not_found() {
    let (app, admin) = secure_app().await;
    let (_, other) = other_secure_org(&app).await;
    let theirs = issue(
        &other,
        json!({"scope": {"organisation": true}, "revocable": true}),
    )
    .await;
    let ours = issue(
        &admin,
        json!({"scope": {"organisation": true}, "revocable": true}),
    )
    .await;
    let reader = app.signed_in(&app.add_user(Role::ReadOnly).await).await;
    let user = app.api_key(Role::User).await;

    for caller in [&admin, &user, &reader] {
        for id in [
            Uuid::new_v4().to_string(),
            str_of(&theirs, "id").to_string(),
            "not-a-uuid".to_string(),
        ] {
            let res = caller.post_empty(&format!("{TOKENS}/{id}/revoke")).await;
            assert_error(res, 404, "not_found").await;
        }
    }
    // A read-only caller is refused on its own organisation's token.
    assert_error(
        reader
            .post_empty(&format!("{TOKENS}/{}/revoke", str_of(&ours, "id")))
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        verify_text(&other, &token_of(&theirs)).await,
        json!({"valid": true, "claims": theirs["claims"]})
    );
}

// ---------------------------------------------------------------------------------------
// Signing keys
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_first_token_creates_the_first_signing_key() {
    let (app, admin) = secure_app().await;

    let before = json_of(admin.get(KEYS).await, 200).await;
    let empty_jwks = jwks(&app, app.org.hash.as_str()).await;
    let issued = issue_orgwide(&admin).await;
    let after = json_of(admin.get(KEYS).await, 200).await;

    assert_eq!(before, json!({"items": [], "meta": {"total": 0}}));
    assert_eq!(empty_jwks, json!({"keys": []}));
    let stored = app.store.signing_keys(app.org.id).await.expect("keys");
    assert_eq!(stored.len(), 1);
    let key = &stored[0];
    assert_eq!(
        after,
        json!({
            "items": [{"kid": key.kid, "created_at": key.created_at.to_string(), "active": true}],
            "meta": {"total": 1}
        })
    );
    let header: Value = serde_json::from_slice(&part(&token_of(&issued), 0)).expect("JSON");
    assert_eq!(header["kid"], key.kid.as_str());
    assert_eq!(
        jwks(&app, app.org.hash.as_str()).await,
        json!({"keys": [{
            "kty": "EC", "crv": "P-256", "x": key.public.x, "y": key.public.y,
            "kid": key.kid, "alg": "ES256", "use": "sig"
        }]})
    );
    // A second token reuses the key.
    issue_orgwide(&admin).await;
    assert_eq!(stored_kids(&app, app.org.id).await, vec![key.kid.clone()]);
}

#[tokio::test]
async fn rotation_signs_with_the_new_key_and_old_tokens_verify_until_their_key_is_deleted() {
    let (app, admin) = secure_app().await;
    let mut seen = Seen::default();
    let old_token = seen
        .take(
            admin
                .post(TOKENS, json!({"scope": {"organisation": true}}))
                .await,
            201,
        )
        .await;
    let old_kid = stored_kids(&app, app.org.id).await.remove(0);

    // Rotate.
    let created = seen.take(admin.post_empty(KEYS).await, 201).await;
    let stored = app.store.signing_keys(app.org.id).await.expect("keys");
    let privates: Vec<String> = stored
        .iter()
        .map(|k| k.private.stored().to_string())
        .collect();
    assert_eq!(stored.len(), 2);
    let new = &stored[0];
    assert_eq!(keys(&created), ["created_at", "kid", "public_jwk"]);
    assert_eq!(created["kid"], new.kid.as_str());
    assert_eq!(created["created_at"], new.created_at.to_string());
    let new_jwk = json!({
        "kty": "EC", "crv": "P-256", "x": new.public.x, "y": new.public.y,
        "kid": new.kid, "alg": "ES256", "use": "sig"
    });
    assert_eq!(created["public_jwk"], new_jwk);
    assert_eq!(new.kid, new.public.thumbprint());

    let listed = seen.take(admin.get(KEYS).await, 200).await;
    let items = listed["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["kid"], new.kid.as_str());
    assert_eq!(items[0]["active"], true);
    assert_eq!(items[1]["kid"], old_kid.as_str());
    assert_eq!(items[1]["active"], false);

    // New tokens carry the new kid; old ones still verify.
    let new_token = seen
        .take(
            admin
                .post(TOKENS, json!({"scope": {"organisation": true}}))
                .await,
            201,
        )
        .await;
    let header: Value = serde_json::from_slice(&part(&token_of(&new_token), 0)).expect("JSON");
    assert_eq!(header["kid"], new.kid.as_str());
    let registry = seen.take(admin.get(TOKENS).await, 200).await;
    let kids: BTreeSet<&str> = registry["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| str_of(i, "kid"))
        .collect();
    assert_eq!(kids, BTreeSet::from([old_kid.as_str(), new.kid.as_str()]));
    for issued in [&old_token, &new_token] {
        let v = seen
            .take(
                admin.post(VERIFY, json!({"token": token_of(issued)})).await,
                200,
            )
            .await;
        assert_eq!(v, json!({"valid": true, "claims": issued["claims"]}));
    }
    let both = seen
        .take(
            app.anonymous()
                .get(&format!("/.well-known/jwks.json?org={}", app.org.hash))
                .await,
            200,
        )
        .await;
    let jwks_kids: Vec<&str> = both["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| str_of(k, "kid"))
        .collect();
    assert_eq!(jwks_kids, [new.kid.as_str(), old_kid.as_str()]);

    // Delete the old key.
    let deleted = seen
        .take(admin.delete(&format!("{KEYS}/{old_kid}")).await, 204)
        .await;
    assert_eq!(deleted, Value::Null);
    let old_now = seen
        .take(
            admin
                .post(VERIFY, json!({"token": token_of(&old_token)}))
                .await,
            200,
        )
        .await;
    assert_eq!(old_now, json!({"valid": false, "reason": "bad_signature"}));
    let new_now = seen
        .take(
            admin
                .post(VERIFY, json!({"token": token_of(&new_token)}))
                .await,
            200,
        )
        .await;
    assert_eq!(
        new_now,
        json!({"valid": true, "claims": new_token["claims"]})
    );
    let remaining = seen
        .take(
            app.anonymous()
                .get(&format!("/.well-known/jwks.json?org={}", app.org.hash))
                .await,
            200,
        )
        .await;
    assert_eq!(remaining, json!({"keys": [new_jwk]}));
    let keys_now = seen.take(admin.get(KEYS).await, 200).await;
    assert_eq!(keys_now["meta"]["total"], 1);
    assert_eq!(keys_now["items"][0]["kid"], new.kid.as_str());
    assert_eq!(keys_now["items"][0]["active"], true);
    // The registry still lists the old key's token.
    let registry = seen.take(admin.get(TOKENS).await, 200).await;
    assert_eq!(registry["meta"]["total"], 2);

    // Deleting it again, or an unknown kid: 404.
    seen.take(admin.delete(&format!("{KEYS}/{old_kid}")).await, 404)
        .await;
    seen.take(admin.delete(&format!("{KEYS}/no-such-kid")).await, 404)
        .await;

    assert_eq!(seen.0.len(), 16);
    for private in &privates {
        assert!(!private.is_empty());
        for text in &seen.0 {
            assert!(!text.contains(private.as_str()), "private key in {text}");
        }
    }
}

#[tokio::test]
async fn deleting_an_unknown_or_foreign_signing_key_is_not_found() {
    let (app, admin) = secure_app().await;
    let (other_org, other) = other_secure_org(&app).await;
    issue_orgwide(&other).await;
    let theirs = stored_kids(&app, other_org.id).await.remove(0);
    let reader = app.api_key(Role::ReadOnly).await;

    for caller in [&admin, &reader] {
        for kid in [theirs.as_str(), "no-such-kid"] {
            assert_error(
                caller.delete(&format!("{KEYS}/{kid}")).await,
                404,
                "not_found",
            )
            .await;
        }
    }
    assert_eq!(stored_kids(&app, other_org.id).await, vec![theirs]);
}

#[tokio::test]
async fn after_the_last_key_is_deleted_the_next_token_creates_a_new_one() {
    let (app, admin) = secure_app().await;
    let first = issue_orgwide(&admin).await;
    let old_kid = stored_kids(&app, app.org.id).await.remove(0);

    let res = admin.delete(&format!("{KEYS}/{old_kid}")).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        body(admin.get(KEYS).await).await,
        json!({"items": [], "meta": {"total": 0}})
    );
    let second = issue_orgwide(&admin).await;

    let kids = stored_kids(&app, app.org.id).await;
    assert_eq!(kids.len(), 1);
    assert_ne!(kids[0], old_kid);
    assert_eq!(
        verify_text(&admin, &token_of(&first)).await,
        json!({"valid": false, "reason": "bad_signature"})
    );
    assert_eq!(
        verify_text(&admin, &token_of(&second)).await,
        json!({"valid": true, "claims": second["claims"]})
    );
}

// ---------------------------------------------------------------------------------------
// Independent verification and tenancy
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn tokens_verify_independently_against_the_published_jwks() {
    let (app, admin) = secure_app().await;
    let issued = issue_orgwide(&admin).await;
    let token = token_of(&issued);
    let document = jwks(&app, app.org.hash.as_str()).await;
    let header: Value = serde_json::from_slice(&part(&token, 0)).expect("JSON");
    let jwk = document["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the token's key is published");
    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["crv"], "P-256");
    assert_eq!(jwk["alg"], "ES256");
    let mut point = vec![0x04];
    for c in ["x", "y"] {
        let bytes = B64.decode(str_of(jwk, c)).expect("base64url");
        assert_eq!(bytes.len(), 32, "{c}");
        point.extend(bytes);
    }
    let key =
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point);
    let (signing_input, signature) = token.rsplit_once('.').expect("three parts");
    let signature = B64.decode(signature).expect("base64url");
    assert_eq!(signature.len(), 64);

    assert!(
        key.verify(signing_input.as_bytes(), &signature).is_ok(),
        "the signature checks out against the JWKS"
    );

    let mut claims = issued["claims"].clone();
    claims["orgwide"] = json!(false);
    let tampered = format!(
        "{}.{}",
        signing_input.split('.').next().expect("header"),
        B64.encode(serde_json::to_vec(&claims).expect("JSON"))
    );
    assert!(key.verify(tampered.as_bytes(), &signature).is_err());
}

#[tokio::test]
async fn organisations_do_not_accept_each_others_tokens_or_share_keys() {
    let (app, admin) = secure_app().await;
    let (other_org, other) = other_secure_org(&app).await;
    let ours = issue_orgwide(&admin).await;
    let theirs = issue_orgwide(&other).await;

    assert_eq!(
        verify_text(&other, &token_of(&ours)).await,
        json!({"valid": false, "reason": "bad_signature"})
    );
    assert_eq!(
        verify_text(&admin, &token_of(&theirs)).await,
        json!({"valid": false, "reason": "bad_signature"})
    );
    assert_eq!(
        verify_text(&other, &token_of(&theirs)).await,
        json!({"valid": true, "claims": theirs["claims"]})
    );
    assert_eq!(theirs["claims"]["org"], other_org.hash.as_str());

    let our_kid = stored_kids(&app, app.org.id).await.remove(0);
    let their_kid = stored_kids(&app, other_org.id).await.remove(0);
    assert_ne!(our_kid, their_kid);
    let their_jwks = jwks(&app, other_org.hash.as_str()).await;
    let listed: Vec<&str> = their_jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| str_of(k, "kid"))
        .collect();
    assert_eq!(listed, [their_kid.as_str()]);
    let our_jwks = jwks(&app, app.org.hash.as_str()).await;
    assert_eq!(our_jwks["keys"].as_array().expect("keys").len(), 1);
    assert_eq!(our_jwks["keys"][0]["kid"], our_kid.as_str());
    // Neither registry lists the other's token.
    let their_list = body(other.get(TOKENS).await).await;
    assert_eq!(their_list["meta"]["total"], 1);
    assert_eq!(their_list["items"][0]["id"], theirs["id"]);
    let our_list = body(admin.get(TOKENS).await).await;
    assert_eq!(our_list["meta"]["total"], 1);
    assert_eq!(our_list["items"][0]["id"], ours["id"]);
    let their_keys = body(other.get(KEYS).await).await;
    assert_eq!(their_keys["items"][0]["kid"], their_kid.as_str());
    assert_eq!(their_keys["meta"]["total"], 1);
}

// ---------------------------------------------------------------------------------------
// Secure playback of HLS
// ---------------------------------------------------------------------------------------

/// A live stream of `caller`'s organisation with a playlist and one fragment in the
/// media folder, as the media server writes them; (id, name).
async fn live_with_hls(app: &TestApp, caller: &Caller) -> (String, String) {
    let s = caller.create_stream(json!({})).await;
    let name = str_of(&s, "name").to_string();
    assert_eq!(app.ingest("publish", &name).await.status().as_u16(), 204);
    let hls = app.media_dir.join("hls");
    std::fs::create_dir_all(&hls).expect("hls folder");
    std::fs::write(
        hls.join(format!("{name}.m3u8")),
        format!("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\n{name}-1000.ts\n"),
    )
    .expect("playlist");
    std::fs::write(hls.join(format!("{name}-1000.ts")), [0x47u8; 188]).expect("fragment");
    (str_of(&s, "id").to_string(), name)
}

/// GET an HLS file with an optional token and page origin: (status, reason header, body).
async fn hls(
    app: &TestApp,
    file: &str,
    token: Option<&str>,
    origin: Option<&str>,
) -> (u16, String, String) {
    let (status, headers, body) = hls_with(app, file, token, origin).await;
    let reason = header_of(&headers, "x-token-reason");
    (status, reason, body)
}

/// GET an HLS file: (status, headers, body).
async fn hls_with(
    app: &TestApp,
    file: &str,
    token: Option<&str>,
    origin: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut url = app.url(&format!("/hls/{file}"));
    if let Some(t) = token {
        url.push_str(&format!("?token={t}"));
    }
    let mut req = reqwest::Client::new().get(url);
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    let res = req.send().await.expect("answers");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.text().await.expect("body"))
}

fn header_of(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn hls_is_served_by_stream_id_and_never_names_the_stream_key() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (id, name) = live_with_hls(&app, &admin).await;

    let (master, master_headers, master_text) =
        hls_with(&app, &format!("{id}.m3u8"), None, None).await;
    let (media, _, media_text) = hls(&app, &format!("{id}/index.m3u8"), None, None).await;
    let (frag, frag_headers, frag_body) =
        hls_with(&app, &format!("{id}/1000.ts"), None, None).await;
    let (by_name, _, _) = hls(&app, &format!("{name}.m3u8"), None, None).await;
    let (old_fragment, _, _) = hls(&app, &format!("{name}-1000.ts"), None, None).await;
    let stream = json_of(admin.get(&format!("/api/v1/streams/{id}")).await, 200).await;

    assert_eq!(master, 200);
    // One variant, the passthrough: its bandwidth measured on the fragment written so far
    // (188 bytes in 1 s); no resolution without the media server's statistics.
    assert_eq!(
        master_text,
        format!(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n\
             #EXT-X-STREAM-INF:BANDWIDTH=1504,NAME=\"0\"\n{id}/index.m3u8\n"
        )
    );
    assert_eq!(
        header_of(&master_headers, "content-type"),
        "application/vnd.apple.mpegurl"
    );
    assert_eq!(
        header_of(&master_headers, "cache-control"),
        "no-cache, no-store"
    );
    assert_eq!(
        header_of(&master_headers, "access-control-allow-origin"),
        "*"
    );
    assert_eq!(media, 200);
    assert_eq!(
        media_text,
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\n#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:01.000Z\n1000.ts\n"
    );
    assert_eq!(frag, 200);
    assert_eq!(header_of(&frag_headers, "content-type"), "video/mp2t");
    assert_eq!(
        header_of(&frag_headers, "cache-control"),
        "public, max-age=86400, immutable"
    );
    assert_eq!(frag_body.len(), 188);
    assert_eq!((by_name, old_fragment), (404, 404));
    assert_eq!(
        str_of(&stream["playout"], "hls_url"),
        app.url(&format!("/hls/{id}.m3u8"))
    );
    for text in [&master_text, &media_text] {
        assert!(!text.contains(&name), "the stream key leaks: {text}");
    }
}

#[tokio::test]
async fn hls_answers_the_state_of_a_stream_that_does_not_play() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let created = admin.create_stream(json!({})).await;
    let created_id = str_of(&created, "id").to_string();
    let (ended_id, ended_name) = live_with_hls(&app, &admin).await;
    assert_eq!(
        app.ingest("publish_done", &ended_name)
            .await
            .status()
            .as_u16(),
        204
    );
    let (locked_id, _) = live_with_hls(&app, &admin).await;
    let locked = admin
        .post_empty(&format!("/api/v1/streams/{locked_id}/lock"))
        .await;
    assert_eq!(locked.status().as_u16(), 200);
    let (deleted_id, _) = live_with_hls(&app, &admin).await;
    assert_eq!(
        admin
            .delete(&format!("/api/v1/streams/{deleted_id}"))
            .await
            .status()
            .as_u16(),
        204
    );
    let unknown = uuid::Uuid::new_v4();

    let state_of = |(status, headers, body): (u16, reqwest::header::HeaderMap, String)| {
        let v: Value = serde_json::from_str(&body).expect("the API's error body");
        assert_eq!(v["error"]["code"], "not_found", "{body}");
        (status, header_of(&headers, "x-stream-state"))
    };
    let master = |id: String| {
        let app = &app;
        async move { state_of(hls_with(app, &format!("{id}.m3u8"), None, None).await) }
    };
    assert_eq!(
        master(created_id.clone()).await,
        (404, "created".to_string())
    );
    assert_eq!(master(ended_id.clone()).await, (404, "ended".to_string()));
    assert_eq!(master(locked_id.clone()).await, (404, "locked".to_string()));
    assert_eq!(master(deleted_id.clone()).await, (404, String::new()));
    assert_eq!(master(unknown.to_string()).await, (404, String::new()));
    for odd in ["..%2Ftest.db", "Nope0-Nope0.m3u8", "index.m3u8"] {
        assert_eq!(hls(&app, odd, None, None).await.0, 404, "{odd}");
    }
    for odd in [
        format!("{locked_id}/index.m3u8"),
        format!("{locked_id}/1000.ts"),
        format!("{unknown}/index.m3u8"),
        format!("{ended_id}/..%2F..%2Ftest.db"),
        format!("{ended_id}/nginx.conf"),
    ] {
        assert_eq!(hls(&app, &odd, None, None).await.0, 404, "{odd}");
    }

    // The status players poll answers 200 whatever the state (unknown streams excepted).
    let status = |id: String| {
        let app = &app;
        async move {
            let (code, _, body) = hls(app, &format!("{id}/status"), None, None).await;
            (code, body)
        }
    };
    let (live_id, _) = live_with_hls(&app, &admin).await;
    let starting = admin.create_stream(json!({})).await;
    assert_eq!(
        app.ingest("publish", &name_of(&starting))
            .await
            .status()
            .as_u16(),
        204
    );
    for (id, want) in [
        (created_id.clone(), "created"),
        (ended_id.clone(), "ended"),
        (locked_id.clone(), "locked"),
        (live_id, "live"),
        // Live, but its first fragment is not written yet.
        (id_of(&starting), "starting"),
    ] {
        assert_eq!(status(id).await, (200, format!("{{\"state\":\"{want}\"}}")));
    }
    assert_eq!(status(deleted_id.clone()).await.0, 404);
    assert_eq!(status(unknown.to_string()).await.0, 404);

    // An ended stream's playlist stays readable to the end, and says it is the end.
    let (status, _, text) = hls(&app, &format!("{ended_id}/index.m3u8"), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        text,
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\n#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:01.000Z\n1000.ts\n#EXT-X-ENDLIST\n"
    );
}

#[tokio::test]
async fn secure_hls_needs_a_valid_token_checked_as_verify_does() {
    let (app, admin) = secure_app().await;
    let (id, _) = live_with_hls(&app, &admin).await;
    let (_, other_group) = live_with_hls(&app, &admin).await;
    let master = format!("{id}.m3u8");
    let playlist = format!("{id}/index.m3u8");
    let fragment = format!("{id}/1000.ts");
    let good = token_of(&issue(&admin, json!({"scope": {"group": id}, "revocable": true})).await);
    let wrong_scope = token_of(&issue(&admin, json!({"scope": {"streams": [other_group]}})).await);
    let other_ip = token_of(
        &issue(
            &admin,
            json!({"scope": {"organisation": true}, "ip": "203.0.113.9"}),
        )
        .await,
    );
    let by_domain = token_of(
        &issue(
            &admin,
            json!({"scope": {"organisation": true}, "domain": "www.acme.example"}),
        )
        .await,
    );
    let (_, other_admin) = other_secure_org(&app).await;
    let foreign = token_of(&issue_orgwide(&other_admin).await);

    let (none, _, body_none) = hls(&app, &master, None, None).await;
    let (none_fragment, _, _) = hls(&app, &fragment, None, None).await;
    let (none_status, _, _) = hls(&app, &format!("{id}/status"), None, None).await;
    let (status_refused, status_reason, _) =
        hls(&app, &format!("{id}/status"), Some(&foreign), None).await;
    let (status_ok, _, status_text) = hls(&app, &format!("{id}/status"), Some(&good), None).await;
    let (ok_master, _, master_text) = hls(&app, &master, Some(&good), None).await;
    let (ok, _, text) = hls(&app, &playlist, Some(&good), None).await;
    let (frag, frag_headers, _) = hls_with(&app, &fragment, Some(&good), None).await;
    let refused = [
        (
            hls(&app, &playlist, Some(&foreign), None).await,
            "bad_signature",
        ),
        (
            hls(&app, &master, Some(&wrong_scope), None).await,
            "wrong_scope",
        ),
        (
            hls(&app, &playlist, Some(&other_ip), None).await,
            "ip_mismatch",
        ),
        (
            hls(
                &app,
                &playlist,
                Some(&by_domain),
                Some("https://evil.example"),
            )
            .await,
            "domain_mismatch",
        ),
        (
            hls(&app, &playlist, Some(&by_domain), None).await,
            "domain_mismatch",
        ),
    ];
    let (right_domain, _, _) = hls(
        &app,
        &playlist,
        Some(&by_domain),
        Some("https://www.acme.example"),
    )
    .await;

    assert_eq!(
        (none, none_fragment, none_status),
        (401, 401, 401),
        "{body_none}"
    );
    assert_eq!(
        (status_refused, status_reason.as_str()),
        (403, "bad_signature")
    );
    assert_eq!(
        (status_ok, status_text.as_str()),
        (200, "{\"state\":\"live\"}")
    );
    assert_eq!(ok_master, 200);
    assert!(
        master_text.ends_with(&format!("\n{id}/index.m3u8?token={good}\n")),
        "{master_text}"
    );
    assert_eq!(ok, 200);
    assert!(
        text.ends_with(&format!("\n1000.ts?token={good}\n")),
        "{text}"
    );
    assert_eq!(frag, 200);
    assert_eq!(
        header_of(&frag_headers, "cache-control"),
        "private, max-age=86400, immutable"
    );
    for ((status, reason, body), want) in refused {
        assert_eq!((status, reason.as_str()), (403, want), "{body}");
        let v: Value = serde_json::from_str(&body).expect("error body");
        assert_eq!(v["error"]["code"], "forbidden");
        assert!(
            v["error"]["message"]
                .as_str()
                .expect("message")
                .contains(want),
            "{v}"
        );
    }
    assert_eq!(right_domain, 200);

    // Revoked: the very next fragment is refused.
    let good_id = verify_text(&admin, &good).await["claims"]["jti"]
        .as_str()
        .expect("jti")
        .to_string();
    let revoked = admin
        .post_empty(&format!("/api/v1/tokens/{good_id}/revoke"))
        .await;
    assert_eq!(revoked.status().as_u16(), 204);
    let (after, reason, _) = hls(&app, &fragment, Some(&good), None).await;
    assert_eq!((after, reason.as_str()), (403, "revoked"));
}

#[tokio::test]
async fn members_of_the_organisation_play_its_secure_streams_signed_in() {
    let (app, admin) = secure_app().await;
    let (id, _) = live_with_hls(&app, &admin).await;
    let (_, other_admin) = other_secure_org(&app).await;

    let own = admin
        .get(&format!("/hls/{id}.m3u8"))
        .await
        .status()
        .as_u16();
    let own_fragment = admin
        .get(&format!("/hls/{id}/1000.ts"))
        .await
        .status()
        .as_u16();
    let other = other_admin
        .get(&format!("/hls/{id}.m3u8"))
        .await
        .status()
        .as_u16();
    let anonymous = app
        .anonymous()
        .get(&format!("/hls/{id}.m3u8"))
        .await
        .status()
        .as_u16();

    assert_eq!((own, own_fragment, other, anonymous), (200, 200, 401, 401));
}
