//! The frame of every page that needs a signed-in user: it loads the caller (`GET /me`)
//! once, shows the top bar, and renders the matched child page below it.
//!
//! Strangers (401) are sent to the sign-in page with `next` set to where they were going;
//! any other failure is shown with a Retry button. Child pages read the caller through
//! [`CurrentSession`] and never fetch it again.

use crate::api::{self, ApiError};
use crate::components::brand::Brand;
use crate::components::error_state::ErrorState;
use crate::components::skeleton::PageSkeleton;
use crate::components::top_bar::TopBar;
use crate::routes;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use shared::model::Me;

/// The signed-in caller, provided to every page under [`SignedInLayout`].
#[derive(Clone, Copy)]
pub struct CurrentSession {
    /// `GET /me`, loaded once per visit to the signed-in area.
    pub me: LocalResource<Result<Me, ApiError>>,
}

impl CurrentSession {
    /// The session context; `None` outside [`SignedInLayout`].
    pub fn get() -> Option<Self> {
        use_context()
    }
}

/// The signed-in caller, for pages under [`SignedInLayout`]: the layout renders them only
/// once `GET /me` has answered, so this is `Some` there (and `None` anywhere else).
pub fn use_me() -> Option<Me> {
    CurrentSession::get()
        .and_then(|s| s.me.get_untracked())
        .and_then(Result::ok)
}

/// Whether the caller may change streams, tags, profiles and create tokens.
pub fn can_write(me: &Me) -> bool {
    me.role().is_some_and(|r| r.can_write())
}

/// Whether the caller is an admin (lock, unlock, delete, users, keys, revoke).
pub fn is_admin(me: &Me) -> bool {
    me.role().is_some_and(|r| r.is_admin())
}

#[component]
pub fn SignedInLayout() -> impl IntoView {
    let me = LocalResource::new(api::me);
    provide_context(CurrentSession { me });

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
                &routes::sign_in_then(&here),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
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
            <Suspense fallback=PageSkeleton>
                <ErrorBoundary fallback=failed>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(me) => {
                                Ok(
                                    Either::Left(
                                        view! {
                                            <TopBar me />
                                            <main class="page" id="main">
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
                    })}
                </ErrorBoundary>
            </Suspense>
        </div>
    }
}
