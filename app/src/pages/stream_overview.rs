//! `/streams/:id`: one stream's overview (O1–O9). The header (state, creation date,
//! group badge, secure indicator, id) and the quick actions sit above three tabs —
//! Overview, Live Processing, Code Snippets — whose selection is the `?tab=` of the URL,
//! so a tab can be linked to.
//!
//! The page loads the stream once per id and then keeps its own copy, which every
//! answer of a change (tags, push URL, lock, profiles…) replaces; the sub-modules render
//! that copy:
//! - [`header`]: O1 header and O2 quick actions (lock, unlock, delete for admins);
//! - [`test_stream`]: O2's test stream (send one, stop it) for admins and users;
//! - [`overview_tab`]: O4 details, O5 ingest, O8 playout, and the other cards' places;
//! - [`health`]: the ingest health card (the stream's health while live, its bitrate
//!   sparkline, applied from `stream.health` events in place);
//! - [`editors`]: the inline editors of tags, push URL and timecode;
//! - [`abr`]: O6 the group's members and their transcoding profiles;
//! - [`vod`]: O9 recordings by session;
//! - [`ingest_log`]: the group's publish attempts and why each was refused, with its own
//!   calls;
//! - [`secure_playback`]: O7, the group's newest playback token decoded, with its status,
//!   and issuing one in place, with its own calls;
//! - [`live_processing`]: the Live Processing tab (P1–P5), with its own calls and state.
//!
//! The Code Snippets tab is [`crate::pages::snippet_generator`], which the standalone
//! generator page shows too.
//!
//! Roles decide what is drawn, not just what is enabled: a `read_only` caller sees no
//! write control, a `user` no admin action. The server stays the authority.

mod abr;
mod editors;
mod header;
mod health;
mod ingest_log;
mod live_processing;
mod overview_tab;
mod secure_playback;
mod test_stream;
mod vod;

use crate::api;
use crate::components::error_state::ErrorState;
use crate::components::skeleton::SkeletonCard;
use crate::components::toast::{use_toasts, Toasts};
use crate::events::{use_stream_events, LiveEvent};
use crate::pages::snippet_generator::SnippetGenerator;
use crate::paths::{self, StreamTab};
use crate::session::use_me;
use health::HealthView;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use live_processing::LiveProcessingTab;
use shared::model::{Features, Me, Organisation, Stream, StreamEvent};
use shared::stream::{Profile, StreamState};
use uuid::Uuid;
use wasm_bindgen::JsCast;

/// The id in the address, when it is a stream id as the API spells them (lowercase,
/// hyphenated); anything else cannot name a stream.
pub fn parse_id(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text)
        .ok()
        .filter(|id| id.hyphenated().to_string() == text)
}

/// What the page shows for the id in its address.
#[derive(Clone)]
enum Phase {
    Loading,
    /// Malformed id, or no such stream in the caller's organisation.
    Missing,
    Failed(String),
    Ready(Box<Stream>),
}

#[component]
pub fn StreamOverviewPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).and_then(|s| parse_id(&s)));
    let phase = RwSignal::new(Phase::Loading);
    // Answers for an id the page has since left are dropped.
    let ticket = StoredValue::new(0_u64);

    let load = move |id: Option<Uuid>| {
        let mine = ticket.get_value() + 1;
        ticket.set_value(mine);
        let Some(id) = id else {
            phase.set(Phase::Missing);
            return;
        };
        phase.set(Phase::Loading);
        spawn_local(async move {
            let answer = api::stream(id).await;
            if ticket.try_get_value() != Some(mine) {
                return;
            }
            phase.set(match answer {
                Ok(stream) => Phase::Ready(Box::new(stream)),
                Err(e) if e.is_not_found() => Phase::Missing,
                Err(e) => Phase::Failed(e.message()),
            });
        });
    };
    Effect::new(move || load(id.get()));

    let me = use_me();
    move || match phase.get() {
        Phase::Loading => view! { <LoadingStream /> }.into_any(),
        Phase::Missing => view! { <MissingStream /> }.into_any(),
        Phase::Failed(message) => view! {
            <ErrorState
                title="This stream could not be loaded"
                message=message
                on_retry=move || load(id.get_untracked())
            />
        }
        .into_any(),
        Phase::Ready(stream) => match me.clone() {
            Some(me) => view! { <StreamView stream=*stream me /> }.into_any(),
            // The signed-in layout renders pages only once the caller is known.
            None => view! { <MissingStream /> }.into_any(),
        },
    }
}

/// The page's shape while the stream loads.
#[component]
fn LoadingStream() -> impl IntoView {
    view! {
        <div class="stream-loading" aria-busy="true" data-testid="stream-loading">
            <p class="visually-hidden" role="status">
                "Loading the stream…"
            </p>
            <span class="skeleton skeleton-title" aria-hidden="true"></span>
            <div class="card-grid">
                <SkeletonCard lines=4 />
                <SkeletonCard lines=2 />
            </div>
        </div>
    }
}

