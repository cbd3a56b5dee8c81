//! Playback tokens (feature `secure`): issue, list, verify, revoke.
//!
//! Tokens are ES256 JWTs signed with the organisation's newest signing key (created on
//! demand). The server keeps each token's metadata, never its text; verification checks,
//! in this order: signature (against this organisation's keys only), revocation, time
//! window with 30 s leeway, scope against a given stream, bound address, bound domain.

use super::{require_feature, IdPath};
use crate::auth::{Actor, AdminOnly, Auth, Principal, Writer};
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::signing;
use crate::state::AppState;
use crate::store::{NewToken, StoreError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::listing::{TokensQuery, PAGE};
use shared::model::{
    CreateToken, Feature, IssuedToken, List, ListMeta, Organisation, TokenClaims, TokenInfo,
    TokenScope, TokenWindow, Verification, VerifyReason, VerifyToken, TOKEN_AUDIENCE,
};
use shared::stream::StreamName;
use shared::validate::{ClientIp, Domain};
use shared::{ErrorBody, Timestamp};
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(verify_token))
        .routes(routes!(revoke_token))
}

/// The caller's organisation, refused unless it has `secure`.
pub(super) async fn secure_org(state: &AppState, p: &Principal) -> ApiResult<Organisation> {
    let org = state.store.organisation(p.org_id).await?;
    require_feature(&org, Feature::Secure)?;
    Ok(org)
}

