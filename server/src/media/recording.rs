//! Recording: while a member stream is live and its settings ask for it
//! (`processing.recording`), and its organisation has `live_processing` and `vod`, the
//! media server records it to FLV; Castboard remuxes each closed file to MP4 and lists it
//! in `assets.recordings` with its size and length.
//!
//! - The media server's recorder (`recorder castboard`, see `nginx_conf`) is manual:
//!   [`Recorder`]'s watch starts it through the control channel when a stream goes live
//!   with recording on, stops it when the setting goes off, and — for a recording with
//!   `duration_s` — stops and starts it again every `duration_s`, so each file is that
//!   long. nginx closes the file itself when the ingest ends.
//! - Every closed file reaches the `record_done` hook; a file of Castboard's own recorder
//!   ([`Recorder::owns`]) is handed to [`Recorder::finished`], which remuxes it (`ffmpeg
//!   -c copy`, supervised, killed after [`REMUX_TIMEOUT`]) into a temporary file, reads
//!   its length from the MP4 header, renames it into `recordings/`, records it in the
//!   store and tells open dashboards. Only then is it listed: a recording being written
//!   or remuxed is never listed. The FLV is removed once the MP4 is recorded.
//! - A file left by a crash (an FLV in `recordings/raw/` at start-up) is remuxed and
//!   listed like any other ([`Recorder::recover`]).
//!
//! What the watch sees is reported on the process board (`ProcessKind::Recording`).

use super::processes::{PackageLook, ProcessBoard};
use super::supervisor::{Backoff, ProcessSpec, Supervised};
use super::MediaControl;
use crate::events::Events;
use crate::store::{Store, StreamRecord};
use shared::model::{ProcessKind, RecordingAsset, StreamChanged};
use shared::Timestamp;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;
use uuid::Uuid;

/// The media server's two recorders, used in turn: the next file of a split recording
/// starts on the other one shortly before the current one is closed (see [`lead`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    A,
    B,
}

impl Slot {
    pub const ALL: [Slot; 2] = [Slot::A, Slot::B];

    /// Its name in the media server's configuration and the control channel.
    pub fn recorder(self) -> &'static str {
        match self {
            Slot::A => "castboard-a",
            Slot::B => "castboard-b",
        }
    }

    /// The suffix of its files (so two files started in the same second differ).
    pub fn suffix(self) -> &'static str {
        match self {
            Slot::A => ".a.flv",
            Slot::B => ".b.flv",
        }
    }

    pub fn other(self) -> Slot {
        match self {
            Slot::A => Slot::B,
            Slot::B => Slot::A,
        }
    }
}

/// How often the live streams are looked at.
pub const TICK: Duration = Duration::from_secs(1);

/// After the media server refused to start a recording, the next try waits this long.
pub const RETRY: Duration = Duration::from_secs(5);

/// How long one remux may take before its ffmpeg is killed (a copy: an hour of a
/// 3 Mbit/s stream takes a few seconds).
pub const REMUX_TIMEOUT: Duration = Duration::from_secs(300);

/// How long stopping waits for remuxes under way, so recordings closed by the shutdown
/// itself are still listed.
pub const STOP_GRACE: Duration = Duration::from_secs(20);

/// The finished recordings (MP4) inside the media folder.
pub fn recordings_dir(media_dir: &Path) -> PathBuf {
    media_dir.join("recordings")
}

/// Where the media server writes the files it records (FLV), inside the media folder.
pub fn raw_dir(media_dir: &Path) -> PathBuf {
    recordings_dir(media_dir).join("raw")
}

/// When the file started at `started` is to be closed: `duration_s` after it, or never
/// for a recording of the whole stream.
pub fn split_at(started: Instant, duration_s: Option<u32>) -> Option<Instant> {
    duration_s.map(|d| started + Duration::from_secs(u64::from(d.max(1))))
}

/// How long before a split the next file starts. A recorder begins writing at a
/// keyframe, so a file started at the moment of the split would miss the frames up to
/// the next one; started this much earlier, it holds a keyframe from before the split,
/// and the two files overlap instead of leaving a gap (for keyframes at most 2 s apart,
/// as the health panel recommends). Half the length for files shorter than 4 s.
pub fn lead(duration_s: u32) -> Duration {
    Duration::from_secs(2).min(Duration::from_millis(u64::from(duration_s.max(1)) * 500))
}

