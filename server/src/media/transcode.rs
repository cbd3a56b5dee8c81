//! Transcoding: while a stream group is live, one ffmpeg per transcode member plays the
//! passthrough from the media server over RTMP (nginx lets this machine play) and
//! publishes the member's rendition — its profile's size, bitrate and frame rate — to the
//! member's own streamname on the same media server, which cuts its HLS as for any
//! ingest.
//!
//! [`Transcoders`] is the registry of them, and the one place their status is kept
//! ([`Transcoders::status`]): each member's ffmpeg runs supervised (restarted with
//! backoff, 1 s doubling to 30 s, never outliving Castboard), at most `max_running` at
//! once on the server; beyond that a member waits, first come first served, and starts
//! when a place frees. [`Transcoders::reconcile`] brings a group's transcoders in line
//! with the store (starts what is missing, restarts what changed, stops what is gone or
//! not live); it is called wherever a group changes state or profiles. Every change of a
//! member's status is announced (`stream.transcoder_changed`).
//!
//! A transcoder proves itself to the publish hook with a key derived from the ingest
//! secret and the member's streamname ([`publish_key`]), in the query of its publish URL;
//! nothing else may publish to a transcode's name.

use super::supervisor::{Backoff, Life, ProcessSpec, Supervised};
use crate::events::Events;
use crate::store::{Store, StreamRecord};
use sha2::{Digest, Sha256};
use shared::model::{StreamEvent, Transcoder, TranscoderChanged, TranscoderState};
use shared::stream::{Profile, StreamName, StreamState};
use shared::Timestamp;
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use uuid::Uuid;

/// A transcoder that dies is started again after 1 s, 2 s, 4 s … at most 30 s; after a
/// minute of running the next death waits 1 s again.
pub const BACKOFF: Backoff = Backoff {
    first: Duration::from_secs(1),
    max: Duration::from_secs(30),
    healthy: Duration::from_secs(60),
};

/// The query key of a transcoder's publish URL that carries its [`publish_key`]
/// (nginx-rtmp passes a publish URL's query to the publish hook in its form).
pub const KEY_FIELD: &str = "transcoder";

/// Transcoders running at once by default: one per core (a 720p rendition with x264's
/// `veryfast` takes about one core).
pub fn default_max_running() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// HMAC-SHA-256 of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The key a transcoder publishing to `streamname` shows the publish hook: HMAC-SHA-256
/// of the streamname under the ingest secret, in hex. It lets that one name be published
/// and nothing else, so the ingest secret itself never appears on a command line.
pub fn publish_key(ingest_secret: &str, streamname: &str) -> String {
    hex::encode(hmac_sha256(
        ingest_secret.as_bytes(),
        format!("castboard transcode {streamname}").as_bytes(),
    ))
}

/// ffmpeg's arguments for one rendition: play `source` (the passthrough, over RTMP),
/// scale to the profile's size (rounded down to even numbers, which H.264 4:2:0 needs),
/// set its frame rate, encode with x264 (`veryfast`, `zerolatency`) at its bitrate, a
/// keyframe every fragment (frame rate × fragment seconds, no scene-cut keyframes) so the
/// media server cuts fragments as long as the passthrough's, AAC audio when the source has
/// some, FLV over RTMP to `target`.
pub fn ffmpeg_args(source: &str, target: &str, profile: &Profile) -> Vec<OsString> {
    let even = |n: u32| (n - n % 2).max(2);
    let gop = (profile.framerate * shared::ingest::FRAGMENT_SECONDS).to_string();
    let kbps = |n: u32| format!("{n}k");
    [
        "-hide_banner".to_string(),
        "-nostats".into(),
        "-loglevel".into(),
        "error".into(),
        // nginx-rtmp's FLV carries no header flags, so without a limit ffmpeg probes the
        // whole default 5 s for streams that may still come; the codec headers nginx
        // sends first on play arrive at once. Measured against a local nginx-rtmp: 4.4 s
        // to the first frame by default, 1.3 s with this; 0.5 s missed the video.
        "-analyzeduration".into(),
        "1000000".into(),
        "-i".into(),
        source.into(),
        "-map".into(),
        "0:v:0".into(),
        "-map".into(),
        "0:a:0?".into(),
        "-vf".into(),
        format!("scale={}:{}", even(profile.width), even(profile.height)),
        "-r".into(),
        profile.framerate.to_string(),
        "-c:v".into(),
        "libx264".into(),
        "-preset".into(),
        "veryfast".into(),
        "-tune".into(),
        "zerolatency".into(),
        "-profile:v".into(),
        "main".into(),
        "-pix_fmt".into(),
        "yuv420p".into(),
        "-g".into(),
        gop.clone(),
        "-keyint_min".into(),
        gop,
        "-sc_threshold".into(),
        "0".into(),
        "-b:v".into(),
        kbps(profile.bitrate_kbps),
        "-maxrate".into(),
        kbps(profile.bitrate_kbps),
        "-bufsize".into(),
        kbps(profile.bitrate_kbps * 2),
        "-c:a".into(),
        "aac".into(),
        "-b:a".into(),
        "64k".into(),
        "-f".into(),
        "flv".into(),
        target.into(),
    ]
    .into_iter()
    .map(OsString::from)
    .collect()
}

