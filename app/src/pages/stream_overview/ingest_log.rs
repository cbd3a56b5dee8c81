//! The Overview tab's Ingest log: why an encoder could or could not go live. The group's
//! publish attempts, newest first (time, outcome, reason in plain words, client address,
//! encoder), loaded again when the group's state changes and on Refresh.
//!
//! Imports: api, components, shared (a page part with its own calls and state).

use super::Ctx;
use crate::api;
use crate::components::error_state::ErrorState;
use crate::components::notice::EmptyState;
use crate::components::skeleton::SkeletonCard;
use crate::components::time::UtcTime;
use crate::format;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::listing::IngestLogQuery;
use shared::model::{IngestAttempt, IngestOutcome, List, INGEST_LOG_DAYS, INGEST_LOG_KEEP};
use shared::stream::{PerPage, StreamState};

/// What the section shows.
#[derive(Clone)]
enum Phase {
    Loading,
    Failed(String),
    Ready(List<IngestAttempt>),
}

/// How many rows the next "Show more" asks for, after `per_page`; `None` at the most a
/// page holds.
pub fn more_rows(per_page: u32) -> Option<u32> {
    PerPage::ALLOWED.into_iter().find(|n| *n > per_page)
}

/// The outcome as its badge reads.
pub fn outcome_label(outcome: IngestOutcome) -> &'static str {
    match outcome {
        IngestOutcome::Accepted => "Accepted",
        IngestOutcome::Refused => "Refused",
    }
}

/// The card.
#[component]
pub(super) fn IngestLogSection(ctx: Ctx) -> impl IntoView {
    let (id, rtmp_url, streamname, grouped) = ctx.current.with_untracked(|s| {
        (
            s.id,
            s.ingest.rtmp_url.clone(),
            s.ingest.streamname.to_string(),
            s.members.len() > 1,
        )
    });
    let phase = RwSignal::new(Phase::Loading);
    let per_page = RwSignal::new(PerPage::default().get());
    let refreshing = RwSignal::new(false);
    // Answers to an older request are dropped.
    let ticket = StoredValue::new(0_u64);
    let load = move || {
        let mine = ticket.get_value() + 1;
        ticket.set_value(mine);
        refreshing.set(true);
        let query = IngestLogQuery {
            per_page: PerPage::new(per_page.get_untracked()).ok(),
            ..IngestLogQuery::default()
        };
        spawn_local(async move {
            let answer = api::stream_ingest_log(id, &query).await;
            if ticket.try_get_value() != Some(mine) {
                return;
            }
            refreshing.set(false);
            phase.set(match answer {
                Ok(list) => Phase::Ready(list),
                Err(e) => Phase::Failed(e.message()),
            });
        });
    };
    // A state change of the group is what a publish attempt brings about (going live,
    // ending); the log is loaded on the first run and again after each.
    Effect::new(move |before: Option<StreamState>| {
        let now = ctx.current.with(|s| s.state);
        if before != Some(now) {
            load();
        }
        now
    });

    let body = move || {
        match phase.get() {
        Phase::Loading => view! {
            <div data-testid="ingest-log-loading" aria-busy="true">
                <p class="visually-hidden" role="status">"Loading the ingest log…"</p>
                <SkeletonCard lines=3 />
            </div>
        }
        .into_any(),
        Phase::Failed(message) => view! {
            <ErrorState
                title="The ingest log could not be loaded"
                message=message
                on_retry=move || load()
            />
        }
        .into_any(),
        Phase::Ready(list) if list.items.is_empty() => view! {
            <EmptyState
                title="No publish attempts yet."
                message=format!(
                    "Point your encoder at {rtmp_url} with the stream key {streamname}: every attempt shows here, accepted or refused, and why.",
                )
                testid="ingest-log-empty"
            />
        }
        .into_any(),
        Phase::Ready(list) => {
            let shown = list.items.len();
            let total = list.meta.total;
            let rows = list
                .items
                .into_iter()
                .map(|a| view! { <AttemptRow attempt=a grouped /> })
                .collect_view();
            let more = (u64::try_from(shown).unwrap_or(u64::MAX) < total)
                .then(|| more_rows(per_page.get_untracked()))
                .flatten()
                .map(|n| {
                    view! {
                        <button
                            type="button"
                            class="button button-secondary button-small"
                            data-testid="ingest-log-more"
                            on:click=move |_| {
                                per_page.set(n);
                                load();
                            }
                        >
                            "Show more"
                        </button>
                    }
                });
            view! {
                // Scrolls sideways on a phone: focusable, so the keyboard can too.
                <div class="table-wrap" tabindex="0" role="region" aria-label="Ingest log table">
                    <table class="table ingest-log-table" data-testid="ingest-log-table">
                        <caption class="visually-hidden">"Publish attempts, newest first"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Time (UTC)"</th>
                                <th scope="col">"Outcome"</th>
                                <th scope="col">"Reason"</th>
                                {grouped.then(|| view! { <th scope="col">"Streamname"</th> })}
                                <th scope="col">"Client address"</th>
                                <th scope="col">"Encoder"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <p class="hint stream-card-foot" data-testid="ingest-log-count">
                    {format!(
                        "The newest {shown} of {total}. Kept: your organisation's newest {} attempts, for {INGEST_LOG_DAYS} days.",
                        format::thousands(u64::from(INGEST_LOG_KEEP)),
                    )}
                    " "
                    {more}
                </p>
            }
            .into_any()
        }
    }
    };
    view! {
        <section
            class="card stream-card stream-card-wide"
            aria-labelledby="ingest-log-heading"
            data-testid="stream-ingest-log"
        >
            <div class="ingest-log-head">
                <h2 class="card-title" id="ingest-log-heading">
                    "Ingest log"
                </h2>
                <button
                    type="button"
                    class="button button-secondary button-small"
                    data-testid="ingest-log-refresh"
                    disabled=move || refreshing.get()
                    aria-busy=move || if refreshing.get() { "true" } else { "false" }
                    on:click=move |_| load()
                >
                    {move || if refreshing.get() { "Refreshing…" } else { "Refresh" }}
                </button>
            </div>
            <p class="hint ingest-log-intro">
                "Every publish of an encoder to this stream, accepted or refused, and why."
            </p>
            {body}
        </section>
    }
}

