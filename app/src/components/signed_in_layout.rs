//! The frame of every page that needs a signed-in user: it loads the caller (`GET /me`)
//! once, shows the top bar, and renders the matched child page below it. On a visit's
//! first page it also waits a moment (at most [`FIRST_PAGE_WAIT`]) for that page's own
//! first requests, asked as the app started ([`FirstRequests`]), so the page is drawn
//! with its content rather than with a placeholder first.
//!
//! A "Skip to content" link comes first, for keyboards. Strangers (401) are sent to the sign-in page with `next` set to where they were going;
//! any other failure is shown with a Retry button. Child pages read the caller through
//! [`crate::session`] and never fetch it again.

use crate::components::brand::Brand;
use crate::components::error_state::ErrorState;
use crate::components::skeleton::{Delayed, PageSkeleton};
use crate::components::top_bar::TopBar;
use crate::first_requests::FirstRequests;
use crate::paths;
use crate::session::CurrentSession;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use std::time::Duration;

/// How long the layout waits, once `/me` has answered, for the first page's own first
/// requests ([`FirstRequests`]) before drawing: an answer within it is drawn with the
/// page in one pass; a slower one shows the page with its placeholder, which appears
/// after the same delay ([`Delayed`]).
const FIRST_PAGE_WAIT: Duration = Duration::from_millis(150);

#[component]
pub fn SignedInLayout() -> impl IntoView {
    let CurrentSession { me } = CurrentSession::provide();
    let first_requests = FirstRequests::get();
    // One clock for the relative times of every page ("3 minutes ago").
    crate::components::time::provide_clock();

    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move || {
        let unauthorized = me.with(|loaded| matches!(loaded, Some(Err(e)) if e.is_unauthorized()));
        if unauthorized {
            let mut here = location.pathname.get_untracked();
            let search = location.search.get_untracked();
            if !search.is_empty() {
                here.push('?');
                here.push_str(&search);
            }
            navigate(
                &paths::sign_in_then(&here),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    // After a page change the focus moves to the new page's heading (else the page), as
    // a screen reader expects; a change of the query alone (filters, tabs) keeps it.
    Effect::new(move |before: Option<String>| {
        let path = location.pathname.get();
        if before.is_some_and(|b| b != path) {
            request_animation_frame(focus_page_heading);
        }
        path
    });
    let failed = move |errors: ArcRwSignal<Errors>| {
        let message = Signal::derive(move || {
            errors.with(|errors| {
                errors
                    .iter()
                    .next()
                    .map(|(_, error)| error.to_string())
                    .unwrap_or_default()
            })
        });
        view! {
            <header class="topbar">
                <div class="topbar-inner">
                    <Brand />
                </div>
            </header>
            <main class="page">
                <ErrorState
                    title="Your account could not be loaded"
                    message
                    on_retry=move || me.refetch()
                />
            </main>
        }
    };

    view! {
        <div class="app-shell">
            <Suspense fallback=|| {
                view! {
                    <Delayed>
                        <PageSkeleton />
                    </Delayed>
                }
            }>
                <ErrorBoundary fallback=failed>
                    {move || {
                        let first_page = first_requests
                            .as_ref()
                            .map(|first| first.settled_within(FIRST_PAGE_WAIT));
                        Suspend::new(async move {
                            match me.await {
                                Ok(me) => {
                                    if let Some(first_page) = first_page {
                                        first_page.await;
                                    }
                                    Ok(
                                        Either::Left(
                                            view! {
                                                <SkipLink />
                                                <TopBar me />
                                                // Focusable from script only: the skip link
                                                // moves the focus here.
                                                <main class="page" id="main" tabindex="-1">
                                                    <Outlet />
                                                </main>
                                            },
                                        ),
                                    )
                                }
                                // The effect above is already on its way to the sign-in page.
                                Err(e) if e.is_unauthorized() => {
                                    Ok(
                                        Either::Right(
                                            view! {
                                                <main class="page" data-testid="redirecting">
                                                    <p class="muted">"Taking you to sign in…"</p>
                                                </main>
                                            },
                                        ),
                                    )
                                }
                                Err(e) => Err(e),
                            }
                        })
                    }}
                </ErrorBoundary>
            </Suspense>
        </div>
    }
}

/// Moves the focus into the new page: to its heading once drawn (made focusable from
/// script), else the page itself. Tried at once and again shortly after, since the new
/// page may replace what was focused while it loads; a focus the user already moved into
/// the page is left alone.
fn focus_page_heading() {
    fn focus_now() {
        use wasm_bindgen::JsCast;
        let doc = document();
        let idle = doc.active_element().is_none_or(|a| {
            a.tag_name() == "BODY" || a.id() == "main" || a.closest("main").ok().flatten().is_none()
        });
        if !idle {
            return;
        }
        let target = doc
            .query_selector("main#main h1")
            .ok()
            .flatten()
            .or_else(|| doc.get_element_by_id("main"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = target {
            if !el.has_attribute("tabindex") {
                let _ = el.set_attribute("tabindex", "-1");
            }
            let _ = el.focus();
        }
    }
    focus_now();
    set_timeout(focus_now, std::time::Duration::from_millis(300));
}

/// The first thing a keyboard reaches on every signed-in page: past the top bar's
/// navigation to the page itself. Hidden until focused.
#[component]
fn SkipLink() -> impl IntoView {
    view! {
        <a
            class="skip-link"
            href="#main"
            data-testid="skip-link"
            // Handled here rather than by the router, which would take `#main` for a
            // navigation: the focus moves into the page, as the link says.
            on:click=|ev| {
                ev.prevent_default();
                let main = document().get_element_by_id("main");
                if let Some(main) = main.and_then(|m| {
                    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(m).ok()
                }) {
                    let _ = main.focus();
                }
            }
        >
            "Skip to content"
        </a>
    }
}