/// A file being written: on which recorder, and when its length counts from (when it
/// started, or for a file started ahead of a split, that split).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct File {
    pub slot: Slot,
    pub from: Instant,
}

/// What to do now for one recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing until `wake` (if any).
    Wait { wake: Option<Instant> },
    /// Start a first file (or again after a refusal) on this recorder.
    Start(Slot),
    /// Start the next file ahead of the split, on this recorder.
    Lead(Slot),
    /// Close the current file (its recorder); the next one, if started, carries on.
    Split(Slot),
}

/// The schedule of one live recording: its `current` file, the `next` one started ahead
/// of a split, when a refused start may be tried again, and its `duration_s`.
pub fn step(
    current: Option<File>,
    next: Option<File>,
    retry_at: Option<Instant>,
    duration_s: Option<u32>,
    now: Instant,
) -> Step {
    let Some(current) = current else {
        return match retry_at {
            Some(at) if at > now => Step::Wait { wake: Some(at) },
            _ => Step::Start(next.map_or(Slot::A, |n| n.slot.other())),
        };
    };
    let (Some(split), Some(d)) = (split_at(current.from, duration_s), duration_s) else {
        return Step::Wait { wake: None };
    };
    if split <= now {
        return Step::Split(current.slot);
    }
    let lead_at = split - lead(d);
    if next.is_none() && lead_at <= now && retry_at.is_none_or(|at| at <= now) {
        return Step::Lead(current.slot.other());
    }
    Step::Wait {
        wake: Some(if next.is_none() && lead_at > now {
            lead_at
        } else {
            split
        }),
    }
}

/// The stream name of a file the media server recorded: `<name>-<unix seconds><suffix>`
/// (`record_unique`, a [`Slot::suffix`]) → `<name>`.
pub fn recorded_name(file: &Path) -> Option<&str> {
    let name = file.file_name()?.to_str()?;
    let stem = Slot::ALL
        .into_iter()
        .find_map(|slot| name.strip_suffix(slot.suffix()))?;
    let (name, secs) = stem.rsplit_once('-')?;
    (!name.is_empty() && !secs.is_empty() && secs.bytes().all(|b| b.is_ascii_digit()))
        .then_some(name)
}

/// When the media server started a file it recorded (`record_unique`'s seconds).
pub fn recorded_at(file: &Path) -> Option<Timestamp> {
    recorded_name(file)?;
    let name = file.file_name()?.to_str()?;
    let stem = Slot::ALL
        .into_iter()
        .find_map(|slot| name.strip_suffix(slot.suffix()))?;
    let secs: i64 = stem.rsplit_once('-')?.1.parse().ok()?;
    Timestamp::from_millis(secs.checked_mul(1000)?)
}

/// ffmpeg's arguments for a remux: every track of `source` copied into an MP4 with its
/// index at the front (`+faststart`), so players start before the whole file is read.
pub fn remux_args(source: &Path, target: &Path) -> Vec<OsString> {
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
    args.push(source.as_os_str().to_owned());
    args.extend(
        [
            "-map",
            "0",
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            "-y",
        ]
        .map(OsString::from),
    );
    args.push(target.as_os_str().to_owned());
    args
}

