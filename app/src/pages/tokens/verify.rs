//! "Verify a token" (every role): a pasted token, optionally with the streamname, client
//! address and domain of a playback, goes to `POST /tokens/verify`; the answer reads
//! "Valid" or gives the reason in words, with the claims when the signature holds.

use super::claims::ClaimsView;
use super::focus_by_id;
use super::jwt::decode_jwt;
use crate::api::{self, ApiError};
use crate::components::alert::Alert;
use crate::components::form_field::TextField;
use crate::components::submit_button::SubmitButton;
use crate::form::token::{build_verify, key, shown_verify_errors, valid_sentence, VerifyInput};
use crate::form::{FieldErrors, FormErrors};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::model::{Verification, VerifyToken};

#[component]
pub fn VerifyForm() -> impl IntoView {
    let token = RwSignal::new(String::new());
    let stream = RwSignal::new(String::new());
    let ip = RwSignal::new(String::new());
    let domain = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);

    let input = Memo::new(move |_| VerifyInput {
        token: token.get(),
        stream: stream.get(),
        ip: ip.get(),
        domain: domain.get(),
    });
    let outcome = Memo::new(move |_| input.with(build_verify));

    let verify = Action::new_local(|request: &VerifyToken| {
        let request = request.clone();
        async move {
            let answer = api::verify_token(request.clone()).await;
            (request, answer)
        }
    });
    let pending = verify.pending();

    let local_errors = Memo::new(move |_| match outcome.get() {
        Ok(_) => FieldErrors::new(),
        Err(errors) => input.with(|i| shown_verify_errors(&errors, i, submitted.get())),
    });
    let refusal = Memo::new(move |_| {
        let current = outcome.with(|o| o.as_ref().ok().cloned());
        verify.value().with(|v| match v {
            Some((request, Err(e))) if Some(request) == current.as_ref() => Some(e.clone()),
            _ => None,
        })
    });
    let errors = FormErrors::new(local_errors, refusal);
    let error_for = move |k: &'static str| errors.field(k);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        submitted.set(true);
        match build_verify(&input.get_untracked()) {
            Ok(request) => {
                verify.dispatch(request);
            }
            Err(errors) => {
                let order = [
                    (key::TOKEN, "verify-token"),
                    (key::STREAM, "verify-stream"),
                    (key::IP, "verify-ip"),
                    (key::DOMAIN, "verify-domain"),
                ];
                if let Some((_, id)) = order.iter().find(|(k, _)| errors.contains_key(*k)) {
                    focus_by_id(id);
                }
            }
        }
    };

    let result = move || {
        verify.value().get().map(|(request, answer)| match answer {
            Ok(verification) => view! { <VerifyOutcome request verification /> }.into_any(),
            Err(e) => {
                let e: ApiError = e;
                view! { <Alert message=e.message() testid="verify-error" /> }.into_any()
            }
        })
    };

    view! {
        <section class="card token-card" aria-labelledby="verify-heading" data-testid="verify-card">
            <h2 class="card-title" id="verify-heading">
                "Verify a token"
            </h2>
            <p class="muted token-card-intro">
                "Checks a token the way a playback would: signature, revocation and time window, and when you give them, the stream, the player's address and the embedding domain."
            </p>
            <form class="form" novalidate=true on:submit=on_submit data-testid="verify-form">
                <TextField
                    id="verify-token"
                    label="Token"
                    value=token
                    error=error_for(key::TOKEN)
                    multiline=true
                    placeholder="eyJhbGciOiJFUzI1NiIs…"
                    testid="verify-token"
                />
                <TextField
                    id="verify-stream"
                    label="Streamname (optional)"
                    subject="Streamname"
                    value=stream
                    error=error_for(key::STREAM)
                    placeholder="Ab3De-x1y2z"
                    testid="verify-stream"
                />
                <div class="token-field-pair">
                    <TextField
                        id="verify-ip"
                        label="Client IP (optional)"
                        subject="Client IP"
                        value=ip
                        error=error_for(key::IP)
                        placeholder="203.0.113.7"
                        testid="verify-ip"
                    />
                    <TextField
                        id="verify-domain"
                        label="Domain (optional)"
                        subject="Domain"
                        value=domain
                        error=error_for(key::DOMAIN)
                        placeholder="www.example.com"
                        testid="verify-domain"
                    />
                </div>
                <div class="button-row">
                    <SubmitButton pending label="Verify" busy_label="Verifying…" testid="verify-submit" />
                </div>
            </form>
            <div class="token-verify-answer" aria-live="polite" aria-busy=move || if pending.get() { "true" } else { "false" }>
                {result}
            </div>
        </section>
    }
}

/// The server's answer: the verdict, why, and what the token says.
#[component]
fn VerifyOutcome(request: VerifyToken, verification: Verification) -> impl IntoView {
    let Verification {
        valid,
        reason,
        claims,
    } = verification;
    let (class, verdict, sentence) = if valid {
        (
            "token-verdict token-verdict-valid",
            "Valid",
            valid_sentence(&request),
        )
    } else {
        (
            "token-verdict token-verdict-invalid",
            "Not valid",
            reason
                .map(|r| r.describe().to_string())
                .unwrap_or_else(|| "The token is not valid.".to_string()),
        )
    };
    let header = decode_jwt(request.token.as_str()).map(|d| d.header);
    view! {
        <div class=class data-testid="verify-result" data-valid=if valid { "true" } else { "false" }>
            <p class="token-verdict-title" data-testid="verify-verdict">
                {verdict}
            </p>
            <p class="token-verdict-text" data-testid="verify-reason">
                {sentence}
            </p>
        </div>
        {claims
            .map(|claims| {
                view! {
                    <h3 class="token-subtitle">"What the token says"</h3>
                    {match header {
                        Some(header) => view! { <ClaimsView claims header testid="verify-claims" /> }.into_any(),
                        None => view! { <ClaimsView claims testid="verify-claims" /> }.into_any(),
                    }}
                }
            })}
    }
}
