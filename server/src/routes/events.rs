//! `GET /events`: the caller's organisation's stream events as Server-Sent Events.

use crate::auth::Auth;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use shared::ErrorBody;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
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
    let org = p.org_id;
    let rx = state.events.subscribe();
    let events = stream::unfold(rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) if e.org_id == org => {
                    let event = Event::default().event(e.kind).data(e.data.as_str());
                    return Some((Ok(event), rx));
                }
                Ok(_) => continue,
                // Too slow: end this stream rather than hold anyone up.
                Err(RecvError::Lagged(missed)) => {
                    tracing::info!(missed, "event subscriber fell behind; disconnecting it");
                    return None;
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .take_until(state.events.until_shutdown());
    Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
}
