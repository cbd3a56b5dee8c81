//! The rows of the stream list (L1, L2): one keyed `<tbody>` per stream (grouped mode: per
//! ABR group, expandable into its passthrough and transcodes; individual mode: per
//! member, with its group id), and the per-stream state and health signals that live
//! events set in place (L4).
//!
//! Rows are keyed by stream id plus a fingerprint of everything they show, so reloading
//! a page re-renders only the rows that changed, and a state event touches one badge.
//! A live row also shows its ingest's health, a dot and the bitrate, from the list's
//! answer and then from `stream.health` events; health is left out of the fingerprint
//! (it changes every second) and an event changes only the dot's attributes and the
//! bitrate's text, and only when what they show changed.

use super::markup;
use crate::components::badge::{group_label, GroupBadge, StateBadge};
use crate::components::time::UtcTimeAgo;
use crate::format;
use leptos::prelude::*;
use shared::model::{HealthStatus, Member, Stream, StreamHealth};
use shared::stream::{Profile, StreamState};
use shared::Timestamp;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use uuid::Uuid;

/// What a row's state signal holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveState {
    pub state: StreamState,
    /// When an event changed the state since the row was loaded (`None`: as loaded).
    pub changed_at: Option<Timestamp>,
}

impl LiveState {
    fn loaded(state: StreamState) -> Self {
        LiveState {
            state,
            changed_at: None,
        }
    }
}

/// What a live row shows of its ingest's health: the dot and the bitrate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowHealth {
    pub status: HealthStatus,
    /// The last five seconds' bitrate.
    pub kbps: u32,
    /// The dot's label and tooltip: the status and the worst issue.
    pub summary: String,
}

impl RowHealth {
    pub fn of(health: &StreamHealth) -> Self {
        RowHealth {
            status: health.status,
            kbps: health.kbps,
            summary: health.summary(),
        }
    }
}

/// The signals a row reads: its state and its health.
#[derive(Clone)]
pub struct RowSignals {
    pub state: ArcRwSignal<LiveState>,
    pub health: ArcRwSignal<Option<RowHealth>>,
}

struct SharedState {
    signals: RowSignals,
    /// Rows currently showing the stream (a row and its replacement overlap briefly).
    users: usize,
}

/// Sets `signal` to `value` unless it holds it already (so nothing reading it runs).
fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: &ArcRwSignal<T>, value: T) {
    if signal.with_untracked(|now| *now != value) {
        signal.set(value);
    }
}

/// The state and health signals of every stream on screen, by id, so an event reaches
/// its badges. Rows [`attach`](LiveStates::attach) on creation and let go when cleaned
/// up.
#[derive(Clone, Copy)]
pub struct LiveStates(StoredValue<HashMap<Uuid, SharedState>>);

impl LiveStates {
    pub fn new() -> Self {
        LiveStates(StoredValue::new(HashMap::new()))
    }

    /// The signals of stream `id`, set to `state` and `health` as just loaded. Released
    /// when the current owner (the row) is cleaned up.
    pub fn attach(self, id: Uuid, state: StreamState, health: Option<&StreamHealth>) -> RowSignals {
        let fresh = || RowSignals {
            state: ArcRwSignal::new(LiveState::loaded(state)),
            health: ArcRwSignal::new(None),
        };
        let signals = self
            .0
            .try_update_value(|map| {
                let shared = map.entry(id).or_insert_with(|| SharedState {
                    signals: fresh(),
                    users: 0,
                });
                shared.users += 1;
                shared.signals.clone()
            })
            .unwrap_or_else(fresh);
        // Fresh data wins over an earlier event; a live stream answered without health
        // (not read yet) keeps what an event brought.
        set_if_changed(&signals.state, LiveState::loaded(state));
        let loaded = health.map(RowHealth::of);
        if loaded.is_some() || state != StreamState::Live {
            set_if_changed(&signals.health, loaded);
        }
        on_cleanup(move || self.release(id));
        signals
    }

