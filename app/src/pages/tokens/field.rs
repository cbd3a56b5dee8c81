//! The console's form controls: a labelled input (or text area) with a hint and its
//! inline error, and a labelled checkbox with a hint. Both are wired for screen readers
//! (`aria-describedby`, `aria-invalid`). The page owns values and decides errors.

use leptos::prelude::*;

/// One text-like field (text, `datetime-local`, or a multi-line text area).
#[component]
pub fn Field(
    /// The control's `id` and `name`.
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// How the error sentence names the field ("Expires at must be …"); default: the label.
    #[prop(optional)]
    subject: Option<&'static str>,
    /// Two-way bound to the control.
    value: RwSignal<String>,
    /// Why the value is refused.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The input's `type` (ignored for text areas).
    #[prop(default = "text")]
    input_type: &'static str,
    /// A line of help under the control.
    #[prop(optional, into)]
    hint: MaybeProp<String>,
    #[prop(optional)] placeholder: Option<&'static str>,
    /// A text area instead of an input.
    #[prop(optional)]
    multiline: bool,
    /// `data-testid` of the control; its error gets `<testid>-error`.
    testid: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let invalid = move || error.with(Option::is_some);
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.with(|h| h.as_ref().is_some_and(|h| !h.is_empty())) {
                ids.push(hint_id.clone());
            }
            if invalid() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let aria_invalid = move || if invalid() { "true" } else { "false" };
    let on_input = move |ev| value.set(event_target_value(&ev));
    let control = if multiline {
        view! {
            <textarea
                class="field-input token-textarea"
                id=id
                name=id
                rows="4"
                spellcheck="false"
                autocomplete="off"
                placeholder=placeholder
                aria-invalid=aria_invalid
                aria-describedby=described_by
                data-testid=testid
                prop:value=move || value.get()
                on:input=on_input
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                class="field-input"
                id=id
                name=id
                type=input_type
                spellcheck="false"
                autocomplete="off"
                placeholder=placeholder
                aria-invalid=aria_invalid
                aria-describedby=described_by
                data-testid=testid
                prop:value=move || value.get()
                on:input=on_input
            />
        }
        .into_any()
    };
    let subject = subject.unwrap_or(label);
    view! {
        <div class="field" class:field-invalid=invalid>
            <label class="field-label" for=id>
                {label}
            </label>
            {control}
            {move || {
                hint.get()
                    .filter(|h| !h.is_empty())
                    .map(|h| {
                        view! {
                            <p class="hint" id=hint_id.clone()>
                                {h}
                            </p>
                        }
                    })
            }}
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
                                {subject}
                                " "
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// A checkbox with its label and a hint saying what it does.
#[component]
pub fn CheckField(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: RwSignal<bool>,
    testid: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="token-check">
            <input
                class="token-check-input"
                type="checkbox"
                id=id
                name=id
                aria-describedby=hint_id.clone()
                data-testid=testid
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <div class="token-check-text">
                <label class="field-label" for=id>
                    {label}
                </label>
                <p class="hint" id=hint_id>
                    {hint}
                </p>
            </div>
        </div>
    }
}
