//! API keys (admin only): keys for scripts, each with a role. Creating one shows its
//! secret exactly once, with a copy button and a warning; the list only ever shows the
//! prefix. Deleting asks first, naming the key.

use super::{RoleSelect, TableSkeleton};
use crate::api;
use crate::components::alert::{Alert, AlertKind};
use crate::components::copy_button::CopyField;
use crate::components::dialog::ConfirmDialog;
use crate::components::error_state::ErrorState;
use crate::components::form_field::TextField;
use crate::components::menu::{MenuItem, OverflowMenu};
use crate::components::notice::EmptyState;
use crate::components::submit_button::SubmitButton;
use crate::components::time::UtcTime;
use crate::components::toast::use_toasts;
use crate::form::{reasons, FormErrors};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::model::{ApiKey, CreateApiKey, CreatedApiKey, Role};
use shared::validate::ApiKeyName;

/// The request the create form sends, or why the name is refused.
pub(super) fn new_api_key(name: &str, role: Role) -> Result<CreateApiKey, String> {
    Ok(CreateApiKey {
        name: ApiKeyName::parse(name)?,
        role,
    })
}

/// The warning above a new key's secret.
pub(super) fn secret_warning(name: &str) -> String {
    format!(
        "Copy the secret of {name} now: it is shown only this once and cannot be recovered. Send it as the X-API-Key header."
    )
}

