//! Motion clips: while a member stream is live and its settings ask for them
//! (`processing.motion_clips`), and its organisation has `live_processing`, Castboard
//! records a clip of `duration_s` seconds every `interval_s`, from the stream itself as
//! the media server delivers it over RTMP.
//!
//! [`ClipWatch`] works like the thumbnail watch (`media::thumbnails`): one task looks at
//! the live streams every [`TICK`]; a stream whose clip is due (the first at once, then
//! one every `interval_s` counted from the start of the last) gets a one-shot ffmpeg that
//! plays the stream from the local nginx and copies `duration_s` seconds of it, audio and
//! video as they are (no decoding, no encoding), into an MP4. It is supervised like every
//! child (`setpriv --pdeathsig`), killed if it has not finished [`MARGIN`] after its
//! duration, never more than one at a time per stream and [`MAX_AT_ONCE`] on the server.
//! The clip is written to a temporary file and renamed over `<media dir>/clips/<id>.mp4`
//! only once ffmpeg has exited successfully (so the file is complete, its index at the
//! front), then the store records it (`assets.motion_clip`) and `stream.updated` tells
//! open dashboards. A stream that ends keeps its last clip. Each stream's schedule is
//! reported on the process board (`ProcessKind::MotionClips`). [`ClipWatch::stop`] ends
//! the task and kills any ffmpeg still running before it returns.

use super::processes::{wall, PackageLook, ProcessBoard};
use super::supervisor::{Backoff, Life, ProcessSpec, Supervised};
use super::thumbnails::{is_due, next_due, Taken};
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

/// How long a clip's ffmpeg may run beyond the clip's duration (connecting, probing the
/// input for up to a second, writing the index) before it is killed.
pub const MARGIN: Duration = Duration::from_secs(15);

/// Clips recorded at once on the server (each copies, so costs little CPU, but holds an
/// RTMP connection for the clip's duration).
pub const MAX_AT_ONCE: usize = 2;

/// The folder of the clips inside the media folder.
pub fn clips_dir(media_dir: &Path) -> PathBuf {
    media_dir.join("clips")
}

/// The file of stream `id`'s latest clip.
pub fn clip_file(media_dir: &Path, id: Uuid) -> PathBuf {
    clips_dir(media_dir).join(format!("{id}.mp4"))
}

/// How long a clip of `duration_s` may take before its ffmpeg is killed.
pub fn timeout(duration_s: u32) -> Duration {
    Duration::from_secs(u64::from(duration_s)) + MARGIN
}

/// ffmpeg's arguments: play `source` (the stream over RTMP, probed for at most a second
/// as the transcoders do), copy its first video and audio (if any) for `duration_s`
/// seconds into an MP4 with its index at the front (`+faststart`, so a browser plays it
/// before it has all of it), written to `target`. Stream copy starts at the first
/// keyframe (ffmpeg drops the frames before it), so the clip plays from its first frame.
pub fn ffmpeg_args(source: &str, duration_s: u32, target: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "error",
        "-nostdin",
        "-analyzeduration",
        "1000000",
        "-i",
        source,
        "-map",
        "0:v:0",
        "-map",
        "0:a:0?",
        "-t",
        &duration_s.to_string(),
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        "-y",
    ]
    .map(OsString::from)
    .to_vec();
    args.push(target.as_os_str().to_owned());
    args
}

/// Removes the temporary files a Castboard killed while recording left in `dir` (never
/// served: only `<id>.mp4` is).
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().ends_with(".tmp.mp4") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What the watch needs.
#[derive(Debug, Clone)]
pub struct ClipConfig {
    /// The ffmpeg program; `None` when there is none (nothing is recorded, logged once).
    pub ffmpeg: Option<PathBuf>,
    /// The media server's RTMP application as this machine reaches it
    /// (`rtmp://127.0.0.1:1935/live`), from which streams are played.
    pub rtmp_url: String,
    /// The media folder (clips written to `clips/`).
    pub media_dir: PathBuf,
    /// The public URL of this server; a clip's address is `<public>/clips/<id>.mp4`.
    pub public_url: String,
}

