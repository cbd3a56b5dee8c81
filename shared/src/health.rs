//! The rules of ingest health: from a live stream's readings (one a second, the newest
//! last) to its issues and status. The server assesses with them and the dashboard
//! reads their results; docs/media.md ("Ingest health") states the same thresholds.

use crate::model::{HealthIssue, HealthIssueCode, HealthSample, HealthStatus};

/// Seconds between two readings.
pub const SAMPLE_INTERVAL_S: u32 = 1;
/// Readings kept per live stream: five minutes.
pub const HISTORY_SAMPLES: usize = 300;

/// A measured keyframe interval longer than this (seconds) is a warning: with 1-second
/// fragments, latency grows with it.
pub const KEYFRAME_INTERVAL_MAX_S: f64 = 4.0;
/// The recent bitrate: the average of the readings of the last this many seconds.
pub const RECENT_S: u32 = 5;
/// The baseline bitrate: the average of the readings of the last this many seconds.
pub const BASELINE_S: u32 = 60;
/// A recent bitrate below this share of the baseline is a warning.
pub const BITRATE_DROP_RATIO: f64 = 0.5;
/// The bitrate is compared only once the readings span this many seconds (a fresh
/// ingest has no baseline yet).
pub const BASELINE_MIN_S: u32 = 15;
/// Nothing received for this many seconds or more is unhealthy.
pub const NO_DATA_S: u32 = 3;
/// A measured frame rate below this share of the declared one is a warning.
pub const FPS_MIN_RATIO: f64 = 0.8;

/// Milliseconds from `a` to `b`.
fn span_ms(a: &HealthSample, b: &HealthSample) -> i64 {
    b.at.millis() - a.at.millis()
}

/// The average `kbps` of the readings of the last `seconds` (those less than `seconds`
/// older than the newest); 0 without readings.
pub fn average_kbps(samples: &[HealthSample], seconds: u32) -> u32 {
    let Some(last) = samples.last() else {
        return 0;
    };
    let window = i64::from(seconds) * 1000;
    let recent: Vec<u64> = samples
        .iter()
        .rev()
        .take_while(|s| span_ms(s, last) < window)
        .map(|s| u64::from(s.kbps))
        .collect();
    if recent.is_empty() {
        return 0;
    }
    let sum: u64 = recent.iter().sum();
    u32::try_from(sum / recent.len() as u64).unwrap_or(u32::MAX)
}

/// The bitrate shown for a live stream: the average of the last [`RECENT_S`].
pub fn recent_kbps(samples: &[HealthSample]) -> u32 {
    average_kbps(samples, RECENT_S)
}

/// The first reading that already had the newest byte count: the last data arrived
/// before it.
pub fn last_data(samples: &[HealthSample]) -> Option<&HealthSample> {
    let last = samples.last()?;
    samples
        .iter()
        .rev()
        .take_while(|s| s.bytes_in == last.bytes_in)
        .last()
}

/// Whole seconds (rounded) from the last data to the newest reading.
pub fn idle_s(samples: &[HealthSample]) -> u32 {
    match (last_data(samples), samples.last()) {
        (Some(first), Some(last)) => {
            let ms = span_ms(first, last).max(0);
            u32::try_from((ms + 500) / 1000).unwrap_or(u32::MAX)
        }
        _ => 0,
    }
}

/// The keyframe interval as the HLS fragments measure it: the median length of the
/// given fragments (seconds); `None` without fragments. The media server cuts a fragment
/// at the first keyframe after a second, so fragments as long as the keyframe interval
/// mean keyframes that far apart (and 1-second fragments, keyframes a second apart or
/// closer).
pub fn keyframe_interval(fragment_lengths: &[f64]) -> Option<f64> {
    let mut lengths: Vec<f64> = fragment_lengths
        .iter()
        .copied()
        .filter(|l| l.is_finite() && *l > 0.0)
        .collect();
    if lengths.is_empty() {
        return None;
    }
    lengths.sort_by(f64::total_cmp);
    let mid = lengths.len() / 2;
    Some(if lengths.len().is_multiple_of(2) {
        (lengths[mid - 1] + lengths[mid]) / 2.0
    } else {
        lengths[mid]
    })
}

/// A number of seconds or frames as the messages (and the dashboard) write it: at most
/// one decimal, none when whole (`8`, `2.5`). Integer arithmetic: formatting an `f64`
/// would bring float printing into the dashboard's wasm.
pub fn number_text(n: f64) -> String {
    if !n.is_finite() {
        return "?".to_string();
    }
    // Saturates beyond i64 (the `as` of a float does), far beyond any reading.
    let tenths = (n * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let (whole, tenth) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
    if tenth == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{tenth}")
    }
}

