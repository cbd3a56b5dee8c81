//! HLS playout: each stream's HLS, made by the media server, served by Castboard under
//! the stream's id (never its streamname, which is the stream key):
//!
//! - `GET /hls/<id>.m3u8` — the master playlist: for a group's passthrough, every member
//!   that is live and has HLS, highest quality first, with bandwidth and resolution; for a
//!   transcode member, that member alone. Answers only while the stream is live.
//! - `GET /hls/<id>/index.m3u8` — one stream's media playlist (1-second fragments);
//!   after the stream ends it carries `#EXT-X-ENDLIST`, so players finish and stop.
//! - `GET /hls/<id>/<epoch ms>.ts` — a fragment.
//! - `GET /hls/<id>/status` — `{"state": …}`, for players waiting for the stream.
//! - `GET /hls/<id>/replay/<session>/index.m3u8` and `…/<n>.ts` — the live replay of the
//!   stream's session that began at `<session>` (epoch ms; see `media::replay`): a
//!   rolling window or the whole session, seekable, `#EXT-X-ENDLIST` once the stream
//!   has ended. Admitted like the rest; its segments are cached like fragments.
//!
//! Playlists change every second and are never cached; a fragment never changes once
//! written and may be cached for a day (privately for secure streams). Players on any
//! site may fetch them. A stream that does not play answers 404 with `X-Stream-State`
//! naming its state (`created`, `live` while its first fragment is being written,
//! `ended`, `locked`), so a player can tell "waiting" from "ended"; unknown and deleted
//! streams answer 404 without it.
//!
//! A stream of an organisation with the `secure` package plays only with a playback token
//! (`?token=`), checked on every request by the same function as `/tokens/verify` (so a
//! revoked token stops at the next playlist or fragment): none → 401, a refused one → 403
//! naming the reason (message and `X-Token-Reason`). The token is written into every
//! address of the playlists, so a player needs it only on the master's URL. A user
//! signed in to the stream's organisation plays its streams without a token (the
//! dashboard's preview).

use super::tokens::{check_playback, PlaybackContext};
use crate::client_addr::ClientAddr;
use crate::error::ApiError;
use crate::media::playlist::{self, Variant};
use crate::media::{nginx_conf, replay, stat};
use crate::state::{AppState, HLS_PATH};
use crate::store::StreamRecord;
use axum::extract::{Path, Query, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, CACHE_CONTROL, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use shared::model::{Feature, VerifyReason};
use shared::stream::StreamState;
use uuid::Uuid;

/// The header naming why a token was refused (`revoked`, `expired`, …).
pub const TOKEN_REASON: &str = "x-token-reason";

/// The header naming the state of a stream that does not play (`created`, `ended`, …).
pub const STREAM_STATE: &str = "x-stream-state";

const PLAYLIST_TYPE: &str = "application/vnd.apple.mpegurl";
const FRAGMENT_TYPE: &str = "video/mp2t";
const PLAYLIST_CACHE: &str = "no-cache, no-store";
const FRAGMENT_CACHE: &str = "public, max-age=86400, immutable";
const SECURE_FRAGMENT_CACHE: &str = "private, max-age=86400, immutable";

/// A stream's media playlist, in `/hls/<id>/`.
const INDEX: &str = "index.m3u8";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{HLS_PATH}/{{file}}"), get(master_playlist))
        .route(&format!("{HLS_PATH}/{{id}}/status"), get(stream_status))
        .route(&format!("{HLS_PATH}/{{id}}/{{file}}"), get(stream_file))
        .route(
            &format!("{HLS_PATH}/{{id}}/replay/{{session}}/{{file}}"),
            get(replay_file),
        )
}

/// The address of a stream's master playlist under `hls_url`.
pub fn master_url(hls_url: &str, id: Uuid) -> String {
    format!("{hls_url}/{id}.m3u8")
}

/// What a file name under `/hls/<id>/` asks for.
#[derive(Debug, PartialEq, Eq)]
enum StreamFile {
    Playlist,
    /// The fragment's epoch-milliseconds number.
    Fragment(u64),
}

/// `index.m3u8` or `<digits>.ts`; anything else is not an HLS file of ours.
fn classify(file: &str) -> Option<StreamFile> {
    if file == INDEX {
        return Some(StreamFile::Playlist);
    }
    let digits = file.strip_suffix(".ts")?;
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(StreamFile::Fragment)
}

/// `<uuid>.m3u8` → the id.
fn master_id(file: &str) -> Option<Uuid> {
    let id = file.strip_suffix(".m3u8")?;
    // Only the hyphenated form the API writes, so each stream has one address.
    (id.len() == 36).then(|| Uuid::parse_str(id).ok()).flatten()
}

pub(super) fn not_found() -> Response {
    refusal(
        ApiError::NotFound("Not found: no such stream, or this fragment has expired.".into()),
        None,
    )
}

