//! Users and roles (admin only): the list with a role picker per user, the form that adds
//! a user, setting a user's password (a dialog; their sessions end), and removal behind
//! a confirmation naming the email.
//!
//! A refused role change (the last admin cannot be demoted: 409) is shown as an error
//! toast and the picker goes back to the role the server kept. The signed-in admin has no
//! Remove button on their own row; demoting oneself reloads the session so the page
//! follows the new role.

use super::{RoleSelect, TableSkeleton};
use crate::api;
use crate::components::alert::Alert;
use crate::components::dialog::ConfirmDialog;
use crate::components::error_state::ErrorState;
use crate::components::form_field::TextField;
use crate::components::menu::{MenuItem, OverflowMenu};
use crate::components::notice::EmptyState;
use crate::components::submit_button::SubmitButton;
use crate::components::time::UtcTime;
use crate::components::toast::use_toasts;
use crate::form::{reasons, FormErrors};
use crate::session::CurrentSession;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::model::{CreateUser, ResetPassword, Role, UpdateUser, User};
use shared::validate::{Email, Password};
use uuid::Uuid;

/// What is wrong with the add-user form, per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct NewUserErrors {
    pub email: Option<String>,
    pub password: Option<String>,
}

/// The request the add-user form sends, or what is wrong with it.
pub(super) fn new_user(
    email: &str,
    password: &str,
    role: Role,
) -> Result<CreateUser, NewUserErrors> {
    match (Email::parse(email), Password::parse(password)) {
        (Ok(email), Ok(password)) => Ok(CreateUser {
            email,
            password,
            role,
        }),
        (email, password) => Err(NewUserErrors {
            email: email.err(),
            password: password.err(),
        }),
    }
}

/// Whether the signed-in user (`me`) gets a Remove button on `row`'s line.
pub(super) fn may_remove(me: Option<Uuid>, row: Uuid) -> bool {
    me != Some(row)
}

