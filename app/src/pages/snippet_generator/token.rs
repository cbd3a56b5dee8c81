//! Token settings of the snippet generator (C3): for a secure stream, a form that issues
//! a playback token (`POST /tokens`) and hands it to the snippets, and the issued token
//! with its decoded claims.
//!
//! Every field is checked as it is typed with the `shared` newtypes and
//! `TokenWindow::resolve`, the rules the server applies, so a request that leaves the
//! page is one the server accepts; its own field reasons are shown next to the fields
//! all the same.

use crate::api::{self, ApiError};
use crate::components::alert::{Alert, AlertKind};
use crate::components::copy_button::CopyField;
use crate::components::form_field::{FieldValue, TextField};
use crate::components::submit_button::SubmitButton;
use crate::components::time::UtcTime;
use crate::components::toast::use_toasts;
use crate::form::token::{build_issue, parse_utc_input, IssueInput, ScopeKind};

/// What a time field asks for: UTC, as the dashboard writes times.
const TIME_HINT: &str = "In UTC, like 2026-12-01 12:00.";
use crate::form::FormErrors;
use crate::format::utc_text;
use chrono::Utc;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::model::{CreateToken, IssuedToken, Organisation, Stream, TokenClaims, TokenWindow};
use shared::Timestamp;
use uuid::Uuid;

/// A scope as the generator offers it: relative to the stream on screen.
fn scope_label(kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::Group => "This stream group",
        ScopeKind::Streams => "These streams",
        ScopeKind::Organisation => "The whole organisation",
    }
}

/// The form as it starts: a token for the stream's group (every quality of it), with the
/// streamname ready for "these streams". It is the token console's form state, checked by
/// the same rules (`form::token::build_issue`), with the group fixed to this stream's.
fn new_form(group: Uuid, stream_name: &str) -> IssueInput {
    IssueInput {
        group: group.to_string(),
        streams: stream_name.to_string(),
        ..IssueInput::default()
    }
}

/// What a token's claims let it play, in words.
pub(crate) fn scope_text(claims: &TokenClaims, organisation: &str) -> String {
    if let Some(group) = claims.grp {
        format!("Stream group {group} (every quality)")
    } else if let Some(names) = &claims.streams {
        format!("Streams {}", names.join(", "))
    } else if claims.orgwide == Some(true) {
        format!("Every stream of {organisation}")
    } else {
        "No scope".to_string()
    }
}

/// The lifetime the token will get, in words, for the hint under the times.
pub(crate) fn window_text(window: TokenWindow) -> Option<String> {
    let from = Timestamp::from_millis(window.nbf.saturating_mul(1000))?;
    let until = Timestamp::from_millis(window.exp.saturating_mul(1000))?;
    let hours = (window.exp - window.nbf) / 3600;
    let length = if hours >= 48 && hours % 24 == 0 {
        format!("{} days", hours / 24)
    } else if hours >= 1 {
        format!("{hours} hours")
    } else {
        "under an hour".to_string()
    };
    Some(format!(
        "Valid from {} until {} ({length}).",
        utc_text(from),
        utc_text(until)
    ))
}

/// The token part of the generator: the form for admins and users, an explanation for
/// read-only callers, and the issued token once there is one.
#[component]
pub fn TokenSettings(
    stream: Stream,
    organisation: Organisation,
    can_write: bool,
    /// The issued token the snippets carry; set here, cleared by "Remove token".
    token: RwSignal<Option<IssuedToken>>,
) -> impl IntoView {
    let org_name = organisation.name.clone();
    let body = if can_write {
        view! { <IssueTokenForm stream token /> }.into_any()
    } else {
        view! {
            <p class="muted" data-testid="token-read-only">
                "Generating playback tokens needs the Admin or User role. Ask a colleague with one of those roles for a token; until then these snippets play only where no token is needed."
            </p>
        }
        .into_any()
    };
    let issued = move || {
        token.get().map(|t| {
            view! { <IssuedTokenView issued=t org_name=org_name.clone() token /> }
        })
    };
    view! {
        <section class="card snip-token" aria-labelledby="snip-token-heading" data-testid="token-settings">
            <h2 class="card-title" id="snip-token-heading">
                "Token settings"
            </h2>
            <p class="muted snip-token-intro">
                "Playback of this stream needs a signed token. A token you generate here goes into the snippets and the live URL."
            </p>
            {issued}
            {body}
        </section>
    }
}

