//! `GET /vod/<file>`: a finished recording (MP4, see `media::recording`), listed in its
//! stream's `assets.recordings`.
//!
//! Who may fetch it is who may play the stream (`hls::admit`): anyone for an organisation
//! without `secure`; with `secure`, a playback token (`?token=`) or a user signed in to
//! the organisation (the dashboard). Byte ranges are served (players seek with them), as
//! are `If-Modified-Since` revalidations; a file never changes once listed, so it may be
//! cached for a day (`private` for secure streams). `?download=1` asks the browser to
//! save it under its own name.

use super::hls::{admit, not_found};
use crate::client_addr::ClientAddr;
use crate::media::recording::recordings_dir;
use crate::state::{AppState, VOD_PATH};
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, CACHE_CONTROL, CONTENT_DISPOSITION,
    CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower::ServiceExt;
use tower_http::services::ServeFile;

pub fn router() -> Router<AppState> {
    Router::new().route(&format!("{VOD_PATH}/{{file}}"), get(recording))
}

#[derive(Debug, Default, Deserialize)]
struct VodQuery {
    token: Option<String>,
    /// `1` (or `true`): answered as an attachment, to be saved.
    download: Option<String>,
}

/// A recording's file name as Castboard writes it: one path segment ending in `.mp4`,
/// not hidden, of letters, digits, `-` and `_` (so it never leaves the folder).
fn recording_name(file: &str) -> Option<&str> {
    let stem = file.strip_suffix(".mp4")?;
    (!stem.is_empty()
        && file.len() <= 128
        && !stem.starts_with(['.', '-'])
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then_some(file)
}

/// Serves a recording.
async fn recording(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<VodQuery>,
    ClientAddr(addr): ClientAddr,
    req: Request,
) -> Response {
    let Some(file) = recording_name(&file) else {
        return not_found();
    };
    let stream_id = match state.store.recording_stream(file).await {
        Ok(Some(id)) => id,
        Ok(None) => return not_found(),
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let headers = req.headers().clone();
    let secure = match admit(&state, stream_id, query.token.as_deref(), &addr, &headers).await {
        Ok((_, secure)) => secure,
        Err(refused) => return refused,
    };
    let path = recordings_dir(&state.settings.media_dir).join(file);
    let mut res = match ServeFile::new(&path).oneshot(req).await {
        Ok(served) => served.into_response(),
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return not_found();
    }
    let download = matches!(query.download.as_deref(), Some("1" | "true"));
    let h = res.headers_mut();
    let cache = if secure {
        "private, max-age=86400"
    } else {
        "public, max-age=86400"
    };
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("content-length, content-range, accept-ranges"),
    );
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    if download {
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
            h.insert(CONTENT_DISPOSITION, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::recording_name;

    #[test]
    fn only_plain_mp4_names_are_recordings() {
        assert_eq!(
            recording_name("HX26g-NRbx9-1764064800123.mp4"),
            Some("HX26g-NRbx9-1764064800123.mp4")
        );
        for bad in [
            "../castboard.db",
            ".HX26g.mp4.part",
            "a/b.mp4",
            "a%2Fb.mp4",
            ".mp4",
            "x.flv",
            "-x.mp4",
        ] {
            assert_eq!(recording_name(bad), None, "{bad}");
        }
    }
}
