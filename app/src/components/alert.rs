//! An alert box: a message that needs the reader's attention, announced by screen readers
//! (`role="alert"`) as soon as it appears.

use leptos::prelude::*;

/// How serious an alert is; picks its colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlertKind {
    #[default]
    Error,
    Info,
}

impl AlertKind {
    fn class(self) -> &'static str {
        match self {
            AlertKind::Error => "alert alert-error",
            AlertKind::Info => "alert alert-info",
        }
    }
}

/// One message in a coloured box.
#[component]
pub fn Alert(
    /// The sentence to show.
    #[prop(into)]
    message: String,
    #[prop(optional)] kind: AlertKind,
    /// `data-testid` for browser tests.
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class=kind.class() role="alert" data-testid=testid>
            <svg class="alert-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
                <circle cx="10" cy="10" r="8.5" fill="none" stroke="currentColor" stroke-width="1.6" />
                <path d="M10 5.5v5.5" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
                <circle cx="10" cy="14" r="1.1" fill="currentColor" />
            </svg>
            <p class="alert-message">{message}</p>
        </div>
    }
}
