//! `/`: the signed-in home page (A3; docs/product.md, "Pages"): how many streams are in
//! each state, the five most recently updated streams, and quick links. Who is signed in
//! is a single line; the organisation has its own page.
//!
//! Each count is `meta.total` of its own `GET /streams?state=…` (the six requests run
//! side by side); "all" is the list's default (every state but deleted), and its answer
//! also gives the latest streams. Each count links to the list filtered the same way.

use crate::api::{self, ApiError};
use crate::components::badge::{GroupBadge, StateBadge};
use crate::components::error_state::ErrorState;
use crate::components::notice::EmptyState;
use crate::components::time::UtcTime;
use crate::paths;
use crate::session::use_me;
use leptos::prelude::*;
use shared::listing::ListParams;
use shared::model::{List, Me, Stream};
use shared::stream::{PerPage, StreamState};

/// How many of the latest streams the page lists.
pub const LATEST: usize = 5;

/// The counts on the page, in order: all (`None`), then one per state.
pub const COUNTED: [Option<StreamState>; 6] = [
    None,
    Some(StreamState::Live),
    Some(StreamState::Created),
    Some(StreamState::Ended),
    Some(StreamState::Locked),
    Some(StreamState::Deleted),
];

/// The list view a count is taken from, and links to.
pub fn count_params(state: Option<StreamState>) -> ListParams {
    ListParams {
        states: state.into_iter().collect(),
        per_page: PerPage::default(),
        ..ListParams::default()
    }
}

/// What a count is called on the page.
pub fn count_label(state: Option<StreamState>) -> &'static str {
    match state {
        None => "All streams",
        Some(StreamState::Live) => "Live",
        Some(StreamState::Created) => "Created",
        Some(StreamState::Ended) => "Ended",
        Some(StreamState::Locked) => "Locked",
        Some(StreamState::Deleted) => "Deleted",
    }
}

/// The `data-testid` suffix of a count: `all` or the state.
fn count_key(state: Option<StreamState>) -> &'static str {
    state.map_or("all", StreamState::as_str)
}

type Answer = Result<List<Stream>, ApiError>;

/// Every count's answer, in [`COUNTED`] order.
type Loaded = Vec<(Option<StreamState>, List<Stream>)>;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = use_me();
    let writer = me.as_ref().is_some_and(Me::can_write);
    // One request per count, all started at once.
    let counts: [(Option<StreamState>, LocalResource<Answer>); 6] = COUNTED.map(|state| {
        let resource = LocalResource::new(move || {
            let params = count_params(state);
            async move { api::list_streams(&params).await }
        });
        (state, resource)
    });

    // Loading (`None`), the first failure, or every answer.
    let status = move || -> Option<Result<Loaded, ApiError>> {
        let mut out = Vec::with_capacity(counts.len());
        let mut loading = false;
        for (state, resource) in counts {
            match resource.get() {
                None => loading = true,
                Some(Err(e)) => return Some(Err(e)),
                Some(Ok(list)) => out.push((state, list)),
            }
        }
        (!loading).then_some(Ok(out))
    };
    let retry = move || counts.iter().for_each(|(_, r)| r.refetch());

    let body = move || match status() {
        None => view! { <HomeSkeleton /> }.into_any(),
        Some(Err(e)) => {
            let message = e.message();
            view! {
                <ErrorState
                    title="Your streams could not be loaded"
                    message=message
                    on_retry=retry
                />
            }
            .into_any()
        }
        Some(Ok(lists)) => {
            let latest: Vec<Stream> = lists
                .iter()
                .find(|(state, _)| state.is_none())
                .map(|(_, all)| all.items.iter().take(LATEST).cloned().collect())
                .unwrap_or_default();
            let totals: Vec<(Option<StreamState>, u64)> =
                lists.iter().map(|(s, l)| (*s, l.meta.total)).collect();
            view! {
                <Counts totals />
                <Latest streams=latest writer />
            }
            .into_any()
        }
    };

    view! {
        <div class="page-header home-header">
            <div>
                <h1 class="page-title">"Home"</h1>
                {me.map(|me| view! { <Account me /> })}
            </div>
            <QuickLinks writer />
        </div>
        <div class="home" data-testid="home">
            {body}
        </div>
    }
}

/// One line: who is signed in, with which role, in which organisation.
#[component]
fn Account(me: Me) -> impl IntoView {
    let role = me.role().map(|r| r.label()).unwrap_or_default();
    let who = me
        .user
        .as_ref()
        .map(|u| u.email.clone())
        .or_else(|| me.api_key.as_ref().map(|k| k.name.clone()))
        .unwrap_or_default();
    view! {
        <p class="home-account muted" data-testid="me-card">
            "Signed in as "
            <span class="home-account-who" data-testid="me-email">
                {who}
            </span>
            " ("
            <span data-testid="me-role">{role}</span>
            ") in "
            <a href=paths::ORGANISATION data-testid="me-org-name">
                {me.organisation.name.clone()}
            </a>
            ", streamnames start with "
            <code class="code" data-testid="me-org-hash">
                {me.organisation.hash.as_str().to_string()}
            </code>
        </p>
    }
}