/// 404 for a known stream that does not play now, naming its state.
fn not_playing(state: StreamState) -> Response {
    let message = match state {
        StreamState::Created => "The stream has not gone live yet.",
        StreamState::Live => "The stream is starting: its first fragment is being written.",
        StreamState::Ended => "The stream has ended.",
        StreamState::Locked => "The stream is locked.",
        StreamState::Deleted => return not_found(),
    };
    let mut res = refusal(ApiError::NotFound(message.into()), None);
    if let Ok(v) = HeaderValue::from_str(state.as_str()) {
        res.headers_mut()
            .insert(HeaderName::from_static(STREAM_STATE), v);
    }
    res
}

/// The query of an HLS request.
#[derive(Debug, Default, Deserialize)]
struct HlsQuery {
    token: Option<String>,
}

/// An error answer (the API's error body) that players on other sites can read, and
/// that no cache keeps: the stream may play a moment later.
pub(super) fn refusal(error: ApiError, reason: Option<VerifyReason>) -> Response {
    let mut res = error.into_response();
    let headers = res.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(PLAYLIST_CACHE));
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("x-token-reason, x-stream-state"),
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

fn served(content_type: &'static str, cache: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, cache),
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// `GET /hls/<id>.m3u8`: the master playlist of a live stream.
async fn master_playlist(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<HlsQuery>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let Some(id) = master_id(&file) else {
        return not_found();
    };
    let token = query.token.as_deref();
    let (stream, _) = match admit(&state, id, token, &addr, &headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    if stream.state != StreamState::Live {
        return not_playing(stream.state);
    }
    let variants = match variants(&state, stream).await {
        Ok(v) if !v.is_empty() => v,
        Ok(_) => return not_playing(StreamState::Live),
        Err(e) => return refusal(e, None),
    };
    let text = playlist::master(&variants, token);
    served(PLAYLIST_TYPE, PLAYLIST_CACHE, text.into_bytes())
}

/// The qualities the master playlist of live `stream` lists: for a group's passthrough
/// every live member with HLS, for a transcode itself (when it has HLS).
async fn variants(state: &AppState, stream: StreamRecord) -> Result<Vec<Variant>, ApiError> {
    let members = if stream.id == stream.group_id {
        state.store.members(stream.group_id).await?
    } else {
        vec![stream]
    };
    let stat = state.media.stat().await.ok();
    let mut variants = Vec::new();
    for m in members.iter().filter(|m| m.state == StreamState::Live) {
        if let Some(v) = variant(state, m, stat.as_deref()).await {
            variants.push(v);
        }
    }
    Ok(variants)
}

/// `GET /hls/<id>/status`: whether the stream plays now, as JSON with status 200 —
/// `{"state": "created" | "starting" | "live" | "ended" | "locked"}`, `live` exactly when
/// the master playlist answers — so a player waiting for a stream asks without failed
/// requests (browsers log every 404). Admission as for the playlists.
async fn stream_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HlsQuery>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found();
    };
    let token = query.token.as_deref();
    let (stream, _) = match admit(&state, id, token, &addr, &headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    let shown = match stream.state {
        StreamState::Live => match variants(&state, stream).await {
            Ok(v) if v.is_empty() => "starting",
            Ok(_) => "live",
            Err(e) => return refusal(e, None),
        },
        other => other.as_str(),
    };
    (
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, PLAYLIST_CACHE),
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        format!("{{\"state\":\"{shown}\"}}"),
    )
        .into_response()
}

/// A member's line in a master playlist, if its HLS exists: the transcode's profile, or
/// for the passthrough what the media server reports of the ingest; the bandwidth is the
/// larger of that and the peak measured on the fragments written so far.
async fn variant(state: &AppState, m: &StreamRecord, stat_xml: Option<&str>) -> Option<Variant> {
    let dir = nginx_conf::hls_dir(&state.settings.media_dir);
    let text = tokio::fs::read_to_string(dir.join(format!("{}.m3u8", m.name)))
        .await
        .ok()?;
    let mut measured = 0u64;
    for (duration, number) in playlist::fragments(&text, m.name.as_str()) {
        let file = dir.join(format!("{}-{number}.ts", m.name));
        if let (Ok(meta), true) = (tokio::fs::metadata(&file).await, duration > 0.0) {
            // Rounded to whole bits per second: a bandwidth is an integer.
            let bps = (meta.len() as f64 * 8.0 / duration).round();
            measured = measured.max(bps as u64);
        }
    }
    let (declared, resolution, frame_rate) = match &m.profile {
        Some(p) => (
            u64::from(p.bitrate_kbps) * 1000,
            Some((p.width, p.height)),
            Some(p.framerate),
        ),
        None => match stat_xml.and_then(|x| stat::ingest_video(x, m.name.as_str())) {
            Some(v) => (v.bw_in, Some((v.width, v.height)), Some(v.frame_rate)),
            None => (0, None, None),
        },
    };
    Some(Variant {
        id: m.id,
        index: m.index,
        bandwidth: declared.max(measured),
        resolution,
        frame_rate,
    })
}

