//! Test sources: ffmpeg publishing a test pattern (`testsrc2`, 320×180 at 15 fps, a
//! keyframe every second) with a 440 Hz tone to a stream group's passthrough, through the
//! real RTMP path, so a stream can be seen live without an encoder.
//!
//! A test source is an encoder like any other: the media server's hooks decide, so the
//! stream goes live when nginx accepts the publish and ends when ffmpeg stops.
//! [`TestSources`] is the registry of the running ones: one per stream group at most,
//! [`MAX_RUNNING`] at once (the machines have two cores), an entry gone as soon as its
//! ffmpeg exits, and every one stopped by [`TestSources::stop_all`] when the server
//! stops. It checks neither the stream's state nor the caller's role: the route does.

use super::supervisor::{Backoff, ProcessSpec, Supervised};
use shared::model::TestSource;
use shared::stream::StreamName;
use shared::Timestamp;
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use uuid::Uuid;

/// Test sources that may run at once on one server (each takes a few per cent of a core).
pub const MAX_RUNNING: usize = 4;

/// Why a test source was not started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("a test source already runs for this stream group")]
    AlreadyRunning,
    #[error("{MAX_RUNNING} test sources run already")]
    Full,
    #[error("the server is stopping")]
    Stopping,
    #[error("ffmpeg could not be started: {0}")]
    Spawn(std::io::Error),
}

/// One test source to start.
#[derive(Debug, Clone)]
pub struct Publish {
    /// The stream group (its passthrough's id): the registry's key.
    pub group: Uuid,
    /// The passthrough's streamname, the stream key.
    pub streamname: StreamName,
    /// Seconds to publish; `None` publishes until stopped and restarts ffmpeg should it
    /// die (the demo's).
    pub duration_s: Option<u32>,
    /// The ffmpeg program, as [`find_program`] found it.
    pub ffmpeg: PathBuf,
    /// The RTMP application URL (`settings.rtmp_url`).
    pub rtmp_url: String,
}

impl Publish {
    /// The supervised process: ffmpeg publishing to `<rtmp_url>/<streamname>`.
    fn spec(&self) -> ProcessSpec {
        let target = format!(
            "{}/{}",
            self.rtmp_url.trim_end_matches('/'),
            self.streamname
        );
        ProcessSpec {
            label: format!("test source {}", self.streamname),
            program: self.ffmpeg.clone(),
            args: ffmpeg_args(&target, self.duration_s),
            restart: self.duration_s.is_none(),
            backoff: Backoff::DEFAULT,
            stale_files: vec![],
        }
    }
}

/// ffmpeg's arguments: real time (`-re`), tiny and cheap (ultrafast x264 at 300 kbit/s),
/// a keyframe every second (15 frames, no scene-cut keyframes) so HLS cuts one-second
/// fragments, AAC audio, FLV over RTMP to `target`.
pub fn ffmpeg_args(target: &str, duration_s: Option<u32>) -> Vec<OsString> {
    let mut args: Vec<String> = [
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "warning",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x180:rate=15",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=44100",
    ]
    .map(String::from)
    .to_vec();
    if let Some(secs) = duration_s {
        args.extend(["-t".to_string(), secs.to_string()]);
    }
    args.extend(
        [
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "zerolatency",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "15",
            "-keyint_min",
            "15",
            "-sc_threshold",
            "0",
            "-b:v",
            "300k",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-ar",
            "44100",
            "-f",
            "flv",
            target,
        ]
        .map(String::from),
    );
    args.into_iter().map(OsString::from).collect()
}

