//! Signing in and out, and who am I: `/auth/login`, `/auth/logout`, `/me`.

use crate::auth::{self, Actor, Auth};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::store::now_millis;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use shared::model::{ApiKeyRef, LoginRequest, Me, Session};
use shared::ErrorBody;
use std::convert::Infallible;
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Failures counted over this window.
const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed sign-ins for one email within the window before further attempts are refused.
const MAX_FAILURES_PER_EMAIL: i64 = 10;
/// Failed sign-ins from one client address within the window, likewise.
const MAX_FAILURES_PER_ADDR: i64 = 50;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(get_me))
}

/// The client's address as the socket saw it ("unknown" when served without one).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ci| ci.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// Signs in with email and password; sets the session cookie.
#[utoipa::path(
    post, path = "/auth/login", tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = Session),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 422, description = "Malformed body", body = ErrorBody),
        (status = 429, description = "Too many failed attempts for this email or address", body = ErrorBody),
    )
)]
async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let email_key = req.email.trim().to_lowercase();
    let now = now_millis();
    let counts = state
        .store
        .login_failures(&email_key, &addr, now - THROTTLE_WINDOW_MS)
        .await?;
    if counts.for_email >= MAX_FAILURES_PER_EMAIL || counts.from_addr >= MAX_FAILURES_PER_ADDR {
        tracing::warn!(%addr, "sign-in throttled");
        return Err(ApiError::RateLimited {
            retry_after_secs: (THROTTLE_WINDOW_MS / 1000) as u64,
        });
    }
    let creds = state.store.credentials(&email_key).await?;
    let ok = auth::verify_password(
        creds.as_ref().map(|c| c.password_hash.clone()),
        &req.password,
    )
    .await?;
    let Some(creds) = creds.filter(|_| ok) else {
        state
            .store
            .record_login_failure(&email_key, &addr, now, now - THROTTLE_WINDOW_MS)
            .await?;
        return Err(ApiError::Unauthorized(
            "The email or password is wrong.".into(),
        ));
    };
    state.store.clear_login_failures(&email_key).await?;
    let token = auth::random_secret();
    let expires = now + auth::SESSION_DAYS * 24 * 3600 * 1000;
    state
        .store
        .create_session(creds.user.id, &auth::sha256_hex(&token), expires)
        .await?;
    let organisation = state.store.organisation(creds.org_id).await?;
    tracing::info!(user = %creds.user.id, "signed in");
    let jar = jar.add(auth::session_cookie(token, state.settings.secure_cookies));
    Ok((
        jar,
        axum::Json(Session {
            user: creds.user,
            organisation,
        }),
    ))
}

/// Signs out: ends the session on the server and clears the cookie.
#[utoipa::path(
    post, path = "/auth/logout", tag = "session",
    responses(
        (status = 204, description = "Signed out (with an API key: nothing to end)"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Missing X-Requested-With header", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn logout(
    State(state): State<AppState>,
    Auth(principal, ..): Auth,
    jar: CookieJar,
) -> ApiResult<impl IntoResponse> {
    if let (Actor::User(_), Some(cookie)) = (&principal.actor, jar.get(auth::SESSION_COOKIE)) {
        state
            .store
            .delete_session(&auth::sha256_hex(cookie.value()))
            .await?;
    }
    let jar = jar.add(auth::cleared_session_cookie(state.settings.secure_cookies));
    Ok((StatusCode::NO_CONTENT, jar))
}

/// The caller: the signed-in user (or the API key) and the organisation.
#[utoipa::path(
    get, path = "/me", tag = "session",
    responses(
        (status = 200, body = Me),
        (status = 401, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn get_me(
    State(state): State<AppState>,
    Auth(principal, ..): Auth,
) -> ApiResult<axum::Json<Me>> {
    let organisation = state.store.organisation(principal.org_id).await?;
    let (user, api_key) = match principal.actor {
        Actor::User(u) => (Some(u), None),
        Actor::ApiKey(k) => (
            None,
            Some(ApiKeyRef {
                id: k.id,
                name: k.name,
                role: k.role,
            }),
        ),
    };
    Ok(axum::Json(Me {
        user,
        api_key,
        organisation,
    }))
}
