//! The details card: name, hash (with copy), limits, creation date and webhook URL.
//!
//! Admins edit the name and the webhook URL in place: Edit opens an input with Save and
//! Cancel (Enter saves, Escape cancels), the value is checked with the `shared` newtype
//! as it is typed, a refusal's `fields` entry shows under the input, and a saved change
//! shows at once and in a toast. An empty webhook URL removes the webhook.

use crate::api;
use crate::components::copy_button::CopyButton;
use crate::components::submit_button::SaveCancel;
use crate::components::time::UtcTime;
use crate::components::toast::use_toasts;
use crate::form::{reasons, FieldErrors, FormErrors};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use shared::model::{Organisation, UpdateOrganisation};
use shared::validate::{OrgName, WebhookUrl};

/// The change that renames the organisation to `text`, or why `text` is no name.
pub(super) fn name_patch(text: &str) -> Result<UpdateOrganisation, String> {
    Ok(UpdateOrganisation {
        name: Some(OrgName::parse(text)?),
        webhook_url: None,
    })
}

/// The change that sets the webhook to `text` (empty: removes it), or why `text` is no
/// webhook URL.
pub(super) fn webhook_patch(text: &str) -> Result<UpdateOrganisation, String> {
    let webhook = if text.trim().is_empty() {
        None
    } else {
        Some(WebhookUrl::parse(text)?)
    };
    Ok(UpdateOrganisation {
        name: None,
        webhook_url: Some(webhook),
    })
}

/// The toast after the name was saved.
fn name_saved(org: &Organisation) -> String {
    format!("Organisation renamed to {}", org.name)
}

/// The toast after the webhook was saved or removed.
fn webhook_saved(org: &Organisation) -> String {
    match &org.webhook_url {
        Some(url) => format!("Webhook URL saved: events now go to {url}"),
        None => "Webhook removed: no events are sent any more".to_string(),
    }
}

/// Name, hash, limits, creation date and webhook of the organisation.
#[component]
pub fn DetailsCard(org: RwSignal<Organisation>, admin: bool) -> impl IntoView {
    let hash = Signal::derive(move || org.with(|o| o.hash.to_string()));
    let name = Signal::derive(move || org.with(|o| Some(o.name.clone())));
    let webhook = Signal::derive(move || org.with(|o| o.webhook_url.clone()));
    let created = org.with_untracked(|o| o.created_at);
    // Without the transcoding package no group may have a transcode, whatever the limit.
    let transcoding = move || org.with(|o| o.features.transcoding);
    let max_transcodes = move || {
        org.with(|o| {
            if o.features.transcoding {
                o.limits.max_transcodes.to_string()
            } else {
                "None".to_string()
            }
        })
    };
    view! {
        <section class="card org-details" aria-labelledby="org-details-heading" data-testid="org-details">
            <h2 id="org-details-heading" class="card-title">
                "Details"
            </h2>
            <dl class="details">
                <EditableRow
                    label="Name"
                    input_label="Organisation name"
                    field="name"
                    testid="org-name"
                    shown=name
                    empty_text=""
                    input_type="text"
                    hint=None
                    patch=name_patch
                    saved=name_saved
                    org
                    admin
                />
                <div class="details-row">
                    <dt>"Hash"</dt>
                    <dd class="org-hash">
                        <code class="code" data-testid="org-hash">
                            {move || hash.get()}
                        </code>
                        <CopyButton text=hash what="organisation hash" testid="org-hash-copy" />
                        <span class="hint org-hash-hint">"Prefix of every streamname"</span>
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Transcodes per stream group"</dt>
                    <dd>
                        <span data-testid="org-max-transcodes">{max_transcodes}</span>
                        <span class="hint" data-testid="org-max-transcodes-hint">
                            {move || {
                                if transcoding() {
                                    "at most, besides the passthrough"
                                } else {
                                    "transcodes need the Transcoding package"
                                }
                            }}
                        </span>
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Created"</dt>
                    <dd>
                        <UtcTime ts=created testid="org-created" />
                    </dd>
                </div>
                <EditableRow
                    label="Webhook URL"
                    input_label="Webhook URL"
                    field="webhook_url"
                    testid="org-webhook"
                    shown=webhook
                    empty_text="Not set"
                    input_type="url"
                    hint=Some("Stream events are sent here. Leave empty to remove the webhook.")
                    patch=webhook_patch
                    saved=webhook_saved
                    org
                    admin
                />
            </dl>
        </section>
    }
}

