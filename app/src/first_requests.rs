//! The requests a visit's first page needs, asked as the app starts instead of when the
//! page is drawn. The server announces the same requests with the page it serves
//! (`Link: rel=preload`, `first_requests` in server/src/web.rs), so the browser has
//! usually fetched them already; asked here, beside `GET /me`, their answer is known when
//! the signed-in layout draws, and the layout waits a moment for it
//! ([`FirstRequests::settled_within`]) so that the page and its content are drawn in one
//! pass instead of a page with a placeholder first.
//!
//! Today the stream list has one: its page in the URL's view. The page takes the answer
//! ([`FirstRequests::take_list`]) if it asks for that same view, and asks the server
//! itself otherwise (a later visit, another view, Retry).
//!
//! Layer: the ground floor of the app, beside [`crate::api`] and [`crate::session`]. It
//! may import [`crate::api`] and `shared`, nothing above.

use crate::api::{self, ApiError};
use leptos::prelude::*;
use shared::listing::ListParams;
use shared::model::{List, Stream};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// The answer of a request started early, shared by whoever waits for it. `Send` (the
/// layout's `Suspend` needs it), though the browser runs it on one thread.
struct Answer<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    value: Option<T>,
    /// The request has answered (the value may be taken already).
    done: bool,
    /// A page took the answer (see [`FirstRequests::take_list`]): nobody else may.
    claimed: bool,
    /// Who waits for the answer: the layout, the page (each waker kept once).
    wakers: Vec<Waker>,
}

impl<T> Answer<T> {
    fn new() -> Arc<Self> {
        Arc::new(Answer {
            state: Mutex::new(State {
                value: None,
                done: false,
                claimed: false,
                wakers: Vec::new(),
            }),
        })
    }

    fn with<R>(&self, f: impl FnOnce(&mut State<T>) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn set(&self, value: T) {
        let wakers = self.with(|s| {
            s.value = Some(value);
            s.done = true;
            std::mem::take(&mut s.wakers)
        });
        wakers.into_iter().for_each(Waker::wake);
    }

    fn wake_all(&self) {
        let wakers = self.with(|s| std::mem::take(&mut s.wakers));
        wakers.into_iter().for_each(Waker::wake);
    }

    fn wait(&self, cx: &Context<'_>) {
        self.with(|s| {
            if !s.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                s.wakers.push(cx.waker().clone());
            }
        });
    }
}

/// The early answer's value, once (see [`FirstRequests::take_list`]).
struct Take<T>(Arc<Answer<T>>);

impl<T> Future for Take<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let answer = &self.0;
        match answer.with(|s| s.done.then(|| s.value.take())) {
            Some(value) => Poll::Ready(value),
            None => {
                answer.wait(cx);
                Poll::Pending
            }
        }
    }
}

/// The answer has come, or the time to wait for it has passed.
struct Settled<T> {
    answer: Arc<Answer<T>>,
    wait: Duration,
    /// The timer started by the first poll.
    timer_started: bool,
    /// Set by the timer.
    expired: Arc<AtomicBool>,
}

impl<T: 'static> Future for Settled<T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.answer.with(|s| s.done) || self.expired.load(Ordering::Relaxed) {
            return Poll::Ready(());
        }
        if !self.timer_started {
            self.timer_started = true;
            let (expired, answer) = (Arc::clone(&self.expired), Arc::clone(&self.answer));
            set_timeout(
                move || {
                    expired.store(true, Ordering::Relaxed);
                    answer.wake_all();
                },
                self.wait,
            );
        }
        self.answer.wait(cx);
        Poll::Pending
    }
}

type ListAnswer = Result<List<Stream>, ApiError>;

/// The first requests of this visit, provided by the router to every page (see the
/// module's documentation).
#[derive(Clone)]
pub struct FirstRequests {
    /// The stream list's page asked at the start, and the view it was asked for.
    list: Option<(ListParams, Arc<Answer<ListAnswer>>)>,
}

impl FirstRequests {
    /// Asks what the page at `path` will need first (the stream list at
    /// [`crate::paths::STREAMS`], in the view `list_view` reads from the URL) and
    /// provides the answers to everything below the calling component. The caller
    /// [expires](Self::expire) them when the visit leaves `path`.
    pub fn start(path: &str, list_view: impl FnOnce() -> ListParams) -> Self {
        let list = (path == crate::paths::STREAMS).then(|| {
            let params = list_view();
            let answer = Answer::new();
            let (asked, filled) = (params.clone(), Arc::clone(&answer));
            leptos::task::spawn_local(async move {
                filled.set(api::list_streams(&asked).await);
            });
            (params, answer)
        });
        let first = FirstRequests { list };
        provide_context(first.clone());
        first
    }