/// Where `program` is: itself when it is a path, else the first runnable file of that
/// name on `PATH`. `None` when there is none (ffmpeg is not installed).
pub fn find_program(program: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.components().count() > 1 {
        return runnable(program).then(|| program.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| runnable(p))
}

/// The running test sources of this server; clones share them.
#[derive(Clone, Default)]
pub struct TestSources {
    inner: Arc<Mutex<Registry>>,
}

#[derive(Default)]
struct Registry {
    /// By stream group.
    running: HashMap<Uuid, Running>,
    /// Set by [`TestSources::stop_all`]: nothing starts any more.
    stopping: bool,
    /// Tells a run from an earlier one of the same group (whose end must not remove it).
    serial: u64,
}

struct Running {
    serial: u64,
    process: Supervised,
    /// What it publishes, and until when.
    status: TestSource,
}

impl TestSources {
    /// The registry; a panic elsewhere while it was held leaves it usable (every change
    /// to it is a single insert or remove).
    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether a test source runs for `group`.
    pub fn is_running(&self, group: Uuid) -> bool {
        self.registry().running.contains_key(&group)
    }

    /// The test source running for `group`, if any.
    pub fn running(&self, group: Uuid) -> Option<TestSource> {
        self.registry()
            .running
            .get(&group)
            .map(|r| r.status.clone())
    }

    /// How many run now.
    pub fn len(&self) -> usize {
        self.registry().running.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts ffmpeg for `publish` unless its group has one, [`MAX_RUNNING`] run, or the
    /// server is stopping; its entry goes when ffmpeg has ended for good.
    pub fn start(&self, publish: &Publish) -> Result<TestSource, StartError> {
        let until = publish.duration_s.map(|secs| {
            Timestamp::from(chrono::Utc::now() + chrono::Duration::seconds(i64::from(secs)))
        });
        let status = TestSource {
            stream_id: publish.group,
            streamname: publish.streamname.clone(),
            duration_s: publish.duration_s,
            until,
        };
        self.run(publish.group, publish.spec(), status.clone())?;
        tracing::info!(stream = %publish.streamname, duration_s = ?publish.duration_s, "test source started");
        Ok(status)
    }

    /// Runs `spec` as the test source of `group`.
    fn run(&self, group: Uuid, spec: ProcessSpec, status: TestSource) -> Result<(), StartError> {
        let mut registry = self.registry();
        if registry.stopping {
            return Err(StartError::Stopping);
        }
        if registry.running.contains_key(&group) {
            return Err(StartError::AlreadyRunning);
        }
        if registry.running.len() >= MAX_RUNNING {
            return Err(StartError::Full);
        }
        let process = Supervised::start(spec).map_err(StartError::Spawn)?;
        registry.serial += 1;
        let serial = registry.serial;
        let finished = process.on_finished();
        registry.running.insert(
            group,
            Running {
                serial,
                process,
                status,
            },
        );
        drop(registry);
        let sources = self.clone();
        tokio::spawn(async move {
            finished.await;
            let mut registry = sources.registry();
            if registry
                .running
                .get(&group)
                .is_some_and(|r| r.serial == serial)
            {
                registry.running.remove(&group);
            }
        });
        Ok(())
    }

    /// Stops the test source of `group` and waits until ffmpeg is gone; `false` when none
    /// ran.
    pub async fn stop(&self, group: Uuid) -> bool {
        let running = self.registry().running.remove(&group);
        match running {
            Some(r) => {
                r.process.stop().await;
                tracing::info!(%group, "test source stopped");
                true
            }
            None => false,
        }
    }

    /// Stops every test source, for good: later starts are refused. Returns once every
    /// ffmpeg is gone.
    pub async fn stop_all(&self) {
        let running: Vec<Running> = {
            let mut registry = self.registry();
            registry.stopping = true;
            registry.running.drain().map(|(_, r)| r).collect()
        };
        for r in running {
            r.process.stop().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(args: &[OsString]) -> String {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn ffmpeg_publishes_a_tiny_pattern_with_a_keyframe_every_second() {
        let bounded = text(&ffmpeg_args(
            "rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ",
            Some(3),
        ));
        assert_eq!(
            bounded,
            "-hide_banner -nostats -loglevel warning -re \
             -f lavfi -i testsrc2=size=320x180:rate=15 \
             -f lavfi -i sine=frequency=440:sample_rate=44100 -t 3 \
             -c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p \
             -g 15 -keyint_min 15 -sc_threshold 0 -b:v 300k -c:a aac -b:a 64k -ar 44100 \
             -f flv rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ"
        );
        let unbounded = text(&ffmpeg_args("rtmp://h/live/Ab3xY-k9PqZ", None));
        assert!(!unbounded.contains(" -t "), "{unbounded}");
    }

    #[test]
    fn the_demo_source_restarts_and_a_timed_one_does_not() {
        let publish = Publish {
            group: Uuid::nil(),
            streamname: StreamName::parse("Ab3xY-k9PqZ").expect("a streamname"),
            duration_s: None,
            ffmpeg: "/usr/bin/ffmpeg".into(),
            rtmp_url: "rtmp://127.0.0.1:1935/live/".into(),
        };
        let spec = publish.spec();
        assert!(spec.restart);
        assert_eq!(spec.label, "test source Ab3xY-k9PqZ");
        assert_eq!(
            spec.args.last().map(|a| a.to_string_lossy().into_owned()),
            Some("rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ".to_string())
        );
        let timed = Publish {
            duration_s: Some(60),
            ..publish
        };
        assert!(!timed.spec().restart);
    }

    #[test]
    fn programs_are_found_on_the_path_or_as_given() {
        assert_eq!(
            find_program(Path::new("sh")).map(|p| p.is_absolute()),
            Some(true)
        );
        assert_eq!(
            find_program(Path::new("/bin/sh")),
            Some(PathBuf::from("/bin/sh"))
        );
        assert_eq!(find_program(Path::new("no-such-program-castboard")), None);
        assert_eq!(find_program(Path::new("/nonexistent/ffmpeg")), None);
        // A file that is not runnable does not count.
        let dir = tempfile::tempdir().expect("dir");
        let plain = dir.path().join("ffmpeg");
        std::fs::write(&plain, "not a program").expect("written");
        assert_eq!(find_program(&plain), None);
    }

    /// `program args…` as a test source's process.
    fn spec(program: &str, args: &[&str]) -> ProcessSpec {
        ProcessSpec {
            label: program.into(),
            program: program.into(),
            args: args.iter().map(OsString::from).collect(),
            restart: false,
            backoff: Backoff::DEFAULT,
            stale_files: vec![],
        }
    }

    #[tokio::test]
    async fn one_per_group_a_few_at_once_gone_when_ended_and_none_after_stop_all() {
        let sources = TestSources::default();
        let group = Uuid::from_u128;
        let sleeper = || spec("sleep", &["600"]);
        let status = |n: u128| TestSource {
            stream_id: group(n),
            streamname: StreamName::parse("Ab3xY-k9PqZ").expect("a streamname"),
            duration_s: Some(600),
            until: None,
        };

        for n in 1..=MAX_RUNNING as u128 {
            sources.run(group(n), sleeper(), status(n)).expect("starts");
        }
        let again = sources.run(group(1), sleeper(), status(1));
        let fifth = sources.run(group(99), sleeper(), status(99));

        assert!(
            matches!(again, Err(StartError::AlreadyRunning)),
            "{again:?}"
        );
        assert!(matches!(fifth, Err(StartError::Full)), "{fifth:?}");
        assert!(sources.stop(group(1)).await);
        assert!(!sources.stop(group(1)).await, "stopped once");
        assert!(!sources.is_running(group(1)));
        assert_eq!(sources.running(group(1)), None);
        assert_eq!(sources.running(group(2)), Some(status(2)));
        assert_eq!(sources.len(), MAX_RUNNING - 1);

        // A run that ends by itself leaves the registry by itself.
        sources
            .run(group(1), spec("true", &[]), status(1))
            .expect("starts");
        let start = std::time::Instant::now();
        while sources.is_running(group(1)) {
            assert!(start.elapsed().as_secs() < 10, "an ended run stays listed");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }

        sources.stop_all().await;
        assert!(sources.is_empty());
        let late = sources.run(group(7), sleeper(), status(7));
        assert!(matches!(late, Err(StartError::Stopping)), "{late:?}");
    }
}
