//! The route table: which page answers which path. The `path!` literals must agree with
//! the constants and helpers of [`crate::paths`] (Leptos needs literals here); the comment
//! above each route names them.
//!
//! Layer: the top of the app. It imports every page and the signed-in layout; nothing
//! imports it but [`crate::App`].

use crate::components::signed_in_layout::SignedInLayout;
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
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;

/// The route table. Pages that need a signed-in user are children of
/// [`SignedInLayout`], which loads the caller once and sends strangers to sign in. The
/// standalone generator needs a session too but draws no shell around itself.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFoundPage /> }>
            // SIGN_IN
            <Route path=path!("/sign-in") view=SignInPage />
            // generator_path
            <Route path=path!("/generator/:id") view=GeneratorPage />
            <ParentRoute path=path!("") view=SignedInLayout>
                // HOME
                <Route path=path!("") view=HomePage />
                // STREAMS
                <Route path=path!("/streams") view=StreamListPage />
                // CREATE_STREAM
                <Route path=path!("/streams/new") view=CreateStreamPage />
                // stream_path, stream_tab_path
                <Route path=path!("/streams/:id") view=StreamOverviewPage />
                // instructions_path
                <Route path=path!("/streams/:id/instructions") view=InstructionsPage />
                // TOKENS
                <Route path=path!("/tokens") view=TokensPage />
                // ORGANISATION
                <Route path=path!("/organisation") view=OrganisationPage />
                // ACCOUNT
                <Route path=path!("/account") view=AccountPage />
            </ParentRoute>
        </Routes>
    }
}