/// No stream has the id of the address (or it is not an id at all).
#[component]
fn MissingStream() -> impl IntoView {
    view! {
        <section class="card stream-missing" data-testid="stream-not-found">
            <h1 class="page-title">"No stream with this id"</h1>
            <p class="muted">
                "The link may be mistyped, or the stream belongs to another organisation."
            </p>
            <a class="button button-primary" href=paths::STREAMS data-testid="stream-not-found-list">
                "Go to the stream list"
            </a>
        </section>
    }
}

/// Which inline editor is open; one at a time, so opening another discards the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Editing {
    Tags(Uuid),
    PushUrl(Uuid),
    Timecode,
    AddProfile,
    EditProfile(Uuid),
}

/// What every part of the page shares: the shown stream and who is looking at it.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    /// The stream as last answered by the server.
    pub current: RwSignal<Stream>,
    pub organisation: StoredValue<Organisation>,
    /// admin or user.
    pub can_write: bool,
    pub is_admin: bool,
    pub editing: RwSignal<Option<Editing>>,
    /// The shown stream's ingest health while live, kept apart from `current`: it
    /// changes every second and must redraw only the health card.
    pub health: RwSignal<HealthView>,
    /// Counts the group's events that may change where its processes stand (their own,
    /// state changes, settings, transcoders): the Live Processing tab reads them again.
    pub process_news: RwSignal<u32>,
    toasts: Option<Toasts>,
}

impl Ctx {
    fn new(stream: Stream, me: &Me) -> Self {
        Ctx {
            health: RwSignal::new(HealthView::seeded(stream.health.clone())),
            current: RwSignal::new(stream),
            organisation: StoredValue::new(me.organisation.clone()),
            can_write: me.can_write(),
            is_admin: me.is_admin(),
            editing: RwSignal::new(None),
            process_news: RwSignal::new(0),
            toasts: use_toasts(),
        }
    }

    /// The caller may change the stream now (tracked): a writer, and the stream is not
    /// deleted (the server refuses every change to a deleted stream).
    pub fn writable(&self) -> bool {
        self.can_write && self.current.with(|s| s.state != StreamState::Deleted)
    }

    pub fn features(&self) -> Features {
        self.organisation.with_value(|o| o.features)
    }

    pub fn max_transcodes(&self) -> usize {
        self.organisation
            .with_value(|o| o.limits.max_transcodes as usize)
    }

    pub fn success(&self, message: impl Into<String>) {
        if let Some(t) = self.toasts {
            t.success(message);
        }
    }

    pub fn failure(&self, message: impl Into<String>) {
        if let Some(t) = self.toasts {
            t.error(message);
        }
    }

    /// Takes a change's answer: the shown stream itself, or another member of its group,
    /// whose answer still lists the whole group.
    pub fn accept(&self, saved: Stream) {
        self.current.update(|shown| {
            if shown.id == saved.id {
                *shown = saved;
            } else {
                shown.members = saved.members;
            }
        });
    }

    /// Loads the shown stream again (after a change to the group's members).
    pub fn reload(&self) {
        let Some(id) = self.current.try_with_untracked(|s| s.id) else {
            return;
        };
        let ctx = *self;
        spawn_local(async move {
            match api::stream(id).await {
                Ok(stream) => ctx.current.set(stream),
                Err(e) => ctx.failure(format!("The stream could not be reloaded: {}", e.message())),
            }
        });
    }
}