/// The form that issues a token.
#[component]
fn IssueTokenForm(stream: Stream, token: RwSignal<Option<IssuedToken>>) -> impl IntoView {
    let form = RwSignal::new(new_form(stream.streamgroup_id, stream.name.as_str()));
    let checked = Memo::new(move |_| {
        form.with(|f| build_issue(f, Timestamp::from(Utc::now())).map(|issue| issue.request))
    });

    let create = Action::new_local(|req: &CreateToken| api::create_token(req.clone()));
    let pending = create.pending();
    // The server's refusal of the last attempt, until the next one.
    let refusal: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let toasts = use_toasts();
    Effect::new(move || match create.value().get() {
        Some(Ok(issued)) => {
            refusal.set(None);
            token.set(Some(issued));
            if let Some(t) = toasts {
                t.success("Token generated and put into the snippets");
            }
        }
        Some(Err(e)) => {
            if let Some(t) = toasts {
                t.error(e.message());
            }
            refusal.set(Some(e));
        }
        None => {}
    });

    let errors = FormErrors::new(
        Signal::derive(move || checked.with(|c| c.as_ref().err().cloned().unwrap_or_default())),
        refusal,
    );
    let error_for = move |key: &'static str| {
        if key == "scope.streams" {
            // A bad scope may be reported on `scope` itself.
            errors.field_named(key, [key, "scope"])
        } else {
            errors.field(key)
        }
    };
    let window_hint = move || {
        form.with(|f| {
            let nbf = parse_utc_input(&f.not_before).ok()?;
            let exp = parse_utc_input(&f.expires_at).ok()?;
            TokenWindow::resolve(Timestamp::from(Utc::now()), nbf, exp, f.revocable)
                .ok()
                .and_then(window_text)
        })
    };

    // The optional fields are folded away; they unfold whenever one of them gets text
    // (e.g. typed before the fold was closed again), and the fold says how many are refused.
    let has_options = Memo::new(move |_| {
        form.with(|f| {
            [&f.ip, &f.domain, &f.user_id, &f.tag]
                .iter()
                .any(|v| !v.is_empty())
        })
    });
    Effect::new(move || {
        if has_options.get() {
            if let Some(el) = document().get_element_by_id("snip-token-more") {
                let _ = el.set_attribute("open", "");
            }
        }
    });
    let options_refused = Memo::new(move |_| {
        checked.with(|c| {
            c.as_ref().err().map_or(0, |e| {
                ["ip", "domain", "user_id", "tag"]
                    .iter()
                    .filter(|k| e.contains_key(**k))
                    .count()
            })
        })
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        if let Ok(req) = checked.get_untracked() {
            refusal.set(None);
            create.dispatch(req);
        }
    };

    // One field of the form: its value inside `form`, its checked error, its ids.
    let field = move |key: &'static str,
                      label: &'static str,
                      input_type: &'static str,
                      hint: Option<&'static str>,
                      get: fn(&IssueInput) -> &String,
                      set: fn(&mut IssueInput, String)| {
        view! {
            <TextField
                id=format!("snip-token-{}", field_slug(key))
                label
                subject=field_name(label)
                input_type
                hint=hint.map(str::to_string)
                value=FieldValue::new(
                    Signal::derive(move || form.with(|f| get(f).clone())),
                    Callback::new(move |v: String| form.update(|f| set(f, v))),
                )
                error=error_for(key)
                testid=format!("token-{}", field_slug(key))
            />
        }
    };
    let text = move |key, label, hint, get, set| field(key, label, "text", Some(hint), get, set);

    view! {
        <form class="form snip-token-form" novalidate=true on:submit=on_submit data-testid="token-form">
            <fieldset class="snip-fieldset">
                <legend class="field-label">"Scope"</legend>
                {ScopeKind::ALL
                    .into_iter()
                    .map(|choice| {
                        view! {
                            <label class="snip-choice">
                                <input
                                    type="radio"
                                    name="snip-token-scope"
                                    value=choice.value()
                                    data-testid=format!("token-scope-{}", choice.value())
                                    prop:checked=move || form.with(|f| f.scope == choice)
                                    on:change=move |_| form.update(|f| f.scope = choice)
                                />
                                <span class="snip-choice-title">{scope_label(choice)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {move || {
                form.with(|f| f.scope == ScopeKind::Streams)
                    .then(|| {
                        text(
                            "scope.streams",
                            "Streamnames",
                            "Separated by commas or spaces, at most 100.",
                            |f| &f.streams,
                            |f, v| f.streams = v,
                        )
                    })
            }}
            <div class="snip-token-times">
                {field(
                    "not_before",
                    "Not before (UTC)",
                    "text",
                    Some(TIME_HINT),
                    |f| &f.not_before,
                    |f, v| f.not_before = v,
                )}
                {field(
                    "expires_at",
                    "Expires at (UTC)",
                    "text",
                    Some(TIME_HINT),
                    |f| &f.expires_at,
                    |f, v| f.expires_at = v,
                )}
            </div>
            <p class="hint" data-testid="token-lifetime-rules">
                "Times are in UTC. Empty means now, and a lifetime of 14 days (24 hours for a revocable token). A token lives at most 365 days; a revocable one at most 24 hours."
            </p>
            <p class="snip-token-window" role="status" data-testid="token-window">
                {window_hint}
            </p>
            <details class="snip-more" id="snip-token-more" data-testid="token-more">
                <summary class="snip-more-summary">
                    "Restrictions and labels (optional)"
                    {move || {
                        (options_refused.get() > 0)
                            .then(|| {
                                view! {
                                    <span class="snip-more-problem">
                                        {format!(" · {} to fix", options_refused.get())}
                                    </span>
                                }
                            })
                    }}
                </summary>
                <div class="snip-more-body">
            {text(
                "ip",
                "Client IP (optional)",
                "Only a player at this address may use the token.",
                |f| &f.ip,
                |f, v| f.ip = v,
            )}
            {text(
                "domain",
                "Domain (optional)",
                "Only a player embedded on this host, e.g. www.example.com.",
                |f| &f.domain,
                |f, v| f.domain = v,
            )}
            {text(
                "user_id",
                "User id (optional)",
                "Who the token is for, in your own terms.",
                |f| &f.user_id,
                |f, v| f.user_id = v,
            )}
            {text(
                "tag",
                "Tag (optional)",
                "A label of yours, e.g. a campaign.",
                |f| &f.tag,
                |f, v| f.tag = v,
            )}
                </div>
            </details>
            <label class="snip-check">
                <input
                    type="checkbox"
                    data-testid="token-revocable"
                    prop:checked=move || form.with(|f| f.revocable)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.update(|f| f.revocable = on);
                    }
                />
                <span>
                    <span class="snip-choice-title">"Revocable"</span>
                    <span class="hint">"An admin can revoke it before it expires; it then lives at most 24 hours."</span>
                </span>
            </label>
            <label class="snip-check">
                <input
                    type="checkbox"
                    data-testid="token-force-disconnect"
                    prop:checked=move || form.with(|f| f.force_disconnect)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.update(|f| f.force_disconnect = on);
                    }
                />
                <span>
                    <span class="snip-choice-title">"Force disconnect"</span>
                    <span class="hint">"Running playbacks end when the token expires or is revoked."</span>
                </span>
            </label>
            <div class="button-row">
                <SubmitButton
                    pending
                    label="Generate token"
                    busy_label="Generating…"
                    blocked=Signal::derive(move || checked.with(Result::is_err))
                    testid="token-generate"
                />
            </div>
        </form>
    }
}

/// A field's label without its parenthesised note, to start an error sentence.
fn field_name(label: &'static str) -> &'static str {
    label.split(" (").next().unwrap_or(label)
}

/// A field key as it appears in ids and test ids (`scope.streams` → `scope-streams`).
fn field_slug(key: &str) -> String {
    key.replace(['.', '_'], "-")
}

/// The token just issued: the text to copy (shown this once), the decoded claims and a
/// way to take it out of the snippets again.
#[component]
fn IssuedTokenView(
    issued: IssuedToken,
    org_name: String,
    token: RwSignal<Option<IssuedToken>>,
) -> impl IntoView {
    let IssuedToken {
        id,
        token: text,
        claims,
        not_before,
        expires_at,
    } = issued;
    let yes_no = |on: Option<bool>| if on == Some(true) { "Yes" } else { "No" };
    let optional_rows = [
        ("Client IP", claims.ip.clone()),
        ("Domain", claims.dom.clone()),
        ("User id", claims.uid.clone()),
        ("Tag", claims.tag.clone()),
    ];
    view! {
        <div class="snip-issued" data-testid="token-issued">
            <Alert
                kind=AlertKind::Info
                message="Copy the token now: Castboard keeps only its details, so the token itself cannot be shown again once you leave this page."
            />
            <CopyField label="Playback token" value=Signal::stored(text) testid="token-value" />
            <dl class="details snip-claims" data-testid="token-claims">
                <div class="details-row">
                    <dt>"Token id"</dt>
                    <dd class="mono" data-testid="token-id">{id.to_string()}</dd>
                </div>
                <div class="details-row">
                    <dt>"Valid from"</dt>
                    <dd>
                        <UtcTime ts=not_before testid="token-valid-from" />
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Valid until"</dt>
                    <dd>
                        <UtcTime ts=expires_at testid="token-valid-until" />
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Scope"</dt>
                    <dd data-testid="token-scope">{scope_text(&claims, &org_name)}</dd>
                </div>
                {optional_rows
                    .into_iter()
                    .filter_map(|(label, value)| value.map(|v| (label, v)))
                    .map(|(label, value)| {
                        view! {
                            <div class="details-row">
                                <dt>{label}</dt>
                                <dd class="mono">{value}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
                <div class="details-row">
                    <dt>"Revocable"</dt>
                    <dd data-testid="token-claim-revocable">{yes_no(claims.rev)}</dd>
                </div>
                <div class="details-row">
                    <dt>"Force disconnect"</dt>
                    <dd>{yes_no(claims.fdc)}</dd>
                </div>
                <div class="details-row">
                    <dt>"Issuer"</dt>
                    <dd class="mono">{claims.iss.clone()}</dd>
                </div>
            </dl>
            <div class="button-row">
                <button
                    type="button"
                    class="button button-secondary"
                    data-testid="token-remove"
                    on:click=move |_| token.set(None)
                >
                    "Remove token from snippets"
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).expect("time")
    }

    fn now() -> Timestamp {
        at("2026-11-25T10:00:00Z")
    }

    fn group() -> Uuid {
        Uuid::from_u128(7)
    }

    #[test]
    fn the_form_starts_as_a_token_for_the_streams_group() {
        let form = new_form(group(), "Ab3De-x1y2z");
        let req = build_issue(&form, now()).expect("valid").request;
        assert_eq!(
            serde_json::to_value(&req).expect("serialises"),
            serde_json::json!({
                "scope": {"group": "00000000-0000-0000-0000-000000000007"},
                "revocable": false,
                "force_disconnect": false
            })
        );
        // "These streams" starts with the stream itself.
        let streams = IssueInput {
            scope: ScopeKind::Streams,
            ..form
        };
        let scope = build_issue(&streams, now()).expect("valid").request.scope;
        assert_eq!(
            serde_json::to_value(&scope).expect("serialises"),
            serde_json::json!({"streams": ["Ab3De-x1y2z"]})
        );
    }

    #[test]
    fn window_and_scope_read_as_words() {
        let nbf = now().millis() / 1000;
        assert_eq!(
            window_text(TokenWindow {
                nbf,
                exp: nbf + 14 * 86_400
            }),
            Some(
                "Valid from 2026-11-25 10:00:00 UTC until 2026-12-09 10:00:00 UTC (14 days)."
                    .to_string()
            )
        );
        assert_eq!(
            window_text(TokenWindow {
                nbf,
                exp: nbf + 86_400
            })
            .map(|t| t.ends_with("(24 hours).")),
            Some(true)
        );
        let mut claims = TokenClaims {
            grp: Some(group()),
            orgwide: None,
            ..TokenClaims::example()
        };
        assert_eq!(
            scope_text(&claims, "Org"),
            "Stream group 00000000-0000-0000-0000-000000000007 (every quality)"
        );
        claims.grp = None;
        claims.streams = Some(vec!["Ab3De-x1y2z".into(), "Ab3De-Q9w8e".into()]);
        assert_eq!(
            scope_text(&claims, "Org"),
            "Streams Ab3De-x1y2z, Ab3De-Q9w8e"
        );
        claims.streams = None;
        claims.orgwide = Some(true);
        assert_eq!(scope_text(&claims, "Org"), "Every stream of Org");
        assert_eq!(field_name("Client IP (optional)"), "Client IP");
        assert_eq!(field_name("Domain"), "Domain");
    }
}
