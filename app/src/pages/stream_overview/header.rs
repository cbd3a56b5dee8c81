//! O1 the stream's header (name, state, creation date, group badge, secure indicator,
//! id) and O2 its quick actions: webcaster, watch, instructions, the test stream for
//! admins and users (see [`super::test_stream`]), and for admins stop & lock, unlock and
//! delete, the destructive ones behind a confirmation naming the stream.

use super::test_stream::TestStream;
use super::{focus_later, Ctx};
use crate::api::{self, ApiError};
use crate::components::badge::{GroupBadge, SecureBadge, StateBadge};
use crate::components::copy_button::CopyButton;
use crate::components::dialog::ConfirmDialog;
use crate::components::menu::{MenuItem, OverflowMenu};
use crate::components::time::UtcTimeAgo;
use crate::paths;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::model::Stream;
use shared::stream::StreamState;
use shared::ErrorCode;

/// The name as the page's heading, then the facts about the stream in one wrapping row.
#[component]
pub(super) fn StreamHeader(ctx: Ctx) -> impl IntoView {
    move || {
        let s = ctx.current.get();
        let id = s.id.to_string();
        view! {
            <header class="stream-header" data-testid="stream-header">
                <a class="stream-back" href=paths::last_list() data-testid="stream-back">
                    <span aria-hidden="true">"← "</span>
                    "Streams"
                </a>
                <h1 class="page-title stream-title" data-testid="stream-name">
                    {s.name.to_string()}
                </h1>
                <div class="stream-meta">
                    <StateBadge state=s.state />
                    <span class="stream-meta-item">
                        // Not "Created": beside a stream in the state of that name it
                        // read "Created Created 2026-…".
                        <span class="muted">"Added"</span>
                        <UtcTimeAgo ts=s.created_at testid="stream-created" />
                    </span>
                    <GroupBadge playouts=s.members.len() />
                    {s.secure.then(|| view! { <SecureBadge /> })}
                    <span class="stream-meta-item stream-id">
                        <span class="muted">"ID"</span>
                        <code class="mono" data-testid="stream-id">
                            {id.clone()}
                        </code>
                        <CopyButton text=id what="stream id" testid="stream-id-copy" />
                    </span>
                </div>
            </header>
        }
    }
}

const LOCK_ID: &str = "action-lock";
const UNLOCK_ID: &str = "action-unlock";

/// What the delete confirmation says will happen.
pub fn delete_message(stream: &Stream) -> String {
    let others: Vec<&str> = stream
        .members
        .iter()
        .filter(|m| m.id != stream.id)
        .map(|m| m.name.as_str())
        .collect();
    let after = "Ingest is refused from then on; the stream stays listed under the Deleted \
                 state filter, for the record. This cannot be undone.";
    if others.is_empty() {
        format!("Stream {} will be deleted. {after}", stream.name)
    } else {
        let noun = if others.len() == 1 {
            "stream"
        } else {
            "streams"
        };
        format!(
            "The whole stream group goes: {} and its {} other {noun} ({}). {after}",
            stream.name,
            others.len(),
            others.join(", ")
        )
    }
}

