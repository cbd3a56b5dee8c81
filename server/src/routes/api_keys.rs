//! The organisation's API keys: list, create (secret shown once), delete. Admin only.

use super::IdPath;
use crate::auth::{AdminOnly, Auth};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::events::Revoked;
use crate::secrets;
use crate::state::AppState;
use crate::store::{NewApiKey, StoreError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::model::{ApiKey, CreateApiKey, CreatedApiKey, List};
use shared::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every secret starts with this, so leaked keys are easy to recognise in scans.
const SECRET_PREFIX: &str = "cb_";
/// Characters of the secret kept (in clear) to tell keys apart.
const SHOWN_PREFIX_LEN: usize = 8;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(delete_api_key))
}

/// Every API key of the organisation (never their secrets), oldest first.
#[utoipa::path(
    get, path = "/api-keys", tag = "api-keys",
    responses((status = 200, body = List<ApiKey>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("session" = []), ("api_key" = []))
)]
async fn list_api_keys(
    State(state): State<AppState>,
    Auth(p, ..): Auth<AdminOnly>,
) -> ApiResult<Json<List<ApiKey>>> {
    Ok(Json(List::all(state.store.list_api_keys(p.org_id).await?)))
}

/// Creates an API key with a role; the answer carries its secret, this once.
#[utoipa::path(
    post, path = "/api-keys", tag = "api-keys",
    request_body = CreateApiKey,
    responses(
        (status = 201, body = CreatedApiKey),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn create_api_key(
    State(state): State<AppState>,
    Auth(p, ..): Auth<AdminOnly>,
    ApiJson(req): ApiJson<CreateApiKey>,
) -> ApiResult<(StatusCode, Json<CreatedApiKey>)> {
    let secret = format!("{SECRET_PREFIX}{}", secrets::random_secret());
    let key = state
        .store
        .create_api_key(
            p.org_id,
            NewApiKey {
                name: req.name.as_str(),
                role: req.role,
                prefix: &secret[..SHOWN_PREFIX_LEN],
                secret_hash: &secrets::sha256_hex(&secret),
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                ApiError::field("name", "is already used by another API key")
            }
            e => e.into(),
        })?;
    tracing::info!(key = %key.id, role = %key.role, "API key created");
    Ok((StatusCode::CREATED, Json(CreatedApiKey { key, secret })))
}

/// Deletes an API key; requests with it are refused from then on.
#[utoipa::path(
    delete, path = "/api-keys/{id}", tag = "api-keys",
    params(("id" = uuid::Uuid, Path, description = "API key id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn delete_api_key(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.store.api_key(p.org_id, id).await.map_err(not_found)?;
    p.require::<AdminOnly>()?;
    state
        .store
        .delete_api_key(p.org_id, id)
        .await
        .map_err(not_found)?;
    state.events.revoke(Revoked::ApiKey(id));
    Ok(StatusCode::NO_CONTENT)
}

fn not_found(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::not_found("API key"),
        e => e.into(),
    }
}
