//! Copy to clipboard with a visible confirmation ("Copied") and a plain fallback message
//! when the browser refuses (e.g. no clipboard permission).

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

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
                Copied::Idle => "Copy",
                Copied::Done => "Copied",
                Copied::Failed => "Press Ctrl+C",
            }}
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
