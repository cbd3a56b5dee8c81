//! Signing keys of playback tokens (feature `secure`, admin): list, rotate, delete; and
//! the public JWKS document, without auth, for players and edges that check tokens.

use super::tokens::secure_org;
use crate::auth::{AdminOnly, Auth};
use crate::error::{ApiError, ApiQuery, ApiResult};
use crate::signing;
use crate::state::AppState;
use crate::store::StoreError;
use axum::extract::{Path, State};
use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use shared::model::{CreatedSigningKey, Feature, Jwks, JwksQuery, List, SigningKeyInfo};
use shared::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_signing_keys, create_signing_key))
        .routes(routes!(delete_signing_key))
}

/// The JWKS route, mounted at the root.
pub fn jwks_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_jwks))
}

/// The organisation's signing keys, newest first; `active` marks the one that signs.
#[utoipa::path(
    get, path = "/signing-keys", tag = "tokens",
    responses(
        (status = 200, body = List<SigningKeyInfo>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn list_signing_keys(
    State(state): State<AppState>,
    Auth(p, ..): Auth<AdminOnly>,
) -> ApiResult<Json<List<SigningKeyInfo>>> {
    secure_org(&state, &p).await?;
    Ok(Json(List::all(
        state.store.signing_key_infos(p.org_id).await?,
    )))
}

/// Rotates: creates a key pair that signs every token from now on. Older keys keep
/// verifying their tokens until they are deleted. The private key never leaves the server.
#[utoipa::path(
    post, path = "/signing-keys", tag = "tokens",
    responses(
        (status = 201, body = CreatedSigningKey),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn create_signing_key(
    State(state): State<AppState>,
    Auth(p, ..): Auth<AdminOnly>,
) -> ApiResult<(StatusCode, Json<CreatedSigningKey>)> {
    secure_org(&state, &p).await?;
    let (private, public) = signing::generate();
    let key = state
        .store
        .add_signing_key(p.org_id, &public, &private)
        .await?;
    tracing::info!(kid = %key.kid, "signing key created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedSigningKey {
            public_jwk: key.public.jwk(&key.kid),
            kid: key.kid,
            created_at: key.created_at,
        }),
    ))
}

/// Deletes a key: the tokens it signed verify as `bad_signature` from now on. When the
/// last key goes, the next token issued creates a new one.
#[utoipa::path(
    delete, path = "/signing-keys/{kid}", tag = "tokens",
    params(("kid" = String, Path, description = "The key's id (RFC 7638 thumbprint)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn delete_signing_key(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    Path(kid): Path<String>,
) -> ApiResult<StatusCode> {
    let not_found = |e: StoreError| match e {
        StoreError::NotFound => {
            ApiError::NotFound("No signing key with that kid exists in your organisation.".into())
        }
        e => e.into(),
    };
    state
        .store
        .signing_key(p.org_id, &kid)
        .await
        .map_err(not_found)?;
    p.require::<AdminOnly>()?;
    secure_org(&state, &p).await?;
    state
        .store
        .delete_signing_key(p.org_id, &kid)
        .await
        .map_err(not_found)?;
    tracing::info!(%kid, "signing key deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The public keys of an organisation as a JWKS document (no auth). Empty for an
/// organisation without `secure`; 404 for an unknown one.
#[utoipa::path(
    get, path = "/.well-known/jwks.json", tag = "tokens",
    params(JwksQuery),
    responses(
        (status = 200, body = Jwks),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
)]
async fn get_jwks(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<JwksQuery>,
) -> ApiResult<impl IntoResponse> {
    let org = state
        .store
        .organisation_by_hash(&q.org)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound("No organisation has that hash.".into()),
            e => e.into(),
        })?;
    let keys = if org.features.get(Feature::Secure) {
        state
            .store
            .signing_keys(org.id)
            .await?
            .iter()
            .map(|k| k.public.jwk(&k.kid))
            .collect()
    } else {
        Vec::new()
    };
    Ok((
        [
            // Short, so a deleted key stops verifying at edges within a minute.
            (CACHE_CONTROL, "public, max-age=60"),
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        Json(Jwks { keys }),
    ))
}
