//! The player's own pages: `/embed` (made to be framed by any site), `/watch/{id}` (the
//! shareable live page) and the player script that HTML snippets load. Both pages take
//! the snippets' query keys (`group.id`, `group.security.jwtoken`, `startIndex`,
//! `options.adaption.rule`, `playback.latencyControlMode`, …) and start the player with
//! them; neither needs a session.
//!
//! The player script is hls.js (the npm package pinned in `player/`, embedded at build
//! time) followed by Castboard's player, with this server's HLS address written in: one
//! file, nothing fetched from anywhere else.
//!
//! The pages carry no inline script or style, so their Content-Security-Policy stays
//! strict; only `/embed` allows framing (`frame-ancestors *`, no `X-Frame-Options`).

use crate::http::Embeddable;
use crate::state::{AppState, EMBED_PATH, PLAYER_SCRIPT_PATH, WATCH_PATH};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Mutex;

const PAGE: &str = include_str!("page.html");
const PAGE_JS: &str = include_str!("page.js");
const PAGE_CSS: &str = include_str!("page.css");
const PLAYER_JS: &str = include_str!("castboard-player.js");
const HLS_JS: &str = include_str!(env!("CASTBOARD_HLS_JS"));
const HLS_JS_VERSION: &str = env!("CASTBOARD_HLS_JS_VERSION");
/// Where the player script has the HLS address written in.
const HLS_URL_MARK: &str = "__CASTBOARD_HLS_URL__";

/// Same-origin everything, plus the HLS server's origin where HLS is served elsewhere
/// (`--hls-url`); framing decided per page.
fn page_csp(hls_url: &str, frame_ancestors: &str) -> String {
    let hls = origin_of(hls_url)
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         media-src 'self' blob:{hls}; connect-src 'self'{hls}; object-src 'none'; \
         base-uri 'none'; form-action 'none'; frame-ancestors {frame_ancestors}"
    )
}

/// `scheme://host[:port]` of an absolute http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let ok = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    ok.then(|| format!("{scheme}://{authority}"))
}

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
async fn embed_page(State(state): State<AppState>) -> Response {
    let mut res = page(&page_csp(&state.settings.hls_url, "*"));
    res.extensions_mut().insert(Embeddable);
    res
}

/// The shareable live page of a stream (not framable; embed `/embed` instead).
async fn watch_page(State(state): State<AppState>, Path(_id): Path<String>) -> Response {
    page(&page_csp(&state.settings.hls_url, "'none'"))
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

async fn player_script(State(state): State<AppState>) -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, ASSET_CACHE),
        ],
        player_bundle(&state.settings.hls_url),
    )
        .into_response()
}

/// hls.js and the player, for HLS served at `hls_url`; made once per address.
fn player_bundle(hls_url: &str) -> Bytes {
    static MADE: Mutex<Option<(String, Bytes)>> = Mutex::new(None);
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((url, bytes)) = made.as_ref() {
        if url == hls_url {
            return bytes.clone();
        }
    }
    // A JSON string is a JavaScript string literal; the mark sits inside quotes.
    let quoted = serde_json::to_string(hls_url).unwrap_or_else(|_| "\"\"".into());
    let player = PLAYER_JS.replace(&format!("\"{HLS_URL_MARK}\""), &quoted);
    let bytes = Bytes::from(format!(
        "/*! hls.js {HLS_JS_VERSION} | Apache-2.0 | https://github.com/video-dev/hls.js */\n{HLS_JS}\n{player}"
    ));
    *made = Some((hls_url.to_string(), bytes.clone()));
    bytes
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hls_served_elsewhere_is_allowed_by_the_pages() {
        assert_eq!(
            origin_of("https://cdn.example.com:8443/hls"),
            Some("https://cdn.example.com:8443".into())
        );
        assert_eq!(
            origin_of("http://127.0.0.1:3000/hls").as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(origin_of("/hls"), None);
        assert_eq!(origin_of("https://a b/hls"), None);
        assert_eq!(origin_of("javascript://x"), None);
        let csp = page_csp("https://cdn.example.com/hls", "*");
        assert!(
            csp.contains("connect-src 'self' https://cdn.example.com;"),
            "{csp}"
        );
        assert!(
            csp.contains("media-src 'self' blob: https://cdn.example.com;"),
            "{csp}"
        );
        assert!(csp.ends_with("frame-ancestors *"), "{csp}");
    }
}
