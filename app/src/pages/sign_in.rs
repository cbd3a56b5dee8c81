//! `/sign-in`: the email and password form that starts a session.
//!
//! The email is checked with `shared::validate::Email` before anything is sent; the
//! server's answer to a refused sign-in (wrong credentials, too many attempts) is shown
//! in an alert. On success the user goes to `?next=` when it is a path on this site.

use crate::api::{self, ApiError};
use crate::components::alert::Alert;
use crate::components::brand::Brand;
use crate::components::form_field::TextField;
use crate::components::submit_button::SubmitButton;
use crate::form::{reasons, FieldErrors, FormErrors};
use crate::paths;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use shared::model::LoginRequest;
use shared::validate::Email;

#[component]
pub fn SignInPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Errors appear after the first submit, then follow the typing.
    let submitted = RwSignal::new(false);

    let login = Action::new_local(|request: &LoginRequest| api::login(request.clone()));
    let pending = login.pending();
    let failure = move || login.value().get().and_then(Result::err);

    // A refusal comes only after a submit, so it needs no gate of its own.
    let local = Signal::derive(move || {
        if !submitted.get() {
            return FieldErrors::new();
        }
        reasons([
            ("email", Email::parse(&email.get()).err()),
            (
                "password",
                password
                    .with(String::is_empty)
                    .then(|| "must not be empty".to_string()),
            ),
        ])
    });
    let errors = FormErrors::new(local, Signal::derive(failure));
    let email_error = errors.field("email");
    let password_error = errors.field("password");

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if pending.get_untracked() {
            return;
        }
        let Ok(address) = Email::parse(&email.get_untracked()) else {
            return;
        };
        let secret = password.get_untracked();
        if secret.is_empty() {
            return;
        }
        login.dispatch(LoginRequest {
            email: address.into_inner(),
            password: secret,
        });
    };

    let query = use_query_map();
    let navigate = use_navigate();
    Effect::new(move || {
        let signed_in = login.value().with(|result| matches!(result, Some(Ok(_))));
        if signed_in {
            let next = query.with_untracked(|q| q.get(paths::NEXT_PARAM));
            navigate(
                paths::after_sign_in(next.as_deref()),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    // The alert shows the last refusal until a new attempt is under way.
    let alert = move || {
        if pending.get() {
            return None;
        }
        failure().map(|e: ApiError| view! { <Alert message=e.message() testid="sign-in-error" /> })
    };

    view! {
        <main class="auth-page">
            <div class="auth-panel">
                <div class="auth-brand">
                    <Brand large=true />
                </div>
                <section class="card auth-card" aria-labelledby="sign-in-heading">
                    <h1 id="sign-in-heading" class="auth-title">
                        "Sign in"
                    </h1>
                    <p class="muted auth-subtitle">"Manage your organisation's live streams."</p>
                    <div class="alert-slot">{alert}</div>
                    <form class="form" novalidate=true on:submit=on_submit data-testid="sign-in-form">
                        <TextField
                            id="email"
                            label="Email"
                            input_type="email"
                            autocomplete="email"
                            autofocus=true
                            value=email
                            error=email_error
                            testid="sign-in-email"
                        />
                        <TextField
                            id="password"
                            label="Password"
                            input_type="password"
                            autocomplete="current-password"
                            value=password
                            error=password_error
                            testid="sign-in-password"
                        />
                        <SubmitButton
                            pending
                            label="Sign in"
                            busy_label="Signing in…"
                            class="button button-primary button-block"
                            testid="sign-in-submit"
                        />
                    </form>
                </section>
                <p class="auth-footnote muted">
                    "Accounts are created by your organisation's admin."
                </p>
            </div>
        </main>
    }
}