/// `GET /hls/<id>/index.m3u8` and `/hls/<id>/<ms>.ts`.
async fn stream_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    Query(query): Query<HlsQuery>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let (Ok(id), Some(kind)) = (Uuid::parse_str(&id), classify(&file)) else {
        return not_found();
    };
    let token = query.token.as_deref();
    let (stream, secure) = match admit(&state, id, token, &addr, &headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    if !matches!(stream.state, StreamState::Live | StreamState::Ended) {
        return not_playing(stream.state);
    }
    let dir = nginx_conf::hls_dir(&state.settings.media_dir);
    let name = stream.name.as_str();
    match kind {
        StreamFile::Playlist => {
            let Ok(text) = tokio::fs::read_to_string(dir.join(format!("{name}.m3u8"))).await else {
                return not_playing(stream.state);
            };
            let ended = stream.state == StreamState::Ended;
            let text = playlist::media(&text, name, ended, token);
            served(PLAYLIST_TYPE, PLAYLIST_CACHE, text.into_bytes())
        }
        StreamFile::Fragment(number) => {
            let Ok(bytes) = tokio::fs::read(dir.join(format!("{name}-{number}.ts"))).await else {
                return not_found();
            };
            let cache = if secure {
                SECURE_FRAGMENT_CACHE
            } else {
                FRAGMENT_CACHE
            };
            served(FRAGMENT_TYPE, cache, bytes)
        }
    }
}

/// `GET /hls/<id>/replay/<session>/index.m3u8` and `…/<n>.ts`.
async fn replay_file(
    State(state): State<AppState>,
    Path((id, session, file)): Path<(String, String, String)>,
    Query(query): Query<HlsQuery>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let session = session
        .parse::<i64>()
        .ok()
        .filter(|s| *s >= 0 && session.bytes().all(|b| b.is_ascii_digit()));
    let (Ok(id), Some(session)) = (Uuid::parse_str(&id), session) else {
        return not_found();
    };
    let segment = playlist::segment_number(&file);
    if file != replay::PLAYLIST && segment.is_none() {
        return not_found();
    }
    let token = query.token.as_deref();
    let (stream, secure) = match admit(&state, id, token, &addr, &headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    let dir = replay::session_dir(&state.settings.media_dir, stream.id, session);
    match segment {
        None => {
            let Ok(text) = tokio::fs::read_to_string(dir.join(replay::PLAYLIST)).await else {
                return not_found();
            };
            let ended = stream.state != StreamState::Live;
            let text = playlist::replay(&text, ended, token);
            served(PLAYLIST_TYPE, PLAYLIST_CACHE, text.into_bytes())
        }
        Some(number) => {
            let Ok(bytes) = tokio::fs::read(dir.join(format!("{number}.ts"))).await else {
                return not_found();
            };
            let cache = if secure {
                SECURE_FRAGMENT_CACHE
            } else {
                FRAGMENT_CACHE
            };
            served(FRAGMENT_TYPE, cache, bytes)
        }
    }
}

/// The stream, if it exists and this viewer may play it (and whether its organisation
/// has `secure`).
pub(super) async fn admit(
    state: &AppState,
    id: Uuid,
    token: Option<&str>,
    addr: &str,
    headers: &HeaderMap,
) -> Result<(StreamRecord, bool), Response> {
    let internal = |e: ApiError| refusal(e, None);
    let stream = state
        .store
        .stream_by_id(id)
        .await
        .map_err(|e| internal(e.into()))?
        .filter(|s| s.state != StreamState::Deleted)
        .ok_or_else(not_found)?;
    let org = state
        .store
        .organisation(stream.org_id)
        .await
        .map_err(|e| internal(e.into()))?;
    if !org.features.get(Feature::Secure) {
        return Ok((stream, false));
    }
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        let member = crate::auth::session_org(headers, &state.store)
            .await
            .map_err(internal)?;
        if member == Some(org.id) {
            return Ok((stream, true));
        }
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
        stream: Some(&stream.name),
        ip: Some(addr),
        domain: domain.as_deref(),
    };
    let checked = check_playback(state, &org, token, &at)
        .await
        .map_err(internal)?;
    match checked.reason {
        None => Ok((stream, true)),
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
    fn only_the_playlist_and_numbered_fragments_are_files_of_a_stream() {
        assert_eq!(classify("index.m3u8"), Some(StreamFile::Playlist));
        assert_eq!(
            classify("1796294106009.ts"),
            Some(StreamFile::Fragment(1_796_294_106_009))
        );
        for other in [
            "HX26g-NRbx9-1796294106009.ts",
            ".ts",
            "12a.ts",
            "99999999999999999999999.ts",
            "..%2Fcastboard.db",
            "../nginx.conf",
            "nginx.conf",
            "index.m3u8.bak",
            "HX26g-NRbx9.m3u8",
        ] {
            assert_eq!(classify(other), None, "{other}");
        }
    }

    #[test]
    fn a_master_playlist_is_named_by_the_hyphenated_id() {
        let id = Uuid::from_u128(0x7c1e);
        assert_eq!(master_id(&format!("{id}.m3u8")), Some(id));
        assert_eq!(master_id(&format!("{}.m3u8", id.simple())), None);
        assert_eq!(master_id("HX26g-NRbx9.m3u8"), None);
        assert_eq!(master_id(&id.to_string()), None);
    }
}
