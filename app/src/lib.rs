//! Castboard's browser dashboard: a client-side rendered Leptos app, built by Trunk into
//! `dist/` and served by the Castboard server from the same origin as the API.
//!
//! A tour of the modules:
//! - [`api`]: the typed client of `/api/v1`, the only place that knows URLs;
//! - [`token_form`]: the playback-token forms' rules (issue, verify), used by the token
//!   console and the snippet generator alike;
//! - [`format`]: how recorded files' sizes and lengths read, the same everywhere;
//! - [`routes`]: every route path and the route table;
//! - [`pages`]: one routed page per file;
//! - [`components`]: reusable pieces (top bar with search and navigation, badges, copy
//!   buttons, dialogs, toasts, tag input, skeletons, the signed-in layout that loads the
//!   caller once for every page below it).
//!
//! Wire types come from the `shared` crate; the app never redefines them. Views use CSS
//! classes only (no `style` attributes): the server's Content-Security-Policy allows
//! styles from `'self'` files alone.

pub mod api;
pub mod components;
pub mod events;
pub mod format;
pub mod pages;
pub mod routes;
pub mod token_form;

use components::toast::ToastHost;
use leptos::prelude::*;
use leptos_router::components::Router;

/// The whole app: the router around the route table. Contexts that every page needs go
/// here; the signed-in caller is provided by
/// [`SignedInLayout`](components::signed_in_layout::SignedInLayout) for the pages below it.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <ToastHost>
            <Router>
                <routes::AppRoutes />
            </Router>
        </ToastHost>
    }
}
