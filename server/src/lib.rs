//! Castboard's server: the REST API, the dashboard host and the operator command line.
//!
//! A tour of the modules:
//! - [`connections`]: accepting connections, with timeouts for slow clients and a cap;
//! - [`config`]: the command line (clap), flags with `CASTBOARD_*` environment variables;
//! - [`cli`]: the operator subcommands (`org create`, `org list`, …) and `serve`;
//! - [`state`]: what handlers share ([`AppState`]: the store, settings, event bus);
//! - [`events`]: stream events fanned out to Server-Sent-Event subscribers, on every
//!   instance sharing the database;
//! - [`store`]: the only place with SQL; SQLite or PostgreSQL through sqlx, one SQL text
//!   per query for both;
//! - [`auth`]: session cookies, API keys, the CSRF rule and role extractors;
//! - [`secrets`]: random secrets, their hashes, and the bounded password hashing;
//! - [`client_addr`]: the client's address, through trusted reverse proxies;
//! - [`error`]: the one error type at the HTTP boundary and the JSON/query extractors;
//! - [`strict_structs`]: the extractors' deserializer adapter that refuses an array
//!   where an object is due;
//! - [`routes`]: one module per API resource, plus the OpenAPI document and reference,
//!   and the player pages (`/embed`, `/watch/{id}`, the player script);
//! - [`media`]: the media server (nginx with the RTMP module) Castboard runs, supervised,
//!   and the channel that cuts an ingest;
//! - [`duty`]: the media plane (the media server and the work around it), run by one
//!   instance at a time through a lease, taken over when that one stops;
//! - [`signing`]: ES256 keys and JWTs of playback tokens;
//! - [`web`]: serving the built dashboard (SPA fallback, cache headers, no inline script);
//! - [`http`]: cross-cutting layers (request ids, tracing, security headers, compression);
//! - [`demo`]: the demo organisation of `serve --demo`.

pub mod auth;
pub mod cli;
pub mod client_addr;
pub mod config;
pub mod connections;
pub mod demo;
pub mod duty;
pub mod error;
pub mod events;
pub mod http;
pub mod media;
pub mod routes;
pub mod secrets;
pub mod signing;
pub mod state;
pub mod store;
pub mod strict_structs;
pub mod web;

pub use state::{AppState, Settings};

use axum::Router;
use std::sync::Arc;

/// The whole application: API, docs and (when built) the dashboard, with every layer.
/// Tests call this and serve it on port 0.
pub fn app(state: AppState, assets: Option<Arc<web::Assets>>) -> Router {
    let https = state.settings.https;
    let mut router: Router = routes::router(&state).with_state(state);
    if let Some(assets) = assets {
        router = router.fallback_service(Router::new().fallback(web::serve).with_state(assets));
    }
    http::layers(router, https)
}

pub use connections::{serve, ConnectionLimits};

/// Completes on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed by this call, not
/// when the future is first polled, so a signal arriving right after start-up output is
/// already handled gracefully.
#[cfg(unix)]
pub fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static>
{
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        tracing::info!("shutting down; finishing requests in flight");
    })
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static>
{
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down; finishing requests in flight");
    })
}
