//! What a live process produced for one quality (P2–P4): the latest thumbnail or motion
//! clip with its preview, the live-replay sessions, the recorded files by session.

use super::Process;
use crate::components::copy_button::CopyField;
use crate::components::notice::EmptyState;
use crate::components::time::UtcTime;
use crate::format;
use leptos::prelude::*;
use shared::model::{AssetRef, Assets, RecordingAsset, ReplaySession};

/// "1 second", "90 seconds".
pub(crate) fn seconds_text(n: u32) -> String {
    if n == 1 {
        "1 second".to_string()
    } else {
        format!("{n} seconds")
    }
}

/// The assets of `process` for the quality streamed as `name`.
#[component]
pub fn ProcessAssets(process: Process, assets: Assets, name: String) -> impl IntoView {
    match process {
        Process::Thumbnails => view! {
            <LatestAsset
                asset=assets.thumbnail
                url_label="Thumbnail URL"
                alt=format!("Latest thumbnail of {name}")
                empty_title="No thumbnail yet"
                video=false
            />
        }
        .into_any(),
        Process::MotionClips => view! {
            <LatestAsset
                asset=assets.motion_clip
                url_label="Motion clip URL"
                alt=format!("Latest motion clip of {name}")
                empty_title="No motion clip yet"
                video=true
            />
        }
        .into_any(),
        Process::Replay => view! { <ReplaySessions sessions=assets.replays /> }.into_any(),
        Process::Recording => view! { <Recordings files=assets.recordings /> }.into_any(),
    }
}

/// The latest thumbnail or motion clip: URL, when it was made, a preview (a picture, or
/// for a clip the video, muted in a loop).
#[component]
fn LatestAsset(
    asset: Option<AssetRef>,
    url_label: &'static str,
    alt: String,
    empty_title: &'static str,
    video: bool,
) -> impl IntoView {
    let Some(asset) = asset else {
        return view! {
            <EmptyState
                title=empty_title
                message="It appears once the stream is live with this process enabled. Press Refresh to look again."
                testid="lp-no-asset"
            />
        }
        .into_any();
    };
    let src = crate::api::motion_clip_src(&asset);
    let AssetRef { url, updated_at } = asset;
    let preview = if video {
        view! {
            <video
                class="lp-preview"
                src=src
                aria-label=alt
                muted=true
                prop:muted=true
                autoplay=true
                loop=true
                playsinline=true
                controls=true
                preload="metadata"
                data-testid="lp-preview"
            ></video>
        }
        .into_any()
    } else {
        view! { <img class="lp-preview" src=url.clone() alt=alt loading="lazy" data-testid="lp-preview" /> }
            .into_any()
    };
    view! {
        <div class="lp-asset" data-testid="lp-asset">
            <div class="lp-asset-info">
                <CopyField label=url_label value=Signal::stored(url) testid="lp-asset-url" />
                <p class="hint">
                    "Updated " <UtcTime ts=updated_at testid="lp-asset-updated" />
                </p>
            </div>
            {preview}
        </div>
    }
    .into_any()
}

/// Live-replay sessions, newest first.
#[component]
fn ReplaySessions(sessions: Vec<ReplaySession>) -> impl IntoView {
    if sessions.is_empty() {
        return view! {
            <EmptyState
                title="No replay sessions yet"
                message="Each live session with replay enabled appears here, newest first."
                testid="lp-no-asset"
            />
        }
        .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="lp-replays">
                <caption class="visually-hidden">"Live replay sessions, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Session (UTC)"</th>
                        <th scope="col">"HLS file"</th>
                        <th scope="col">"Replay access"</th>
                        <th scope="col">"Clip & share"</th>
                    </tr>
                </thead>
                <tbody>
                    {sessions
                        .into_iter()
                        .map(|s| {
                            view! {
                                <tr data-testid="lp-replay-row">
                                    <td>
                                        <UtcTime ts=s.session_start />
                                    </td>
                                    <td>
                                        <a href=s.hls_url target="_blank" rel="noopener noreferrer">
                                            "Playlist (.m3u8)"
                                        </a>
                                    </td>
                                    <td>
                                        <a href=s.replay_url target="_blank" rel="noopener noreferrer">
                                            "Rewatch"
                                        </a>
                                    </td>
                                    <td>
                                        <a href=s.clip_url target="_blank" rel="noopener noreferrer">
                                            "Clip & share"
                                        </a>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Recorded files, by session date (newest first).
#[component]
fn Recordings(files: Vec<RecordingAsset>) -> impl IntoView {
    if files.is_empty() {
        return view! {
            <EmptyState
                title="No recordings yet"
                message="Files recorded from this quality appear here by session date, newest first."
                testid="lp-no-asset"
            />
        }
        .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="lp-recordings">
                <caption class="visually-hidden">"Recorded files by session, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Session (UTC)"</th>
                        <th scope="col">"File"</th>
                        <th scope="col">"Size"</th>
                        <th scope="col">"Duration"</th>
                    </tr>
                </thead>
                <tbody>
                    {files
                        .into_iter()
                        .map(|f| {
                            view! {
                                <tr data-testid="lp-recording-row">
                                    <td>
                                        <UtcTime ts=f.session_start />
                                    </td>
                                    <td class="lp-file">
                                        <a href=f.url target="_blank" rel="noopener noreferrer" class="mono">
                                            {f.file_name}
                                        </a>
                                    </td>
                                    <td>{format::file_size(f.size_bytes)}</td>
                                    <td>{format::length(f.duration_s)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_in_words() {
        assert_eq!(seconds_text(1), "1 second");
        assert_eq!(seconds_text(90), "90 seconds");
    }
}