/// Issues a playback token; the answer carries the token text, this once.
#[utoipa::path(
    post, path = "/tokens", tag = "tokens",
    request_body = CreateToken,
    responses(
        (status = 201, body = IssuedToken),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Role, or feature_disabled without secure"),
        (status = 422, body = ErrorBody, description = "Bad times or lifetime, or a scope outside the organisation"),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn create_token(
    State(state): State<AppState>,
    Auth(p, ..): Auth<Writer>,
    ApiJson(req): ApiJson<CreateToken>,
) -> ApiResult<(StatusCode, Json<IssuedToken>)> {
    let org = secure_org(&state, &p).await?;
    let now = Timestamp::from(chrono::Utc::now());
    let window = TokenWindow::resolve(now, req.not_before, req.expires_at, req.revocable)
        .map_err(|e| ApiError::fields("", e))?;
    check_scope(&state, &p, &req.scope).await?;
    let key = state
        .store
        .active_signing_key(org.id, signing::generate)
        .await?;
    let claims = TokenClaims::new(
        &state.settings.public_url,
        org.hash.as_str(),
        Uuid::new_v4(),
        now.millis().div_euclid(1000),
        window,
        &req,
    );
    let token = signing::sign(&claims, &key.kid, &key.private)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let info = state
        .store
        .record_token(
            org.id,
            NewToken {
                kid: &key.kid,
                issued_at: now,
                issued_by: &issuer(&p),
                claims: &claims,
            },
        )
        .await?;
    tracing::info!(token = %info.id, kid = %key.kid, "playback token issued");
    Ok((
        StatusCode::CREATED,
        Json(IssuedToken {
            id: info.id,
            token,
            claims,
            not_before: info.not_before,
            expires_at: info.expires_at,
        }),
    ))
}

/// How the registry names who issued a token.
fn issuer(p: &Principal) -> String {
    match &p.actor {
        Actor::User(u) => u.email.clone(),
        Actor::ApiKey(k) => format!("API key {}", k.name),
    }
}

/// A scope may name only the caller's organisation's groups and streams (else 422).
async fn check_scope(state: &AppState, p: &Principal, scope: &TokenScope) -> ApiResult<()> {
    match scope {
        TokenScope::Group(id) => {
            if !state.store.group_exists(p.org_id, *id).await? {
                return Err(ApiError::field(
                    "scope.group",
                    "is not a stream group of your organisation",
                ));
            }
        }
        TokenScope::Streams(names) => {
            let mut unknown = Vec::new();
            for name in names.names() {
                let found = state.store.stream_by_name(name.as_str()).await?;
                if found.is_none_or(|s| s.org_id != p.org_id) {
                    unknown.push(name.as_str());
                }
            }
            if !unknown.is_empty() {
                return Err(ApiError::fields(
                    "",
                    BTreeMap::from([(
                        "scope.streams".to_string(),
                        format!(
                            "names streams not in your organisation: {}",
                            unknown.join(", ")
                        ),
                    )]),
                ));
            }
        }
        TokenScope::Organisation(_) => {}
    }
    Ok(())
}

/// Issued tokens' metadata (never their text), newest first, a page at a time: every
/// token, or one stream group's.
#[utoipa::path(
    get, path = "/tokens", tag = "tokens",
    params(TokensQuery),
    responses(
        (status = 200, body = List<TokenInfo>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn list_tokens(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    ApiQuery(q): ApiQuery<TokensQuery>,
) -> ApiResult<Json<List<TokenInfo>>> {
    let window = q.window().map_err(|reason| ApiError::field(PAGE, reason))?;
    secure_org(&state, &p).await?;
    let (mut items, total) = state
        .store
        .list_tokens(p.org_id, q.group, window.offset, window.per_page)
        .await?;
    // Each group token names its group by the passthrough's streamname (one query).
    let mut groups: Vec<uuid::Uuid> = items.iter().filter_map(|t| t.claims.grp).collect();
    groups.sort_unstable();
    groups.dedup();
    let names = state.store.stream_names(p.org_id, &groups).await?;
    for t in &mut items {
        t.group_name = t.claims.grp.and_then(|g| names.get(&g).cloned());
    }
    Ok(Json(List {
        items,
        meta: ListMeta {
            total,
            page: Some(window.page),
            per_page: Some(window.per_page),
        },
    }))
}

/// Checks a token against this organisation's keys, its registry, the clock and,
/// when given, a stream, the player's address and the embedding domain.
#[utoipa::path(
    post, path = "/tokens/verify", tag = "tokens",
    request_body = VerifyToken,
    responses(
        (status = 200, body = Verification),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn verify_token(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    ApiJson(req): ApiJson<VerifyToken>,
) -> ApiResult<Json<Verification>> {
    let org = secure_org(&state, &p).await?;
    let checked = check_playback(
        &state,
        &org,
        req.token.as_str(),
        &PlaybackContext {
            stream: req.stream.as_ref(),
            ip: req.ip.as_ref().map(ClientIp::as_str),
            domain: req.domain.as_ref().map(Domain::as_str),
        },
    )
    .await?;
    Ok(Json(Verification {
        valid: checked.reason.is_none(),
        reason: checked.reason,
        claims: checked.claims,
    }))
}

/// Where a token is being used: the stream asked for, the player's address, the
/// embedding page's domain (each checked when given, and when the token binds it).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PlaybackContext<'a> {
    pub stream: Option<&'a StreamName>,
    pub ip: Option<&'a str>,
    pub domain: Option<&'a str>,
}

/// The outcome of checking a token: its claims when the signature holds, and the
/// reason it may not play, if any.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub claims: Option<TokenClaims>,
    pub reason: Option<VerifyReason>,
}

/// The one check of a playback token, for `/tokens/verify` and for serving a secure
/// stream's HLS alike: the signature against `org`'s keys, then revocation, time window,
/// scope, address and domain, in that order.
pub(crate) async fn check_playback(
    state: &AppState,
    org: &Organisation,
    token: &str,
    at: &PlaybackContext<'_>,
) -> ApiResult<Checked> {
    let Some(claims) = signed_claims(state, org, token).await? else {
        return Ok(Checked {
            claims: None,
            reason: Some(VerifyReason::BadSignature),
        });
    };
    let reason = check_claims(state, org, &claims, at).await?.err();
    Ok(Checked {
        claims: Some(claims),
        reason,
    })
}

/// The claims of a token signed by one of `org`'s keys for playback on this instance.
async fn signed_claims(
    state: &AppState,
    org: &Organisation,
    token: &str,
) -> ApiResult<Option<TokenClaims>> {
    let Some(unverified) = signing::parse(token) else {
        return Ok(None);
    };
    let key = match state.store.signing_key(org.id, &unverified.kid).await {
        Ok(key) => key,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(unverified.verify(&key.public).filter(|c| {
        c.aud == TOKEN_AUDIENCE && c.org == org.hash.as_str() && c.iss == state.settings.public_url
    }))
}

/// Every check after the signature, in API order; the first failing one is the reason.
async fn check_claims(
    state: &AppState,
    org: &Organisation,
    claims: &TokenClaims,
    at: &PlaybackContext<'_>,
) -> ApiResult<Result<(), VerifyReason>> {
    match state.store.token(org.id, claims.jti).await {
        Ok(info) if info.revoked_at.is_some() => return Ok(Err(VerifyReason::Revoked)),
        Ok(_) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    if let Err(reason) = claims.time_check(chrono::Utc::now().timestamp()) {
        return Ok(Err(reason));
    }
    if let Some(name) = at.stream {
        let stream = state
            .store
            .stream_by_name(name.as_str())
            .await?
            .filter(|s| s.org_id == org.id);
        let covered = stream.is_some_and(|s| match (&claims.grp, &claims.streams) {
            (Some(group), _) => s.group_id == *group,
            (None, Some(names)) => names.iter().any(|n| n == s.name.as_str()),
            (None, None) => claims.orgwide == Some(true),
        });
        if !covered {
            return Ok(Err(VerifyReason::WrongScope));
        }
    }
    if let Some(ip) = &claims.ip {
        if at.ip.is_none_or(|given| given != ip) {
            return Ok(Err(VerifyReason::IpMismatch));
        }
    }
    if let Some(dom) = &claims.dom {
        if at.domain.is_none_or(|given| given != dom) {
            return Ok(Err(VerifyReason::DomainMismatch));
        }
    }
    Ok(Ok(()))
}

/// Revokes a revocable token: it verifies as `revoked` from now on.
#[utoipa::path(
    post, path = "/tokens/{id}/revoke", tag = "tokens",
    params(("id" = uuid::Uuid, Path, description = "Token id (its jti)")),
    responses(
        (status = 204, description = "Revoked (also when it already was)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The token is not revocable"),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn revoke_token(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    let token = state.store.token(p.org_id, id).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::not_found("token"),
        e => e.into(),
    })?;
    p.require::<AdminOnly>()?;
    secure_org(&state, &p).await?;
    if !token.revocable {
        return Err(ApiError::Conflict(
            "The token was issued without revocable: true and cannot be revoked; it stays valid until it expires.".into(),
        ));
    }
    state.store.revoke_token(p.org_id, id).await?;
    tracing::info!(token = %id, "playback token revoked");
    Ok(StatusCode::NO_CONTENT)
}
