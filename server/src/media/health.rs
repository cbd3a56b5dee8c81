//! Ingest health: one sampler reads the media server's statistics every second and keeps,
//! per live stream, its readings of the last five minutes in memory (live data: nothing
//! is stored), its health now (the rules are `shared::health`'s) and announces it
//! (`stream.health`, at most once a second per stream, to the stream's organisation).
//!
//! What a reading takes, per live stream:
//! - from `rtmp_stat` ([`stat::ingest_stats`]): the byte count (the bitrate of the last
//!   second is its growth), nginx's video and audio bitrates, the encoder's metadata
//!   (size, declared frame rate, codecs, profiles), dropped frames;
//! - from the stream's HLS in the media folder: the keyframe interval as the fragments'
//!   lengths measure it, and the frame rate as measured on the newest fragment (its video
//!   frames over its length).
//!
//! A stream's readings are dropped once it is no longer live; a live stream the
//! statistics no longer list (nginx restarting) keeps its readings and reads as
//! receiving nothing.

use super::playlist;
use super::stat::{self, IngestStat};
use super::MediaControl;
use crate::events::Events;
use crate::store::{Store, StreamRecord};
use shared::health;
use shared::model::{
    AudioHealth, HealthChanged, HealthHistory, HealthSample, StreamHealth, VideoHealth,
};
use shared::Timestamp;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// nginx-rtmp writes every HLS fragment's video on this PID (its fixed PMT: video 0x100,
/// audio 0x101), one PES packet per frame.
const VIDEO_PID: u16 = 0x100;
const TS_PACKET: usize = 188;

/// How many of the newest fragments the keyframe interval is measured on.
const FRAGMENTS_MEASURED: usize = 5;

/// The frames of video in an MPEG-TS fragment written by nginx-rtmp: the packets of the
/// video PID that start a PES packet.
pub fn video_frames(ts: &[u8]) -> usize {
    ts.chunks_exact(TS_PACKET)
        .filter(|p| {
            p[0] == 0x47
                && p[1] & 0x40 != 0
                && (u16::from(p[1] & 0x1f) << 8 | u16::from(p[2])) == VIDEO_PID
        })
        .count()
}

/// What the stream's HLS measures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Measured {
    pub keyframe_interval_s: Option<f64>,
    pub fps: Option<f64>,
}

/// One live stream's readings and what the last one found.
#[derive(Debug)]
struct Ring {
    samples: VecDeque<HealthSample>,
    /// The statistics of the last reading that listed the stream.
    stat: IngestStat,
    /// When the stream was first read (its fragments from before are another session's).
    since_ms: i64,
    /// The newest fragment measured (its number) and its frame rate.
    fragment: Option<(u64, f64)>,
    current: Option<StreamHealth>,
}

/// The readings of every live stream; cheap to clone (one shared map).
#[derive(Clone, Default)]
pub struct HealthMonitor {
    rings: Arc<Mutex<HashMap<Uuid, Ring>>>,
    /// The health of live streams as the instance running the media server announced
    /// it, while this one stands by ([`HealthMonitor::mirror`]).
    mirrored: Arc<Mutex<HashMap<Uuid, StreamHealth>>>,
}

impl HealthMonitor {
    pub fn new() -> HealthMonitor {
        HealthMonitor::default()
    }