impl ClipConfig {
    /// The address stream `id`'s clip is served at.
    pub fn url(&self, id: Uuid) -> String {
        format!(
            "{}{}/{id}.mp4",
            self.public_url.trim_end_matches('/'),
            crate::state::CLIPS_PATH
        )
    }

    /// Where stream `name` is played from.
    pub fn source(&self, name: &str) -> String {
        format!("{}/{name}", self.rtmp_url.trim_end_matches('/'))
    }
}

/// The running watch; [`ClipWatch::stop`] ends it.
pub struct ClipWatch {
    stop: watch::Sender<bool>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    running: Arc<Mutex<HashMap<Uuid, Option<u32>>>>,
}

impl ClipWatch {
    /// Starts the watch over `store`, announcing on `events` and reporting on `board`.
    pub fn start(
        store: Store,
        events: Events,
        board: ProcessBoard,
        config: ClipConfig,
    ) -> ClipWatch {
        let (stop, stopped) = watch::channel(false);
        let running = Arc::new(Mutex::new(HashMap::new()));
        let task = tokio::spawn(run(store, events, board, config, stopped, running.clone()));
        ClipWatch {
            stop,
            task: Mutex::new(Some(task)),
            running,
        }
    }

    /// How many clips are being recorded now.
    pub fn running(&self) -> usize {
        self.running.lock().map_or(0, |r| r.len())
    }

