//! Castboard's browser dashboard: a client-side rendered Leptos app, built by Trunk into
//! `dist/` and served by the Castboard server from the same origin as the API.
//!
//! A tour of the modules, from the top floor down; each imports only from the floors
//! below it, so the modules form no circle:
//! - [`router`]: the route table, the one module that imports every page;
//! - [`pages`]: one routed page per file, with the parts only pages use (the stream's
//!   Live Processing and Code Snippets tabs);
//! - [`components`]: reusable pieces (top bar with search and navigation, badges, copy
//!   buttons, dialogs, toasts, tag input, skeletons, form fields, the signed-in layout
//!   that loads the caller once for every page below it);
//! - the ground floor: [`api`], the typed client of `/api/v1`, the only place that knows
//!   URLs; [`paths`], every dashboard path; [`session`], the signed-in caller;
//!   [`first_requests`], what the first page needs, asked as the app starts;
//!   [`format`], how sizes, lengths and times read; [`events`], the live events;
//!   [`form`], the field errors every form shows, and the playback-token forms' rules.
//!
//! Wire types come from the `shared` crate; the app never redefines them. Views use CSS
//! classes only (no `style` attributes): the server's Content-Security-Policy allows
//! styles from `'self'` files alone.

pub mod api;
pub mod components;
pub mod events;
pub mod first_requests;
pub mod form;
pub mod format;
pub mod pages;
pub mod paths;
pub mod router;
pub mod session;

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
                <router::AppRoutes />
            </Router>
        </ToastHost>
    }
}
