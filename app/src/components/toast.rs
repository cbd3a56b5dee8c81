//! Toasts: short results of an action ("Tags saved"), announced politely to screen
//! readers. A success closes by itself after [`SUCCESS_FOR`]; an error stays until it is
//! dismissed, so it can be read. At most [`MAX_SHOWN`] are on screen ([`pushed`]): quick
//! edits never bury the page under a pile of them.
//!
//! [`ToastHost`] provides the [`Toasts`] context and renders the stack; pages call
//! [`Toasts::success`] or [`Toasts::error`] through [`use_toasts`].

use crate::components::icon::{Icon, IconName};
use leptos::prelude::*;
use std::time::Duration;

/// How a toast looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
}

/// The stack of toasts on screen.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

/// How long a success stays.
pub const SUCCESS_FOR: Duration = Duration::from_secs(4);

/// Toasts on screen at most.
pub const MAX_SHOWN: usize = 3;

/// The stack after `new` arrives: the same message already shown gives way to it (moving
/// it to the end rather than showing it twice); beyond [`MAX_SHOWN`], the oldest success
/// goes first, else the oldest error.
fn pushed(mut items: Vec<Toast>, new: Toast) -> Vec<Toast> {
    items.retain(|t| (t.kind, &t.message) != (new.kind, &new.message));
    items.push(new);
    while items.len() > MAX_SHOWN {
        let oldest = items
            .iter()
            .position(|t| t.kind == ToastKind::Success)
            .unwrap_or(0);
        items.remove(oldest);
    }
    items
}

impl Toasts {
    fn new() -> Self {
        Toasts {
            items: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    /// Shows a success message.
    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message.into());
    }

    /// Shows a failure message.
    pub fn error(&self, message: impl Into<String>) {
        self.push(ToastKind::Error, message.into());
    }

    fn push(&self, kind: ToastKind, message: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|items| {
            *items = pushed(std::mem::take(items), Toast { id, kind, message });
        });
        if kind == ToastKind::Success {
            let items = self.items;
            set_timeout(
                move || items.update(|items| items.retain(|t| t.id != id)),
                SUCCESS_FOR,
            );
        }
    }

    fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }
}

/// The toasts of the page; a no-op stand-in outside [`ToastHost`] would hide mistakes,
/// so this returns `None` there.
pub fn use_toasts() -> Option<Toasts> {
    use_context()
}

/// Provides [`Toasts`] to everything below it and shows them in a corner.
#[component]
pub fn ToastHost(children: Children) -> impl IntoView {
    let toasts = Toasts::new();
    provide_context(toasts);
    view! {
        {children()}
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For
                each=move || toasts.items.get()
                key=|t| t.id
                children=move |t| {
                    let id = t.id;
                    view! {
                        <div
                            class=match t.kind {
                                ToastKind::Success => "toast toast-success",
                                ToastKind::Error => "toast toast-error",
                            }
                            data-testid="toast"
                            data-kind=match t.kind {
                                ToastKind::Success => "success",
                                ToastKind::Error => "error",
                            }
                        >
                            <p class="toast-message">{t.message}</p>
                            <button
                                type="button"
                                class="toast-close"
                                aria-label="Dismiss"
                                on:click=move |_| toasts.dismiss(id)
                            >
                                <Icon name=IconName::Close />
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toast(id: u64, kind: ToastKind, message: &str) -> Toast {
        Toast {
            id,
            kind,
            message: message.to_string(),
        }
    }

    fn ids(items: &[Toast]) -> Vec<u64> {
        items.iter().map(|t| t.id).collect()
    }

    #[test]
    fn at_most_three_are_shown_and_successes_give_way_before_errors() {
        use ToastKind::{Error, Success};
        let mut items = Vec::new();
        for (id, kind, text) in [
            (0, Error, "Tags not saved"),
            (1, Success, "Push URL saved"),
            (2, Success, "Timecode saved"),
        ] {
            items = pushed(items, toast(id, kind, text));
        }
        assert_eq!(ids(&items), vec![0, 1, 2]);
        // A fourth: the oldest success goes, the error stays.
        items = pushed(items, toast(3, Success, "Profile added"));
        assert_eq!(ids(&items), vec![0, 2, 3]);
        // Errors only: the oldest goes.
        let mut errors = Vec::new();
        for id in 0..4 {
            errors = pushed(errors, toast(id, Error, &format!("failure {id}")));
        }
        assert_eq!(ids(&errors), vec![1, 2, 3]);
    }

    #[test]
    fn the_same_message_again_replaces_the_one_shown() {
        use ToastKind::{Error, Success};
        let mut items = pushed(Vec::new(), toast(0, Success, "Tags saved"));
        items = pushed(items, toast(1, Error, "Tags saved"));
        items = pushed(items, toast(2, Success, "Tags saved"));
        assert_eq!(ids(&items), vec![1, 2], "an error and a success differ");
    }
}
