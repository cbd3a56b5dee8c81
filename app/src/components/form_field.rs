//! A labelled text input with its inline error, wired for screen readers
//! (`aria-invalid`, `aria-describedby`).

use leptos::prelude::*;

/// One form field. The page owns the value and decides the error; this only shows them.
#[component]
pub fn TextField(
    /// The input's `id` and `name`; also ties the label and the error message to it.
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// Two-way bound to the input.
    value: RwSignal<String>,
    /// Why the current value is refused, completing the label (shown under the input).
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The input's `type`.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The input's `autocomplete` hint (`email`, `current-password`, …).
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    #[prop(optional)] autofocus: bool,
    /// `data-testid` of the input; its error gets `<testid>-error`.
    testid: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let invalid = move || error.with(Option::is_some);
    let described_by = {
        let error_id = error_id.clone();
        move || invalid().then(|| error_id.clone())
    };
    view! {
        <div class="field" class:field-invalid=invalid>
            <label class="field-label" for=id>
                {label}
            </label>
            <input
                class="field-input"
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                autofocus=autofocus
                aria-invalid=move || if invalid() { "true" } else { "false" }
                aria-describedby=described_by
                data-testid=testid
                bind:value=value
            />
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p
                                class="field-error"
                                id=error_id.clone()
                                data-testid=format!("{testid}-error")
                            >
                                {label}
                                " "
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