/// O2. Admin actions are drawn for admins only, and only in states that allow them.
#[component]
pub(super) fn QuickActions(ctx: Ctx) -> impl IntoView {
    let navigate = use_navigate();
    let name = move || ctx.current.with(|s| s.name.to_string());
    let state = move || ctx.current.with(|s| s.state);

    // A refusal because the state changed meanwhile (409): say so, and show the truth.
    let refused = move |e: ApiError| {
        ctx.failure(e.message());
        if e.code() == Some(ErrorCode::Conflict) {
            ctx.reload();
        }
    };

    let lock_open = RwSignal::new(false);
    let lock = Action::new_local(move |_: &()| {
        let (id, name) = ctx.current.with_untracked(|s| (s.id, s.name.to_string()));
        async move {
            match api::lock_stream(id).await {
                Ok(stream) => {
                    lock_open.set(false);
                    ctx.current.set(stream);
                    ctx.success(format!("Stream {name} stopped and locked"));
                    // The button pressed is gone; its counterpart takes the focus.
                    focus_later(UNLOCK_ID.to_string());
                }
                Err(e) => {
                    lock_open.set(false);
                    refused(e);
                }
            }
        }
    });
    let unlock = Action::new_local(move |_: &()| {
        let (id, name) = ctx.current.with_untracked(|s| (s.id, s.name.to_string()));
        async move {
            match api::unlock_stream(id).await {
                Ok(stream) => {
                    ctx.current.set(stream);
                    ctx.success(format!("Stream {name} unlocked"));
                    focus_later(LOCK_ID.to_string());
                }
                Err(e) => refused(e),
            }
        }
    });

    let delete_open = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<String>);
    let delete = Action::new_local(move |_: &()| {
        let (id, name) = ctx.current.with_untracked(|s| (s.id, s.name.to_string()));
        let navigate = navigate.clone();
        async move {
            match api::delete_stream(id).await {
                Ok(()) => {
                    delete_open.set(false);
                    ctx.success(format!("Stream {name} deleted"));
                    navigate(paths::STREAMS, Default::default());
                }
                Err(e) if e.code() == Some(ErrorCode::Conflict) => {
                    delete_open.set(false);
                    refused(e);
                }
                Err(e) => delete_error.set(Some(e.message())),
            }
        }
    });

    let busy = move || lock.pending().get() || unlock.pending().get() || delete.pending().get();
    let on_lock = move |_| {
        if state() == StreamState::Live {
            lock_open.set(true);
        } else {
            lock.dispatch(());
        }
    };
    let on_delete = move |()| {
        delete_error.set(None);
        delete_open.set(true);
    };

    let test_stream = ctx.can_write.then(|| TestStream::new(ctx));

    let webcaster = ctx.features().webcaster.then(|| {
        view! {
            <button
                type="button"
                class="button button-secondary"
                disabled=true
                aria-describedby="webcaster-note"
                data-testid="action-webcaster"
            >
                "Start webcaster"
            </button>
        }
    });
    let webcaster_note = ctx.features().webcaster.then(|| {
        view! {
            <p class="hint stream-actions-note" id="webcaster-note" data-testid="webcaster-note">
                "The browser webcaster is not available in this version yet: send the stream from an encoder such as OBS (see Get instructions)."
            </p>
        }
    });

    let admin_actions = move || {
        if !ctx.is_admin {
            return None;
        }
        let st = state();
        let lockable = matches!(
            st,
            StreamState::Live | StreamState::Created | StreamState::Ended
        );
        Some(view! {
            {lockable
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="button button-secondary"
                            id=LOCK_ID
                            data-testid="action-lock"
                            disabled=busy
                            on:click=on_lock
                        >
                            {move || if lock.pending().get() { "Locking…" } else { "Stop & lock" }}
                        </button>
                    }
                })}
            {(st == StreamState::Locked)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="button button-secondary"
                            id=UNLOCK_ID
                            data-testid="action-unlock"
                            disabled=busy
                            on:click=move |_| {
                                unlock.dispatch(());
                            }
                        >
                            {move || if unlock.pending().get() { "Unlocking…" } else { "Unlock" }}
                        </button>
                    }
                })}
            {(st != StreamState::Deleted)
                .then(|| {
                    view! {
                        <OverflowMenu
                            label=format!("More actions for stream {}", name())
                            testid="action-more"
                        >
                            <MenuItem
                                text="Delete stream"
                                danger=true
                                disabled=Signal::derive(busy)
                                testid="action-delete"
                                on_select=on_delete
                            />
                        </OverflowMenu>
                    }
                })}
        })
    };

    view! {
        <div class="stream-actions" data-testid="stream-actions">
            <div class="button-row">
                {webcaster}
                <a
                    class="button button-secondary"
                    href=move || ctx.current.with(|s| s.playout.live_url.clone())
                    target="_blank"
                    rel="noopener noreferrer"
                    data-testid="action-watch"
                >
                    "Watch stream"
                    <span class="visually-hidden">" (opens in a new tab)"</span>
                </a>
                <a
                    class="button button-secondary"
                    href=move || ctx.current.with(|s| paths::instructions_path(s.id))
                    data-testid="action-instructions"
                >
                    "Get instructions"
                </a>
                {test_stream.map(|t| t.button(ctx))}
                {admin_actions}
            </div>
            {webcaster_note}
            {test_stream.map(|t| t.note(ctx))}
            {move || {
                ctx.current
                    .with(|s| s.state == StreamState::Deleted)
                    .then(|| {
                        view! {
                            <p class="notice stream-deleted-note" data-testid="stream-deleted-note">
                                "This stream is deleted: ingest is refused and it can no longer be changed. It is kept for the record."
                            </p>
                        }
                    })
            }}
        </div>
        <ConfirmDialog
            open=lock_open
            title=Signal::derive(move || format!("Stop & lock stream {}?", name()))
            message="The running ingest is cut now, and new ingest is refused until an admin unlocks the stream (the whole group)."
            confirm_label="Stop & lock"
            on_confirm=move |_| {
                lock.dispatch(());
            }
            pending=lock.pending()
            error=Signal::derive(|| None::<String>)
            testid="lock-dialog"
        />
        <ConfirmDialog
            open=delete_open
            title=Signal::derive(move || format!("Delete stream {}?", name()))
            message=Signal::derive(move || ctx.current.with(delete_message))
            confirm_label="Delete stream"
            on_confirm=move |_| {
                delete_error.set(None);
                delete.dispatch(());
            }
            pending=delete.pending()
            error=delete_error
            testid="delete-dialog"
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::model::Member;
    use shared::stream::StreamName;
    use uuid::Uuid;

    /// A group of streams named `members`, passthrough first.
    fn stream(members: &[&str]) -> Stream {
        let group = Uuid::from_u128(0x7c1e2b3a_0000_4000_8000_000000000000);
        let members: Vec<Member> = (0u32..)
            .zip(members)
            .map(|(index, name)| Member {
                id: Uuid::from_u128(group.as_u128() + u128::from(index)),
                name: StreamName::parse(name).expect("valid name"),
                streamgroup_id: group,
                index,
                ..Member::example()
            })
            .collect();
        let mut stream = Stream::example();
        stream.id = group;
        stream.streamgroup_id = group;
        stream.name = members[0].name.clone();
        stream.ingest.streamname = stream.name.clone();
        stream.members = members;
        stream
    }

    #[test]
    fn delete_message_names_the_whole_group() {
        assert_eq!(
            delete_message(&stream(&["Ab3xY-k9PqZ"])),
            "Stream Ab3xY-k9PqZ will be deleted. Ingest is refused from then on; the stream \
             stays listed under the Deleted state filter, for the record. This cannot be undone."
        );
        assert_eq!(
            delete_message(&stream(&["Ab3xY-k9PqZ", "Ab3xY-aaaaa", "Ab3xY-bbbbb"])),
            "The whole stream group goes: Ab3xY-k9PqZ and its 2 other streams (Ab3xY-aaaaa, \
             Ab3xY-bbbbb). Ingest is refused from then on; the stream stays listed under the \
             Deleted state filter, for the record. This cannot be undone."
        );
        assert!(delete_message(&stream(&["Ab3xY-k9PqZ", "Ab3xY-aaaaa"]))
            .contains("its 1 other stream (Ab3xY-aaaaa)"));
    }
}
