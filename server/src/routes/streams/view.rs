//! Store records → the API's stream objects (URLs filled in from the settings).

use crate::media::{HealthMonitor, Transcoders};
use crate::state::Settings;
use crate::store::StreamRecord;
use shared::model::{
    Assets, Ingest, Member, Organisation, Playout, StateChanged, Stream, StreamChanged,
    StreamDeleted,
};
use shared::snippet::with_query;
use shared::stream::StreamState;
use shared::Timestamp;

/// A member item, with its transcoder as `transcoders` has it now.
pub fn member(r: &StreamRecord, transcoders: &Transcoders) -> Member {
    Member {
        id: r.id,
        name: r.name.clone(),
        state: r.state,
        streamgroup_id: r.group_id,
        index: r.index,
        profile: r.profile.clone(),
        tags: r.tags.clone(),
        push_url: r.push_url.clone(),
        processing: r.processing,
        transcoder: transcoders.status(r.id),
    }
}

/// What every stream answer holds: `r` with `group`, its whole group, passthrough first
/// (`[r]` when empty); neither `playouts` nor `assets`.
fn fields(
    r: &StreamRecord,
    group: &[StreamRecord],
    org: &Organisation,
    settings: &Settings,
    transcoders: &Transcoders,
    health: &HealthMonitor,
) -> Stream {
    let members = if group.is_empty() {
        vec![member(r, transcoders)]
    } else {
        group.iter().map(|m| member(m, transcoders)).collect()
    };
    Stream {
        id: r.id,
        name: r.name.clone(),
        state: r.state,
        streamgroup_id: r.group_id,
        index: r.index,
        profile: r.profile.clone(),
        tags: r.tags.clone(),
        push_url: r.push_url.clone(),
        timecode: r.timecode,
        processing: r.processing,
        created_at: r.created_at,
        updated_at: r.updated_at,
        ingest: Ingest {
            rtmp_url: settings.rtmp_url.clone(),
            streamname: r.name.clone(),
            last_seen_at: r.last_seen_at,
            cut_requested_at: r.cut_requested_at,
        },
        playout: Playout {
            live_url: format!("{}/{}", settings.player.watch_url, r.id),
            embed_url: with_query(
                &settings.player.embed_url,
                &[("group.id", r.group_id.to_string())],
            ),
            hls_url: crate::routes::hls_master_url(&settings.hls_url, r.id),
        },
        secure: org.features.secure,
        members,
        transcoder: transcoders.status(r.id),
        health: if r.state == StreamState::Live {
            health.current(r.id)
        } else {
            None
        },
        playouts: None,
        thumbnail: None,
        assets: None,
    }
}

/// A list item of `GET /streams`: no `assets` but the latest `thumbnail`; in grouped
/// mode with `playouts`, the number of members of its group.
pub fn list_item(
    r: &StreamRecord,
    group: &[StreamRecord],
    org: &Organisation,
    settings: &Settings,
    transcoders: &Transcoders,
    health: &HealthMonitor,
    grouped: bool,
) -> Stream {
    let mut item = fields(r, group, org, settings, transcoders, health);
    item.thumbnail = r.thumbnail.clone();
    if grouped {
        item.playouts = Some(u32::try_from(item.members.len()).unwrap_or(u32::MAX));
    }
    item
}

/// The stream object, the answer of every endpoint that answers one stream: `r` with
/// its group and its assets (`recordings` and `replays` as stored; the latest thumbnail
/// and motion clip are the record's own). Only [`super::answer`] calls it, after loading
/// both, so no single-stream answer can leave the assets out.
pub(super) fn stream(
    r: &StreamRecord,
    group: &[StreamRecord],
    org: &Organisation,
    settings: &Settings,
    transcoders: &Transcoders,
    health: &HealthMonitor,
    mut assets: Assets,
) -> Stream {
    assets.thumbnail = r.thumbnail.clone();
    assets.motion_clip = r.motion_clip.clone();
    Stream {
        assets: Some(assets),
        ..fields(r, group, org, settings, transcoders, health)
    }
}

pub fn changed(r: &StreamRecord) -> StreamChanged {
    StreamChanged {
        id: r.id,
        name: r.name.clone(),
        streamgroup_id: r.group_id,
        at: r.updated_at,
    }
}

pub fn state_changed(r: &StreamRecord, from: StreamState) -> StateChanged {
    StateChanged {
        id: r.id,
        name: r.name.clone(),
        streamgroup_id: r.group_id,
        from,
        to: r.state,
        at: r.updated_at,
    }
}

pub fn deleted(r: &StreamRecord, at: Timestamp) -> StreamDeleted {
    StreamDeleted {
        id: r.id,
        name: r.name.clone(),
        at,
    }
}
