//! Test sources of a stream group (`/streams/{id}/test-source`): start one, see the one
//! running, stop it.
//!
//! The server publishes a test pattern with a tone to the group's passthrough through
//! its media server (see `media::test_source`). Nothing here changes the stream's state:
//! the ingest hooks do, as for any encoder (live when the publish is accepted, ended when
//! ffmpeg stops).

use super::load;
use crate::auth::{Auth, Writer};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::media::test_source::{find_program, Publish, StartError, MAX_RUNNING};
use crate::media::MediaMode;
use crate::routes::IdPath;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::model::{StartTestSource, TestSource};
use shared::stream::StreamState;
use shared::ErrorBody;

/// Starts a test source: ffmpeg publishes a 320×180 test pattern with a 440 Hz tone to
/// the group's passthrough for `duration_s` seconds.
#[utoipa::path(
    post, path = "/streams/{id}/test-source", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Any member of the group; the passthrough is published to")),
    request_body(content = Option<StartTestSource>, description = "Optional (no body, `null` or the object); without `duration_s` the test source runs 60 seconds"),
    responses(
        (status = 202, description = "Publishing has started; the stream goes live through the media server's hooks", body = TestSource),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The stream is locked, deleted or live, or a test source already runs for it", body = ErrorBody),
        (status = 422, description = "duration_s outside 1 to 600", body = ErrorBody),
        (status = 503, description = "The media server is off, ffmpeg is not installed, or the server runs as many test sources as it takes (unavailable)", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
pub(super) async fn start_test_source(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
    // As documented: no body, `null` or the object.
    body: Option<ApiJson<Option<StartTestSource>>>,
) -> ApiResult<(StatusCode, Json<TestSource>)> {
    let req = body.and_then(|ApiJson(b)| b).unwrap_or_default();
    let target = load(&state, &p, id).await?;
    p.require::<Writer>()?;
    if state.settings.media == MediaMode::Off {
        return Err(unavailable(
            "The media server is off (castboard serve --media off), so there is nothing to publish a test stream to.",
        ));
    }
    let Some(ffmpeg) = find_program(&state.settings.ffmpeg) else {
        return Err(unavailable(
            "Test streams need ffmpeg, which is not installed on the server: install ffmpeg (apt-get install ffmpeg).",
        ));
    };
    let head = load(&state, &p, target.group_id).await?;
    if state.test_sources.is_running(head.group_id) {
        return Err(already_running());
    }
    if !head.state.may_publish() {
        return Err(ApiError::Conflict(match head.state {
            StreamState::Live => "The stream is live: an encoder is already sending to it.".into(),
            state => format!("Cannot send a test stream to the stream: it is {state}."),
        }));
    }
    let duration_s = req.duration_s.secs();
    let publish = Publish {
        group: head.group_id,
        streamname: head.name.clone(),
        duration_s: Some(duration_s),
        ffmpeg,
        rtmp_url: state.settings.rtmp_url.clone(),
    };
    let started = state.test_sources.start(&publish).map_err(|e| match e {
        StartError::AlreadyRunning => already_running(),
        StartError::Full => ApiError::Unavailable {
            message: format!(
                "The server already runs {MAX_RUNNING} test streams, as many as it takes; stop one or try again once one has ended."
            ),
            retry_after_secs: None,
        },
        StartError::Stopping => unavailable("The server is stopping."),
        StartError::Spawn(e) => ApiError::Internal(format!("starting ffmpeg: {e}")),
    })?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// The test source running for the stream's group.
#[utoipa::path(
    get, path = "/streams/{id}/test-source", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Any member of the group")),
    responses(
        (status = 200, description = "A test source publishes to the group", body = TestSource),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such stream, or no test source runs for it", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
pub(super) async fn get_test_source(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<TestSource>> {
    let target = load(&state, &p, id).await?;
    state
        .test_sources
        .running(target.group_id)
        .map(Json)
        .ok_or_else(none_running)
}

/// Stops the group's test source; the stream then ends through the media server's hooks.
#[utoipa::path(
    delete, path = "/streams/{id}/test-source", tag = "streams",
    params(("id" = uuid::Uuid, Path, description = "Any member of the group")),
    responses(
        (status = 204, description = "Stopped: ffmpeg has ended"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such stream, or no test source runs for it", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = []))
)]
pub(super) async fn stop_test_source(
    State(state): State<AppState>,
    Auth(p, ..): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    let target = load(&state, &p, id).await?;
    p.require::<Writer>()?;
    if state.test_sources.stop(target.group_id).await {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(none_running())
    }
}

fn none_running() -> ApiError {
    ApiError::NotFound("No test stream is running for this stream.".into())
}

fn already_running() -> ApiError {
    ApiError::Conflict("A test stream is already running for this stream; stop it first.".into())
}

fn unavailable(message: &str) -> ApiError {
    ApiError::Unavailable {
        message: message.into(),
        retry_after_secs: None,
    }
}