/// The main ways on from here.
#[component]
fn QuickLinks(writer: bool) -> impl IntoView {
    view! {
        <nav class="button-row home-links" aria-label="Quick links" data-testid="quick-links">
            {writer
                .then(|| {
                    view! {
                        <a
                            class="button button-primary"
                            href=paths::CREATE_STREAM
                            data-testid="quick-create"
                        >
                            "Create stream"
                        </a>
                    }
                })}
            <a class="button button-secondary" href=paths::STREAMS data-testid="quick-streams">
                "All streams"
            </a>
            <a class="button button-secondary" href=paths::TOKENS data-testid="quick-tokens">
                "Tokens"
            </a>
        </nav>
    }
}

/// The count tiles, each a link to the list showing those streams.
#[component]
fn Counts(totals: Vec<(Option<StreamState>, u64)>) -> impl IntoView {
    view! {
        <section class="home-section" aria-labelledby="counts-heading">
            <h2 id="counts-heading" class="home-section-title">
                "Streams by state"
            </h2>
            <ul class="home-counts" data-testid="counts">
                {totals
                    .into_iter()
                    .map(|(state, total)| {
                        let key = count_key(state);
                        view! {
                            <li>
                                <a
                                    class=format!("home-count home-count-{key}")
                                    href=paths::streams_with(&count_params(state))
                                    data-testid=format!("count-{key}")
                                    data-state=key
                                >
                                    <span class="home-count-value" data-testid="count-value">
                                        {total}
                                    </span>
                                    <span class="home-count-label">{count_label(state)}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="hint">"“All streams” counts every state but deleted. Stream groups count once."</p>
        </section>
    }
}

/// The most recently updated streams, or what to do when there are none.
#[component]
fn Latest(streams: Vec<Stream>, writer: bool) -> impl IntoView {
    let list = if streams.is_empty() {
        let message = if writer {
            "Create your first stream to get an ingest address and a playout."
        } else {
            "When someone in your organisation creates a stream, it shows up here."
        };
        view! {
            <EmptyState title="No streams yet" message=message testid="home-empty">
                {writer
                    .then(|| {
                        view! {
                            <a
                                class="button button-primary"
                                href=paths::CREATE_STREAM
                                data-testid="home-empty-create"
                            >
                                "Create stream"
                            </a>
                        }
                    })}
            </EmptyState>
        }
        .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table home-latest" data-testid="latest">
                    <thead>
                        <tr>
                            <th scope="col">"State"</th>
                            <th scope="col">"Streamname"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Last updated"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {streams
                            .into_iter()
                            .map(|s| {
                                let playouts = s
                                    .playouts
                                    .map(|n| n as usize)
                                    .unwrap_or(s.members.len())
                                    .max(1);
                                view! {
                                    <tr data-testid="latest-row" data-id=s.id.to_string()>
                                        <td>
                                            <StateBadge state=s.state />
                                        </td>
                                        <td>
                                            <a
                                                class="mono"
                                                href=paths::stream_path(s.id)
                                                data-testid="latest-name"
                                            >
                                                {s.name.as_str().to_string()}
                                            </a>
                                        </td>
                                        <td>
                                            <GroupBadge playouts />
                                        </td>
                                        <td>
                                            <UtcTime ts=s.updated_at />
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="home-section" aria-labelledby="latest-heading">
            <div class="home-section-head">
                <h2 id="latest-heading" class="home-section-title">
                    "Latest streams"
                </h2>
                <a href=paths::STREAMS data-testid="latest-all">
                    "See all streams"
                </a>
            </div>
            {list}
        </section>
    }
}

/// Grey tiles and rows while the counts load.
#[component]
fn HomeSkeleton() -> impl IntoView {
    view! {
        <div aria-busy="true" data-testid="home-loading">
            <p class="visually-hidden" role="status">
                "Loading your streams…"
            </p>
            <ul class="home-counts" aria-hidden="true">
                {COUNTED
                    .iter()
                    .map(|_| {
                        view! {
                            <li class="home-count home-count-skeleton">
                                <span class="skeleton home-skeleton-count"></span>
                                <span class="skeleton skeleton-line"></span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <div class="card skeleton-card home-latest-skeleton" aria-hidden="true">
                {(0..LATEST).map(|_| view! { <span class="skeleton skeleton-line"></span> }).collect_view()}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_count_links_to_the_list_it_counts() {
        let links: Vec<String> = COUNTED
            .into_iter()
            .map(|s| paths::streams_with(&count_params(s)))
            .collect();
        assert_eq!(
            links,
            [
                "/streams",
                "/streams?state=live",
                "/streams?state=created",
                "/streams?state=ended",
                "/streams?state=locked",
                "/streams?state=deleted",
            ]
        );
        assert_eq!(
            count_params(Some(StreamState::Live)).to_query(),
            "state=live"
        );
    }

    #[test]
    fn counts_have_labels_and_keys() {
        let labels: Vec<&str> = COUNTED.into_iter().map(count_label).collect();
        assert_eq!(
            labels,
            [
                "All streams",
                "Live",
                "Created",
                "Ended",
                "Locked",
                "Deleted"
            ]
        );
        assert_eq!(count_key(None), "all");
        assert_eq!(count_key(Some(StreamState::Locked)), "locked");
    }
}
