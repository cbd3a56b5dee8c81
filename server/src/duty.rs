//! The work that must run on exactly one instance at a time: the media server Castboard
//! runs and everything that watches it or works on what it receives — the stall and
//! silence watches, ingest health, recording, transcoding, thumbnails, motion clips and
//! replay. Together they are the media plane ([`MediaPlane`]).
//!
//! On SQLite one instance serves, and it runs the plane from start to stop; so does an
//! instance serving without a media server (`--media off`, an empty plane). On a shared
//! database (PostgreSQL) the instances hold the plane through a lease in the store
//! ([`LEASE`]): the holder renews it every quarter of its term, and stops its plane when
//! it has not renewed for half the term (the database unreachable) — so it has stopped
//! before anyone else may take the lease — or when it finds the lease taken. The others
//! stand by and try to take it as often; one takes it once the holder gave it up
//! (stopping) or its term ran out (killed, or cut off), and starts the plane there. What
//! the old holder left behind is taken up by the new one's watches: live streams whose
//! ingest went silent are ended, files left in `recordings/raw/` are remuxed (when the
//! media folder is shared), and encoders that publish again go live through it.

use crate::media::clips::{ClipConfig, ClipWatch};
use crate::media::nginx_conf::{self, MediaConf};
use crate::media::recording::RecordingConfig;
use crate::media::replay::{ReplayConfig, ReplayWatch};
use crate::media::thumbnails::{ThumbnailConfig, ThumbnailWatch};
use crate::media::transcode::TranscodeConfig;
use crate::media::{test_source, EmbeddedMedia, MediaError, MediaMode};
use crate::state::AppState;
use shared::model::StreamEvent;
use shared::stream::StreamState;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub use crate::state::MEDIA_LEASE as LEASE;

/// What the media plane is started from (each time this instance takes it).
#[derive(Debug, Clone)]
pub struct PlaneSetup {
    pub mode: MediaMode,
    /// The nginx program and its configuration, for [`MediaMode::Embedded`].
    pub nginx: PathBuf,
    pub conf: MediaConf,
    /// How often the media server reports each ingest (the stall and silence watches).
    pub update_interval: Duration,
    pub transcode: TranscodeConfig,
    /// The media server's RTMP application as this machine reaches it.
    pub local_rtmp_url: String,
}

/// The media plane running on this instance.
pub struct MediaPlane {
    state: AppState,
    embedded: Option<EmbeddedMedia>,
    tasks: Vec<JoinHandle<()>>,
    thumbnails: Option<ThumbnailWatch>,
    clips: Option<ClipWatch>,
    replays: Option<ReplayWatch>,
}

impl MediaPlane {
    /// Starts the media server (when embedded) and the work around it, on `state`.
    pub async fn start(state: &AppState, setup: &PlaneSetup) -> Result<MediaPlane, MediaError> {
        let mut plane = MediaPlane {
            state: state.clone(),
            embedded: None,
            tasks: Vec::new(),
            thumbnails: None,
            clips: None,
            replays: None,
        };
        if setup.mode == MediaMode::Off {
            return Ok(plane);
        }
        state.health.forget_mirrored();
        let settings = &state.settings;
        let ffmpeg = || test_source::find_program(&settings.ffmpeg);
        if setup.mode == MediaMode::Embedded {
            let media = EmbeddedMedia::start(&setup.nginx, setup.conf.clone()).await?;
            state.media.attach(&media.control);
            plane
                .tasks
                .push(media.spawn_stall_watch(setup.update_interval));
            plane.tasks.push(crate::media::health::spawn_sampler(
                state.health.clone(),
                media.control.clone(),
                nginx_conf::hls_dir(&settings.media_dir),
                state.store.clone(),
                state.events.clone(),
            ));
            state.recorder.start(
                state.store.clone(),
                state.events.clone(),
                state.processes.clone(),
                media.control.clone(),
                RecordingConfig {
                    ffmpeg: ffmpeg(),
                    media_dir: settings.media_dir.clone(),
                    vod_base: settings.vod_base(),
                },
            );
            plane.embedded = Some(media);
        }
        plane
            .tasks
            .push(spawn_silence_watch(state.clone(), setup.update_interval));
        if state.store.is_shared() {
            plane.tasks.push(spawn_follower(state.clone()));
        }
        state.transcoders.configure(setup.transcode.clone());
        plane.thumbnails = Some(ThumbnailWatch::start(
            state.store.clone(),
            state.events.clone(),
            state.processes.clone(),
            ThumbnailConfig {
                ffmpeg: ffmpeg(),
                media_dir: settings.media_dir.clone(),
                public_url: settings.public_url.clone(),
            },
        ));
        plane.clips = Some(ClipWatch::start(
            state.store.clone(),
            state.events.clone(),
            state.processes.clone(),
            ClipConfig {
                ffmpeg: ffmpeg(),
                rtmp_url: setup.local_rtmp_url.clone(),
                media_dir: settings.media_dir.clone(),
                public_url: settings.public_url.clone(),
            },
        ));
        plane.replays = Some(ReplayWatch::start(
            state.store.clone(),
            state.events.clone(),
            state.processes.clone(),
            ReplayConfig {
                ffmpeg: ffmpeg(),
                rtmp_url: setup.local_rtmp_url.clone(),
                media_dir: settings.media_dir.clone(),
                hls_url: settings.hls_url.clone(),
                watch_url: settings.player.watch_url.clone(),
                embed_url: settings.player.embed_url.clone(),
            },
        ));
        state.plane.set(true);
        Ok(plane)
    }

