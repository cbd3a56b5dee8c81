//! Streams: list, create, read, change, tags, lock / unlock / delete, profiles, presets,
//! test sources, processes.
//!
//! Handlers follow one order: parse the body (a malformed one is 422 at once), load the
//! stream in the caller's organisation (anyone else's is 404), check the role (403), the
//! organisation's features (403 `feature_disabled`) and limits, then the state (409).

mod processes;
mod profiles;
mod query;
mod test_source;
pub(crate) mod transition;
pub(crate) mod view;

use super::{require_feature, IdPath};
use crate::auth::{AdminOnly, Auth, Principal, Writer};
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;
use crate::store::{
    NewGroup, NewMember, StoreError, StreamChange, StreamRecord, TransitionEffects,
};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use shared::listing::ListParams;
use shared::model::{
    Assets, CreateStream, Feature, HealthHistory, List, ListMeta, Organisation, Presets,
    ProcessKind, SetTags, Stream, StreamItem, UpdateStream,
};
use shared::snippet::{self, PlayerUrls, SnippetSettings, SnippetTarget, Snippets};
use shared::stream::{
    ladder_violation, presets, Processing, ProcessingPatch, StreamAction, StreamState,
};
use shared::ErrorBody;
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_streams, create_stream))
        .routes(routes!(get_stream, update_stream, delete_stream))
        .routes(routes!(set_tags))
        .routes(routes!(lock_stream))
        .routes(routes!(unlock_stream))
        .routes(routes!(profiles::add_profile))
        .routes(routes!(profiles::update_profile, profiles::remove_profile))
        .routes(routes!(
            test_source::start_test_source,
            test_source::get_test_source,
            test_source::stop_test_source
        ))
        .routes(routes!(get_health))
        .routes(routes!(get_snippets))
        .routes(routes!(get_player_urls))
        .routes(routes!(list_presets))
        .merge(processes::router())
}

/// Loads a stream of the caller's organisation; anything else is 404.
pub(crate) async fn load(
    state: &AppState,
    p: &Principal,
    id: uuid::Uuid,
) -> ApiResult<StreamRecord> {
    state.store.stream(p.org_id, id).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::not_found("stream"),
        e => e.into(),
    })
}

/// Refuses changes to deleted streams.
fn not_deleted(s: &StreamRecord) -> ApiResult<()> {
    if s.state == StreamState::Deleted {
        return Err(ApiError::Conflict(
            "The stream is deleted; deleted streams cannot be changed.".into(),
        ));
    }
    Ok(())
}

/// Switching a process on needs its packages (`ProcessKind::needs`: `live_processing`;
/// recording also `vod`).
fn check_processing_features(org: &Organisation, patch: &ProcessingPatch) -> ApiResult<()> {
    for kind in patch.enables().filter_map(ProcessKind::parse) {
        for feature in kind.needs() {
            require_feature(org, *feature)?;
        }
    }
    Ok(())
}

/// Applies a processing patch; bound errors are keyed under `prefix`.
fn apply_processing(
    base: &Processing,
    patch: &ProcessingPatch,
    prefix: &str,
) -> ApiResult<Processing> {
    base.apply(patch)
        .map_err(|errors| ApiError::fields(prefix, errors))
}

/// The answer of every endpoint that answers one stream (`GET /streams/{id}`, create,
/// change, tags, lock, unlock, the profiles): the stream object of `r` with its whole
/// group and its assets, loaded from the store now. List items are built by
/// [`view::list_item`] instead, without assets.
pub(crate) async fn answer(
    state: &AppState,
    org: &Organisation,
    r: &StreamRecord,
) -> ApiResult<Stream> {
    let group = state.store.members(r.group_id).await?;
    let (recordings, replays) = state.store.stream_assets(r.id).await?;
    let assets = Assets {
        recordings,
        replays,
        ..Assets::default()
    };
    Ok(view::stream(
        r,
        &group,
        org,
        &state.settings,
        &state.transcoders,
        &state.health,
        assets,
    ))
}