/// What the transcoders of a server need.
#[derive(Debug, Clone)]
pub struct TranscodeConfig {
    /// The ffmpeg program; `None` when it is not installed (every transcoder then fails,
    /// saying so).
    pub ffmpeg: Option<PathBuf>,
    /// The media server's RTMP application as this machine reaches it
    /// (`rtmp://127.0.0.1:1935/live`).
    pub rtmp_url: String,
    /// The ingest secret, from which each transcoder's [`publish_key`] is derived.
    pub ingest_secret: String,
    /// Transcoders running at once (`--max-transcodes-running`).
    pub max_running: usize,
}

/// One transcode member of a live group: what its transcoder makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    pub org_id: Uuid,
    pub group: Uuid,
    pub member: Uuid,
    /// The member's streamname, published to.
    pub name: StreamName,
    /// The passthrough's streamname, played from.
    pub source: StreamName,
    pub profile: Profile,
}

impl Rendition {
    /// The renditions `group` (passthrough first) needs: one per transcode member with a
    /// profile, none when the group is not live.
    pub fn of_group(group: &[StreamRecord]) -> Vec<Rendition> {
        let Some(head) = group.first().filter(|h| h.state == StreamState::Live) else {
            return Vec::new();
        };
        group
            .iter()
            .filter(|m| m.index > 0 && m.state == StreamState::Live)
            .filter_map(|m| {
                Some(Rendition {
                    org_id: m.org_id,
                    group: m.group_id,
                    member: m.id,
                    name: m.name.clone(),
                    source: head.name.clone(),
                    profile: m.profile.clone()?,
                })
            })
            .collect()
    }

    fn spec(&self, ffmpeg: PathBuf, config: &TranscodeConfig) -> ProcessSpec {
        let app = config.rtmp_url.trim_end_matches('/');
        let source = format!("{app}/{}", self.source);
        let key = publish_key(&config.ingest_secret, self.name.as_str());
        let target = format!("{app}/{}?{KEY_FIELD}={key}", self.name);
        ProcessSpec {
            label: format!("transcoder {}", self.name),
            program: ffmpeg,
            args: ffmpeg_args(&source, &target, &self.profile),
            restart: true,
            backoff: BACKOFF,
            stale_files: vec![],
        }
    }
}

/// The transcoders of this server; clones share them.
#[derive(Clone)]
pub struct Transcoders {
    inner: Arc<Mutex<Registry>>,
    /// One reconciliation at a time, each reading the group as it is then: the last one
    /// to run sees the latest state, whatever order the changes came in.
    reconciling: Arc<tokio::sync::Mutex<()>>,
    events: Events,
}

#[derive(Default)]
struct Registry {
    /// `None` until configured (no media server: no transcoding).
    config: Option<TranscodeConfig>,
    /// By member.
    jobs: HashMap<Uuid, Job>,
    /// Set by [`Transcoders::stop_all`]: nothing starts until configured again.
    stopping: bool,
    /// Numbers runs (whose late reports must not touch a newer run) and places in the
    /// queue.
    serial: u64,
    /// The transcoders of the instance that runs the media server, as its events told
    /// them, while this one stands by ([`Transcoders::mirror`]).
    mirrored: HashMap<Uuid, Transcoder>,
}

struct Job {
    rendition: Rendition,
    /// Tells this run from earlier ones of the same member.
    serial: u64,
    /// Its place in the queue for capacity (kept when its profile changes).
    queued: u64,
    /// `Some` while it holds a place (running, starting or restarting).
    process: Option<Supervised>,
    status: Transcoder,
}

