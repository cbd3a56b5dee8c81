//! Copy to clipboard with a visible confirmation ("Copied") and a plain fallback message
//! when the browser refuses (e.g. no clipboard permission).

use crate::components::icon::{Icon, IconName};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// What a copy attempt came to; drives the button's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copied {
    Idle,
    Done,
    Failed,
}

/// Writes `text` to the clipboard; `false` when the browser refuses.
pub async fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// The click handler of a list whose rows carry id buttons (`.copy-id` with the whole
/// id in `data-copy`): one handler for the list instead of one per row. Copies the id,
/// shows the button's check mark for two seconds (`.copy-id-done`) and says what happened
/// in `status` (a `role="status"` text of the list's). Clicks elsewhere pass through.
pub fn copy_clicked_id(ev: &web_sys::MouseEvent, status: RwSignal<String>) {
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".copy-id").ok().flatten())
    else {
        return;
    };
    let Some(text) = button.get_attribute("data-copy") else {
        return;
    };
    spawn_local(async move {
        let ok = write_clipboard(&text).await;
        status.set(if ok {
            format!("Copied {text}")
        } else {
            "Could not copy the id: the browser refused; open the stream to select it".to_string()
        });
        if ok {
            let _ = button.class_list().add_1("copy-id-done");
            set_timeout(
                move || {
                    let _ = button.class_list().remove_1("copy-id-done");
                },
                Duration::from_millis(2_000),
            );
        }
    });
}

/// A button that copies `text`. Its accessible name says what it copies.
#[component]
pub fn CopyButton(
    /// The text to copy (read when clicked).
    #[prop(into)]
    text: Signal<String>,
    /// What is copied, for screen readers: "Copy {what}".
    what: &'static str,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    let state = RwSignal::new(Copied::Idle);
    let on_click = move |_| {
        let value = text.get_untracked();
        spawn_local(async move {
            let ok = write_clipboard(&value).await;
            state.set(if ok { Copied::Done } else { Copied::Failed });
            set_timeout(
                move || state.set(Copied::Idle),
                Duration::from_millis(2_000),
            );
        });
    };
    view! {
        <button
            type="button"
            class="button button-secondary button-small copy-button"
            class:copy-button-done=move || state.get() == Copied::Done
            aria-label=format!("Copy {what}")
            data-testid=testid
            on:click=on_click
        >
            {move || match state.get() {
                Copied::Done => view! { <Icon name=IconName::Check /> }.into_any(),
                _ => view! { <Icon name=IconName::Copy /> }.into_any(),
            }}
            <span class="copy-button-text">
                {move || match state.get() {
                    Copied::Idle => "Copy",
                    Copied::Done => "Copied",
                    Copied::Failed => "Press Ctrl+C",
                }}
            </span>
        </button>
        <span class="visually-hidden" role="status">
            {move || match state.get() {
                Copied::Done => format!("{what} copied"),
                Copied::Failed => format!("Could not copy {what}; select it and copy by hand"),
                Copied::Idle => String::new(),
            }}
        </span>
    }
}

/// A labelled, read-only value (code font) with a copy button: ingest URLs, playout
/// URLs, snippets.
#[component]
pub fn CopyField(
    /// The visible label; also the copy button's "what".
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    /// Show as a multi-line block (snippets) instead of one line.
    #[prop(optional)]
    multiline: bool,
    /// `data-testid` of the value; its button gets `<testid>-copy`.
    testid: &'static str,
) -> impl IntoView {
    let id = format!("copy-{testid}");
    let body = if multiline {
        view! {
            <pre class="copy-field-value copy-field-block" id=id.clone() data-testid=testid tabindex="0">
                <code>{move || value.get()}</code>
            </pre>
        }
        .into_any()
    } else {
        view! {
            <code class="copy-field-value" id=id.clone() data-testid=testid>
                {move || value.get()}
            </code>
        }
        .into_any()
    };
    view! {
        <div class="copy-field">
            <div class="copy-field-head">
                <span class="copy-field-label" id=format!("{id}-label")>
                    {label}
                </span>
                <CopyButton text=value what=label testid=format!("{testid}-copy") />
            </div>
            {body}
        </div>
    }
}
