//! O2's test stream, for admins and users: "Send test stream" has the server publish a
//! test pattern with a tone to the stream's group for a minute (`POST
//! /streams/{id}/test-source`), and while it runs the same button stops it. The state
//! badge follows through the live events, as it does for any encoder.
//!
//! While the stream is live the page asks which test source runs (`GET`, so one started
//! elsewhere, or the demo's, can be stopped here too), and follows its own actions: it forgets a test
//! source when its time is up or when the stream leaves `live` (after a stop, once the
//! media server has ended the stream).

use super::Ctx;
use crate::api::{self, ApiError};
use leptos::prelude::*;
use shared::model::StartTestSource;
use shared::stream::StreamState;
use shared::{ErrorCode, Timestamp};
use std::time::Duration;

const NOTE_ID: &str = "test-stream-note";

/// Why no test stream can be sent to a stream in `state`, or `None` when one can.
pub fn blocked_reason(state: StreamState) -> Option<&'static str> {
    if state.may_publish() {
        return None;
    }
    match state {
        StreamState::Created | StreamState::Ended => None,
        StreamState::Live => Some(
            "The stream is live: an encoder is sending to it. A test stream can be sent once it has ended.",
        ),
        StreamState::Locked => Some("The stream is locked: unlock it to send a test stream."),
        StreamState::Deleted => Some("The stream is deleted."),
    }
}

/// The test stream this page started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    None,
    /// Running until then (`None`: until the server stops, the demo's).
    Until(Option<Timestamp>),
    /// Stopped; the stream is still live until the media server reports the end.
    Ending,
}

/// Shows the test source of start number `this` as running, and forgets it at `until`
/// unless a later start has replaced it.
fn follow(run: RwSignal<Run>, starts: StoredValue<u64>, this: u64, until: Option<Timestamp>) {
    run.set(Run::Until(until));
    let Some(until) = until else {
        return;
    };
    let left = until.millis() - chrono::Utc::now().timestamp_millis();
    set_timeout(
        move || {
            if starts.try_get_value() == Some(this) {
                run.try_set(Run::None);
            }
        },
        Duration::from_millis(u64::try_from(left).unwrap_or(0)),
    );
}

/// The test stream this page started, and the actions that start and stop it.
#[derive(Clone, Copy)]
pub(super) struct TestStream {
    run: RwSignal<Run>,
    start: Action<(), ()>,
    stop: Action<(), ()>,
}

impl TestStream {
    pub fn new(ctx: Ctx) -> TestStream {
        let run = RwSignal::new(Run::None);
        // Counts starts, so the timer of an earlier run cannot forget a later one.
        let starts = StoredValue::new(0_u64);
        // A refusal because the stream changed meanwhile (409): say so, show the truth.
        let refused = move |e: ApiError| {
            ctx.failure(e.message());
            if e.code() == Some(ErrorCode::Conflict) {
                ctx.reload();
            }
        };
        let start = Action::new_local(move |_: &()| {
            let (id, name) = ctx.current.with_untracked(|s| (s.id, s.name.to_string()));
            async move {
                match api::start_test_source(id, StartTestSource::default()).await {
                    Ok(started) => {
                        let this = starts.get_value() + 1;
                        starts.set_value(this);
                        ctx.success(format!(
                            "Test stream sent to {name} for {} seconds: it goes live in a moment",
                            started.duration_s.unwrap_or_default()
                        ));
                        follow(run, starts, this, started.until);
                    }
                    Err(e) => refused(e),
                }
            }
        });
        let stop = Action::new_local(move |_: &()| {
            let (id, name) = ctx.current.with_untracked(|s| (s.id, s.name.to_string()));
            async move {
                match api::stop_test_source(id).await {
                    Ok(()) => {
                        // Still live after the answer: ending until the media server
                        // reports it. The end may have arrived while the request was
                        // under way; then there is nothing left to wait for.
                        let live = ctx.current.with_untracked(|s| s.state == StreamState::Live);
                        run.set(if live { Run::Ending } else { Run::None });
                        ctx.success(format!("Test stream to {name} stopped"));
                    }
                    // It had ended already.
                    Err(e) if e.is_not_found() => {
                        run.set(Run::None);
                        ctx.failure(e.message());
                    }
                    Err(e) => ctx.failure(e.message()),
                }
            }
        });
        // A stream that stops being live has no test stream any more (stopped, its time
        // was up, or stop & lock cut it).
        Effect::new(move |before: Option<StreamState>| {
            let now = ctx.current.with(|s| s.state);
            if before == Some(StreamState::Live) && now != StreamState::Live {
                run.set(Run::None);
            }
            now
        });
        // One this page did not start (elsewhere, or the demo's): asked whenever the
        // stream is live and the page knows of none (a test source makes it live).
        Effect::new(move |_| {
            let live = ctx.current.with(|s| s.state == StreamState::Live);
            if !live || run.get_untracked() != Run::None {
                return;
            }
            let id = ctx.current.with_untracked(|s| s.id);
            leptos::task::spawn_local(async move {
                if let Ok(Some(running)) = api::test_source(id).await {
                    if run.try_get_untracked() == Some(Run::None) {
                        follow(run, starts, starts.get_value(), running.until);
                    }
                }
            });
        });
        TestStream { run, start, stop }
    }