/// The length of an MP4 in milliseconds, from its movie header (`moov` → `mvhd`):
/// `None` when `read` does not find one.
pub fn mp4_duration_ms(mut read: impl std::io::Read + std::io::Seek) -> Option<u64> {
    use std::io::SeekFrom;
    // The top-level boxes, to `moov` (at the front with +faststart, else after `mdat`).
    let moov_len = loop {
        let (kind, content) = box_header(&mut read)?;
        if &kind == b"moov" {
            break content;
        }
        read.seek(SeekFrom::Current(i64::try_from(content).ok()?))
            .ok()?;
    };
    let mut remaining = moov_len;
    while remaining >= 8 {
        let (kind, content) = box_header(&mut read)?;
        remaining = remaining.checked_sub(content + 8)?;
        if &kind == b"mvhd" {
            let mut head = [0u8; 32];
            let len = usize::try_from(content.min(32)).ok()?;
            read.read_exact(&mut head[..len]).ok()?;
            let u32_at = |i: usize| {
                head.get(i..i + 4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            };
            // Version 0: 32-bit times; version 1: 64-bit creation and modification times
            // and duration.
            let (timescale, duration) = if head[0] == 1 {
                let d = head.get(24..32)?;
                (u32_at(20)?, u64::from_be_bytes(d.try_into().ok()?))
            } else {
                (u32_at(12)?, u64::from(u32_at(16)?))
            };
            return (timescale > 0).then(|| duration.saturating_mul(1000) / u64::from(timescale));
        }
        read.seek(SeekFrom::Current(i64::try_from(content).ok()?))
            .ok()?;
    }
    None
}

/// One box header: its type and the length of its content.
fn box_header(read: &mut impl std::io::Read) -> Option<([u8; 4], u64)> {
    let mut head = [0u8; 8];
    read.read_exact(&mut head).ok()?;
    let size = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
    let kind = [head[4], head[5], head[6], head[7]];
    let content = match size {
        1 => {
            let mut large = [0u8; 8];
            read.read_exact(&mut large).ok()?;
            u64::from_be_bytes(large).checked_sub(16)?
        }
        // To the end of the file: only `mdat` does that, and nothing follows it.
        0 => return (kind != *b"mdat").then_some((kind, u64::MAX / 2)),
        n => n.checked_sub(8)?,
    };
    Some((kind, content))
}

/// What the recorder needs.
#[derive(Debug, Clone)]
pub struct RecordingConfig {
    /// The ffmpeg program; `None` when there is none (nothing is recorded, logged once).
    pub ffmpeg: Option<PathBuf>,
    /// The media folder (`recordings/raw/` written by the media server, MP4s to
    /// `recordings/`).
    pub media_dir: PathBuf,
    /// Where finished recordings are served (`Settings::vod_base`, `<public>/vod`); a
    /// recording's address is `<vod_base>/<file>`.
    pub vod_base: String,
}

impl RecordingConfig {
    /// The address a finished recording is served at.
    pub fn url(&self, file_name: &str) -> String {
        format!("{}/{file_name}", self.vod_base)
    }
}

/// A live recording: its session, the file being written and the one started ahead of a
/// split.
#[derive(Debug, Clone)]
struct Session {
    /// When this live session's first file started (the files' `session_start`).
    session_start: Timestamp,
    current: Option<Current>,
    next: Option<Current>,
    /// When to try again after the media server refused to start a file.
    retry_at: Option<Instant>,
    /// The file length asked for, as of the last look.
    duration_s: Option<u32>,
}

impl Session {
    fn step(&self, now: Instant) -> Step {
        step(
            self.current.map(|c| c.file),
            self.next.map(|c| c.file),
            self.retry_at,
            self.duration_s,
            now,
        )
    }
}

#[derive(Debug, Clone, Copy)]
struct Current {
    file: File,
    /// When its length counts from, on the wall clock (its split is this plus the length).
    from_at: Timestamp,
}

/// Where a closed file came from: its stream and times.
#[derive(Debug, Clone, Copy)]
struct FileOrigin {
    stream: Uuid,
    session_start: Timestamp,
    started_at: Timestamp,
}

#[derive(Default)]
struct Shared {
    sessions: HashMap<Uuid, Session>,
    /// The files started by the watch, by path, until their `record_done`.
    files: HashMap<PathBuf, FileOrigin>,
    /// The remuxes under way.
    remuxes: JoinSet<()>,
    /// Paths handed to a remux (a repeated `record_done` does not start a second).
    remuxing: HashSet<PathBuf>,
    stopping: bool,
}

/// The recorder of this server; clones share it. Unconfigured (no media server of
/// Castboard's own), it owns no file and records nothing.
#[derive(Clone, Default)]
pub struct Recorder {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    shared: Mutex<Shared>,
    parts: Mutex<Option<Arc<Parts>>>,
    stop: Mutex<Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)>>,
}

/// What a configured recorder works with.
struct Parts {
    store: Store,
    events: Events,
    board: ProcessBoard,
    control: MediaControl,
    config: RecordingConfig,
}

