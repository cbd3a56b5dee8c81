//! Every dashboard path in one place: the constants and helpers that links, redirects and
//! the router use. Pages never spell a path themselves, so a route can move by editing
//! this file and [`crate::router`] alone.
//!
//! Layer: the ground floor of the app, beside [`crate::api`], [`crate::format`] and
//! [`crate::session`]. It may import `shared` and nothing of the app's.

use leptos_router::params::ParamsMap;
use shared::listing::ListParams;
use std::cell::RefCell;
use uuid::Uuid;

/// The dashboard's home page (needs a signed-in user).
pub const HOME: &str = "/";
/// The sign-in form; takes [`NEXT_PARAM`].
pub const SIGN_IN: &str = "/sign-in";
/// Query parameter of the sign-in page: where to go once signed in.
pub const NEXT_PARAM: &str = "next";
/// The stream list; its query is a [`ListParams`] (see [`streams_with`]).
pub const STREAMS: &str = "/streams";
/// The create-stream form.
pub const CREATE_STREAM: &str = "/streams/new";
/// The token console (X3).
pub const TOKENS: &str = "/tokens";
/// The organisation page (A2).
pub const ORGANISATION: &str = "/organisation";
/// The signed-in user's own account: their password.
pub const ACCOUNT: &str = "/account";
/// Query parameter of the stream overview naming its tab (absent = overview).
pub const TAB_PARAM: &str = "tab";

/// The three tabs of the stream overview (O3), as they appear in its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamTab {
    Overview,
    LiveProcessing,
    Snippets,
}

impl StreamTab {
    pub const ALL: [StreamTab; 3] = [
        StreamTab::Overview,
        StreamTab::LiveProcessing,
        StreamTab::Snippets,
    ];

    /// The `tab` query value; `None` for the default tab.
    pub fn param(self) -> Option<&'static str> {
        match self {
            StreamTab::Overview => None,
            StreamTab::LiveProcessing => Some("live-processing"),
            StreamTab::Snippets => Some("snippets"),
        }
    }

    /// Reads the `tab` query value; anything unknown is the overview.
    pub fn from_param(value: Option<&str>) -> StreamTab {
        StreamTab::ALL
            .into_iter()
            .find(|t| t.param().is_some() && t.param() == value)
            .unwrap_or(StreamTab::Overview)
    }

    pub fn label(self) -> &'static str {
        match self {
            StreamTab::Overview => "Overview",
            StreamTab::LiveProcessing => "Live Processing",
            StreamTab::Snippets => "Code Snippets",
        }
    }
}

thread_local! {
    /// The stream list's address as it was last shown.
    static LAST_LIST: RefCell<String> = RefCell::new(STREAMS.to_string());
}

/// Remembers the stream list as shown now, so a stream's "← Streams" returns to it with
/// its filters and page (as the browser's Back does).
pub fn remember_list(params: &ListParams) {
    LAST_LIST.with(|last| *last.borrow_mut() = streams_with(params));
}

/// The stream list as it was last shown in this visit (the plain list before that).
pub fn last_list() -> String {
    LAST_LIST.with(|last| last.borrow().clone())
}

/// Whether `path` is in the Streams section of the navigation: the list and every
/// stream's pages, but not the create form (an item of its own).
pub fn in_streams_section(path: &str) -> bool {
    path == STREAMS
        || path
            .strip_prefix(STREAMS)
            .is_some_and(|rest| rest.starts_with('/') && !path.starts_with(CREATE_STREAM))
}

/// The stream list filtered by `tag` alone (a tag clicked anywhere).
pub fn streams_tagged(tag: &shared::stream::Tag) -> String {
    streams_with(&ListParams {
        tags: vec![tag.clone()],
        ..ListParams::default()
    })
}

/// The stream list's view in its URL's query, every value of a repeated key kept
/// (`state`, `tag`): the inverse of [`streams_with`]. Not unit tested: building a
/// `ParamsMap` decodes through JavaScript.
pub fn list_view(query: &ParamsMap) -> ListParams {
    let pairs: Vec<(&str, &str)> = query.into_iter().map(|(k, v)| (k.as_ref(), v)).collect();
    ListParams::from_pairs(&pairs)
}

/// The stream list showing `params` (filters and page in the URL, F5).
pub fn streams_with(params: &ListParams) -> String {
    let query = params.to_query();
    if query.is_empty() {
        STREAMS.to_string()
    } else {
        format!("{STREAMS}?{query}")
    }
}

/// A stream's overview page (O1–O9), on its default tab.
pub fn stream_path(id: Uuid) -> String {
    format!("{STREAMS}/{id}")
}

/// A stream's overview page on `tab`.
pub fn stream_tab_path(id: Uuid, tab: StreamTab) -> String {
    match tab.param() {
        None => stream_path(id),
        Some(param) => format!("{STREAMS}/{id}?{TAB_PARAM}={param}"),
    }
}

/// The step-by-step instructions of a stream (O10).
pub fn instructions_path(id: Uuid) -> String {
    format!("{STREAMS}/{id}/instructions")
}

/// The standalone snippet generator of a stream (C4): no shell, made for an iframe.
pub fn generator_path(id: Uuid) -> String {
    format!("/generator/{id}")
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
    fn the_streams_section_holds_the_list_and_each_stream_but_not_the_form() {
        let id = "7c1e2b3a-0000-4000-8000-000000000001";
        assert!(in_streams_section("/streams"));
        assert!(in_streams_section(&format!("/streams/{id}")));
        assert!(in_streams_section(&format!("/streams/{id}/instructions")));
        assert!(!in_streams_section("/streams/new"));
        assert!(!in_streams_section("/streamsx"));
        assert!(!in_streams_section("/tokens"));
    }

    #[test]
    fn a_tag_links_to_the_list_filtered_by_it() {
        let tag = shared::stream::Tag::parse("region:eu").expect("a tag");
        assert_eq!(streams_tagged(&tag), "/streams?tag=region%3Aeu");
    }

    #[test]
    fn the_list_is_remembered_as_last_shown() {
        assert_eq!(last_list(), "/streams");
        let params = ListParams::from_pairs(&[("state", "live"), ("tag", "sport")]);
        remember_list(&params);
        assert_eq!(last_list(), streams_with(&params));
        assert!(last_list().starts_with("/streams?"), "{}", last_list());
        remember_list(&ListParams::default());
        assert_eq!(last_list(), "/streams");
    }

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
    fn stream_paths_and_tabs() {
        let id = Uuid::parse_str("7c1e2b3a-0000-4000-8000-00000000abcd").expect("uuid");
        assert_eq!(
            stream_path(id),
            "/streams/7c1e2b3a-0000-4000-8000-00000000abcd"
        );
        assert_eq!(
            stream_tab_path(id, StreamTab::Snippets),
            "/streams/7c1e2b3a-0000-4000-8000-00000000abcd?tab=snippets"
        );
        assert_eq!(stream_tab_path(id, StreamTab::Overview), stream_path(id));
        assert_eq!(
            instructions_path(id),
            "/streams/7c1e2b3a-0000-4000-8000-00000000abcd/instructions"
        );
        for tab in StreamTab::ALL {
            assert_eq!(StreamTab::from_param(tab.param()), tab);
        }
        assert_eq!(StreamTab::from_param(Some("bogus")), StreamTab::Overview);
        assert_eq!(streams_with(&ListParams::default()), "/streams");
        let p = ListParams {
            grouped: false,
            ..ListParams::default()
        };
        assert_eq!(streams_with(&p), "/streams?group=false");
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