    fn running(self) -> bool {
        self.run.with(|r| matches!(r, Run::Until(_)))
    }

    /// Why the button is disabled (tracked), when it is for the stream's sake: a running
    /// test stream can always be stopped.
    fn blocked(self, ctx: Ctx) -> Option<&'static str> {
        (self.run.get() == Run::None)
            .then(|| blocked_reason(ctx.current.with(|s| s.state)))
            .flatten()
    }

    /// "Send test stream", or "Stop test stream" while one runs; for writers, on streams
    /// that are not deleted.
    pub fn button(self, ctx: Ctx) -> impl IntoView {
        let ending = move || self.run.get() == Run::Ending;
        let busy = move || self.start.pending().get() || self.stop.pending().get() || ending();
        let blocked = move || self.blocked(ctx);
        let label = move || match (self.running(), busy()) {
            (false, false) => "Send test stream",
            (false, true) if ending() => "Stopping test stream…",
            (false, true) => "Sending test stream…",
            (true, false) => "Stop test stream",
            (true, true) => "Stopping test stream…",
        };
        // Redrawn only when writing becomes possible or impossible, so the button (and
        // the keyboard focus on it) stays while the stream changes state.
        let writable = Memo::new(move |_| ctx.writable());
        move || {
            writable.get().then(|| {
                view! {
                    <button
                        type="button"
                        class="button button-secondary"
                        id="action-test-stream"
                        data-testid="action-test-stream"
                        // While a request is under way the button stays focusable
                        // (a disabled one would drop the keyboard focus) and ignores
                        // clicks.
                        disabled=move || blocked().is_some()
                        aria-disabled=move || busy().then_some("true")
                        aria-describedby=move || blocked().map(|_| NOTE_ID)
                        on:click=move |_| {
                            if busy() {
                                return;
                            }
                            if self.running() {
                                self.stop.dispatch(());
                            } else {
                                self.start.dispatch(());
                            }
                        }
                    >
                        {label}
                    </button>
                }
            })
        }
    }

    /// Why the button is disabled, next to the other notes of the actions.
    pub fn note(self, ctx: Ctx) -> impl IntoView {
        move || {
            let reason = self.blocked(ctx);
            (ctx.writable() && reason.is_some()).then(|| {
                view! {
                    <p class="hint stream-actions-note" id=NOTE_ID data-testid="test-stream-note">
                        {reason}
                    </p>
                }
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_stream_can_be_sent_to_a_created_or_ended_stream_only() {
        assert_eq!(blocked_reason(StreamState::Created), None);
        assert_eq!(blocked_reason(StreamState::Ended), None);
        assert_eq!(
            blocked_reason(StreamState::Locked),
            Some("The stream is locked: unlock it to send a test stream.")
        );
        assert!(blocked_reason(StreamState::Live)
            .is_some_and(|why| why.starts_with("The stream is live")));
        assert!(blocked_reason(StreamState::Deleted).is_some());
    }
}
