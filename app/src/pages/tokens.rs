//! `/tokens`: the token console (X3) of organisations with secure playback.
//!
//! Admins and users issue playback tokens (the token text is shown once, with its decoded
//! header and claims); everyone sees the issued tokens' metadata and verifies pasted
//! tokens; admins revoke revocable ones. Without the `secure` package the page only says
//! that an upgrade is needed. Rules come from `shared` (see [`form`]); the server has
//! the last word and its field reasons are shown next to the fields.

// The decoded view, the wording and the decoding are the stream overview's too.
pub(crate) mod claims;
pub(crate) mod describe;

mod issue;
pub(crate) mod jwt;
mod list;
mod verify;

use crate::components::alert::{Alert, AlertKind};
use crate::components::copy_button::CopyField;
use crate::components::notice::UpgradeNeeded;
use crate::components::time::UtcTime;
use crate::session::use_me;
use claims::ClaimsView;
use issue::IssueForm;
use jwt::decode_jwt;
use leptos::html;
use leptos::prelude::*;
use list::TokenList;
use shared::model::{Feature, IssuedToken, Me};
use verify::VerifyForm;
use wasm_bindgen::JsCast;

/// The page heading's id: focus returns there when the issued token is dismissed.
const HEADING_ID: &str = "tokens-heading";

#[component]
pub fn TokensPage() -> impl IntoView {
    let me = use_me();
    let body = match me {
        Some(me) if me.organisation.features.secure => view! { <Console me /> }.into_any(),
        Some(_) => view! { <UpgradeNeeded feature=Feature::Secure /> }.into_any(),
        // The signed-in layout renders pages only once the caller is known.
        None => ().into_any(),
    };
    view! {
        <div class="page-header">
            <h1 class="page-title" id=HEADING_ID tabindex="-1">
                "Playback tokens"
            </h1>
            <p class="muted">"Signed tokens (JWT) that let players play your secured streams."</p>
        </div>
        {body}
    }
}

/// Everything the page holds for an organisation with `secure`.
#[component]
fn Console(me: Me) -> impl IntoView {
    let issued = RwSignal::new(None::<IssuedToken>);
    let page = RwSignal::new(1u64);
    let version = RwSignal::new(0u32);
    let issue_card = if me.can_write() {
        view! { <IssueForm issued page version /> }.into_any()
    } else {
        let role = me.role().map_or("your role", |r| r.label());
        view! {
            <section class="card token-card" aria-labelledby="issue-heading" data-testid="issue-not-allowed">
                <h2 class="card-title" id="issue-heading">
                    "Issue a token"
                </h2>
                <p class="muted">
                    {format!(
                        "Your role ({role}) can see the issued tokens and verify a token, but issuing and revoking tokens needs the user or admin role. Ask an admin of your organisation if you need one.",
                    )}
                </p>
            </section>
        }
        .into_any()
    };
    view! {
        {move || issued.get().map(|token| view! { <IssuedPanel token issued /> })}
        <div class="card-grid token-forms">
            {issue_card}
            <VerifyForm />
        </div>
        <TokenList page version admin=me.is_admin() />
    }
}

/// The token just issued, shown this once: its text to copy and what it says.
#[component]
fn IssuedPanel(token: IssuedToken, issued: RwSignal<Option<IssuedToken>>) -> impl IntoView {
    let panel = NodeRef::<html::Section>::new();
    // Keyboard and screen-reader users land on the new token.
    Effect::new(move || {
        if let Some(el) = panel.get() {
            let _ = el.focus();
        }
    });
    let IssuedToken {
        id,
        token,
        claims,
        not_before,
        expires_at,
    } = token;
    let header = decode_jwt(&token).map(|d| d.header);
    let decoded = match header {
        Some(header) => view! { <ClaimsView claims header testid="issued-claims" /> }.into_any(),
        None => view! { <ClaimsView claims testid="issued-claims" /> }.into_any(),
    };
    view! {
        <section
            node_ref=panel
            class="card token-issued"
            tabindex="-1"
            aria-labelledby="issued-heading"
            data-testid="issued-token"
            data-token-id=id.to_string()
        >
            <div class="token-issued-head">
                <h2 class="card-title" id="issued-heading">
                    "Token issued"
                </h2>
                <button
                    type="button"
                    class="button button-secondary button-small"
                    data-testid="issued-dismiss"
                    on:click=move |_| {
                        issued.set(None);
                        focus_by_id(HEADING_ID);
                    }
                >
                    "Dismiss"
                </button>
            </div>
            <Alert
                kind=AlertKind::Info
                message="Copy the token now: it is shown only this once. Castboard keeps what it says, never the token itself."
                testid="issued-once"
            />
            <CopyField label="Token" value=token multiline=true testid="issued-token-value" />
            <p class="token-window" data-testid="issued-window">
                "Valid from " <UtcTime ts=not_before /> " until " <UtcTime ts=expires_at /> "."
            </p>
            <h3 class="token-subtitle">"Decoded"</h3>
            {decoded}
        </section>
    }
}

/// Moves keyboard focus to the element with `id`, if there is one.
fn focus_by_id(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
