//! The Live Processing tab of a stream overview (P1–P5): for each quality of the group
//! (a tab each) and each process (thumbnails, motion clips, live replay, recording), its
//! status, settings and the assets it produced, with Refresh and, for admins and users,
//! an edit form.
//!
//! Processing is stored per member stream (`members[i].processing`); the assets come
//! with each member's own `GET /streams/{id}`, so another quality's are loaded when its
//! tab is first opened. Where each process stands (off, waiting, running, failed, with
//! the reason, last output and next run) comes from `GET /streams/{id}/processes`, read
//! again on Refresh and whenever the overview hears of a change in the group. Without the organisation's `live_processing` package the tab is
//! only an "Upgrade needed" notice (P5).

mod assets;
mod form;

use crate::api::{self, ApiError};
use crate::components::error_state::ErrorState;
use crate::components::notice::{EmptyState, UpgradeNeeded};
use crate::components::skeleton::SkeletonCard;
use crate::components::toast::use_toasts;
use crate::format::utc_text;
use assets::{seconds_text, ProcessAssets};
use form::ProcessForm;
use leptos::prelude::*;
use shared::model::{
    Assets, Feature, Member, Organisation, Process as Standing, ProcessKind, ProcessSettings,
    Stream, UpdateStream,
};
use shared::stream::{Processing, ProcessingPatch, StreamState};
use std::collections::HashMap;
use uuid::Uuid;
use wasm_bindgen::JsCast;

/// One live process, as the sub-menu lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Process {
    Thumbnails,
    MotionClips,
    Replay,
    Recording,
}

impl Process {
    pub const ALL: [Process; 4] = [
        Process::Thumbnails,
        Process::MotionClips,
        Process::Replay,
        Process::Recording,
    ];

    pub fn label(self) -> &'static str {
        self.kind().label()
    }

    /// Its name in the API's `processing` object (and in field errors).
    pub fn api_name(self) -> &'static str {
        self.kind().as_str()
    }

    /// The API's kind of this process.
    pub fn kind(self) -> ProcessKind {
        match self {
            Process::Thumbnails => ProcessKind::Thumbnails,
            Process::MotionClips => ProcessKind::MotionClips,
            Process::Replay => ProcessKind::Replay,
            Process::Recording => ProcessKind::Recording,
        }
    }

    /// For ids and `data-testid`s.
    fn key(self) -> &'static str {
        match self {
            Process::Thumbnails => "thumbnails",
            Process::MotionClips => "motion-clips",
            Process::Replay => "replay",
            Process::Recording => "recording",
        }
    }

    pub fn enabled(self, p: &Processing) -> bool {
        match self {
            Process::Thumbnails => p.thumbnails.enabled,
            Process::MotionClips => p.motion_clips.enabled,
            Process::Replay => p.replay.enabled,
            Process::Recording => p.recording.enabled,
        }
    }

    /// Its settings as (label, value) rows.
    pub fn settings(self, p: &Processing) -> Vec<(&'static str, String)> {
        let duration = |d: Option<u32>| d.map_or_else(|| "Whole stream".to_string(), seconds_text);
        match self {
            Process::Thumbnails => vec![(
                "Interval",
                format!("Every {}", seconds_text(p.thumbnails.interval_s)),
            )],
            Process::MotionClips => vec![
                (
                    "Interval",
                    format!("Every {}", seconds_text(p.motion_clips.interval_s)),
                ),
                ("Duration", seconds_text(p.motion_clips.duration_s)),
            ],
            Process::Replay => vec![("Duration", duration(p.replay.duration_s))],
            Process::Recording => vec![("Duration", duration(p.recording.duration_s))],
        }
    }
}

/// How a quality is named: "Original" for the passthrough, else its profile.
pub fn quality_label(member: &Member) -> String {
    match &member.profile {
        None => "Original".to_string(),
        Some(p) => p.label(),
    }
}

