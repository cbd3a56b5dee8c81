//! The one way a stream group changes state, whoever asks: the ingest hooks (publish,
//! publish done, a silent ingest), the API's actions (lock, unlock, delete) and the media
//! watches. The state machine itself is `shared::stream::StreamState::after`; this moves
//! the group in the store (compare and set), does what the move means outside the
//! database, and announces it.

use super::view;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::{StreamRecord, TransitionEffects};
use shared::stream::StreamState;
use shared::Timestamp;

/// Moves the group of `head` (its passthrough) from its state to `to`. `Ok(None)` when
/// the group was no longer in `head.state` (someone else moved it first); otherwise the
/// members as they are now. A locked or deleted group's test source stops; a cut ingest
/// (`effects.cut_ingest`) is dropped at the media server at once (its next update is
/// refused should that fail); the group's transcoders start when it goes live and stop
/// when it leaves `live`; every member's change is announced to the organisation.
pub(crate) async fn move_group(
    state: &AppState,
    head: &StreamRecord,
    to: StreamState,
    effects: TransitionEffects,
) -> ApiResult<Option<Vec<StreamRecord>>> {
    let from = head.state;
    let Some(group) = state
        .store
        .transition_group(head.group_id, from, to, effects)
        .await?
    else {
        return Ok(None);
    };
    if matches!(to, StreamState::Locked | StreamState::Deleted) {
        // Castboard's own encoder stops with the others (and is not restarted).
        state.test_sources.stop(head.group_id).await;
    }
    // Read again from the store, so a profile changed meanwhile is taken as it is now.
    state
        .transcoders
        .reconcile(&state.store, head.group_id)
        .await;
    if effects.cut_ingest {
        if let Err(e) = state.media.drop_publisher(head.name.as_str()).await {
            tracing::warn!(stream = %head.name, error = %e, "could not cut the ingest now");
        }
    }
    let at = Timestamp::from(chrono::Utc::now());
    for m in &group {
        state
            .events
            .state_changed(head.org_id, &view::state_changed(m, from));
        if to == StreamState::Deleted {
            state.events.deleted(head.org_id, &view::deleted(m, at));
        }
    }
    tracing::info!(group = %head.group_id, %from, %to, "stream state changed");
    Ok(Some(group))
}
