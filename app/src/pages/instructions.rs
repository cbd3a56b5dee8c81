//! `/streams/:id/instructions`: how to get a stream going, step by step (O10;
//! docs/product.md, "Pages"; modelled on nanoStream's `/stream/new/{id}`). The create
//! form lands here.
//!
//! Quick actions (Overview, Start Webcaster, Watch), then 1. start the ingest (RTMP URL
//! and streamname, OBS settings, an ffmpeg command line), 2. web playout (live and embed
//! URLs; a token note for secure streams), 3. code snippets, 4. the overview. For a
//! group every member's quality is listed. The Start Webcaster button is disabled (with
//! the title "coming with the webcaster") until Castboard has a webcaster page.

use crate::api;
use crate::components::badge::{GroupBadge, SecureBadge, StateBadge};
use crate::components::copy_button::CopyField;
use crate::components::error_state::ErrorState;
use crate::components::skeleton::SkeletonCard;
use crate::paths::{self, StreamTab};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::ingest;
use shared::model::{Member, Stream};
use uuid::Uuid;

/// How a member's quality reads: the passthrough sends what it gets, a transcode its
/// profile.
pub fn quality_label(member: &Member) -> String {
    match &member.profile {
        None => "Passthrough: the quality you send".to_string(),
        Some(p) => format!("{}. Transcode: {}", member.index, p.label()),
    }
}

/// The streamname an encoder sends to: the group's passthrough (a transcode's own
/// object names itself, but its group is fed through the passthrough).
pub fn ingest_streamname(stream: &Stream) -> String {
    stream
        .members
        .iter()
        .find(|m| m.index == 0)
        .map(|m| m.name.as_str().to_string())
        .unwrap_or_else(|| stream.ingest.streamname.as_str().to_string())
}

#[component]
pub fn InstructionsPage() -> impl IntoView {
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok())));
    let stream = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::stream(id).await.map(Some),
                // Not an id at all: as good as an unknown one.
                None => Ok(None),
            }
        }
    });

    let content = move || match stream.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Ok(Some(stream))) => view! { <Instructions stream /> }.into_any(),
        Some(Ok(None)) => view! { <Missing /> }.into_any(),
        Some(Err(e)) if e.is_not_found() => view! { <Missing /> }.into_any(),
        Some(Err(e)) => {
            let message = e.message();
            view! {
                <div class="page-header">
                    <h1 class="page-title">"Instructions"</h1>
                </div>
                <ErrorState
                    title="The stream could not be loaded"
                    message=message
                    on_retry=move || stream.refetch()
                />
            }
            .into_any()
        }
    };
    view! { <div class="instructions" data-testid="instructions-page">{content}</div> }
}

#[component]
fn Loading() -> impl IntoView {
    view! {
        <div aria-busy="true" data-testid="instructions-loading">
            <p class="visually-hidden" role="status">
                "Loading the stream…"
            </p>
            <span class="skeleton skeleton-title" aria-hidden="true"></span>
            <div class="instructions-steps">
                <SkeletonCard lines=4 />
                <SkeletonCard lines=3 />
            </div>
        </div>
    }
}

/// No stream with this id (or not in the caller's organisation).
#[component]
fn Missing() -> impl IntoView {
    view! {
        <div class="page-header">
            <h1 class="page-title">"Instructions"</h1>
        </div>
        <section class="card instructions-missing" data-testid="instructions-not-found">
            <h2 class="card-title">"No stream with this id"</h2>
            <p class="muted">
                "There is no stream at this address in your organisation. It may have been removed, or the link may be mistyped."
            </p>
            <a class="button button-secondary" href=paths::STREAMS data-testid="instructions-to-list">
                "Go to the stream list"
            </a>
        </section>
    }
}

