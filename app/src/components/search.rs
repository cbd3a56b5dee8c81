//! The search field of the top bar (S1): an exact stream id or streamname, checked with
//! `shared`'s [`StreamLookup`] rules when Enter is pressed (not at every letter: a half
//! typed name is not a mistake); Enter opens the stream, explains a malformed query
//! without sending it, or says that no stream has that id or name. No suggestions, by
//! design: search is exact.

use crate::api;
use crate::components::icon::{Icon, IconName};
use crate::paths;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::stream::StreamLookup;

/// What the field says under itself.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    None,
    Searching,
    NotFound(String),
    Failed(String),
}

/// The format message for `text`, or `None` when it is empty or well-formed.
pub fn format_problem(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    StreamLookup::parse(text)
        .err()
        .map(|why| format!("Search {why}."))
}

#[component]
pub fn StreamSearch() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::None);
    // Whether Enter was pressed since the text last changed: only then is a malformed
    // query pointed out.
    let tried = RwSignal::new(false);
    let problem = Memo::new(move |_| {
        if tried.get() {
            text.with(|t| format_problem(t))
        } else {
            None
        }
    });
    let navigate = use_navigate();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let query = text.get_untracked().trim().to_string();
        let Ok(lookup) = StreamLookup::parse(&query) else {
            return;
        };
        outcome.set(Outcome::Searching);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::find_stream(&lookup).await {
                Ok(Some(stream)) => {
                    outcome.set(Outcome::None);
                    text.set(String::new());
                    navigate(&paths::stream_path(stream.id), Default::default());
                }
                Ok(None) => outcome.set(Outcome::NotFound(query)),
                Err(e) => outcome.set(Outcome::Failed(e.message())),
            }
        });
    };

    let message = move || -> Option<(String, &'static str)> {
        if let Some(p) = problem.get() {
            return Some((p, "search-error"));
        }
        match outcome.get() {
            Outcome::NotFound(q) => Some((
                format!("No stream with that id or name: {q}"),
                "search-not-found",
            )),
            Outcome::Failed(e) => Some((e, "search-failed")),
            Outcome::None | Outcome::Searching => None,
        }
    };

    view! {
        <form class="search" role="search" on:submit=submit>
            <label class="visually-hidden" for="stream-search">
                "Find a stream by id or streamname"
            </label>
            <Icon name=IconName::Search />
            <input
                class="field-input search-input"
                id="stream-search"
                type="search"
                autocomplete="off"
                spellcheck="false"
                placeholder="Stream id or streamname"
                aria-invalid=move || if problem.with(Option::is_some) { "true" } else { "false" }
                aria-describedby="stream-search-message"
                data-testid="search-input"
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    tried.set(false);
                    outcome.set(Outcome::None);
                }
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        text.set(String::new());
                        tried.set(false);
                        outcome.set(Outcome::None);
                    }
                }
            />
            <button
                type="submit"
                class="button button-secondary button-small search-button"
                disabled=move || problem.with(Option::is_some) || outcome.get() == Outcome::Searching
                data-testid="search-submit"
            >
                {move || if outcome.get() == Outcome::Searching { "Searching…" } else { "Find" }}
            </button>
            <p class="search-message" id="stream-search-message" role="alert">
                {move || {
                    message()
                        .map(|(m, testid)| {
                            view! { <span class="search-message-text" data-testid=testid>{m}</span> }
                        })
                }}
            </p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_and_streamnames_pass() {
        assert_eq!(format_problem(""), None);
        assert_eq!(format_problem("  "), None);
        assert_eq!(format_problem("Ab3xY-k9PqZ"), None);
        assert_eq!(format_problem("7c1e2b3a-0000-4000-8000-00000000abcd"), None);
        assert_eq!(
            format_problem("Ab3xY"),
            Some("Search must be a stream id (UUID) or a streamname like AbC12-xYz89.".into())
        );
        assert!(format_problem("Ab3xY-k9Pq!").is_some());
    }
}