impl Recorder {
    fn shared(&self) -> MutexGuard<'_, Shared> {
        self.inner
            .shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn parts(&self) -> Option<Arc<Parts>> {
        self.inner
            .parts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Starts recording for the media server behind `control`: the watch, and the
    /// remux of any file a crash left behind. Starts again after [`Recorder::stop`] (this
    /// instance runs the media server anew).
    pub fn start(
        &self,
        store: Store,
        events: Events,
        board: ProcessBoard,
        control: MediaControl,
        config: RecordingConfig,
    ) {
        if config.ffmpeg.is_none() {
            tracing::warn!(
                "ffmpeg was not found: nothing will be recorded (apt-get install ffmpeg)"
            );
        }
        for dir in [
            recordings_dir(&config.media_dir),
            raw_dir(&config.media_dir),
        ] {
            if let Err(e) = std::fs::create_dir_all(&dir) {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot create the recordings folder");
            }
        }
        self.shared().stopping = false;
        let parts = Arc::new(Parts {
            store,
            events,
            board,
            control,
            config,
        });
        *self
            .inner
            .parts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(parts.clone());
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.clone().watch(parts, stopped));
        *self
            .inner
            .stop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((stop, task));
        let recorder = self.clone();
        tokio::spawn(async move { recorder.recover().await });
    }

    /// Whether `path` is a file of Castboard's own recorder (inside `recordings/raw/`).
    pub fn owns(&self, path: &Path) -> bool {
        self.parts().is_some_and(|p| {
            let raw = raw_dir(&p.config.media_dir);
            path.parent() == Some(raw.as_path()) && recorded_name(path).is_some()
        })
    }

    /// A file of the recorder was closed (`record_done`): remux and list it.
    pub fn finished(&self, stream: &StreamRecord, path: &Path) {
        let Some(parts) = self.parts() else { return };
        let mut shared = self.shared();
        // Once stopping, a file stays in `raw/` and is remuxed at the next start.
        if shared.stopping || !shared.remuxing.insert(path.to_path_buf()) {
            return;
        }
        // A file of an earlier run: its session is not known, its start is in its name.
        let origin = shared.files.remove(path).unwrap_or_else(|| {
            let started = recorded_at(path).unwrap_or_else(now_ts);
            FileOrigin {
                stream: stream.id,
                session_start: started,
                started_at: started,
            }
        });
        while shared.remuxes.try_join_next().is_some() {}
        let job = Remux {
            parts,
            stream: stream.clone(),
            source: path.to_path_buf(),
            origin,
        };
        let recorder = self.clone();
        let source = path.to_path_buf();
        shared.remuxes.spawn(async move {
            job.run().await;
            recorder.shared().remuxing.remove(&source);
        });
    }

    /// Remuxes the files a crash left in `recordings/raw/` (their stream found by name).
    async fn recover(&self) {
        let Some(parts) = self.parts() else { return };
        let raw = raw_dir(&parts.config.media_dir);
        let Ok(entries) = std::fs::read_dir(&raw) else {
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let Some(name) = recorded_name(&path) else {
                continue;
            };
            if self.shared().files.contains_key(&path) {
                continue;
            }
            match parts.store.stream_by_name(name).await {
                Ok(Some(stream)) => {
                    tracing::info!(file = %path.display(), "recording: a file left by an earlier run is remuxed");
                    self.finished(&stream, &path);
                }
                _ => {
                    tracing::warn!(file = %path.display(), "recording: a file left by an earlier run names no stream; left alone")
                }
            }
        }
    }

    /// Stops the watch, lets remuxes under way finish for [`STOP_GRACE`], then kills
    /// what is left. Calling it again does nothing.
    pub async fn stop(&self) {
        let watch = self
            .inner
            .stop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some((stop, task)) = watch {
            let _ = stop.send(true);
            let _ = task.await;
        }
        let mut remuxes = {
            let mut shared = self.shared();
            shared.stopping = true;
            std::mem::take(&mut shared.remuxes)
        };
        let drained = tokio::time::timeout(STOP_GRACE, async {
            while remuxes.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(grace = ?STOP_GRACE, "recording: remuxes still running at shutdown were stopped");
            remuxes.shutdown().await;
        }
    }

    async fn watch(self, parts: Arc<Parts>, mut stopped: watch::Receiver<bool>) {
        let mut every = tokio::time::interval(TICK);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // A split is made on time, not at the next tick.
            let now = Instant::now();
            let split = self
                .shared()
                .sessions
                .values()
                .filter_map(|s| match s.step(now) {
                    Step::Wait { wake } => wake,
                    _ => Some(now),
                })
                .min();
            tokio::select! {
                _ = every.tick() => {}
                () = tokio::time::sleep_until(split.unwrap_or_else(Instant::now).into()), if split.is_some() => {}
                _ = stopped.wait_for(|s| *s) => break,
            }
            if parts.config.ffmpeg.is_none() {
                continue;
            }
            match parts.store.live_streams().await {
                Ok(live) => self.tick(&parts, live).await,
                Err(e) => {
                    tracing::warn!(error = %e, "recording: the live streams could not be read")
                }
            }
        }
    }

