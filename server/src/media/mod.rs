//! The media plane: the RTMP ingest server (nginx with the RTMP module) that Castboard
//! runs and configures, and Castboard's channel to it.
//!
//! - [`nginx_conf`]: the configuration, rendered from the settings;
//! - [`clips`]: a motion clip of each live member every `interval_s`, copied from its
//!   RTMP stream, when its settings and its organisation's package ask for it;
//! - [`supervisor`]: child processes that are restarted when they die and never outlive
//!   Castboard;
//! - [`stall`]: encoders that stay connected but send nothing;
//! - [`health`]: the ingest health of live streams, read from the statistics and the
//!   HLS every second;
//! - [`processes`]: what the runners of live processing report, per stream and kind;
//! - [`recording`]: the media server's recordings of live members, split, remuxed to
//!   MP4 and listed;
//! - [`replay`]: an HLS copy of each live member that players can seek back in (a
//!   rolling window or the whole session), when its settings and package ask for it;
//! - [`test_source`]: ffmpeg publishing a test pattern to a stream, and the registry of
//!   the running ones;
//! - [`thumbnails`]: a JPEG of each live member every `interval_s`, from its newest HLS
//!   fragment, when its settings and its organisation's package ask for it;
//! - [`transcode`]: ffmpeg making each transcode member's rendition from the passthrough
//!   while its group is live, within the server's transcode capacity;
//! - this module: preparing the media folder, starting nginx and waiting until it
//!   listens, and [`MediaControl`], which cuts an ingest at once (stop & lock, a stall).
//!
//! nginx calls back into the ingest hooks (`routes::ingest`) for every publish, update
//! and end; those decide, and the stream states follow. What reaches encoders and players
//! is only what the hooks allow.

pub mod clips;
pub mod health;
pub mod nginx_conf;
pub mod playlist;
pub mod processes;
pub mod recording;
pub mod replay;
pub mod stall;
pub mod stat;
pub mod supervisor;
pub mod test_source;
pub mod thumbnails;
pub mod transcode;

use nginx_conf::MediaConf;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;
use supervisor::{ProcessSpec, Supervised};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub use health::HealthMonitor;
pub use processes::ProcessBoard;
pub use recording::Recorder;
pub use test_source::TestSources;
pub use transcode::Transcoders;

/// Who runs the media server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MediaMode {
    /// Castboard runs nginx itself.
    Embedded,
    /// The operator runs nginx with the block `castboard media-config` prints.
    External,
    /// No media server: streams change state only through the hooks.
    Off,
}

/// How long nginx may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the media server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error(
        "the media server needs nginx with the RTMP module ({0}); install them with \
         `apt-get install nginx libnginx-mod-rtmp`, or serve with --media off"
    )]
    Missing(String),
    #[error("cannot prepare the media folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("the media folder's path {0:?} cannot be used in nginx's configuration (quotes, semicolons or braces)")]
    Path(String),
    #[error("nginx could not be started: {0}")]
    Start(std::io::Error),
    #[error("nginx did not start listening within {0:?}; see {1}")]
    NotReady(Duration, String),
}

/// Checks that `nginx` runs and the RTMP module file exists.
async fn check_parts(nginx: &Path, module: &Path) -> Result<(), MediaError> {
    let runs = tokio::process::Command::new(nginx)
        .arg("-v")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .is_ok_and(|s| s.success());
    if !runs {
        return Err(MediaError::Missing(format!(
            "{} was not found or does not run",
            nginx.display()
        )));
    }
    if !module.is_file() {
        return Err(MediaError::Missing(format!(
            "{} is missing",
            module.display()
        )));
    }
    Ok(())
}

/// Creates the media folder and its parts, and refuses paths nginx cannot take.
fn prepare(dir: &Path) -> Result<PathBuf, MediaError> {
    let folder = |e| MediaError::Folder(dir.display().to_string(), e);
    std::fs::create_dir_all(dir).map_err(folder)?;
    let dir = std::fs::canonicalize(dir).map_err(folder)?;
    let text = dir.display().to_string();
    if text.contains(['"', ';', '{', '}', '\'', '\n']) {
        return Err(MediaError::Path(text));
    }
    for part in ["hls", "logs", "temp"] {
        std::fs::create_dir_all(dir.join(part)).map_err(folder)?;
    }
    std::fs::create_dir_all(recording::raw_dir(&dir)).map_err(folder)?;
    Ok(dir)
}

/// The media server Castboard runs.
pub struct EmbeddedMedia {
    process: Supervised,
    pub control: MediaControl,
}

