//! `/streams`: the stream list (L1–L4) with its filters (F1–F5).
//!
//! The whole view (filters, page, page size) is a [`ListParams`] kept in the URL: the
//! page reads it with `use_query_map`, every control navigates to a new URL, and the
//! list request is made from the same value, so reload, shared links and back/forward
//! restore exactly what was shown. While a new view loads the old rows stay (a
//! `<Transition>`, `aria-busy` on the results) instead of flashing a skeleton.
//!
//! Live updates (L4, X2): a `stream.state_changed` event sets that stream's badge (and its
//! member rows) in place through per-stream signals, without asking the server, and a
//! `stream.health` event a live row's health dot and bitrate the same way. Created,
//! updated and deleted streams change which rows belong on the page and in which order,
//! so those events reload the current page quietly (debounced, rows stay visible while
//! it loads), as does a reconnection after a break (events may have been missed).
//! A state change leaves a row where it is even if a state filter no longer matches it:
//! rows do not jump away while someone looks at them; the next reload sorts it out.

mod filters;
mod markup;
mod pager;
mod table;

use crate::api::{self, ApiError};
use crate::components::copy_button::copy_clicked_id;
use crate::components::error_state::ErrorState;
use crate::components::notice::EmptyState;
use crate::components::skeleton::Delayed;
use crate::events::{use_stream_events, Connection, LiveEvent};
use crate::first_requests::FirstRequests;
use crate::paths;
use crate::session::use_me;
use filters::{cleared, ListFilters, ViewModeToggle};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use pager::{on_page, range_summary, Pager, PerPageSelect};
use shared::listing::ListParams;
use shared::model::{List, Me, Stream, StreamEvent};
use std::collections::HashSet;
use std::time::Duration;
use table::{next_table, LiveStates, RowData, SkeletonTable, StreamRows, TableHead};
use uuid::Uuid;

/// How long a burst of created/updated/deleted events is collected before one reload.
const RELOAD_AFTER_EVENTS: Duration = Duration::from_millis(300);

/// One answer of the list request, with the view it was asked for (the URL may already
/// show the next one while this is on screen).
#[derive(Debug, Clone)]
struct Loaded {
    params: ListParams,
    result: Result<Page, ApiError>,
}

/// A loaded page: its rows, prepared once as the answer arrives, and the total count.
#[derive(Debug, Clone)]
struct Page {
    rows: Vec<RowData>,
    total: u64,
}

impl Page {
    fn of(list: List<Stream>, grouped: bool) -> Page {
        Page {
            total: list.meta.total,
            rows: list
                .items
                .into_iter()
                .map(|s| RowData::new(s, grouped))
                .collect(),
        }
    }
}

/// The rows on screen and the table holding them (see [`next_table`]).
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    table: u64,
    rows: Vec<RowData>,
}

