//! What every handler can reach: the store, the server's settings and the event bus.

use crate::events::Events;
use crate::store::Store;
use shared::snippet::PlayerUrls;
use std::sync::Arc;

/// This server's own embed page, player script and watch page (see `routes::player`).
pub const EMBED_PATH: &str = "/embed";
pub const PLAYER_SCRIPT_PATH: &str = "/player/castboard-player.js";
pub const WATCH_PATH: &str = "/watch";

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub events: Events,
}

impl AppState {
    pub fn new(store: Store, settings: Settings) -> AppState {
        AppState {
            store,
            settings: Arc::new(settings),
            events: Events::new(),
        }
    }
}

/// Settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach this server, without a trailing slash.
    pub public_url: String,
    /// Whether cookies get the `Secure` attribute (the public URL is https).
    pub secure_cookies: bool,
    /// RTMP application URL encoders publish to (the streamname is the key).
    pub rtmp_url: String,
    /// Base URL of HLS playlists (`<hls_url>/<streamname>.m3u8`).
    pub hls_url: String,
    /// Secret the media server's ingest hooks must send.
    pub ingest_secret: String,
    /// The embed page, player script and watch page that snippets point at.
    pub player: PlayerUrls,
}

impl Settings {
    /// Settings for `public_url` with the media-server URLs at their defaults.
    pub fn new(public_url: &str, ingest_secret: &str) -> Settings {
        let public_url = public_url.trim_end_matches('/').to_string();
        Settings {
            secure_cookies: public_url.starts_with("https://"),
            rtmp_url: crate::config::DEFAULT_RTMP_URL.to_string(),
            hls_url: format!("{public_url}/hls"),
            ingest_secret: ingest_secret.to_string(),
            player: PlayerUrls {
                embed_url: format!("{public_url}{EMBED_PATH}"),
                script_url: format!("{public_url}{PLAYER_SCRIPT_PATH}"),
                watch_url: format!("{public_url}{WATCH_PATH}"),
            },
            public_url,
        }
    }

    /// Where a recorded file is served.
    pub fn vod_url(&self, file_name: &str) -> String {
        format!("{}/vod/{file_name}", self.public_url)
    }
}
