//! Who is calling, and may they: session cookies, API keys, the CSRF rule and roles.
//!
//! [`Auth<P>`] is the extractor: it authenticates (API key in `X-API-Key`, else the
//! session cookie), applies the CSRF rule (docs/api.md, "Authentication": a request made
//! with the cookie that changes state must carry `X-Requested-With: castboard`) and
//! checks the role policy `P`.
//! Routes acting on one object extract `Auth` (any role), load the object in the caller's
//! organisation (404 for anyone else's), and only then call [`Principal::require`], so
//! another organisation's object is 404 before any role check.

use crate::error::{ApiError, ApiResult};
use crate::events::Revoked;
use crate::secrets::sha256_hex;
use crate::state::AppState;
use crate::store::Store;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Method;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use shared::model::{ApiKeyRef, Role, User};
use std::marker::PhantomData;
use uuid::Uuid;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "castboard_session";
/// Sessions last this long from sign-in.
pub const SESSION_DAYS: i64 = 7;
/// Header scripts send their API key in.
pub const API_KEY_HEADER: &str = "x-api-key";
/// The CSRF guard header and its only accepted value.
pub const CSRF_HEADER: &str = "x-requested-with";
pub const CSRF_VALUE: &str = "castboard";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub org_id: Uuid,
    pub role: Role,
    pub actor: Actor,
    /// What the access rests on, to end what outlives a request (event streams).
    pub credential: Credential,
}

/// The session or API key a caller was authenticated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session { token_hash: String, user_id: Uuid },
    ApiKey { id: Uuid },
}

impl Credential {
    /// Whether `revoked` ends this credential.
    pub fn ended_by(&self, revoked: &Revoked) -> bool {
        match (self, revoked) {
            (Credential::Session { token_hash, .. }, Revoked::Session(h)) => token_hash == h,
            (Credential::Session { user_id, .. }, Revoked::User(id)) => user_id == id,
            (Credential::ApiKey { id }, Revoked::ApiKey(key)) => id == key,
            _ => false,
        }
    }

    /// Whether the credential still authenticates (asked of the store, for changes this
    /// process did not announce: expiry, another instance).
    pub async fn still_valid(&self, store: &Store) -> ApiResult<bool> {
        Ok(match self {
            Credential::Session { token_hash, .. } => store.session(token_hash).await?.is_some(),
            Credential::ApiKey { id } => store.api_key_exists(*id).await?,
        })
    }
}

/// Who the caller is.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A person signed in with the session cookie.
    User(User),
    /// A script with an API key.
    ApiKey(ApiKeyRef),
}

impl Principal {
    /// Refuses (403) unless the caller's role satisfies `P`.
    pub fn require<P: Policy>(&self) -> ApiResult<()> {
        if P::allows(self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "Your role ({}) may not do this; it needs {}.",
                self.role,
                P::NEEDS
            )))
        }
    }
}

/// A rule on roles.
pub trait Policy {
    /// Completes "it needs …" in the refusal message.
    const NEEDS: &'static str;
    fn allows(role: Role) -> bool;
}

/// Every authenticated caller.
pub struct AnyRole;
/// Admins and users: creating and editing.
pub struct Writer;
/// Admins only: lock, delete, administration.
pub struct AdminOnly;

impl Policy for AnyRole {
    const NEEDS: &'static str = "any role";
    fn allows(_: Role) -> bool {
        true
    }
}
impl Policy for Writer {
    const NEEDS: &'static str = "the admin or user role";
    fn allows(role: Role) -> bool {
        role.can_write()
    }
}
impl Policy for AdminOnly {
    const NEEDS: &'static str = "the admin role";
    fn allows(role: Role) -> bool {
        role.is_admin()
    }
}

/// Extracts the authenticated [`Principal`] whose role satisfies `P`.
pub struct Auth<P: Policy = AnyRole>(pub Principal, pub PhantomData<P>);

impl<P: Policy> FromRequestParts<AppState> for Auth<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let principal = authenticate(parts, state).await?;
        principal.require::<P>()?;
        Ok(Auth(principal, PhantomData))
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> ApiResult<Principal> {
    if let Some(key) = parts.headers.get(API_KEY_HEADER) {
        let secret = key.to_str().unwrap_or_default();
        let record = state.store.use_api_key(&sha256_hex(secret)).await?;
        return match record {
            Some(r) => Ok(Principal {
                org_id: r.org_id,
                role: r.key.role,
                credential: Credential::ApiKey { id: r.key.id },
                actor: Actor::ApiKey(r.key),
            }),
            None => Err(ApiError::Unauthorized("The API key is not valid.".into())),
        };
    }
    let token = session_token(parts).ok_or_else(sign_in_first)?;
    let token_hash = sha256_hex(&token);
    let session = state
        .store
        .session(&token_hash)
        .await?
        .ok_or_else(sign_in_first)?;
    if !is_safe_method(&parts.method) && !has_csrf_header(parts) {
        return Err(ApiError::Forbidden(format!(
            "Requests that change data with a session cookie must send the header X-Requested-With: {CSRF_VALUE}."
        )));
    }
    Ok(Principal {
        org_id: session.org_id,
        role: session.user.role,
        credential: Credential::Session {
            token_hash,
            user_id: session.user.id,
        },
        actor: Actor::User(session.user),
    })
}

fn sign_in_first() -> ApiError {
    ApiError::Unauthorized("Sign in first, or send an API key in X-API-Key.".into())
}

fn is_safe_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn has_csrf_header(parts: &Parts) -> bool {
    parts
        .headers
        .get(CSRF_HEADER)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(CSRF_VALUE.as_bytes()))
}

/// The session token from the request's cookie, if any.
pub fn session_token(parts: &Parts) -> Option<String> {
    session_token_in(&parts.headers)
}

/// The session token from a request's headers, if any (not checked against the store).
pub fn session_token_in(headers: &axum::http::HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

/// The organisation of the user signed in with the request's session cookie, if any
/// (reading only: no role or CSRF check). Lets the dashboard play its own streams.
pub async fn session_org(
    headers: &axum::http::HeaderMap,
    store: &Store,
) -> ApiResult<Option<Uuid>> {
    let Some(token) = session_token_in(headers) else {
        return Ok(None);
    };
    Ok(store.session(&sha256_hex(&token)).await?.map(|s| s.org_id))
}

/// The `Set-Cookie` value starting a session.
pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(secure)
        .max_age(cookie_duration(SESSION_DAYS * 24 * 3600))
        .build()
}

/// The `Set-Cookie` value ending a session in the browser.
pub fn cleared_session_cookie(secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(secure)
        .max_age(cookie_duration(0))
        .build()
}

fn cookie_duration(secs: i64) -> time::Duration {
    time::Duration::seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies() {
        assert!(Writer::allows(Role::User) && !Writer::allows(Role::ReadOnly));
        assert!(AdminOnly::allows(Role::Admin) && !AdminOnly::allows(Role::User));
        assert!(AnyRole::allows(Role::ReadOnly));
    }
}
