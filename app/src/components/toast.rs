//! Toasts: short results of an action ("Tags saved"), announced politely to screen
//! readers, closing by themselves after a few seconds or with their close button.
//!
//! [`ToastHost`] provides the [`Toasts`] context and renders the stack; pages call
//! [`Toasts::success`] or [`Toasts::error`] through [`use_toasts`].

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

/// How long a toast stays.
const SHOWN_FOR: Duration = Duration::from_secs(5);

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
        self.items
            .update(|items| items.push(Toast { id, kind, message }));
        let items = self.items;
        set_timeout(
            move || items.update(|items| items.retain(|t| t.id != id)),
            SHOWN_FOR,
        );
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
                                "×"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}