    fn release(self, id: Uuid) {
        self.0.try_update_value(|map| {
            if let Some(shared) = map.get_mut(&id) {
                shared.users = shared.users.saturating_sub(1);
                if shared.users == 0 {
                    map.remove(&id);
                }
            }
        });
    }

    fn signals(self, id: Uuid) -> Option<RowSignals> {
        self.0
            .try_with_value(|map| map.get(&id).map(|s| s.signals.clone()))
            .flatten()
    }

    /// An event says stream `id` is now `state` (since `at`); a stream not on screen is
    /// ignored. A stream that is no longer live has no health to show.
    pub fn set(self, id: Uuid, state: StreamState, at: Timestamp) {
        if let Some(signals) = self.signals(id) {
            signals.state.set(LiveState {
                state,
                changed_at: Some(at),
            });
            if state != StreamState::Live {
                set_if_changed(&signals.health, None);
            }
        }
    }

    /// An event brings stream `id`'s health; a stream not on screen is ignored, and a row
    /// showing the same dot and bitrate is left alone.
    pub fn set_health(self, id: Uuid, health: &StreamHealth) {
        if let Some(signals) = self.signals(id) {
            set_if_changed(&signals.health, Some(RowHealth::of(health)));
        }
    }
}

/// A row's identity for the keyed list: the stream, and a fingerprint of what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowKey {
    id: Uuid,
    version: u64,
}

/// One row of the table, as loaded. The stream is shared, not copied, between the loaded
/// page and the row showing it. Rows are equal when their keys are.
#[derive(Debug, Clone)]
pub struct RowData {
    pub key: RowKey,
    pub stream: Arc<Stream>,
    /// Loaded in grouped mode (one row per group) or individual mode.
    pub grouped: bool,
}

impl RowData {
    pub fn new(stream: Stream, grouped: bool) -> Self {
        RowData {
            key: RowKey {
                id: stream.id,
                version: fingerprint(&stream, grouped),
            },
            stream: Arc::new(stream),
            grouped,
        }
    }
}

