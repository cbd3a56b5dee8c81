//! `GET /events`: the caller's organisation's stream events as Server-Sent Events.

use crate::auth::Auth;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{Stream, StreamExt};
use shared::ErrorBody;
use std::convert::Infallible;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream_events))
}

/// Stream events of the caller's organisation: `stream.created`, `stream.updated`,
/// `stream.state_changed`, `stream.deleted` (`event:` is the type, `data:` JSON). A
/// client that falls far behind is disconnected (reconnect to resume).
#[utoipa::path(
    get, path = "/events", tag = "events",
    responses(
        (status = 200, description = "text/event-stream", content_type = "text/event-stream", body = String),
        (status = 401, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn stream_events(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = state
        .events
        .stream_for(p.org_id)
        .map(|e| Ok(Event::default().event(e.kind).data(e.data.as_str())));
    Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
}
