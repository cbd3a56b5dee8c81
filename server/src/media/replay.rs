//! Live replay: while a member stream is live and its settings ask for it
//! (`processing.replay`), and its organisation has `live_processing`, Castboard keeps an
//! HLS copy of the stream that a player can seek back in: the last `duration_s` seconds
//! (a rolling window), or with `duration_s: null` the whole live session.
//!
//! [`ReplayWatch`] runs one task that looks at the live streams every [`TICK`]. A stream
//! that wants a replay gets one long-running ffmpeg that plays it from the local nginx
//! over RTMP and copies it (no decoding, no encoding) into 1-second HLS segments in
//! `<media dir>/replay/<id>/<session>/`, `<session>` being the session's start in epoch
//! milliseconds. ffmpeg writes each segment under a temporary name and renames it when
//! complete, and rewrites its playlist the same way, so a listed segment is always whole;
//! for a window it deletes the segments that fall out of it. It is supervised like every
//! child (`setpriv --pdeathsig`) and restarted with backoff if it dies (appending to its
//! playlist, so segment numbers go on); it is stopped when the stream is no longer live,
//! the setting is switched off, or the organisation loses the package, and restarted when
//! the window changes. The first start of a live session records a replay session
//! (`assets.replays`), announced as `stream.updated`. Each stream's replay is reported on the process board
//! (`ProcessKind::Replay`). [`ReplayWatch::stop`] stops every ffmpeg before it returns.

use super::processes::{PackageLook, ProcessBoard};
use super::supervisor::{Backoff, Life, ProcessSpec, Supervised};
use crate::events::Events;
use crate::store::Store;
use shared::model::{ProcessKind, ReplaySession, StreamChanged};
use shared::Timestamp;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// How often the live streams are looked at.
pub const TICK: Duration = Duration::from_secs(1);

/// The length of a segment (s): ffmpeg cuts at the first keyframe after it, so with the
/// recommended keyframe every second each segment is one second long.
pub const SEGMENT_SECONDS: u32 = 1;

/// The playlist's name in a session's folder.
pub const PLAYLIST: &str = "index.m3u8";

/// Restarts of a replay ffmpeg that died: 1 s, doubling to 30 s.
pub const BACKOFF: Backoff = Backoff {
    first: Duration::from_secs(1),
    max: Duration::from_secs(30),
    healthy: Duration::from_secs(60),
};

/// The folder of every replay of stream `id`.
pub fn stream_dir(media_dir: &Path, id: Uuid) -> PathBuf {
    media_dir.join("replay").join(id.to_string())
}

/// The folder of stream `id`'s replay of the session that began at `session` (epoch ms).
pub fn session_dir(media_dir: &Path, id: Uuid, session: i64) -> PathBuf {
    stream_dir(media_dir, id).join(session.to_string())
}

/// The segments a window of `duration_s` seconds lists (`None`: the whole session, every
/// segment): at least one.
pub fn window_segments(duration_s: Option<u32>) -> Option<u32> {
    duration_s.map(|d| d.div_ceil(SEGMENT_SECONDS).max(1))
}

/// ffmpeg's arguments: play `source` (the stream over RTMP, probed for at most a second),
/// copy its first video and audio (if any) into HLS segments of [`SEGMENT_SECONDS`] in
/// `dir`, each written under a temporary name and renamed when complete, each with its
/// wall-clock time; a window keeps the newest `segments` and deletes the older files; the
/// whole session (`None`) keeps every segment in an `EVENT` playlist. A restart appends
/// to the playlist it finds, so numbers go on and no segment is overwritten.
pub fn ffmpeg_args(source: &str, segments: Option<u32>, dir: &Path) -> Vec<OsString> {
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
        "-c",
        "copy",
        "-f",
        "hls",
        "-hls_time",
        &SEGMENT_SECONDS.to_string(),
    ]
    .map(OsString::from)
    .to_vec();
    let flags = "independent_segments+program_date_time+temp_file+append_list";
    match segments {
        Some(n) => args.extend(
            [
                "-hls_list_size".to_string(),
                n.to_string(),
                "-hls_flags".into(),
                format!("{flags}+delete_segments"),
            ]
            .map(OsString::from),
        ),
        None => args.extend(
            [
                "-hls_list_size",
                "0",
                "-hls_playlist_type",
                "event",
                "-hls_flags",
                flags,
            ]
            .map(OsString::from),
        ),
    }
    args.push("-hls_segment_filename".into());
    args.push(dir.join("%d.ts").into_os_string());
    args.push("-y".into());
    args.push(dir.join(PLAYLIST).into_os_string());
    args
}

/// What the watch needs.
#[derive(Debug, Clone)]
pub struct ReplayConfig {
    /// The ffmpeg program; `None` when there is none (no replay is kept, logged once).
    pub ffmpeg: Option<PathBuf>,
    /// The media server's RTMP application as this machine reaches it.
    pub rtmp_url: String,
    /// The media folder (replays written to `replay/`).
    pub media_dir: PathBuf,
    /// Where HLS is served (`Settings::hls_url`): a replay's playlist is
    /// `<hls_url>/<id>/replay/<session>/index.m3u8`.
    pub hls_url: String,
    /// The watch page (`/watch`) and embed page (`/embed`) that play a replay.
    pub watch_url: String,
    pub embed_url: String,
}