impl PartialEq for RowData {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

/// A hash of everything a row (and its member rows, when expanded) shows.
fn fingerprint(stream: &Stream, grouped: bool) -> u64 {
    let mut hasher = DefaultHasher::new();
    (
        grouped,
        &stream.name,
        stream.state,
        stream.streamgroup_id,
        stream.index,
        &stream.profile,
        &stream.tags,
        stream.updated_at,
        stream.playouts,
        stream.thumbnail.as_ref().map(|t| t.updated_at),
    )
        .hash(&mut hasher);
    for m in &stream.members {
        (m.id, &m.name, m.state, m.index, &m.profile, &m.tags).hash(&mut hasher);
    }
    hasher.finish()
}

/// Which table a new page of rows goes into: the same one, diffed row by row, when it
/// shares a row (as shown) with what is on screen (a reload after an event, a state
/// filter added); a new one when it shares none (the page, its size or the streamgroups
/// mode switched: a stream's row in one mode is not its row in the other),
/// so the old rows leave the document with their table in one step instead of one by
/// one, which the browser does far faster.
pub fn next_table(table: u64, shown: &[RowData], next: &[RowData]) -> u64 {
    let shown_keys: HashSet<RowKey> = shown.iter().map(|r| r.key).collect();
    if shown.is_empty() || next.iter().any(|r| shown_keys.contains(&r.key)) {
        table
    } else {
        table + 1
    }
}

/// How a member names its place in the group: ("Passthrough", "index 0 · original
/// quality") or ("Transcode 1", "852×480 · 800 kbit/s · 25 fps").
pub fn member_role(index: u32, profile: Option<&Profile>) -> (String, String) {
    match (index, profile) {
        (0, _) | (_, None) => (
            "Passthrough".to_string(),
            format!("index {index} · original quality"),
        ),
        (n, Some(profile)) => (format!("Transcode {n}"), profile.label()),
    }
}

/// The table head, shared by the loaded table and its skeleton.
#[component]
pub fn TableHead() -> impl IntoView {
    view! {
        // Fixed widths (style/list.css): columns keep their place whatever the rows hold.
        <colgroup>
            <col class="col-name" />
            <col class="col-state" />
            <col class="col-id" />
            <col class="col-group" />
            <col class="col-updated" />
            <col class="col-tags" />
        </colgroup>
        <thead>
            <tr>
                <th scope="col">"Streamname"</th>
                <th scope="col">"State"</th>
                <th scope="col">"ID"</th>
                <th scope="col">"Streamgroup"</th>
                <th scope="col">"Last updated (UTC)"</th>
                <th scope="col">"Tags"</th>
            </tr>
        </thead>
    }
}

/// Placeholder rows while the first page loads.
#[component]
pub fn SkeletonTable() -> impl IntoView {
    view! {
        <div class="table-wrap" data-testid="list-loading">
            <p class="visually-hidden" role="status">
                "Loading streams…"
            </p>
            <table class="table stream-table" aria-hidden="true">
                <TableHead />
                <tbody>
                    {(0..6)
                        .map(|_| {
                            view! {
                                <tr class="skeleton-row">
                                    {(0..6)
                                        .map(|_| view! { <td><span class="skeleton skeleton-line"></span></td> })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A stream (grouped mode: a group) and, when expanded, its members.
#[component]
pub fn StreamRows(
    row: RowData,
    live: LiveStates,
    /// Groups the user expanded, kept across reloads of the page.
    expanded: StoredValue<HashSet<Uuid>>,
) -> impl IntoView {
    let RowData {
        stream, grouped, ..
    } = row;
    let Stream {
        id,
        state,
        streamgroup_id,
        index,
        updated_at,
        ..
    } = *stream;
    let name = stream.name.to_string();
    let playouts = stream.playouts.map_or(stream.members.len(), |n| n as usize);
    let RowSignals {
        state: live_state,
        health,
    } = live.attach(id, state, stream.health.as_ref());

    let group_cell = if grouped {
        if playouts > 1 {
            let open = RwSignal::new(expanded.with_value(|e| e.contains(&id)));
            let toggle = move |_| {
                let now = !open.get_untracked();
                open.set(now);
                expanded.update_value(|e| {
                    if now {
                        e.insert(id);
                    } else {
                        e.remove(&id);
                    }
                });
            };
            let expand_label = format!("{} of {name}", group_label(playouts));
            let member_ids = stream
                .members
                .iter()
                .map(|m| format!("member-{}", m.id))
                .collect::<Vec<_>>()
                .join(" ");
            let group = stream.clone();
            let members_view = move || {
                open.get().then(|| {
                    group
                        .members
                        .iter()
                        .map(|m| view! { <MemberRow member=m.clone() live group_updated=updated_at /> })
                        .collect_view()
                })
            };
            let cell = view! {
                <td class="cell-group">
                    <button
                        type="button"
                        class="expand-button"
                        aria-expanded=move || if open.get() { "true" } else { "false" }
                        aria-controls=move || open.get().then(|| member_ids.clone())
                        aria-label=expand_label
                        data-testid="expand-group"
                        on:click=toggle
                    >
                        <span class="expand-icon" aria-hidden="true"></span>
                        <GroupBadge playouts />
                    </button>
                </td>
            };
            (cell.into_any(), Some(members_view))
        } else {
            (
                view! { <td class="cell-group" inner_html=markup::group_badge(playouts)></td> }
                    .into_any(),
                None,
            )
        }
    } else {
        let (role, detail) = member_role(index, stream.profile.as_ref());
        (
            view! {
                <td
                    class="cell-group"
                    inner_html=markup::group_role(streamgroup_id, &role, &detail)
                ></td>
            }
            .into_any(),
            None,
        )
    };
    let (group_cell, members_view) = group_cell;

    let name_cell = markup::name(id, &name, stream.thumbnail.as_ref(), "stream-name");
    let updated = {
        let live_state = live_state.clone();
        move || {
            let ts = live_state.with(|s| s.changed_at).unwrap_or(updated_at);
            view! { <UtcTimeAgo ts /> }
        }
    };
    view! {
        <tbody class="stream-group">
            <tr
                class="stream-row"
                data-testid="stream-row"
                data-stream-id=id.to_string()
                data-stream-name=name
            >
                <td class="cell-name" inner_html=name_cell></td>
                <td class="cell-state">
                    {state_badge(live_state.clone())}
                    {health_view(live_state, health)}
                </td>
                <td class="cell-id" inner_html=markup::short_id(id, "stream id", "stream-id")></td>
                {group_cell}
                <td class="cell-updated">{updated}</td>
                <td class="cell-tags" inner_html=markup::tag_chips(&stream.tags)></td>
            </tr>
            {members_view}
        </tbody>
    }
}

/// One member of an expanded group. Its "Last updated" is the group's (a member's state
/// and settings change with the group), or its own live state change since.
#[component]
fn MemberRow(member: Member, live: LiveStates, group_updated: Timestamp) -> impl IntoView {
    let Member {
        id,
        name,
        state,
        index,
        profile,
        tags,
        ..
    } = member;
    // A member's health arrives with the events (the list answers only the group's).
    let RowSignals {
        state: live_state,
        health,
    } = live.attach(id, state, None);
    let (role, detail) = member_role(index, profile.as_ref());
    let updated = {
        let live_state = live_state.clone();
        move || {
            let ts = live_state.with(|s| s.changed_at).unwrap_or(group_updated);
            view! { <UtcTimeAgo ts /> }
        }
    };
    view! {
        <tr
            class="member-row"
            id=format!("member-{id}")
            data-testid="member-row"
            data-stream-id=id.to_string()
            data-stream-name=name.to_string()
        >
            <td class="cell-name" inner_html=markup::name(id, name.as_str(), None, "member-name")></td>
            <td class="cell-state">
                {state_badge(live_state.clone())}
                {health_view(live_state, health)}
            </td>
            <td class="cell-id" inner_html=markup::short_id(id, "stream id", "member-id")></td>
            <td class="cell-group">
                <span class="member-role" data-testid="member-role">
                    {role}
                </span>
                <span class="hint" data-testid="member-detail">
                    {detail}
                </span>
            </td>
            <td class="cell-updated">{updated}</td>
            <td class="cell-tags" inner_html=markup::tag_chips(&tags)></td>
        </tr>
    }
}

/// The state badge, following the row's live state.
fn state_badge(live_state: ArcRwSignal<LiveState>) -> impl IntoView {
    move || view! { <StateBadge state=live_state.with(|s| s.state) /> }
}

/// A live row's health: a dot (its label and tooltip say the status and the worst issue)
/// and the bitrate. Drawn once the stream is live and read; an update changes the dot's
/// attributes and the bitrate's text in place.
fn health_view(
    live_state: ArcRwSignal<LiveState>,
    health: ArcRwSignal<Option<RowHealth>>,
) -> impl IntoView {
    let shown = {
        let health = health.clone();
        Memo::new(move |_| {
            live_state.with(|s| s.state == StreamState::Live) && health.with(Option::is_some)
        })
    };
    let read = move |f: fn(&RowHealth) -> String| {
        let health = health.clone();
        move || health.with(|h| h.as_ref().map(f).unwrap_or_default())
    };
    move || {
        shown.get().then(|| {
            let summary = read(|h| h.summary.clone());
            view! {
                <span class="row-health" data-testid="row-health" data-status=read(|h| h.status.as_str().to_string())>
                    <span class="health-dot" role="img" aria-label=summary.clone() title=summary></span>
                    <span class="row-kbps" data-testid="row-kbps">
                        {read(|h| format::kbps(h.kbps))}
                    </span>
                </span>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::stream::Tags;

    /// A single stream with a tag, as a grouped list answers it.
    fn stream() -> Stream {
        Stream {
            tags: Tags::parse(&["sport"]).expect("valid"),
            members: vec![],
            playouts: Some(1),
            assets: None,
            ..Stream::example()
        }
    }

    #[test]
    fn row_keys_change_exactly_when_what_is_shown_changes() {
        let a = RowData::new(stream(), true);
        assert_eq!(a.key, RowData::new(stream(), true).key);
        assert_ne!(a.key, RowData::new(stream(), false).key);
        let mut live = stream();
        live.state = StreamState::Live;
        assert_ne!(a.key, RowData::new(live, true).key);
        let mut retagged = stream();
        retagged.tags = Tags::parse(&["news"]).expect("valid");
        assert_ne!(a.key, RowData::new(retagged, true).key);
        assert_eq!(a.key.id, stream().id);
        // A new thumbnail shows in the row.
        let mut pictured = stream();
        pictured.thumbnail = Some(shared::model::AssetRef {
            url: "https://castboard.example/thumbnails/x.jpg".into(),
            updated_at: stream().updated_at,
        });
        assert_ne!(a.key, RowData::new(pictured, true).key);

        // A member's state shows in its row once the group is expanded.
        let member = |state| Member {
            state,
            tags: Tags::default(),
            ..stream().as_member()
        };
        let mut group = stream();
        group.members = vec![member(StreamState::Created)];
        let mut group_live = group.clone();
        group_live.members = vec![member(StreamState::Live)];
        assert_ne!(
            RowData::new(group.clone(), true).key,
            RowData::new(group_live, true).key
        );
        // What no row shows (the push URL) leaves the row as it is.
        let mut pushed = group.clone();
        pushed.push_url = Some("rtmp://example.com/live/x".to_string());
        assert_eq!(
            RowData::new(group.clone(), true).key,
            RowData::new(pushed, true).key
        );
        // Nor does health, which changes every second and is set in place.
        let mut read = group.clone();
        read.health = Some(StreamHealth::example());
        assert_eq!(RowData::new(group, true).key, RowData::new(read, true).key);
    }

    #[test]
    fn a_rows_health_is_its_status_bitrate_and_worst_issue() {
        let mut health = StreamHealth::example();
        assert_eq!(
            RowHealth::of(&health),
            RowHealth {
                status: HealthStatus::Healthy,
                kbps: 412,
                summary: "Ingest healthy".to_string(),
            }
        );
        health.status = HealthStatus::Warning;
        health.issues = vec![shared::model::HealthIssue {
            code: shared::model::HealthIssueCode::KeyframeInterval,
            severity: HealthStatus::Warning,
            message: "keyframe interval 8 s: set 1–2 s for low latency".to_string(),
        }];
        assert_eq!(
            RowHealth::of(&health).summary,
            "Ingest warning: keyframe interval 8 s: set 1–2 s for low latency"
        );
    }

    #[test]
    fn a_page_sharing_no_row_goes_into_a_new_table() {
        let with_id = |id: u128| {
            let mut s = stream();
            s.id = Uuid::from_u128(id);
            RowData::new(s, true)
        };
        let shown = vec![with_id(1), with_id(2)];
        // Nothing on screen yet: nothing to take away, the table stays.
        assert_eq!(next_table(4, &[], &shown), 4);
        // One row in common: diffed in place.
        assert_eq!(next_table(4, &shown, &[with_id(2), with_id(3)]), 4);
        // None in common, or no row any more: a new table.
        assert_eq!(next_table(4, &shown, &[with_id(3), with_id(5)]), 5);
        assert_eq!(next_table(4, &shown, &[]), 5);
        // The same streams in the other mode are other rows.
        let individual = |id: u128| {
            let mut s = stream();
            s.id = Uuid::from_u128(id);
            RowData::new(s, false)
        };
        assert_eq!(next_table(4, &shown, &[individual(1), individual(2)]), 5);
    }

    #[test]
    fn members_name_their_place_in_the_group() {
        assert_eq!(
            member_role(0, None),
            (
                "Passthrough".to_string(),
                "index 0 · original quality".to_string()
            )
        );
        let profile = Profile::preset("vtrans2-852x480x800x25").expect("a preset");
        assert_eq!(
            member_role(1, Some(&profile)),
            (
                "Transcode 1".to_string(),
                "852×480 · 800 kbit/s · 25 fps".to_string()
            )
        );
    }
}
