//! The player's own pages: `/embed` (made to be framed by any site), `/watch/{id}` (the
//! shareable live page) and the player script that HTML snippets load. Both pages take
//! the snippets' query keys (`group.id`, `group.security.jwtoken`, `startIndex`,
//! `options.adaption.rule`, `playback.latencyControlMode`, …) and start the player with
//! them; neither needs a session.
//!
//! The pages carry no inline script or style, so their Content-Security-Policy stays
//! strict; only `/embed` allows framing (`frame-ancestors *`, no `X-Frame-Options`).

use crate::http::Embeddable;
use crate::state::{AppState, EMBED_PATH, PLAYER_SCRIPT_PATH, WATCH_PATH};
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const PAGE: &str = include_str!("page.html");
const PAGE_JS: &str = include_str!("page.js");
const PAGE_CSS: &str = include_str!("page.css");
const PLAYER_JS: &str = include_str!("castboard-player.js");

/// Same-origin everything; framing decided per page.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'none'";

/// Scripts and styles change with a release, not per request.
const ASSET_CACHE: &str = "public, max-age=300";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(EMBED_PATH, get(embed_page))
        .route(&format!("{WATCH_PATH}/{{id}}"), get(watch_page))
        .route(PLAYER_SCRIPT_PATH, get(player_script))
        .route("/player/page.js", get(page_script))
        .route("/player/page.css", get(page_style))
}

/// The player alone, for an iframe on any site.
async fn embed_page() -> Response {
    let mut res = page(&format!("{PAGE_CSP}; frame-ancestors *"));
    res.extensions_mut().insert(Embeddable);
    res
}

/// The shareable live page of a stream (not framable; embed `/embed` instead).
async fn watch_page(Path(_id): Path<String>) -> Response {
    page(&format!("{PAGE_CSP}; frame-ancestors 'none'"))
}

fn page(csp: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
            (CONTENT_SECURITY_POLICY, csp),
        ],
        PAGE,
    )
        .into_response()
}

async fn player_script() -> Response {
    asset("text/javascript; charset=utf-8", PLAYER_JS)
}

async fn page_script() -> Response {
    asset("text/javascript; charset=utf-8", PAGE_JS)
}

async fn page_style() -> Response {
    asset("text/css; charset=utf-8", PAGE_CSS)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, ASSET_CACHE)],
        body,
    )
        .into_response()
}
