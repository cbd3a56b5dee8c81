//! The "Issue a token" form (admin and user): scope, validity window, bindings and the
//! revocable / force-disconnect switches, checked with `shared`'s rules as they are
//! typed, then `POST /tokens`. The issued token goes to the page's `issued` signal (it is
//! shown once, by the page) and the list reloads from its first page.

use super::focus_by_id;
use crate::api::{self, ApiError};
use crate::components::alert::Alert;
use crate::components::badge::group_label;
use crate::components::form_field::{CheckField, SelectBox, TextField};
use crate::components::submit_button::SubmitButton;
use crate::components::toast::use_toasts;
use crate::form::token::{
    build_issue, key, shown_issue_errors, window_text, IssueInput, ScopeKind, UTC_INPUT_EXAMPLE,
};
use crate::form::{FieldErrors, FormErrors};
use chrono::Utc;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::listing::ListParams;
use shared::model::{CreateToken, IssuedToken, Stream};
use shared::Timestamp;

/// Field keys in the order of the form, with the id of their control (for focusing the
/// first refused one after a submit).
const FIELD_ORDER: [(&str, &str); 8] = [
    (key::GROUP, "issue-group"),
    (key::STREAMS, "issue-streams"),
    (key::NOT_BEFORE, "issue-not-before"),
    (key::EXPIRES_AT, "issue-expires-at"),
    (key::IP, "issue-ip"),
    (key::DOMAIN, "issue-domain"),
    (key::USER_ID, "issue-user-id"),
    (key::TAG, "issue-tag"),
];

