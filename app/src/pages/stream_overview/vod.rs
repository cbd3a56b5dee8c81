//! O9 VOD: the stream's recordings grouped by session (session date in UTC, file, size,
//! duration); "Upgrade needed" when the organisation lacks `vod`.

use crate::components::notice::{EmptyState, UpgradeNeeded};
use crate::components::time::UtcTime;
use leptos::prelude::*;
use shared::model::{Feature, RecordingAsset};
use shared::Timestamp;

/// A byte count for people, in binary units: 512 → "512 B", 1536 → "1.5 KB",
/// 1048576 → "1 MB".
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    // Tenths of the unit, rounded; stepping up once the rounded value reaches 1024.
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while (value * 10.0).round() >= 10_240.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

/// A duration as a clock: 45 → "0:45", 65 → "1:05", 3723 → "1:02:03".
pub fn duration_text(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Recordings grouped by session start, in the order the sessions first appear (the API
/// lists the newest session first).
pub fn by_session(recordings: &[RecordingAsset]) -> Vec<(Timestamp, Vec<&RecordingAsset>)> {
    let mut sessions: Vec<(Timestamp, Vec<&RecordingAsset>)> = Vec::new();
    for r in recordings {
        match sessions
            .iter_mut()
            .find(|(start, _)| *start == r.session_start)
        {
            Some((_, files)) => files.push(r),
            None => sessions.push((r.session_start, vec![r])),
        }
    }
    sessions
}

/// The VOD card.
#[component]
pub(super) fn VodSection(vod: bool, recordings: Vec<RecordingAsset>) -> impl IntoView {
    let body = if !vod {
        view! { <UpgradeNeeded feature=Feature::Vod /> }.into_any()
    } else if recordings.is_empty() {
        view! {
            <EmptyState
                title="No recordings yet"
                message="Recordings appear here by session once recording is switched on (Live Processing tab) and the stream has been live."
                testid="vod-empty"
            />
        }
        .into_any()
    } else {
        let sessions = by_session(&recordings)
            .into_iter()
            .map(|(start, files)| {
                let count = files.len();
                let rows = files
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| {
                        view! {
                            <tr data-testid="vod-recording">
                                {(i == 0)
                                    .then(|| {
                                        view! {
                                            <th scope="rowgroup" rowspan=count.to_string() class="vod-session">
                                                <UtcTime ts=start />
                                            </th>
                                        }
                                    })}
                                <td>
                                    <a href=r.url.clone() target="_blank" rel="noopener noreferrer" data-testid="vod-file">
                                        {r.file_name.clone()}
                                    </a>
                                </td>
                                <td data-testid="vod-size">{file_size(r.size_bytes)}</td>
                                <td data-testid="vod-duration">
                                    {r.duration_s.map_or_else(|| "—".to_string(), duration_text)}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! { <tbody data-testid="vod-session">{rows}</tbody> }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Recordings by session"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Session (UTC)"</th>
                            <th scope="col">"File"</th>
                            <th scope="col">"Size"</th>
                            <th scope="col">"Duration"</th>
                        </tr>
                    </thead>
                    {sessions}
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card stream-card stream-card-wide" aria-labelledby="vod-heading" data-testid="stream-vod">
            <h2 class="card-title" id="vod-heading">
                "VOD recordings"
            </h2>
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_read_naturally() {
        assert_eq!(file_size(0), "0 B");
        assert_eq!(file_size(1023), "1023 B");
        assert_eq!(file_size(1024), "1 KB");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(10_000), "9.8 KB");
        assert_eq!(file_size(1_048_575), "1 MB");
        assert_eq!(file_size(1_048_576), "1 MB");
        assert_eq!(file_size(5_000_000), "4.8 MB");
        assert_eq!(file_size(3 * 1024 * 1024 * 1024), "3 GB");
        assert_eq!(file_size(u64::MAX), "16384 PB");
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(duration_text(0), "0:00");
        assert_eq!(duration_text(45), "0:45");
        assert_eq!(duration_text(65), "1:05");
        assert_eq!(duration_text(3600), "1:00:00");
        assert_eq!(duration_text(3723), "1:02:03");
    }

    #[test]
    fn recordings_group_by_session_in_order() {
        let at = |s: &str| Timestamp::parse(s).expect("valid time");
        let rec = |start: &str, name: &str| RecordingAsset {
            session_start: at(start),
            file_name: name.to_string(),
            size_bytes: 1,
            url: format!("/r/{name}"),
            duration_s: None,
        };
        let list = vec![
            rec("2026-11-25T10:00:00Z", "b.mp4"),
            rec("2026-11-24T10:00:00Z", "a.mp4"),
            rec("2026-11-25T10:00:00Z", "c.mp4"),
        ];
        let grouped: Vec<(String, Vec<&str>)> = by_session(&list)
            .into_iter()
            .map(|(t, files)| {
                (
                    t.to_string(),
                    files.iter().map(|r| r.file_name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            grouped,
            vec![
                (
                    "2026-11-25T10:00:00.000Z".to_string(),
                    vec!["b.mp4", "c.mp4"]
                ),
                ("2026-11-24T10:00:00.000Z".to_string(), vec!["a.mp4"]),
            ]
        );
    }
}
