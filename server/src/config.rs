//! The command line: subcommands, flags and their `CASTBOARD_*` environment variables.
//! Doc comments here are the `--help` text.

use crate::client_addr::Network;
use crate::media::MediaMode;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Castboard: a self-hosted control plane for live video streams.
// `arg_required_else_help = false` (here and on `org`): a missing subcommand is an error
// like any other (one line, exit 2; see `cli::parse`), rather than the whole help on
// stderr when nothing at all is given.
#[derive(Debug, Parser)]
#[command(
    name = "castboard",
    version,
    about,
    propagate_version = true,
    arg_required_else_help = false
)]
pub struct Cli {
    /// Database to use; created with its folder when missing, migrated before every command.
    #[arg(
        long,
        env = "CASTBOARD_DATABASE_URL",
        default_value = "sqlite://data/castboard.db",
        global = true
    )]
    pub database_url: String,

    /// Log filter for stderr (tracing `EnvFilter` syntax, e.g. `info` or `castboard=debug`).
    #[arg(long, env = "CASTBOARD_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Secret the media server's ingest hooks must send; generated once and stored when unset.
    #[arg(
        long,
        env = "CASTBOARD_INGEST_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub ingest_secret: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the built dashboard.
    Serve(Box<ServeArgs>),
    /// Manage organisations (the tenants).
    #[command(subcommand, arg_required_else_help = false)]
    Org(OrgCommand),
    /// Print the ingest hook secret (the configured one, or the stored generated one).
    IngestSecret,
    /// Print the nginx `rtmp { … }` block for a media server the operator runs
    /// (`serve --media external`): the application, its hooks into Castboard, HLS.
    MediaConfig(MediaConfigArgs),
    /// Copy every row of this database (`--database-url`) into another one, e.g. from
    /// SQLite to PostgreSQL, with the same ids, as one transaction; prints the rows copied
    /// per table. The other database is migrated first and must hold no organisation.
    CopyDatabase(CopyDatabaseArgs),
}

/// `castboard copy-database`.
#[derive(Debug, Clone, Args)]
pub struct CopyDatabaseArgs {
    /// The database to copy into: `postgres://user:password@host:5432/database` (which
    /// must exist) or `sqlite://path/to/file.db` (created when missing).
    #[arg(long, env = "CASTBOARD_COPY_TO", hide_env_values = true)]
    pub to: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "CASTBOARD_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// URL people and players reach this server at (links, token issuer, secure cookies
    /// when https); defaults to http://<the address listened on>.
    #[arg(long, env = "CASTBOARD_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Folder holding the built dashboard (`trunk build --release` output); without it the
    /// API is served alone.
    #[arg(long, env = "CASTBOARD_ASSETS_DIR", default_value = "dist")]
    pub assets_dir: PathBuf,

    /// Create (once) a demo organisation with every feature on and sample streams, and
    /// print its admin login.
    #[arg(long, env = "CASTBOARD_DEMO")]
    pub demo: bool,

    /// RTMP application URL encoders publish to (the streamname is the stream key);
    /// defaults to rtmp://<--rtmp-listen>/live.
    #[arg(long, env = "CASTBOARD_RTMP_URL")]
    pub rtmp_url: Option<String>,

    /// Who runs the media server: `embedded` (Castboard runs nginx with the RTMP module),
    /// `external` (you run it with the block `castboard media-config` prints) or `off`.
    #[arg(long, env = "CASTBOARD_MEDIA", value_enum, default_value_t = MediaMode::Embedded)]
    pub media: MediaMode,

    /// The nginx program of the embedded media server.
    #[arg(long, env = "CASTBOARD_NGINX", default_value = "nginx")]
    pub nginx: PathBuf,

    /// The ffmpeg program of test sources (`POST /streams/{id}/test-source`, the demo's
    /// live stream).
    #[arg(long, env = "CASTBOARD_FFMPEG", default_value = DEFAULT_FFMPEG)]
    pub ffmpeg: PathBuf,

    #[command(flatten)]
    pub media_args: MediaArgs,

    /// Transcoders running at once on this server (one ffmpeg per transcode of a live
    /// group); beyond it a transcode waits for a place, shown as `waiting` with the
    /// reason. Defaults to the number of cores.
    #[arg(long, env = "CASTBOARD_MAX_TRANSCODES_RUNNING", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_transcodes_running: Option<u64>,

    /// With several instances on one PostgreSQL database, one of them runs the media
    /// server and its work, through a lease of this term (seconds) that it renews; should
    /// it stop or die, another takes over within the term.
    #[arg(long, env = "CASTBOARD_MEDIA_LEASE", default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..=600))]
    pub media_lease: u64,

    /// The URL the other instances on the same database reach this one at
    /// (`http://host:port`, no path): they ask the instance running the media server what
    /// only it knows (health readings, where processes stand). Defaults to
    /// http://<the address listened on> (127.0.0.1 when listening on every address).
    #[arg(long, env = "CASTBOARD_INSTANCE_URL")]
    pub instance_url: Option<String>,

    /// Base URL of the media server's HLS playlists; defaults to <public URL>/hls.
    #[arg(long, env = "CASTBOARD_HLS_URL")]
    pub hls_url: Option<String>,

    /// Embed page the iframe snippet and embed URLs point at (the player's query keys are
    /// appended); defaults to <public URL>/embed.
    #[arg(long, env = "CASTBOARD_PLAYER_EMBED_URL")]
    pub player_embed_url: Option<String>,

    /// Player script the HTML snippet loads; defaults to
    /// <public URL>/player/castboard-player.js.
    #[arg(long, env = "CASTBOARD_PLAYER_SCRIPT_URL")]
    pub player_script_url: Option<String>,

