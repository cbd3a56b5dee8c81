//! Signing in and out, and who am I: `/auth/login`, `/auth/logout`, `/me`.

use crate::auth::{self, Actor, Auth};
use crate::client_addr::ClientAddr;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::events::Revoked;
use crate::secrets;
use crate::state::AppState;
use crate::store::{now_millis, LoginAttempt};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use shared::model::{ApiKeyRef, ChangePassword, LoginRequest, Me, Session};
use shared::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(get_me))
        .routes(routes!(change_password))
}

/// Signs in with email and password; sets the session cookie.
#[utoipa::path(
    post, path = "/auth/login", tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = Session),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 422, description = "Malformed body", body = ErrorBody),
        (status = 429, description = "Too many failed attempts for this email from this address, or from this address; Retry-After gives the seconds until the next attempt is accepted", body = ErrorBody),
        (status = 503, description = "Too many sign-ins being checked at once; retry after Retry-After seconds", body = ErrorBody),
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
    // Counted before the password is checked, so parallel guesses are counted too.
    let attempt = state
        .store
        .begin_login_attempt(&email_key, &addr, now, state.settings.login_limits)
        .await?;
    let attempt = match attempt {
        LoginAttempt::Allowed(id) => id,
        LoginAttempt::Refused { retry_after_ms } => {
            tracing::warn!(%addr, "sign-in throttled");
            return Err(ApiError::RateLimited {
                retry_after_secs: u64::try_from(retry_after_ms).unwrap_or(1).div_ceil(1000),
            });
        }
    };
    let creds = state.store.credentials(&email_key).await?;
    let checked = state
        .passwords
        .verify(
            creds.as_ref().map(|c| c.password_hash.clone()),
            &req.password,
        )
        .await;
    let ok = match checked {
        Ok(ok) => ok,
        Err(e) => {
            // Not checked (the server is busy): the attempt does not count.
            state.store.forget_login_attempt(attempt).await?;
            return Err(e);
        }
    };
    let Some(creds) = creds.filter(|_| ok) else {
        return Err(ApiError::Unauthorized(
            "The email or password is wrong.".into(),
        ));
    };
    state.store.login_succeeded(&email_key, &addr).await?;
    let token = secrets::random_secret();
    let expires = now + auth::SESSION_DAYS * 24 * 3600 * 1000;
    state
        .store
        .create_session(creds.user.id, &secrets::sha256_hex(&token), expires)
        .await?;
    let organisation = state.store.organisation(creds.org_id).await?;
    tracing::info!(user = %creds.user.id, "signed in");
    let jar = jar.add(auth::session_cookie(token, state.settings.https));
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
        let token_hash = secrets::sha256_hex(cookie.value());
        state.store.delete_session(&token_hash).await?;
        state.events.revoke(Revoked::Session(token_hash));
    }
    let jar = jar.add(auth::cleared_session_cookie(state.settings.https));
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

/// Changes the signed-in user's own password: the current one is required; every other
/// session of theirs ends (this one stays signed in).
#[utoipa::path(
    post, path = "/me/password", tag = "session",
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; the user's other sessions have ended"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "An API key has no password, or the X-Requested-With header is missing", body = ErrorBody),
        (status = 422, description = "The current password is wrong, or the new one is refused", body = ErrorBody),
        (status = 503, description = "Too many passwords being checked at once; retry after Retry-After seconds", body = ErrorBody),
    ),
    security(("session" = []))
)]
async fn change_password(
    State(state): State<AppState>,
    Auth(principal, ..): Auth,
    ApiJson(req): ApiJson<ChangePassword>,
) -> ApiResult<StatusCode> {
    let (Actor::User(user), auth::Credential::Session { token_hash, .. }) =
        (&principal.actor, &principal.credential)
    else {
        return Err(ApiError::Forbidden(
            "Only a signed-in user has a password to change; an API key has none.".into(),
        ));
    };
    let current = state.store.password_hash(principal.org_id, user.id).await?;
    if !state
        .passwords
        .verify(Some(current), &req.current_password)
        .await?
    {
        return Err(ApiError::field("current_password", "is wrong"));
    }
    if req.new_password.as_str() == req.current_password {
        return Err(ApiError::field(
            "new_password",
            "must differ from the current password",
        ));
    }
    let hash = state.passwords.hash(req.new_password.as_str()).await?;
    let ended = state
        .store
        .set_password(principal.org_id, user.id, &hash, Some(token_hash))
        .await?;
    for session in ended {
        state.events.revoke(Revoked::Session(session));
    }
    tracing::info!(user = %user.id, "password changed");
    Ok(StatusCode::NO_CONTENT)
}
