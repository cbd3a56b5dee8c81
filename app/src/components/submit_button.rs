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

/// The Save and Cancel pair that ends an inline editor; the test ids are
/// `<name>-save` and `<name>-cancel`. Cancel is disabled while the save runs.
#[component]
pub fn SaveCancel(
    /// What is edited (`tags`, `org-webhook`): the test ids start with it.
    #[prop(into)]
    name: String,
    #[prop(into)] pending: Signal<bool>,
    /// The draft cannot be saved as it is.
    #[prop(optional, into)]
    blocked: Signal<bool>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="button-row">
            <SubmitButton
                pending
                label="Save"
                busy_label="Saving…"
                blocked
                class="button button-primary button-small"
                testid=format!("{name}-save")
            />
            <button
                type="button"
                class="button button-secondary button-small"
                data-testid=format!("{name}-cancel")
                disabled=move || pending.get()
                on:click=move |_| on_cancel.run(())
            >
                "Cancel"
            </button>
        </div>
    }
}
