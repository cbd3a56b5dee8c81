//! Transcoding profiles of a group: add, change, remove (`/streams/{group_id}/profiles`).

use super::{answer, ladder_error, load, not_deleted, view};
use crate::auth::{Auth, Principal, Writer};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::routes::require_feature;
use crate::state::AppState;
use crate::store::{NewMember, StreamRecord};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use shared::model::{Feature, ProfileSpec, Stream};
use shared::stream::{Processing, Profile, Tags};
use shared::{ErrorBody, Timestamp};
use uuid::Uuid;

/// `{group_id}` and `{member_id}` from the path; anything but two lowercase UUIDs is 404.
pub struct MemberPath(Uuid, Uuid);

impl<S: Send + Sync> FromRequestParts<S> for MemberPath {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((g, m)): Path<(String, String)> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("stream"))?;
        let parse = |s: &str| {
            Uuid::parse_str(s)
                .ok()
                .filter(|u| u.hyphenated().to_string() == s)
                .ok_or_else(|| ApiError::not_found("stream"))
        };
        Ok(MemberPath(parse(&g)?, parse(&m)?))
    }
}

/// The group of `id` (any member), passthrough first.
async fn group_of(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<Vec<StreamRecord>> {
    let r = load(state, p, id).await?;
    Ok(state.store.members(r.group_id).await?)
}

/// The member `member_id` of the group (404 when it is not in it).
fn member_in(group: &[StreamRecord], member_id: Uuid) -> ApiResult<&StreamRecord> {
    group
        .iter()
        .find(|m| m.id == member_id)
        .ok_or_else(|| ApiError::not_found("profile in this stream group"))
}

/// Refuses the passthrough with 409: it has no profile.
fn transcode(member: &StreamRecord) -> ApiResult<&StreamRecord> {
    if member.index == 0 {
        return Err(ApiError::Conflict(
            "The passthrough carries the ingest quality; it has no profile to change or remove."
                .into(),
        ));
    }
    Ok(member)
}

fn resolve(spec: &ProfileSpec) -> ApiResult<Profile> {
    spec.resolve()
        .map_err(|fields| ApiError::fields("", fields))
}

/// Bitrates of the transcodes with `replace` (index → profile) applied and `append` added.
fn ladder_with(
    group: &[StreamRecord],
    replace: Option<(u32, &Profile)>,
    append: Option<&Profile>,
) -> Vec<u32> {
    let mut rates: Vec<u32> = group
        .iter()
        .filter_map(|m| match replace {
            Some((idx, p)) if m.index == idx => Some(p.bitrate_kbps),
            _ => m.profile.as_ref().map(|p| p.bitrate_kbps),
        })
        .collect();
    if let Some(p) = append {
        rates.push(p.bitrate_kbps);
    }
    rates
}

/// Adds a transcode to a group (a single stream becomes a group).
#[utoipa::path(
    post, path = "/streams/{group_id}/profiles", tag = "streams",
    params(("group_id" = uuid::Uuid, Path, description = "The group (any member id works)")),
    request_body = ProfileSpec,
    responses(
        (status = 201, description = "The new member", body = Stream),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, description = "Invalid, ladder rule broken, or limit_reached", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
pub async fn add_profile(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    super::IdPath(id): super::IdPath,
    ApiJson(spec): ApiJson<ProfileSpec>,
) -> ApiResult<(StatusCode, Json<Stream>)> {
    let group = group_of(&state, &p, id).await?;
    p.require::<Writer>()?;
    let org = state.store.organisation(p.org_id).await?;
    require_feature(&org, Feature::Transcoding)?;
    let head = group.first().ok_or_else(|| ApiError::not_found("stream"))?;
    not_deleted(head)?;
    let profile = resolve(&spec)?;
    let max = org.limits.max_transcodes as usize;
    // Checked again on the group as it is when the member is written: a concurrent
    // addition may have taken the last place or changed the ladder.
    let created = state
        .store
        .add_member(head.group_id, &org.hash, |group| {
            let head = group.first().ok_or_else(|| ApiError::not_found("stream"))?;
            not_deleted(head)?;
            if group.len() > max {
                return Err(ApiError::LimitReached(format!(
                    "This stream group already has {} transcodes, the most your organisation allows.",
                    group.len() - 1
                )));
            }
            let rates = ladder_with(group, None, Some(&profile));
            if let Some(i) = shared::stream::ladder_violation(&rates) {
                return Err(ladder_error("bitrate_kbps", rates[i - 1]));
            }
            Ok(NewMember {
                profile: Some(profile),
                tags: Tags::default(),
                processing: Processing::default(),
            })
        })
        .await?;
    // A live group's new rendition starts now, from the running ingest.
    state
        .transcoders
        .reconcile(&state.store, created.group_id)
        .await;
    let group = state.store.members(created.group_id).await?;
    state.events.created(p.org_id, &view::changed(&created));
    if let Some(h) = group.first() {
        state.events.updated(p.org_id, &view::changed(h));
    }
    Ok((
        StatusCode::CREATED,
        Json(answer(&state, &org, &created).await?),
    ))
}

/// Changes a transcode's profile (the ladder rule still holds afterwards).
#[utoipa::path(
    patch, path = "/streams/{group_id}/profiles/{member_id}", tag = "streams",
    params(
        ("group_id" = uuid::Uuid, Path, description = "The group (any member id works)"),
        ("member_id" = uuid::Uuid, Path, description = "The transcode to change"),
    ),
    request_body = ProfileSpec,
    responses(
        (status = 200, description = "The member", body = Stream),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The passthrough, or a deleted group", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
pub async fn update_profile(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    MemberPath(group_id, member_id): MemberPath,
    ApiJson(spec): ApiJson<ProfileSpec>,
) -> ApiResult<Json<Stream>> {
    let group = group_of(&state, &p, group_id).await?;
    let member = member_in(&group, member_id)?;
    p.require::<Writer>()?;
    let member = transcode(member)?;
    let org = state.store.organisation(p.org_id).await?;
    require_feature(&org, Feature::Transcoding)?;
    not_deleted(member)?;
    let profile = resolve(&spec)?;
    let group_id = member.group_id;
    state
        .store
        .set_profile(group_id, member_id, |group| {
            let member = transcode(member_in(group, member_id)?)?;
            not_deleted(member)?;
            let rates = ladder_with(group, Some((member.index, &profile)), None);
            if let Some(i) = shared::stream::ladder_violation(&rates) {
                return Err(ladder_error("bitrate_kbps", rates[i - 1]));
            }
            Ok(profile)
        })
        .await?;
    // A live group's transcoder of this member restarts with the new profile.
    state.transcoders.reconcile(&state.store, group_id).await;
    let after = load(&state, &p, member_id).await?;
    state.events.updated(p.org_id, &view::changed(&after));
    Ok(Json(answer(&state, &org, &after).await?))
}

/// Removes a transcode; later ones move up an index. Its streamname is never reused.
#[utoipa::path(
    delete, path = "/streams/{group_id}/profiles/{member_id}", tag = "streams",
    params(
        ("group_id" = uuid::Uuid, Path, description = "The group (any member id works)"),
        ("member_id" = uuid::Uuid, Path, description = "The transcode to remove"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The passthrough, or a deleted group", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
pub async fn remove_profile(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    MemberPath(group_id, member_id): MemberPath,
) -> ApiResult<StatusCode> {
    let group = group_of(&state, &p, group_id).await?;
    let member = member_in(&group, member_id)?;
    p.require::<Writer>()?;
    let member = transcode(member)?;
    not_deleted(member)?;
    let member = state
        .store
        .remove_member(member.group_id, member_id, |group| {
            not_deleted(transcode(member_in(group, member_id)?)?)
        })
        .await?;
    // Its transcoder (if the group is live) stops.
    state
        .transcoders
        .reconcile(&state.store, member.group_id)
        .await;
    state.events.deleted(
        p.org_id,
        &view::deleted(&member, Timestamp::from(chrono::Utc::now())),
    );
    if let Some(head) = state.store.members(member.group_id).await?.first() {
        state.events.updated(p.org_id, &view::changed(head));
    }
    Ok(StatusCode::NO_CONTENT)
}