impl ReplayConfig {
    /// Where stream `name` is played from.
    pub fn source(&self, name: &str) -> String {
        format!("{}/{name}", self.rtmp_url.trim_end_matches('/'))
    }

    /// The replay session of stream `id` that began at `session` (epoch ms): its
    /// playlist, the watch page that plays it (seekable), and the embed address to share.
    pub fn session(&self, id: Uuid, session: Timestamp) -> ReplaySession {
        let ms = session.millis();
        ReplaySession {
            session_start: session,
            hls_url: format!(
                "{}/{id}/replay/{ms}/{PLAYLIST}",
                self.hls_url.trim_end_matches('/')
            ),
            replay_url: format!("{}/{id}?replay={ms}", self.watch_url.trim_end_matches('/')),
            clip_url: format!("{}?group.id={id}&replay={ms}", self.embed_url),
        }
    }
}

/// The running watch; [`ReplayWatch::stop`] ends it.
pub struct ReplayWatch {
    stop: watch::Sender<bool>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl ReplayWatch {
    /// Starts the watch over `store`, announcing new sessions on `events` and reporting
    /// on `board`.
    pub fn start(
        store: Store,
        events: Events,
        board: ProcessBoard,
        config: ReplayConfig,
    ) -> ReplayWatch {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(store, events, board, config, stopped));
        ReplayWatch {
            stop,
            task: Mutex::new(Some(task)),
        }
    }