/// The API keys section.
#[component]
pub fn ApiKeysSection() -> impl IntoView {
    let keys = LocalResource::new(api::api_keys);
    view! {
        <section class="card org-section" aria-labelledby="api-keys-heading" data-testid="api-keys-section">
            <div class="org-section-head">
                <h2 id="api-keys-heading" class="card-title">
                    "API keys"
                </h2>
                <p class="muted org-section-intro">
                    "Scripts call the API with a key instead of a password. A key acts with the role it was given."
                </p>
            </div>
            <Transition fallback=TableSkeleton>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) => view! { <ApiKeysBody initial=list.items /> }.into_any(),
                        Err(e) => {
                            view! {
                                <ErrorState
                                    title="The API keys could not be loaded"
                                    message=e.message()
                                    on_retry=move || keys.refetch()
                                />
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// The loaded list, the new secret (once), the create form and the delete dialog.
#[component]
fn ApiKeysBody(initial: Vec<ApiKey>) -> impl IntoView {
    let toasts = use_toasts();
    let rows = RwSignal::new(initial);
    // The key just created, with its secret; cleared by "Done" or the next key.
    let created = RwSignal::new(None::<CreatedApiKey>);

    let confirm_open = RwSignal::new(false);
    let target = RwSignal::new(None::<ApiKey>);
    let delete = Action::new_local(move |key: &ApiKey| {
        let key = key.clone();
        async move {
            let result = api::delete_api_key(key.id).await;
            if result.is_ok() {
                rows.update(|list| list.retain(|k| k.id != key.id));
                created.update(|c| {
                    if c.as_ref().is_some_and(|c| c.key.id == key.id) {
                        *c = None;
                    }
                });
                confirm_open.set(false);
                if let Some(t) = toasts {
                    t.success(format!("API key {} deleted", key.name));
                }
            }
            result
        }
    });
    let target_name =
        move || target.with(|t| t.as_ref().map(|k| k.name.clone()).unwrap_or_default());

    let table = move || {
        view! {
            <div class="table-wrap">
                <table class="table org-table" data-testid="api-keys-table">
                    <caption class="visually-hidden">"API keys of the organisation"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Prefix"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|k| k.id
                            children=move |key| {
                                let ask = key.clone();
                                let more_label = format!("More actions for API key {}", key.name);
                                let delete_label = format!("Delete API key {}", key.name);
                                let last_used = match key.last_used_at {
                                    Some(ts) => view! { <UtcTime ts /> }.into_any(),
                                    None => view! { <span class="muted">"never"</span> }.into_any(),
                                };
                                view! {
                                    <tr data-testid="api-key-row" data-name=key.name.clone()>
                                        <td data-label="Name">
                                            <span class="org-key-name" data-testid="api-key-name">
                                                {key.name.clone()}
                                            </span>
                                        </td>
                                        <td data-label="Role">
                                            <span class="badge badge-role" data-testid="api-key-role">
                                                {key.role.label()}
                                            </span>
                                        </td>
                                        <td data-label="Prefix">
                                            <code class="mono" data-testid="api-key-prefix">
                                                {format!("{}…", key.prefix)}
                                            </code>
                                        </td>
                                        <td data-label="Created">
                                            <UtcTime ts=key.created_at />
                                        </td>
                                        <td data-label="Last used" data-testid="api-key-last-used">
                                            {last_used}
                                        </td>
                                        <td class="org-actions">
                                            <OverflowMenu
                                                label=more_label
                                                testid="api-key-more"
                                            >
                                                <MenuItem
                                                    text="Delete API key"
                                                    label=delete_label.clone()
                                                    danger=true
                                                    testid="api-key-delete"
                                                    on_select={
                                                        let ask = ask.clone();
                                                        move |()| {
                                                            delete.clear();
                                                            target.set(Some(ask.clone()));
                                                            confirm_open.set(true);
                                                        }
                                                    }
                                                />
                                            </OverflowMenu>
                                        </td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
            </div>
        }
    };

    view! {
        {move || {
            created
                .get()
                .map(|c| {
                    let secret = c.secret.clone();
                    view! {
                        <div class="org-secret" data-testid="api-key-created">
                            <Alert kind=AlertKind::Info message=secret_warning(&c.key.name) />
                            <CopyField
                                label="API key secret"
                                value=Signal::derive(move || secret.clone())
                                testid="api-key-secret"
                            />
                            <div class="button-row">
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    data-testid="api-key-secret-done"
                                    on:click=move |_| created.set(None)
                                >
                                    "Done, I have copied it"
                                </button>
                            </div>
                        </div>
                    }
                })
        }}
        <Show
            when=move || !rows.with(Vec::is_empty)
            fallback=|| {
                view! {
                    <EmptyState
                        title="No API keys yet"
                        message="Create one for each script or service that calls the API."
                        testid="api-keys-empty"
                    />
                }
            }
        >
            {table()}
        </Show>
        <CreateApiKeyForm rows created />
        <ConfirmDialog
            open=confirm_open
            title=Signal::derive(move || format!("Delete API key {}?", target_name()))
            message=Signal::derive(move || {
                format!(
                    "Scripts using {} are refused from now on. This cannot be undone.",
                    target_name(),
                )
            })
            confirm_label="Delete API key"
            on_confirm=move |()| {
                if let Some(key) = target.get_untracked() {
                    delete.dispatch(key);
                }
            }
            pending=delete.pending()
            error=Signal::derive(move || {
                delete.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().map(|e| e.message())))
            })
            testid="delete-api-key-dialog"
        />
    }
}

/// Creates a key: name and role.
#[component]
fn CreateApiKeyForm(
    rows: RwSignal<Vec<ApiKey>>,
    created: RwSignal<Option<CreatedApiKey>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::ReadOnly);
    let submitted = RwSignal::new(false);

    let create = Action::new_local(move |body: &CreateApiKey| {
        let body = body.clone();
        async move {
            let result = api::create_api_key(body).await;
            if let Ok(new_key) = &result {
                rows.update(|list| list.insert(0, new_key.key.clone()));
                created.set(Some(new_key.clone()));
                name.set(String::new());
                submitted.set(false);
                if let Some(t) = toasts {
                    t.success(format!("API key {} created", new_key.key.name));
                }
            }
            result
        }
    });
    let pending = create.pending();
    let failure = move || {
        create
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    };
    Effect::new(move |_| {
        name.track();
        create.clear();
    });

    let local = Signal::derive(move || {
        let shown = submitted.get() || !name.with(String::is_empty);
        reasons([(
            "name",
            shown
                .then(|| new_api_key(&name.get(), Role::ReadOnly).err())
                .flatten(),
        )])
    });
    let form = FormErrors::new(local, Signal::derive(failure));
    let name_error = form.field("name");
    let alert = move || {
        form.general()
            .map(|e| view! { <Alert message=e.message() testid="new-api-key-error" /> })
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if pending.get_untracked() {
            return;
        }
        if let Ok(body) = new_api_key(&name.get_untracked(), role.get_untracked()) {
            create.dispatch(body);
        }
    };

    view! {
        <form
            class="org-add-form"
            novalidate=true
            on:submit=on_submit
            aria-labelledby="create-key-heading"
            data-testid="create-api-key-form"
        >
            <h3 id="create-key-heading" class="org-form-title">
                "Create an API key"
            </h3>
            <div class="alert-slot">{alert}</div>
            <div class="org-form-grid org-form-grid-short">
                <TextField
                    id="new-api-key-name"
                    label="Name"
                    autocomplete="off"
                    value=name
                    error=name_error
                    testid="new-api-key-name"
                />
                <div class="field">
                    <label class="field-label" for="new-api-key-role">
                        "Role"
                    </label>
                    <RoleSelect
                        id="new-api-key-role".to_string()
                        role
                        on_pick=move |picked| role.set(picked)
                        disabled=pending
                        testid="new-api-key-role"
                    />
                </div>
                <div class="org-form-submit">
                    <SubmitButton pending label="Create API key" busy_label="Creating…" testid="new-api-key-submit" />
                </div>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_needs_a_name() {
        let body = new_api_key("  ci deploy ", Role::User).expect("valid");
        assert_eq!(body.name.as_str(), "ci deploy");
        assert_eq!(body.role, Role::User);
        assert_eq!(
            new_api_key("", Role::Admin).err(),
            Some("must not be empty".to_string())
        );
        assert_eq!(
            new_api_key(&"k".repeat(101), Role::Admin).err(),
            Some("must be at most 100 characters".to_string())
        );
    }

    #[test]
    fn the_warning_names_the_key_and_the_header() {
        assert_eq!(
            secret_warning("ci"),
            "Copy the secret of ci now: it is shown only this once and cannot be recovered. Send it as the X-API-Key header."
        );
    }
}
