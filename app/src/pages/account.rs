//! `/account`: the signed-in user's own account — who they are, in which organisation
//! and with which role — and a form to change their password. The current password is
//! required; once changed, every other session of theirs ends (the server's rule) and
//! this one stays signed in.

use crate::api;
use crate::components::alert::Alert;
use crate::components::form_field::TextField;
use crate::components::submit_button::SubmitButton;
use crate::components::toast::use_toasts;
use crate::form::{reasons, FieldErrors, FormErrors};
use crate::session::use_me;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::model::ChangePassword;
use shared::validate::Password;

/// The request the form sends, or why a field is refused (keyed as the server keys
/// them, `repeat` being the form's own).
pub(crate) fn change_request(
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<ChangePassword, FieldErrors> {
    let new_password = Password::parse(new);
    let errors = reasons([
        (
            "current_password",
            current.is_empty().then(|| "must not be empty".to_string()),
        ),
        (
            "new_password",
            match &new_password {
                Err(why) => Some(why.clone()),
                Ok(_) if new == current => {
                    Some("must differ from the current password".to_string())
                }
                Ok(_) => None,
            },
        ),
        (
            "repeat",
            (repeat != new).then(|| "must match the new password".to_string()),
        ),
    ]);
    match new_password {
        Ok(new_password) if errors.is_empty() => Ok(ChangePassword {
            current_password: current.to_string(),
            new_password,
        }),
        _ => Err(errors),
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = use_me();
    let email = me
        .as_ref()
        .and_then(|m| m.user.as_ref().map(|u| u.email.clone()))
        .unwrap_or_default();
    let role = me
        .as_ref()
        .and_then(|m| m.role())
        .map(|r| r.label())
        .unwrap_or_default();
    let organisation = me
        .as_ref()
        .map(|m| m.organisation.name.to_string())
        .unwrap_or_default();
    view! {
        <div class="page-header">
            <h1 class="page-title">"Your account"</h1>
            <p class="muted">"Who you are signed in as, and your password."</p>
        </div>
        <div class="account-cards">
        <section class="card org-section" aria-labelledby="account-heading">
            <h2 class="card-title" id="account-heading">
                "Signed in as"
            </h2>
            <dl class="details">
                <div class="details-row">
                    <dt>"Email"</dt>
                    <dd data-testid="account-email">{email}</dd>
                </div>
                <div class="details-row">
                    <dt>"Role"</dt>
                    <dd data-testid="account-role">{role}</dd>
                </div>
                <div class="details-row">
                    <dt>"Organisation"</dt>
                    <dd data-testid="account-organisation">{organisation}</dd>
                </div>
            </dl>
        </section>
        <ChangePasswordForm />
        </div>
    }
}

/// Current password, new password twice.
#[component]
fn ChangePasswordForm() -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);

    let change = Action::new_local(move |body: &ChangePassword| {
        let body = body.clone();
        async move {
            let result = api::change_password(body).await;
            if result.is_ok() {
                current.set(String::new());
                new.set(String::new());
                repeat.set(String::new());
                submitted.set(false);
                if let Some(t) = toasts {
                    t.success("Password changed. Your other sessions have ended.");
                }
            }
            result
        }
    });
    let pending = change.pending();
    let failure = move || {
        change
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    };
    // A refusal is about what was sent: typing again clears it.
    Effect::new(move |_| {
        current.track();
        new.track();
        change.clear();
    });
    let local = Signal::derive(move || {
        if !submitted.get() {
            return FieldErrors::new();
        }
        change_request(&current.get(), &new.get(), &repeat.get())
            .err()
            .unwrap_or_default()
    });
    let form = FormErrors::new(local, Signal::derive(failure));
    let alert = move || {
        form.general()
            .map(|e| view! { <Alert message=e.message() testid="change-password-error" /> })
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if pending.get_untracked() {
            return;
        }
        let request = change_request(
            &current.get_untracked(),
            &new.get_untracked(),
            &repeat.get_untracked(),
        );
        if let Ok(body) = request {
            change.dispatch(body);
        }
    };

    view! {
        <section class="card org-section" aria-labelledby="password-heading">
            <h2 class="card-title" id="password-heading">
                "Change your password"
            </h2>
            <p class="muted">
                "At least 10 characters. Your other sessions end when it changes; this one stays signed in."
            </p>
            <form novalidate=true on:submit=on_submit data-testid="change-password-form">
                <div class="alert-slot">{alert}</div>
                <div class="org-form-grid">
                    <TextField
                        id="current-password"
                        label="Current password"
                        input_type="password"
                        autocomplete="current-password"
                        value=current
                        error=form.field("current_password")
                        testid="current-password"
                    />
                    <TextField
                        id="new-password"
                        label="New password"
                        input_type="password"
                        autocomplete="new-password"
                        value=new
                        error=form.field("new_password")
                        testid="new-password"
                    />
                    <TextField
                        id="repeat-password"
                        label="New password again"
                        subject="The repeated password"
                        input_type="password"
                        autocomplete="new-password"
                        value=repeat
                        error=form.field("repeat")
                        testid="repeat-password"
                    />
                    <div class="org-form-submit">
                        <SubmitButton
                            pending
                            label="Change password"
                            busy_label="Changing…"
                            testid="change-password-submit"
                        />
                    </div>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::change_request;

    #[test]
    fn a_change_needs_the_current_password_and_a_new_valid_different_one_twice() {
        let ok =
            change_request("old password!", "a new passphrase", "a new passphrase").expect("valid");
        assert_eq!(ok.current_password, "old password!");
        assert_eq!(ok.new_password.as_str(), "a new passphrase");

        let errors = change_request("", "short", "shor").expect_err("refused");
        let keyed: Vec<(&str, &str)> = errors
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            keyed,
            vec![
                ("current_password", "must not be empty"),
                ("new_password", "must be at least 10 characters"),
                ("repeat", "must match the new password"),
            ]
        );
        let same = change_request("same passphrase", "same passphrase", "same passphrase")
            .expect_err("refused");
        assert_eq!(
            same.get("new_password").map(String::as_str),
            Some("must differ from the current password")
        );
    }
}
