//! Thumbnails: while a member stream is live and its settings ask for them
//! (`processing.thumbnails`), and its organisation has `live_processing`, Castboard takes
//! one JPEG every `interval_s` from the newest HLS fragment nginx has finished for it.
//!
//! [`ThumbnailWatch`] runs one task that looks at the live streams every
//! [`TICK`]; a stream whose thumbnail is due ([`next_due`]) and whose HLS has a finished
//! fragment gets a short one-shot ffmpeg (`-frames:v 1`), supervised like every child
//! (through `setpriv --pdeathsig`), killed after [`GRAB_TIMEOUT`], never more than one at
//! a time per stream and [`MAX_AT_ONCE`] on the server. The image is written to a
//! temporary file and renamed over `<media dir>/thumbnails/<id>.jpg`, so a reader never
//! sees half a file; then the store records it (`assets.thumbnail`: the URL and the time)
//! and `stream.updated` tells open dashboards. Settings are read from the store at every
//! tick, so a change made while live takes effect at the next one. A stream that ends
//! keeps its last thumbnail (file and record). [`ThumbnailWatch::stop`] ends the task and
//! kills any ffmpeg still running before it returns.

use super::nginx_conf;
use super::playlist;
use super::processes::{wall, PackageLook, ProcessBoard};
use super::supervisor::{Backoff, ProcessSpec, Supervised};
use crate::events::Events;
use crate::store::{Store, StreamRecord};
use shared::model::{ProcessKind, StreamChanged};
use shared::Timestamp;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;
use uuid::Uuid;

/// How often the live streams are looked at.
pub const TICK: Duration = Duration::from_secs(1);

/// How long one grab may take before its ffmpeg is killed.
pub const GRAB_TIMEOUT: Duration = Duration::from_secs(10);

/// After a grab that failed, the next try waits this long (or until the next thumbnail
/// is due anyway, if sooner).
pub const RETRY: Duration = Duration::from_secs(5);

/// Grabs running at once on the server (each is a fraction of a second of one core).
pub const MAX_AT_ONCE: usize = 2;

/// The folder of the thumbnails inside the media folder.
pub fn thumbnails_dir(media_dir: &Path) -> PathBuf {
    media_dir.join("thumbnails")
}

/// The file of stream `id`'s latest thumbnail.
pub fn thumbnail_file(media_dir: &Path, id: Uuid) -> PathBuf {
    thumbnails_dir(media_dir).join(format!("{id}.jpg"))
}

/// What the schedule knows of one stream in its current live session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Taken {
    /// When the last thumbnail of this session was taken.
    pub last_taken: Option<Instant>,
    /// When the last grab failed (no picture), if after `last_taken`.
    pub last_failed: Option<Instant>,
}

/// When the stream's next thumbnail is due: `None` means now. The first of a live
/// session is due at once (the caller waits for its first finished HLS fragment); then
/// one every `interval` after the last taken. A failed grab is tried again [`RETRY`]
/// later, or when the next one is due anyway if that is sooner.
pub fn next_due(taken: Taken, interval: Duration) -> Option<Instant> {
    let after_taken = taken.last_taken.map(|t| t + interval);
    let after_failed = taken
        .last_failed
        .filter(|f| taken.last_taken.is_none_or(|t| *f >= t))
        .map(|f| f + RETRY);
    match (after_taken, after_failed) {
        (None, None) => None,
        (Some(t), None) => Some(t),
        (None, Some(f)) => Some(f),
        (Some(t), Some(f)) => Some(t.min(f)),
    }
}

/// Whether a thumbnail is due at `now`.
pub fn is_due(taken: Taken, interval: Duration, now: Instant) -> bool {
    next_due(taken, interval).is_none_or(|at| at <= now)
}

/// ffmpeg's arguments: the first picture of `fragment`, scaled to nothing (the stream's
/// own size), as one JPEG into `target`.
pub fn ffmpeg_args(fragment: &Path, target: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "error",
        "-nostdin",
        "-i",
    ]
    .map(OsString::from)
    .to_vec();
    args.push(fragment.as_os_str().to_owned());
    args.extend(
        [
            "-map",
            "0:v:0",
            "-an",
            "-frames:v",
            "1",
            "-q:v",
            "5",
            "-f",
            "image2",
            "-update",
            "1",
            "-y",
        ]
        .map(OsString::from),
    );
    args.push(target.as_os_str().to_owned());
    args
}

