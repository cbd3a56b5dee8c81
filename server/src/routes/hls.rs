//! `GET /hls/{file}`: the HLS the media server writes, served by Castboard under each
//! stream's playout URL (`<hls_url>/<streamname>.m3u8`).
//!
//! Only two shapes of name are served — a stream's playlist `<name>.m3u8` and its
//! fragments `<name>-<epoch ms>.ts` — so no request can reach another file of the media
//! folder. Playlists change every second and are never cached; a fragment never changes
//! once written and may be cached for a day. Players on any site may fetch them.
//!
//! Only live and ended streams play. A stream of an organisation with the `secure`
//! package plays only with a playback token (`?token=`), checked on every request by
//! the same function as `/tokens/verify` (so a revoked token stops at the next
//! fragment): none → 401, a refused one → 403 naming the reason (message and
//! `X-Token-Reason`). The token is written into the playlist's fragment addresses, so a
//! player needs it only on the playlist's URL.

use super::tokens::{check_playback, PlaybackContext};
use crate::client_addr::ClientAddr;
use crate::error::ApiError;
use crate::media::nginx_conf;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use shared::model::{Feature, VerifyReason};
use shared::stream::{StreamName, StreamState};

/// The header naming why a token was refused (`revoked`, `expired`, …).
pub const TOKEN_REASON: &str = "x-token-reason";

/// Where HLS is served; `Settings::hls_url` defaults to the public URL plus this.
pub const HLS_PATH: &str = "/hls";

const PLAYLIST_TYPE: &str = "application/vnd.apple.mpegurl";
const FRAGMENT_TYPE: &str = "video/mp2t";
const PLAYLIST_CACHE: &str = "no-cache, no-store";
const FRAGMENT_CACHE: &str = "public, max-age=86400, immutable";

pub fn router() -> Router<AppState> {
    Router::new().route(&format!("{HLS_PATH}/{{file}}"), get(hls_file))
}

/// What a requested file name is.
#[derive(Debug, PartialEq, Eq)]
enum HlsFile {
    Playlist(StreamName),
    Fragment(StreamName),
}

/// `<name>.m3u8` or `<name>-<digits>.ts`; anything else is not an HLS file of ours.
fn classify(file: &str) -> Option<HlsFile> {
    if let Some(name) = file.strip_suffix(".m3u8") {
        return StreamName::parse(name).ok().map(HlsFile::Playlist);
    }
    let stem = file.strip_suffix(".ts")?;
    let (name, number) = stem.rsplit_once('-')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    StreamName::parse(name).ok().map(HlsFile::Fragment)
}

fn not_found() -> Response {
    refusal(
        ApiError::NotFound(
            "Not found: the stream is not live, or this fragment has expired.".into(),
        ),
        None,
    )
}

/// The query of an HLS request.
#[derive(Debug, Default, Deserialize)]
struct HlsQuery {
    token: Option<String>,
}

/// An error answer (the API's error body) that players on other sites can read, and
/// that no cache keeps: the stream may play a moment later.
fn refusal(error: ApiError, reason: Option<VerifyReason>) -> Response {
    let mut res = error.into_response();
    let headers = res.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(PLAYLIST_CACHE));
    headers.insert(
        axum::http::header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(TOKEN_REASON),
    );
    if let Some(reason) = reason {
        if let Ok(v) = HeaderValue::from_str(reason.as_str()) {
            headers.insert(HeaderName::from_static(TOKEN_REASON), v);
        }
    }
    res
}

/// The host of the page a request comes from (`Origin`, else `Referer`).
fn page_domain(headers: &HeaderMap) -> Option<String> {
    let url = headers
        .get(axum::http::header::ORIGIN)
        .or_else(|| headers.get(axum::http::header::REFERER))?
        .to_str()
        .ok()?;
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next()?.to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Appends `?token=` to every address in a playlist (lines that are not tags).
fn with_token(playlist: &str, token: &str) -> String {
    let token: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
    let mut out = String::with_capacity(playlist.len() + 64);
    for line in playlist.lines() {
        out.push_str(line);
        if !line.is_empty() && !line.starts_with('#') {
            out.push_str(if line.contains('?') {
                "&token="
            } else {
                "?token="
            });
            out.push_str(&token);
        }
        out.push('\n');
    }
    out
}

/// One playlist or fragment of a live stream.
async fn hls_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<HlsQuery>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let Some(kind) = classify(&file) else {
        return not_found();
    };
    let name = match &kind {
        HlsFile::Playlist(n) | HlsFile::Fragment(n) => n,
    };
    match admit(&state, name, query.token.as_deref(), &addr, &headers).await {
        Ok(()) => {}
        Err(refused) => return refused,
    }
    let path = nginx_conf::hls_dir(&state.settings.media_dir).join(&file);
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return not_found();
    };
    let (content_type, cache) = match kind {
        HlsFile::Playlist(_) => (PLAYLIST_TYPE, PLAYLIST_CACHE),
        HlsFile::Fragment(_) => (FRAGMENT_TYPE, FRAGMENT_CACHE),
    };
    let bytes = match (&kind, &query.token) {
        (HlsFile::Playlist(_), Some(token)) => {
            with_token(&String::from_utf8_lossy(&bytes), token).into_bytes()
        }
        _ => bytes,
    };
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, cache),
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response()
}

