//! The bar at the top of every signed-in page: the product, the stream search (S1), the
//! navigation, who is signed in with their role, sign out.

use crate::api::{self, ApiError};
use crate::components::brand::Brand;
use crate::components::icon::{Icon, IconName};
use crate::components::search::StreamSearch;
use crate::paths;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use shared::model::Me;

/// The top bar for a loaded caller.
#[component]
pub fn TopBar(me: Me) -> impl IntoView {
    // A browser session always has a user; an API key shows its name (for completeness).
    let who = me
        .user
        .as_ref()
        .map(|u| u.email.clone())
        .or_else(|| me.api_key.as_ref().map(|k| k.name.clone()))
        .unwrap_or_default();
    let account_title = format!("{who}: your account");
    let role = me.role().map(|r| r.label());
    let writer = me.can_write();
    let location = use_location();
    // On a phone the navigation is a menu behind a button; it closes on every page change.
    let menu_open = RwSignal::new(false);
    Effect::new(move || {
        location.pathname.track();
        menu_open.set(false);
    });
    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <Brand />
                <StreamSearch />
                <div class="topbar-user">
                    <span class="topbar-identity">
                        // Your account: who you are, your password.
                        <A
                            href=paths::ACCOUNT
                            attr:class="topbar-email"
                            attr:data-testid="topbar-email"
                            attr:title=account_title
                        >
                            {who.clone()}
                        </A>
                        {role
                            .map(|label| {
                                view! {
                                    <span class="badge badge-role" data-testid="topbar-role">
                                        {label}
                                    </span>
                                }
                            })}
                    </span>
                    <SignOutButton />
                </div>
            </div>
            <nav class="nav" aria-label="Main">
                <button
                    type="button"
                    class="nav-toggle"
                    aria-controls="nav-links"
                    aria-expanded=move || if menu_open.get() { "true" } else { "false" }
                    data-testid="nav-toggle"
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    <Icon name=IconName::Menu />
                    "Menu"
                </button>
                <div class="nav-inner" id="nav-links" class:nav-open=move || menu_open.get()>
                    <A href=paths::HOME exact=true attr:class="nav-link" attr:data-testid="nav-home">
                        "Home"
                    </A>
                    // Marked on every stream's pages too, not on the list alone.
                    <a
                        href=paths::STREAMS
                        class="nav-link"
                        data-testid="nav-streams"
                        aria-current=move || {
                            location.pathname.with(|p| paths::in_streams_section(p)).then_some("page")
                        }
                    >
                        "Streams"
                    </a>
                    {writer
                        .then(|| {
                            view! {
                                <A
                                    href=paths::CREATE_STREAM
                                    attr:class="nav-link"
                                    attr:data-testid="nav-create"
                                >
                                    "Create stream"
                                </A>
                            }
                        })}
                    <A href=paths::TOKENS attr:class="nav-link" attr:data-testid="nav-tokens">
                        "Tokens"
                    </A>
                    <A href=paths::ORGANISATION attr:class="nav-link" attr:data-testid="nav-organisation">
                        "Organisation"
                    </A>
                </div>
            </nav>
        </header>
    }
}

/// Ends the session, then goes to the sign-in page. A session that had already ended
/// (401) counts as signed out; any other failure is shown and the user stays.
#[component]
fn SignOutButton() -> impl IntoView {
    let sign_out = Action::new_local(|_: &()| api::logout());
    let pending = sign_out.pending();
    let navigate = use_navigate();
    Effect::new(move || {
        let signed_out = sign_out.value().with(|result| match result {
            Some(Ok(())) => true,
            Some(Err(e)) => e.is_unauthorized(),
            None => false,
        });
        if signed_out {
            navigate(
                paths::SIGN_IN,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let failure = move || {
        sign_out
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e: &ApiError| !e.is_unauthorized())
            .map(|e| e.message())
    };
    view! {
        <button
            type="button"
            class="button button-secondary button-small"
            data-testid="sign-out"
            disabled=move || pending.get()
            on:click=move |_| {
                sign_out.dispatch(());
            }
        >
            {move || if pending.get() { "Signing out…" } else { "Sign out" }}
        </button>
        {move || {
            failure()
                .map(|message| {
                    view! {
                        <p class="topbar-error" role="alert" data-testid="sign-out-error">
                            {message}
                        </p>
                    }
                })
        }}
    }
}
