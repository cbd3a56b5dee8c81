//! The Overview tab's "Ingest health" card: while the stream is live, what the media
//! server's statistics say about its ingest, read every second by the server: the status
//! and its issues in plain language (the server's, from `shared::health`'s rules), the
//! video and audio as declared and measured, the bitrate with a sparkline of the last
//! five minutes, the keyframe interval measured next to the declared one, dropped frames
//! and when data last arrived.
//!
//! The page keeps a [`HealthView`] in its [`Ctx`]: the card loads
//! `GET /streams/{id}/health` once when the stream is (or goes) live, and the page's event
//! handler appends every `stream.health` reading of the shown stream. The sparkline plots
//! the bitrate the card shows (the last five seconds' average) at each reading, so the
//! loaded readings and the announced ones draw one line. Each figure is its own memo, so a
//! reading changes only the text that changed.
//!
//! Layer: a page part; it imports the page's [`Ctx`], [`crate::api`], [`crate::format`]
//! and `shared`.

use super::Ctx;
use crate::api;
use crate::format;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::health::{number_text, recent_kbps, HISTORY_SAMPLES, SAMPLE_INTERVAL_S};
use shared::model::{
    AudioHealth, HealthHistory, HealthIssue, HealthSample, HealthStatus, StreamHealth, VideoHealth,
};
use shared::stream::StreamState;

/// The span of the sparkline: the five minutes of readings the server keeps, in ms.
pub const SPAN_MS: i64 = HISTORY_SAMPLES as i64 * SAMPLE_INTERVAL_S as i64 * 1000;
/// The sparkline's drawing box: one unit a second across, and its height.
pub const SPARK_WIDTH: i64 = 300;
pub const SPARK_HEIGHT: i64 = 60;
/// Room above and below the line, so the stroke is not cut at the peak or at zero.
const SPARK_PAD: i64 = 2;

/// One point of the sparkline: when (ms since the epoch) and the bitrate then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub at_ms: i64,
    pub kbps: u32,
}

/// The shown stream's health: now, and the bitrate of the last five minutes (oldest
/// first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthView {
    pub current: Option<StreamHealth>,
    pub points: Vec<Point>,
}

impl HealthView {
    /// What the stream's own answer brought (`health` of a live stream), before the
    /// readings are loaded.
    pub fn seeded(health: Option<StreamHealth>) -> HealthView {
        let mut view = HealthView::default();
        if let Some(health) = health {
            view.push(health);
        }
        view
    }

    /// Takes the loaded readings: their line, then whatever events brought that is newer
    /// than their newest; the newer of the two healths.
    pub fn merge(&mut self, history: HealthHistory) {
        let mut points = points_of(&history.samples);
        let newest = points.last().map(|p| p.at_ms);
        points.extend(
            self.points
                .iter()
                .filter(|p| newest.is_none_or(|n| p.at_ms > n)),
        );
        self.points = points;
        self.current = match (self.current.take(), history.current) {
            (Some(mine), Some(loaded)) if mine.at > loaded.at => Some(mine),
            (mine, loaded) => loaded.or(mine),
        };
        self.trim();
    }

    /// Takes one announced reading; one no newer than the current is ignored.
    pub fn push(&mut self, health: StreamHealth) {
        if self.current.as_ref().is_some_and(|now| now.at >= health.at) {
            return;
        }
        self.points.push(Point {
            at_ms: health.at.millis(),
            kbps: health.kbps,
        });
        self.current = Some(health);
        self.trim();
    }

    /// Drops the points older than five minutes before the newest.
    fn trim(&mut self) {
        if let Some(newest) = self.points.last().map(|p| p.at_ms) {
            self.points.retain(|p| newest - p.at_ms < SPAN_MS);
        }
    }
}

