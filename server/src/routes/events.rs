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

/// How often an open stream asks the store whether its credential still holds (expiry,
/// changes made elsewhere); revocations made here end it at once.
const RECHECK: Duration = Duration::from_secs(30);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream_events))
}

/// Stream events of the caller's organisation: `stream.created`, `stream.updated`,
/// `stream.state_changed`, `stream.deleted`, `stream.transcoder_changed` and
/// `stream.health` (a live stream's ingest health, at most once a second per stream);
/// `event:` is the type, `data:` JSON. A client that falls far behind is disconnected
/// (reconnect to resume). The stream ends when the access it was opened with ends
/// (sign-out, user removed, API key deleted).
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
    let credential = p.credential.clone();
    let revoked = state.events.until_revoked(move |r| credential.ended_by(r));
    let (store, credential) = (state.store.clone(), p.credential);
    let lapsed = async move {
        let mut every = tokio::time::interval(RECHECK);
        every.tick().await;
        loop {
            every.tick().await;
            // A store error ends the stream too: the client reconnects and is checked anew.
            if !credential.still_valid(&store).await.unwrap_or(false) {
                return;
            }
        }
    };
    let ended = futures_util::future::select(Box::pin(revoked), Box::pin(lapsed));
    let events = state
        .events
        .stream_for(p.org_id)
        .take_until(ended)
        .map(|e| Ok(Event::default().event(e.kind).data(e.data.as_str())));
    Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
}