/// What the results area shows besides the table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Loading,
    Rows,
    Failed(String),
    Empty(EmptyKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EmptyKind {
    /// The organisation has no stream (in the default view).
    NoStreams,
    /// Filters exclude every stream.
    NoMatch,
    /// A page past the last one (e.g. an old link); `last` is the last page.
    PastEnd { last: u64 },
}

impl Outcome {
    fn of(loaded: Option<&Loaded>) -> Outcome {
        let Some(Loaded { params, result }) = loaded else {
            return Outcome::Loading;
        };
        match result {
            Err(e) => Outcome::Failed(e.message()),
            Ok(page) if !page.rows.is_empty() => Outcome::Rows,
            Ok(page) if page.total > 0 => Outcome::Empty(EmptyKind::PastEnd {
                last: params.page_count(page.total),
            }),
            Ok(_) if params.is_filtered() => Outcome::Empty(EmptyKind::NoMatch),
            Ok(_) => Outcome::Empty(EmptyKind::NoStreams),
        }
    }
}

/// The list's answers: the current view's, asked again by `reload`.
#[derive(Clone, Copy)]
struct ListAnswers {
    /// Read like a resource (it suspends the `<Transition>` while a view loads), but
    /// ready at once when the app's early request ([`FirstRequests`]) has answered: a
    /// `LocalResource` would draw the page first and its rows a moment later.
    answer: AsyncDerived<Loaded, LocalStorage>,
    reload: Trigger,
}

impl ListAnswers {
    fn new(params: Memo<ListParams>) -> Self {
        let first = FirstRequests::get();
        let reload = Trigger::new();
        let answer = AsyncDerived::new_unsync(move || {
            reload.track();
            let params = params.get();
            let early = first.as_ref().and_then(|first| first.take_list(&params));
            async move {
                let result = match early {
                    Some(early) => early.await,
                    None => api::list_streams(&params).await,
                };
                let result = result.map(|list| Page::of(list, params.grouped));
                Loaded { params, result }
            }
        });
        ListAnswers { answer, reload }
    }

    fn with<R>(&self, f: impl FnOnce(&Option<Loaded>) -> R) -> R {
        self.answer.with(f)
    }

    fn refetch(&self) {
        self.reload.notify();
    }
}

#[component]
pub fn StreamListPage() -> impl IntoView {
    let writer = use_me().as_ref().is_some_and(Me::can_write);
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(paths::list_view));
    // A stream's "← Streams" comes back to the list as it is shown now.
    Effect::new(move || paths::remember_list(&params.get()));
    let navigate = use_navigate();
    // Every change is a history entry (back undoes it); the page stays where it is
    // scrolled, since the filters being used are on screen. Pager links scroll up.
    let go = Callback::new(move |next: ListParams| {
        if next != params.get_untracked() {
            navigate(
                &paths::streams_with(&next),
                NavigateOptions {
                    scroll: false,
                    ..NavigateOptions::default()
                },
            );
        }
    });

    let list = ListAnswers::new(params);
    let busy = RwSignal::new(false);
    let live = LiveStates::new();
    let expanded = StoredValue::new(HashSet::<Uuid>::new());

    let reload_scheduled = StoredValue::new(false);
    let reload_soon = move || {
        if reload_scheduled.try_get_value().unwrap_or(true) {
            return;
        }
        reload_scheduled.set_value(true);
        set_timeout(
            move || {
                reload_scheduled.try_set_value(false);
                list.refetch();
            },
            RELOAD_AFTER_EVENTS,
        );
    };
    let connection = use_stream_events(move |event| match event {
        LiveEvent::Stream(StreamEvent::StateChanged(change)) => {
            live.set(change.id, change.to, change.at)
        }
        LiveEvent::Stream(
            StreamEvent::Created(_) | StreamEvent::Updated(_) | StreamEvent::Deleted(_),
        )
        | LiveEvent::Reconnected => reload_soon(),
        // The list shows no transcoder nor process; the state of the group arrives on
        // its own, a new thumbnail with `stream.updated`.
        LiveEvent::Stream(StreamEvent::TranscoderChanged(_) | StreamEvent::ProcessChanged(_)) => {}
        LiveEvent::Stream(StreamEvent::Health(change)) => {
            live.set_health(change.id, &change.health)
        }
    });

    view! {
        <div class="page-header list-header">
            <div class="list-heading">
                <h1 class="page-title">"Streams"</h1>
                <LiveIndicator connection />
            </div>
            {writer
                .then(|| {
                    view! {
                        <a class="button button-primary" href=paths::CREATE_STREAM data-testid="create-stream">
                            "Create stream"
                        </a>
                    }
                })}
        </div>
        <ListFilters params go />
        <section
            class="list-results"
            aria-labelledby="results-heading"
            aria-busy=move || if busy.get() { "true" } else { "false" }
            data-testid="list-results"
        >
            <h2 id="results-heading" class="visually-hidden">
                "Results"
            </h2>
            <Transition
                fallback=|| {
                    view! {
                        <Delayed>
                            <SkeletonTable />
                        </Delayed>
                    }
                }
                set_pending=busy.write_only()
            >
                <Results list params go live expanded writer />
            </Transition>
        </section>
    }
}

/// Whether live updates are flowing (tests wait for `data-state="open"`).
#[component]
fn LiveIndicator(connection: ReadSignal<Connection>) -> impl IntoView {
    view! {
        <p
            class="live-status"
            data-testid="live-status"
            data-state=move || connection.get().as_str()
        >
            <span class="live-dot" aria-hidden="true"></span>
            {move || connection.get().label()}
        </p>
    }
}

