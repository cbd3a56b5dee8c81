//! The Overview tab: the live preview, the ingest health (see [`super::health`]), O4
//! details, O5 ingest, O6 adaptive bitrate (see [`super::abr`]), O7 secure playback (see
//! [`super::secure_playback`]), O8 playout, O9 VOD (see [`super::vod`]) and the ingest log
//! (see [`super::ingest_log`]).

use super::abr::{AbrSection, RemoveProfileDialog};
use super::editors::{interval_label, PushUrlField, TagsField, TimecodeField};
use super::health::HealthCard;
use super::ingest_log::IngestLogSection;
use super::secure_playback::{SecurePlayback, SecureToken};
use super::vod::{RecordingPlayer, VodSection};
use super::{keep_focus, Ctx};
use crate::components::copy_button::CopyField;
use crate::components::time::UtcTime;
use crate::paths;
use leptos::prelude::*;
use shared::model::{AssetRef, Member, Stream};
use shared::stream::StreamState;

/// The tab's cards, drawn from the shown stream (again whenever it changes).
#[component]
pub(super) fn OverviewTab(ctx: Ctx) -> impl IntoView {
    // The removal question outlives the redraws of the cards below it.
    let removing = RwSignal::new(None::<Member>);
    let remove_open = RwSignal::new(false);
    let remove_error = RwSignal::new(None::<String>);
    // The recording being played outlives the redraws too (a new recording listed).
    let playing = RwSignal::new(None::<shared::model::RecordingAsset>);
    // So does the group's token, and the text of one issued here.
    let token = SecureToken::new(ctx);
    let on_remove = Callback::new(move |member: Member| {
        remove_error.set(None);
        removing.set(Some(member));
        remove_open.set(true);
    });
    // The cards show no state, only whether the stream is deleted (then nothing can be
    // changed): a state change (live, ended, locked) must not redraw them, or an open
    // editor would lose what is being typed. Nor health: its card follows it alone.
    let shown = Memo::new(move |_| {
        ctx.current.with(|s| {
            let mut s = s.clone();
            s.health = None;
            let calm = |state: &mut StreamState| {
                if *state != StreamState::Deleted {
                    *state = StreamState::Created;
                }
            };
            calm(&mut s.state);
            s.members.iter_mut().for_each(|m| calm(&mut m.state));
            // Nor a new thumbnail or motion clip (one every interval while live): their
            // cards follow them.
            if let Some(assets) = s.assets.as_mut() {
                assets.thumbnail = None;
                assets.motion_clip = None;
                assets.replays.clear();
            }
            s
        })
    });
    let thumbnail = Memo::new(move |_| {
        ctx.current
            .with(|s| s.assets.as_ref().and_then(|a| a.thumbnail.clone()))
    });
    let motion_clip = Memo::new(move |_| {
        ctx.current
            .with(|s| s.assets.as_ref().and_then(|a| a.motion_clip.clone()))
    });
    // The newest live-replay session, if any: a new one (a new live session with replay
    // on) draws its player anew, nothing else does.
    let replay = Memo::new(move |_| {
        ctx.current.with(|s| {
            s.assets
                .as_ref()
                .and_then(|a| a.replays.first().map(|r| (s.id, r.session_start)))
        })
    });
    // The preview is drawn once: the player follows the stream's state by itself (it
    // waits, plays when the encoder starts and says when it ends), so nothing here may
    // reload it. The health card beside it follows the state and the readings itself.
    let (preview_id, deleted) = ctx
        .current
        .with_untracked(|s| (s.id, s.state == StreamState::Deleted));
    view! {
        {(!deleted)
            .then(|| {
                view! {
                    <div class="live-row">
                        <LivePreview id=preview_id />
                        <HealthCard ctx />
                    </div>
                }
            })}
        {move || replay.get().map(|(id, session)| view! { <ReplayPlayer id session /> })}
        <div class="latest-assets">
            {move || thumbnail.get().map(|t| view! { <LatestThumbnail thumbnail=t /> })}
            {move || motion_clip.get().map(|c| view! { <LatestMotionClip clip=c /> })}
        </div>
        {move || {
            let s = shown.get();
            keep_focus();
            let vod = ctx.features().vod;
            let recordings = s.assets.as_ref().map(|a| a.recordings.clone()).unwrap_or_default();
            view! {
                <div class="stream-cards">
                    <Details ctx stream=s.clone() />
                    <Ingest stream=s.clone() />
                    <AbrSection ctx stream=s.clone() on_remove />
                    {s.secure.then(|| view! { <SecurePlayback ctx stream=s.clone() token /> })}
                    <Playout stream=s.clone() />
                    <VodSection vod recordings playing />
                </div>
            }
        }}
        // Drawn once: it loads its attempts itself, again when the group's state changes.
        <div class="stream-cards ingest-log-cards">
            <IngestLogSection ctx />
        </div>
        <RemoveProfileDialog ctx removing open=remove_open error=remove_error />
        <RecordingPlayer playing />
    }
}