/// Whether the stream plays, and for this token where its organisation needs one.
async fn admit(
    state: &AppState,
    name: &StreamName,
    token: Option<&str>,
    addr: &str,
    headers: &HeaderMap,
) -> Result<(), Response> {
    let internal = |e: ApiError| refusal(e, None);
    let stream = state
        .store
        .stream_by_name(name.as_str())
        .await
        .map_err(|e| internal(e.into()))?
        .filter(|s| matches!(s.state, StreamState::Live | StreamState::Ended))
        .ok_or_else(not_found)?;
    let org = state
        .store
        .organisation(stream.org_id)
        .await
        .map_err(|e| internal(e.into()))?;
    if !org.features.get(Feature::Secure) {
        return Ok(());
    }
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(refusal(
            ApiError::Unauthorized(
                "This stream plays only with a playback token: add ?token=<token> to its address."
                    .into(),
            ),
            None,
        ));
    };
    let domain = page_domain(headers);
    let at = PlaybackContext {
        stream: Some(name),
        ip: Some(addr),
        domain: domain.as_deref(),
    };
    let checked = check_playback(state, &org, token, &at)
        .await
        .map_err(internal)?;
    match checked.reason {
        None => Ok(()),
        Some(reason) => Err(refusal(
            ApiError::Forbidden(format!(
                "The playback token was refused ({}): {}",
                reason.as_str(),
                reason.describe()
            )),
            Some(reason),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> StreamName {
        StreamName::parse(s).expect("a streamname")
    }

    #[test]
    fn the_token_goes_into_every_address_of_the_playlist() {
        let playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\nAbCdE-fGhIj-17.ts\n#EXTINF:1.000,\nAbCdE-fGhIj-18.ts?x=1\n";
        assert_eq!(
            with_token(playlist, "a.b_c-d"),
            "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\nAbCdE-fGhIj-17.ts?token=a.b_c-d\n#EXTINF:1.000,\nAbCdE-fGhIj-18.ts?x=1&token=a.b_c-d\n"
        );
    }

    #[test]
    fn the_page_domain_comes_from_origin_then_referer() {
        let mut h = HeaderMap::new();
        assert_eq!(page_domain(&h), None);
        h.insert(
            "referer",
            HeaderValue::from_static("https://Blog.Example:8443/post?id=1"),
        );
        assert_eq!(page_domain(&h).as_deref(), Some("blog.example"));
        h.insert(
            "origin",
            HeaderValue::from_static("https://www.acme.example"),
        );
        assert_eq!(page_domain(&h).as_deref(), Some("www.acme.example"));
        h.insert("origin", HeaderValue::from_static("null"));
        assert_eq!(page_domain(&h), None);
    }

    #[test]
    fn only_playlists_and_fragments_of_streamnames_are_hls_files() {
        assert_eq!(
            classify("HX26g-NRbx9.m3u8"),
            Some(HlsFile::Playlist(name("HX26g-NRbx9")))
        );
        assert_eq!(
            classify("HX26g-NRbx9-1796294106009.ts"),
            Some(HlsFile::Fragment(name("HX26g-NRbx9")))
        );
        for other in [
            "HX26g-NRbx9.ts",
            "HX26g-NRbx9-.ts",
            "HX26g-NRbx9-12a.ts",
            "..%2Fcastboard.db",
            "../nginx.conf",
            "nginx.conf",
            "HX26g.m3u8",
            "HX26g-NRbx9.m3u8.bak",
            "index.m3u8",
        ] {
            assert_eq!(classify(other), None, "{other}");
        }
    }
}
