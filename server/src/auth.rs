//! Who is calling, and may they: session cookies, API keys, the CSRF rule and roles.
//!
//! [`Auth<P>`] is the extractor: it authenticates (API key in `X-API-Key`, else the
//! session cookie), applies the CSRF rule of API.md (a state-changing request made with
//! the cookie must carry `X-Requested-With: castboard`) and checks the role policy `P`.
//! Routes acting on one object extract `Auth` (any role), load the object in the caller's
//! organisation (404 for anyone else's), and only then call [`Principal::require`], so
//! another organisation's object is 404 before any role check.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Method;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shared::model::{ApiKeyRef, Role, User};
use std::marker::PhantomData;
use std::sync::OnceLock;
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
                actor: Actor::ApiKey(r.key),
            }),
            None => Err(ApiError::Unauthorized("The API key is not valid.".into())),
        };
    }
    let token = session_token(parts).ok_or_else(sign_in_first)?;
    let session = state
        .store
        .session(&sha256_hex(&token))
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
    CookieJar::from_headers(&parts.headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
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

/// A fresh random secret: 32 bytes, base64url without padding (43 characters).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// How secrets (session tokens, API keys) are stored: they are random and long, so a
/// fast hash suffices; a slow one would only slow every request down.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Hashes a password with argon2id (default parameters) off the async threads.
pub async fn hash_password(password: &str) -> ApiResult<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("hashing task: {e}")))?
}

/// Checks a password against a stored hash; `None` checks against a dummy hash, so an
/// unknown email takes as long as a wrong password.
pub async fn verify_password(stored: Option<String>, candidate: &str) -> ApiResult<bool> {
    let candidate = candidate.to_string();
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&phc)
            .map(|h| {
                Argon2::default()
                    .verify_password(candidate.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        known && ok
    })
    .await
    .map_err(|e| ApiError::Internal(format!("verifying task: {e}")))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(random_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse battery")
            .await
            .expect("hashes");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(Some(h.clone()), "correct horse battery")
            .await
            .expect("runs"));
        assert!(!verify_password(Some(h), "correct horse batterY")
            .await
            .expect("runs"));
        assert!(!verify_password(None, "correct horse battery")
            .await
            .expect("runs"));
    }

    #[test]
    fn secrets_are_long_and_distinct() {
        let (a, b) = (random_secret(), random_secret());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn policies() {
        assert!(Writer::allows(Role::User) && !Writer::allows(Role::ReadOnly));
        assert!(AdminOnly::allows(Role::Admin) && !AdminOnly::allows(Role::User));
        assert!(AnyRole::allows(Role::ReadOnly));
    }
}
