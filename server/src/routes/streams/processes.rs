//! The processes of a stream (`/streams/{id}/processes`): each with its settings, where it
//! stands and what it last produced, and a change of one process's settings.
//!
//! Where a process stands is `shared::model::process_state` over the stream as stored and
//! what the server saw: the process board's report for live processing, the transcoders
//! for transcoding. A change goes through the same rules as the stream's `processing` in
//! `PATCH /streams/{id}` (the packages, the bounds, no deleted stream), keyed by the
//! fields of the body.

use super::{check_processing_features, load, not_deleted, view, IdPath};
use crate::auth::{Auth, Principal, Writer};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::store::{StreamChange, StreamRecord};
use axum::extract::State;
use axum::Json;
use shared::model::{
    process_state, AssetRef, List, Organisation, Process, ProcessKind, ProcessSettings,
    ProcessState, RecordingAsset, ReplaySession, Seen, TranscodingSettings,
};
use shared::stream::{DurationPatch, MotionClipsPatch, ProcessingPatch, ThumbnailsPatch};
use shared::ErrorBody;
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_processes))
        .routes(routes!(get_transcoding))
        .routes(routes!(get_thumbnails, patch_thumbnails))
        .routes(routes!(get_motion_clips, patch_motion_clips))
        .routes(routes!(get_recording, patch_recording))
        .routes(routes!(get_replay, patch_replay))
}

/// What the processes of one stream are built from, loaded once.
struct Loaded {
    stream: StreamRecord,
    group: Vec<StreamRecord>,
    org: Organisation,
    recordings: Vec<RecordingAsset>,
    replays: Vec<ReplaySession>,
}