    /// Reverse proxies (addresses or networks, comma-separated: `127.0.0.1,10.0.0.0/8`)
    /// whose X-Forwarded-For names the client; sign-in throttling counts per client.
    #[arg(
        long = "trusted-proxy",
        env = "CASTBOARD_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<Network>,

    /// Seconds a client may take to send a request's headers (and an idle kept-alive
    /// connection may wait for its next request) before it is closed.
    #[arg(long, env = "CASTBOARD_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,

    /// Seconds a request body may pause between chunks before the request fails (408).
    #[arg(long, env = "CASTBOARD_BODY_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout: u64,

    /// Client connections open at once; more wait until one closes. Kept under the
    /// open-file limit, which is raised to its maximum at start.
    #[arg(long, env = "CASTBOARD_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,

    /// Passwords checked at once (sign-in, new users); defaults to the number of cores.
    /// Each takes 19 MiB while it runs.
    #[arg(long, env = "CASTBOARD_PASSWORD_WORKERS", value_parser = clap::value_parser!(u64).range(1..=256))]
    pub password_workers: Option<u64>,

    /// Sign-ins that may wait for a password check; more are refused at once with 503.
    #[arg(long, env = "CASTBOARD_PASSWORD_QUEUE", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub password_queue: u64,
}

/// What the media server's configuration depends on (`serve` and `media-config`).
#[derive(Debug, Clone, Args)]
pub struct MediaArgs {
    /// Folder of the media server: HLS, recordings, its configuration, logs and temporary
    /// files; `record_done` reads file sizes only inside it.
    #[arg(long, env = "CASTBOARD_MEDIA_DIR", default_value = DEFAULT_MEDIA_DIR)]
    pub media_dir: PathBuf,

    /// Address encoders connect to with RTMP.
    #[arg(long, env = "CASTBOARD_RTMP_LISTEN", default_value = "127.0.0.1:1935")]
    pub rtmp_listen: SocketAddr,

    /// The nginx RTMP module (Debian: libnginx-mod-rtmp).
    #[arg(
        long,
        env = "CASTBOARD_NGINX_RTMP_MODULE",
        default_value = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
    )]
    pub nginx_rtmp_module: PathBuf,

    /// Seconds between a running ingest's reports; a stream whose ingest stays silent
    /// (encoder sends nothing, or is gone without a word) ends after about twice this.
    #[arg(long, env = "CASTBOARD_INGEST_UPDATE_INTERVAL", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub ingest_update_interval: u64,
}

impl MediaArgs {
    /// The RTMP application URL as this machine reaches it (transcoders play and publish
    /// there): 127.0.0.1 when nginx listens on every address.
    pub fn local_rtmp_url(&self) -> String {
        let ip = if self.rtmp_listen.ip().is_unspecified() {
            std::net::IpAddr::from([127, 0, 0, 1])
        } else {
            self.rtmp_listen.ip()
        };
        format!(
            "rtmp://{}/{}",
            SocketAddr::new(ip, self.rtmp_listen.port()),
            crate::media::nginx_conf::APP
        )
    }

    /// The RTMP application URL encoders use, from the listen address.
    pub fn rtmp_url(&self) -> String {
        let host = if self.rtmp_listen.ip().is_unspecified() {
            "localhost".to_string()
        } else {
            self.rtmp_listen.ip().to_string()
        };
        format!(
            "rtmp://{host}:{}/{}",
            self.rtmp_listen.port(),
            crate::media::nginx_conf::APP
        )
    }
}

/// `castboard media-config`.
#[derive(Debug, Clone, Args)]
pub struct MediaConfigArgs {
    /// Castboard's address as the media server reaches it.
    #[arg(
        long,
        env = "CASTBOARD_HOOKS_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub castboard_url: String,

    #[command(flatten)]
    pub media_args: MediaArgs,
}

/// Where recordings and HLS are written by default.
pub const DEFAULT_MEDIA_DIR: &str = "data/media";

/// The ffmpeg of test sources: looked up on `PATH`.
pub const DEFAULT_FFMPEG: &str = "ffmpeg";

/// Where encoders publish by default: a media server on this machine.
pub const DEFAULT_RTMP_URL: &str = "rtmp://127.0.0.1:1935/live";

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation and its first admin; prints one line of JSON.
    Create {
        /// Display name of the organisation.
        #[arg(long)]
        name: String,
        /// Email the first admin signs in with.
        #[arg(long)]
        admin_email: String,
        /// Password of the first admin (at least 10 characters).
        #[arg(long, env = "CASTBOARD_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: String,
    },
    /// List organisations, one JSON object per line.
    List,
    /// Turn a feature on or off: secure, vod, live_processing, transcoding, webcaster, player.
    Feature {
        /// The organisation's 5-character hash.
        hash: String,
        /// The feature to switch.
        feature: String,
        /// `on` or `off`.
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Set a limit of an organisation (limits: max_transcodes).
    Limit {
        /// The organisation's 5-character hash.
        hash: String,
        /// The limit to set.
        #[arg(value_parser = ["max_transcodes"])]
        limit: String,
        /// The new value.
        value: u32,
    },
}

impl ServeArgs {
    /// The public URL without a trailing slash; by default the address actually bound
    /// (`localhost` for an unspecified address such as 0.0.0.0).
    pub fn public_url(&self, bound: SocketAddr) -> String {
        let url = match &self.public_url {
            Some(url) => url.clone(),
            None if bound.ip().is_unspecified() => format!("http://localhost:{}", bound.port()),
            None => format!("http://{bound}"),
        };
        url.trim_end_matches('/').to_string()
    }
}