/// The newest fragment nginx has finished for `streamname` (the last one its playlist
/// lists), if any.
pub fn newest_fragment(hls_dir: &Path, streamname: &str) -> Option<PathBuf> {
    let text = std::fs::read_to_string(hls_dir.join(format!("{streamname}.m3u8"))).ok()?;
    let (_, number) = playlist::fragments(&text, streamname).pop()?;
    let file = hls_dir.join(format!("{streamname}-{number}.ts"));
    file.is_file().then_some(file)
}

/// What the watch needs.
#[derive(Debug, Clone)]
pub struct ThumbnailConfig {
    /// The ffmpeg program; `None` when there is none (nothing is taken, logged once).
    pub ffmpeg: Option<PathBuf>,
    /// The media folder (HLS in `hls/`, thumbnails written to `thumbnails/`).
    pub media_dir: PathBuf,
    /// The public URL of this server; a thumbnail's address is
    /// `<public>/thumbnails/<id>.jpg`.
    pub public_url: String,
}

impl ThumbnailConfig {
    /// The address stream `id`'s thumbnail is served at.
    pub fn url(&self, id: Uuid) -> String {
        format!(
            "{}{}/{id}.jpg",
            self.public_url.trim_end_matches('/'),
            crate::state::THUMBNAILS_PATH
        )
    }
}

/// The running watch; [`ThumbnailWatch::stop`] ends it.
pub struct ThumbnailWatch {
    stop: watch::Sender<bool>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The pids of the grabs running now (for tests and the logs).
    running: Arc<Mutex<HashMap<Uuid, Option<u32>>>>,
}

impl ThumbnailWatch {
    /// Starts the watch over `store`, announcing on `events` and reporting on `board`.
    pub fn start(
        store: Store,
        events: Events,
        board: ProcessBoard,
        config: ThumbnailConfig,
    ) -> ThumbnailWatch {
        let (stop, stopped) = watch::channel(false);
        let running = Arc::new(Mutex::new(HashMap::new()));
        let task = tokio::spawn(run(store, events, board, config, stopped, running.clone()));
        ThumbnailWatch {
            stop,
            task: Mutex::new(Some(task)),
            running,
        }
    }

    /// How many grabs run now.
    pub fn running(&self) -> usize {
        self.running.lock().map_or(0, |r| r.len())
    }

    /// Ends the watch and kills any grab still running; returns once they are gone.
    /// Calling it again does nothing.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// What a grab reports back to the watch.
struct Outcome {
    stream: StreamRecord,
    at: Instant,
    /// Why no thumbnail came of it, if none did.
    failure: Option<String>,
}

async fn run(
    store: Store,
    events: Events,
    board: ProcessBoard,
    config: ThumbnailConfig,
    mut stopped: watch::Receiver<bool>,
    running: Arc<Mutex<HashMap<Uuid, Option<u32>>>>,
) {
    let Some(ffmpeg) = config.ffmpeg.clone() else {
        tracing::warn!(
            "ffmpeg was not found: no thumbnails will be taken (apt-get install ffmpeg)"
        );
        let _ = stopped.wait_for(|s| *s).await;
        return;
    };
    let dir = thumbnails_dir(&config.media_dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot create the thumbnails folder");
    }
    let hls = nginx_conf::hls_dir(&config.media_dir);
    let config = Arc::new(config);
    let mut sessions: HashMap<Uuid, Taken> = HashMap::new();
    let mut in_flight: HashSet<Uuid> = HashSet::new();
    let mut grabs: JoinSet<Outcome> = JoinSet::new();
    let mut every = tokio::time::interval(TICK);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            Some(done) = grabs.join_next(), if !grabs.is_empty() => {
                if let Ok(o) = done {
                    in_flight.remove(&o.stream.id);
                    if let Some(t) = sessions.get_mut(&o.stream.id) {
                        match &o.failure {
                            None => *t = Taken { last_taken: Some(o.at), last_failed: None },
                            Some(_) => t.last_failed = Some(o.at),
                        }
                        board.report(&o.stream, ProcessKind::Thumbnails, |r| {
                            r.failure = o.failure.clone();
                        });
                    }
                }
                continue;
            }
            _ = stopped.wait_for(|s| *s) => break,
        }
        let live = match store.live_streams().await {
            Ok(live) => live,
            Err(e) => {
                tracing::warn!(error = %e, "thumbnails: the live streams could not be read");
                continue;
            }
        };
        let mut packages = PackageLook::default();
        let mut on: HashSet<Uuid> = HashSet::new();
        let now = Instant::now();
        for stream in live {
            let settings = stream.processing.thumbnails;
            if !settings.enabled {
                continue;
            }
            if !packages
                .allows(&store, stream.org_id, ProcessKind::Thumbnails)
                .await
            {
                continue;
            }
            on.insert(stream.id);
            if in_flight.contains(&stream.id) {
                continue;
            }
            let interval = Duration::from_secs(u64::from(settings.interval_s.max(1)));
            let taken = *sessions.entry(stream.id).or_default();
            let due = is_due(taken, interval, now) && in_flight.len() < MAX_AT_ONCE;
            // Not before its first fragment is finished.
            let fragment = due
                .then(|| newest_fragment(&hls, stream.name.as_str()))
                .flatten();
            let Some(fragment) = fragment else {
                let next = next_due(taken, interval).unwrap_or(now).max(now);
                board.report(&stream, ProcessKind::Thumbnails, |r| {
                    r.running = true;
                    r.next_run = Some(wall(next, now));
                });
                continue;
            };
            in_flight.insert(stream.id);
            board.report(&stream, ProcessKind::Thumbnails, |r| {
                r.running = true;
                r.next_run = Some(wall(now + interval, now));
            });
            let job = Grab {
                store: store.clone(),
                events: events.clone(),
                config: config.clone(),
                ffmpeg: ffmpeg.clone(),
                stream,
                fragment,
                running: running.clone(),
            };
            grabs.spawn(job.run(stopped.clone()));
        }
        // A session ends when its stream is no longer live (or its thumbnails are
        // switched off): the next one starts afresh, and the board forgets it.
        sessions.retain(|id, _| {
            let keep = on.contains(id);
            if !keep {
                board.end(*id, ProcessKind::Thumbnails);
            }
            keep
        });
    }
    // Every grab sees the stop and kills its ffmpeg.
    while grabs.join_next().await.is_some() {}
    for id in sessions.keys() {
        board.end(*id, ProcessKind::Thumbnails);
    }
}