/// Moves the keyboard focus to the element with `id` once the view has been drawn.
pub(crate) fn focus_later(id: String) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Call before a part of the page is drawn again: if the keyboard focus is inside it (on
/// an element with an id), it is given back to the new element with that id, instead of
/// falling to the page's body when the old one goes.
pub(crate) fn keep_focus() {
    let Some(id) = document()
        .active_element()
        .map(|el| el.id())
        .filter(|id| !id.is_empty())
    else {
        return;
    };
    request_animation_frame(move || {
        let lost = document()
            .active_element()
            .is_none_or(|el| el.tag_name() == "BODY");
        if lost {
            focus_later(id);
        }
    });
}

/// "852×480 · 800 kbit/s · 25 fps", or what the passthrough carries.
pub(crate) fn quality_label(profile: Option<&Profile>) -> String {
    profile.map_or_else(|| "Original (as sent)".to_string(), Profile::label)
}

/// A loaded stream: header, quick actions and the tabs.
#[component]
fn StreamView(stream: Stream, me: Me) -> impl IntoView {
    let ctx = Ctx::new(stream, &me);
    use_stream_events(move |event| follow(ctx, event));
    let query = use_query_map();
    let tab = Memo::new(move |_| {
        StreamTab::from_param(query.with(|q| q.get(paths::TAB_PARAM)).as_deref())
    });
    view! {
        <div class="stream-page" data-testid="stream-page">
            <header::StreamHeader ctx />
            <header::QuickActions ctx />
            <StreamTabs ctx tab />
        </div>
    }
}

/// Keeps the shown stream current with the organisation's live events (X2): a state
/// change of the group is applied in place (no request), and so is the shown stream's
/// health (into its own signal; a stream that stops being live has none); other changes
/// to the group are loaded again, unless an editor is open (its own save brings the news,
/// and a redraw would drop what is being typed).
fn follow(ctx: Ctx, event: LiveEvent) {
    let Some((shown, group, members)) = ctx.current.try_with_untracked(|s| {
        (
            s.id,
            s.streamgroup_id,
            s.members.iter().map(|m| m.id).collect::<Vec<_>>(),
        )
    }) else {
        return;
    };
    let idle = ctx.editing.try_get_untracked().flatten().is_none();
    let process_news = match &event {
        LiveEvent::Stream(StreamEvent::ProcessChanged(c)) => c.streamgroup_id == group,
        LiveEvent::Stream(StreamEvent::StateChanged(c)) => c.streamgroup_id == group,
        LiveEvent::Stream(StreamEvent::TranscoderChanged(c)) => c.streamgroup_id == group,
        LiveEvent::Stream(StreamEvent::Updated(c)) => c.streamgroup_id == group,
        LiveEvent::Reconnected => true,
        _ => false,
    };
    if process_news {
        ctx.process_news.update(|n| *n = n.wrapping_add(1));
    }
    match event {
        LiveEvent::Stream(StreamEvent::Health(change)) if change.id == shown => {
            ctx.health.update(|h| h.push(change.health));
        }
        LiveEvent::Stream(StreamEvent::StateChanged(change)) if change.streamgroup_id == group => {
            if change.id == shown && change.to != StreamState::Live {
                ctx.health.set(HealthView::default());
            }
            ctx.current.update(|s| {
                if s.id == change.id {
                    s.state = change.to;
                }
                for m in s.members.iter_mut().filter(|m| m.id == change.id) {
                    m.state = change.to;
                }
            });
        }
        LiveEvent::Stream(StreamEvent::TranscoderChanged(change))
            if change.streamgroup_id == group =>
        {
            ctx.current.update(|s| {
                if s.id == change.id {
                    s.transcoder = change.transcoder.clone();
                }
                for m in s.members.iter_mut().filter(|m| m.id == change.id) {
                    m.transcoder = change.transcoder.clone();
                }
            });
        }
        LiveEvent::Stream(StreamEvent::Created(c) | StreamEvent::Updated(c))
            if c.streamgroup_id == group && idle =>
        {
            ctx.reload();
        }
        LiveEvent::Stream(StreamEvent::Deleted(d)) if members.contains(&d.id) && idle => {
            ctx.reload()
        }
        LiveEvent::Reconnected => ctx.reload(),
        _ => {}
    }
}

/// The tab reached from `tab` with `key` (arrow keys wrap around, Home and End jump).
pub fn tab_after_key(tab: StreamTab, key: &str) -> Option<StreamTab> {
    let all = StreamTab::ALL;
    let at = all.iter().position(|t| *t == tab)?;
    let n = all.len();
    match key {
        "ArrowRight" => Some(all[(at + 1) % n]),
        "ArrowLeft" => Some(all[(at + n - 1) % n]),
        "Home" => Some(all[0]),
        "End" => Some(all[n - 1]),
        _ => None,
    }
}

fn tab_slug(tab: StreamTab) -> &'static str {
    tab.param().unwrap_or("overview")
}

fn tab_id(tab: StreamTab) -> String {
    format!("stream-tab-{}", tab_slug(tab))
}

fn panel_id(tab: StreamTab) -> String {
    format!("stream-panel-{}", tab_slug(tab))
}

