//! The caller's organisation: `GET /organisation`, `PATCH /organisation`.

use crate::auth::{AdminOnly, Auth};
use crate::error::{ApiJson, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use shared::model::{Organisation, UpdateOrganisation};
use shared::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_organisation, update_organisation))
}

/// The caller's organisation with its features and limits.
#[utoipa::path(
    get, path = "/organisation", tag = "organisation",
    responses((status = 200, body = Organisation), (status = 401, body = ErrorBody)),
    security(("session" = []), ("api_key" = []))
)]
async fn get_organisation(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
) -> ApiResult<Json<Organisation>> {
    Ok(Json(state.store.organisation(p.org_id).await?))
}

/// Renames the organisation or sets (`null` clears) its webhook URL. Admin only.
#[utoipa::path(
    patch, path = "/organisation", tag = "organisation",
    request_body = UpdateOrganisation,
    responses(
        (status = 200, body = Organisation),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn update_organisation(
    State(state): State<AppState>,
    Auth(p, ..): Auth<AdminOnly>,
    ApiJson(req): ApiJson<UpdateOrganisation>,
) -> ApiResult<Json<Organisation>> {
    let webhook = req.webhook_url.as_ref().map(Option::as_ref);
    Ok(Json(
        state
            .store
            .update_organisation(p.org_id, req.name.as_ref(), webhook)
            .await?,
    ))
}