/// Everything wrong with a live ingest given its readings (oldest first) and the frame
/// rate its encoder declared, the worst first. Empty without readings.
pub fn issues(samples: &[HealthSample], fps_declared: Option<f64>) -> Vec<HealthIssue> {
    let Some(last) = samples.last() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let idle = idle_s(samples);
    if idle >= NO_DATA_S {
        found.push(HealthIssue {
            code: HealthIssueCode::NoData,
            severity: HealthStatus::Unhealthy,
            message: format!("no data for {idle} s"),
        });
    }
    if let Some(kfi) = last.keyframe_interval_s {
        if kfi > KEYFRAME_INTERVAL_MAX_S {
            found.push(HealthIssue {
                code: HealthIssueCode::KeyframeInterval,
                severity: HealthStatus::Warning,
                message: format!(
                    "keyframe interval {} s: set 1–2 s for low latency",
                    number_text(kfi)
                ),
            });
        }
    }
    let history_ms = samples.first().map_or(0, |first| span_ms(first, last));
    if history_ms >= i64::from(BASELINE_MIN_S) * 1000 {
        let recent = average_kbps(samples, RECENT_S);
        let baseline = average_kbps(samples, BASELINE_S);
        if f64::from(recent) < f64::from(baseline) * BITRATE_DROP_RATIO {
            found.push(HealthIssue {
                code: HealthIssueCode::BitrateDrop,
                severity: HealthStatus::Warning,
                message: format!(
                    "bitrate fell below half of the last minute's ({recent} kbit/s, the \
                     minute's average {baseline} kbit/s)"
                ),
            });
        }
    }
    if let (Some(fps), Some(declared)) = (last.fps, fps_declared) {
        if declared > 0.0 && fps < declared * FPS_MIN_RATIO {
            found.push(HealthIssue {
                code: HealthIssueCode::FrameRate,
                severity: HealthStatus::Warning,
                message: format!(
                    "frame rate {} fps, below the declared {} fps",
                    number_text(fps),
                    number_text(declared)
                ),
            });
        }
    }
    found.sort_by_key(|i| std::cmp::Reverse(i.severity));
    found
}

