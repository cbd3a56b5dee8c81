//! O7 secure playback: that playback of the stream needs a token, and the newest token of
//! its group (`GET /tokens?group=`) decoded in words, with its status. Admins and users
//! issue one in place (`POST /tokens` with the issue form's defaults): it shows at once,
//! decoded, with its text to copy this once. A read-only caller sees the token, not the
//! action.
//!
//! A page part with its own calls: the wording, the decoded claims and the status badge
//! are the token console's ([`crate::pages::tokens`]), the request is the issue form's
//! rule ([`crate::form::token::group_default_issue`]).

use super::Ctx;
use crate::api;
use crate::components::alert::{Alert, AlertKind};
use crate::components::copy_button::CopyField;
use crate::components::error_state::ErrorState;
use crate::components::form_field::CheckField;
use crate::components::notice::EmptyState;
use crate::components::skeleton::SkeletonCard;
use crate::components::submit_button::SubmitButton;
use crate::components::time::UtcTimeAgo;
use crate::form::token::{duration_text, group_issue};
use crate::pages::tokens::claims::{ClaimsView, StatusBadge};
use crate::pages::tokens::describe::{
    labels_text, listed_scope_text, restrictions_text, TokenStatus,
};
use crate::pages::tokens::jwt::decode_jwt;
use crate::paths::{self, StreamTab};
use chrono::Utc;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::model::{
    CreateToken, IssuedToken, Stream, TokenInfo, DEFAULT_LIFETIME_S, REVOCABLE_LIFETIME_S,
};
use shared::stream::StreamState;
use shared::Timestamp;
use uuid::Uuid;

/// Where loading the group's newest token stands.
#[derive(Clone)]
enum Newest {
    Loading,
    Failed(String),
    Loaded(Option<Box<TokenInfo>>),
}

/// What the card keeps across the redraws of the overview's cards (an edited tag draws
/// them again): the loaded token and the text of the one issued here.
#[derive(Clone, Copy)]
pub(super) struct SecureToken {
    newest: RwSignal<Newest>,
    /// Which group the shown answer is for; `None` for a stream that is not secure.
    group: Memo<Option<Uuid>>,
    /// Answers to an older request are dropped.
    ticket: StoredValue<u64>,
    /// The token issued from this card, whose text is shown this once.
    issued: RwSignal<Option<IssuedToken>>,
    /// The issue form's one choice.
    revocable: RwSignal<bool>,
}

impl SecureToken {
    /// Loads the newest token of the shown stream's group while the stream is secure
    /// (again only when that changes); a stream that is not secure asks for nothing. Not
    /// a resource: the tab's suspense boundary must not wait for this card.
    pub(super) fn new(ctx: Ctx) -> Self {
        let group = Memo::new(move |_| ctx.current.with(|s| s.secure.then_some(s.streamgroup_id)));
        let token = SecureToken {
            newest: RwSignal::new(Newest::Loading),
            group,
            ticket: StoredValue::new(0),
            issued: RwSignal::new(None),
            revocable: RwSignal::new(false),
        };
        Effect::new(move |_| {
            group.track();
            token.load();
        });
        token
    }

    /// Asks for the group's newest token again.
    fn load(self) {
        let Some(group) = self.group.get_untracked() else {
            return;
        };
        let mine = self.ticket.get_value() + 1;
        self.ticket.set_value(mine);
        let newest = self.newest;
        let ticket = self.ticket;
        spawn_local(async move {
            let answer = api::newest_group_token(group).await;
            if ticket.try_get_value() != Some(mine) {
                return;
            }
            newest.set(match answer {
                Ok(token) => Newest::Loaded(token.map(Box::new)),
                Err(e) => Newest::Failed(e.message()),
            });
        });
    }
}