async fn loaded(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<Loaded> {
    let stream = load(state, p, id).await?;
    let org = state.store.organisation(p.org_id).await?;
    let group = state.store.members(stream.group_id).await?;
    let (recordings, replays) = state.store.stream_assets(stream.id).await?;
    Ok(Loaded {
        stream,
        group,
        org,
        recordings,
        replays,
    })
}

/// Process `kind` of the loaded stream.
fn process(state: &AppState, l: &Loaded, kind: ProcessKind) -> Process {
    let r = &l.stream;
    let (settings, seen, next_run, last_output) = match ProcessSettings::of(kind, &r.processing) {
        Some(settings) => {
            let report = state.processes.get(r.id, kind);
            let last_output = match kind {
                ProcessKind::Thumbnails => r.thumbnail.clone(),
                ProcessKind::MotionClips => r.motion_clip.clone(),
                ProcessKind::Recording => l.recordings.first().map(|f| AssetRef {
                    url: f.url.clone(),
                    updated_at: f.session_start,
                }),
                ProcessKind::Replay => l.replays.first().map(|s| AssetRef {
                    url: s.replay_url.clone(),
                    updated_at: s.session_start,
                }),
                ProcessKind::Transcoding => None,
            };
            (
                settings,
                report.as_ref().map(|r| r.seen()),
                report.and_then(|r| r.next_run),
                last_output,
            )
        }
        None => {
            let (settings, seen) = transcoding(state, r, &l.group);
            (settings, seen, None, None)
        }
    };
    let (state_now, reason) = process_state(
        kind,
        settings.enabled(),
        &l.org.features,
        r.state,
        seen.as_ref(),
    );
    Process {
        kind,
        settings,
        next_run: next_run.filter(|_| state_now == ProcessState::Running),
        state: state_now,
        reason,
        last_output,
    }
}

/// The transcoding of `r`: a transcode's own transcoder; for a passthrough, those of
/// every transcode of its group (failed if one failed, running when all run).
fn transcoding(
    state: &AppState,
    r: &StreamRecord,
    group: &[StreamRecord],
) -> (ProcessSettings, Option<Seen>) {
    let transcodes: Vec<&StreamRecord> = if r.index == 0 {
        group.iter().filter(|m| m.index > 0).collect()
    } else {
        vec![r]
    };
    let settings = ProcessSettings::Transcoding(TranscodingSettings {
        enabled: !transcodes.is_empty(),
        profiles: transcodes
            .iter()
            .filter_map(|m| m.profile.clone())
            .collect(),
    });
    let seen = transcodes.iter().fold(Seen::Running, |seen, m| {
        // A passthrough's reason says which rendition it is about.
        let name = |why: &str| match (&m.profile, r.index) {
            (Some(profile), 0) => format!("{}: {why}", profile.label()),
            _ => why.to_string(),
        };
        seen.together(Seen::of_transcoder(
            state.transcoders.status(m.id).as_ref(),
            name,
        ))
    });
    (settings, Some(seen))
}

/// Changes the settings of live process `kind` of stream `id` by `patch` (which names
/// only that process) and answers the process.
async fn change(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    kind: ProcessKind,
    patch: ProcessingPatch,
) -> ApiResult<Json<Process>> {
    load(state, p, id).await?;
    p.require::<Writer>()?;
    let org = state.store.organisation(p.org_id).await?;
    check_processing_features(&org, &patch)?;
    // Bounds are keyed `thumbnails.interval_s`: the body's field is `interval_s`.
    let prefix = format!("{kind}.");
    state
        .store
        .update_stream(p.org_id, id, |current| {
            let processing = current.processing.apply(&patch).map_err(|errors| {
                let fields: BTreeMap<String, String> = errors
                    .into_iter()
                    .map(|(k, v)| (k.strip_prefix(&prefix).unwrap_or(&k).to_string(), v))
                    .collect();
                ApiError::fields("", fields)
            })?;
            not_deleted(current)?;
            Ok::<_, ApiError>(StreamChange {
                processing: Some(processing),
                ..StreamChange::default()
            })
        })
        .await?;
    let l = loaded(state, p, id).await?;
    state.events.updated(p.org_id, &view::changed(&l.stream));
    Ok(Json(process(state, &l, kind)))
}

async fn one(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    kind: ProcessKind,
) -> ApiResult<Json<Process>> {
    let l = loaded(state, p, id).await?;
    Ok(Json(process(state, &l, kind)))
}

/// Every process of a stream (transcoding, thumbnails, motion clips, recording, replay),
/// each with its settings, where it stands, its last output and next run.
#[utoipa::path(
    get, path = "/streams/{id}/processes", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Stream id")),
    responses(
        (status = 200, body = List<Process>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn list_processes(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<List<Process>>> {
    let l = loaded(&state, &p, id).await?;
    let all = ProcessKind::ALL
        .into_iter()
        .map(|kind| process(&state, &l, kind))
        .collect();
    Ok(Json(List::all(all)))
}

/// The transcoding of a stream: a transcode's transcoder, or for a passthrough those of
/// its group's transcodes. Changed through the group's profiles, not here.
#[utoipa::path(
    get, path = "/streams/{id}/processes/transcoding", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Stream id")),
    responses(
        (status = 200, body = Process),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn get_transcoding(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<Process>> {
    one(&state, &p, id, ProcessKind::Transcoding).await
}

/// The `GET` and `PATCH` of one process of live processing: the same handlers for each,
/// with its own path and body type in the document.
macro_rules! live_process {
    ($get:ident, $patch:ident, $path:literal, $kind:expr, $entry:ident, $body:ty, $what:literal) => {
        #[doc = concat!("The ", $what, " of a stream.")]
        #[utoipa::path(
            get, path = $path, tag = "streams",
            params(("id" = uuid::Uuid, Path, description = "Stream id")),
            responses(
                (status = 200, body = Process),
                (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
            ),
            security(("session" = []), ("api_key" = []))
        )]
        async fn $get(
            State(state): State<AppState>,
            Auth(p, ..): Auth,
            IdPath(id): IdPath,
        ) -> ApiResult<Json<Process>> {
            one(&state, &p, id, $kind).await
        }

        #[doc = concat!(
            "Changes a stream's ", $what, " (as `processing.", stringify!($entry),
            "` of `PATCH /streams/{id}`)."
        )]
        #[utoipa::path(
            patch, path = $path, tag = "streams",
            params(("id" = uuid::Uuid, Path, description = "Stream id")),
            request_body = $body,
            responses(
                (status = 200, body = Process),
                (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                (status = 409, description = "The stream is deleted", body = ErrorBody), (status = 422, body = ErrorBody),
            ),
            security(("session" = []), ("api_key" = []))
        )]
        async fn $patch(
            State(state): State<AppState>,
            Auth(p, ..): Auth,
            IdPath(id): IdPath,
            ApiJson(req): ApiJson<$body>,
        ) -> ApiResult<Json<Process>> {
            let patch = ProcessingPatch {
                $entry: Some(req),
                ..ProcessingPatch::default()
            };
            change(&state, &p, id, $kind, patch).await
        }
    };
}

live_process!(
    get_thumbnails,
    patch_thumbnails,
    "/streams/{id}/processes/thumbnails",
    ProcessKind::Thumbnails,
    thumbnails,
    ThumbnailsPatch,
    "thumbnails"
);
live_process!(
    get_motion_clips,
    patch_motion_clips,
    "/streams/{id}/processes/motion_clips",
    ProcessKind::MotionClips,
    motion_clips,
    MotionClipsPatch,
    "motion clips"
);
live_process!(
    get_recording,
    patch_recording,
    "/streams/{id}/processes/recording",
    ProcessKind::Recording,
    recording,
    DurationPatch,
    "recording"
);
live_process!(
    get_replay,
    patch_replay,
    "/streams/{id}/processes/replay",
    ProcessKind::Replay,
    replay,
    DurationPatch,
    "live replay"
);
