//! Stream events fanned out to Server-Sent-Event subscribers, in process and, on
//! PostgreSQL, to the other instances sharing the database.
//!
//! Publishing never waits: events go into a bounded broadcast channel. A subscriber that
//! falls more than [`CAPACITY`] events behind is dropped (its connection ends; browsers
//! reconnect) rather than slowing anyone down. Every event names its organisation and
//! subscribers only ever see their own organisation's.
//!
//! Access ends streams too: signing out, removing a user or deleting an API key announces
//! a [`Revoked`] here, and the event streams opened with it end at once.
//!
//! Several instances on one PostgreSQL database tell each other their events and
//! revocations through it ([`Events::share_through`]): each instance delivers its own at
//! once, sends them in order to the others with `NOTIFY`, and delivers what it hears from
//! them, so a dashboard sees every change whichever instance it went through.

use crate::store::Store;
use futures_util::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use shared::model::{HealthChanged, StateChanged, StreamChanged, StreamDeleted, StreamEvent};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch};
use uuid::Uuid;

/// Events a subscriber may be behind before it is dropped.
pub const CAPACITY: usize = 1024;

/// One event, already serialised.
#[derive(Debug, Clone)]
pub struct OrgEvent {
    pub org_id: Uuid,
    /// The SSE `event:` field, e.g. `stream.state_changed`.
    pub kind: &'static str,
    /// The SSE `data:` field (JSON).
    pub data: String,
}

/// Access that has ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Revoked {
    /// A session (by the hash of its token) ended: signed out.
    Session(String),
    /// A user was removed: every session of theirs ended.
    User(Uuid),
    /// An API key was deleted.
    ApiKey(Uuid),
}

/// Revocations a stream may miss before it ends anyway (it cannot tell whether it was
/// among them; the client reconnects and is authenticated afresh).
const REVOCATIONS: usize = 256;

/// The event bus, the revocations, and the server's shutdown flag (which ends open event
/// streams, so a graceful shutdown is not held up by them).
#[derive(Clone)]
pub struct Events {
    tx: broadcast::Sender<Arc<OrgEvent>>,
    revoked: broadcast::Sender<Arc<Revoked>>,
    shutdown: Arc<watch::Sender<bool>>,
    /// This instance, as the sender of what it shares.
    instance: Uuid,
    /// The queue to the other instances, once shared ([`Events::share_through`]).
    relay: Arc<OnceLock<mpsc::Sender<Shared>>>,
    /// The stream events the other instances sent, for the work this one runs on their
    /// behalf ([`Events::from_others`]).
    others: broadcast::Sender<Arc<StreamEvent>>,
}

/// What one instance tells the others: JSON in a `NOTIFY` payload.
#[derive(Debug, Serialize, Deserialize)]
struct Shared {
    /// The instance that sent it, which delivered it itself.
    from: Uuid,
    what: SharedWhat,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SharedWhat {
    Event {
        org: Uuid,
        kind: String,
        data: String,
    },
    Revoked(Revoked),
}

/// Messages for the other instances that may wait to be sent; past it, an instance that
/// cannot reach the database drops them (with a warning) rather than holding memory.
const RELAY_CAPACITY: usize = 4096;

impl Default for Events {
    fn default() -> Self {
        Events::new()
    }
}

impl Events {
    pub fn new() -> Events {
        let (tx, _) = broadcast::channel(CAPACITY);
        let (revoked, _) = broadcast::channel(REVOCATIONS);
        let (shutdown, _) = watch::channel(false);
        let (others, _) = broadcast::channel(CAPACITY);
        Events {
            others,
            tx,
            revoked,
            shutdown: Arc::new(shutdown),
            instance: Uuid::new_v4(),
            relay: Arc::new(OnceLock::new()),
        }
    }

    /// Sends `event` to the subscribers of `org_id`, here and on the other instances.
    pub fn publish(&self, org_id: Uuid, event: StreamEvent) {
        let e = Arc::new(OrgEvent {
            org_id,
            kind: event.kind(),
            data: event.data(),
        });
        self.share(SharedWhat::Event {
            org: org_id,
            kind: e.kind.to_string(),
            data: e.data.clone(),
        });
        // No subscribers is not an error.
        let _ = self.tx.send(e);
    }

