//! The decoded view of a token: its header (algorithm, key id) and every claim, each
//! with its JWT name and what it means; times in UTC with the relative time next to them.
//! And a token's status as a badge. The stream overview's Secure playback card shows its
//! token with both.

use super::describe::{claim_rows, ClaimValue, TokenStatus};
use super::jwt::JwtHeader;
use crate::components::time::UtcTime;
use crate::format::relative;
use chrono::Utc;
use leptos::prelude::*;
use shared::model::TokenClaims;
use shared::Timestamp;

/// A token's header and claims as a details list. Rows carry `data-testid`
/// `header-<name>` / `claim-<name>` on their values.
#[component]
pub fn ClaimsView(
    claims: TokenClaims,
    /// The decoded header, when the token text is at hand.
    #[prop(optional)]
    header: Option<JwtHeader>,
    testid: &'static str,
) -> impl IntoView {
    let now = Utc::now();
    let header_rows = header.map(|h| {
        [
            ("alg", "signature algorithm", Some(h.alg)),
            ("typ", "type", h.typ),
            ("kid", "signing key", h.kid),
        ]
        .into_iter()
        .filter_map(|(name, meaning, value)| {
            value.map(|v| {
                row(
                    "header",
                    name,
                    meaning,
                    view! { <code class="mono">{v}</code> }.into_any(),
                )
            })
        })
        .collect_view()
    });
    let claim_rows = claim_rows(&claims)
        .into_iter()
        .map(|r| {
            let value = match r.value {
                ClaimValue::Text(text) => {
                    view! { <span class="token-claim-text">{text}</span> }.into_any()
                }
                ClaimValue::Time(secs) => match Timestamp::from_millis(secs.saturating_mul(1000)) {
                    Some(ts) => view! {
                        <UtcTime ts />
                        <span class="hint">{format!("{} · {secs}", relative(now, ts))}</span>
                    }
                    .into_any(),
                    None => view! { <span>{secs}</span> }.into_any(),
                },
            };
            row("claim", r.name, r.meaning, value)
        })
        .collect_view();
    view! {
        <dl class="details token-claims" data-testid=testid>
            {header_rows}
            {claim_rows}
        </dl>
    }
}

/// One `dt`/`dd` pair: the JWT name and its meaning, then the value.
fn row(
    part: &'static str,
    name: &'static str,
    meaning: &'static str,
    value: AnyView,
) -> impl IntoView {
    view! {
        <div class="details-row">
            <dt>
                <code class="token-claim-name">{name}</code>
                " "
                <span class="token-claim-meaning">{meaning}</span>
            </dt>
            <dd data-testid=format!("{part}-{name}")>{value}</dd>
        </div>
    }
}

/// Where an issued token stands, as a badge: `data-status` is [`TokenStatus::key`]; a
/// revocation reads with its time.
#[component]
pub fn StatusBadge(status: TokenStatus, testid: &'static str) -> impl IntoView {
    let text = match status {
        TokenStatus::Revoked(at) => view! { "Revoked at " <UtcTime ts=at /> }.into_any(),
        other => other.label().into_any(),
    };
    view! {
        <span
            class=format!("badge token-status token-status-{}", status.key())
            data-testid=testid
            data-status=status.key()
        >
            {text}
        </span>
    }
}
