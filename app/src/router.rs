//! The route table: which page answers which path. The `path!` literals must agree with
//! the constants and helpers of [`crate::paths`] (Leptos needs literals here); the comment
//! above each route names them.
//!
//! Layer: the top of the app. It imports every page and the signed-in layout; nothing
//! imports it but [`crate::App`].

use crate::components::error_state::ErrorState;
use crate::components::signed_in_layout::SignedInLayout;
use crate::first_requests::FirstRequests;
use crate::pages::account::AccountPage;
use crate::pages::create_stream::CreateStreamPage;
use crate::pages::generator::GeneratorPage;
use crate::pages::home::HomePage;
use crate::pages::instructions::InstructionsPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::organisation::OrganisationPage;
use crate::pages::sign_in::SignInPage;
use crate::pages::stream_list::StreamListPage;
use crate::pages::stream_overview::StreamOverviewPage;
use crate::pages::tokens::TokensPage;
use crate::paths;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::{path, Lazy, LazyRoute};

/// A page whose code is not part of the first download: the release build splits the
/// wasm module at each of these (scripts/build-wasm.sh), and the router fetches a page's
/// part when it is first opened, keeping the current page until it has arrived. The
/// first screens (sign in, home, the stream list) stay in the main module, so a cold
/// visit of the list downloads only what it draws; [`prefetch_deferred_pages`] fetches
/// the rest once the first screen is up, so the next click does not wait for it.
///
/// `$part` names the split-off part (and the function that draws the page from it),
/// `$load` the function that only fetches it. A part that cannot be fetched (the network
/// failed, or a new release replaced the files) shows [`PageNotLoaded`] instead of
/// stopping the app, and is fetched again the next time the page opens.
macro_rules! deferred_page {
    ($route:ident, $page:ident, $part:ident, $load:ident) => {
        struct $route;

        #[wasm_split($part, wasm_split_path = ::leptos::wasm_split, fallible, preload($load))]
        fn $part() -> Result<AnyView, SplitLoaderError> {
            Ok(view! { <$page /> }.into_any())
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $part()
                    .await
                    .unwrap_or_else(|_| view! { <PageNotLoaded /> }.into_any())
            }

            async fn preload() {
                // A failure here is retried when the page is opened.
                let _ = $load().await;
            }
        }
    };
}

deferred_page!(
    GeneratorRoute,
    GeneratorPage,
    page_generator,
    load_page_generator
);
deferred_page!(
    CreateStreamRoute,
    CreateStreamPage,
    page_create_stream,
    load_page_create_stream
);
deferred_page!(
    StreamOverviewRoute,
    StreamOverviewPage,
    page_stream_overview,
    load_page_stream_overview
);
deferred_page!(
    InstructionsRoute,
    InstructionsPage,
    page_instructions,
    load_page_instructions
);
deferred_page!(TokensRoute, TokensPage, page_tokens, load_page_tokens);
deferred_page!(
    OrganisationRoute,
    OrganisationPage,
    page_organisation,
    load_page_organisation
);
deferred_page!(AccountRoute, AccountPage, page_account, load_page_account);

/// How long after the app starts the deferred pages are fetched: after the first
/// screen's own requests on an ordinary connection (its first rows come within a
/// second at 10 Mbit/s), so the two do not share the line.
const PREFETCH_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Fetches every deferred page's part in the background, one after the other, the most
/// likely next click first (a stream's page from the list), once the browser is idle.
fn prefetch_deferred_pages() {
    set_timeout(
        || {
            request_idle_callback(|| {
                leptos::task::spawn_local(async {
                    StreamOverviewRoute::preload().await;
                    CreateStreamRoute::preload().await;
                    InstructionsRoute::preload().await;
                    TokensRoute::preload().await;
                    OrganisationRoute::preload().await;
                    AccountRoute::preload().await;
                    GeneratorRoute::preload().await;
                });
            })
        },
        PREFETCH_AFTER,
    );
}

/// In place of a page whose code could not be fetched.
#[component]
fn PageNotLoaded() -> impl IntoView {
    view! {
        <ErrorState
            title="This page could not be loaded"
            message="Part of the dashboard did not arrive: the connection failed, or a new version was installed meanwhile. Retrying reloads the page and fetches it again."
                .to_string()
            on_retry=move || {
                let _ = window().location().reload();
            }
        />
    }
}

/// The route table. Pages that need a signed-in user are children of
/// [`SignedInLayout`], which loads the caller once and sends strangers to sign in. The
/// standalone generator needs a session too but draws no shell around itself. What the
/// first page needs is asked at once ([`FirstRequests`]), beside the layout's `/me`.
#[component]
pub fn AppRoutes() -> impl IntoView {
    let location = use_location();
    let first_path = location.pathname.get_untracked();
    let first_requests = FirstRequests::start(&first_path, || {
        paths::list_view(&use_query_map().get_untracked())
    });
    Effect::new(move || {
        if location.pathname.get() != first_path {
            first_requests.expire();
        }
    });
    prefetch_deferred_pages();
    view! {
        <Routes fallback=|| view! { <NotFoundPage /> }>
            // SIGN_IN
            <Route path=path!("/sign-in") view=SignInPage />
            // generator_path
            <Route path=path!("/generator/:id") view={Lazy::<GeneratorRoute>::new()} />
            <ParentRoute path=path!("") view=SignedInLayout>
                // HOME
                <Route path=path!("") view=HomePage />
                // STREAMS
                <Route path=path!("/streams") view=StreamListPage />
                // CREATE_STREAM
                <Route path=path!("/streams/new") view={Lazy::<CreateStreamRoute>::new()} />
                // stream_path, stream_tab_path
                <Route path=path!("/streams/:id") view={Lazy::<StreamOverviewRoute>::new()} />
                // instructions_path
                <Route path=path!("/streams/:id/instructions") view={Lazy::<InstructionsRoute>::new()} />
                // TOKENS
                <Route path=path!("/tokens") view={Lazy::<TokensRoute>::new()} />
                // ORGANISATION
                <Route path=path!("/organisation") view={Lazy::<OrganisationRoute>::new()} />
                // ACCOUNT
                <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} />
            </ParentRoute>
        </Routes>
    }
}
