//! Timestamps as the product shows them: UTC, to the second, with the relative time
//! ("3 minutes ago") on hover and for screen readers in the `title`. The texts are
//! [`crate::format`]'s.

use crate::format::{relative, utc_date, utc_text};
use chrono::Utc;
use leptos::prelude::*;
use shared::Timestamp;

/// A `<time>` element: UTC text, relative time in the tooltip.
#[component]
pub fn UtcTime(
    ts: Timestamp,
    /// Only the date (`2026-11-25`).
    #[prop(optional)]
    date_only: bool,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let text = if date_only {
        utc_date(ts)
    } else {
        utc_text(ts)
    };
    view! {
        <time
            class="utc-time"
            datetime=ts.to_string()
            title=relative(Utc::now(), ts)
            data-testid=testid
        >
            {text}
        </time>
    }
}