/// The worst severity among `issues`; healthy without any.
pub fn status(issues: &[HealthIssue]) -> HealthStatus {
    issues
        .iter()
        .map(|i| i.severity)
        .max()
        .unwrap_or(HealthStatus::Healthy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    const T0: i64 = 1_796_320_000_000;

    /// Readings one second apart from `T0`, each `(kbps, bytes_in)`.
    fn readings(values: &[(u32, u64)]) -> Vec<HealthSample> {
        values
            .iter()
            .enumerate()
            .map(|(n, &(kbps, bytes_in))| HealthSample {
                at: Timestamp::from_millis(T0 + 1000 * n as i64).expect("a time"),
                kbps,
                video_kbps: kbps,
                audio_kbps: 0,
                fps: Some(10.0),
                keyframe_interval_s: Some(1.0),
                bytes_in,
            })
            .collect()
    }

    /// `n` readings at a steady `kbps`, bytes growing.
    fn steady(n: usize, kbps: u32) -> Vec<HealthSample> {
        let values: Vec<(u32, u64)> = (0..n).map(|i| (kbps, 1000 * (i as u64 + 1))).collect();
        readings(&values)
    }

    fn codes(samples: &[HealthSample], declared: Option<f64>) -> Vec<HealthIssueCode> {
        issues(samples, declared)
            .into_iter()
            .map(|i| i.code)
            .collect()
    }

    #[test]
    fn a_steady_ingest_is_healthy() {
        let samples = steady(120, 800);
        assert!(issues(&samples, Some(10.0)).is_empty());
        assert_eq!(status(&[]), HealthStatus::Healthy);
        assert!(issues(&[], None).is_empty());
        assert_eq!(recent_kbps(&samples), 800);
        assert_eq!(idle_s(&samples), 0);
    }

    #[test]
    fn a_keyframe_interval_above_four_seconds_is_a_warning() {
        let mut samples = steady(3, 800);
        samples[2].keyframe_interval_s = Some(KEYFRAME_INTERVAL_MAX_S);
        assert!(codes(&samples, None).is_empty(), "4 s is still fine");
        samples[2].keyframe_interval_s = Some(4.05);
        assert_eq!(codes(&samples, None), [HealthIssueCode::KeyframeInterval]);
        samples[2].keyframe_interval_s = Some(8.0);
        let found = issues(&samples, None);
        assert_eq!(
            found[0].message,
            "keyframe interval 8 s: set 1–2 s for low latency"
        );
        assert_eq!(found[0].severity, HealthStatus::Warning);
        assert_eq!(status(&found), HealthStatus::Warning);
        // Only the newest measurement counts.
        samples[2].keyframe_interval_s = None;
        samples[1].keyframe_interval_s = Some(8.0);
        assert!(codes(&samples, None).is_empty());
    }

    #[test]
    fn no_data_for_three_seconds_is_unhealthy() {
        // Bytes stop moving at the 10th reading (index 9).
        let mut values: Vec<(u32, u64)> = (0..10).map(|i| (800, 1000 * (i + 1))).collect();
        values.extend([(0, 10_000), (0, 10_000)]);
        let samples = readings(&values);
        assert_eq!(idle_s(&samples), 2);
        assert!(!codes(&samples, None).contains(&HealthIssueCode::NoData));
        values.push((0, 10_000));
        let samples = readings(&values);
        assert_eq!(idle_s(&samples), NO_DATA_S);
        let found = issues(&samples, None);
        assert_eq!(found[0].code, HealthIssueCode::NoData);
        assert_eq!(found[0].message, "no data for 3 s");
        assert_eq!(status(&found), HealthStatus::Unhealthy);
        assert_eq!(last_data(&samples).map(|s| s.at.millis()), Some(T0 + 9000));
        // Data again: gone.
        values.push((400, 12_000));
        assert_eq!(idle_s(&readings(&values)), 0);
    }

    #[test]
    fn a_bitrate_below_half_of_the_minutes_is_a_warning() {
        // 55 readings at 1000, then 5 at x: the minute averages (55000 + 5x) / 60.
        let with_recent = |x: u32| {
            let mut values: Vec<(u32, u64)> = (0..55).map(|i| (1000, 1000 * (i + 1))).collect();
            values.extend((0..5).map(|i| (x, 100_000 + i)));
            readings(&values)
        };
        // x = 500 → baseline 958; recent 500 ≥ 479: fine. x = 458 → baseline 954,
        // half 477 > 458: a warning. The boundary: recent exactly half is fine.
        assert!(codes(&with_recent(500), None).is_empty());
        assert_eq!(
            codes(&with_recent(458), None),
            [HealthIssueCode::BitrateDrop]
        );
        let found = issues(&with_recent(100), None);
        assert!(
            found[0]
                .message
                .starts_with("bitrate fell below half of the last minute's"),
            "{}",
            found[0].message
        );
        // Exactly half is fine: 30 at 1500 and 30 at 500, baseline 1000, recent 500.
        let mut values: Vec<(u32, u64)> = (0..30).map(|i| (1500, i + 1)).collect();
        values.extend((0..30).map(|i| (500, 100 + i)));
        assert!(codes(&readings(&values), None).is_empty());
        values.last_mut().expect("a reading").0 = 495;
        assert_eq!(
            codes(&readings(&values), None),
            [HealthIssueCode::BitrateDrop]
        );
    }

    #[test]
    fn the_bitrate_is_compared_only_with_fifteen_seconds_of_readings() {
        let mut values: Vec<(u32, u64)> = (0..11).map(|i| (1000, i + 1)).collect();
        values.extend((0..5).map(|i| (0, 100 + i)));
        // 16 readings span 15 s: compared.
        assert_eq!(
            codes(&readings(&values), None),
            [HealthIssueCode::BitrateDrop]
        );
        values.remove(0);
        // 15 readings span 14 s: not yet.
        assert!(codes(&readings(&values), None).is_empty());
    }

    #[test]
    fn a_frame_rate_below_eighty_percent_of_the_declared_is_a_warning() {
        let mut samples = steady(3, 800);
        samples[2].fps = Some(8.0);
        assert!(codes(&samples, Some(10.0)).is_empty(), "80 % is fine");
        samples[2].fps = Some(7.9);
        let found = issues(&samples, Some(10.0));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, HealthIssueCode::FrameRate);
        assert_eq!(
            found[0].message,
            "frame rate 7.9 fps, below the declared 10 fps"
        );
        // Nothing declared, or nothing measured: no comparison.
        assert!(codes(&samples, None).is_empty());
        assert!(codes(&samples, Some(0.0)).is_empty());
        samples[2].fps = None;
        assert!(codes(&samples, Some(10.0)).is_empty());
    }

    #[test]
    fn issues_come_worst_first() {
        let mut values: Vec<(u32, u64)> = (0..20).map(|i| (1000, i + 1)).collect();
        values.extend((0..5).map(|_| (0, 20)));
        let mut samples = readings(&values);
        samples.last_mut().expect("a reading").keyframe_interval_s = Some(8.0);
        let found = issues(&samples, None);
        assert_eq!(
            found.iter().map(|i| i.code).collect::<Vec<_>>(),
            [
                HealthIssueCode::NoData,
                HealthIssueCode::KeyframeInterval,
                HealthIssueCode::BitrateDrop
            ]
        );
        assert_eq!(status(&found), HealthStatus::Unhealthy);
    }

    #[test]
    fn the_keyframe_interval_is_the_median_fragment_length() {
        assert_eq!(keyframe_interval(&[]), None);
        assert_eq!(keyframe_interval(&[8.0]), Some(8.0));
        assert_eq!(keyframe_interval(&[1.0, 1.0, 0.9, 8.0]), Some(1.0));
        assert_eq!(keyframe_interval(&[2.0, 4.0]), Some(3.0));
        assert_eq!(keyframe_interval(&[f64::NAN, 0.0, 2.0]), Some(2.0));
    }

    #[test]
    fn numbers_read_with_at_most_one_decimal() {
        assert_eq!(number_text(8.0), "8");
        assert_eq!(number_text(7.96), "8");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(0.933), "0.9");
        assert_eq!(number_text(29.97), "30");
        assert_eq!(number_text(0.04), "0");
        assert_eq!(number_text(-1.25), "-1.3");
        assert_eq!(number_text(f64::NAN), "?");
    }
}
