//! The product's mark and name, as shown in the top bar and on the sign-in page.

use crate::paths;
use leptos::prelude::*;

/// The logo (a play button inside a broadcast frame) and the word "Castboard", linking home.
#[component]
pub fn Brand(
    /// Larger variant for the sign-in and not-found pages.
    #[prop(optional)]
    large: bool,
) -> impl IntoView {
    view! {
        <a
            class="brand"
            class:brand-large=large
            href=paths::HOME
            aria-label="Castboard home"
            data-testid="brand"
        >
            <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
                <rect width="32" height="32" rx="8" class="brand-mark-bg" />
                <path d="M12 10.5v11l9-5.5z" class="brand-mark-fg" />
                <path
                    d="M7.5 11a10 10 0 0 0 0 10M24.5 11a10 10 0 0 1 0 10"
                    fill="none"
                    class="brand-mark-waves"
                    stroke-width="2"
                    stroke-linecap="round"
                />
            </svg>
            <span class="brand-name">"Castboard"</span>
        </a>
    }
}