/// O4: the stream('s group) details. For a single stream its tags and push URL are
/// here; in a group every member has its own, in the ABR card.
#[component]
fn Details(ctx: Ctx, stream: Stream) -> impl IntoView {
    let grouped = stream.members.len() > 1;
    let is_member = stream.id != stream.streamgroup_id;
    let name = stream.name.to_string();
    let own = (!grouped).then(|| {
        view! {
            <div class="details-row">
                <dt>"Tags"</dt>
                <dd>
                    <TagsField ctx member=stream.id name=name.clone() tags=stream.tags.clone() />
                </dd>
            </div>
            <div class="details-row">
                <dt>"Push URL"</dt>
                <dd>
                    <PushUrlField ctx member=stream.id name=name.clone() push_url=stream.push_url.clone() />
                </dd>
            </div>
        }
    });
    let per_member = grouped.then(|| {
        view! {
            <p class="hint details-note" data-testid="details-per-member">
                "Tags and push URLs belong to each quality of the group: see Adaptive bitrate below."
            </p>
        }
    });
    view! {
        <section class="card stream-card" aria-labelledby="details-heading" data-testid="stream-details">
            <h2 class="card-title" id="details-heading">
                {if grouped { "Streamgroup details" } else { "Stream details" }}
            </h2>
            <dl class="details">
                <div class="details-row">
                    <dt>"Streamgroup ID"</dt>
                    <dd>
                        <code class="mono" data-testid="detail-group-id">
                            {stream.streamgroup_id.to_string()}
                        </code>
                        {is_member
                            .then(|| {
                                view! {
                                    <a href=paths::stream_path(stream.streamgroup_id) data-testid="detail-group-link">
                                        "Open the group"
                                    </a>
                                }
                            })}
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Updated at"</dt>
                    <dd>
                        <UtcTime ts=stream.updated_at testid="detail-updated" />
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Timecode"</dt>
                    <dd>
                        <TimecodeField ctx stream=stream.clone() />
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Timecode interval"</dt>
                    <dd data-testid="timecode-interval-value">
                        {format!(
                            "{} ms ({})",
                            stream.timecode.interval_ms,
                            interval_label(stream.timecode.interval_ms),
                        )}
                    </dd>
                </div>
                {own}
            </dl>
            {per_member}
        </section>
    }
}

/// O5: where the encoder sends the stream.
#[component]
fn Ingest(stream: Stream) -> impl IntoView {
    view! {
        <section class="card stream-card" aria-labelledby="ingest-heading" data-testid="stream-ingest">
            <h2 class="card-title" id="ingest-heading">
                "Ingest"
            </h2>
            <div class="stream-fields">
                <CopyField label="RTMP ingest URL" value=stream.ingest.rtmp_url.clone() testid="ingest-rtmp-url" />
                <CopyField
                    label="Streamname (stream key)"
                    value=stream.ingest.streamname.to_string()
                    testid="ingest-streamname"
                />
            </div>
            <p class="hint stream-card-foot">
                "Point the encoder at the URL and use the streamname as its stream key. "
                <a href=paths::instructions_path(stream.id)>"Step-by-step instructions"</a>
            </p>
        </section>
    }
}