    /// Ends the watch and stops every replay ffmpeg; returns once they are gone. Calling
    /// it again does nothing.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// One stream's replay ffmpeg.
struct Running {
    /// The window it was started with (`None`: the whole session).
    window: Option<u32>,
    process: Supervised,
}

/// What the board says of a replay ffmpeg from where it stands.
fn report(life: &Life) -> (bool, Option<String>) {
    match life {
        Life::Running { .. } => (true, None),
        Life::Died {
            status, last_line, ..
        } => (
            false,
            Some(match last_line {
                Some(line) => format!("ffmpeg ended ({status}): {line}"),
                None => format!("ffmpeg ended ({status})"),
            }),
        ),
        Life::Finished { reason } => (false, reason.clone()),
    }
}

async fn run(
    store: Store,
    events: Events,
    board: ProcessBoard,
    config: ReplayConfig,
    mut stopped: watch::Receiver<bool>,
) {
    let Some(ffmpeg) = config.ffmpeg.clone() else {
        tracing::warn!(
            "ffmpeg was not found: no live replay will be kept (apt-get install ffmpeg)"
        );
        let _ = stopped.wait_for(|s| *s).await;
        return;
    };
    // The start of each live stream's session (kept while it is live, so switching replay
    // off and on again goes on in the same session).
    let mut sessions: HashMap<Uuid, Timestamp> = HashMap::new();
    let mut running: HashMap<Uuid, Running> = HashMap::new();
    let mut every = tokio::time::interval(TICK);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stopped.wait_for(|s| *s) => break,
        }
        let live = match store.live_streams().await {
            Ok(live) => live,
            Err(e) => {
                tracing::warn!(error = %e, "replay: the live streams could not be read");
                continue;
            }
        };
        let live_ids: HashSet<Uuid> = live.iter().map(|s| s.id).collect();
        sessions.retain(|id, _| live_ids.contains(id));
        let mut packages = PackageLook::default();
        let mut wanted: HashMap<Uuid, Option<u32>> = HashMap::new();
        for stream in &live {
            let settings = stream.processing.replay;
            if !settings.enabled {
                continue;
            }
            if packages
                .allows(&store, stream.org_id, ProcessKind::Replay)
                .await
            {
                wanted.insert(stream.id, window_segments(settings.duration_s));
            }
        }
        // Stop what is no longer wanted, or wanted with another window.
        let stale: Vec<Uuid> = running
            .iter()
            .filter(|(id, r)| wanted.get(id) != Some(&r.window))
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            if let Some(r) = running.remove(&id) {
                r.process.stop().await;
            }
            if !wanted.contains_key(&id) {
                board.end(id, ProcessKind::Replay);
            }
        }
        for stream in &live {
            let Some(window) = wanted.get(&stream.id).copied() else {
                continue;
            };
            if let Some(r) = running.get(&stream.id) {
                let (on, failure) = report(&r.process.life().borrow());
                board.report(stream, ProcessKind::Replay, |b| {
                    b.running = on;
                    if failure.is_some() || on {
                        b.failure = failure;
                    }
                    b.next_run = None;
                });
                continue;
            }
            let first = !sessions.contains_key(&stream.id);
            let session = *sessions
                .entry(stream.id)
                .or_insert_with(|| Timestamp::from(chrono::Utc::now()));
            let dir = session_dir(&config.media_dir, stream.id, session.millis());
            if let Err(e) = tokio::fs::create_dir_all(&dir).await {
                tracing::warn!(dir = %dir.display(), error = %e, "replay: cannot create its folder");
                board.report(stream, ProcessKind::Replay, |b| {
                    b.running = false;
                    b.failure = Some(format!("cannot create its folder: {e}"));
                });
                continue;
            }
            let spec = ProcessSpec {
                label: format!("replay {}", stream.name),
                program: ffmpeg.clone(),
                args: ffmpeg_args(&config.source(stream.name.as_str()), window, &dir),
                restart: true,
                backoff: BACKOFF,
                stale_files: vec![],
            };
            match Supervised::start(spec) {
                Ok(process) => {
                    running.insert(stream.id, Running { window, process });
                    board.report(stream, ProcessKind::Replay, |b| {
                        b.running = true;
                        b.failure = None;
                        b.next_run = None;
                    });
                    if first {
                        let record = config.session(stream.id, session);
                        match store.add_replay_session(stream.id, &record).await {
                            Ok(()) => events.updated(
                                stream.org_id,
                                &StreamChanged {
                                    id: stream.id,
                                    name: stream.name.clone(),
                                    streamgroup_id: stream.group_id,
                                    at: session,
                                },
                            ),
                            Err(e) => {
                                tracing::warn!(stream = %stream.name, error = %e, "replay: cannot record its session");
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(stream = %stream.name, error = %e, "replay: ffmpeg could not be started");
                    board.report(stream, ProcessKind::Replay, |b| {
                        b.running = false;
                        b.failure = Some(format!("ffmpeg could not be started: {e}"));
                    });
                }
            }
        }
    }
    for (id, r) in running.drain() {
        r.process.stop().await;
        board.end(id, ProcessKind::Replay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(args: Vec<OsString>) -> String {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_window_keeps_its_seconds_in_segments_and_deletes_the_rest() {
        assert_eq!(
            joined(ffmpeg_args(
                "rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ",
                window_segments(Some(30)),
                Path::new("/m/replay/x/1700")
            )),
            "-hide_banner -nostats -loglevel error -nostdin -analyzeduration 1000000 \
             -i rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ -map 0:v:0 -map 0:a:0? -c copy -f hls \
             -hls_time 1 -hls_list_size 30 -hls_flags \
             independent_segments+program_date_time+temp_file+append_list+delete_segments \
             -hls_segment_filename /m/replay/x/1700/%d.ts -y /m/replay/x/1700/index.m3u8"
        );
    }

    #[test]
    fn the_whole_session_is_an_event_playlist_that_keeps_every_segment() {
        let args = joined(ffmpeg_args("rtmp://h/live/n", None, Path::new("/r")));
        assert!(
            args.contains(
                "-hls_list_size 0 -hls_playlist_type event -hls_flags \
                 independent_segments+program_date_time+temp_file+append_list \
                 -hls_segment_filename /r/%d.ts"
            ),
            "{args}"
        );
        assert!(!args.contains("delete_segments"));
    }

    #[test]
    fn a_window_lists_one_segment_a_second_and_at_least_one() {
        assert_eq!(window_segments(None), None);
        assert_eq!(window_segments(Some(1)), Some(1));
        assert_eq!(window_segments(Some(90)), Some(90));
        assert_eq!(window_segments(Some(0)), Some(1));
    }

    #[test]
    fn a_session_is_played_from_its_own_addresses() {
        let config = ReplayConfig {
            ffmpeg: None,
            rtmp_url: "rtmp://127.0.0.1:1935/live".into(),
            media_dir: PathBuf::from("/m"),
            hls_url: "https://castboard.example/hls/".into(),
            watch_url: "https://castboard.example/watch".into(),
            embed_url: "https://castboard.example/embed".into(),
        };
        let id = Uuid::from_u128(0x7c1e);
        let start = Timestamp::from_millis(1_764_770_400_000).expect("a time");
        let s = config.session(id, start);
        assert_eq!(s.session_start, start);
        assert_eq!(
            s.hls_url,
            format!("https://castboard.example/hls/{id}/replay/1764770400000/index.m3u8")
        );
        assert_eq!(
            s.replay_url,
            format!("https://castboard.example/watch/{id}?replay=1764770400000")
        );
        assert_eq!(
            s.clip_url,
            format!("https://castboard.example/embed?group.id={id}&replay=1764770400000")
        );
        assert_eq!(
            session_dir(&config.media_dir, id, 1_764_770_400_000),
            PathBuf::from(format!("/m/replay/{id}/1764770400000"))
        );
    }

    #[test]
    fn the_board_reads_a_dead_ffmpeg_as_a_failure() {
        assert_eq!(report(&Life::Running { run: 1, pid: None }), (true, None));
        assert_eq!(
            report(&Life::Died {
                run: 1,
                status: "exit status: 1".into(),
                last_line: Some("Connection refused".into()),
                restart_in: Duration::from_secs(1),
            }),
            (
                false,
                Some("ffmpeg ended (exit status: 1): Connection refused".into())
            )
        );
    }
}