    fn rings(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Ring>> {
        // A panic while holding the lock leaves plain data: still usable.
        self.rings.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The stream's health now; `None` when it is not live or not read yet. On an
    /// instance standing by, the latest the media server's instance announced.
    pub fn current(&self, id: Uuid) -> Option<StreamHealth> {
        match self.rings().get(&id) {
            Some(ring) => ring.current.clone(),
            None => self.mirrored().get(&id).cloned(),
        }
    }

    fn mirrored(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, StreamHealth>> {
        self.mirrored.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes `id`'s health as the instance running the media server announced it
    /// (`None`: the stream is no longer live).
    pub fn mirror(&self, id: Uuid, health: Option<StreamHealth>) {
        let mut mirrored = self.mirrored();
        match health {
            Some(h) => mirrored.insert(id, h),
            None => mirrored.remove(&id),
        };
    }

    /// Forgets what was mirrored (this instance now reads the media server itself).
    pub fn forget_mirrored(&self) {
        self.mirrored().clear();
    }

    /// The stream's health now and its readings of the last five minutes, oldest first
    /// (on an instance standing by, the mirrored health alone: the readings are the media
    /// server's instance's, which `GET /streams/{id}/health` is passed to).
    pub fn history(&self, id: Uuid) -> HealthHistory {
        let rings = self.rings();
        match rings.get(&id) {
            Some(r) => HealthHistory {
                current: r.current.clone(),
                samples: r.samples.iter().cloned().collect(),
            },
            None => HealthHistory {
                current: self.mirrored().get(&id).cloned(),
                samples: Vec::new(),
            },
        }
    }

    /// Forgets every stream but `live`.
    fn retain(&self, live: &[Uuid]) {
        self.rings().retain(|id, _| live.contains(id));
    }

    /// The fragment whose frame rate is known for `id`.
    fn measured_fragment(&self, id: Uuid) -> Option<(u64, f64)> {
        self.rings().get(&id).and_then(|r| r.fragment)
    }

    fn since_ms(&self, id: Uuid) -> Option<i64> {
        self.rings().get(&id).map(|r| r.since_ms)
    }

    /// Takes a reading of `id` made at `at`: `stat` is what nginx lists (`None`: not
    /// listed), `measured` what its HLS measures. The health it comes to; `None` for a
    /// stream that nginx has never listed (a transcode still waiting for its
    /// transcoder).
    pub fn record(
        &self,
        id: Uuid,
        at: Timestamp,
        stat: Option<IngestStat>,
        measured: Measured,
        fragment: Option<(u64, f64)>,
    ) -> Option<StreamHealth> {
        let mut rings = self.rings();
        let ring = match (rings.get_mut(&id), stat.clone()) {
            (Some(ring), _) => ring,
            (None, Some(stat)) => rings.entry(id).or_insert(Ring {
                samples: VecDeque::with_capacity(health::HISTORY_SAMPLES),
                stat,
                since_ms: at.millis(),
                fragment: None,
                current: None,
            }),
            (None, None) => return None,
        };
        let listed = stat.is_some();
        if let Some(stat) = stat {
            ring.stat = stat;
        }
        if fragment.is_some() {
            ring.fragment = fragment;
        }
        let previous = ring.samples.back();
        let bytes_in = if listed {
            ring.stat.bytes_in
        } else {
            previous.map_or(0, |p| p.bytes_in)
        };
        let kbps = match previous {
            _ if !listed => 0,
            Some(p) if bytes_in >= p.bytes_in && at.millis() > p.at.millis() => {
                let ms = u64::try_from(at.millis() - p.at.millis()).unwrap_or(1);
                u32::try_from((bytes_in - p.bytes_in) * 8 / ms).unwrap_or(u32::MAX)
            }
            // The first reading, or a new publish (the count started again): nginx's own.
            _ => u32::try_from(ring.stat.bw_in / 1000).unwrap_or(u32::MAX),
        };
        let kbit = |bps: u64| u32::try_from(bps / 1000).unwrap_or(u32::MAX);
        let (video_kbps, audio_kbps) = if listed {
            (kbit(ring.stat.bw_video), kbit(ring.stat.bw_audio))
        } else {
            (0, 0)
        };
        if ring.samples.len() == health::HISTORY_SAMPLES {
            ring.samples.pop_front();
        }
        ring.samples.push_back(HealthSample {
            at,
            kbps,
            video_kbps,
            audio_kbps,
            fps: measured.fps,
            keyframe_interval_s: measured.keyframe_interval_s,
            bytes_in,
        });
        let current = assess(ring.samples.make_contiguous(), &ring.stat);
        ring.current = current.clone();
        current
    }
}

/// A live stream's health from its readings (the newest last) and what nginx last
/// reported of it.
fn assess(samples: &[HealthSample], stat: &IngestStat) -> Option<StreamHealth> {
    let last = samples.last()?;
    let declared_fps = stat.video.as_ref().and_then(|v| v.frame_rate);
    let issues = health::issues(samples, declared_fps);
    let video = (stat.video.is_some() || stat.bw_video > 0).then(|| {
        let meta = stat.video.clone().unwrap_or_default();
        VideoHealth {
            codec: meta.codec,
            profile: meta.profile,
            level: meta.level,
            width: meta.width,
            height: meta.height,
            fps: last.fps,
            fps_declared: meta.frame_rate,
            kbps: last.video_kbps,
        }
    });
    let audio = (stat.audio.is_some() || stat.bw_audio > 0).then(|| {
        let meta = stat.audio.clone().unwrap_or_default();
        AudioHealth {
            codec: meta.codec,
            profile: meta.profile,
            channels: meta.channels,
            sample_rate: meta.sample_rate,
            kbps: last.audio_kbps,
        }
    });
    Some(StreamHealth {
        status: health::status(&issues),
        issues,
        at: last.at,
        kbps: health::recent_kbps(samples),
        video,
        audio,
        keyframe_interval_s: last.keyframe_interval_s,
        keyframe_interval_declared_s: None,
        dropped_frames: stat.dropped,
        last_data_at: health::last_data(samples).map_or(last.at, |s| s.at),
        idle_s: health::idle_s(samples),
    })
}

/// Measures the HLS of the stream published as `name` in `hls_dir`: the keyframe
/// interval from the lengths of its newest fragments of this session (those that began
/// at `since_ms` or later, less a fragment's slack), and the frame rate of its newest
/// fragment (read again only when a new one is there: `known` is the last one measured).
/// Also the newest fragment measured, for next time.
async fn measure(
    hls_dir: &Path,
    name: &str,
    since_ms: Option<i64>,
    known: Option<(u64, f64)>,
) -> (Measured, Option<(u64, f64)>) {
    let Ok(text) = tokio::fs::read_to_string(hls_dir.join(format!("{name}.m3u8"))).await else {
        return (Measured::default(), None);
    };
    let since = since_ms.map_or(0, |ms| u64::try_from(ms - 3000).unwrap_or(0));
    let fragments: Vec<(f64, u64)> = playlist::fragments(&text, name)
        .into_iter()
        .filter(|(_, ms)| *ms >= since)
        .collect();
    let lengths: Vec<f64> = fragments
        .iter()
        .rev()
        .take(FRAGMENTS_MEASURED)
        .map(|(d, _)| *d)
        .collect();
    let keyframe_interval_s = health::keyframe_interval(&lengths);
    let Some(&(length, newest)) = fragments.last() else {
        return (Measured::default(), None);
    };
    let fragment = match known {
        Some((n, fps)) if n == newest => Some((n, fps)),
        _ => match tokio::fs::read(hls_dir.join(format!("{name}-{newest}.ts"))).await {
            Ok(ts) if length > 0.0 => Some((newest, video_frames(&ts) as f64 / length)),
            _ => None,
        },
    };
    let fps = fragment.map(|(_, fps)| (fps * 10.0).round() / 10.0);
    (
        Measured {
            keyframe_interval_s,
            fps,
        },
        fragment,
    )
}

/// Reads every live stream once: the statistics, each one's HLS; records and announces
/// their health and forgets streams no longer live.
async fn tick(
    monitor: &HealthMonitor,
    control: &MediaControl,
    hls_dir: &Path,
    store: &Store,
    events: &Events,
) {
    let stats = match control.stat().await {
        Ok(xml) => stat::ingest_stats(&xml),
        Err(_) => HashMap::new(),
    };
    let live: Vec<StreamRecord> = match store.live_streams().await {
        Ok(live) => live,
        Err(e) => {
            tracing::warn!(error = %e, "the health sampler could not list live streams");
            return;
        }
    };
    let at = Timestamp::from(chrono::Utc::now());
    for r in &live {
        let stat = stats.get(r.name.as_str()).cloned();
        let (measured, fragment) = if stat.is_some() {
            measure(
                hls_dir,
                r.name.as_str(),
                monitor.since_ms(r.id),
                monitor.measured_fragment(r.id),
            )
            .await
        } else {
            (Measured::default(), None)
        };
        if let Some(health) = monitor.record(r.id, at, stat, measured, fragment) {
            events.health(
                r.org_id,
                &HealthChanged {
                    id: r.id,
                    name: r.name.clone(),
                    streamgroup_id: r.group_id,
                    health,
                },
            );
        }
    }
    let ids: Vec<Uuid> = live.iter().map(|r| r.id).collect();
    monitor.retain(&ids);
}

/// Runs the sampler: a reading every second (a late one is not made up for, so no stream
/// is announced twice within a second) until the media server stops.
pub fn spawn_sampler(
    monitor: HealthMonitor,
    control: MediaControl,
    hls_dir: PathBuf,
    store: Store,
    events: Events,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every =
            tokio::time::interval(Duration::from_secs(u64::from(health::SAMPLE_INTERVAL_S)));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            tick(&monitor, &control, &hls_dir, &store, &events).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::model::{HealthIssueCode, HealthStatus};

    fn at(s: i64) -> Timestamp {
        Timestamp::from_millis(1_796_320_000_000 + s * 1000).expect("a time")
    }

    fn stat(bytes_in: u64) -> IngestStat {
        IngestStat {
            bytes_in,
            bw_in: 400_000,
            bw_video: 330_000,
            bw_audio: 70_000,
            dropped: 0,
            video: Some(stat::VideoMeta {
                width: 320,
                height: 180,
                frame_rate: Some(10.0),
                codec: Some("H264".into()),
                profile: None,
                level: None,
            }),
            audio: None,
        }
    }

    const ONE_SECOND: Measured = Measured {
        keyframe_interval_s: Some(1.0),
        fps: Some(10.0),
    };

    #[test]
    fn readings_give_the_bitrate_from_the_byte_count_and_the_health() {
        let monitor = HealthMonitor::new();
        let id = Uuid::from_u128(1);
        assert_eq!(
            monitor.record(id, at(0), None, Measured::default(), None),
            None,
            "never listed: nothing to say"
        );
        let first = monitor
            .record(id, at(0), Some(stat(0)), ONE_SECOND, None)
            .expect("health");
        assert_eq!(first.kbps, 400, "the first reading takes nginx's average");
        for s in 1..=5 {
            monitor.record(id, at(s), Some(stat(50_000 * s as u64)), ONE_SECOND, None);
        }
        let h = monitor.current(id).expect("health");
        assert_eq!(h.kbps, 400, "50 000 bytes a second");
        assert_eq!(h.status, HealthStatus::Healthy);
        let video = h.video.expect("video");
        assert_eq!((video.width, video.height, video.kbps), (320, 180, 330));
        assert_eq!(h.audio.map(|a| a.kbps), Some(70));
        assert_eq!(monitor.history(id).samples.len(), 6);

        // Not listed any more (nginx restarting): nothing arrives.
        for s in 6..=8 {
            monitor.record(id, at(s), None, Measured::default(), None);
        }
        let h = monitor.current(id).expect("health");
        assert_eq!(h.idle_s, 3);
        assert_eq!(h.last_data_at, at(5));
        assert_eq!(h.issues[0].code, HealthIssueCode::NoData);
        assert_eq!(h.status, HealthStatus::Unhealthy);

        monitor.retain(&[]);
        assert_eq!(monitor.current(id), None);
        assert_eq!(monitor.history(id).samples, []);
    }

    #[test]
    fn five_minutes_of_readings_are_kept() {
        let monitor = HealthMonitor::new();
        let id = Uuid::from_u128(2);
        for s in 0..400 {
            monitor.record(id, at(s), Some(stat(1000 * s as u64)), ONE_SECOND, None);
        }
        let samples = monitor.history(id).samples;
        assert_eq!(samples.len(), health::HISTORY_SAMPLES);
        assert_eq!(samples[0].at, at(100));
    }

    #[test]
    fn the_video_frames_of_a_fragment_are_its_video_pes_starts() {
        let packet = |pid: u16, start: bool| {
            let mut p = vec![0xffu8; TS_PACKET];
            p[0] = 0x47;
            p[1] = (if start { 0x40 } else { 0 }) | (pid >> 8) as u8;
            p[2] = (pid & 0xff) as u8;
            p
        };
        let mut ts = Vec::new();
        for _ in 0..3 {
            ts.extend(packet(0x100, true));
            ts.extend(packet(0x100, false));
            ts.extend(packet(0x101, true));
        }
        ts.extend(packet(0x1001, true));
        assert_eq!(video_frames(&ts), 3);
        assert_eq!(video_frames(&[]), 0);
    }
}
