//! The issued tokens (`GET /tokens`, newest first, a page at a time): scope, issuer,
//! times, status and key of each; never the token text. Admins revoke revocable tokens
//! here, after a confirmation naming the token.

use super::claims::StatusBadge;
use super::describe::{
    can_revoke, labels_text, listed_scope_text, page_count, range_text, short_id, short_kid,
    TokenStatus,
};
use super::focus_by_id;
use crate::api;
use crate::components::dialog::ConfirmDialog;
use crate::components::error_state::ErrorState;
use crate::components::notice::EmptyState;
use crate::components::skeleton::SkeletonCard;
use crate::components::time::UtcTime;
use crate::components::toast::use_toasts;
use chrono::Utc;
use leptos::prelude::*;
use shared::model::{List, TokenInfo};
use shared::Timestamp;
use uuid::Uuid;

/// Tokens per page.
const PER_PAGE: u32 = 25;

/// The list heading's id (focus lands there after a revoke).
const LIST_HEADING_ID: &str = "tokens-list-heading";

/// The token a revoke dialog is about.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RevokeTarget {
    id: Uuid,
    scope: String,
    force_disconnect: bool,
}

#[component]
pub fn TokenList(
    /// 1-based page shown.
    page: RwSignal<u64>,
    /// Bumped to load the list again (after issuing or revoking).
    version: RwSignal<u32>,
    /// The caller is an admin: revoke buttons where a token allows it.
    admin: bool,
) -> impl IntoView {
    let tokens = LocalResource::new(move || {
        let page = page.get();
        version.track();
        async move { api::tokens(page, PER_PAGE).await }
    });

    let toasts = use_toasts();
    let dialog_open = RwSignal::new(false);
    let target = RwSignal::new(None::<RevokeTarget>);
    let revoke_error = RwSignal::new(None::<String>);
    let revoke = Action::new_local(move |id: &Uuid| {
        let id = *id;
        async move {
            match api::revoke_token(id).await {
                Ok(()) => {
                    dialog_open.set(false);
                    // The Revoke button that had focus goes away with the reload, so
                    // focus moves to the list, once the closing dialog has handed it back.
                    set_timeout(
                        || focus_by_id(LIST_HEADING_ID),
                        std::time::Duration::from_millis(0),
                    );
                    if let Some(toasts) = toasts {
                        toasts.success(format!("Token {} revoked", short_id(id)));
                    }
                    version.update(|v| *v += 1);
                }
                Err(e) => revoke_error.set(Some(e.message())),
            }
        }
    });
    let ask_revoke = Callback::new(move |t: RevokeTarget| {
        revoke_error.set(None);
        target.set(Some(t));
        dialog_open.set(true);
    });
    let title = Signal::derive(move || {
        target.with(|t| {
            t.as_ref()
                .map(|t| format!("Revoke token {}?", t.id))
                .unwrap_or_default()
        })
    });
    let message = Signal::derive(move || {
        target.with(|t| {
            t.as_ref()
                .map(|t| {
                    let running = if t.force_disconnect {
                        " Running playbacks with it end too, as it was issued with force disconnect."
                    } else {
                        " Playbacks already running keep going."
                    };
                    format!(
                        "Token {} ({}) stops working at once: no player can start with it any more.{running} This cannot be undone.",
                        t.id, t.scope
                    )
                })
                .unwrap_or_default()
        })
    });

    let content = move || {
        Suspend::new(async move {
            match tokens.await {
                Ok(list) => view! { <TokenTable list page admin ask_revoke /> }.into_any(),
                Err(e) => view! {
                    <ErrorState
                        title="The issued tokens could not be loaded"
                        message=e.message()
                        on_retry=move || tokens.refetch()
                    />
                }
                .into_any(),
            }
        })
    };

    // Reloads (after issuing or revoking) keep the old page on screen, marked busy.
    let reloading = RwSignal::new(false);

    view! {
        <section
            class="token-list"
            aria-labelledby=LIST_HEADING_ID
            aria-busy=move || if reloading.get() { "true" } else { "false" }
            data-testid="tokens-list"
        >
            <div class="token-list-head">
                <h2 class="token-list-title" id=LIST_HEADING_ID tabindex="-1">
                    "Issued tokens"
                </h2>
                <p class="muted">"Newest first. The token text is never stored, only what it says."</p>
            </div>
            <Transition
                set_pending=reloading.write_only()
                fallback=|| {
                view! {
                    <div data-testid="tokens-loading" aria-busy="true">
                        <p class="visually-hidden" role="status">"Loading issued tokens…"</p>
                        <SkeletonCard lines=5 />
                    </div>
                }
            }
            >
                {content}
            </Transition>
        </section>
        <ConfirmDialog
            open=dialog_open
            title
            message
            confirm_label="Revoke token"
            on_confirm=move |()| {
                if let Some(t) = target.get_untracked() {
                    revoke_error.set(None);
                    revoke.dispatch(t.id);
                }
            }
            pending=revoke.pending()
            error=revoke_error
            testid="revoke-dialog"
        />
    }
}