#[component]
pub fn IssueForm(
    /// Receives the token once issued.
    issued: RwSignal<Option<IssuedToken>>,
    /// The list's page and reload counter.
    page: RwSignal<u64>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let toasts = use_toasts();
    let scope = RwSignal::new(ScopeKind::Group);
    let group = RwSignal::new(String::new());
    let streams = RwSignal::new(String::new());
    let not_before = RwSignal::new(String::new());
    let expires_at = RwSignal::new(String::new());
    let ip = RwSignal::new(String::new());
    let domain = RwSignal::new(String::new());
    let user_id = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let revocable = RwSignal::new(false);
    let force_disconnect = RwSignal::new(false);
    let submitted = RwSignal::new(false);

    let input = Memo::new(move |_| IssueInput {
        scope: scope.get(),
        group: group.get(),
        streams: streams.get(),
        not_before: not_before.get(),
        expires_at: expires_at.get(),
        ip: ip.get(),
        domain: domain.get(),
        user_id: user_id.get(),
        tag: tag.get(),
        revocable: revocable.get(),
        force_disconnect: force_disconnect.get(),
    });
    let outcome = Memo::new(move |_| input.with(|i| build_issue(i, Timestamp::from(Utc::now()))));

    // The value is the refused request with its reason; `None` after a success.
    let issue = Action::new_local(move |request: &CreateToken| {
        let request = request.clone();
        async move {
            match api::create_token(request.clone()).await {
                Ok(token) => {
                    if let Some(toasts) = toasts {
                        toasts.success("Token issued. Copy it now: it is shown only once.");
                    }
                    submitted.set(false);
                    issued.set(Some(token));
                    page.set(1);
                    version.update(|v| *v += 1);
                    None
                }
                Err(e) => Some((request, e)),
            }
        }
    });
    let pending = issue.pending();
    let failure = move || issue.value().get().flatten();

    let local_errors = Memo::new(move |_| match outcome.get() {
        Ok(_) => FieldErrors::new(),
        Err(errors) => input.with(|i| shown_issue_errors(&errors, i, submitted.get())),
    });
    // The server's reasons hold for the request it refused: they go away as the form changes.
    let refusal = Memo::new(move |_| {
        let current = outcome.with(|o| o.as_ref().ok().map(|i| i.request.clone()));
        match failure() {
            Some((request, e)) if Some(&request) == current.as_ref() => Some(e),
            _ => None,
        }
    });
    let errors = FormErrors::new(local_errors, refusal);
    let error_for = move |k: &'static str| errors.field(k);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        submitted.set(true);
        match build_issue(&input.get_untracked(), Timestamp::from(Utc::now())) {
            Ok(ok) => {
                issue.dispatch(ok.request);
            }
            Err(errors) => {
                if let Some((_, id)) = FIELD_ORDER.iter().find(|(k, _)| errors.contains_key(*k)) {
                    focus_by_id(id);
                }
            }
        }
    };

    let recent = LocalResource::new(|| async { api::list_streams(&ListParams::default()).await });

    let alert = move || {
        if pending.get() {
            return None;
        }
        failure().map(|(_, e): (CreateToken, ApiError)| {
            view! { <Alert message=e.message() testid="issue-error" /> }
        })
    };

    let preview = move || {
        outcome.with(|o| match o {
            Ok(i) => window_text(i.window),
            Err(_) => String::new(),
        })
    };

    let scope_fields = move || match scope.get() {
        ScopeKind::Group => {
            view! { <GroupPicker group recent error=error_for(key::GROUP) /> }.into_any()
        }
        ScopeKind::Streams => view! {
            <TextField
                id="issue-streams"
                label="Streamnames"
                value=streams
                error=error_for(key::STREAMS)
                hint="One or more streamnames (up to 100), separated by commas or spaces."
                placeholder="Ab3De-x1y2z, Ab3De-Q9w8e"
                testid="issue-streams"
            />
        }
        .into_any(),
        ScopeKind::Organisation => view! {
            <p class="hint token-scope-note" data-testid="issue-scope-org-note">
                "Every stream of your organisation, including streams created later."
            </p>
        }
        .into_any(),
    };

    view! {
        <section class="card token-card" aria-labelledby="issue-heading" data-testid="issue-form-card">
            <h2 class="card-title" id="issue-heading">
                "Issue a token"
            </h2>
            <form class="form" novalidate=true on:submit=on_submit data-testid="issue-form">
                <fieldset class="token-fieldset">
                    <legend class="field-label">"Scope"</legend>
                    <div class="token-scopes">
                        {ScopeKind::ALL
                            .into_iter()
                            .map(|kind| {
                                view! {
                                    <label class="token-scope-option">
                                        <input
                                            type="radio"
                                            name="issue-scope"
                                            value=kind.value()
                                            data-testid=format!("issue-scope-{}", kind.value())
                                            prop:checked=move || scope.get() == kind
                                            on:change=move |_| scope.set(kind)
                                        />
                                        <span>{kind.label()}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    {scope_fields}
                </fieldset>

                <fieldset class="token-fieldset">
                    <legend class="field-label">"Validity (UTC)"</legend>
                    <p class="hint" id="issue-lifetime-rules">
                        "Times are in UTC. Empty “Not before” means now. Empty “Expires at” gives the default lifetime: 14 days, or 24 hours for a revocable token. A token lives at most 365 days (24 hours when revocable)."
                    </p>
                    <div class="token-field-pair">
                        <TextField
                            id="issue-not-before"
                            label="Not before (UTC)"
                            subject="Not before"
                            placeholder=UTC_INPUT_EXAMPLE
                            value=not_before
                            error=error_for(key::NOT_BEFORE)
                            testid="issue-not-before"
                        />
                        <TextField
                            id="issue-expires-at"
                            label="Expires at (UTC)"
                            subject="Expires at"
                            placeholder=UTC_INPUT_EXAMPLE
                            value=expires_at
                            error=error_for(key::EXPIRES_AT)
                            testid="issue-expires-at"
                        />
                    </div>
                    <p class="token-window" data-testid="issue-window">
                        {preview}
                    </p>
                </fieldset>

                <fieldset class="token-fieldset">
                    <legend class="field-label">"Bindings and labels (optional)"</legend>
                    <div class="token-field-pair">
                        <TextField
                            id="issue-ip"
                            label="Client IP"
                            value=ip
                            error=error_for(key::IP)
                            hint="Only a player at this address may use the token."
                            placeholder="203.0.113.7"
                            testid="issue-ip"
                        />
                        <TextField
                            id="issue-domain"
                            label="Domain"
                            value=domain
                            error=error_for(key::DOMAIN)
                            hint="Only a player embedded on this domain may use it."
                            placeholder="www.example.com"
                            testid="issue-domain"
                        />
                        <TextField
                            id="issue-user-id"
                            label="User id"
                            value=user_id
                            error=error_for(key::USER_ID)
                            hint="Who the token is for, in your own terms."
                            testid="issue-user-id"
                        />
                        <TextField
                            id="issue-tag"
                            label="Tag"
                            value=tag
                            error=error_for(key::TAG)
                            hint="A label of yours, e.g. a campaign."
                            testid="issue-tag"
                        />
                    </div>
                </fieldset>

                <CheckField
                    id="issue-revocable"
                    label="Revocable"
                    hint="An admin can revoke it before it expires; it then lives at most 24 hours."
                    checked=revocable
                    testid="issue-revocable"
                />
                <CheckField
                    id="issue-force-disconnect"
                    label="Force disconnect"
                    hint="Running playbacks end when the token expires or is revoked."
                    checked=force_disconnect
                    testid="issue-force-disconnect"
                />

                <div class="alert-slot">{alert}</div>
                <div class="button-row">
                    <SubmitButton pending label="Issue token" busy_label="Issuing…" testid="issue-submit" />
                </div>
            </form>
        </section>
    }
}

/// The group scope: a stream picked from the recent ones, or a group id typed in.
#[component]
fn GroupPicker(
    group: RwSignal<String>,
    recent: LocalResource<Result<shared::model::List<Stream>, ApiError>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let placeholder = move || match recent.get() {
        None => "Loading recent streams…",
        Some(Err(_)) => "Recent streams could not be loaded",
        Some(Ok(list)) if list.items.is_empty() => "No streams yet",
        Some(Ok(_)) => "Choose a recent stream…",
    };
    let options = move || {
        recent.get().and_then(Result::ok).map(|list| {
            list.items
                .into_iter()
                .map(|stream| {
                    let id = stream.streamgroup_id.to_string();
                    let selected_id = id.clone();
                    view! {
                        <option
                            value=id
                            prop:selected=move || group.with(|g| g.trim() == selected_id)
                        >
                            {stream_label(&stream)}
                        </option>
                    }
                })
                .collect_view()
        })
    };
    // Names the stream a typed id belongs to, when it is one of the recent ones.
    let hint = Signal::derive(move || {
        let typed = group.get();
        let known = recent.get().and_then(Result::ok).and_then(|list| {
            list.items
                .into_iter()
                .find(|s| s.streamgroup_id.to_string() == typed.trim())
                .map(|s| format!("The stream group of {}.", s.name.as_str()))
        });
        Some(known.unwrap_or_else(|| {
            "The id of a stream group (its passthrough's id), as the stream page shows it."
                .to_string()
        }))
    });
    view! {
        <div class="field">
            <label class="field-label" for="issue-group-pick">
                "Recent stream"
            </label>
            <SelectBox>
            <select
                class="field-input"
                id="issue-group-pick"
                data-testid="issue-group-pick"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if !value.is_empty() {
                        group.set(value);
                    }
                }
            >
                <option value="" prop:selected=move || group.with(|g| g.trim().is_empty())>
                    {placeholder}
                </option>
                {options}
            </select>
            </SelectBox>
        </div>
        <TextField
            id="issue-group"
            label="Stream group id"
            value=group
            error
            hint
            placeholder="7c1e0000-0000-4000-8000-000000000001"
            testid="issue-group"
        />
    }
}

/// "Ab3De-x1y2z · Streamgroup (3 Playouts) · sport, live".
fn stream_label(stream: &Stream) -> String {
    let playouts = stream.playouts.map_or(stream.members.len(), |n| n as usize);
    let mut label = format!("{} · {}", stream.name.as_str(), group_label(playouts));
    if !stream.tags.is_empty() {
        let tags: Vec<&str> = stream.tags.iter().map(|t| t.as_str()).collect();
        label.push_str(" · ");
        label.push_str(&tags.join(", "));
    }
    label
}
