//! `/generator/:id`: the snippet generator of one stream on its own (C4), without the
//! dashboard's top bar or navigation, made to be put into an iframe of another page of
//! the same site.
//!
//! It lives outside the signed-in layout, so it loads the caller (`GET /me`) itself,
//! and only then the stream: a stranger gets a short sign-in message (the sign-in page
//! cannot be framed, so it opens in a new tab), an unknown id a not-found message.

use crate::api::{self, ApiError};
use crate::components::badge::{GroupBadge, SecureBadge};
use crate::components::error_state::ErrorState;
use crate::components::skeleton::SkeletonCard;
use crate::pages::snippet_generator::SnippetGenerator;
use crate::paths::{self, StreamTab};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use shared::model::{Me, Stream};
use uuid::Uuid;

/// What loading the page came to.
#[derive(Debug, Clone)]
enum Loaded {
    Ready(Box<Me>, Box<Stream>),
    /// No session (or it ended).
    SignIn,
    /// No stream of the caller's organisation has this id (or the id is malformed).
    NotFound,
    Failed(ApiError),
}

/// The caller first (a stranger learns nothing about the stream), then the stream.
async fn load(id: Option<Uuid>) -> Loaded {
    let me = match api::me().await {
        Ok(me) => me,
        Err(e) if e.is_unauthorized() => return Loaded::SignIn,
        Err(e) => return Loaded::Failed(e),
    };
    let Some(id) = id else {
        return Loaded::NotFound;
    };
    match api::stream(id).await {
        Ok(stream) => Loaded::Ready(Box::new(me), Box::new(stream)),
        Err(e) if e.is_not_found() => Loaded::NotFound,
        Err(e) if e.is_unauthorized() => Loaded::SignIn,
        Err(e) => Loaded::Failed(e),
    }
}

#[component]
pub fn GeneratorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| Uuid::parse_str(&s).ok())
    };
    let data = LocalResource::new(move || load(id()));
    let location = use_location();
    let here = move || {
        let mut path = location.pathname.get();
        let search = location.search.get();
        if !search.is_empty() {
            path.push('?');
            path.push_str(&search);
        }
        path
    };

    let content = move || {
        match data.get() {
        None => view! {
            <div aria-busy="true" data-testid="generator-loading">
                <p class="visually-hidden" role="status">
                    "Loading…"
                </p>
                <SkeletonCard lines=2 />
                <SkeletonCard lines=6 />
            </div>
        }
        .into_any(),
        Some(Loaded::Ready(me, stream)) => view! { <Generator me=*me stream=*stream /> }.into_any(),
        Some(Loaded::SignIn) => view! {
            <section class="card generator-message" data-testid="generator-sign-in">
                <h1 class="generator-title">"Sign in to Castboard to use the generator"</h1>
                <p class="muted">
                    "The generator shows the snippets of your organisation's streams, so it needs you signed in. Sign in in the new tab, then come back here and press Retry."
                </p>
                <div class="button-row">
                    <a
                        class="button button-primary"
                        href=paths::sign_in_then(&here())
                        target="_blank"
                        rel="noopener"
                        data-testid="generator-sign-in-link"
                    >
                        "Sign in (opens a new tab)"
                    </a>
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="generator-retry"
                        on:click=move |_| data.refetch()
                    >
                        "Retry"
                    </button>
                </div>
            </section>
        }
        .into_any(),
        Some(Loaded::NotFound) => view! {
            <section class="card generator-message" data-testid="generator-not-found">
                <h1 class="generator-title">"Stream not found"</h1>
                <p class="muted">
                    "No stream of your organisation has this id. It may have been deleted for good, or the address may be mistyped."
                </p>
            </section>
        }
        .into_any(),
        Some(Loaded::Failed(e)) => view! {
            <ErrorState
                title="The generator could not be loaded"
                message=e.message()
                on_retry=move || data.refetch()
            />
        }
        .into_any(),
    }
    };

    view! {
        <main class="generator-page" id="main" data-testid="generator-page">
            {content}
        </main>
    }
}

/// The compact header and the generator for a loaded stream.
#[component]
fn Generator(me: Me, stream: Stream) -> impl IntoView {
    let writer = me.can_write();
    let playouts = stream.members.len();
    let overview = paths::stream_tab_path(stream.id, StreamTab::Snippets);
    let name = stream.name.to_string();
    let secure = stream.secure;
    view! {
        <header class="generator-header">
            <div class="generator-heading">
                <h1 class="generator-title">
                    "Snippets for "
                    <span class="mono generator-streamname" data-testid="generator-streamname">
                        {name}
                    </span>
                </h1>
                <span class="generator-badges">
                    <GroupBadge playouts />
                    {secure.then(|| view! { <SecureBadge /> })}
                </span>
            </div>
            <a
                class="generator-open"
                href=overview
                target="_blank"
                rel="noopener"
                data-testid="generator-open-dashboard"
            >
                "Open in Castboard"
            </a>
        </header>
        <SnippetGenerator stream organisation=me.organisation can_write=writer />
    }
}
