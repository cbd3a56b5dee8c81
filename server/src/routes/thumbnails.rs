//! `GET /thumbnails/<id>.jpg`: a stream's latest thumbnail (see `media::thumbnails`),
//! while the stream has one (`assets.thumbnail`); an ended stream keeps its last.
//!
//! Who may see it is who may play the stream (`hls::admit`): anyone for an organisation
//! without `secure`; with `secure`, a playback token (`?token=`) or a user signed in to
//! the organisation (the dashboard). It may be cached for the stream's thumbnail interval
//! at most (`max-age=<interval_s>`, `private` for secure streams) and carries
//! `Last-Modified` and an `ETag`, so a client asking again with `If-None-Match` (or
//! `If-Modified-Since`) gets 304 until the next thumbnail replaces it.

use super::files;
use super::hls::{admit, not_found};
use crate::client_addr::ClientAddr;
use crate::media::thumbnails::thumbnail_file;
use crate::state::{AppState, THUMBNAILS_PATH};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use shared::stream::StreamState;
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
    let cache = format!(
        "{}, max-age={}",
        if secure { "private" } else { "public" },
        stream.processing.thumbnails.interval_s
    );
    let path = thumbnail_file(&state.settings.media_dir, id);
    files::serve(&path, "image/jpeg", &cache, &headers).await
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
}
