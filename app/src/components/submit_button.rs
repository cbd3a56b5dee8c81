//! The submit button of a form whose request may take a moment.

use leptos::prelude::*;

/// Disabled while its request runs (and then says so, with `aria-busy`), or while the
/// form cannot be sent yet (`blocked`, e.g. a field is refused).
#[component]
pub fn SubmitButton(
    /// Whether the form's request is running.
    #[prop(into)]
    pending: Signal<bool>,
    /// What the button does ("Create stream").
    label: &'static str,
    /// What it says while the request runs ("Creating…").
    busy_label: &'static str,
    /// The form cannot be sent as it is.
    #[prop(optional, into)]
    blocked: Signal<bool>,
    #[prop(default = "button button-primary")] class: &'static str,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=class
            data-testid=testid
            disabled=move || pending.get() || blocked.get()
            aria-busy=move || if pending.get() { "true" } else { "false" }
        >
            {move || if pending.get() { busy_label } else { label }}
        </button>
    }
}
