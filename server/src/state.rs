//! What every handler can reach: the store, the server's settings and the event bus.

use crate::events::Events;
use crate::store::Store;
use std::sync::Arc;

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
            public_url,
        }
    }

    /// Where a recorded file is served.
    pub fn vod_url(&self, file_name: &str) -> String {
        format!("{}/vod/{file_name}", self.public_url)
    }
}