/// Where an arrow, Home or End key moves the selection of a tab list of `count` tabs
/// (wrapping around); `None` for other keys.
pub fn tab_key(key: &str, current: usize, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match key {
        "ArrowRight" | "ArrowDown" => Some((current + 1) % count),
        "ArrowLeft" | "ArrowUp" => Some((current + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
    }
}

/// The page's copy of the stream after `fresh` (the answer of a save or a load of any
/// member) arrived: `fresh` itself when it is the same stream, else the copy with the
/// group's members (and so their processing) taken from `fresh`.
pub fn merge_member(current: &Stream, fresh: &Stream) -> Stream {
    if fresh.id == current.id {
        return fresh.clone();
    }
    let mut merged = current.clone();
    if fresh.streamgroup_id == current.streamgroup_id && !fresh.members.is_empty() {
        merged.members = fresh.members.clone();
        if let Some(own) = fresh.members.iter().find(|m| m.id == current.id) {
            merged.processing = own.processing;
        }
    }
    merged
}

/// Moves keyboard focus to the element with `id`, if it is there.
fn focus_by_id(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Whether the assets of the selected quality are there.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AssetsState {
    Loading,
    Failed(String),
    Ready(Assets),
}

/// The Live Processing tab of a stream overview.
#[component]
pub fn LiveProcessingTab(
    /// The stream as loaded (with `members` and `assets`).
    stream: Stream,
    organisation: Organisation,
    /// The caller may change settings (admin, user).
    can_write: bool,
    /// Changes with every event of the group that may move a process.
    news: ReadSignal<u32>,
    /// A save answered with the updated stream; the overview replaces its copy.
    on_saved: Callback<Stream>,
) -> impl IntoView {
    if !organisation.features.live_processing {
        return view! {
            <section class="lp" data-testid="live-processing">
                <UpgradeNeeded feature=Feature::LiveProcessing />
            </section>
        }
        .into_any();
    }
    let vod = organisation.features.vod;
    let editable = can_write && stream.state != StreamState::Deleted;
    let start = stream
        .members
        .iter()
        .position(|m| m.id == stream.id)
        .unwrap_or(0);
    let is_group = stream.members.len() > 1;
    let group_size = stream.members.len();

    // The overview's stream, kept current with saves and loads.
    let current = RwSignal::new(stream.clone());
    // Each quality's own stream object (for its assets), by member id.
    let loaded = RwSignal::new(HashMap::from([(stream.id, stream)]));
    let selected = RwSignal::new(start);
    let process = RwSignal::new(Process::Thumbnails);
    let editing = RwSignal::new(false);
    let member = Memo::new(move |_| current.with(|c| c.members.get(selected.get()).cloned()));
    let member_id = Memo::new(move |_| member.with(|m| m.as_ref().map(|m| m.id)));
    let labels = Memo::new(move |_| {
        current.with(|c| c.members.iter().map(quality_label).collect::<Vec<_>>())
    });
    let toasts = use_toasts();

    // Loading a quality's stream: on first opening its tab, and on Refresh.
    let load = Action::new_local(|id: &Uuid| {
        let id = *id;
        async move { (id, api::stream(id).await) }
    });
    let refreshing = RwSignal::new(false);
    let load_failed: RwSignal<Option<(Uuid, String)>> = RwSignal::new(None);
    Effect::new(move || {
        let Some((id, result)) = load.value().get() else {
            return;
        };
        let refresh = refreshing.get_untracked();
        refreshing.set(false);
        match result {
            Ok(fresh) => {
                current.update(|c| *c = merge_member(c, &fresh));
                loaded.update(|l| {
                    l.insert(id, fresh);
                });
                load_failed.set(None);
                if refresh {
                    if let Some(t) = toasts {
                        t.success("Processing and assets refreshed");
                    }
                }
            }
            Err(e) => {
                if refresh {
                    if let Some(t) = toasts {
                        t.error(e.message());
                    }
                }
                load_failed.set(Some((id, e.message())));
            }
        }
    });
    Effect::new(move || {
        if let Some(id) = member_id.get() {
            if !loaded.with_untracked(|l| l.contains_key(&id)) {
                load.dispatch(id);
            }
        }
    });
    let assets = Memo::new(move |_| {
        let Some(id) = member_id.get() else {
            return AssetsState::Ready(Assets::default());
        };
        if let Some(s) = loaded.with(|l| l.get(&id).map(|s| s.assets.clone().unwrap_or_default())) {
            return AssetsState::Ready(s);
        }
        match load_failed.get() {
            Some((failed, why)) if failed == id => AssetsState::Failed(why),
            _ => AssetsState::Loading,
        }
    });
    // Where the selected quality's processes stand: loaded with it, on Refresh and on
    // every piece of news from the overview.
    let read_standing = Action::new_local(|id: &Uuid| {
        let id = *id;
        async move { (id, api::processes(id).await) }
    });
    let standings: RwSignal<HashMap<Uuid, Result<Vec<Standing>, String>>> =
        RwSignal::new(HashMap::new());
    Effect::new(move || {
        if let Some((id, result)) = read_standing.value().get() {
            standings.update(|s| {
                s.insert(id, result.map(|l| l.items).map_err(|e| e.message()));
            });
        }
    });
    // News also reloads the quality's assets (a new thumbnail, clip or recording), once
    // they were loaded; a change of quality alone loads them above.
    Effect::new(move |heard: Option<u32>| {
        let now = news.get();
        if let Some(id) = member_id.get() {
            read_standing.dispatch(id);
            let fresh_news = heard.is_some_and(|before| before != now);
            if fresh_news && loaded.with_untracked(|l| l.contains_key(&id)) {
                load.dispatch(id);
            }
        }
        now
    });
    let standing = Memo::new(move |_| {
        let id = member_id.get()?;
        let kind = process.get().kind();
        standings.with(|s| {
            s.get(&id).map(|r| match r {
                Ok(all) => all
                    .iter()
                    .find(|p| p.kind == kind)
                    .cloned()
                    .ok_or_else(|| "the server did not list it".to_string()),
                Err(why) => Err(why.clone()),
            })
        })
    });
    // The selected quality's transcoding, where its group has transcodes: not a setting
    // of this tab (profiles are changed on the overview), but a process it runs.
    let transcoding = Memo::new(move |_| {
        let id = member_id.get()?;
        standings.with(|s| match s.get(&id) {
            Some(Ok(all)) => all
                .iter()
                .find(|p| p.kind == ProcessKind::Transcoding && p.settings.enabled())
                .cloned(),
            _ => None,
        })
    });
    let transcoding_view = move || {
        transcoding.get().map(|p| {
            let state = p.state.as_str();
            let renditions = match &p.settings {
                ProcessSettings::Transcoding(t) => t
                    .profiles
                    .iter()
                    .map(|profile| profile.label())
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => String::new(),
            };
            view! {
                <p class="lp-transcoding" data-testid="lp-transcoding" data-state=state role="status">
                    <span class="lp-transcoding-label">"Transcoding"</span>
                    <span class=format!("badge lp-state-badge lp-state-{state}")>{p.state.label()}</span>
                    {p.reason.map(|why| view! {
                        <span class="lp-state-reason" data-testid="lp-transcoding-reason">{why}</span>
                    })}
                    <span class="lp-state-time" data-testid="lp-transcoding-renditions">{renditions}</span>
                </p>
            }
        })
    };
    let refresh = Callback::new(move |()| {
        if let Some(id) = member_id.get_untracked() {
            refreshing.set(true);
            load.dispatch(id);
            read_standing.dispatch(id);
        }
    });
    let retry = Callback::new(move |()| {
        if let Some(id) = member_id.get_untracked() {
            load_failed.set(None);
            load.dispatch(id);
        }
    });

    // Saving one process of the selected quality (optionally copied to the group).
    let save = Action::new_local(|(id, patch, sync): &(Uuid, ProcessingPatch, bool)| {
        api::update_stream(
            *id,
            UpdateStream {
                processing: Some(patch.clone()),
                sync_processing_to_group: *sync,
                ..UpdateStream::default()
            },
        )
    });
    let saving = save.pending();
    let save_refusal: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let last_save = StoredValue::new((Process::Thumbnails, false));
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            let merged = merge_member(&current.get_untracked(), &updated);
            current.set(merged.clone());
            loaded.update(|l| {
                l.insert(updated.id, updated);
            });
            save_refusal.set(None);
            editing.set(false);
            let (saved, synced) = last_save.get_value();
            if let Some(t) = toasts {
                t.success(if synced {
                    format!("{} settings saved for every quality", saved.label())
                } else {
                    format!("{} settings saved", saved.label())
                });
            }
            on_saved.run(merged);
            request_animation_frame(|| focus_by_id("lp-edit"));
        }
        Some(Err(e)) => {
            if let Some(t) = toasts {
                t.error(e.message());
            }
            save_refusal.set(Some(e));
        }
        None => {}
    });
    let on_save = Callback::new(move |(patch, sync): (ProcessingPatch, bool)| {
        if let Some(id) = member_id.get_untracked() {
            last_save.set_value((process.get_untracked(), sync));
            save_refusal.set(None);
            save.dispatch((id, patch, sync));
        }
    });

    let choose_quality = move |i: usize| {
        if selected.get_untracked() != i {
            editing.set(false);
            save_refusal.set(None);
            selected.set(i);
        }
    };
    let choose_process = move |p: Process| {
        if process.get_untracked() != p {
            editing.set(false);
            save_refusal.set(None);
            process.set(p);
        }
    };

    let quality_tabs = is_group.then(|| {
        view! {
            <div
                class="tabs lp-quality-tabs"
                role="tablist"
                aria-label="Quality"
                data-testid="lp-quality-tabs"
            >
                {move || {
                    let count = labels.with(Vec::len);
                    labels
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, label)| {
                            let is_selected = move || selected.get() == i;
                            view! {
                                <button
                                    type="button"
                                    class="tab"
                                    role="tab"
                                    id=format!("lp-quality-tab-{i}")
                                    aria-selected=move || if is_selected() { "true" } else { "false" }
                                    aria-controls="lp-quality-panel"
                                    tabindex=move || if is_selected() { "0" } else { "-1" }
                                    data-testid="lp-quality-tab"
                                    data-index=i
                                    on:click=move |_| choose_quality(i)
                                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                                        if let Some(next) = tab_key(&ev.key(), i, count) {
                                            ev.prevent_default();
                                            choose_quality(next);
                                            focus_by_id(&format!("lp-quality-tab-{next}"));
                                        }
                                    }
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </div>
        }
    });

    let process_tabs = view! {
        <div class="lp-process-tabs" role="tablist" aria-label="Process" data-testid="lp-process-tabs">
            {Process::ALL
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    let is_selected = move || process.get() == p;
                    view! {
                        <button
                            type="button"
                            class="lp-process-tab"
                            role="tab"
                            id=format!("lp-process-tab-{}", p.key())
                            aria-selected=move || if is_selected() { "true" } else { "false" }
                            aria-controls="lp-process-panel"
                            tabindex=move || if is_selected() { "0" } else { "-1" }
                            data-testid=format!("lp-process-{}", p.key())
                            on:click=move |_| choose_process(p)
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                if let Some(next) = tab_key(&ev.key(), i, Process::ALL.len()) {
                                    ev.prevent_default();
                                    let next = Process::ALL[next];
                                    choose_process(next);
                                    focus_by_id(&format!("lp-process-tab-{}", next.key()));
                                }
                            }
                        >
                            <span>{p.label()}</span>
                            <span
                                class="lp-dot"
                                class:lp-dot-on=move || {
                                    member.with(|m| m.as_ref().is_some_and(|m| p.enabled(&m.processing)))
                                }
                                aria-hidden="true"
                            ></span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    };

    let panel = move || {
        let p = process.get();
        view! {
            <ProcessPanel
                process=p
                member
                standing
                assets
                editable
                vod
                group_size
                editing
                on_refresh=refresh
                on_retry=retry
                refreshing
                on_save
                saving
                save_refusal
            />
        }
    };

    view! {
        <section class="lp" data-testid="live-processing" aria-label="Live processing">
            {quality_tabs}
            <div
                class="lp-quality-panel"
                id="lp-quality-panel"
                role=is_group.then_some("tabpanel")
                aria-labelledby=move || is_group.then(|| format!("lp-quality-tab-{}", selected.get()))
            >
                {transcoding_view}
                {process_tabs}
                <div
                    class="card lp-panel"
                    id="lp-process-panel"
                    role="tabpanel"
                    aria-labelledby=move || format!("lp-process-tab-{}", process.get().key())
                    data-testid="lp-panel"
                    data-process=move || process.get().key()
                >
                    {panel}
                </div>
            </div>
        </section>
    }
    .into_any()
}

/// One process of the selected quality: status, settings, edit form, assets.
#[component]
fn ProcessPanel(
    process: Process,
    member: Memo<Option<Member>>,
    /// Where it stands, once loaded (or why it could not be).
    standing: Memo<Option<Result<Standing, String>>>,
    assets: Memo<AssetsState>,
    editable: bool,
    vod: bool,
    group_size: usize,
    editing: RwSignal<bool>,
    on_refresh: Callback<()>,
    on_retry: Callback<()>,
    refreshing: RwSignal<bool>,
    on_save: Callback<(ProcessingPatch, bool)>,
    saving: Memo<bool>,
    save_refusal: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let enabled =
        move || member.with(|m| m.as_ref().is_some_and(|m| process.enabled(&m.processing)));
    let heading_id = format!("lp-heading-{}", process.key());
    let details = move || {
        member.get().map(|m| {
            let rows = process.settings(&m.processing);
            view! {
                <dl class="details lp-details" data-testid="lp-details">
                    <div class="details-row">
                        <dt>"Streamname"</dt>
                        <dd class="mono" data-testid="lp-streamname">{m.name.to_string()}</dd>
                    </div>
                    <div class="details-row">
                        <dt>"Quality"</dt>
                        <dd data-testid="lp-quality">{quality_label(&m)}</dd>
                    </div>
                    {rows
                        .into_iter()
                        .map(|(label, value)| {
                            view! {
                                <div class="details-row">
                                    <dt>{label}</dt>
                                    <dd data-testid=format!("lp-setting-{}", label.to_ascii_lowercase())>{value}</dd>
                                </div>
                            }
                        })
                        .collect_view()}
                </dl>
            }
        })
    };
    let needs_vod = (process == Process::Recording && !vod).then(|| {
        view! {
            <p class="notice lp-needs-vod" data-testid="lp-needs-vod">
                "Recording also needs the VOD package, which your organisation does not have. Ask the operator of this Castboard instance to turn it on."
            </p>
        }
    });
    let form = move || {
        editing.get().then(|| {
            let initial =
                member.with_untracked(|m| m.as_ref().map(|m| m.processing).unwrap_or_default());
            view! {
                <ProcessForm
                    process
                    initial
                    group_size
                    vod
                    on_save
                    on_cancel=Callback::new(move |()| {
                        editing.set(false);
                        save_refusal.set(None);
                        request_animation_frame(|| focus_by_id("lp-edit"));
                    })
                    saving
                    refusal=save_refusal
                />
            }
        })
    };
    let asset_view = move || {
        match assets.get() {
        AssetsState::Loading => view! {
            <div aria-busy="true" data-testid="lp-assets-loading">
                <p class="visually-hidden" role="status">"Loading assets…"</p>
                <SkeletonCard lines=2 />
            </div>
        }
        .into_any(),
        AssetsState::Failed(why) => view! {
            <ErrorState title="The assets of this quality could not be loaded" message=why on_retry />
        }
        .into_any(),
        AssetsState::Ready(a) => {
            let name = member.with_untracked(|m| m.as_ref().map(|m| m.name.to_string()).unwrap_or_default());
            view! { <ProcessAssets process assets=a name /> }.into_any()
        }
    }
    };
    let standing_view = move || {
        let Some(standing) = standing.get() else {
            // Not read yet (its first answer is on its way).
            return member.with(Option::is_some).then(|| {
                view! {
                    <p class="lp-state hint" role="status" data-testid="lp-state" data-state="loading">
                        "Reading where it stands…"
                    </p>
                }
                .into_any()
            });
        };
        Some(match standing {
            Ok(p) => {
                let state = p.state.as_str();
                view! {
                    <div class="lp-state" data-testid="lp-state" data-state=state role="status">
                        <span class=format!("badge lp-state-badge lp-state-{state}")>
                            {p.state.label()}
                        </span>
                        {p.reason.map(|why| view! {
                            <span class="lp-state-reason" data-testid="lp-state-reason">{why}</span>
                        })}
                        {p.last_output.map(|o| view! {
                            <span class="lp-state-time" data-testid="lp-last-output">
                                "Last output "
                                <time datetime=o.updated_at.to_string()>{utc_text(o.updated_at)}</time>
                            </span>
                        })}
                        {p.next_run.map(|t| view! {
                            <span class="lp-state-time" data-testid="lp-next-run">
                                "Next "
                                <time datetime=t.to_string()>{utc_text(t)}</time>
                            </span>
                        })}
                    </div>
                }
                .into_any()
            }
            Err(why) => view! {
                <p class="lp-state notice" data-testid="lp-state" data-state="unknown">
                    {format!("Where this process stands could not be read: {why}")}
                </p>
            }
            .into_any(),
        })
    };
    let missing = move || {
        member.with(Option::is_none).then(|| {
            view! {
                <EmptyState
                    title="No quality to show"
                    message="This stream has no member streams to process."
                />
            }
        })
    };

    view! {
        <div class="lp-panel-head">
            <h3 class="lp-panel-title" id=heading_id>
                {process.label()}
            </h3>
            <span
                class="badge lp-status"
                class:lp-status-on=enabled
                data-testid="lp-status"
                data-enabled=move || if enabled() { "true" } else { "false" }
            >
                {move || if enabled() { "Enabled" } else { "Disabled" }}
            </span>
            <div class="lp-panel-actions">
                <button
                    type="button"
                    class="button button-secondary button-small"
                    data-testid="lp-refresh"
                    disabled=move || refreshing.get()
                    aria-busy=move || if refreshing.get() { "true" } else { "false" }
                    on:click=move |_| on_refresh.run(())
                >
                    {move || if refreshing.get() { "Refreshing…" } else { "Refresh" }}
                </button>
                {editable
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button-secondary button-small"
                                id="lp-edit"
                                data-testid="lp-edit"
                                aria-expanded=move || if editing.get() { "true" } else { "false" }
                                disabled=move || editing.get()
                                on:click=move |_| {
                                    editing.set(true);
                                    request_animation_frame(|| focus_by_id(form::FIRST_INPUT_ID));
                                }
                            >
                                "Edit settings"
                            </button>
                        }
                    })}
            </div>
        </div>
        {standing_view}
        {missing}
        {needs_vod}
        {details}
        {form}
        <h4 class="lp-assets-title">"Assets"</h4>
        {asset_view}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::stream::{Profile, StreamName};

    /// A group of a passthrough and one transcode, as the API answers it for `own`.
    fn stream(own: u128, thumbs: [bool; 2]) -> Stream {
        let group = Uuid::from_u128(1);
        let member = |id: u128, index: u32, profile: Option<Profile>, on: bool| {
            let mut member = Member {
                id: Uuid::from_u128(id),
                name: StreamName::parse(&format!("Ab3De-mem0{id}")).expect("valid name"),
                streamgroup_id: group,
                index,
                profile,
                ..Member::example()
            };
            member.processing.thumbnails.enabled = on;
            member.processing.thumbnails.interval_s = 60;
            member
        };
        let members = vec![
            member(1, 0, None, thumbs[0]),
            member(2, 1, Profile::preset("vtrans2-852x480x800x25"), thumbs[1]),
        ];
        let own = members[usize::try_from(own - 1).unwrap_or(0)].clone();
        let mut stream = Stream::example();
        stream.ingest.streamname = own.name.clone();
        Stream {
            id: own.id,
            name: own.name,
            state: own.state,
            streamgroup_id: own.streamgroup_id,
            index: own.index,
            profile: own.profile,
            tags: own.tags,
            push_url: own.push_url,
            processing: own.processing,
            members,
            ..stream
        }
    }

    #[test]
    fn a_saved_member_refreshes_the_group_in_the_copy() {
        let passthrough = stream(1, [false, false]);
        let transcode_saved = stream(2, [true, true]);
        let merged = merge_member(&passthrough, &transcode_saved);
        assert_eq!(merged.id, passthrough.id);
        assert_eq!(merged.profile, None);
        assert!(merged.processing.thumbnails.enabled);
        assert_eq!(
            merged
                .members
                .iter()
                .map(|m| m.processing.thumbnails.enabled)
                .collect::<Vec<_>>(),
            vec![true, true]
        );
        let same = stream(1, [true, false]);
        assert_eq!(merge_member(&passthrough, &same), same);
    }

    #[test]
    fn tab_keys_wrap_around() {
        assert_eq!(tab_key("ArrowRight", 0, 3), Some(1));
        assert_eq!(tab_key("ArrowRight", 2, 3), Some(0));
        assert_eq!(tab_key("ArrowLeft", 0, 3), Some(2));
        assert_eq!(tab_key("ArrowUp", 1, 3), Some(0));
        assert_eq!(tab_key("ArrowDown", 1, 3), Some(2));
        assert_eq!(tab_key("Home", 2, 3), Some(0));
        assert_eq!(tab_key("End", 0, 3), Some(2));
        assert_eq!(tab_key("Enter", 0, 3), None);
        assert_eq!(tab_key("ArrowRight", 0, 0), None);
    }

    #[test]
    fn qualities_and_settings_read_as_words() {
        let s = stream(1, [true, false]);
        assert_eq!(
            s.members.iter().map(quality_label).collect::<Vec<_>>(),
            vec!["Original", "852×480 · 800 kbit/s · 25 fps"]
        );
        let mut p = Processing::default();
        p.recording.duration_s = Some(90);
        assert_eq!(
            Process::Thumbnails.settings(&p),
            vec![("Interval", "Every 30 seconds".to_string())]
        );
        assert_eq!(
            Process::MotionClips.settings(&p),
            vec![
                ("Interval", "Every 60 seconds".to_string()),
                ("Duration", "5 seconds".to_string())
            ]
        );
        assert_eq!(
            Process::Replay.settings(&p),
            vec![("Duration", "Whole stream".to_string())]
        );
        assert_eq!(
            Process::Recording.settings(&p),
            vec![("Duration", "90 seconds".to_string())]
        );
        assert!(Process::ALL.iter().all(|x| !x.enabled(&p)));
    }
}