    /// Stops the work (transcoders, recordings, grabs, watches), then the media server;
    /// returns once every process is gone.
    pub async fn stop(self) {
        self.state.transcoders.stop_all().await;
        self.state.recorder.stop().await;
        if let Some(t) = self.thumbnails {
            t.stop().await;
        }
        if let Some(c) = self.clips {
            c.stop().await;
        }
        if let Some(r) = self.replays {
            r.stop().await;
        }
        for task in self.tasks {
            task.abort();
            let _ = task.await;
        }
        self.state.media.detach();
        if let Some(media) = self.embedded {
            media.stop().await;
        }
        self.state.plane.set(false);
    }
}

/// Ends, every update interval, the live streams whose ingest has gone silent for two
/// intervals and a second (see `routes::ingest::end_silent_ingests`).
fn spawn_silence_watch(state: AppState, interval: Duration) -> JoinHandle<()> {
    let silence = interval * 2 + Duration::from_secs(1);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(interval);
        loop {
            every.tick().await;
            if let Err(e) = crate::routes::ingest::end_silent_ingests(&state, silence).await {
                tracing::warn!(error = %e, "looking for silent ingests failed");
            }
        }
    })
}

/// Follows the changes made through the other instances as the API handler does for
/// its own (`routes::streams::transition`, the profile and member changes): a stream
/// stopped and locked or deleted has its encoder cut at once, and a group whose state or
/// members changed has its transcoders reconciled.
fn spawn_follower(state: AppState) -> JoinHandle<()> {
    let mut others = state.events.from_others();
    tokio::spawn(async move {
        loop {
            let event = match others.recv().await {
                Ok(event) => event,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(
                        missed,
                        "the media server missed changes made through other instances"
                    );
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            let group = match &*event {
                StreamEvent::StateChanged(change) => {
                    if matches!(change.to, StreamState::Locked | StreamState::Deleted) {
                        if let Err(e) = state.media.drop_publisher(change.name.as_str()).await {
                            tracing::warn!(stream = %change.name, error = %e, "could not cut the ingest now");
                        }
                    }
                    change.streamgroup_id
                }
                StreamEvent::Created(change) | StreamEvent::Updated(change) => {
                    change.streamgroup_id
                }
                _ => continue,
            };
            state.transcoders.reconcile(&state.store, group).await;
        }
    })
}

/// Keeps, on an instance of a shared database, what the instance running the media
/// plane announces of its transcoders and of live streams' health, so a stream read
/// through any instance carries them (`Transcoders::mirror`, `HealthMonitor::mirror`).
fn spawn_mirror(state: AppState) -> JoinHandle<()> {
    let mut others = state.events.from_others();
    tokio::spawn(async move {
        loop {
            let event = match others.recv().await {
                Ok(event) => event,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            };
            match &*event {
                StreamEvent::TranscoderChanged(change) => {
                    state
                        .transcoders
                        .mirror(change.id, change.transcoder.clone());
                }
                StreamEvent::Health(change) => {
                    state.health.mirror(change.id, Some(change.health.clone()));
                }
                StreamEvent::StateChanged(change) if change.to != StreamState::Live => {
                    state.health.mirror(change.id, None);
                }
                _ => {}
            }
        }
    })
}

/// How this instance holds the lease.
#[derive(Debug, Clone)]
pub struct LeaseTerms {
    /// This instance, for as long as it runs.
    pub instance: Uuid,
    /// Its own URL, as the others reach it (`--instance-url`): shown to operators as the
    /// holder's, and where standing-by instances pass reads of the plane's state on.
    pub url: String,
    /// The lease's term: a holder that dies is replaced within it.
    pub term: Duration,
}

impl LeaseTerms {
    fn renew_every(&self) -> Duration {
        self.term / 4
    }

    fn term_ms(&self) -> i64 {
        i64::try_from(self.term.as_millis()).unwrap_or(i64::MAX)
    }
}

/// Where this instance stands with the media plane once [`Duty::start`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// It runs the plane.
    Running,
    /// Another instance does (its URL); this one takes over should that one stop.
    StandingBy { holder_url: Option<String> },
}

