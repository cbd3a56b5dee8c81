//! Grey placeholders in the shape of the content being loaded.

use leptos::prelude::*;

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