/// One grab: ffmpeg on one fragment, then the file, the record and the announcement.
struct Grab {
    store: Store,
    events: Events,
    config: Arc<ThumbnailConfig>,
    ffmpeg: PathBuf,
    stream: StreamRecord,
    fragment: PathBuf,
    running: Arc<Mutex<HashMap<Uuid, Option<u32>>>>,
}

impl Grab {
    async fn run(self, stopped: watch::Receiver<bool>) -> Outcome {
        let id = self.stream.id;
        let failure = self.take(stopped).await.err();
        if let Ok(mut r) = self.running.lock() {
            r.remove(&id);
        }
        Outcome {
            stream: self.stream,
            at: Instant::now(),
            failure,
        }
    }

    /// Takes the thumbnail; `Err` says why there is none.
    async fn take(&self, mut stopped: watch::Receiver<bool>) -> Result<(), String> {
        let id = self.stream.id;
        let target = thumbnail_file(&self.config.media_dir, id);
        let temp = target.with_extension(format!("{}.tmp.jpg", std::process::id()));
        let spec = ProcessSpec {
            label: format!("thumbnail {}", self.stream.name),
            program: self.ffmpeg.clone(),
            args: ffmpeg_args(&self.fragment, &temp),
            restart: false,
            backoff: Backoff::DEFAULT,
            stale_files: vec![temp.clone()],
        };
        let process = match Supervised::start(spec) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(stream = %self.stream.name, error = %e, "thumbnail: ffmpeg could not be started");
                return Err(format!("ffmpeg could not be started: {e}"));
            }
        };
        if let Ok(mut r) = self.running.lock() {
            r.insert(id, process.pid());
        }
        let finished = tokio::select! {
            () = process.finished() => true,
            () = tokio::time::sleep(GRAB_TIMEOUT) => false,
            _ = stopped.wait_for(|s| *s) => false,
        };
        if !finished {
            process.stop().await;
            let _ = tokio::fs::remove_file(&temp).await;
            if !*stopped.borrow() {
                tracing::warn!(stream = %self.stream.name, timeout = ?GRAB_TIMEOUT, "thumbnail: ffmpeg took too long; killed");
            }
            return Err(format!(
                "ffmpeg took longer than {} s and was stopped",
                GRAB_TIMEOUT.as_secs()
            ));
        }
        let written = tokio::fs::metadata(&temp)
            .await
            .is_ok_and(|m| m.is_file() && m.len() > 0);
        if !written {
            tracing::warn!(stream = %self.stream.name, "thumbnail: ffmpeg wrote no picture");
            let _ = tokio::fs::remove_file(&temp).await;
            return Err("ffmpeg wrote no picture".into());
        }
        if let Err(e) = tokio::fs::rename(&temp, &target).await {
            tracing::warn!(stream = %self.stream.name, error = %e, "thumbnail: cannot move the picture in place");
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(format!("cannot write the picture: {e}"));
        }
        let at = Timestamp::from(chrono::Utc::now());
        match self
            .store
            .set_thumbnail(id, &self.config.url(id), at.millis())
            .await
        {
            Ok(Some(r)) => {
                self.events.updated(
                    r.org_id,
                    &StreamChanged {
                        id: r.id,
                        name: r.name.clone(),
                        streamgroup_id: r.group_id,
                        at,
                    },
                );
                Ok(())
            }
            // The stream is gone: nothing to tell.
            Ok(None) => Ok(()),
            Err(e) => {
                tracing::warn!(stream = %self.stream.name, error = %e, "thumbnail: cannot record it");
                Err(format!("cannot record it: {e}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_is_due_at_once_then_one_every_interval() {
        let t0 = Instant::now();
        let every = Duration::from_secs(10);
        let fresh = Taken::default();
        assert_eq!(next_due(fresh, every), None);
        assert!(is_due(fresh, every, t0));

        let taken = Taken {
            last_taken: Some(t0),
            last_failed: None,
        };
        assert_eq!(next_due(taken, every), Some(t0 + every));
        assert!(!is_due(taken, every, t0 + Duration::from_secs(9)));
        assert!(is_due(taken, every, t0 + every));
        // A longer interval set while live counts from the last one taken.
        assert_eq!(
            next_due(taken, Duration::from_secs(60)),
            Some(t0 + Duration::from_secs(60))
        );
    }

    #[test]
    fn a_failed_grab_is_tried_again_soon_but_never_later_than_the_interval() {
        let t0 = Instant::now();
        let failed_first = Taken {
            last_taken: None,
            last_failed: Some(t0),
        };
        assert_eq!(
            next_due(failed_first, Duration::from_secs(600)),
            Some(t0 + RETRY)
        );
        let failed_after = Taken {
            last_taken: Some(t0),
            last_failed: Some(t0 + Duration::from_secs(10)),
        };
        assert_eq!(
            next_due(failed_after, Duration::from_secs(10)),
            Some(t0 + Duration::from_secs(10)),
            "the interval, when sooner"
        );
        assert_eq!(
            next_due(failed_after, Duration::from_secs(600)),
            Some(t0 + Duration::from_secs(10) + RETRY)
        );
        // A failure before the last success is forgotten.
        let old_failure = Taken {
            last_taken: Some(t0 + Duration::from_secs(1)),
            last_failed: Some(t0),
        };
        assert_eq!(
            next_due(old_failure, Duration::from_secs(30)),
            Some(t0 + Duration::from_secs(31))
        );
    }

    #[test]
    fn ffmpeg_takes_one_frame_of_the_fragment_into_one_jpeg() {
        let args: Vec<String> = ffmpeg_args(Path::new("/m/hls/X-1.ts"), Path::new("/m/t/a.jpg"))
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args.join(" "),
            "-hide_banner -nostats -loglevel error -nostdin -i /m/hls/X-1.ts -map 0:v:0 -an \
             -frames:v 1 -q:v 5 -f image2 -update 1 -y /m/t/a.jpg"
        );
    }

    #[test]
    fn the_newest_fragment_is_the_last_the_playlist_lists() {
        let dir = tempfile::tempdir().expect("dir");
        let hls = dir.path();
        assert_eq!(newest_fragment(hls, "Ab3xY-k9PqZ"), None);
        std::fs::write(
            hls.join("Ab3xY-k9PqZ.m3u8"),
            "#EXTM3U\n#EXTINF:1.000,\nAb3xY-k9PqZ-1000.ts\n#EXTINF:1.000,\nAb3xY-k9PqZ-2000.ts\n",
        )
        .expect("written");
        assert_eq!(newest_fragment(hls, "Ab3xY-k9PqZ"), None, "no file yet");
        std::fs::write(hls.join("Ab3xY-k9PqZ-2000.ts"), b"ts").expect("written");
        assert_eq!(
            newest_fragment(hls, "Ab3xY-k9PqZ"),
            Some(hls.join("Ab3xY-k9PqZ-2000.ts"))
        );
    }
}