impl EmbeddedMedia {
    /// Prepares the media folder, writes the configuration and starts nginx; returns once
    /// it accepts connections. `conf.dir` is made absolute.
    pub async fn start(nginx: &Path, mut conf: MediaConf) -> Result<EmbeddedMedia, MediaError> {
        check_parts(nginx, &conf.rtmp_module).await?;
        conf.dir = prepare(&conf.dir)?;
        let file = conf.conf_file();
        write_private(&file, &nginx_conf::embedded(&conf))
            .map_err(|e| MediaError::Folder(file.display().to_string(), e))?;
        let process = Supervised::start(ProcessSpec {
            label: "nginx".into(),
            program: nginx.to_path_buf(),
            args: vec![
                "-p".into(),
                conf.dir.clone().into_os_string(),
                "-c".into(),
                file.into_os_string(),
            ],
            restart: true,
            backoff: supervisor::Backoff::DEFAULT,
            stale_files: vec![conf.control_socket()],
        })
        .map_err(MediaError::Start)?;
        let control = MediaControl::default();
        control.attach(&MediaControl::at(conf.control_socket()));
        let ready = async {
            loop {
                if tokio::net::TcpStream::connect(conf.rtmp_listen)
                    .await
                    .is_ok()
                    && control.stat().await.is_ok()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        if tokio::time::timeout(START_TIMEOUT, ready).await.is_err() {
            process.stop().await;
            return Err(MediaError::NotReady(
                START_TIMEOUT,
                conf.dir.join("logs/error.log").display().to_string(),
            ));
        }
        Ok(EmbeddedMedia { process, control })
    }

    /// Cuts, every `interval`, the encoders that have sent nothing for two intervals
    /// (their stream then ends through `publish_done`). Ends with the media server.
    pub fn spawn_stall_watch(&self, interval: Duration) -> tokio::task::JoinHandle<()> {
        let control = self.control.clone();
        tokio::spawn(async move {
            let mut watch = stall::StallWatch::default();
            let mut every = tokio::time::interval(interval);
            loop {
                every.tick().await;
                let Ok(xml) = control.stat().await else {
                    continue;
                };
                let now = std::time::Instant::now();
                for name in watch.stalled(stat::bytes_in(&xml), now, interval * 2) {
                    tracing::warn!(stream = %name, "the encoder sends nothing; cutting it");
                    if let Err(e) = control.drop_publisher(&name).await {
                        tracing::warn!(stream = %name, error = %e, "could not cut the encoder");
                    }
                }
            }
        })
    }

    /// The pid of the running nginx.
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    /// Stops nginx and waits until it is gone.
    pub async fn stop(self) {
        self.process.stop().await;
    }
}

/// Writes a file only its owner can read (it holds the ingest secret).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// Castboard's channel to the media server it runs; empty when it runs none (an
/// external media server, or one another instance runs, then cuts an ingest at its next
/// update). Clones share one channel, which [`MediaControl::attach`] points at the media
/// server this instance starts and [`MediaControl::detach`] empties when it stops.
#[derive(Debug, Clone, Default)]
pub struct MediaControl {
    socket: Arc<RwLock<Option<PathBuf>>>,
}

impl MediaControl {
    fn at(socket: PathBuf) -> MediaControl {
        MediaControl {
            socket: Arc::new(RwLock::new(Some(socket))),
        }
    }

    /// Points this channel (and its clones) at the media server `other` reaches.
    pub fn attach(&self, other: &MediaControl) {
        let socket = other.socket();
        *self.socket.write().unwrap_or_else(PoisonError::into_inner) = socket;
    }

    /// Empties this channel (and its clones): this instance runs no media server now.
    pub fn detach(&self) {
        *self.socket.write().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn socket(&self) -> Option<PathBuf> {
        self.socket
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Cuts the encoder publishing `name`, if any; `Ok(false)` when there is no media
    /// server to ask.
    pub async fn drop_publisher(&self, name: &str) -> std::io::Result<bool> {
        if self.socket().is_none() {
            return Ok(false);
        }
        let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        let path = format!(
            "/control/drop/publisher?app={}&name={name}",
            nginx_conf::APP
        );
        self.get(&path).await?;
        Ok(true)
    }

    /// Starts a file of `recorder` for the stream `name`; the path of the file.
    pub async fn record_start(&self, name: &str, recorder: &str) -> std::io::Result<String> {
        self.record("start", name, recorder).await
    }

    /// Closes the file `recorder` writes for `name` (its `record_done` follows); the
    /// path of the file.
    pub async fn record_stop(&self, name: &str, recorder: &str) -> std::io::Result<String> {
        self.record("stop", name, recorder).await
    }

    async fn record(&self, verb: &str, name: &str, recorder: &str) -> std::io::Result<String> {
        let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        let rec: String = form_urlencoded::byte_serialize(recorder.as_bytes()).collect();
        self.get(&format!(
            "/control/record/{verb}?app={}&name={name}&rec={rec}",
            nginx_conf::APP
        ))
        .await
    }

    /// The media server's statistics (XML of `rtmp_stat`).
    pub async fn stat(&self) -> std::io::Result<String> {
        self.get("/stat").await
    }

    /// One HTTP/1.0 GET over the control socket; the body of a 200.
    async fn get(&self, path: &str) -> std::io::Result<String> {
        let Some(socket) = self.socket() else {
            return Err(std::io::Error::other("no media server"));
        };
        let mut conn = tokio::net::UnixStream::connect(&socket).await?;
        conn.write_all(format!("GET {path} HTTP/1.0\r\nHost: media\r\n\r\n").as_bytes())
            .await?;
        let mut answer = String::new();
        conn.read_to_string(&mut answer).await?;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        if head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200") {
            Ok(body.to_string())
        } else if head.starts_with("HTTP/1.1 204") || head.starts_with("HTTP/1.0 204") {
            // The control module's answer when nothing matched (no such ingest).
            Ok(String::new())
        } else {
            Err(std::io::Error::other(format!(
                "the media server answered {}",
                head.lines().next().unwrap_or_default()
            )))
        }
    }
}