impl Registry {
    fn running(&self) -> usize {
        self.jobs.values().filter(|j| j.process.is_some()).count()
    }
}

/// A status change to announce.
type Announce = (Uuid, TranscoderChanged);

fn announce(r: &Rendition, transcoder: Option<Transcoder>) -> Announce {
    (
        r.org_id,
        TranscoderChanged {
            id: r.member,
            name: r.name.clone(),
            streamgroup_id: r.group,
            transcoder,
            at: Timestamp::from(chrono::Utc::now()),
        },
    )
}

fn status(state: TranscoderState, reason: Option<String>, restarts: u32) -> Transcoder {
    Transcoder {
        state,
        reason,
        restarts,
    }
}

impl Transcoders {
    /// A registry that transcodes nothing until [`Transcoders::configure`]d; its changes
    /// are announced on `events`.
    pub fn new(events: Events) -> Transcoders {
        Transcoders {
            inner: Arc::default(),
            reconciling: Arc::default(),
            events,
        }
    }

    /// Turns transcoding on (`serve` with a media server), again after
    /// [`Transcoders::stop_all`] when this instance runs the media server anew.
    pub fn configure(&self, config: TranscodeConfig) {
        let mut registry = self.registry();
        registry.config = Some(config);
        registry.stopping = false;
        registry.mirrored.clear();
    }

    /// Takes `member`'s transcoder as the instance running the media server announced it
    /// (`None`: it has none now), for [`Transcoders::status`] on this one.
    pub fn mirror(&self, member: Uuid, transcoder: Option<Transcoder>) {
        let mut registry = self.registry();
        match transcoder {
            Some(t) => registry.mirrored.insert(member, t),
            None => registry.mirrored.remove(&member),
        };
    }

    /// The registry; a panic elsewhere while it was held leaves it usable.
    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn publish(&self, announcements: Vec<Announce>) {
        for (org, changed) in announcements {
            self.events
                .publish(org, StreamEvent::TranscoderChanged(changed));
        }
    }

    /// The transcoder of `member` now; `None` when it has none (a passthrough, a group
    /// that is not live, no media server). On an instance standing by, the one the
    /// media server's instance announced.
    pub fn status(&self, member: Uuid) -> Option<Transcoder> {
        let registry = self.registry();
        match registry.jobs.get(&member) {
            Some(job) => Some(job.status.clone()),
            None => registry.mirrored.get(&member).cloned(),
        }
    }

    /// The pid of `member`'s ffmpeg, while one runs.
    pub fn pid(&self, member: Uuid) -> Option<u32> {
        self.registry()
            .jobs
            .get(&member)
            .and_then(|j| j.process.as_ref())
            .and_then(Supervised::pid)
    }

    /// How many transcoders hold a place now (running, starting or restarting).
    pub fn running(&self) -> usize {
        self.registry().running()
    }

    /// Brings the transcoders of `group_id` in line with the group as the store has it
    /// now. Errors reading the store are logged: the next change tries again.
    pub async fn reconcile(&self, store: &Store, group_id: Uuid) {
        let _turn = self.reconciling.lock().await;
        if self.registry().config.is_none() {
            return;
        }
        match store.members(group_id).await {
            Ok(group) => self.apply(group_id, Rendition::of_group(&group)).await,
            Err(e) => {
                tracing::warn!(group = %group_id, error = %e, "transcoders not reconciled");
            }
        }
    }