/// The users section.
#[component]
pub fn UsersSection(me_id: Option<Uuid>) -> impl IntoView {
    let users = LocalResource::new(api::users);
    view! {
        <section class="card org-section" aria-labelledby="users-heading" data-testid="users-section">
            <div class="org-section-head">
                <h2 id="users-heading" class="card-title">
                    "Users and roles"
                </h2>
                <p class="muted org-section-intro">
                    "Admins manage everything; users create and edit streams; read-only members only look."
                </p>
            </div>
            <Transition fallback=TableSkeleton>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(list) => view! { <UsersBody initial=list.items me_id /> }.into_any(),
                        Err(e) => {
                            view! {
                                <ErrorState
                                    title="The users could not be loaded"
                                    message=e.message()
                                    on_retry=move || users.refetch()
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

/// The loaded list, the add form and the removal dialog.
#[component]
fn UsersBody(initial: Vec<User>, me_id: Option<Uuid>) -> impl IntoView {
    let toasts = use_toasts();
    let rows = RwSignal::new(initial);

    let confirm_open = RwSignal::new(false);
    let target = RwSignal::new(None::<User>);
    let remove = Action::new_local(move |user: &User| {
        let user = user.clone();
        async move {
            let result = api::delete_user(user.id).await;
            if result.is_ok() {
                rows.update(|list| list.retain(|u| u.id != user.id));
                confirm_open.set(false);
                if let Some(t) = toasts {
                    t.success(format!("User {} removed", user.email));
                }
            }
            result
        }
    });
    let ask_remove = Callback::new(move |user: User| {
        remove.clear();
        target.set(Some(user));
        confirm_open.set(true);
    });
    let target_email =
        move || target.with(|t| t.as_ref().map(|u| u.email.clone()).unwrap_or_default());
    let password_for = RwSignal::new(None::<User>);
    let ask_password = Callback::new(move |user: User| password_for.set(Some(user)));

    let table = move || {
        view! {
            <div class="table-wrap">
                <table class="table org-table" data-testid="users-table">
                    <caption class="visually-hidden">"Users of the organisation"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|u| u.id
                            children=move |user| {
                                let is_me = !may_remove(me_id, user.id);
                                view! { <UserRow user is_me on_remove=ask_remove on_set_password=ask_password /> }
                            }
                        />
                    </tbody>
                </table>
            </div>
        }
    };

    view! {
        <Show
            when=move || !rows.with(Vec::is_empty)
            fallback=|| {
                view! {
                    <EmptyState
                        title="No users"
                        message="Add the first user with the form below."
                        testid="users-empty"
                    />
                }
            }
        >
            {table()}
        </Show>
        <AddUserForm rows />
        <SetPasswordDialog user=password_for />
        <ConfirmDialog
            open=confirm_open
            title=Signal::derive(move || format!("Remove user {}?", target_email()))
            message=Signal::derive(move || {
                format!(
                    "{} can no longer sign in, and their open sessions end at once. This cannot be undone.",
                    target_email(),
                )
            })
            confirm_label="Remove user"
            on_confirm=move |()| {
                if let Some(user) = target.get_untracked() {
                    remove.dispatch(user);
                }
            }
            pending=remove.pending()
            error=Signal::derive(move || {
                remove.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().map(|e| e.message())))
            })
            testid="remove-user-dialog"
        />
    }
}

/// One user: email, role picker, creation time, Remove.
#[component]
fn UserRow(
    user: User,
    is_me: bool,
    on_remove: Callback<User>,
    on_set_password: Callback<User>,
) -> impl IntoView {
    let toasts = use_toasts();
    let session = CurrentSession::get();
    let role = RwSignal::new(user.role);
    let email = user.email.clone();
    let id = user.id;

    let change = Action::new_local(move |next: &Role| {
        let next = *next;
        let email = email.clone();
        async move {
            let result = api::update_user(id, UpdateUser { role: next }).await;
            match &result {
                Ok(updated) => {
                    role.set(updated.role);
                    if let Some(t) = toasts {
                        t.success(format!("{email} is now {}", updated.role.label()));
                    }
                    // Demoted oneself: reload the caller so the page shows what the new
                    // role may do.
                    if is_me && !updated.role.is_admin() {
                        if let Some(s) = session {
                            s.me.refetch();
                        }
                    }
                }
                Err(e) => {
                    // Puts the picker back on the role the server kept.
                    role.set(role.get_untracked());
                    if let Some(t) = toasts {
                        t.error(e.message());
                    }
                }
            }
            result
        }
    });
    let pending = change.pending();

    let remove_user = user.clone();
    let password_user = user.clone();
    // Your own is changed on your account page (the current password asked, this
    // session kept); here it would end every session of yours.
    let password_button = (!is_me).then(|| {
        view! {
            <button
                type="button"
                class="button button-secondary button-small"
                aria-label=format!("Set the password of {}", user.email)
                data-testid="user-set-password"
                on:click=move |_| on_set_password.run(password_user.clone())
            >
                "Set password"
            </button>
        }
    });
    let remove_button = (!is_me).then(|| {
        let remove_label = format!("Remove user {}", user.email);
        view! {
            <OverflowMenu label=format!("More actions for {}", user.email) testid="user-more">
                <MenuItem
                    text="Remove user"
                    label=remove_label.clone()
                    danger=true
                    testid="user-remove"
                    on_select={
                        let remove_user = remove_user.clone();
                        move |()| on_remove.run(remove_user.clone())
                    }
                />
            </OverflowMenu>
        }
    });

    view! {
        <tr data-testid="user-row" data-email=user.email.clone()>
            <td data-label="Email">
                <span class="org-cell">
                    <span class="org-email" data-testid="user-email">
                        {user.email.clone()}
                    </span>
                    {is_me.then(|| view! { <span class="badge badge-role org-you">"You"</span> })}
                </span>
            </td>
            <td data-label="Role">
                <RoleSelect
                    id=format!("role-{}", user.id)
                    aria_label=format!("Role of {}", user.email)
                    role
                    on_pick=move |next| {
                        change.dispatch(next);
                    }
                    disabled=pending
                    testid="user-role-select"
                />
            </td>
            <td data-label="Created">
                <UtcTime ts=user.created_at />
            </td>
            <td class="org-actions">{password_button} {remove_button}</td>
        </tr>
    }
}

/// An admin sets the password of the user in `user` (shown while it is `Some`): a new
/// one, checked as typed; every session of theirs ends, which the dialog says first.
#[component]
fn SetPasswordDialog(user: RwSignal<Option<User>>) -> impl IntoView {
    let toasts = use_toasts();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let password = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let set = Action::new_local(move |(id, email, body): &(Uuid, String, ResetPassword)| {
        let (id, email, body) = (*id, email.clone(), body.clone());
        async move {
            let result = api::reset_password(id, body).await;
            if result.is_ok() {
                user.set(None);
                if let Some(t) = toasts {
                    t.success(format!(
                        "Password of {email} set. Their sessions have ended."
                    ));
                }
            }
            result
        }
    });
    let pending = set.pending();
    Effect::new(move || {
        let Some(el) = dialog.get() else { return };
        if user.with(Option::is_some) {
            password.set(String::new());
            submitted.set(false);
            set.clear();
            if !el.open() {
                let _ = el.show_modal();
            }
        } else if el.open() {
            el.close();
        }
    });
    let local = Signal::derive(move || {
        reasons([(
            "password",
            submitted
                .get()
                .then(|| Password::parse(&password.get()).err())
                .flatten(),
        )])
    });
    let failure = move || {
        set.value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    };
    let form = FormErrors::new(local, Signal::derive(failure));
    let email = move || user.with(|u| u.as_ref().map(|u| u.email.clone()).unwrap_or_default());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if pending.get_untracked() {
            return;
        }
        let target = user.get_untracked();
        if let (Some(target), Ok(password)) = (target, Password::parse(&password.get_untracked())) {
            set.dispatch((target.id, target.email, ResetPassword { password }));
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby="set-password-title"
            data-testid="set-password-dialog"
            on:close=move |_| user.set(None)
        >
            <form novalidate=true on:submit=on_submit>
                <h2 class="dialog-title" id="set-password-title">
                    {move || format!("Set the password of {}", email())}
                </h2>
                <p class="dialog-message">
                    {move || {
                        format!(
                            "{} is signed out everywhere and signs in with the new password. Tell them it yourself: Castboard sends no email.",
                            email(),
                        )
                    }}
                </p>
                {move || {
                    form.general()
                        .map(|e| {
                            view! {
                                <p class="dialog-error" role="alert" data-testid="set-password-dialog-error">
                                    {e.message()}
                                </p>
                            }
                        })
                }}
                <TextField
                    id="set-password"
                    label="New password"
                    input_type="password"
                    autocomplete="new-password"
                    value=password
                    error=form.field("password")
                    hint="At least 10 characters."
                    testid="set-password-input"
                />
                <div class="dialog-actions">
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="set-password-dialog-cancel"
                        disabled=move || pending.get()
                        on:click=move |_| user.set(None)
                    >
                        "Cancel"
                    </button>
                    <SubmitButton
                        pending
                        label="Set password"
                        busy_label="Setting…"
                        testid="set-password-dialog-confirm"
                    />
                </div>
            </form>
        </dialog>
    }
}

/// Adds a user: email, password (at least 10 characters), role.
#[component]
fn AddUserForm(rows: RwSignal<Vec<User>>) -> impl IntoView {
    let toasts = use_toasts();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::User);
    // Errors show for what has been typed, and for everything after a submit.
    let submitted = RwSignal::new(false);

    let create = Action::new_local(move |body: &CreateUser| {
        let body = body.clone();
        async move {
            let result = api::create_user(body).await;
            if let Ok(user) = &result {
                rows.update(|list| list.push(user.clone()));
                email.set(String::new());
                password.set(String::new());
                role.set(Role::User);
                submitted.set(false);
                if let Some(t) = toasts {
                    t.success(format!(
                        "User {} added as {}",
                        user.email,
                        user.role.label()
                    ));
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
    // A refusal belongs to what was sent: typing again clears it.
    Effect::new(move |_| {
        email.track();
        password.track();
        create.clear();
    });

    let errors = Memo::new(move |_| {
        new_user(&email.get(), &password.get(), role.get())
            .err()
            .unwrap_or_default()
    });
    let local = Signal::derive(move || {
        let shown = |value: RwSignal<String>| submitted.get() || !value.with(String::is_empty);
        reasons([
            (
                "email",
                shown(email)
                    .then(|| errors.with(|e| e.email.clone()))
                    .flatten(),
            ),
            (
                "password",
                shown(password)
                    .then(|| errors.with(|e| e.password.clone()))
                    .flatten(),
            ),
        ])
    });
    let form = FormErrors::new(local, Signal::derive(failure));
    let email_error = form.field("email");
    let password_error = form.field("password");
    let alert = move || {
        form.general()
            .map(|e| view! { <Alert message=e.message() testid="new-user-error" /> })
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if pending.get_untracked() {
            return;
        }
        if let Ok(body) = new_user(
            &email.get_untracked(),
            &password.get_untracked(),
            role.get_untracked(),
        ) {
            create.dispatch(body);
        }
    };

    view! {
        <form
            class="org-add-form"
            novalidate=true
            on:submit=on_submit
            aria-labelledby="add-user-heading"
            data-testid="add-user-form"
        >
            <h3 id="add-user-heading" class="org-form-title">
                "Add a user"
            </h3>
            <div class="alert-slot">{alert}</div>
            <div class="org-form-grid">
                <TextField
                    id="new-user-email"
                    label="Email"
                    input_type="email"
                    autocomplete="off"
                    value=email
                    error=email_error
                    testid="new-user-email"
                />
                <div class="org-field-with-hint">
                    <TextField
                        id="new-user-password"
                        label="Password"
                        input_type="password"
                        autocomplete="new-password"
                        value=password
                        error=password_error
                        testid="new-user-password"
                    />
                    <p class="hint">"At least 10 characters. Share it with them safely."</p>
                </div>
                <div class="field">
                    <label class="field-label" for="new-user-role">
                        "Role"
                    </label>
                    <RoleSelect
                        id="new-user-role".to_string()
                        role
                        on_pick=move |picked| role.set(picked)
                        disabled=pending
                        testid="new-user-role"
                    />
                </div>
                <div class="org-form-submit">
                    <SubmitButton pending label="Add user" busy_label="Adding…" testid="new-user-submit" />
                </div>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_user_needs_an_email_and_a_ten_character_password() {
        let body = new_user(" ann@example.com ", "0123456789", Role::ReadOnly).expect("valid");
        assert_eq!(body.email.as_str(), "ann@example.com");
        assert_eq!(body.password.as_str(), "0123456789");
        assert_eq!(body.role, Role::ReadOnly);

        assert_eq!(
            new_user("ann", "short", Role::User).err(),
            Some(NewUserErrors {
                email: Some("must be an email address such as name@example.com".into()),
                password: Some("must be at least 10 characters".into()),
            })
        );
        assert_eq!(
            new_user("ann@example.com", "123456789", Role::User).err(),
            Some(NewUserErrors {
                email: None,
                password: Some("must be at least 10 characters".into()),
            })
        );
        assert_eq!(
            new_user("", "0123456789", Role::Admin).err(),
            Some(NewUserErrors {
                email: Some("must not be empty".into()),
                password: None,
            })
        );
    }

    #[test]
    fn nobody_removes_themselves() {
        let me = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        assert!(!may_remove(Some(me), me));
        assert!(may_remove(Some(me), other));
        // An API key has no user row of its own.
        assert!(may_remove(None, me));
    }
}
