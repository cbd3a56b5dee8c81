//! The organisation's users: list, add, change role, reset a password, remove. Admin only.

use super::IdPath;
use crate::auth::{AdminOnly, Auth};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::events::Revoked;
use crate::state::AppState;
use crate::store::StoreError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::model::{CreateUser, List, ResetPassword, UpdateUser, User};
use shared::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user, delete_user))
        .routes(routes!(reset_password))
}

/// Every user of the organisation, oldest first.
#[utoipa::path(
    get, path = "/users", tag = "users",
    responses((status = 200, body = List<User>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("session" = []), ("api_key" = []))
)]
async fn list_users(
    State(state): State<AppState>,
    Auth(p, ..): Auth<AdminOnly>,
) -> ApiResult<Json<List<User>>> {
    Ok(Json(List::all(state.store.list_users(p.org_id).await?)))
}

/// Adds a user to the organisation. Emails are unique across the instance (any case).
#[utoipa::path(
    post, path = "/users", tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, body = User),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Email already in use", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn create_user(
    State(state): State<AppState>,
    Auth(p, ..): Auth<AdminOnly>,
    ApiJson(req): ApiJson<CreateUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let hash = state.passwords.hash(req.password.as_str()).await?;
    let user = state
        .store
        .create_user(p.org_id, &req.email, &hash, req.role)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                ApiError::Conflict("A user with that email already exists.".into())
            }
            e => e.into(),
        })?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Changes a user's role; the last admin cannot be demoted (409).
#[utoipa::path(
    patch, path = "/users/{id}", tag = "users",
    params(("id" = uuid::Uuid, Path, description = "User id")),
    request_body = UpdateUser,
    responses(
        (status = 200, body = User),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Last admin", body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn update_user(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<UpdateUser>,
) -> ApiResult<Json<User>> {
    state.store.user(p.org_id, id).await.map_err(not_found)?;
    p.require::<AdminOnly>()?;
    Ok(Json(
        state
            .store
            .set_user_role(p.org_id, id, req.role)
            .await
            .map_err(not_found)?,
    ))
}

/// Removes a user and ends their sessions; the last admin cannot be removed (409).
#[utoipa::path(
    delete, path = "/users/{id}", tag = "users",
    params(("id" = uuid::Uuid, Path, description = "User id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Last admin", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn delete_user(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.store.user(p.org_id, id).await.map_err(not_found)?;
    p.require::<AdminOnly>()?;
    state
        .store
        .delete_user(p.org_id, id)
        .await
        .map_err(not_found)?;
    state.events.revoke(Revoked::User(id));
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a user's password (an admin's reset): every session of theirs ends, so they sign
/// in with the new one. To change your own and stay signed in, see `POST /me/password`.
#[utoipa::path(
    put, path = "/users/{id}/password", tag = "users",
    params(("id" = uuid::Uuid, Path, description = "User id")),
    request_body = ResetPassword,
    responses(
        (status = 204, description = "Set; the user's sessions have ended"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 503, description = "Too many passwords being hashed at once; retry after Retry-After seconds", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn reset_password(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ResetPassword>,
) -> ApiResult<StatusCode> {
    state.store.user(p.org_id, id).await.map_err(not_found)?;
    p.require::<AdminOnly>()?;
    let hash = state.passwords.hash(req.password.as_str()).await?;
    state
        .store
        .set_password(p.org_id, id, &hash, None)
        .await
        .map_err(not_found)?;
    state.events.revoke(Revoked::User(id));
    tracing::info!(user = %id, "password reset by an admin");
    Ok(StatusCode::NO_CONTENT)
}

fn not_found(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::not_found("user"),
        e => e.into(),
    }
}
