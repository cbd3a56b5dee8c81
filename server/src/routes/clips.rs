//! `GET /clips/<id>.mp4`: a stream's latest motion clip (see `media::clips`), while the
//! stream has one (`assets.motion_clip`); an ended stream keeps its last.
//!
//! Who may see it is who may play the stream (`hls::admit`), as for thumbnails. It may be
//! cached for the stream's clip interval at most (`max-age=<interval_s>`, `private` for
//! secure streams), carries `Last-Modified` and an `ETag` (304 to a current copy), and
//! answers one byte range with 206 (`<video>` asks for ranges to play an MP4).

use super::files;
use super::hls::{admit, not_found};
use crate::client_addr::ClientAddr;
use crate::media::clips::clip_file;
use crate::state::{AppState, CLIPS_PATH};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use shared::stream::StreamState;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new().route(&format!("{CLIPS_PATH}/{{file}}"), get(clip))
}

#[derive(Debug, Default, Deserialize)]
struct ClipQuery {
    token: Option<String>,
    /// Ignored: the dashboard adds the clip's time, so a new one is a new address.
    #[serde(rename = "v")]
    _version: Option<String>,
}

/// `<uuid>.mp4` → the id (the hyphenated form only, so each clip has one address).
fn clip_id(file: &str) -> Option<Uuid> {
    let id = file.strip_suffix(".mp4")?;
    (id.len() == 36).then(|| Uuid::parse_str(id).ok()).flatten()
}

async fn clip(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<ClipQuery>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let Some(id) = clip_id(&file) else {
        return not_found();
    };
    let (stream, secure) = match admit(&state, id, query.token.as_deref(), &addr, &headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    if stream.state == StreamState::Deleted || stream.motion_clip.is_none() {
        return not_found();
    }
    let cache = format!(
        "{}, max-age={}",
        if secure { "private" } else { "public" },
        stream.processing.motion_clips.interval_s
    );
    let path = clip_file(&state.settings.media_dir, id);
    files::serve(&path, "video/mp4", &cache, &headers).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clip_is_named_by_the_hyphenated_id() {
        let id = Uuid::from_u128(0x7c1e);
        assert_eq!(clip_id(&format!("{id}.mp4")), Some(id));
        assert_eq!(clip_id(&format!("{}.mp4", id.simple())), None);
        assert_eq!(clip_id(&format!("{id}.jpg")), None);
        assert_eq!(clip_id("../castboard.db"), None);
    }
}
