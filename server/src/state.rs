//! What every handler can reach: the store, the server's settings and the event bus.

use crate::client_addr::TrustedProxies;
use crate::events::Events;
use crate::media::{
    HealthMonitor, MediaControl, MediaMode, ProcessBoard, Recorder, TestSources, Transcoders,
};
use crate::secrets::Passwords;
use crate::store::{LoginLimits, Store};
use shared::snippet::PlayerUrls;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// This server's own embed page, player script and watch page (see `routes::player`).
pub const EMBED_PATH: &str = "/embed";
pub const PLAYER_SCRIPT_PATH: &str = "/player/castboard-player.js";
pub const WATCH_PATH: &str = "/watch";
/// Where HLS is served (see `routes::hls`); `Settings::hls_url` defaults to the public
/// URL plus this.
pub const HLS_PATH: &str = "/hls";
/// Where each stream's latest thumbnail is served (see `routes::thumbnails`):
/// `/thumbnails/<id>.jpg`.
pub const THUMBNAILS_PATH: &str = "/thumbnails";
/// Where finished recordings are served (see `routes::vod`): `/vod/<file>`.
pub const VOD_PATH: &str = "/vod";
/// Where each stream's latest motion clip is served (see `routes::clips`):
/// `/clips/<id>.mp4`.
pub const CLIPS_PATH: &str = "/clips";

/// The lease through which one instance on a shared database runs the media plane (see
/// `duty`).
pub const MEDIA_LEASE: &str = "media";

/// Whether this instance runs the media plane now (see `duty::MediaPlane`); clones share
/// it.
#[derive(Debug, Clone, Default)]
pub struct PlaneHere(Arc<AtomicBool>);

impl PlaneHere {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    pub fn set(&self, here: bool) {
        self.0.store(here, Ordering::SeqCst);
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub events: Events,
    pub passwords: Passwords,
    /// The channel to the media server Castboard runs (empty without one).
    pub media: MediaControl,
    /// The test sources running now (`POST /streams/{id}/test-source`).
    pub test_sources: TestSources,
    /// The transcoders of live groups, and their status.
    pub transcoders: Transcoders,
    /// The ingest health of live streams (empty without Castboard's own media server).
    pub health: HealthMonitor,
    /// What the runners of live processing report (`/streams/{id}/processes`).
    pub processes: ProcessBoard,
    /// The recordings of live streams (started with Castboard's own media server).
    pub recorder: Recorder,
    /// Whether this instance runs the media plane now.
    pub plane: PlaneHere,
}

impl AppState {
    /// The state over `store`; starts the password threads.
    pub fn new(store: Store, settings: Settings) -> AppState {
        let passwords = Passwords::start(settings.password_workers, settings.password_queue)
            .expect("the password threads start");
        let events = Events::new();
        events.share_through(&store);
        AppState {
            store,
            settings: Arc::new(settings),
            transcoders: Transcoders::new(events.clone()),
            processes: ProcessBoard::new(events.clone()),
            events,
            passwords,
            media: MediaControl::default(),
            test_sources: TestSources::default(),
            health: HealthMonitor::new(),
            recorder: Recorder::default(),
            plane: PlaneHere::default(),
        }
    }

    /// Whether the media plane runs on another instance now: this one shares a database
    /// with others, serves with a media server, and stands by for it.
    pub fn media_elsewhere(&self) -> bool {
        self.settings.media != MediaMode::Off && self.store.is_shared() && !self.plane.get()
    }
}

/// The proxies a request's client address is read through (`client_addr::ClientAddr`);
/// usually empty, so the copy costs nothing.
impl axum::extract::FromRef<AppState> for TrustedProxies {
    fn from_ref(state: &AppState) -> TrustedProxies {
        state.settings.trusted_proxies.clone()
    }
}

/// Sign-in throttling: failures over 15 minutes, 10 per email and client address pair,
/// 50 per client address.
pub const LOGIN_LIMITS: LoginLimits = LoginLimits {
    window_ms: 15 * 60 * 1000,
    per_pair: 10,
    per_addr: 50,
};

/// Settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach this server, without a trailing slash.
    pub public_url: String,
    /// Whether the public URL is https: cookies get the `Secure` attribute and answers
    /// `Strict-Transport-Security`.
    pub https: bool,
    /// RTMP application URL encoders publish to (the streamname is the key).
    pub rtmp_url: String,
    /// Who runs the media server at `rtmp_url`: test sources need one (not `Off`).
    pub media: MediaMode,
    /// The ffmpeg program test sources run (a name looked up on `PATH`, or a path).
    pub ffmpeg: PathBuf,
    /// Base URL of HLS playlists (`<hls_url>/<streamname>.m3u8`).
    pub hls_url: String,
    /// Secret the media server's ingest hooks must send.
    pub ingest_secret: String,
    /// The embed page, player script and watch page that snippets point at.
    pub player: PlayerUrls,
    /// Reverse proxies whose `X-Forwarded-For` names the client (throttling counts per
    /// client address).
    pub trusted_proxies: TrustedProxies,
    /// Where the media server writes recordings and HLS (`record_done` reads only there).
    pub media_dir: PathBuf,
    /// Sign-in throttling limits.
    pub login_limits: LoginLimits,
    /// Passwords hashed at once, and requests that may wait for a turn (more get 503).
    pub password_workers: usize,
    pub password_queue: usize,
}

impl Settings {
    /// Settings for `public_url` with the media-server URLs at their defaults and no media
    /// server (`serve` sets the one it runs or was told of).
    pub fn new(public_url: &str, ingest_secret: &str) -> Settings {
        let public_url = public_url.trim_end_matches('/').to_string();
        Settings {
            https: public_url.starts_with("https://"),
            rtmp_url: crate::config::DEFAULT_RTMP_URL.to_string(),
            media: MediaMode::Off,
            ffmpeg: PathBuf::from(crate::config::DEFAULT_FFMPEG),
            hls_url: format!("{public_url}{}", HLS_PATH),
            ingest_secret: ingest_secret.to_string(),
            player: PlayerUrls {
                embed_url: format!("{public_url}{EMBED_PATH}"),
                script_url: format!("{public_url}{PLAYER_SCRIPT_PATH}"),
                watch_url: format!("{public_url}{WATCH_PATH}"),
            },
            trusted_proxies: TrustedProxies::default(),
            media_dir: PathBuf::from(crate::config::DEFAULT_MEDIA_DIR),
            login_limits: LOGIN_LIMITS,
            password_workers: default_password_workers(),
            password_queue: DEFAULT_PASSWORD_QUEUE,
            public_url,
        }
    }

    /// Where recorded files are served: `<public>/vod`.
    pub fn vod_base(&self) -> String {
        format!("{}{VOD_PATH}", self.public_url)
    }

    /// Where a recorded file is served.
    pub fn vod_url(&self, file_name: &str) -> String {
        format!("{}/{file_name}", self.vod_base())
    }
}

/// One password thread per core.
pub fn default_password_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Sign-ins that may wait for a password thread before more are refused with 503.
pub const DEFAULT_PASSWORD_QUEUE: usize = 32;
