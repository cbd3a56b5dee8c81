//! Grey placeholders in the shape of the content being loaded, and [`Delayed`], which
//! holds one back while the load is quick.

use leptos::prelude::*;
use std::time::Duration;

/// How long a load may take before its placeholder shows.
const PLACEHOLDER_DELAY: Duration = Duration::from_millis(150);

/// Its children after [`PLACEHOLDER_DELAY`], nothing before: a placeholder wrapped in it
/// does not show for a quick answer (a warm visit, an answer the browser had already
/// asked for), which then goes from nothing straight to the content instead of drawing
/// and laying out a placeholder replaced a frame or two later. A slow one still shows
/// it, a blink later.
#[component]
pub fn Delayed(children: ChildrenFn) -> impl IntoView {
    let shown = RwSignal::new(false);
    set_timeout(
        move || {
            // Gone already when the content came first.
            let _ = shown.try_set(true);
        },
        PLACEHOLDER_DELAY,
    );
    move || shown.get().then(|| children())
}

/// A card-shaped placeholder with a heading line and a few text lines.
#[component]
pub fn SkeletonCard(
    /// Number of text lines under the heading.
    #[prop(default = 3)]
    lines: usize,
) -> impl IntoView {
    view! {
        <div class="card skeleton-card" aria-hidden="true">
            <span class="skeleton skeleton-heading"></span>
            {(0..lines).map(|_| view! { <span class="skeleton skeleton-line"></span> }).collect_view()}
        </div>
    }
}

/// The page placeholder shown while the signed-in caller loads: a bare top bar and two cards.
#[component]
pub fn PageSkeleton() -> impl IntoView {
    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <span class="skeleton skeleton-brand" aria-hidden="true"></span>
                <span class="skeleton skeleton-user" aria-hidden="true"></span>
            </div>
        </header>
        <main class="page" aria-busy="true" data-testid="loading">
            <p class="visually-hidden" role="status">
                "Loading…"
            </p>
            <span class="skeleton skeleton-title" aria-hidden="true"></span>
            <div class="card-grid">
                <SkeletonCard lines=2 />
                <SkeletonCard lines=4 />
            </div>
        </main>
    }
}