/// One row of the details list that an admin can edit in place.
#[component]
fn EditableRow(
    /// The row's label (`<dt>`).
    label: &'static str,
    /// The input's label for screen readers (the form has no visible one besides `<dt>`).
    input_label: &'static str,
    /// The key of this value in a refusal's `fields`.
    field: &'static str,
    /// Prefix of every `data-testid` of the row: `<testid>` (the value), `-edit`,
    /// `-input`, `-save`, `-cancel`, `-error`.
    testid: &'static str,
    /// The current value (`None`: not set).
    shown: Signal<Option<String>>,
    /// Shown when there is no value.
    empty_text: &'static str,
    input_type: &'static str,
    /// A sentence under the input while editing.
    hint: Option<&'static str>,
    /// Turns the typed text into the change to send, or says why it cannot be sent.
    patch: fn(&str) -> Result<UpdateOrganisation, String>,
    /// The toast once saved.
    saved: fn(&Organisation) -> String,
    org: RwSignal<Organisation>,
    admin: bool,
) -> impl IntoView {
    let toasts = use_toasts();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let input = NodeRef::<html::Input>::new();
    let edit_button = NodeRef::<html::Button>::new();
    // Set when an edit ends, so the Edit button takes the focus back (not on first render).
    let refocus = StoredValue::new(false);

    let save = Action::new_local(move |body: &UpdateOrganisation| {
        let body = body.clone();
        async move {
            let result = api::update_organisation(body).await;
            match &result {
                Ok(updated) => {
                    org.set(updated.clone());
                    refocus.set_value(true);
                    editing.set(false);
                    if let Some(t) = toasts {
                        t.success(saved(updated));
                    }
                }
                Err(e) if e.field(field).is_none() => {
                    if let Some(t) = toasts {
                        t.error(e.message());
                    }
                }
                Err(_) => {}
            }
            result
        }
    });
    let pending = save.pending();

    // The typed value's problem first; else the server's reason for this field. Both
    // only while editing.
    let local = Signal::derive(move || {
        if !editing.get() {
            return FieldErrors::new();
        }
        reasons([(field, patch(&draft.get()).err())])
    });
    let refusal = Signal::derive(move || {
        if !editing.get() {
            return None;
        }
        save.value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    });
    let error = FormErrors::new(local, refusal).field(field);

    // Save waits for a value the server would take, as the overview's editors do.
    let refused = Signal::derive(move || editing.get() && patch(&draft.get()).is_err());

    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
            el.select();
        }
    });
    Effect::new(move |_| {
        if let Some(el) = edit_button.get() {
            if refocus.get_value() {
                refocus.set_value(false);
                let _ = el.focus();
            }
        }
    });

    let start = move |_| {
        draft.set(shown.get_untracked().unwrap_or_default());
        save.clear();
        editing.set(true);
    };
    let cancel = move || {
        refocus.set_value(true);
        editing.set(false);
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        if let Ok(body) = patch(&draft.get_untracked()) {
            save.dispatch(body);
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && !pending.get_untracked() {
            ev.prevent_default();
            cancel();
        }
    };

    let input_id = format!("{testid}-input");
    let error_id = format!("{testid}-error");
    let hint_id = format!("{testid}-hint");

    let display = move || {
        let value = match shown.get() {
            Some(v) if !v.is_empty() => view! {
                <span class="org-value" data-testid=testid>
                    {v}
                </span>
            }
            .into_any(),
            _ => view! {
                <span class="org-value muted" data-testid=testid>
                    {empty_text}
                </span>
            }
            .into_any(),
        };
        let edit = admin.then(|| {
            view! {
                <button
                    type="button"
                    node_ref=edit_button
                    class="button button-secondary button-small"
                    aria-label=format!("Edit {}", input_label.to_ascii_lowercase())
                    data-testid=format!("{testid}-edit")
                    on:click=start
                >
                    "Edit"
                </button>
            }
        });
        view! {
            {value}
            {edit}
        }
    };

    let form = move || {
        let input_id = input_id.clone();
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        let described_by = {
            let error_id = error_id.clone();
            let hint_id = hint_id.clone();
            move || {
                let mut ids = Vec::new();
                if error.with(Option::is_some) {
                    ids.push(error_id.clone());
                }
                if hint.is_some() {
                    ids.push(hint_id.clone());
                }
                (!ids.is_empty()).then(|| ids.join(" "))
            }
        };
        view! {
            <form
                class="org-inline-form"
                class:field-invalid=move || error.with(Option::is_some)
                novalidate=true
                on:submit=on_submit
                data-testid=format!("{testid}-form")
            >
                <label class="visually-hidden" for=input_id.clone()>
                    {input_label}
                </label>
                <div class="org-inline-row">
                    <input
                        node_ref=input
                        class="field-input org-inline-input"
                        id=input_id.clone()
                        name=field
                        type=input_type
                        autocomplete="off"
                        aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                        aria-describedby=described_by
                        data-testid=format!("{testid}-input")
                        bind:value=draft
                        on:input=move |_| save.clear()
                        on:keydown=on_keydown
                    />
                    <SaveCancel
                        name=testid
                        pending
                        blocked=refused
                        on_cancel=Callback::new(move |()| cancel())
                    />
                </div>
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <p class="field-error" id=error_id.clone() data-testid=format!("{testid}-error")>
                                    {label}
                                    " "
                                    {message}
                                </p>
                            }
                        })
                }}
                {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            </form>
        }
    };

    view! {
        <div class="details-row">
            <dt>{label}</dt>
            <dd class="org-editable">
                <Show when=move || editing.get() fallback=display>
                    {form.clone()}
                </Show>
            </dd>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_must_not_be_empty() {
        let patch = name_patch("  Acme Live  ").expect("valid");
        assert_eq!(patch.name.map(String::from), Some("Acme Live".to_string()));
        assert_eq!(patch.webhook_url, None);
        assert_eq!(name_patch("   "), Err("must not be empty".to_string()));
        assert_eq!(
            name_patch(&"x".repeat(101)),
            Err("must be at most 100 characters".to_string())
        );
    }

    #[test]
    fn an_empty_webhook_clears_it_and_others_must_be_http() {
        assert_eq!(
            webhook_patch("  ").expect("valid"),
            UpdateOrganisation {
                name: None,
                webhook_url: Some(None),
            }
        );
        let set = webhook_patch("https://hooks.example/castboard").expect("valid");
        assert_eq!(
            set.webhook_url.flatten().map(String::from),
            Some("https://hooks.example/castboard".to_string())
        );
        assert_eq!(set.name, None);
        assert_eq!(
            webhook_patch("ftp://x"),
            Err("must be an http:// or https:// URL with a host".to_string())
        );
        assert_eq!(
            webhook_patch("https://"),
            Err("must be an http:// or https:// URL with a host".to_string())
        );
    }

    #[test]
    fn cleared_webhook_is_sent_as_null() {
        let body = webhook_patch("").expect("valid");
        assert_eq!(
            serde_json::to_string(&body).expect("serialises"),
            r#"{"webhook_url":null}"#
        );
        let body = name_patch("Acme").expect("valid");
        assert_eq!(
            serde_json::to_string(&body).expect("serialises"),
            r#"{"name":"Acme"}"#
        );
    }
}