/// The media plane's keeper on this instance: runs it, or stands by for it.
pub struct Duty {
    stop: watch::Sender<bool>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
    /// The mirror of the plane's announcements, on a shared database.
    mirror: Option<JoinHandle<()>>,
}

impl Duty {
    /// Starts the plane at once on SQLite, or when this instance takes the lease; else
    /// stands by. A media server that cannot start at once is an error (as on one
    /// machine); later, at a takeover, it is logged and the lease given up for another.
    pub async fn start(
        state: &AppState,
        setup: PlaneSetup,
        terms: LeaseTerms,
    ) -> Result<(Duty, Standing), MediaError> {
        // An instance without a media server (`--media off`) has no part in the lease.
        let shared = state.store.is_shared() && setup.mode != MediaMode::Off;
        let held = !shared || hold(state, &terms).await;
        let mut standing = Standing::Running;
        let plane = if held {
            match MediaPlane::start(state, &setup).await {
                Ok(plane) => Some(plane),
                Err(e) => {
                    if shared {
                        release(state, &terms).await;
                    }
                    return Err(e);
                }
            }
        } else {
            let holder_url = state
                .store
                .lease(LEASE)
                .await
                .ok()
                .flatten()
                .map(|l| l.holder_url);
            standing = Standing::StandingBy { holder_url };
            None
        };
        let mirror = state.store.is_shared().then(|| spawn_mirror(state.clone()));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(keep(state.clone(), setup, terms, plane, shared, stopped));
        Ok((
            Duty {
                stop,
                task: std::sync::Mutex::new(Some(task)),
                mirror,
            },
            standing,
        ))
    }

    /// Stops the plane if this instance runs it, and gives the lease up; returns once
    /// its processes are gone. Calling it again does nothing.
    pub async fn stop(&self) {
        if let Some(mirror) = &self.mirror {
            mirror.abort();
        }
        let _ = self.stop.send(true);
        let task = self.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// Takes or renews the lease; a database error counts as not held.
async fn hold(state: &AppState, terms: &LeaseTerms) -> bool {
    let attempt = state
        .store
        .hold_lease(LEASE, terms.instance, &terms.url, terms.term_ms());
    match tokio::time::timeout(terms.renew_every(), attempt).await {
        Ok(Ok(held)) => held,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "the media lease could not be taken or renewed");
            false
        }
        Err(_) => {
            tracing::warn!("the media lease's renewal got no answer in time");
            false
        }
    }
}

async fn release(state: &AppState, terms: &LeaseTerms) {
    if let Err(e) = state.store.release_lease(LEASE, terms.instance).await {
        tracing::warn!(error = %e, "the media lease could not be given up; it lapses at its term");
    }
}

/// The keeper's loop: renews the lease while the plane runs here, tries to take it
/// while it does not; on stop, stops the plane and gives the lease up.
async fn keep(
    state: AppState,
    setup: PlaneSetup,
    terms: LeaseTerms,
    mut plane: Option<MediaPlane>,
    shared: bool,
    mut stopped: watch::Receiver<bool>,
) {
    // When the lease was last known held: the start of the attempt that renewed it.
    let mut held_since = Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(terms.renew_every()) => {}
            _ = stopped.wait_for(|s| *s) => break,
        }
        if !shared {
            continue;
        }
        let attempt = Instant::now();
        if hold(&state, &terms).await {
            held_since = attempt;
            if plane.is_none() {
                match MediaPlane::start(&state, &setup).await {
                    Ok(started) => {
                        tracing::warn!(
                            instance = %terms.instance,
                            "this instance took over the media server (the lease was free)"
                        );
                        plane = Some(started);
                        // Starting may have taken a good part of the term: renew now.
                        let attempt = Instant::now();
                        if hold(&state, &terms).await {
                            held_since = attempt;
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "the media server could not be started here; the lease is given up for another instance");
                        release(&state, &terms).await;
                        // Let another instance take it first.
                        tokio::select! {
                            _ = tokio::time::sleep(terms.term) => {}
                            _ = stopped.wait_for(|s| *s) => break,
                        }
                    }
                }
            }
        } else if plane.is_some() {
            let lost = state
                .store
                .lease(LEASE)
                .await
                .ok()
                .flatten()
                .is_some_and(|l| l.holder != terms.instance);
            if lost || held_since.elapsed() >= terms.term / 2 {
                tracing::error!(
                    taken_by_another = lost,
                    "the media lease is lost; stopping the media server on this instance"
                );
                if let Some(p) = plane.take() {
                    p.stop().await;
                }
            }
        }
    }
    if let Some(p) = plane {
        p.stop().await;
        if shared {
            release(&state, &terms).await;
        }
    }
}