    /// Makes `wanted` the transcoders of `group`: stops the others of the group and those
    /// whose rendition changed (and waits until they are gone, so a restarted one does
    /// not meet its predecessor at the media server), then adds the missing ones
    /// (started, or waiting for a place).
    pub async fn apply(&self, group: Uuid, wanted: Vec<Rendition>) {
        let mut announcements = Vec::new();
        let mut places = HashMap::new();
        let stopped: Vec<Supervised> = {
            let mut registry = self.registry();
            if registry.config.is_none() {
                return;
            }
            let stale: Vec<Uuid> = registry
                .jobs
                .values()
                .filter(|j| j.rendition.group == group && !wanted.contains(&j.rendition))
                .map(|j| j.rendition.member)
                .collect();
            let mut stopped = Vec::new();
            for member in stale {
                let Some(job) = registry.jobs.remove(&member) else {
                    continue;
                };
                stopped.extend(job.process);
                if wanted.iter().any(|r| r.member == member) {
                    places.insert(member, job.queued);
                } else {
                    announcements.push(announce(&job.rendition, None));
                }
            }
            stopped
        };
        for process in stopped {
            process.stop().await;
        }
        {
            let mut registry = self.registry();
            if !registry.stopping {
                for r in wanted {
                    if registry.jobs.contains_key(&r.member) {
                        continue;
                    }
                    registry.serial += 1;
                    let serial = registry.serial;
                    let queued = places.get(&r.member).copied().unwrap_or(serial);
                    registry.jobs.insert(
                        r.member,
                        Job {
                            rendition: r,
                            serial,
                            queued,
                            process: None,
                            status: status(TranscoderState::Waiting, None, 0),
                        },
                    );
                }
            }
            self.fill(&mut registry, &mut announcements);
        }
        self.publish(announcements);
    }

    /// Stops every transcoder of `group` (it is no longer live); returns once they are
    /// gone.
    pub async fn stop_group(&self, group: Uuid) {
        self.apply(group, Vec::new()).await;
    }

    /// Starts waiting transcoders, oldest first, while there is a place; the ones left
    /// waiting say why.
    fn fill(&self, registry: &mut Registry, announcements: &mut Vec<Announce>) {
        let Some(config) = registry.config.clone() else {
            return;
        };
        let mut waiting: Vec<(u64, Uuid)> = registry
            .jobs
            .values()
            .filter(|j| j.process.is_none() && j.status.state == TranscoderState::Waiting)
            .map(|j| (j.queued, j.rendition.member))
            .collect();
        waiting.sort_unstable();
        for (_, member) in waiting {
            let running = registry.running();
            let Some(job) = registry.jobs.get_mut(&member) else {
                continue;
            };
            let before = job.status.clone();
            if running >= config.max_running {
                job.status = status(
                    TranscoderState::Waiting,
                    Some(format!("transcode capacity full ({running} running)")),
                    0,
                );
            } else {
                match self.start(job, &config) {
                    Ok(()) => job.status = status(TranscoderState::Starting, None, 0),
                    Err(reason) => {
                        tracing::warn!(stream = %job.rendition.name, %reason, "transcoder not started");
                        job.status = status(TranscoderState::Failed, Some(reason), 0);
                    }
                }
            }
            if job.status != before {
                announcements.push(announce(&job.rendition, Some(job.status.clone())));
            }
        }
    }

    /// Starts the ffmpeg of `job` and the task that follows its life.
    fn start(&self, job: &mut Job, config: &TranscodeConfig) -> Result<(), String> {
        let ffmpeg = config
            .ffmpeg
            .clone()
            .ok_or("ffmpeg is not installed (apt-get install ffmpeg)")?;
        let process = Supervised::start(job.rendition.spec(ffmpeg, config))
            .map_err(|e| format!("ffmpeg could not be started: {e}"))?;
        tracing::info!(stream = %job.rendition.name, source = %job.rendition.source, "transcoder started");
        let mut life = process.life();
        job.process = Some(process);
        let (member, serial) = (job.rendition.member, job.serial);
        let transcoders = self.clone();
        tokio::spawn(async move {
            loop {
                let now = life.borrow_and_update().clone();
                let finished = matches!(now, Life::Finished { .. });
                if !transcoders.lived(member, serial, now) || finished {
                    return;
                }
                if life.changed().await.is_err() {
                    return;
                }
            }
        });
        Ok(())
    }