/// Summary, table, empty and error states, and the pager of the loaded answer. Rendered
/// once inside the `<Transition>`; it reads the list reactively, so the rows are diffed
/// by key rather than rebuilt.
#[component]
fn Results(
    list: ListAnswers,
    params: Memo<ListParams>,
    go: Callback<ListParams>,
    live: LiveStates,
    expanded: StoredValue<HashSet<Uuid>>,
    writer: bool,
) -> impl IntoView {
    let outcome = Memo::new(move |_| list.with(|l| Outcome::of(l.as_ref())));
    let copied = RwSignal::new(String::new());
    let shown = Memo::new(move |before: Option<&Shown>| {
        let rows = list.with(|l| match l {
            Some(Loaded {
                result: Ok(page), ..
            }) => page.rows.clone(),
            _ => Vec::new(),
        });
        let table = before.map_or(0, |b| next_table(b.table, &b.rows, &rows));
        Shown { table, rows }
    });
    let table = Memo::new(move |_| shown.with(|s| s.table));
    // One table per `table` number; rows of a later table never reach an earlier one
    // (it keeps its last rows until it is replaced).
    let rows_table = move || {
        let this = table.get();
        let mine = StoredValue::new(shown.with_untracked(|s| s.rows.clone()));
        let rows = move || {
            shown.with(|s| {
                if s.table == this {
                    mine.set_value(s.rows.clone());
                }
            });
            mine.get_value()
        };
        view! {
            <table class="table stream-table" data-testid="stream-table">
                <TableHead />
                <For
                    each=rows
                    key=|row: &RowData| row.key
                    children=move |row| view! { <StreamRows row live expanded /> }
                />
            </table>
        }
    };
    let summary = move || {
        list.with(|l| match l {
            Some(Loaded {
                params,
                result: Ok(page),
            }) => range_summary(
                params.page,
                params.per_page.get(),
                page.total,
                page.rows.len(),
            ),
            _ => String::new(),
        })
    };
    let total = Signal::derive(move || {
        list.with(|l| {
            l.as_ref()
                .and_then(|l| l.result.as_ref().ok())
                .map(|page| page.total)
        })
    });
    let clear = move |_| go.run(cleared(&params.get_untracked()));

    let message = move || match outcome.get() {
        Outcome::Loading | Outcome::Rows => None,
        Outcome::Failed(message) => Some(
            view! {
                <ErrorState
                    title="The streams could not be loaded"
                    message
                    on_retry=move || list.refetch()
                />
            }
            .into_any(),
        ),
        Outcome::Empty(EmptyKind::NoStreams) => Some(if writer {
            view! {
                <EmptyState
                    title="No streams yet"
                    message="Create a stream to get its ingest URL, player snippets and live processing."
                    testid="list-empty"
                >
                    <a class="button button-primary" href=paths::CREATE_STREAM data-testid="empty-create-stream">
                        "Create stream"
                    </a>
                </EmptyState>
            }
            .into_any()
        } else {
            view! {
                <EmptyState
                    title="No streams yet"
                    message="Streams your organisation creates will be listed here."
                    testid="list-empty"
                />
            }
            .into_any()
        }),
        Outcome::Empty(EmptyKind::NoMatch) => Some(
            view! {
                <EmptyState
                    title="No stream matches these filters"
                    message="Try other states, fewer tags or a wider date range."
                    testid="list-no-match"
                >
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="empty-clear-filters"
                        on:click=clear
                    >
                        "Clear filters"
                    </button>
                </EmptyState>
            }
            .into_any(),
        ),
        Outcome::Empty(EmptyKind::PastEnd { last }) => Some(
            view! {
                <EmptyState
                    title="This page is empty"
                    message=format!("These results end on page {last}.")
                    testid="list-past-end"
                >
                    <a
                        class="button button-secondary"
                        href=paths::streams_with(&on_page(&params.get_untracked(), last))
                    >
                        {format!("Go to page {last}")}
                    </a>
                </EmptyState>
            }
            .into_any(),
        ),
    };

    view! {
        <div class="list-toolbar">
            <p class="list-summary" aria-live="polite" data-testid="list-summary">
                {summary}
            </p>
            <div class="list-view-options">
                <ViewModeToggle params go />
                <PerPageSelect params go />
            </div>
        </div>
        {message}
        <div
            class="table-wrap"
            tabindex="0"
            role="region"
            aria-label="Streams table"
            hidden=move || outcome.get() != Outcome::Rows
            on:click=move |ev| copy_clicked_id(&ev, copied)
        >
            {rows_table}
        </div>
        <p class="visually-hidden" role="status" data-testid="id-copied">
            {move || copied.get()}
        </p>
        <Pager params total />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::model::ListMeta;
    use shared::stream::{StreamState, Tag};

    fn loaded(params: ListParams, total: u64) -> Loaded {
        Loaded {
            params,
            result: Ok(Page::of(
                List {
                    items: Vec::new(),
                    meta: ListMeta {
                        total,
                        page: Some(1),
                        per_page: Some(25),
                    },
                },
                true,
            )),
        }
    }

    #[test]
    fn empty_answers_say_why() {
        assert_eq!(Outcome::of(None), Outcome::Loading);
        assert_eq!(
            Outcome::of(Some(&loaded(ListParams::default(), 0))),
            Outcome::Empty(EmptyKind::NoStreams)
        );
        let mut filtered = ListParams::default();
        filtered.add_tag(Tag::parse("sport").expect("valid"));
        assert_eq!(
            Outcome::of(Some(&loaded(filtered, 0))),
            Outcome::Empty(EmptyKind::NoMatch)
        );
        let mut deleted = ListParams::default();
        deleted.toggle_state(StreamState::Deleted);
        assert_eq!(
            Outcome::of(Some(&loaded(deleted, 0))),
            Outcome::Empty(EmptyKind::NoMatch)
        );
        let past = ListParams {
            page: 9,
            ..ListParams::default()
        };
        assert_eq!(
            Outcome::of(Some(&loaded(past, 30))),
            Outcome::Empty(EmptyKind::PastEnd { last: 2 })
        );
        let failed = Loaded {
            params: ListParams::default(),
            result: Err(ApiError::Network),
        };
        assert_eq!(
            Outcome::of(Some(&failed)),
            Outcome::Failed(ApiError::Network.message())
        );
    }
}