/// One page of tokens: a table (cards on phones), the range and the pager.
#[component]
fn TokenTable(
    list: List<TokenInfo>,
    page: RwSignal<u64>,
    admin: bool,
    ask_revoke: Callback<RevokeTarget>,
) -> impl IntoView {
    let total = list.meta.total;
    let current = list.meta.page.unwrap_or(1);
    let per_page = list.meta.per_page.unwrap_or(PER_PAGE);
    let pages = page_count(total, per_page);
    let shown = list.items.len();
    if total == 0 {
        return view! {
            <EmptyState
                title="No tokens issued yet"
                message="Tokens issued here or through the API appear in this list with their status."
                testid="tokens-empty"
            />
        }
        .into_any();
    }
    let now = Timestamp::from(Utc::now());
    let rows = list
        .items
        .into_iter()
        .map(|info| view! { <TokenRow info now admin ask_revoke /> })
        .collect_view();
    view! {
        // Focusable, so keyboard users can scroll it where it is wider than the screen.
        <div class="table-wrap token-table-wrap" role="region" aria-label="Issued tokens table" tabindex="0">
            <table class="table token-table" data-testid="tokens-table">
                <caption class="visually-hidden">"Issued playback tokens, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Token"</th>
                        <th scope="col">"Scope"</th>
                        <th scope="col">"Issued"</th>
                        <th scope="col">"Valid"</th>
                        <th scope="col">"Revocable"</th>
                        <th scope="col">"Status"</th>
                        {admin.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="token-pager" aria-label="Issued tokens pages">
            <p class="muted" data-testid="tokens-range">
                {range_text(current, per_page, shown, total)}
            </p>
            {(pages > 1)
                .then(|| {
                    view! {
                        <div class="button-row">
                            <button
                                type="button"
                                class="button button-secondary button-small"
                                data-testid="tokens-prev"
                                disabled=current <= 1
                                on:click=move |_| page.set(current.saturating_sub(1).max(1))
                            >
                                "Previous"
                            </button>
                            <span class="token-pager-page" data-testid="tokens-page">
                                {format!("Page {current} of {pages}")}
                            </span>
                            <button
                                type="button"
                                class="button button-secondary button-small"
                                data-testid="tokens-next"
                                disabled=current >= pages
                                on:click=move |_| page.set(current + 1)
                            >
                                "Next"
                            </button>
                        </div>
                    }
                })}
        </nav>
    }
    .into_any()
}

#[component]
fn TokenRow(
    info: TokenInfo,
    now: Timestamp,
    admin: bool,
    ask_revoke: Callback<RevokeTarget>,
) -> impl IntoView {
    let status = TokenStatus::of(&info, now);
    let scope = listed_scope_text(&info);
    let revocable = can_revoke(&info);
    let target = RevokeTarget {
        id: info.id,
        scope: scope.clone(),
        force_disconnect: info.claims.fdc == Some(true),
    };
    let labels = labels_text(&info.claims);
    let id = info.id.to_string();
    view! {
        <tr data-testid="token-row" data-token-id=id.clone()>
            <td data-label="Token">
                <div class="token-cell">
                    <code class="mono" title=id.clone() data-testid="token-id">
                        {format!("{}…", short_id(info.id))}
                    </code>
                    <span class="hint">
                        "key "
                        <code
                            class="mono"
                            title=info.kid.clone()
                            data-testid="token-kid"
                            data-kid=info.kid.clone()
                        >
                            {short_kid(&info.kid)}
                        </code>
                    </span>
                    {labels.map(|labels| view! { <span class="hint token-labels">{labels}</span> })}
                </div>
            </td>
            <td data-label="Scope" class="token-scope-cell" data-testid="token-scope">
                {scope}
            </td>
            <td data-label="Issued">
                <div class="token-cell">
                    <UtcTime ts=info.issued_at />
                    <span class="hint token-issuer">
                        "by " <span data-testid="token-issued-by">{info.issued_by}</span>
                    </span>
                </div>
            </td>
            <td data-label="Valid">
                <div class="token-cell">
                    <span class="token-valid-line">"from " <UtcTime ts=info.not_before /></span>
                    <span class="token-valid-line">"until " <UtcTime ts=info.expires_at /></span>
                </div>
            </td>
            <td data-label="Revocable" data-testid="token-revocable">
                {if info.revocable { "Yes" } else { "No" }}
            </td>
            <td data-label="Status">
                <StatusBadge status testid="token-status" />
            </td>
            {admin
                .then(|| {
                    view! {
                        <td data-label="Actions" class="token-actions">
                            {revocable
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            class="button button-secondary button-small token-revoke"
                                            aria-label=format!("Revoke token {id}")
                                            data-testid="revoke-token"
                                            on:click=move |_| ask_revoke.run(target.clone())
                                        >
                                            "Revoke"
                                        </button>
                                    }
                                })}
                        </td>
                    }
                })}
        </tr>
    }
}