    /// Takes a report of run `serial` of `member`'s ffmpeg into its status; `false` once
    /// that run is no longer the member's (stopped, replaced).
    fn lived(&self, member: Uuid, serial: u64, life: Life) -> bool {
        let mut announcements = Vec::new();
        {
            let mut registry = self.registry();
            let Some(job) = registry
                .jobs
                .get_mut(&member)
                .filter(|j| j.serial == serial)
            else {
                return false;
            };
            let before = job.status.clone();
            let mut freed = false;
            match life {
                Life::Running { run, .. } => {
                    // A report of the run the media server already accepted changes
                    // nothing.
                    if !(before.state == TranscoderState::Running && before.restarts == run - 1) {
                        job.status = status(TranscoderState::Starting, None, run - 1);
                    }
                }
                Life::Died {
                    run,
                    status: how,
                    last_line,
                    restart_in,
                } => {
                    let reason = match last_line {
                        Some(line) => format!("ffmpeg ended ({how}): {line}"),
                        None => format!("ffmpeg ended ({how})"),
                    };
                    tracing::warn!(stream = %job.rendition.name, %reason, wait = ?restart_in, "transcoder died");
                    job.status = status(TranscoderState::Failed, Some(reason), run - 1);
                }
                Life::Finished { reason } => {
                    job.process = None;
                    job.status = status(
                        TranscoderState::Failed,
                        Some(reason.unwrap_or_else(|| "ffmpeg stopped".into())),
                        before.restarts,
                    );
                    freed = true;
                }
            }
            if job.status != before {
                announcements.push(announce(&job.rendition, Some(job.status.clone())));
            }
            if freed {
                self.fill(&mut registry, &mut announcements);
            }
        }
        self.publish(announcements);
        true
    }

    /// The media server took `member`'s rendition (its publish hook allowed it): the
    /// transcoder runs.
    pub fn published(&self, member: Uuid) {
        let mut announcements = Vec::new();
        if let Some(job) = self.registry().jobs.get_mut(&member) {
            if job.process.is_some() && job.status.state != TranscoderState::Running {
                job.status = status(TranscoderState::Running, None, job.status.restarts);
                announcements.push(announce(&job.rendition, Some(job.status.clone())));
            }
        }
        self.publish(announcements);
    }

