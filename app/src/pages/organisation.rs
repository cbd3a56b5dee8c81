//! `/organisation` (A2): the caller's organisation — its name, hash, packages, limits and
//! webhook URL — and, for admins, its users and roles, API keys and signing keys.
//!
//! Everyone reads the details and packages; only admins see edit controls and the
//! user / key sections (others get a short note instead, and the page never calls the
//! admin-only endpoints for them). Each section loads on its own, with its own skeleton,
//! error state and Retry, so one failing list does not hide the rest of the page.
//!
//! Submodules: [`details`] (name, hash, limits, webhook, inline edits), [`packages`],
//! [`users`], [`api_keys`], [`signing_keys`]. Pure rules the forms rely on live in
//! plain functions with unit tests; the server stays the authority on every change.

mod api_keys;
mod details;
mod packages;
mod signing_keys;
mod users;

use crate::api;
use crate::components::error_state::ErrorState;
use crate::components::skeleton::SkeletonCard;
use crate::session::use_me;
use leptos::html;
use leptos::prelude::*;

use crate::components::form_field::SelectBox;
use shared::model::{Me, Organisation, Role};
use uuid::Uuid;

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let me = use_me();
    let admin = me.as_ref().is_some_and(Me::is_admin);
    let me_id = me.as_ref().and_then(|m| m.user.as_ref().map(|u| u.id));
    let organisation = LocalResource::new(api::organisation);

    view! {
        <div class="page-header">
            <h1 class="page-title">"Organisation"</h1>
            <p class="muted">
                {if admin {
                    "Your organisation's details and packages, its users, API keys and signing keys."
                } else {
                    "Your organisation's details and packages."
                }}
            </p>
        </div>
        <Suspense fallback=OrganisationSkeleton>
            {move || Suspend::new(async move {
                match organisation.await {
                    Ok(org) => view! { <OrganisationBody org admin me_id /> }.into_any(),
                    Err(e) => {
                        view! {
                            <ErrorState
                                title="The organisation could not be loaded"
                                message=e.message()
                                on_retry=move || organisation.refetch()
                            />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Placeholder in the shape of the page while the organisation loads.
#[component]
fn OrganisationSkeleton() -> impl IntoView {
    view! {
        <div aria-busy="true" data-testid="org-loading">
            <p class="visually-hidden" role="status">
                "Loading the organisation…"
            </p>
            <div class="card-grid">
                <SkeletonCard lines=5 />
                <SkeletonCard lines=6 />
            </div>
        </div>
    }
}

/// The loaded page. The organisation lives in a signal so that saved edits show at once.
#[component]
fn OrganisationBody(org: Organisation, admin: bool, me_id: Option<Uuid>) -> impl IntoView {
    let features = org.features;
    let hash = org.hash.to_string();
    let name = org.name.clone();
    let org = RwSignal::new(org);
    let admin_sections = if admin {
        view! {
            <users::UsersSection me_id />
            <api_keys::ApiKeysSection />
            <signing_keys::SigningKeysSection secure=features.secure hash />
        }
        .into_any()
    } else {
        view! { <AdminOnlyNote org_name=name /> }.into_any()
    };
    view! {
        <div class="card-grid org-top">
            <details::DetailsCard org admin />
            <packages::PackagesCard features />
        </div>
        <div class="org-sections">{admin_sections}</div>
    }
}

/// What users and read-only members see instead of the admin sections.
#[component]
fn AdminOnlyNote(org_name: String) -> impl IntoView {
    view! {
        <section class="card org-section" aria-labelledby="admin-note-heading" data-testid="admin-only-note">
            <h2 id="admin-note-heading" class="card-title">
                "Users and keys"
            </h2>
            <p class="muted">
                {format!(
                    "Only admins manage the users, API keys and signing keys of {org_name}. Ask one of them if someone needs access.",
                )}
            </p>
        </section>
    }
}

/// Grey lines in the shape of a table, for a section whose list is loading.
#[component]
fn TableSkeleton() -> impl IntoView {
    view! {
        <div class="org-table-skeleton" aria-busy="true" data-testid="section-loading">
            <p class="visually-hidden" role="status">
                "Loading…"
            </p>
            {(0..3)
                .map(|_| view! { <span class="skeleton skeleton-line" aria-hidden="true"></span> })
                .collect_view()}
        </div>
    }
}

/// The role named by a `<select>` value; `None` for anything else.
fn role_from_value(value: &str) -> Option<Role> {
    value.parse().ok()
}

/// A role picker. `role` is what it shows: setting it (even to the same value) puts the
/// browser's selection back, which is how a refused change reverts.
#[component]
fn RoleSelect(
    /// The `id` a `<label for>` points at.
    id: String,
    /// The accessible name when there is no visible label ("Role of ann@example.com").
    #[prop(optional, into)]
    aria_label: Option<String>,
    role: RwSignal<Role>,
    /// Called with the role picked by the user.
    #[prop(into)]
    on_pick: Callback<Role>,
    #[prop(into)] disabled: Signal<bool>,
    testid: &'static str,
) -> impl IntoView {
    let select = NodeRef::<html::Select>::new();
    // After mounting (the options exist by then) and whenever `role` is set.
    Effect::new(move |_| {
        let current = role.get();
        if let Some(el) = select.get() {
            el.set_value(current.as_str());
        }
    });
    view! {
        <SelectBox>
        <select
            node_ref=select
            class="field-input org-role-select"
            id=id
            aria-label=aria_label
            disabled=move || disabled.get()
            data-testid=testid
            on:change=move |ev| {
                if let Some(picked) = role_from_value(&event_target_value(&ev)) {
                    on_pick.run(picked);
                }
            }
        >
            {Role::ALL
                .into_iter()
                .map(|r| view! { <option value=r.as_str()>{r.label()}</option> })
                .collect_view()}
        </select>
        </SelectBox>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_values_are_the_wire_names_of_roles() {
        assert_eq!(role_from_value("admin"), Some(Role::Admin));
        assert_eq!(role_from_value("user"), Some(Role::User));
        assert_eq!(role_from_value("read_only"), Some(Role::ReadOnly));
        assert_eq!(role_from_value("Read only"), None);
        assert_eq!(role_from_value(""), None);
    }
}