/// The sparkline's points of loaded readings: at each, the average of its last five
/// seconds, as the server computes `health.kbps`.
pub fn points_of(samples: &[HealthSample]) -> Vec<Point> {
    (0..samples.len())
        .map(|i| Point {
            at_ms: samples[i].at.millis(),
            kbps: recent_kbps(&samples[..=i]),
        })
        .collect()
}

/// `a * b / c` rounded to the nearest whole number (`c` > 0, all non-negative).
fn scaled(a: i64, b: i64, c: i64) -> i64 {
    (a * b + c / 2) / c
}

/// The `points` of the sparkline's `<polyline>` in a [`SPARK_WIDTH`] × [`SPARK_HEIGHT`]
/// box: x is the time within the five minutes that end at the newest point (the newest
/// at the right edge), y the bitrate from the bottom (0) to the top (the highest bitrate
/// shown), whole units. Empty without points.
pub fn sparkline(points: &[Point]) -> String {
    let Some(newest) = points.last().map(|p| p.at_ms) else {
        return String::new();
    };
    let shown: Vec<&Point> = points
        .iter()
        .filter(|p| (0..SPAN_MS).contains(&(newest - p.at_ms)))
        .collect();
    let peak = i64::from(shown.iter().map(|p| p.kbps).max().unwrap_or(0));
    let range = SPARK_HEIGHT - 2 * SPARK_PAD;
    shown
        .iter()
        .map(|p| {
            let x = SPARK_WIDTH - scaled(newest - p.at_ms, SPARK_WIDTH, SPAN_MS);
            let y = if peak == 0 {
                SPARK_HEIGHT - SPARK_PAD
            } else {
                SPARK_PAD + scaled(peak - i64::from(p.kbps), range, peak)
            };
            format!("{x},{y}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The highest bitrate the sparkline shows (its top).
pub fn peak(points: &[Point]) -> u32 {
    let Some(newest) = points.last().map(|p| p.at_ms) else {
        return 0;
    };
    points
        .iter()
        .filter(|p| newest - p.at_ms < SPAN_MS)
        .map(|p| p.kbps)
        .max()
        .unwrap_or(0)
}

/// "1,234 kbit/s (video 1,000, audio 128)": the last five seconds, and the media server's
/// own averages of each (over about ten seconds), left out while they read 0 (nginx's
/// first seconds).
pub fn bitrate_text(health: &StreamHealth) -> String {
    let part = |name: &str, kbps: Option<u32>| {
        kbps.filter(|k| *k > 0)
            .map(|k| format!("{name} {}", format::thousands(k.into())))
    };
    let parts: Vec<String> = [
        part("video", health.video.as_ref().map(|v| v.kbps)),
        part("audio", health.audio.as_ref().map(|a| a.kbps)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        format::kbps(health.kbps)
    } else {
        format!("{} ({})", format::kbps(health.kbps), parts.join(", "))
    }
}

/// "320×180 · H264 Baseline 1.1"; what the encoder did not declare is left out.
pub fn video_text(video: &VideoHealth) -> String {
    let size = if video.width > 0 && video.height > 0 {
        format!("{}×{}", video.width, video.height)
    } else {
        "size not declared".to_string()
    };
    let codec: Vec<&str> = [&video.codec, &video.profile, &video.level]
        .into_iter()
        .filter_map(|t| t.as_deref())
        .collect();
    if codec.is_empty() {
        size
    } else {
        format!("{size} · {}", codec.join(" "))
    }
}

/// "10 fps (declared 10)": measured on the newest fragment, next to the encoder's.
pub fn fps_text(measured: Option<f64>, declared: Option<f64>) -> String {
    let measured = measured.map_or_else(
        || "not measured yet".to_string(),
        |f| format!("{} fps", number_text(f)),
    );
    let declared = declared.map_or_else(
        || "none declared".to_string(),
        |f| format!("declared {}", number_text(f)),
    );
    format!("{measured} ({declared})")
}

/// "1 s (declared: not sent by the encoder)": as the fragments measure it, next to the
/// encoder's declaration.
pub fn keyframe_text(measured: Option<f64>, declared: Option<f64>) -> String {
    let measured = measured.map_or_else(
        || "not measured yet".to_string(),
        |s| format!("{} s", number_text(s)),
    );
    let declared = declared.map_or_else(
        || "not sent by the encoder".to_string(),
        |s| format!("{} s", number_text(s)),
    );
    format!("{measured} (declared: {declared})")
}

/// "AAC LC · mono · 44.1 kHz"; what the encoder did not declare is left out.
pub fn audio_text(audio: &AudioHealth) -> String {
    let codec: Vec<&str> = [&audio.codec, &audio.profile]
        .into_iter()
        .filter_map(|t| t.as_deref())
        .collect();
    let channels = audio.channels.map(|n| match n {
        1 => "mono".to_string(),
        2 => "stereo".to_string(),
        n => format!("{n} channels"),
    });
    let rate = audio.sample_rate.map(|hz| {
        let tenths = (hz + 50) / 100;
        if tenths.is_multiple_of(10) {
            format!("{} kHz", tenths / 10)
        } else {
            format!("{}.{} kHz", tenths / 10, tenths % 10)
        }
    });
    let parts: Vec<String> = [(!codec.is_empty()).then(|| codec.join(" ")), channels, rate]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        "nothing declared".to_string()
    } else {
        parts.join(" · ")
    }
}

/// "2026-12-03 12:00:00 UTC (4 s ago)".
pub fn last_data_text(health: &StreamHealth) -> String {
    format!(
        "{} ({} s ago)",
        format::utc_text(health.last_data_at),
        health.idle_s
    )
}

/// What the card can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    NotLive,
    /// Live, no reading yet (the first comes a second after going live).
    Waiting,
    Reading,
}

/// A figure of the current health, recomputed per reading but redrawn only when its text
/// changed.
fn figure(ctx: Ctx, f: fn(&StreamHealth) -> String) -> Memo<String> {
    Memo::new(move |_| {
        ctx.health
            .with(|h| h.current.as_ref().map(f).unwrap_or_default())
    })
}

/// The card. Loads the readings of the last minutes whenever the stream is (or goes) live.
#[component]
pub(super) fn HealthCard(ctx: Ctx) -> impl IntoView {
    let id = ctx.current.with_untracked(|s| s.id);
    let live = Memo::new(move |_| ctx.current.with(|s| s.state == StreamState::Live));
    // Why the last minutes' readings could not be loaded, if they could not.
    let history_failed: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move || {
        if !live.get() {
            history_failed.set(None);
            return;
        }
        spawn_local(async move {
            match api::stream_health(id).await {
                Ok(history) => {
                    history_failed.try_set(None);
                    if live.try_get_untracked() == Some(true) {
                        ctx.health.try_update(|h| h.merge(history));
                    }
                }
                // Events keep coming; the line starts with them, and says so.
                Err(e) => {
                    history_failed.try_set(Some(e.message()));
                }
            }
        });
    });
    let history_note = move || {
        history_failed.get().map(|why| {
            view! {
                <p class="hint" role="status" data-testid="health-history-failed">
                    {format!(
                        "The readings of the last minutes could not be loaded ({why}); the line starts with the readings from now on."
                    )}
                </p>
            }
        })
    };
    let phase = Memo::new(move |_| {
        if !live.get() {
            Phase::NotLive
        } else if ctx.health.with(|h| h.current.is_none()) {
            Phase::Waiting
        } else {
            Phase::Reading
        }
    });
    let status = Memo::new(move |_| {
        ctx.health.with(|h| {
            h.current
                .as_ref()
                .map_or(HealthStatus::Healthy, |c| c.status)
        })
    });
    let body = move || {
        match phase.get() {
        Phase::NotLive => view! {
            <p class="hint" data-testid="health-not-live">
                "Health is read while the stream is live: bitrate, frame rate, keyframe interval and more, every second."
            </p>
        }
        .into_any(),
        Phase::Waiting => view! {
            <p class="hint" role="status" data-testid="health-waiting">
                "Live: waiting for the first reading…"
            </p>
        }
        .into_any(),
        Phase::Reading => view! { <Readings ctx status /> }.into_any(),
    }
    };
    view! {
        <section
            class="card stream-card health-card"
            aria-labelledby="health-heading"
            data-testid="ingest-health"
            data-phase=move || match phase.get() {
                Phase::NotLive => "not-live",
                Phase::Waiting => "waiting",
                Phase::Reading => "reading",
            }
        >
            <div class="health-head">
                <h2 class="card-title" id="health-heading">
                    "Ingest health"
                </h2>
                {move || {
                    (phase.get() == Phase::Reading)
                        .then(|| {
                            let s = status.get();
                            view! {
                                <span
                                    class=format!("badge badge-health badge-health-{}", s.as_str())
                                    data-testid="health-status"
                                    data-status=s.as_str()
                                >
                                    {s.label()}
                                </span>
                            }
                        })
                }}
            </div>
            {body}
            {history_note}
        </section>
    }
}

/// The readings of a live stream: issues, sparkline and figures.
#[component]
fn Readings(ctx: Ctx, status: Memo<HealthStatus>) -> impl IntoView {
    let issues = Memo::new(move |_| {
        ctx.health.with(|h| {
            h.current
                .as_ref()
                .map(|c| c.issues.clone())
                .unwrap_or_default()
        })
    });
    let points = Memo::new(move |_| ctx.health.with(|h| sparkline(&h.points)));
    let peak = Memo::new(move |_| ctx.health.with(|h| peak(&h.points)));
    let bitrate = figure(ctx, bitrate_text);
    let video = figure(ctx, |h| {
        h.video
            .as_ref()
            .map_or_else(|| "none".to_string(), video_text)
    });
    let fps = figure(ctx, |h| {
        h.video.as_ref().map_or_else(
            || "no video".to_string(),
            |v| fps_text(v.fps, v.fps_declared),
        )
    });
    let audio = figure(ctx, |h| {
        h.audio
            .as_ref()
            .map_or_else(|| "none".to_string(), audio_text)
    });
    let keyframes = figure(ctx, |h| {
        keyframe_text(h.keyframe_interval_s, h.keyframe_interval_declared_s)
    });
    let dropped = figure(ctx, |h| format::thousands(h.dropped_frames));
    let last_data = figure(ctx, last_data_text);
    let issue_list = move || {
        let found: Vec<HealthIssue> = issues.get();
        if found.is_empty() {
            return view! {
                <p class="health-fine" data-testid="health-no-issues">
                    "No issues: the encoder sends steadily."
                </p>
            }
            .into_any();
        }
        view! {
            <ul class="health-issues" data-testid="health-issues">
                {found
                    .into_iter()
                    .map(|i| {
                        view! {
                            <li
                                class=format!("health-issue health-issue-{}", i.severity.as_str())
                                data-testid="health-issue"
                                data-code=i.code.as_str()
                            >
                                {i.message}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let row = |label: &'static str, testid: &'static str, value: Memo<String>| {
        view! {
            <div class="details-row">
                <dt>{label}</dt>
                <dd data-testid=testid>{move || value.get()}</dd>
            </div>
        }
    };
    view! {
        <div class="health-body" data-status=move || status.get().as_str()>
            {issue_list}
            <figure class="health-spark">
                <svg
                    class="health-sparkline"
                    viewBox=format!("0 0 {SPARK_WIDTH} {SPARK_HEIGHT}")
                    preserveAspectRatio="none"
                    role="img"
                    aria-label=move || {
                        format!("Bitrate of the last five minutes, peak {}", format::kbps(peak.get()))
                    }
                    data-testid="health-sparkline"
                >
                    <polyline points=move || points.get() data-testid="health-sparkline-line" />
                </svg>
                <figcaption class="hint">
                    {move || format!("Bitrate, last 5 minutes · peak {}", format::kbps(peak.get()))}
                </figcaption>
            </figure>
            <dl class="details health-figures">
                {row("Bitrate", "health-bitrate", bitrate)}
                {row("Video", "health-video", video)}
                {row("Frame rate", "health-fps", fps)}
                {row("Audio", "health-audio", audio)}
                {row("Keyframe interval", "health-keyframes", keyframes)}
                {row("Dropped frames", "health-dropped", dropped)}
                {row("Last data received", "health-last-data", last_data)}
            </dl>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::model::HealthIssueCode;
    use shared::Timestamp;

    const T0: i64 = 1_796_320_000_000;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_millis(T0 + s * 1000).expect("a time")
    }

    fn point(s: i64, kbps: u32) -> Point {
        Point {
            at_ms: T0 + s * 1000,
            kbps,
        }
    }

    fn sample(s: i64, kbps: u32) -> HealthSample {
        HealthSample {
            at: at(s),
            kbps,
            video_kbps: 0,
            audio_kbps: 0,
            fps: None,
            keyframe_interval_s: None,
            bytes_in: 0,
        }
    }

    fn health(s: i64, kbps: u32) -> StreamHealth {
        StreamHealth {
            at: at(s),
            kbps,
            ..StreamHealth::example()
        }
    }

    #[test]
    fn the_sparkline_spans_five_minutes_ending_at_the_newest_reading() {
        assert_eq!(sparkline(&[]), "");
        // The newest at the right edge, one unit a second; the peak at the top (2), zero
        // at the bottom (58).
        assert_eq!(
            sparkline(&[point(0, 0), point(1, 500), point(2, 1000)]),
            "298,58 299,30 300,2"
        );
        // The five minutes are the 300 readings a second apart the server keeps: one
        // 299 s before the newest is the second column; older points are not drawn.
        let spread = [
            point(0, 9999),
            point(1, 400),
            point(150, 800),
            point(300, 200),
        ];
        assert_eq!(sparkline(&spread), "1,30 150,2 300,44");
        assert_eq!(peak(&spread), 800);
        assert_eq!(peak(&[point(0, 9999), point(1, 400), point(300, 200)]), 400);
        // Nothing received: a flat line at the bottom.
        assert_eq!(sparkline(&[point(0, 0), point(1, 0)]), "299,58 300,58");
        // Half-seconds round: 0.4 s after the previous is the same column.
        let odd = [
            Point {
                at_ms: T0,
                kbps: 100,
            },
            Point {
                at_ms: T0 + 400,
                kbps: 100,
            },
        ];
        assert_eq!(sparkline(&odd), "300,2 300,2");
    }

    #[test]
    fn loaded_readings_draw_the_five_second_average_as_the_health_does() {
        let samples = [
            sample(0, 100),
            sample(1, 200),
            sample(2, 300),
            sample(3, 400),
            sample(4, 500),
            sample(5, 600),
        ];
        let kbps: Vec<u32> = points_of(&samples).iter().map(|p| p.kbps).collect();
        // (100), (100+200)/2, …, the last: (200+…+600)/5.
        assert_eq!(kbps, [100, 150, 200, 250, 300, 400]);
        assert_eq!(points_of(&samples)[5].at_ms, T0 + 5000);
    }

    #[test]
    fn readings_are_appended_in_order_and_loaded_ones_merged_with_later_events() {
        let mut view = HealthView::seeded(Some(health(10, 400)));
        assert_eq!(view.points, [point(10, 400)]);
        view.push(health(11, 420));
        // An older or repeated reading changes nothing.
        view.push(health(11, 999));
        view.push(health(9, 999));
        assert_eq!(view.points, [point(10, 400), point(11, 420)]);
        assert_eq!(view.current.as_ref().map(|h| h.kbps), Some(420));

        // The history answers up to 10 s: its line, then the event of 11 s.
        view.merge(HealthHistory {
            current: Some(health(10, 400)),
            samples: vec![sample(9, 300), sample(10, 500)],
        });
        assert_eq!(view.points, [point(9, 300), point(10, 400), point(11, 420)]);
        assert_eq!(view.current.as_ref().map(|h| h.at), Some(at(11)));

        // A history newer than anything heard wins.
        let mut fresh = HealthView::default();
        fresh.merge(HealthHistory {
            current: Some(health(3, 100)),
            samples: vec![sample(3, 100)],
        });
        assert_eq!(fresh.points, [point(3, 100)]);
        assert_eq!(fresh.current.map(|h| h.at), Some(at(3)));
    }

    #[test]
    fn points_older_than_five_minutes_are_dropped() {
        let mut view = HealthView::default();
        for s in 0..=300 {
            view.push(health(s, 100));
        }
        assert_eq!(view.points.len(), 300);
        assert_eq!(view.points[0], point(1, 100));
    }

    #[test]
    fn figures_read_in_plain_words() {
        let h = StreamHealth::example();
        assert_eq!(bitrate_text(&h), "412 kbit/s (video 330, audio 72)");
        let mut early = h.clone();
        if let Some(a) = early.audio.as_mut() {
            a.kbps = 0;
        }
        assert_eq!(bitrate_text(&early), "412 kbit/s (video 330)");
        if let Some(v) = early.video.as_mut() {
            v.kbps = 0;
        }
        assert_eq!(bitrate_text(&early), "412 kbit/s");
        let video = h.video.clone().expect("video");
        assert_eq!(video_text(&video), "320×180 · H264 High 1.2");
        let bare = VideoHealth {
            codec: None,
            profile: None,
            level: None,
            width: 0,
            height: 0,
            ..video
        };
        assert_eq!(video_text(&bare), "size not declared");
        assert_eq!(fps_text(Some(9.96), Some(10.0)), "10 fps (declared 10)");
        assert_eq!(fps_text(Some(7.5), None), "7.5 fps (none declared)");
        assert_eq!(
            fps_text(None, Some(29.97)),
            "not measured yet (declared 30)"
        );
        assert_eq!(
            keyframe_text(Some(8.0), None),
            "8 s (declared: not sent by the encoder)"
        );
        assert_eq!(keyframe_text(Some(1.0), Some(2.0)), "1 s (declared: 2 s)");
        assert_eq!(
            keyframe_text(None, None),
            "not measured yet (declared: not sent by the encoder)"
        );
        let audio = h.audio.clone().expect("audio");
        assert_eq!(audio_text(&audio), "AAC LC · mono · 44.1 kHz");
        let stereo = AudioHealth {
            channels: Some(2),
            sample_rate: Some(48_000),
            profile: None,
            ..audio.clone()
        };
        assert_eq!(audio_text(&stereo), "AAC · stereo · 48 kHz");
        let bare = AudioHealth {
            codec: None,
            profile: None,
            channels: Some(6),
            sample_rate: None,
            kbps: 0,
        };
        assert_eq!(audio_text(&bare), "6 channels");
        let nothing = AudioHealth {
            channels: None,
            ..bare
        };
        assert_eq!(audio_text(&nothing), "nothing declared");
        let stalled = StreamHealth {
            idle_s: 4,
            video: None,
            audio: None,
            issues: vec![HealthIssue {
                code: HealthIssueCode::NoData,
                severity: HealthStatus::Unhealthy,
                message: "no data for 4 s".into(),
            }],
            ..h
        };
        assert_eq!(
            last_data_text(&stalled),
            "2026-12-03 12:00:00 UTC (4 s ago)"
        );
        assert_eq!(bitrate_text(&stalled), "412 kbit/s");
    }
}