    /// One look at the live streams: start, split or stop their recordings.
    async fn tick(&self, parts: &Parts, live: Vec<StreamRecord>) {
        let ids: HashSet<Uuid> = live.iter().map(|s| s.id).collect();
        // Sessions whose stream is no longer live: nginx closed their file.
        let gone: Vec<Uuid> = self
            .shared()
            .sessions
            .keys()
            .filter(|id| !ids.contains(id))
            .copied()
            .collect();
        for id in gone {
            self.shared().sessions.remove(&id);
            parts.board.end(id, ProcessKind::Recording);
        }
        let mut packages = PackageLook::default();
        for stream in live {
            let wanted = stream.processing.recording.enabled
                && packages
                    .allows(&parts.store, stream.org_id, ProcessKind::Recording)
                    .await;
            let session = self.shared().sessions.get(&stream.id).cloned();
            match (wanted, session) {
                (false, None) => {}
                (false, Some(s)) => {
                    for file in [s.current, s.next].into_iter().flatten() {
                        let stopped = parts
                            .control
                            .record_stop(stream.name.as_str(), file.file.slot.recorder())
                            .await;
                        if let Err(e) = stopped {
                            tracing::warn!(stream = %stream.name, error = %e, "recording: could not stop");
                        }
                    }
                    self.shared().sessions.remove(&stream.id);
                    parts.board.end(stream.id, ProcessKind::Recording);
                }
                (true, session) => {
                    let mut s = session.unwrap_or(Session {
                        session_start: Timestamp::from(chrono::Utc::now()),
                        current: None,
                        next: None,
                        retry_at: None,
                        duration_s: None,
                    });
                    s.duration_s = stream.processing.recording.duration_s;
                    self.advance(parts, &stream, &mut s).await;
                    let next_run = match (&s.current, s.retry_at) {
                        (Some(c), _) => s
                            .duration_s
                            .map(|d| later(c.from_at, Duration::from_secs(u64::from(d.max(1))))),
                        (None, Some(at)) => Some(later(
                            now_ts(),
                            at.saturating_duration_since(Instant::now()),
                        )),
                        (None, None) => None,
                    };
                    parts.board.report(&stream, ProcessKind::Recording, |r| {
                        r.running = s.current.is_some();
                        r.next_run = next_run;
                    });
                    self.shared().sessions.insert(stream.id, s);
                }
            }
        }
    }

    /// Takes the steps of `session`'s schedule that are due now.
    async fn advance(&self, parts: &Parts, stream: &StreamRecord, session: &mut Session) {
        match session.step(Instant::now()) {
            Step::Wait { .. } => {}
            Step::Start(slot) => {
                if let Some(c) = self.open(parts, stream, session, slot, None).await {
                    session.current = Some(c);
                }
            }
            Step::Lead(slot) => {
                // Its length counts from the split it is started ahead of.
                let from = session
                    .current
                    .and_then(|c| split_at(c.file.from, session.duration_s));
                session.next = self.open(parts, stream, session, slot, from).await;
            }
            Step::Split(slot) => {
                // Close this file (its record_done follows); the next carries on.
                if let Err(e) = parts
                    .control
                    .record_stop(stream.name.as_str(), slot.recorder())
                    .await
                {
                    tracing::warn!(stream = %stream.name, error = %e, "recording: could not close the file to split it");
                }
                session.current = session.next.take();
                if session.current.is_none() {
                    session.current = self.open(parts, stream, session, slot.other(), None).await;
                }
            }
        }
    }

