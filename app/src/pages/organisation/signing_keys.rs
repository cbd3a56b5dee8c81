//! Signing keys of playback tokens (admin only, `secure` package): the list with the
//! active key marked, rotation (a new key signs from then on), deletion behind a warning
//! that its tokens stop working, and links to the public JWKS and the API reference.
//! Without `secure` the section only says "Upgrade needed" and calls nothing.

use super::TableSkeleton;
use crate::api;
use crate::components::dialog::ConfirmDialog;
use crate::components::error_state::ErrorState;
use crate::components::menu::{MenuItem, OverflowMenu};
use crate::components::notice::{EmptyState, UpgradeNeeded};
use crate::components::time::UtcTime;
use crate::components::toast::use_toasts;
use leptos::prelude::*;
use shared::model::{Feature, SigningKeyInfo};

/// What deleting a key does, for the confirmation: its tokens stop verifying, and who
/// signs afterwards.
pub(super) fn delete_warning(key: &SigningKeyInfo, total: usize) -> String {
    let consequence = if !key.active {
        "New tokens are not affected: they are signed by the active key."
    } else if total > 1 {
        "It is the active key: the next newest key signs new tokens from now on."
    } else {
        "It is the only key: a new one is created when the next token is issued."
    };
    format!(
        "Every playback token signed with {} stops working at once: players and edges refuse it. {consequence} This cannot be undone.",
        key.kid,
    )
}

/// The signing keys section.
#[component]
pub fn SigningKeysSection(
    /// Whether the organisation has the `secure` package.
    secure: bool,
    /// The organisation's hash, for the JWKS link.
    hash: String,
) -> impl IntoView {
    let body = if secure {
        view! { <SigningKeysBody hash /> }.into_any()
    } else {
        view! { <UpgradeNeeded feature=Feature::Secure /> }.into_any()
    };
    view! {
        <section class="card org-section" aria-labelledby="signing-keys-heading" data-testid="signing-keys-section">
            <div class="org-section-head">
                <h2 id="signing-keys-heading" class="card-title">
                    "Signing keys"
                </h2>
                <p class="muted org-section-intro">
                    "Playback tokens are signed (ES256) with the active key; players and edges check them with the public keys."
                </p>
            </div>
            {body}
        </section>
    }
}

/// The list, rotation, deletion and links (only with `secure`).
#[component]
fn SigningKeysBody(hash: String) -> impl IntoView {
    let toasts = use_toasts();
    let keys = LocalResource::new(api::signing_keys);

    let rotate = Action::new_local(move |_: &()| async move {
        let result = api::create_signing_key().await;
        match &result {
            Ok(key) => {
                keys.refetch();
                if let Some(t) = toasts {
                    t.success(format!(
                        "New signing key {} created: it signs new tokens from now on",
                        key.kid
                    ));
                }
            }
            Err(e) => {
                if let Some(t) = toasts {
                    t.error(e.message());
                }
            }
        }
        result
    });
    let rotating = rotate.pending();

    let confirm_open = RwSignal::new(false);
    // The key to delete and how many keys there were when asked.
    let target = RwSignal::new(None::<(SigningKeyInfo, usize)>);
    let delete = Action::new_local(move |kid: &String| {
        let kid = kid.clone();
        async move {
            let result = api::delete_signing_key(&kid).await;
            if result.is_ok() {
                confirm_open.set(false);
                keys.refetch();
                if let Some(t) = toasts {
                    t.success(format!("Signing key {kid} deleted"));
                }
            }
            result
        }
    });
    let ask_delete = Callback::new(move |asked: (SigningKeyInfo, usize)| {
        delete.clear();
        target.set(Some(asked));
        confirm_open.set(true);
    });
    let target_kid =
        move || target.with(|t| t.as_ref().map(|(k, _)| k.kid.clone()).unwrap_or_default());

    view! {
        <div class="org-key-actions">
            <button
                type="button"
                class="button button-primary"
                data-testid="signing-key-rotate"
                disabled=move || rotating.get()
                aria-busy=move || if rotating.get() { "true" } else { "false" }
                on:click=move |_| {
                    if !rotating.get_untracked() {
                        rotate.dispatch(());
                    }
                }
            >
                {move || if rotating.get() { "Creating…" } else { "Rotate: create a new signing key" }}
            </button>
            <a class="org-link" href=api::jwks_url(&hash) target="_blank" rel="external noopener" data-testid="jwks-link">
                "Public keys (JWKS)"
            </a>
            <a class="org-link" href=api::API_DOCS_URL target="_blank" rel="external noopener" data-testid="api-docs-link">
                "API reference"
            </a>
        </div>
        <Transition fallback=TableSkeleton>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(list) => view! { <SigningKeysTable keys=list.items on_delete=ask_delete /> }.into_any(),
                    Err(e) => {
                        view! {
                            <ErrorState
                                title="The signing keys could not be loaded"
                                message=e.message()
                                on_retry=move || keys.refetch()
                            />
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
        <ConfirmDialog
            open=confirm_open
            title=Signal::derive(move || format!("Delete signing key {}?", target_kid()))
            message=Signal::derive(move || {
                target.with(|t| t.as_ref().map(|(k, total)| delete_warning(k, *total)).unwrap_or_default())
            })
            confirm_label="Delete signing key"
            on_confirm=move |()| {
                if let Some((key, _)) = target.get_untracked() {
                    delete.dispatch(key.kid);
                }
            }
            pending=delete.pending()
            error=Signal::derive(move || {
                delete.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().map(|e| e.message())))
            })
            testid="delete-signing-key-dialog"
        />
    }
}