    /// Ends the watch and kills any ffmpeg still running; returns once they are gone.
    /// Calling it again does nothing.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// What a recording reports back to the watch.
struct Outcome {
    stream: StreamRecord,
    /// When it started (the next is due an interval after).
    started: Instant,
    at: Instant,
    failure: Option<String>,
}

async fn run(
    store: Store,
    events: Events,
    board: ProcessBoard,
    config: ClipConfig,
    mut stopped: watch::Receiver<bool>,
    running: Arc<Mutex<HashMap<Uuid, Option<u32>>>>,
) {
    let Some(ffmpeg) = config.ffmpeg.clone() else {
        tracing::warn!(
            "ffmpeg was not found: no motion clips will be recorded (apt-get install ffmpeg)"
        );
        let _ = stopped.wait_for(|s| *s).await;
        return;
    };
    let dir = clips_dir(&config.media_dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot create the clips folder");
    }
    remove_leftovers(&dir);
    let config = Arc::new(config);
    let mut sessions: HashMap<Uuid, Taken> = HashMap::new();
    let mut in_flight: HashSet<Uuid> = HashSet::new();
    let mut clips: JoinSet<Outcome> = JoinSet::new();
    let mut every = tokio::time::interval(TICK);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            Some(done) = clips.join_next(), if !clips.is_empty() => {
                if let Ok(o) = done {
                    in_flight.remove(&o.stream.id);
                    if let Some(t) = sessions.get_mut(&o.stream.id) {
                        match &o.failure {
                            None => *t = Taken { last_taken: Some(o.started), last_failed: None },
                            Some(_) => t.last_failed = Some(o.at),
                        }
                        board.report(&o.stream, ProcessKind::MotionClips, |r| {
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
                tracing::warn!(error = %e, "motion clips: the live streams could not be read");
                continue;
            }
        };
        let mut packages = PackageLook::default();
        let mut on: HashSet<Uuid> = HashSet::new();
        let now = Instant::now();
        for stream in live {
            let settings = stream.processing.motion_clips;
            if !settings.enabled {
                continue;
            }
            if !packages
                .allows(&store, stream.org_id, ProcessKind::MotionClips)
                .await
            {
                continue;
            }
            on.insert(stream.id);
            let interval = Duration::from_secs(u64::from(settings.interval_s.max(1)));
            let taken = *sessions.entry(stream.id).or_default();
            if in_flight.contains(&stream.id) {
                continue;
            }
            let due = is_due(taken, interval, now);
            if !due || in_flight.len() >= MAX_AT_ONCE {
                let next = next_due(taken, interval).unwrap_or(now).max(now);
                board.report(&stream, ProcessKind::MotionClips, |r| {
                    r.running = true;
                    r.next_run = Some(wall(next, now));
                });
                continue;
            }
            in_flight.insert(stream.id);
            board.report(&stream, ProcessKind::MotionClips, |r| {
                r.running = true;
                r.next_run = Some(wall(now + interval, now));
            });
            let job = Clip {
                store: store.clone(),
                events: events.clone(),
                config: config.clone(),
                ffmpeg: ffmpeg.clone(),
                stream,
                running: running.clone(),
            };
            clips.spawn(job.run(stopped.clone()));
        }
        // A session ends when its stream is no longer live (or its clips are switched
        // off): the next one starts afresh, and the board forgets it.
        sessions.retain(|id, _| {
            let keep = on.contains(id);
            if !keep {
                board.end(*id, ProcessKind::MotionClips);
            }
            keep
        });
    }
    // Every recording sees the stop and kills its ffmpeg.
    while clips.join_next().await.is_some() {}
    for id in sessions.keys() {
        board.end(*id, ProcessKind::MotionClips);
    }
}

/// One clip: ffmpeg for the clip's duration, then the file, the record and the
/// announcement.
struct Clip {
    store: Store,
    events: Events,
    config: Arc<ClipConfig>,
    ffmpeg: PathBuf,
    stream: StreamRecord,
    running: Arc<Mutex<HashMap<Uuid, Option<u32>>>>,
}

impl Clip {
    async fn run(self, stopped: watch::Receiver<bool>) -> Outcome {
        let id = self.stream.id;
        let started = Instant::now();
        let failure = self.record(stopped).await.err();
        if let Ok(mut r) = self.running.lock() {
            r.remove(&id);
        }
        Outcome {
            stream: self.stream,
            started,
            at: Instant::now(),
            failure,
        }
    }

    async fn record(&self, mut stopped: watch::Receiver<bool>) -> Result<(), String> {
        let id = self.stream.id;
        let name = self.stream.name.as_str();
        let duration_s = self.stream.processing.motion_clips.duration_s.max(1);
        let target = clip_file(&self.config.media_dir, id);
        let temp = target.with_extension(format!("{}.tmp.mp4", std::process::id()));
        let spec = ProcessSpec {
            label: format!("motion clip {name}"),
            program: self.ffmpeg.clone(),
            args: ffmpeg_args(&self.config.source(name), duration_s, &temp),
            restart: false,
            backoff: Backoff::DEFAULT,
            stale_files: vec![temp.clone()],
        };
        let process = Supervised::start(spec).map_err(|e| {
            tracing::warn!(stream = %name, error = %e, "motion clip: ffmpeg could not be started");
            format!("ffmpeg could not be started: {e}")
        })?;
        if let Ok(mut r) = self.running.lock() {
            r.insert(id, process.pid());
        }
        let life = process.life();
        let limit = timeout(duration_s);
        let finished = tokio::select! {
            () = process.finished() => true,
            () = tokio::time::sleep(limit) => false,
            _ = stopped.wait_for(|s| *s) => false,
        };
        if !finished {
            process.stop().await;
            let _ = tokio::fs::remove_file(&temp).await;
            if *stopped.borrow() {
                return Err("stopped with the server".into());
            }
            tracing::warn!(stream = %name, timeout = ?limit, "motion clip: ffmpeg took too long; killed");
            return Err(format!("ffmpeg took longer than {limit:?}; killed"));
        }
        let end = life.borrow().clone();
        let written = tokio::fs::metadata(&temp)
            .await
            .is_ok_and(|m| m.is_file() && m.len() > 0);
        if !succeeded(&end) || !written {
            let _ = tokio::fs::remove_file(&temp).await;
            let how = match end {
                Life::Finished { reason: Some(r) } => r,
                _ => "no clip written".to_string(),
            };
            tracing::warn!(stream = %name, ended = %how, "motion clip: ffmpeg failed");
            return Err(format!("ffmpeg ended ({how})"));
        }
        if let Err(e) = tokio::fs::rename(&temp, &target).await {
            let _ = tokio::fs::remove_file(&temp).await;
            tracing::warn!(stream = %name, error = %e, "motion clip: cannot move the clip in place");
            return Err(format!("cannot move the clip in place: {e}"));
        }
        let at = Timestamp::from(chrono::Utc::now());
        match self
            .store
            .set_motion_clip(id, &self.config.url(id), at.millis())
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
            Ok(None) => Err("the stream is gone".into()),
            Err(e) => {
                tracing::warn!(stream = %name, error = %e, "motion clip: cannot record it");
                Err(format!("cannot record it: {e}"))
            }
        }
    }
}

/// Whether a run-once child ended by exiting with status 0 (ffmpeg then wrote the file
/// whole, its index included).
pub fn succeeded(life: &Life) -> bool {
    matches!(life, Life::Finished { reason: Some(r) }
        if r == "exit status: 0" || r.starts_with("exit status: 0:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffmpeg_copies_the_duration_of_the_stream_into_an_mp4_with_its_index_first() {
        let args: Vec<String> = ffmpeg_args(
            "rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ",
            2,
            Path::new("/m/clips/a.1.tmp.mp4"),
        )
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
        assert_eq!(
            args.join(" "),
            "-hide_banner -nostats -loglevel error -nostdin -analyzeduration 1000000 \
             -i rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ -map 0:v:0 -map 0:a:0? -t 2 -c copy \
             -movflags +faststart -f mp4 -y /m/clips/a.1.tmp.mp4"
        );
    }

    #[test]
    fn a_clip_is_served_and_played_from_its_own_addresses() {
        let config = ClipConfig {
            ffmpeg: None,
            rtmp_url: "rtmp://127.0.0.1:1935/live/".into(),
            media_dir: PathBuf::from("/m"),
            public_url: "https://castboard.example/".into(),
        };
        let id = Uuid::from_u128(0x7c1e);
        assert_eq!(
            config.url(id),
            format!("https://castboard.example/clips/{id}.mp4")
        );
        assert_eq!(
            config.source("Ab3xY-k9PqZ"),
            "rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ"
        );
        assert_eq!(
            clip_file(&config.media_dir, id),
            PathBuf::from(format!("/m/clips/{id}.mp4"))
        );
    }

    #[test]
    fn the_temporary_files_of_a_killed_server_are_removed_and_the_clips_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let id = Uuid::from_u128(0x7c1e);
        std::fs::write(dir.path().join(format!("{id}.mp4")), b"clip").expect("written");
        std::fs::write(dir.path().join(format!("{id}.4242.tmp.mp4")), b"half").expect("written");
        remove_leftovers(dir.path());
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, vec![format!("{id}.mp4")]);
    }

    #[test]
    fn a_clip_may_take_its_duration_and_the_margin() {
        assert_eq!(timeout(2), Duration::from_secs(17));
        assert_eq!(timeout(60), Duration::from_secs(75));
    }

    #[test]
    fn clips_start_an_interval_apart_counted_from_the_start_of_the_last() {
        let t0 = Instant::now();
        let every = Duration::from_secs(10);
        assert!(is_due(Taken::default(), every, t0), "the first at once");
        let taken = Taken {
            last_taken: Some(t0),
            last_failed: None,
        };
        // A 2 s clip that started at t0 and finished at t0 + 3 s: the next at t0 + 10 s.
        assert!(!is_due(taken, every, t0 + Duration::from_secs(9)));
        assert!(is_due(taken, every, t0 + every));
    }

    #[test]
    fn only_an_exit_with_status_zero_is_a_clip() {
        let ended = |r: Option<&str>| Life::Finished {
            reason: r.map(String::from),
        };
        assert!(succeeded(&ended(Some("exit status: 0"))));
        assert!(succeeded(&ended(Some("exit status: 0: a warning"))));
        assert!(!succeeded(&ended(Some(
            "exit status: 1: Input/output error"
        ))));
        assert!(!succeeded(&ended(Some("signal: 9 (SIGKILL)"))));
        assert!(!succeeded(&ended(None)), "stopped");
        assert!(!succeeded(&Life::Running { run: 1, pid: None }));
    }

    #[test]
    fn a_wall_time_follows_the_instant() {
        let now = Instant::now();
        let then = wall(now + Duration::from_secs(10), now).millis();
        let ahead = then - Timestamp::from(chrono::Utc::now()).millis();
        assert!((9_000..=10_500).contains(&ahead), "{ahead}");
    }
}