    /// Asks the media server to start a file on `slot` for `stream`, its length counting
    /// `from` then (else from now); on a refusal, the reason goes on the board and the
    /// session waits [`RETRY`].
    async fn open(
        &self,
        parts: &Parts,
        stream: &StreamRecord,
        session: &mut Session,
        slot: Slot,
        from: Option<Instant>,
    ) -> Option<Current> {
        let started = Instant::now();
        let started_at = now_ts();
        let answer = parts
            .control
            .record_start(stream.name.as_str(), slot.recorder())
            .await;
        match answer {
            Ok(path) if !path.trim().is_empty() => {
                self.shared().files.insert(
                    PathBuf::from(path.trim()),
                    FileOrigin {
                        stream: stream.id,
                        session_start: session.session_start,
                        started_at,
                    },
                );
                session.retry_at = None;
                parts
                    .board
                    .report(stream, ProcessKind::Recording, |r| r.failure = None);
                Some(Current {
                    file: File {
                        slot,
                        from: from.unwrap_or(started),
                    },
                    from_at: from.map_or(started_at, |f| {
                        if f >= started {
                            later(started_at, f - started)
                        } else {
                            started_at
                        }
                    }),
                })
            }
            answer => {
                let reason = match answer {
                    // Its answer when it has no ingest of that name (yet, or any more).
                    Ok(_) => "the media server has no ingest of this stream".to_string(),
                    Err(e) => format!("the media server did not start the recording: {e}"),
                };
                tracing::warn!(stream = %stream.name, %reason, "recording");
                session.retry_at = Some(started + RETRY);
                parts
                    .board
                    .report(stream, ProcessKind::Recording, |r| r.failure = Some(reason));
                None
            }
        }
    }
}

fn now_ts() -> Timestamp {
    Timestamp::from(chrono::Utc::now())
}

/// `at` plus `by`.
fn later(at: Timestamp, by: Duration) -> Timestamp {
    let by = chrono::Duration::from_std(by).unwrap_or_default();
    Timestamp::from_millis(at.millis() + by.num_milliseconds()).unwrap_or(at)
}

/// Why a closed file is not listed when it held no media.
const EMPTY: &str = "the file was closed before its first keyframe";

/// A recorded file smaller than this that yields no media is taken as empty (an FLV
/// header and a little metadata); a larger one that yields none is a failure.
const EMPTY_BELOW: u64 = 16 * 1024;

/// One closed file on its way to the list.
struct Remux {
    parts: Arc<Parts>,
    stream: StreamRecord,
    source: PathBuf,
    origin: FileOrigin,
}

impl Remux {
    async fn run(&self) {
        match self.make().await {
            Ok(()) => {}
            // A file closed before its first keyframe (a lead file when the ingest ends
            // right after it started): nothing was lost, nothing to list.
            Err(why) if why == EMPTY => {
                tracing::info!(stream = %self.stream.name, file = %self.source.display(), "recording: {why}; removed");
                let _ = tokio::fs::remove_file(&self.source).await;
            }
            Err(why) => {
                tracing::warn!(stream = %self.stream.name, file = %self.source.display(), "recording: {why}");
                self.parts
                    .board
                    .report(&self.stream, ProcessKind::Recording, |r| {
                        r.failure = Some(why);
                    });
            }
        }
    }

