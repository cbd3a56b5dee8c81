//! Every route of the dashboard in one place: the paths that links and redirects use,
//! and the table that maps paths to pages.
//!
//! Pages never spell a path themselves; they use the constants and helpers here, so a
//! route can move by editing this file alone. The `path!` literals in [`AppRoutes`] must
//! agree with the constants above them (Leptos needs literals there).

use crate::components::signed_in_layout::SignedInLayout;
use crate::pages::home::HomePage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::sign_in::SignInPage;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;

/// The dashboard's home page (needs a signed-in user).
pub const HOME: &str = "/";
/// The sign-in form; takes [`NEXT_PARAM`].
pub const SIGN_IN: &str = "/sign-in";
/// Query parameter of the sign-in page: where to go once signed in.
pub const NEXT_PARAM: &str = "next";

/// The route table. Pages that need a signed-in user are children of
/// [`SignedInLayout`], which loads the caller once and sends strangers to sign in.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFoundPage /> }>
            // SIGN_IN
            <Route path=path!("/sign-in") view=SignInPage />
            <ParentRoute path=path!("") view=SignedInLayout>
                // HOME
                <Route path=path!("") view=HomePage />
            </ParentRoute>
        </Routes>
    }
}

/// The sign-in page, asking it to come back to `current` (a path with its query) afterwards.
pub fn sign_in_then(current: &str) -> String {
    if current.is_empty() || current == HOME || !is_local_path(current) {
        return SIGN_IN.to_string();
    }
    format!("{SIGN_IN}?{NEXT_PARAM}={}", encode_query_value(current))
}

/// Where to go after signing in: the requested `next` when it is a path on this site,
/// else the home page. Anything else (`//evil.example`, `https://…`, `/\evil.example`)
/// would turn the sign-in page into an open redirect.
pub fn after_sign_in(next: Option<&str>) -> &str {
    match next {
        Some(next) if is_local_path(next) && !is_sign_in(next) => next,
        _ => HOME,
    }
}

/// A same-site absolute path: one leading `/`, and nothing a browser might read as the
/// start of another host (`//`, or `\`, which browsers treat like `/`).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

/// Coming back to the sign-in page after signing in would only loop.
fn is_sign_in(path: &str) -> bool {
    path == SIGN_IN
        || path
            .strip_prefix(SIGN_IN)
            .is_some_and(|rest| rest.starts_with(['?', '#', '/']))
}

/// Percent-encodes a query value; `/` stays readable (RFC 3986 allows it in a query).
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_then_keeps_the_path_and_query() {
        assert_eq!(sign_in_then("/"), "/sign-in");
        assert_eq!(sign_in_then("/streams"), "/sign-in?next=/streams");
        assert_eq!(
            sign_in_then("/streams?state=live&tag=a b"),
            "/sign-in?next=/streams%3Fstate%3Dlive%26tag%3Da%20b"
        );
        assert_eq!(sign_in_then("//evil.example"), "/sign-in");
    }

    #[test]
    fn after_sign_in_accepts_only_local_paths() {
        assert_eq!(after_sign_in(None), "/");
        assert_eq!(after_sign_in(Some("/streams?page=2")), "/streams?page=2");
        assert_eq!(after_sign_in(Some("")), "/");
        assert_eq!(after_sign_in(Some("streams")), "/");
        assert_eq!(after_sign_in(Some("//evil.example/x")), "/");
        assert_eq!(after_sign_in(Some("/\\evil.example")), "/");
        assert_eq!(after_sign_in(Some("https://evil.example")), "/");
        assert_eq!(after_sign_in(Some("/\t/evil.example")), "/");
        assert_eq!(after_sign_in(Some("/sign-in?next=/x")), "/");
        assert_eq!(after_sign_in(Some("/sign-inx")), "/sign-inx");
    }
}
