//! `GET /hls/{file}`: the HLS the media server writes, served by Castboard under each
//! stream's playout URL (`<hls_url>/<streamname>.m3u8`).
//!
//! Only two shapes of name are served — a stream's playlist `<name>.m3u8` and its
//! fragments `<name>-<epoch ms>.ts` — so no request can reach another file of the media
//! folder. Playlists change every second and are never cached; a fragment never changes
//! once written and may be cached for a day. Players on any site may fetch them.

use crate::media::nginx_conf;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use shared::stream::StreamName;

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
    (
        StatusCode::NOT_FOUND,
        [
            (CACHE_CONTROL, PLAYLIST_CACHE),
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        "Not found: the stream is not live, or this fragment has expired.",
    )
        .into_response()
}

/// One playlist or fragment of a live stream.
async fn hls_file(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(kind) = classify(&file) else {
        return not_found();
    };
    let path = nginx_conf::hls_dir(&state.settings.media_dir).join(&file);
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return not_found();
    };
    let (content_type, cache) = match kind {
        HlsFile::Playlist(_) => (PLAYLIST_TYPE, PLAYLIST_CACHE),
        HlsFile::Fragment(_) => (FRAGMENT_TYPE, FRAGMENT_CACHE),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> StreamName {
        StreamName::parse(s).expect("a streamname")
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
