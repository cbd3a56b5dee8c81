//! O9 VOD: the stream's recordings grouped by session (session date in UTC, file, size,
//! duration), each playable in a dialog and downloadable; "Upgrade needed" when the
//! organisation lacks `vod`.

use crate::api;
use crate::components::notice::{EmptyState, UpgradeNeeded};
use crate::components::time::UtcTime;
use crate::format;
use leptos::html;
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

/// The VOD card; a recording's Play button puts it in `playing` (see [`RecordingPlayer`]).
#[component]
pub(super) fn VodSection(
    vod: bool,
    recordings: Vec<RecordingAsset>,
    playing: RwSignal<Option<RecordingAsset>>,
) -> impl IntoView {
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
                                <td class="vod-actions">
                                    <button
                                        type="button"
                                        class="button button-secondary button-small"
                                        aria-label=format!("Play {}", r.file_name)
                                        data-testid="vod-play"
                                        on:click={
                                            let r = r.clone();
                                            move |_| playing.set(Some(r.clone()))
                                        }
                                    >
                                        "Play"
                                    </button>
                                    <a
                                        class="button button-secondary button-small"
                                        href=api::recording_download_url(r)
                                        download=r.file_name.clone()
                                        aria-label=format!("Download {}", r.file_name)
                                        data-testid="vod-download"
                                    >
                                        "Download"
                                    </a>
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
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
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

/// The recording in `playing`, played in a modal dialog; closing it (Close, Escape)
/// stops it. Drawn once by the tab, so redrawing the cards never interrupts playback.
#[component]
pub(super) fn RecordingPlayer(playing: RwSignal<Option<RecordingAsset>>) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move || {
        let Some(el) = dialog.get() else { return };
        if playing.with(Option::is_some) {
            if !el.open() {
                let _ = el.show_modal();
            }
        } else if el.open() {
            el.close();
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="dialog recording-dialog"
            aria-labelledby="recording-dialog-title"
            data-testid="recording-player"
            on:close=move |_| playing.set(None)
        >
            {move || {
                playing
                    .get()
                    .map(|r| {
                        view! {
                            <h2 class="dialog-title" id="recording-dialog-title">
                                {r.file_name.clone()}
                            </h2>
                            <p class="dialog-message">
                                "Session " <UtcTime ts=r.session_start /> " · "
                                {format::length(r.duration_s)} " · "
                                {format::file_size(r.size_bytes)}
                            </p>
                            // The session's cookie admits the file for secure streams.
                            <video
                                class="recording-video"
                                src=r.url.clone()
                                controls=true
                                autoplay=true
                                muted=true
                                playsinline=true
                                preload="metadata"
                                data-testid="recording-video"
                            ></video>
                            <div class="dialog-actions">
                                <a
                                    class="button button-secondary"
                                    href=api::recording_download_url(&r)
                                    download=r.file_name.clone()
                                    data-testid="recording-download"
                                >
                                    "Download"
                                </a>
                                <button
                                    type="button"
                                    class="button"
                                    data-testid="recording-close"
                                    on:click=move |_| playing.set(None)
                                >
                                    "Close"
                                </button>
                            </div>
                        }
                    })
            }}
        </dialog>
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