    async fn make(&self) -> Result<(), String> {
        let Some(ffmpeg) = self.parts.config.ffmpeg.clone() else {
            return Err("ffmpeg is not installed".into());
        };
        let dir = recordings_dir(&self.parts.config.media_dir);
        let file_name = format!(
            "{}-{}.mp4",
            self.stream.name,
            self.origin.started_at.millis()
        );
        let target = dir.join(&file_name);
        let temp = dir.join(format!(".{file_name}.part"));
        let process = Supervised::start(ProcessSpec {
            label: format!("remux {}", self.stream.name),
            program: ffmpeg,
            args: remux_args(&self.source, &temp),
            restart: false,
            backoff: Backoff::DEFAULT,
            stale_files: vec![temp.clone()],
        })
        .map_err(|e| format!("ffmpeg could not be started: {e}"))?;
        let exit = process.life();
        if tokio::time::timeout(REMUX_TIMEOUT, process.finished())
            .await
            .is_err()
        {
            process.stop().await;
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(format!(
                "the remux took longer than {REMUX_TIMEOUT:?}; stopped"
            ));
        }
        drop(exit);
        let measured = {
            let temp = temp.clone();
            tokio::task::spawn_blocking(move || {
                let file = std::fs::File::open(&temp).ok()?;
                let len = file.metadata().ok()?.len();
                let duration = mp4_duration_ms(std::io::BufReader::new(file))?;
                Some((len, duration))
            })
            .await
            .ok()
            .flatten()
        };
        let Some((size_bytes, duration_ms)) = measured.filter(|(len, _)| *len > 0) else {
            let _ = tokio::fs::remove_file(&temp).await;
            let source_len = tokio::fs::metadata(&self.source)
                .await
                .map_or(0, |m| m.len());
            if source_len < EMPTY_BELOW {
                return Err(EMPTY.into());
            }
            // Kept in raw/ for a look (and another try at the next start).
            return Err(format!(
                "ffmpeg could not read the recorded file ({source_len} bytes)"
            ));
        };
        tokio::fs::rename(&temp, &target)
            .await
            .map_err(|e| format!("cannot move the MP4 in place: {e}"))?;
        let recording = RecordingAsset {
            session_start: self.origin.session_start,
            url: self.parts.config.url(&file_name),
            file_name,
            size_bytes,
            duration_s: Some(u32::try_from(duration_ms.div_ceil(1000)).unwrap_or(u32::MAX)),
        };
        self.parts
            .store
            .add_recording(self.origin.stream, &recording)
            .await
            .map_err(|e| format!("cannot record the file: {e}"))?;
        let _ = tokio::fs::remove_file(&self.source).await;
        self.parts.events.updated(
            self.stream.org_id,
            &StreamChanged {
                id: self.stream.id,
                name: self.stream.name.clone(),
                streamgroup_id: self.stream.group_id,
                at: Timestamp::from(chrono::Utc::now()),
            },
        );
        tracing::info!(stream = %self.stream.name, file = %recording.file_name, size_bytes, duration_ms, "recording listed");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_split_recording_starts_the_next_file_ahead_on_the_other_recorder() {
        let t0 = Instant::now();
        let d = Some(4);
        assert_eq!(step(None, None, None, d, t0), Step::Start(Slot::A));
        let a = File {
            slot: Slot::A,
            from: t0,
        };
        assert_eq!(
            step(Some(a), None, None, d, t0 + secs(1)),
            Step::Wait {
                wake: Some(t0 + secs(2))
            },
            "woken when the next file is to start"
        );
        assert_eq!(
            step(Some(a), None, None, d, t0 + secs(2)),
            Step::Lead(Slot::B)
        );
        // The next file's length counts from the split it was started ahead of.
        let b = File {
            slot: Slot::B,
            from: t0 + secs(4),
        };
        assert_eq!(
            step(Some(a), Some(b), None, d, t0 + secs(3)),
            Step::Wait {
                wake: Some(t0 + secs(4))
            }
        );
        assert_eq!(
            step(Some(a), Some(b), None, d, t0 + secs(4)),
            Step::Split(Slot::A)
        );
        assert_eq!(
            step(Some(b), None, None, d, t0 + secs(6)),
            Step::Lead(Slot::A)
        );
        assert_eq!(
            step(Some(b), None, None, d, t0 + secs(8)),
            Step::Split(Slot::B)
        );
    }

    #[test]
    fn a_whole_stream_recording_never_splits_and_a_refusal_waits_its_retry() {
        let t0 = Instant::now();
        let a = File {
            slot: Slot::A,
            from: t0,
        };
        assert_eq!(
            step(Some(a), None, None, None, t0 + secs(86_400)),
            Step::Wait { wake: None }
        );
        let retry = Some(t0 + RETRY);
        assert_eq!(
            step(None, None, retry, Some(4), t0),
            Step::Wait { wake: retry }
        );
        assert_eq!(
            step(None, None, retry, Some(4), t0 + RETRY),
            Step::Start(Slot::A)
        );
        // A refused lead is not asked again before its retry; the split still happens.
        assert_eq!(
            step(Some(a), None, Some(t0 + secs(7)), Some(4), t0 + secs(3)),
            Step::Wait {
                wake: Some(t0 + secs(4))
            }
        );
        assert_eq!(
            step(Some(a), None, Some(t0 + secs(7)), Some(4), t0 + secs(4)),
            Step::Split(Slot::A)
        );
    }

    #[test]
    fn the_lead_is_two_seconds_or_half_a_short_file() {
        assert_eq!(lead(1), Duration::from_millis(500));
        assert_eq!(lead(3), Duration::from_millis(1500));
        assert_eq!(lead(4), secs(2));
        assert_eq!(lead(3600), secs(2));
    }

    #[test]
    fn a_recorded_file_names_its_stream() {
        let name = |f: &str| recorded_name(Path::new(f)).map(str::to_string);
        assert_eq!(
            name("/m/recordings/raw/HX26g-NRbx9-1764064800.a.flv").as_deref(),
            Some("HX26g-NRbx9")
        );
        assert_eq!(
            name("HX26g-NRbx9-1764064800.b.flv").as_deref(),
            Some("HX26g-NRbx9")
        );
        assert_eq!(
            recorded_at(Path::new("HX26g-NRbx9-1764064800.b.flv")),
            Timestamp::from_millis(1_764_064_800_000)
        );
        assert_eq!(recorded_at(Path::new("HX26g-NRbx9-17x.b.flv")), None);
        for bad in [
            "HX26g-NRbx9-1764064800.flv",
            "HX26g-NRbx9-17640x.a.flv",
            "-1764064800.a.flv",
            "HX26g.a.flv",
        ] {
            assert_eq!(name(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_remux_copies_every_track_into_a_faststart_mp4() {
        let args: Vec<String> = remux_args(Path::new("/m/raw/a.flv"), Path::new("/m/.a.mp4.part"))
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args.join(" "),
            "-hide_banner -nostats -loglevel error -nostdin -i /m/raw/a.flv -map 0 -c copy \
             -movflags +faststart -f mp4 -y /m/.a.mp4.part"
        );
    }

    fn mp4_box(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
        let mut b = u32::try_from(content.len() + 8)
            .expect("small")
            .to_be_bytes()
            .to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(content);
        b
    }

    #[test]
    fn the_length_comes_from_the_movie_header_wherever_the_index_is() {
        // mvhd version 0: version+flags, creation, modification, timescale, duration.
        let mut v0 = vec![0u8; 4 + 4 + 4];
        v0.extend_from_slice(&1000u32.to_be_bytes());
        v0.extend_from_slice(&4321u32.to_be_bytes());
        v0.extend_from_slice(&[0u8; 80]);
        let moov = mp4_box(
            b"moov",
            &[mp4_box(b"trak", &[0; 16]), mp4_box(b"mvhd", &v0)].concat(),
        );
        let front = [
            mp4_box(b"ftyp", b"isomiso2"),
            moov.clone(),
            mp4_box(b"mdat", &[7; 64]),
        ]
        .concat();
        assert_eq!(mp4_duration_ms(std::io::Cursor::new(front)), Some(4321));
        let back = [mp4_box(b"ftyp", b"isom"), mp4_box(b"mdat", &[7; 64]), moov].concat();
        assert_eq!(mp4_duration_ms(std::io::Cursor::new(back)), Some(4321));

        // Version 1: 64-bit times, timescale 90 kHz.
        let mut v1 = vec![1u8, 0, 0, 0];
        v1.extend_from_slice(&[0u8; 16]);
        v1.extend_from_slice(&90_000u32.to_be_bytes());
        v1.extend_from_slice(&(90_000u64 * 7 / 2).to_be_bytes());
        let file = [
            mp4_box(b"ftyp", b"isom"),
            mp4_box(b"moov", &mp4_box(b"mvhd", &v1)),
        ]
        .concat();
        assert_eq!(mp4_duration_ms(std::io::Cursor::new(file)), Some(3500));

        let none = [mp4_box(b"ftyp", b"isom"), mp4_box(b"mdat", &[0; 8])].concat();
        assert_eq!(mp4_duration_ms(std::io::Cursor::new(none)), None);
        assert_eq!(
            mp4_duration_ms(std::io::Cursor::new(b"FLV\x01".to_vec())),
            None
        );
    }
}
