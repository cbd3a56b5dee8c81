//! Tags in use, with counts, and suggestions by prefix.

use crate::auth::Auth;
use crate::error::{ApiQuery, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use shared::listing::TagsQuery;
use shared::model::{List, TagCount};
use shared::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Suggestions start at this many characters.
const MIN_PREFIX_CHARS: usize = 3;
/// At most this many suggestions.
const MAX_SUGGESTIONS: u32 = 10;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_tags))
}

/// Every tag in use, most used first; with `prefix`, up to 10 suggestions starting with
/// it (case-sensitive; a prefix under 3 characters suggests nothing).
#[utoipa::path(
    get, path = "/tags", tag = "streams",
    params(TagsQuery),
    responses((status = 200, body = List<TagCount>), (status = 401, body = ErrorBody)),
    security(("session" = []), ("api_key" = []))
)]
async fn list_tags(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    ApiQuery(q): ApiQuery<TagsQuery>,
) -> ApiResult<Json<List<TagCount>>> {
    let items = match q.prefix {
        Some(prefix) if prefix.chars().count() < MIN_PREFIX_CHARS => Vec::new(),
        Some(prefix) => {
            state
                .store
                .tag_suggestions(p.org_id, &prefix, MAX_SUGGESTIONS)
                .await?
        }
        None => state.store.tag_counts(p.org_id).await?,
    };
    Ok(Json(List::all(items)))
}
