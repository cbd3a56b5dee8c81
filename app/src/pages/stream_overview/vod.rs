//! O9 VOD: the stream's recordings grouped by session (session date in UTC, file, size,
//! duration); "Upgrade needed" when the organisation lacks `vod`.

use crate::components::notice::{EmptyState, UpgradeNeeded};
use crate::components::time::UtcTime;
use crate::format;
use leptos::prelude::*;
use shared::model::{Feature, RecordingAsset};
use shared::Timestamp;

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
                                <td data-testid="vod-size">{format::file_size(r.size_bytes)}</td>
                                <td data-testid="vod-duration">
                                    {format::length(r.duration_s)}
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