    /// The visit left its first page (a redirect to sign in, a click): answers nobody
    /// took are not handed out any more, since they may be stale when that page opens
    /// again.
    pub fn expire(&self) {
        if let Some((_, answer)) = &self.list {
            answer.with(|s| s.claimed = true);
        }
    }

    /// The first requests, where the router provided them.
    pub fn get() -> Option<Self> {
        use_context()
    }

    /// Resolves when every first request has answered, or after `wait` at most.
    pub fn settled_within(&self, wait: Duration) -> impl Future<Output = ()> + Send + 'static {
        let answer = self.list.as_ref().map(|(_, answer)| Arc::clone(answer));
        async move {
            if let Some(answer) = answer {
                Settled {
                    answer,
                    wait,
                    timer_started: false,
                    expired: Arc::new(AtomicBool::new(false)),
                }
                .await;
            }
        }
    }

    /// The early answer for the stream list in the view `params`, if one was asked for
    /// that view and no page took it yet; it resolves when the request answers.
    pub fn take_list(
        &self,
        params: &ListParams,
    ) -> Option<impl Future<Output = ListAnswer> + 'static> {
        let (asked, answer) = self.list.as_ref()?;
        let mine = asked == params && answer.with(|s| !std::mem::replace(&mut s.claimed, true));
        mine.then(|| {
            let (answer, params) = (Arc::clone(answer), params.clone());
            async move {
                match Take(answer).await {
                    Some(list) => list,
                    // Unreachable while one page claims it; asking again is the right answer.
                    None => api::list_streams(&params).await,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::model::ListMeta;
    use shared::stream::Tag;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    /// Counts how often the future waiting on it was woken.
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn early(params: ListParams) -> (FirstRequests, Arc<Answer<ListAnswer>>) {
        let answer = Answer::new();
        let first = FirstRequests {
            list: Some((params, Arc::clone(&answer))),
        };
        (first, answer)
    }

    fn tagged(tag: &str) -> ListParams {
        let mut params = ListParams::default();
        params.add_tag(Tag::parse(tag).expect("valid tag"));
        params
    }

    fn list_of(total: u64) -> List<Stream> {
        List {
            items: Vec::new(),
            meta: ListMeta {
                total,
                page: Some(1),
                per_page: Some(25),
            },
        }
    }

    #[test]
    fn the_early_list_goes_to_one_page_of_the_same_view() {
        let (first, _) = early(tagged("sport"));
        assert!(first.take_list(&tagged("news")).is_none());
        assert!(first.take_list(&ListParams::default()).is_none());
        assert!(first.take_list(&tagged("sport")).is_some());
        // Claimed: a second page of the same view asks the server itself.
        assert!(first.take_list(&tagged("sport")).is_none());
        let none = FirstRequests { list: None };
        assert!(none.take_list(&ListParams::default()).is_none());
    }

    #[test]
    fn an_expired_early_list_is_not_handed_out() {
        let (first, answer) = early(ListParams::default());
        answer.set(Err(ApiError::Network));
        first.expire();
        assert!(first.take_list(&ListParams::default()).is_none());
    }

    #[test]
    fn the_page_waiting_for_the_early_list_is_woken_with_its_answer() {
        let (first, answer) = early(ListParams::default());
        let mut taken = Box::pin(first.take_list(&ListParams::default()).expect("same view"));
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&count));
        let mut cx = Context::from_waker(&waker);
        assert!(taken.as_mut().poll(&mut cx).is_pending());
        // Polled again (as an executor may): woken once all the same.
        assert!(taken.as_mut().poll(&mut cx).is_pending());
        assert_eq!(count.0.load(Ordering::SeqCst), 0);

        answer.set(Ok(list_of(7)));
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        match taken.as_mut().poll(&mut cx) {
            Poll::Ready(Ok(list)) => assert_eq!(list.meta.total, 7),
            other => panic!("expected the early answer, got {other:?}"),
        }
    }

    #[test]
    fn a_failed_early_list_reaches_the_page_as_its_error() {
        let (first, answer) = early(ListParams::default());
        let mut taken = Box::pin(first.take_list(&ListParams::default()).expect("same view"));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(taken.as_mut().poll(&mut cx).is_pending());
        answer.set(Err(ApiError::Network));
        assert!(matches!(
            taken.as_mut().poll(&mut cx),
            Poll::Ready(Err(ApiError::Network))
        ));
    }

    #[test]
    fn the_layout_stops_waiting_once_the_early_list_answered() {
        let (first, answer) = early(ListParams::default());
        answer.set(Ok(list_of(0)));
        let mut settled = Box::pin(first.settled_within(Duration::from_millis(150)));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(settled.as_mut().poll(&mut cx).is_ready());
        // Nothing asked early (another page): nothing to wait for.
        let mut nothing =
            Box::pin(FirstRequests { list: None }.settled_within(Duration::from_millis(150)));
        assert!(nothing.as_mut().poll(&mut cx).is_ready());
    }
}
