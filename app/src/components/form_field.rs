//! The form controls every page uses: a labelled text field (an input of any text-like
//! type, or a text area) with an optional hint and its inline error, and a labelled
//! checkbox with a hint. Both are wired for screen readers (`aria-invalid`,
//! `aria-describedby`). The page owns the values and decides the errors; these only show
//! them.

use crate::components::icon::{Icon, IconName};
use leptos::prelude::*;

/// What a text field shows and where typing goes: a signal of the page's (the common
/// case, `value=signal`), or a derived value with a setter, for a value kept inside a
/// larger form state ([`FieldValue::new`]).
#[derive(Clone, Copy)]
pub struct FieldValue {
    value: Signal<String>,
    set: Callback<String>,
}

impl FieldValue {
    pub fn new(value: Signal<String>, set: Callback<String>) -> Self {
        FieldValue { value, set }
    }
}

impl From<RwSignal<String>> for FieldValue {
    fn from(signal: RwSignal<String>) -> Self {
        FieldValue {
            value: signal.into(),
            set: Callback::new(move |v| signal.set(v)),
        }
    }
}

/// One text field.
#[component]
pub fn TextField(
    /// The control's `id` and `name`; also ties the label, hint and error to it.
    #[prop(into)]
    id: String,
    /// The visible label.
    label: &'static str,
    /// How the error sentence names the field ("Expires at must be …"); default: the label.
    #[prop(optional)]
    subject: Option<&'static str>,
    #[prop(into)] value: FieldValue,
    /// Why the current value is refused (shown under the control, after the subject).
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The input's `type` (ignored for text areas). `datetime-local` inputs take seconds.
    #[prop(default = "text")]
    input_type: &'static str,
    /// A line of help under the control.
    #[prop(optional, into)]
    hint: MaybeProp<String>,
    #[prop(optional)] placeholder: Option<&'static str>,
    /// The `autocomplete` hint (`email`, `current-password`, …); default `off`.
    #[prop(default = "off")]
    autocomplete: &'static str,
    #[prop(optional)] autofocus: bool,
    /// A text area instead of an input.
    #[prop(optional)]
    multiline: bool,
    /// `data-testid` of the control; its error gets `<testid>-error`.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let FieldValue { value, set } = value;
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error_testid = format!("{testid}-error");
    let invalid = move || error.with(Option::is_some);
    let has_hint = move || hint.with(|h| h.as_ref().is_some_and(|h| !h.is_empty()));
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            described_by(
                has_hint().then_some(&hint_id),
                invalid().then_some(&error_id),
            )
        }
    };
    let aria_invalid = move || if invalid() { "true" } else { "false" };
    let on_input = move |ev| set.run(event_target_value(&ev));
    let control = if multiline {
        view! {
            <textarea
                class="field-input field-textarea"
                id=id.clone()
                name=id.clone()
                rows="4"
                spellcheck="false"
                autocomplete=autocomplete
                autofocus=autofocus
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
                id=id.clone()
                name=id.clone()
                type=input_type
                step=(input_type == "datetime-local").then_some("1")
                spellcheck="false"
                autocomplete=autocomplete
                autofocus=autofocus
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
                            <p class="field-error" id=error_id.clone() data-testid=error_testid.clone()>
                                {format!("{subject} {message}")}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// `aria-describedby` of a control: its hint and its error, when shown.
fn described_by(hint_id: Option<&String>, error_id: Option<&String>) -> Option<String> {
    match (hint_id, error_id) {
        (Some(h), Some(e)) => Some(format!("{h} {e}")),
        (Some(only), None) | (None, Some(only)) => Some(only.clone()),
        (None, None) => None,
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
        <div class="check-field">
            <input
                class="check-field-input"
                type="checkbox"
                id=id
                name=id
                aria-describedby=hint_id.clone()
                data-testid=testid
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <div class="check-field-text">
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_is_described_by_what_is_shown_under_it() {
        let (hint, error) = ("f-hint".to_string(), "f-error".to_string());
        assert_eq!(
            described_by(Some(&hint), Some(&error)).as_deref(),
            Some("f-hint f-error")
        );
        assert_eq!(described_by(Some(&hint), None).as_deref(), Some("f-hint"));
        assert_eq!(described_by(None, Some(&error)).as_deref(), Some("f-error"));
        assert_eq!(described_by(None, None), None);
    }
}

/// Wraps a `<select>` so it draws the design system's chevron instead of the browser's
/// own arrow (`.select-box` in style/components.css). The select keeps its own label,
/// id and handlers.
#[component]
pub fn SelectBox(children: Children) -> impl IntoView {
    view! {
        <span class="select-box">
            {children()}
            <Icon name=IconName::ChevronDown />
        </span>
    }
}