/// The keys, newest (active) first.
#[component]
fn SigningKeysTable(
    keys: Vec<SigningKeyInfo>,
    on_delete: Callback<(SigningKeyInfo, usize)>,
) -> impl IntoView {
    if keys.is_empty() {
        return view! {
            <EmptyState
                title="No signing keys yet"
                message="One is created with the first playback token, or rotate now to create it."
                testid="signing-keys-empty"
            />
        }
        .into_any();
    }
    let total = keys.len();
    view! {
        <div class="table-wrap">
            <table class="table org-table" data-testid="signing-keys-table">
                <caption class="visually-hidden">"Signing keys of the organisation"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Key ID (kid)"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {keys
                        .into_iter()
                        .map(|key| {
                            let asked = key.clone();
                            let more_label = format!("More actions for signing key {}", key.kid);
                            let delete_label = format!("Delete signing key {}", key.kid);
                            view! {
                                <tr
                                    data-testid="signing-key-row"
                                    data-kid=key.kid.clone()
                                    data-active=if key.active { "true" } else { "false" }
                                >
                                    <td data-label="Key ID">
                                        <code class="mono org-kid" data-testid="signing-key-kid">
                                            {key.kid.clone()}
                                        </code>
                                    </td>
                                    <td data-label="Created">
                                        <UtcTime ts=key.created_at />
                                    </td>
                                    <td data-label="Status">
                                        {if key.active {
                                            view! {
                                                <span class="badge org-badge-enabled" data-testid="signing-key-active">
                                                    "Active"
                                                </span>
                                            }
                                                .into_any()
                                        } else {
                                            view! { <span class="muted">"Verifies older tokens"</span> }.into_any()
                                        }}
                                    </td>
                                    <td class="org-actions">
                                        <OverflowMenu
                                            label=more_label
                                            testid="signing-key-more"
                                        >
                                            <MenuItem
                                                text="Delete signing key"
                                                label=delete_label.clone()
                                                danger=true
                                                testid="signing-key-delete"
                                                on_select={
                                                    let asked = asked.clone();
                                                    move |()| on_delete.run((asked.clone(), total))
                                                }
                                            />
                                        </OverflowMenu>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Timestamp;

    fn key(active: bool) -> SigningKeyInfo {
        SigningKeyInfo {
            kid: "kid-1".into(),
            created_at: Timestamp::from_millis(0).expect("epoch"),
            active,
        }
    }

    #[test]
    fn the_warning_says_tokens_stop_working_and_who_signs_next() {
        assert_eq!(
            delete_warning(&key(false), 2),
            "Every playback token signed with kid-1 stops working at once: players and edges refuse it. New tokens are not affected: they are signed by the active key. This cannot be undone."
        );
        assert_eq!(
            delete_warning(&key(true), 3),
            "Every playback token signed with kid-1 stops working at once: players and edges refuse it. It is the active key: the next newest key signs new tokens from now on. This cannot be undone."
        );
        assert_eq!(
            delete_warning(&key(true), 1),
            "Every playback token signed with kid-1 stops working at once: players and edges refuse it. It is the only key: a new one is created when the next token is issued. This cannot be undone."
        );
    }
}
