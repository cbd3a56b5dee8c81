//! `GET /thumbnails/<id>.jpg`: a stream's latest thumbnail (see `media::thumbnails`),
//! while the stream has one (`assets.thumbnail`); an ended stream keeps its last.
//!
//! Who may see it is who may play the stream (`hls::admit`): anyone for an organisation
//! without `secure`; with `secure`, a playback token (`?token=`) or a user signed in to
//! the organisation (the dashboard). It may be cached for the stream's thumbnail interval
//! at most (`max-age=<interval_s>`, `private` for secure streams) and carries
//! `Last-Modified` and an `ETag`, so a client asking again with `If-None-Match` (or
//! `If-Modified-Since`) gets 304 until the next thumbnail replaces it.

use super::hls::{admit, not_found};
use crate::client_addr::ClientAddr;
use crate::media::thumbnails::thumbnail_file;
use crate::state::{AppState, THUMBNAILS_PATH};
use axum::extract::{Path, Query, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use shared::stream::StreamState;
use std::time::UNIX_EPOCH;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new().route(&format!("{THUMBNAILS_PATH}/{{file}}"), get(thumbnail))
}

#[derive(Debug, Default, Deserialize)]
struct ThumbnailQuery {
    token: Option<String>,
    /// Ignored: the dashboard adds the thumbnail's time, so a new one is a new address.
    #[serde(rename = "v")]
    _version: Option<String>,
}

/// `<uuid>.jpg` → the id (the hyphenated form only, so each thumbnail has one address).
fn thumbnail_id(file: &str) -> Option<Uuid> {
    let id = file.strip_suffix(".jpg")?;
    (id.len() == 36).then(|| Uuid::parse_str(id).ok()).flatten()
}

/// The validator of a file: its modification time (ns) and length.
fn etag(modified_ns: u128, len: u64) -> String {
    format!("\"{modified_ns:x}-{len:x}\"")
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) of `secs` since the epoch.
fn http_date(secs: i64) -> Option<String> {
    let at = chrono::DateTime::from_timestamp(secs, 0)?;
    Some(at.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
}

/// Whether the client's copy is current: `If-None-Match` names the ETag (or `*`), or,
/// without `If-None-Match`, `If-Modified-Since` is not before the file's time.
fn not_modified(headers: &HeaderMap, tag: &str, modified_secs: i64) -> bool {
    if let Some(list) = headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return list
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t == tag || t.strip_prefix("W/") == Some(tag));
    }
    headers
        .get(IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| since.timestamp() >= modified_secs)
}

async fn thumbnail(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<ThumbnailQuery>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let Some(id) = thumbnail_id(&file) else {
        return not_found();
    };
    let (stream, secure) = match admit(&state, id, query.token.as_deref(), &addr, &headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    if stream.state == StreamState::Deleted || stream.thumbnail.is_none() {
        return not_found();
    }
    let path = thumbnail_file(&state.settings.media_dir, id);
    let Ok(meta) = tokio::fs::metadata(&path).await else {
        return not_found();
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
        .unwrap_or_default();
    let modified_secs = i64::try_from(modified.as_secs()).unwrap_or(0);
    let tag = etag(modified.as_nanos(), meta.len());
    let cache = format!(
        "{}, max-age={}",
        if secure { "private" } else { "public" },
        stream.processing.thumbnails.interval_s
    );
    let mut common = HeaderMap::new();
    for (name, value) in [
        (CACHE_CONTROL, Some(cache)),
        (ETAG, Some(tag.clone())),
        (LAST_MODIFIED, http_date(modified_secs)),
        (ACCESS_CONTROL_ALLOW_ORIGIN, Some("*".to_string())),
        (X_CONTENT_TYPE_OPTIONS, Some("nosniff".to_string())),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            common.insert(name, v);
        }
    }
    if not_modified(&headers, &tag, modified_secs) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return not_found();
    };
    common.insert(CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    (common, bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thumbnail_is_named_by_the_hyphenated_id() {
        let id = Uuid::from_u128(0x7c1e);
        assert_eq!(thumbnail_id(&format!("{id}.jpg")), Some(id));
        assert_eq!(thumbnail_id(&format!("{}.jpg", id.simple())), None);
        assert_eq!(thumbnail_id(&format!("{id}.png")), None);
        assert_eq!(thumbnail_id("../castboard.db"), None);
    }

    #[test]
    fn the_client_copy_is_current_by_etag_first_then_by_date() {
        let tag = etag(0x10, 0x20);
        assert_eq!(tag, "\"10-20\"");
        assert_eq!(
            http_date(784_111_777).as_deref(),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
        let mut h = HeaderMap::new();
        assert!(!not_modified(&h, &tag, 100));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("\"x\", \"10-20\""));
        assert!(not_modified(&h, &tag, 100));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        h.insert(
            IF_MODIFIED_SINCE,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert!(!not_modified(&h, &tag, 0), "If-None-Match decides");
        h.remove(IF_NONE_MATCH);
        assert!(not_modified(&h, &tag, 784_111_777));
        assert!(!not_modified(&h, &tag, 784_111_778));
    }
}