/// The Secure playback card of a secure stream.
#[component]
pub(super) fn SecurePlayback(ctx: Ctx, stream: Stream, token: SecureToken) -> impl IntoView {
    let snippets = paths::stream_tab_path(stream.id, StreamTab::Snippets);
    // Issuing for a deleted stream's group would make a token nothing can play.
    let can_issue = ctx.can_write && stream.state != StreamState::Deleted;
    let name = stream.name.to_string();

    let SecureToken {
        newest,
        issued,
        revocable,
        ..
    } = token;
    let token_card = token;
    let issue = Action::new_local(move |request: &CreateToken| {
        let request = request.clone();
        async move {
            let answer = api::create_token(request).await;
            if let Ok(token) = &answer {
                ctx.success("Token issued. Copy it now: it is shown only once.");
                issued.set(Some(token.clone()));
                token_card.load();
            }
            answer.err()
        }
    });
    let pending = issue.pending();
    let on_issue = Callback::new(move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let group = ctx.current.with_untracked(|s| s.streamgroup_id);
        match group_issue(
            group,
            revocable.get_untracked(),
            Timestamp::from(Utc::now()),
        ) {
            Ok(ok) => {
                issue.dispatch(ok.request);
            }
            Err(errors) => ctx.failure(
                errors
                    .into_values()
                    .next()
                    .unwrap_or_else(|| "The token could not be issued.".to_string()),
            ),
        }
    });
    let refusal = move || {
        issue
            .value()
            .get()
            .flatten()
            .filter(|_| !pending.get())
            .map(|e| view! { <Alert message=e.message() testid="secure-issue-error" /> })
    };
    let issue_form = move || {
        can_issue.then(|| {
            let hint = format!(
                "A token for this stream group, valid from now for {} ({} when revocable). Bindings to an address or a domain are in the token console.",
                duration_text(DEFAULT_LIFETIME_S),
                duration_text(REVOCABLE_LIFETIME_S),
            );
            view! {
                <form class="secure-issue" novalidate=true on:submit=move |ev| on_issue.run(ev) data-testid="secure-issue-form">
                    <p class="hint">{hint}</p>
                    <CheckField
                        id="secure-issue-revocable"
                        label="Revocable"
                        hint="An admin can revoke it before it expires; it then lives at most 24 hours."
                        checked=revocable
                        testid="secure-issue-revocable"
                    />
                    <SubmitButton pending label="Issue token" busy_label="Issuing…" testid="secure-issue" />
                    <div class="alert-slot">{refusal}</div>
                </form>
            }
        })
    };

    let body = move || match newest.get() {
        Newest::Loading => view! {
            <div data-testid="secure-token-loading" aria-busy="true">
                <p class="visually-hidden" role="status">
                    "Loading the stream's token…"
                </p>
                <SkeletonCard lines=3 />
            </div>
        }
        .into_any(),
        Newest::Failed(message) => view! {
            <ErrorState
                title="The stream's token could not be loaded"
                message
                on_retry=move || {
                    newest.set(Newest::Loading);
                    token_card.load();
                }
            />
        }
        .into_any(),
        Newest::Loaded(None) => {
            let message = if can_issue {
                "Players cannot play this stream until a token is issued for it. Issue one below."
            } else {
                "Players cannot play this stream until a token is issued for it. An admin or user of your organisation can issue one."
            };
            view! {
                <EmptyState title="No token yet for this stream" message testid="secure-token-empty" />
                {issue_form}
            }
            .into_any()
        }
        Newest::Loaded(Some(info)) => {
            let info = *info;
            let text = issued.get().filter(|t| t.id == info.id).map(|t| t.token);
            view! {
                <TokenDecoded info text />
                {issue_form}
            }
            .into_any()
        }
    };

    view! {
        <section class="card stream-card" aria-labelledby="secure-heading" data-testid="stream-secure">
            <h2 class="card-title" id="secure-heading">
                "Secure playback"
            </h2>
            <div class="stream-prose">
                <p>
                    {format!(
                        "Playback of {name} needs a token: players without a valid one are refused. Any token of its stream group plays every quality of it."
                    )}
                </p>
            </div>
            {body}
            <p class="hint stream-card-foot">
                "Tokens with other settings: "
                <a href=snippets data-testid="secure-snippets-link">"Code Snippets"</a>
                " puts one straight into the snippets and the shared playout URL; every issued token is in the "
                <a href=paths::TOKENS data-testid="secure-tokens-link">"token console"</a>
                ", where it can be verified or revoked."
            </p>
        </section>
    }
}

/// The token in words (scope, expiry, issue, restrictions, key), its status, every claim
/// decoded on request and, for a token just issued here, its text to copy.
#[component]
fn TokenDecoded(info: TokenInfo, text: Option<String>) -> impl IntoView {
    let status = TokenStatus::of(&info, Timestamp::from(Utc::now()));
    let header = text.as_deref().and_then(decode_jwt).map(|d| d.header);
    let claims = match header {
        Some(header) => {
            view! { <ClaimsView claims=info.claims.clone() header testid="secure-token-claims" /> }
                .into_any()
        }
        None => view! { <ClaimsView claims=info.claims.clone() testid="secure-token-claims" /> }
            .into_any(),
    };
    let shown_once = text.map(|text| {
        view! {
            <Alert
                kind=AlertKind::Info
                message="Copy the token now: it is shown only this once. Castboard keeps what it says, never the token itself."
                testid="secure-token-once"
            />
            <CopyField label="Token" value=text multiline=true testid="secure-token-value" />
        }
    });
    let labels = labels_text(&info.claims).map(|labels| {
        view! {
            <div class="details-row">
                <dt>"Labels"</dt>
                <dd data-testid="secure-token-labels">{labels}</dd>
            </div>
        }
    });
    view! {
        <div class="secure-token" data-testid="secure-token" data-token-id=info.id.to_string()>
            <div class="secure-token-head">
                <h3 class="token-subtitle">"Newest token of this stream group"</h3>
                <StatusBadge status testid="secure-token-status" />
            </div>
            <dl class="details">
                <div class="details-row">
                    <dt>"Scope"</dt>
                    <dd data-testid="secure-token-scope">{listed_scope_text(&info)}</dd>
                </div>
                <div class="details-row">
                    <dt>"Expires"</dt>
                    <dd>
                        <UtcTimeAgo ts=info.expires_at testid="secure-token-expires" />
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Valid from"</dt>
                    <dd>
                        <UtcTimeAgo ts=info.not_before testid="secure-token-not-before" />
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Issued"</dt>
                    <dd>
                        <UtcTimeAgo ts=info.issued_at testid="secure-token-issued" />
                        <span class="hint">
                            " by " <span data-testid="secure-token-issued-by">{info.issued_by.clone()}</span>
                        </span>
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Restrictions"</dt>
                    <dd data-testid="secure-token-restrictions">{restrictions_text(&info.claims)}</dd>
                </div>
                <div class="details-row">
                    <dt>"Revocable"</dt>
                    <dd data-testid="secure-token-revocable">
                        {if info.revocable { "Yes: an admin can revoke it" } else { "No: it stays valid until it expires" }}
                    </dd>
                </div>
                {labels}
                <div class="details-row">
                    <dt>"Signing key"</dt>
                    <dd>
                        <code class="mono secure-token-code" data-testid="secure-token-kid">
                            {info.kid.clone()}
                        </code>
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Token id"</dt>
                    <dd>
                        <code class="mono secure-token-code" data-testid="secure-token-id">
                            {info.id.to_string()}
                        </code>
                    </dd>
                </div>
            </dl>
            {shown_once}
            <details class="secure-token-all" data-testid="secure-token-all">
                <summary>"Every claim, decoded"</summary>
                {claims}
            </details>
        </div>
    }
}