    /// Queues `what` for the other instances, when shared.
    fn share(&self, what: SharedWhat) {
        let Some(relay) = self.relay.get() else {
            return;
        };
        let shared = Shared {
            from: self.instance,
            what,
        };
        if let Err(e) = relay.try_send(shared) {
            tracing::warn!(error = %e, "an event for the other instances was dropped");
        }
    }

    /// Shares this instance's events and revocations with the other instances on
    /// `store`'s database, and delivers theirs here, until shutdown (PostgreSQL; nothing
    /// on SQLite, or outside a Tokio runtime). Once per bus.
    pub fn share_through(&self, store: &Store) {
        if !store.is_shared() || tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let (tx, rx) = mpsc::channel(RELAY_CAPACITY);
        if self.relay.set(tx).is_err() {
            return;
        }
        tokio::spawn(send_shared(store.clone(), rx, self.until_shutdown()));
        tokio::spawn(receive_shared(self.clone(), store.clone()));
    }

    /// Delivers what another instance shared.
    fn deliver(&self, shared: Shared) {
        if shared.from == self.instance {
            return;
        }
        match shared.what {
            SharedWhat::Event { org, kind, data } => match StreamEvent::parse(&kind, &data) {
                Ok(event) => {
                    let kind = event.kind();
                    let _ = self.others.send(Arc::new(event));
                    let _ = self.tx.send(Arc::new(OrgEvent {
                        org_id: org,
                        kind,
                        data,
                    }));
                }
                Err(e) => {
                    tracing::warn!(%kind, error = %e, "an unknown event from another instance")
                }
            },
            SharedWhat::Revoked(what) => {
                let _ = self.revoked.send(Arc::new(what));
            }
        }
    }

    pub fn created(&self, org_id: Uuid, e: &StreamChanged) {
        self.publish(org_id, StreamEvent::Created(e.clone()));
    }

    pub fn updated(&self, org_id: Uuid, e: &StreamChanged) {
        self.publish(org_id, StreamEvent::Updated(e.clone()));
    }

    pub fn state_changed(&self, org_id: Uuid, e: &StateChanged) {
        self.publish(org_id, StreamEvent::StateChanged(e.clone()));
    }

    pub fn deleted(&self, org_id: Uuid, e: &StreamDeleted) {
        self.publish(org_id, StreamEvent::Deleted(e.clone()));
    }

    /// A live stream's health (the health sampler, once a second per stream).
    pub fn health(&self, org_id: Uuid, e: &HealthChanged) {
        self.publish(org_id, StreamEvent::Health(Box::new(e.clone())));
    }

    /// The events of `org` from now on, until shutdown. The stream ends when the
    /// subscriber has fallen more than [`CAPACITY`] events behind.
    pub fn stream_for(&self, org: Uuid) -> impl Stream<Item = Arc<OrgEvent>> + Send + 'static {
        let rx = self.tx.subscribe();
        stream::unfold(rx, move |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(e) if e.org_id == org => return Some((e, rx)),
                    Ok(_) => continue,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::info!(missed, "event subscriber fell behind; disconnecting it");
                        return None;
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        })
        .take_until(self.until_shutdown())
    }

    /// The stream events the other instances send from now on (none on SQLite): what the
    /// instance running the media server follows, so a change made through another one
    /// reaches the media server as if made here.
    pub fn from_others(&self) -> broadcast::Receiver<Arc<StreamEvent>> {
        self.others.subscribe()
    }

    /// Announces that access has ended, here and on the other instances.
    pub fn revoke(&self, what: Revoked) {
        self.share(SharedWhat::Revoked(what.clone()));
        let _ = self.revoked.send(Arc::new(what));
    }

    /// Completes once `ends(revocation)` holds for an announced revocation (or when some
    /// were missed, since one of them may have been it).
    pub fn until_revoked(
        &self,
        ends: impl Fn(&Revoked) -> bool + Send + 'static,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.revoked.subscribe();
        async move {
            loop {
                match rx.recv().await {
                    Ok(r) if ends(&r) => return,
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => return,
                    Err(RecvError::Closed) => std::future::pending::<()>().await,
                }
            }
        }
    }

    /// Ends every open event stream (called when the server begins shutting down).
    pub fn shut_down(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Completes once [`Events::shut_down`] was called.
    pub fn until_shutdown(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.shutdown.subscribe();
        async move {
            let _ = rx.wait_for(|down| *down).await;
        }
    }
}