/// What viewers see now: the real player, on this server's player page.
#[component]
fn LivePreview(id: uuid::Uuid) -> impl IntoView {
    view! {
        <section class="card stream-card live-preview" aria-labelledby="preview-heading" data-testid="live-preview">
            <h2 class="card-title" id="preview-heading">
                "Live preview"
            </h2>
            <div class="live-preview-frame">
                <iframe
                    src=crate::api::preview_url(id)
                    title="Live preview of this stream"
                    allow="autoplay; fullscreen; picture-in-picture"
                    allowfullscreen=true
                    data-testid="live-preview-player"
                ></iframe>
            </div>
            <p class="hint stream-card-foot">
                "Muted, at the lowest latency. It starts by itself when the encoder does."
            </p>
        </section>
    }
}

/// The newest live-replay session of the stream, in this server's player: from its live
/// edge while the stream is live, with a seek bar over the whole replay (the rolling
/// window, or the whole session).
#[component]
fn ReplayPlayer(id: uuid::Uuid, session: shared::Timestamp) -> impl IntoView {
    view! {
        <section class="card stream-card live-preview replay-player" aria-labelledby="replay-heading" data-testid="replay-player">
            <h2 class="card-title" id="replay-heading">
                "Replay"
            </h2>
            <div class="live-preview-frame">
                <iframe
                    src=crate::api::replay_preview_url(id, session)
                    title="Replay of this stream"
                    allow="autoplay; fullscreen; picture-in-picture"
                    allowfullscreen=true
                    data-testid="replay-player-frame"
                ></iframe>
            </div>
            <p class="hint stream-card-foot">
                "The session that began " <UtcTime ts=session testid="replay-session-start" />
                ". Drag the seek bar to go back; muted."
            </p>
        </section>
    }
}

/// The stream's latest thumbnail (taken every `interval_s` while it is live with
/// thumbnails on; kept after it ends) and when it was taken.
#[component]
fn LatestThumbnail(thumbnail: AssetRef) -> impl IntoView {
    view! {
        <section class="card stream-card latest-thumbnail" aria-labelledby="thumbnail-heading" data-testid="stream-thumbnail">
            <h2 class="card-title" id="thumbnail-heading">
                "Latest thumbnail"
            </h2>
            <img
                class="latest-thumbnail-img"
                src=crate::api::thumbnail_src(&thumbnail)
                alt="Latest thumbnail of this stream"
                loading="lazy"
                data-testid="stream-thumbnail-img"
            />
            <p class="hint stream-card-foot">
                "Taken " <UtcTime ts=thumbnail.updated_at testid="stream-thumbnail-time" />
            </p>
        </section>
    }
}

/// The stream's latest motion clip (recorded every `interval_s` while it is live with
/// motion clips on; kept after it ends), playing muted in a loop, and when it was made.
#[component]
fn LatestMotionClip(clip: AssetRef) -> impl IntoView {
    view! {
        <section class="card stream-card latest-thumbnail latest-motion-clip" aria-labelledby="motion-clip-heading" data-testid="stream-motion-clip">
            <h2 class="card-title" id="motion-clip-heading">
                "Latest motion clip"
            </h2>
            <video
                class="latest-thumbnail-img"
                src=crate::api::motion_clip_src(&clip)
                aria-label="Latest motion clip of this stream"
                muted=true
                prop:muted=true
                autoplay=true
                loop=true
                playsinline=true
                controls=true
                preload="metadata"
                data-testid="stream-motion-clip-video"
            ></video>
            <p class="hint stream-card-foot">
                "Recorded " <UtcTime ts=clip.updated_at testid="stream-motion-clip-time" />
            </p>
        </section>
    }
}

/// O8: where viewers watch.
#[component]
fn Playout(stream: Stream) -> impl IntoView {
    view! {
        <section class="card stream-card" aria-labelledby="playout-heading" data-testid="stream-playout">
            <h2 class="card-title" id="playout-heading">
                "H5Live playout"
            </h2>
            <div class="stream-fields">
                <CopyField label="Live playout URL" value=stream.playout.live_url.clone() testid="playout-live-url" />
                <CopyField label="iFrame embed URL" value=stream.playout.embed_url.clone() testid="playout-embed-url" />
            </div>
            <p class="hint stream-card-foot">
                "Embedding options (start quality, latency mode) are in Code Snippets."
            </p>
        </section>
    }
}
