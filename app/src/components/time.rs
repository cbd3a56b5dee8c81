//! Timestamps as the product shows them: UTC, to the second, with the relative time
//! ("3 minutes ago") on hover and for screen readers in the `title`; where people scan
//! (the stream list, a stream's header) the relative time also stands beside it, kept
//! current by one clock for the whole page ([`provide_clock`]). The texts are
//! [`crate::format`]'s.

use crate::format::{relative, utc_date, utc_text};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use shared::Timestamp;
use std::time::Duration;

/// How often the relative times are written again.
const TICK: Duration = Duration::from_secs(30);

/// The page's clock for relative times.
#[derive(Clone, Copy)]
struct Clock(RwSignal<DateTime<Utc>>);

/// Starts the clock that [`UtcTimeAgo`]s below read (one for every page under it).
pub fn provide_clock() {
    let now = RwSignal::new(Utc::now());
    if let Ok(handle) = set_interval_with_handle(move || now.set(Utc::now()), TICK) {
        on_cleanup(move || handle.clear());
    }
    provide_context(Clock(now));
}

/// The UTC time and, beside it, how long ago it was ("3 minutes ago"), kept current.
#[component]
pub fn UtcTimeAgo(ts: Timestamp, #[prop(optional)] testid: Option<&'static str>) -> impl IntoView {
    let clock = use_context::<Clock>();
    // The clock ticks to redraw; the time itself is read when drawn, so that something
    // that happened since the last tick never reads as being in the future.
    let ago = move || {
        if let Some(clock) = clock {
            clock.0.track();
        }
        relative(Utc::now(), ts)
    };
    let time = match testid {
        Some(testid) => view! { <UtcTime ts testid /> }.into_any(),
        None => view! { <UtcTime ts /> }.into_any(),
    };
    view! {
        <span class="utc-time-ago">
            {time}
            <span class="ago" data-testid="ago">
                {ago}
            </span>
        </span>
    }
}

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
