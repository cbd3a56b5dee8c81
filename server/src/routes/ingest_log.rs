//! The ingest log (`GET /ingest-log`, `GET /streams/{id}/ingest-log`): the publish
//! attempts the media server reported, newest first, a page at a time. Every role of the
//! organisation may read it; the hooks write it (`routes::ingest`).

use super::streams::load;
use super::IdPath;
use crate::auth::Auth;
use crate::error::{ApiError, ApiQuery, ApiResult};
use crate::state::AppState;
use crate::store::{IngestLogFilter, IngestRetention};
use axum::extract::State;
use axum::Json;
use shared::listing::{IngestLogQuery, PAGE};
use shared::model::{IngestAttempt, List, ListMeta};
use shared::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(organisation_ingest_log))
        .routes(routes!(stream_ingest_log))
}

/// Every publish attempt of the organisation, newest first: its streams' and those of
/// unknown names that start with its hash. Kept: the newest 1,000, none older than 30
/// days.
#[utoipa::path(
    get, path = "/ingest-log", tag = "streams",
    params(IngestLogQuery),
    responses(
        (status = 200, body = List<IngestAttempt>),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn organisation_ingest_log(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    ApiQuery(q): ApiQuery<IngestLogQuery>,
) -> ApiResult<Json<List<IngestAttempt>>> {
    page_of(&state, p.org_id, None, q).await
}

/// The publish attempts of a stream's group (its passthrough and transcodes), newest
/// first.
#[utoipa::path(
    get, path = "/streams/{id}/ingest-log", tag = "streams",
    params(
        ("id" = uuid::Uuid, Path, description = "Stream id (any member of the group)"),
        IngestLogQuery,
    ),
    responses(
        (status = 200, body = List<IngestAttempt>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn stream_ingest_log(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<IngestLogQuery>,
) -> ApiResult<Json<List<IngestAttempt>>> {
    let stream = load(&state, &p, id).await?;
    page_of(&state, p.org_id, Some(stream.group_id), q).await
}

async fn page_of(
    state: &AppState,
    org_id: Uuid,
    group_id: Option<Uuid>,
    q: IngestLogQuery,
) -> ApiResult<Json<List<IngestAttempt>>> {
    let window = q.window().map_err(|reason| ApiError::field(PAGE, reason))?;
    let filter = IngestLogFilter {
        group_id,
        outcome: q.outcome,
    };
    let (items, total) = state
        .store
        .ingest_log(
            org_id,
            filter,
            IngestRetention::default(),
            window.offset,
            window.per_page,
        )
        .await?;
    Ok(Json(List {
        items,
        meta: ListMeta {
            total,
            page: Some(window.page),
            per_page: Some(window.per_page),
        },
    }))
}