/// O3: the three tabs (WAI-ARIA tabs with automatic activation); the selection lives in
/// the URL's `?tab=`.
#[component]
fn StreamTabs(ctx: Ctx, tab: Memo<StreamTab>) -> impl IntoView {
    let navigate = use_navigate();
    let id = ctx.current.with_untracked(|s| s.id);
    let select = move |to: StreamTab, focus: bool| {
        navigate(
            &paths::stream_tab_path(id, to),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
        if focus {
            focus_later(tab_id(to));
        }
    };
    let tabs = StreamTab::ALL
        .into_iter()
        .map(|t| {
            let on_click = select.clone();
            let on_key = select.clone();
            view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    id=tab_id(t)
                    aria-controls=panel_id(t)
                    aria-selected=move || if tab.get() == t { "true" } else { "false" }
                    tabindex=move || if tab.get() == t { "0" } else { "-1" }
                    data-testid=format!("tab-{}", tab_slug(t))
                    on:click=move |_| on_click(t, false)
                    on:keydown=move |ev| {
                        if let Some(to) = tab_after_key(t, &ev.key()) {
                            ev.prevent_default();
                            on_key(to, true);
                        }
                    }
                >
                    {t.label()}
                </button>
            }
        })
        .collect_view();
    let panels = StreamTab::ALL
        .into_iter()
        .map(|t| {
            view! {
                <div
                    role="tabpanel"
                    class="stream-tabpanel"
                    id=panel_id(t)
                    aria-labelledby=tab_id(t)
                    tabindex="0"
                    hidden=move || tab.get() != t
                    data-testid=format!("panel-{}", tab_slug(t))
                >
                    // Its own suspense boundary: a resource a tab reads must not suspend
                    // the signed-in layout's (which would redraw the whole page).
                    {move || {
                        (tab.get() == t)
                            .then(|| {
                                view! {
                                    <Suspense fallback=|| view! { <SkeletonCard lines=4 /> }>
                                        {tab_content(ctx, t)}
                                    </Suspense>
                                }
                            })
                    }}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="tabs stream-tabs" role="tablist" aria-label="Stream sections">
            {tabs}
        </div>
        {panels}
    }
}

/// What the tabs of the other helpers must be redrawn for: the state (it decides whether
/// writing is allowed) and the group's qualities. Their own saves change neither, so
/// saving there keeps their local state (open sub-menu, chosen settings).
fn structure(stream: &Stream) -> (StreamState, Vec<(Uuid, Option<Profile>)>) {
    (
        stream.state,
        stream
            .members
            .iter()
            .map(|m| (m.id, m.profile.clone()))
            .collect(),
    )
}

fn tab_content(ctx: Ctx, tab: StreamTab) -> AnyView {
    match tab {
        StreamTab::Overview => view! { <overview_tab::OverviewTab ctx /> }.into_any(),
        StreamTab::LiveProcessing => {
            let key = Memo::new(move |_| ctx.current.with(structure));
            (move || {
                key.track();
                let stream = ctx.current.get_untracked();
                let can_write = ctx.can_write && stream.state != StreamState::Deleted;
                view! {
                    <LiveProcessingTab
                        stream
                        organisation=ctx.organisation.get_value()
                        can_write
                        news=ctx.process_news.read_only()
                        on_saved=Callback::new(move |saved: Stream| ctx.accept(saved))
                    />
                }
            })
            .into_any()
        }
        StreamTab::Snippets => {
            let key = Memo::new(move |_| ctx.current.with(structure));
            (move || {
                key.track();
                let stream = ctx.current.get_untracked();
                let can_write = ctx.can_write && stream.state != StreamState::Deleted;
                view! {
                    <SnippetGenerator stream organisation=ctx.organisation.get_value() can_write />
                }
            })
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_ids_name_a_stream() {
        let id = "7c1e2b3a-0000-4000-8000-00000000abcd";
        assert_eq!(parse_id(id).map(|u| u.to_string()), Some(id.to_string()));
        assert_eq!(parse_id("7C1E2B3A-0000-4000-8000-00000000ABCD"), None);
        assert_eq!(parse_id("7c1e2b3a000040008000 00000000abcd"), None);
        assert_eq!(parse_id("7c1e2b3a00004000800000000000abcd"), None);
        assert_eq!(parse_id("Ab3xY-k9PqZ"), None);
        assert_eq!(parse_id(""), None);
    }

    #[test]
    fn arrow_keys_walk_the_tabs_and_wrap() {
        use StreamTab::*;
        assert_eq!(tab_after_key(Overview, "ArrowRight"), Some(LiveProcessing));
        assert_eq!(tab_after_key(LiveProcessing, "ArrowRight"), Some(Snippets));
        assert_eq!(tab_after_key(Snippets, "ArrowRight"), Some(Overview));
        assert_eq!(tab_after_key(Overview, "ArrowLeft"), Some(Snippets));
        assert_eq!(tab_after_key(Snippets, "Home"), Some(Overview));
        assert_eq!(tab_after_key(Overview, "End"), Some(Snippets));
        assert_eq!(tab_after_key(Overview, "Enter"), None);
        assert_eq!(tab_id(Overview), "stream-tab-overview");
        assert_eq!(panel_id(Snippets), "stream-panel-snippets");
    }

    #[test]
    fn quality_labels() {
        assert_eq!(quality_label(None), "Original (as sent)");
        let p = Profile::preset("vtrans2-852x480x800x25").expect("preset");
        assert_eq!(quality_label(Some(&p)), "852×480 · 800 kbit/s · 25 fps");
    }
}