    /// Stops every transcoder (the server stops, or this instance no longer runs the
    /// media server): later reconciliations start nothing until configured again. Returns
    /// once every ffmpeg is gone.
    pub async fn stop_all(&self) {
        let jobs: Vec<Job> = {
            let mut registry = self.registry();
            registry.stopping = true;
            registry.jobs.drain().map(|(_, j)| j).collect()
        };
        for job in jobs {
            if let Some(process) = job.process {
                process.stop().await;
            }
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

    fn profile(width: u32, height: u32, bitrate_kbps: u32, framerate: u32) -> Profile {
        Profile {
            id: format!("vtrans2-{width}x{height}x{bitrate_kbps}x{framerate}"),
            width,
            height,
            bitrate_kbps,
            framerate,
        }
    }

    #[test]
    fn ffmpeg_plays_the_passthrough_and_publishes_the_profile_with_a_keyframe_per_fragment() {
        let args = ffmpeg_args(
            "rtmp://127.0.0.1:1935/live/Ab3xY-pass0",
            "rtmp://127.0.0.1:1935/live/Ab3xY-tran1?transcoder=k3y",
            &profile(852, 480, 800, 25),
        );
        assert_eq!(
            text(&args),
            "-hide_banner -nostats -loglevel error -analyzeduration 1000000 \
             -i rtmp://127.0.0.1:1935/live/Ab3xY-pass0 -map 0:v:0 -map 0:a:0? \
             -vf scale=852:480 -r 25 -c:v libx264 -preset veryfast -tune zerolatency \
             -profile:v main -pix_fmt yuv420p -g 25 -keyint_min 25 -sc_threshold 0 \
             -b:v 800k -maxrate 800k -bufsize 1600k -c:a aac -b:a 64k \
             -f flv rtmp://127.0.0.1:1935/live/Ab3xY-tran1?transcoder=k3y"
        );
        // Odd sizes are rounded down to even ones.
        let odd = text(&ffmpeg_args("s", "t", &profile(161, 91, 100, 15)));
        assert!(
            odd.contains(" -vf scale=160:90 -r 15 ") && odd.contains(" -g 15 -keyint_min 15 "),
            "{odd}"
        );
    }

    #[test]
    fn the_publish_key_is_an_hmac_of_the_streamname_under_the_ingest_secret() {
        // RFC 4231, test case 2.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // A key longer than a block is hashed first (RFC 4231, test case 6).
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        let key = publish_key("secret", "Ab3xY-tran1");
        assert_eq!(key.len(), 64);
        assert_eq!(key, publish_key("secret", "Ab3xY-tran1"));
        assert_ne!(key, publish_key("secret", "Ab3xY-tran2"));
        assert_ne!(key, publish_key("other", "Ab3xY-tran1"));
    }

    /// A stand-in for ffmpeg that runs until it is killed.
    fn fake_ffmpeg(dir: &std::path::Path) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("ffmpeg");
        std::fs::write(&path, "#!/bin/sh\nexec sleep 600\n").expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("made runnable");
        path
    }

    fn rendition(group: u128, member: u128, bitrate_kbps: u32) -> Rendition {
        Rendition {
            org_id: Uuid::from_u128(1),
            group: Uuid::from_u128(group),
            member: Uuid::from_u128(member),
            name: StreamName::parse(&format!("Ab3xY-mem{member:02}")).expect("a name"),
            source: StreamName::parse(&format!("Ab3xY-grp{group:02}")).expect("a name"),
            profile: profile(160, 90, bitrate_kbps, 15),
        }
    }

    fn state_of(t: &Transcoders, member: u128) -> Option<(TranscoderState, Option<String>)> {
        t.status(Uuid::from_u128(member))
            .map(|s| (s.state, s.reason))
    }

    #[tokio::test]
    async fn beyond_capacity_members_wait_in_order_and_start_when_a_place_frees() {
        let dir = tempfile::tempdir().expect("dir");
        let transcoders = Transcoders::new(Events::new());
        let mut events = Box::pin(transcoders.events.stream_for(Uuid::from_u128(1)));
        transcoders.configure(TranscodeConfig {
            ffmpeg: Some(fake_ffmpeg(dir.path())),
            rtmp_url: "rtmp://127.0.0.1:1/live".into(),
            ingest_secret: "s".into(),
            max_running: 2,
        });
        let full = Some("transcode capacity full (2 running)".to_string());

        transcoders
            .apply(
                Uuid::from_u128(10),
                vec![rendition(10, 11, 400), rendition(10, 12, 200)],
            )
            .await;
        transcoders
            .apply(Uuid::from_u128(20), vec![rendition(20, 21, 300)])
            .await;

        assert_eq!(
            state_of(&transcoders, 11),
            Some((TranscoderState::Starting, None))
        );
        assert_eq!(
            state_of(&transcoders, 12),
            Some((TranscoderState::Starting, None))
        );
        assert_eq!(
            state_of(&transcoders, 21),
            Some((TranscoderState::Waiting, full.clone()))
        );
        assert_eq!(transcoders.running(), 2);
        let first = transcoders.pid(Uuid::from_u128(11)).expect("a pid");

        // A changed profile restarts that member in its place; the waiting one waits on.
        transcoders
            .apply(
                Uuid::from_u128(10),
                vec![rendition(10, 11, 500), rendition(10, 12, 200)],
            )
            .await;
        let second = transcoders.pid(Uuid::from_u128(11)).expect("a pid");
        assert_ne!(first, second);
        assert_eq!(
            state_of(&transcoders, 21),
            Some((TranscoderState::Waiting, full))
        );

        // The media server took member 11's rendition.
        transcoders.published(Uuid::from_u128(11));
        assert_eq!(
            state_of(&transcoders, 11),
            Some((TranscoderState::Running, None))
        );

        // Group 10 ends: its transcoders stop and the waiting one starts.
        transcoders.stop_group(Uuid::from_u128(10)).await;
        assert_eq!(state_of(&transcoders, 11), None);
        assert_eq!(state_of(&transcoders, 12), None);
        assert_eq!(
            state_of(&transcoders, 21),
            Some((TranscoderState::Starting, None))
        );
        assert!(
            !std::path::Path::new(&format!("/proc/{second}")).exists(),
            "stopped and reaped"
        );

        transcoders.stop_all().await;
        assert_eq!(transcoders.running(), 0);
        transcoders
            .apply(Uuid::from_u128(30), vec![rendition(30, 31, 300)])
            .await;
        assert_eq!(
            state_of(&transcoders, 31),
            None,
            "nothing starts after stop_all"
        );

        // Every change was announced, in order, member 21's last.
        let mut seen = Vec::new();
        while let Ok(Some(e)) = tokio::time::timeout(
            Duration::from_millis(100),
            futures_util::StreamExt::next(&mut events),
        )
        .await
        {
            let StreamEvent::TranscoderChanged(c) =
                StreamEvent::parse(e.kind, &e.data).expect("an event")
            else {
                panic!("{e:?}");
            };
            if c.id == Uuid::from_u128(21) {
                seen.push(c.transcoder.map(|t| t.state.as_str()));
            }
        }
        assert_eq!(
            seen,
            [Some("waiting"), Some("starting")],
            "member 21's announcements"
        );
    }
}