/// The steps for a loaded stream.
#[component]
fn Instructions(stream: Stream) -> impl IntoView {
    let id = stream.id;
    let group_id = stream.streamgroup_id;
    let name = ingest_streamname(&stream);
    let rtmp_url = stream.ingest.rtmp_url.clone();
    let ffmpeg = ingest::ffmpeg_file_command(&rtmp_url, &name);
    let ffmpeg_pattern = ingest::ffmpeg_test_pattern_command(&rtmp_url, &name);
    let obs_settings = ingest::obs_settings();
    let playouts = stream.members.len().max(1);
    let live_url = stream.playout.live_url.clone();
    let embed_url = stream.playout.embed_url.clone();
    let snippets_path = paths::stream_tab_path(id, StreamTab::Snippets);
    let overview_path = paths::stream_path(id);
    let members = stream.members.clone();
    let is_group = members.len() > 1;

    let qualities = is_group.then(|| {
        view! {
            <div class="instructions-qualities">
                <h3 class="instructions-subtitle">"Qualities of this group"</h3>
                <p class="hint">
                    "Send only the passthrough; Castboard makes the transcodes from it. Each quality has its own streamname for playback."
                </p>
                <div class="table-wrap">
                    <table class="table" data-testid="instructions-qualities">
                        <thead>
                            <tr>
                                <th scope="col">"Quality"</th>
                                <th scope="col">"Streamname"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {members
                                .iter()
                                .map(|m| {
                                    view! {
                                        <tr data-testid="instructions-quality">
                                            <td>{quality_label(m)}</td>
                                            <td class="mono">{m.name.as_str().to_string()}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
        }
    });

    let secure_note = stream.secure.then(|| {
        view! {
            <div class="notice instructions-secure" data-testid="instructions-secure">
                <p class="notice-title">"Playback needs a token"</p>
                <p class="notice-text">
                    "This organisation has secure playback: viewers need a playback token. Create one on the "
                    <a href=snippets_path.clone() data-testid="instructions-secure-snippets">
                        "Code Snippets tab"
                    </a>
                    ", which also puts it into the player code and the shared link."
                </p>
            </div>
        }
    });

    view! {
        <div class="page-header instructions-header">
            <h1 class="page-title">"Start streaming"</h1>
            <p class="instructions-meta">
                <StateBadge state=stream.state />
                <GroupBadge playouts />
                {stream.secure.then(|| view! { <SecureBadge /> })}
                <code class="code" data-testid="instructions-streamname">
                    {name.clone()}
                </code>
            </p>
            <p class="muted">
                "Your stream is ready. Send video to it, then share the playout."
            </p>
        </div>

        <nav class="button-row instructions-actions" aria-label="Stream actions">
            <a class="button button-secondary" href=overview_path.clone() data-testid="instructions-overview">
                "Overview"
            </a>
            <button
                type="button"
                class="button button-secondary"
                disabled=true
                title="coming with the webcaster"
                aria-describedby="webcaster-soon"
                data-testid="instructions-webcaster"
            >
                "Start webcaster"
            </button>
            <span class="visually-hidden" id="webcaster-soon">
                "Coming with the webcaster"
            </span>
            // Secondary, as on the overview: the stream may never have been live yet.
            <a
                class="button button-secondary"
                href=live_url.clone()
                target="_blank"
                rel="noopener noreferrer"
                data-testid="instructions-watch"
            >
                "Watch stream"
                <span class="visually-hidden">" (opens in a new tab)"</span>
            </a>
        </nav>

        <ol class="instructions-steps">
            <li class="card instructions-step" data-testid="step-ingest">
                <h2 class="card-title">
                    <span class="instructions-step-number" aria-hidden="true">
                        "1"
                    </span>
                    "Start the ingest"
                </h2>
                <p class="muted instructions-step-intro">
                    "Point your encoder at this RTMP address; the streamname is the stream key."
                </p>
                <div class="instructions-copy-grid">
                    <CopyField label="Server (RTMP URL)" value=rtmp_url.clone() testid="ingest-url" />
                    <CopyField label="Stream key (streamname)" value=name.clone() testid="ingest-streamname" />
                </div>
                <h3 class="instructions-subtitle">"OBS Studio"</h3>
                <p class="hint" data-testid="instructions-obs">
                    "Settings → Stream: Service “Custom…”, with the Server and Stream Key above."
                </p>
                <p class="hint">
                    "Settings → Output (Output Mode “Advanced”), Streaming tab. The keyframe interval matters most: the server cuts the video into "
                    {format!("{}-second", ingest::FRAGMENT_SECONDS)}
                    " pieces at keyframes, so a longer interval adds delay for every viewer."
                </p>
                <dl class="details instructions-obs-settings" data-testid="instructions-obs-settings">
                    {obs_settings
                        .into_iter()
                        .map(|(setting, value)| {
                            view! {
                                <div class="details-row">
                                    <dt>{setting}</dt>
                                    <dd>{value}</dd>
                                </div>
                            }
                        })
                        .collect_view()}
                </dl>
                <h3 class="instructions-subtitle">"ffmpeg"</h3>
                <p class="hint">"Sends a file as if it were live (replace input.mp4 with yours), with the same settings:"</p>
                <CopyField label="ffmpeg command" value=ffmpeg multiline=true testid="ffmpeg-command" />
                <p class="hint">"Or a test pattern with a tone, to try the stream without a camera or file:"</p>
                <CopyField
                    label="ffmpeg test pattern"
                    value=ffmpeg_pattern
                    multiline=true
                    testid="ffmpeg-test-pattern"
                />
                {qualities}
            </li>

            <li class="card instructions-step" data-testid="step-playout">
                <h2 class="card-title">
                    <span class="instructions-step-number" aria-hidden="true">
                        "2"
                    </span>
                    "Web playout"
                </h2>
                <p class="muted instructions-step-intro">
                    "Share the live page, or put the embed page into an iframe on your site."
                </p>
                {secure_note}
                <div class="instructions-copy-grid">
                    <CopyField label="Live playout URL" value=live_url testid="playout-live-url" />
                    <CopyField label="iFrame embed URL" value=embed_url testid="playout-embed-url" />
                </div>
            </li>

            <li class="card instructions-step" data-testid="step-snippets">
                <h2 class="card-title">
                    <span class="instructions-step-number" aria-hidden="true">
                        "3"
                    </span>
                    "Code snippets"
                </h2>
                <p class="muted instructions-step-intro">
                    "Ready-made player code for your web page (iframe or HTML), with start quality and latency settings."
                </p>
                <a class="button button-secondary" href=snippets_path data-testid="instructions-snippets">
                    "Open Code Snippets"
                </a>
            </li>

            <li class="card instructions-step" data-testid="step-overview">
                <h2 class="card-title">
                    <span class="instructions-step-number" aria-hidden="true">
                        "4"
                    </span>
                    "Stream overview"
                </h2>
                <p class="muted instructions-step-intro">
                    {format!(
                        "Everything about the stream in one place: state, tags, qualities, live processing and recordings. Group id {group_id}.",
                    )}
                </p>
                <a class="button button-secondary" href=overview_path data-testid="instructions-overview-link">
                    "Go to the overview"
                </a>
            </li>
        </ol>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(index: u32, preset: Option<&str>) -> Member {
        Member {
            index,
            profile: preset.and_then(shared::stream::Profile::preset),
            ..Member::example()
        }
    }

    #[test]
    fn qualities_read_like_the_overview() {
        assert_eq!(
            quality_label(&member(0, None)),
            "Passthrough: the quality you send"
        );
        assert_eq!(
            quality_label(&member(2, Some("vtrans2-640x360x400x25"))),
            "2. Transcode: 640×360 · 400 kbit/s · 25 fps"
        );
    }
}