/// Sends this instance's messages to the others, one at a time in the order they came.
async fn send_shared(
    store: Store,
    mut rx: mpsc::Receiver<Shared>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let send = async {
        while let Some(shared) = rx.recv().await {
            let Ok(payload) = serde_json::to_string(&shared) else {
                continue;
            };
            if let Err(e) = store.notify(&payload).await {
                tracing::warn!(error = %e, "an event could not be sent to the other instances");
            }
        }
    };
    tokio::select! {
        () = send => {}
        () = shutdown => {}
    }
}

/// Delivers what the other instances send, listening again a second after a failure.
async fn receive_shared(events: Events, store: Store) {
    let receive = async {
        loop {
            let mut notifications = match store.listen().await {
                Ok(Some(n)) => n,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen to the other instances; trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            loop {
                match notifications.recv().await {
                    Ok(payload) => match serde_json::from_str::<Shared>(&payload) {
                        Ok(shared) => events.deliver(shared),
                        Err(e) => {
                            tracing::warn!(error = %e, "an unreadable message from another instance")
                        }
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the other instances; listening again");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                }
            }
        }
    };
    tokio::select! {
        () = receive => {}
        () = events.until_shutdown() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::stream::StreamName;
    use shared::Timestamp;

    fn changed(n: u32) -> StreamChanged {
        StreamChanged {
            id: Uuid::from_u128(u128::from(n)),
            name: StreamName::parse("AbCdE-fGhIj").expect("valid"),
            streamgroup_id: Uuid::from_u128(u128::from(n)),
            at: Timestamp::from_millis(0).expect("epoch"),
        }
    }

    #[tokio::test]
    async fn subscribers_see_only_their_organisation() {
        let events = Events::new();
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut sub = Box::pin(events.stream_for(a));
        events.updated(b, &changed(1));
        events.state_changed(
            a,
            &StateChanged {
                id: Uuid::from_u128(7),
                name: StreamName::parse("AbCdE-fGhIj").expect("valid"),
                streamgroup_id: Uuid::from_u128(7),
                from: shared::stream::StreamState::Created,
                to: shared::stream::StreamState::Live,
                at: Timestamp::from_millis(0).expect("epoch"),
            },
        );
        let e = sub.next().await.expect("an event");
        assert_eq!(e.org_id, a);
        assert_eq!(e.kind, "stream.state_changed");
        assert!(
            e.data.contains(r#""from":"created","to":"live""#),
            "{}",
            e.data
        );
    }

    #[tokio::test]
    async fn a_subscriber_too_far_behind_is_dropped_and_publishers_never_wait() {
        let events = Events::new();
        let org = Uuid::from_u128(1);
        let mut slow = Box::pin(events.stream_for(org));
        // Publishing more than the channel holds returns at once.
        for n in 0..(CAPACITY as u32 + 10) {
            events.updated(org, &changed(n));
        }
        assert!(
            slow.next().await.is_none(),
            "the lagging subscriber's stream ends"
        );
        // A fresh subscriber is unaffected.
        let mut fresh = Box::pin(events.stream_for(org));
        events.updated(org, &changed(99));
        assert!(fresh
            .next()
            .await
            .expect("event")
            .data
            .contains("00000000-0000-0000-0000-000000000063"));
    }

    #[tokio::test]
    async fn a_revocation_ends_only_the_streams_it_concerns() {
        let events = Events::new();
        let key = Uuid::from_u128(5);
        let mut mine = Box::pin(events.until_revoked(move |r| *r == Revoked::ApiKey(key)));
        let mut other = Box::pin(events.until_revoked(|r| *r == Revoked::User(Uuid::nil())));
        events.revoke(Revoked::Session("abc".into()));
        events.revoke(Revoked::ApiKey(key));

        (&mut mine).await;
        assert!(futures_util::poll!(&mut other).is_pending());
    }

    #[tokio::test]
    async fn shutdown_ends_open_streams() {
        let events = Events::new();
        let mut sub = Box::pin(events.stream_for(Uuid::from_u128(1)));
        events.shut_down();
        assert!(sub.next().await.is_none());
    }
}
