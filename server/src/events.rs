//! Stream events fanned out to Server-Sent-Event subscribers, in process.
//!
//! Publishing never waits: events go into a bounded broadcast channel. A subscriber that
//! falls more than [`CAPACITY`] events behind is dropped (its connection ends; browsers
//! reconnect) rather than slowing anyone down. Every event names its organisation and
//! subscribers only ever see their own organisation's.

use serde::Serialize;
use shared::model::{event_types, StateChanged, StreamChanged, StreamDeleted};
use std::sync::Arc;
use tokio::sync::{broadcast, watch};
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

/// The event bus and the server's shutdown flag (which ends open event streams, so a
/// graceful shutdown is not held up by them).
#[derive(Clone)]
pub struct Events {
    tx: broadcast::Sender<Arc<OrgEvent>>,
    shutdown: Arc<watch::Sender<bool>>,
}

impl Default for Events {
    fn default() -> Self {
        Events::new()
    }
}

impl Events {
    pub fn new() -> Events {
        let (tx, _) = broadcast::channel(CAPACITY);
        let (shutdown, _) = watch::channel(false);
        Events {
            tx,
            shutdown: Arc::new(shutdown),
        }
    }

    fn publish<T: Serialize>(&self, org_id: Uuid, kind: &'static str, data: &T) {
        let Ok(data) = serde_json::to_string(data) else {
            return;
        };
        // No subscribers is not an error.
        let _ = self.tx.send(Arc::new(OrgEvent { org_id, kind, data }));
    }

    pub fn created(&self, org_id: Uuid, e: &StreamChanged) {
        self.publish(org_id, event_types::CREATED, e);
    }

    pub fn updated(&self, org_id: Uuid, e: &StreamChanged) {
        self.publish(org_id, event_types::UPDATED, e);
    }

    pub fn state_changed(&self, org_id: Uuid, e: &StateChanged) {
        self.publish(org_id, event_types::STATE_CHANGED, e);
    }

    pub fn deleted(&self, org_id: Uuid, e: &StreamDeleted) {
        self.publish(org_id, event_types::DELETED, e);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<OrgEvent>> {
        self.tx.subscribe()
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