/// One attempt.
#[component]
fn AttemptRow(attempt: IngestAttempt, grouped: bool) -> impl IntoView {
    let badge = match attempt.outcome {
        IngestOutcome::Accepted => "badge badge-state-live",
        IngestOutcome::Refused => "badge badge-state-deleted",
    };
    let label = attempt.label();
    let code = attempt.reason.map(|r| r.as_str());
    let message = attempt.message.clone();
    let dash = || view! { <span class="muted">"—"</span> };
    view! {
        <tr data-testid="ingest-attempt" data-outcome=attempt.outcome.as_str() data-reason=code>
            <td>
                <UtcTime ts=attempt.at />
            </td>
            <td>
                <span class=badge data-testid="ingest-outcome">
                    {outcome_label(attempt.outcome)}
                </span>
            </td>
            <td data-testid="ingest-reason" title=message>
                {label}
            </td>
            {grouped
                .then(|| {
                    view! {
                        <td>
                            <code class="mono">{attempt.streamname.clone()}</code>
                        </td>
                    }
                })}
            <td data-testid="ingest-client">
                {match attempt.client_addr {
                    Some(a) => view! { <code class="mono">{a}</code> }.into_any(),
                    None => dash().into_any(),
                }}
            </td>
            <td data-testid="ingest-encoder">
                {match attempt.encoder {
                    Some(e) => view! { <span class="ingest-log-encoder">{e}</span> }.into_any(),
                    None => dash().into_any(),
                }}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_more_steps_through_the_page_sizes() {
        assert_eq!(more_rows(25), Some(50));
        assert_eq!(more_rows(50), Some(100));
        assert_eq!(more_rows(100), Some(150));
        assert_eq!(more_rows(150), None);
    }

    #[test]
    fn outcomes_read_as_their_badges() {
        assert_eq!(outcome_label(IngestOutcome::Refused), "Refused");
        assert_eq!(outcome_label(IngestOutcome::Accepted), "Accepted");
    }
}