/// Streams of the organisation, filtered and paginated (see docs/api.md, "Listing").
#[utoipa::path(
    get, path = "/streams", tag = "streams",
    params(ListParams),
    responses(
        (status = 200, description = "Items without `assets`; `playouts` in grouped mode; `thumbnail` when there is one", body = List<StreamItem>),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn list_streams(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<List<Stream>>> {
    let params = query::params(raw.as_deref().unwrap_or_default())?;
    let filter = query::filter(&params, chrono::Utc::now());
    let org = state.store.organisation(p.org_id).await?;
    let (records, total) = match &params.q {
        Some(lookup) => {
            let found = state.store.find_stream(p.org_id, lookup).await?;
            let total = u64::from(found.is_some());
            (found.into_iter().collect::<Vec<_>>(), total)
        }
        None => state.store.list_streams(p.org_id, &filter).await?,
    };
    let group_ids: Vec<uuid::Uuid> = records.iter().map(|r| r.group_id).collect();
    let groups = state.store.members_of(&group_ids).await?;
    let items = records
        .iter()
        .map(|r| {
            let group = groups
                .get(&r.group_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            view::list_item(
                r,
                group,
                &org,
                &state.settings,
                &state.transcoders,
                &state.health,
                params.grouped,
            )
        })
        .collect();
    Ok(Json(List {
        items,
        meta: ListMeta {
            total,
            page: Some(params.page),
            per_page: Some(params.per_page.get()),
        },
    }))
}

/// Creates a stream: the passthrough, and a group when transcodes are given.
#[utoipa::path(
    post, path = "/streams", tag = "streams",
    request_body = CreateStream,
    responses(
        (status = 201, description = "The group's passthrough", body = Stream),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "Invalid, or limit_reached past max_transcodes", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn create_stream(
    State(state): State<AppState>,
    Auth(p, ..): Auth<Writer>,
    ApiJson(req): ApiJson<CreateStream>,
) -> ApiResult<(StatusCode, Json<Stream>)> {
    // What the body says, checked in itself.
    let empty = ProcessingPatch::default();
    let base_patch = req.processing.as_ref().unwrap_or(&empty);
    let base = apply_processing(&Processing::default(), base_patch, "processing.")?;
    let mut errors = BTreeMap::new();
    let mut members = vec![NewMember {
        profile: None,
        tags: req.tags.clone(),
        processing: base,
    }];
    for (i, t) in req.transcodes.iter().enumerate() {
        let profile = match t.profile().resolve() {
            Ok(profile) => Some(profile),
            Err(e) => {
                errors.extend(
                    e.into_iter()
                        .map(|(k, v)| (format!("transcodes[{i}].{k}"), v)),
                );
                None
            }
        };
        let processing = match &t.processing {
            Some(own) => apply_processing(
                &Processing::default(),
                own,
                &format!("transcodes[{i}].processing."),
            )?,
            None => base,
        };
        members.push(NewMember {
            profile,
            tags: t.tags.clone().unwrap_or_default(),
            processing,
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::fields("", errors));
    }
    let bitrates: Vec<u32> = members
        .iter()
        .filter_map(|m| m.profile.as_ref())
        .map(|p| p.bitrate_kbps)
        .collect();
    if let Some(i) = ladder_violation(&bitrates) {
        return Err(ladder_error(
            &format!("transcodes[{i}].bitrate_kbps"),
            bitrates[i - 1],
        ));
    }
    // What the organisation allows.
    let org = state.store.organisation(p.org_id).await?;
    if !req.transcodes.is_empty() {
        require_feature(&org, Feature::Transcoding)?;
    }
    check_processing_features(&org, base_patch)?;
    for t in &req.transcodes {
        if let Some(own) = &t.processing {
            check_processing_features(&org, own)?;
        }
    }
    let max = org.limits.max_transcodes as usize;
    if req.transcodes.len() > max {
        return Err(ApiError::LimitReached(format!(
            "Your organisation allows at most {max} transcodes per stream group."
        )));
    }
    let now = crate::store::now_millis();
    let group = NewGroup {
        members,
        timecode: req.timecode.unwrap_or_default(),
        push_url: req.push_url.map(String::from),
        state: StreamState::Created,
        ever_live: false,
        created_at: now,
        updated_at: now,
    };
    let created = state
        .store
        .create_group(p.org_id, &org.hash, &group)
        .await?;
    for r in &created {
        state.events.created(p.org_id, &view::changed(r));
    }
    let head = created
        .first()
        .ok_or_else(|| ApiError::Internal("a created group has no passthrough".into()))?;
    tracing::info!(stream = %head.id, members = created.len(), "stream created");
    Ok((StatusCode::CREATED, Json(answer(&state, &org, head).await?)))
}

/// The 422 of the ladder rule.
fn ladder_error(field: &str, above_kbps: u32) -> ApiError {
    ApiError::field(
        field,
        format!("must be lower than the bitrate of the quality above it ({above_kbps} kbit/s)"),
    )
}

/// The player snippets of a stream (iframe, HTML with the player script, live and embed
/// URLs), the same text the dashboard computes with `shared::snippet`.
#[utoipa::path(
    get, path = "/streams/{id}/snippets", tag = "streams",
    params(
        ("id" = uuid::Uuid, Path, description = "Stream id (any member; the player plays its group)"),
        SnippetSettings,
    ),
    responses(
        (status = 200, body = Snippets),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Unknown setting, index beyond the group, or a token that is not a JWT"),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn get_snippets(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
    ApiQuery(settings): ApiQuery<SnippetSettings>,
) -> ApiResult<Json<Snippets>> {
    let r = load(&state, &p, id).await?;
    let group = state.store.members(r.group_id).await?;
    let target = SnippetTarget {
        stream_id: r.id,
        group_id: r.group_id,
        qualities: u32::try_from(group.len()).unwrap_or(u32::MAX),
    };
    snippet::snippets(&state.settings.player, &target, &settings)
        .map(Json)
        .map_err(|errors| ApiError::fields("", errors))
}

/// A live stream's ingest health now and its readings of the last five minutes, oldest
/// first (one a second); both empty when it is not live. The same callers as
/// `GET /streams/{id}`.
#[utoipa::path(
    get, path = "/streams/{id}/health", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Stream id (any member)")),
    responses((status = 200, body = HealthHistory), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = []))
)]
async fn get_health(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<HealthHistory>> {
    let r = load(&state, &p, id).await?;
    if r.state != StreamState::Live {
        return Ok(Json(HealthHistory {
            current: None,
            samples: Vec::new(),
        }));
    }
    Ok(Json(state.health.history(r.id)))
}

/// One stream by id (any member of a group), with its group and assets.
#[utoipa::path(
    get, path = "/streams/{id}", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Stream id (any member)")),
    responses((status = 200, body = Stream), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = []))
)]
async fn get_stream(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<Stream>> {
    let r = load(&state, &p, id).await?;
    let org = state.store.organisation(p.org_id).await?;
    Ok(Json(answer(&state, &org, &r).await?))
}

/// Changes tags, push URL, timecode (group-wide) or processing of one stream.
#[utoipa::path(
    patch, path = "/streams/{id}", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Stream id")),
    request_body = UpdateStream,
    responses(
        (status = 200, body = Stream),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The stream is deleted", body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn update_stream(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<UpdateStream>,
) -> ApiResult<Json<Stream>> {
    load(&state, &p, id).await?;
    p.require::<Writer>()?;
    let org = state.store.organisation(p.org_id).await?;
    if let Some(patch) = &req.processing {
        check_processing_features(&org, patch)?;
    }
    let group_wide = req.timecode.is_some() || req.sync_processing_to_group;
    state
        .store
        .update_stream(p.org_id, id, |current| {
            // Merged with the processing as it is now, not as it was when the request came.
            let processing = match &req.processing {
                Some(patch) => Some(apply_processing(&current.processing, patch, "processing.")?),
                None if req.sync_processing_to_group => Some(current.processing),
                None => None,
            };
            not_deleted(current)?;
            Ok::<_, ApiError>(StreamChange {
                tags: req.tags,
                push_url: req.push_url.map(|u| u.map(String::from)),
                timecode: req.timecode,
                processing,
                sync_processing: req.sync_processing_to_group,
            })
        })
        .await?;
    let after = load(&state, &p, id).await?;
    let group = state.store.members(after.group_id).await?;
    for m in &group {
        if group_wide || m.id == after.id {
            state.events.updated(p.org_id, &view::changed(m));
        }
    }
    Ok(Json(answer(&state, &org, &after).await?))
}

/// Replaces a stream's tags.
#[utoipa::path(
    put, path = "/streams/{id}/tags", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Stream id")),
    request_body = SetTags,
    responses(
        (status = 200, body = Stream),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn set_tags(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<SetTags>,
) -> ApiResult<Json<Stream>> {
    load(&state, &p, id).await?;
    p.require::<Writer>()?;
    state
        .store
        .update_stream(p.org_id, id, |current| {
            not_deleted(current)?;
            Ok::<_, ApiError>(StreamChange {
                tags: Some(req.tags),
                ..StreamChange::default()
            })
        })
        .await?;
    let after = load(&state, &p, id).await?;
    state.events.updated(p.org_id, &view::changed(&after));
    let org = state.store.organisation(p.org_id).await?;
    Ok(Json(answer(&state, &org, &after).await?))
}

/// Applies a state-machine action to the whole group of stream `id`.
async fn act(
    state: &AppState,
    p: &Principal,
    id: uuid::Uuid,
    action: StreamAction,
) -> ApiResult<StreamRecord> {
    let target = load(state, p, id).await?;
    p.require::<AdminOnly>()?;
    let head = load(state, p, target.group_id).await?;
    let from = head.state;
    let to = from
        .after(action, head.ever_live)
        .ok_or_else(|| refused(action, from))?;
    let effects = TransitionEffects {
        cut_ingest: action == StreamAction::Lock && from == StreamState::Live,
        clear_cut: action == StreamAction::Unlock,
        ..TransitionEffects::default()
    };
    if transition::move_group(state, &head, to, effects)
        .await?
        .is_none()
    {
        // Someone else changed the state first; report where it is now.
        let now = load(state, p, head.group_id).await?;
        return Err(refused(action, now.state));
    }
    load(state, p, id).await
}

/// The 409 of a refused transition, naming the current state.
pub(crate) fn refused(action: StreamAction, current: StreamState) -> ApiError {
    let verb = match action {
        StreamAction::Publish => "start ingest for",
        StreamAction::PublishDone => "end ingest of",
        StreamAction::Lock => "lock",
        StreamAction::Unlock => "unlock",
        StreamAction::Delete => "delete",
    };
    ApiError::Conflict(format!("Cannot {verb} the stream: it is {current}."))
}

/// Stop & lock: the whole group; a live ingest is cut.
#[utoipa::path(
    post, path = "/streams/{id}/lock", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Any member of the group")),
    responses(
        (status = 200, description = "The stream, now locked", body = Stream),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Not allowed from the current state", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn lock_stream(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<Stream>> {
    let r = act(&state, &p, id, StreamAction::Lock).await?;
    let org = state.store.organisation(p.org_id).await?;
    Ok(Json(answer(&state, &org, &r).await?))
}

/// Unlock: the whole group goes back to `ended` (or `created` if never live).
#[utoipa::path(
    post, path = "/streams/{id}/unlock", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Any member of the group")),
    responses(
        (status = 200, body = Stream),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn unlock_stream(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<Stream>> {
    let r = act(&state, &p, id, StreamAction::Unlock).await?;
    let org = state.store.organisation(p.org_id).await?;
    Ok(Json(answer(&state, &org, &r).await?))
}

/// Soft-deletes the whole group: hidden from the default list, ingest refused, kept.
#[utoipa::path(
    delete, path = "/streams/{id}", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Any member of the group")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Already deleted", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
async fn delete_stream(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    act(&state, &p, id, StreamAction::Delete).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The transcoding presets offered by id.
#[utoipa::path(
    get, path = "/profiles/presets", tag = "streams",
    responses((status = 200, body = Presets), (status = 401, body = ErrorBody)),
    security(("session" = []), ("api_key" = []))
)]
async fn list_presets(Auth(_p, ..): Auth) -> Json<Presets> {
    Json(Presets { items: presets() })
}

/// The player addresses every snippet is built on (embed page, player script, watch
/// page), so the dashboard can compute snippets itself with `shared::snippet`.
#[utoipa::path(
    get, path = "/player", tag = "streams",
    responses((status = 200, body = PlayerUrls), (status = 401, body = ErrorBody)),
    security(("session" = []), ("api_key" = []))
)]
async fn get_player_urls(State(state): State<AppState>, Auth(_p, ..): Auth) -> Json<PlayerUrls> {
    Json(state.settings.player.clone())
}
