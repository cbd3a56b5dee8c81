//! Ingest hooks for the media server (nginx-rtmp callback form):
//! `POST /api/v1/ingest/{publish|publish_done|update_publish|record_done}?secret=…`.
//!
//! The media server knows streams only by name, across organisations, and proves itself
//! with the instance's ingest secret. Refusals are 403 with the error body (nginx-rtmp
//! then drops the encoder) and change nothing.
//!
//! Every `publish` of an encoder, accepted or refused, is written to the ingest log of the
//! organisation the name belongs to (an unknown name: the organisation whose hash it
//! starts with, if any), so people can see why an encoder could not go live. A call with
//! a wrong secret is not logged: it does not come from our media server, so nothing in
//! its form can be trusted, and logging it would let anyone write into any
//! organisation's log. Publishes of Castboard's own transcoders (with their publish key)
//! are not logged either: they are Castboard's, not an encoder's (the transcoder's status
//! on the member tells about them). Logging never fails or holds up the publish: a
//! failed write is a warning, and the hook answers as it would have.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{
    IngestRetention, LoggedAttempt, NewIngestAttempt, StoreError, StreamRecord, TransitionEffects,
};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use shared::model::{
    log_text, IngestRefusal, RecordingAsset, MAX_CLIENT_ADDR_CHARS, MAX_ENCODER_CHARS,
    MAX_LOGGED_NAME_CHARS,
};
use shared::stream::{StreamAction, StreamState};
use shared::validate::OrgHash;
use shared::{ErrorBody, Timestamp};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ingest_hook))
}

/// The callback form; nginx-rtmp sends more fields, which are ignored.
#[derive(Debug, Deserialize)]
struct Callback {
    /// The streamname (stream key).
    name: String,
    /// record_done: the recorded file.
    path: Option<String>,
    /// record_done: file size, when the media server knows it (else read from `path`, which
    /// must then be a file inside the media folder).
    size_bytes: Option<u64>,
    /// record_done: length of the recording in seconds, when known.
    duration_s: Option<u32>,
    /// publish of a transcode: the key of Castboard's transcoder (from its publish URL's
    /// query, which nginx-rtmp passes in the form).
    transcoder: Option<String>,
    /// The encoder's address (for the ingest log).
    addr: Option<String>,
    /// What the encoder calls itself, e.g. `FMLE/3.0 (compatible; Lavf59.27.100)` (for
    /// the ingest log).
    flashver: Option<String>,
}

/// Compares secrets without stopping at the first difference.
fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn refuse(message: impl Into<String>) -> ApiError {
    ApiError::Forbidden(message.into())
}

/// A media-server callback: `publish` (allowed for a known passthrough in `created` or
/// `ended`, which goes live, and for a live transcode only from Castboard's transcoder),
/// `publish_done` (a passthrough's: live → ended; a transcode's changes nothing),
/// `update_publish` (refreshes the last-seen time; refused when the stream is no longer
/// live, so the ingest is cut), `record_done` (adds a recording).
#[utoipa::path(
    post, path = "/ingest/{event}", tag = "ingest",
    params(
        ("event" = String, Path, description = "publish, publish_done, update_publish or record_done"),
        ("secret" = String, Query, description = "The instance's ingest secret"),
    ),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "nginx-rtmp callback form: call, name, app, addr, clientid, …; record_done also path (and optionally size_bytes, duration_s)"),
    responses(
        (status = 204, description = "Allowed / recorded"),
        (status = 403, description = "Wrong secret, or the stream may not do this now", body = ErrorBody),
        (status = 404, description = "Unknown event, or unknown stream for publish_done / update_publish / record_done", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
async fn ingest_hook(
    State(state): State<AppState>,
    Path(event): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let secret = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "secret")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !same_secret(&secret, &state.settings.ingest_secret) {
        return Err(refuse("The ingest secret is missing or wrong."));
    }
    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Err(ApiError::UnsupportedMediaType);
    }
    let callback: Callback = serde_urlencoded::from_bytes(&body)
        .map_err(|e| ApiError::field("form", format!("is not a valid callback form: {e}")))?;
    let stream = state.store.stream_by_name(&callback.name).await?;
    match event.as_str() {
        "publish" => publish(&state, stream, &callback).await,
        "publish_done" => publish_done(&state, known(stream)?).await,
        "update_publish" => update_publish(&state, known(stream)?).await,
        "record_done" => record_done(&state, known(stream)?, &callback).await,
        _ => Err(ApiError::NotFound(
            "Unknown ingest event; use publish, publish_done, update_publish or record_done."
                .into(),
        )),
    }
}

fn known(stream: Option<StreamRecord>) -> ApiResult<StreamRecord> {
    stream.ok_or_else(|| ApiError::NotFound("No stream has that name.".into()))
}

/// Moves the group (see `streams::transition`); `false` when its state had moved on.
async fn transition(
    state: &AppState,
    head: &StreamRecord,
    to: StreamState,
    effects: TransitionEffects,
) -> ApiResult<bool> {
    Ok(
        super::streams::transition::move_group(state, head, to, effects)
            .await?
            .is_some(),
    )
}

/// Ends every live stream whose ingest has been silent for `silence`: no update from the
/// media server means no encoder (or no media server) any more. Run periodically.
pub async fn end_silent_ingests(
    state: &AppState,
    silence: std::time::Duration,
) -> ApiResult<usize> {
    let before =
        crate::store::now_millis() - i64::try_from(silence.as_millis()).unwrap_or(i64::MAX);
    let mut ended = 0;
    for head in state.store.silent_live_groups(before).await? {
        let Some(to) = head.state.after(StreamAction::PublishDone, head.ever_live) else {
            continue;
        };
        let effects = TransitionEffects {
            clear_cut: true,
            ..TransitionEffects::default()
        };
        if transition(state, &head, to, effects).await? {
            tracing::warn!(stream = %head.name, "ingest silent; the stream ended");
            ended += 1;
        }
    }
    Ok(ended)
}

async fn publish(
    state: &AppState,
    stream: Option<StreamRecord>,
    cb: &Callback,
) -> ApiResult<StatusCode> {
    let Some(stream) = stream else {
        log_unknown_name(state, cb).await;
        return Err(refuse(IngestRefusal::UnknownName.message()));
    };
    if stream.index != 0 {
        return transcoder_publish(state, &stream, cb).await;
    }
    if let Some(refusal) = IngestRefusal::for_state(stream.state) {
        return Err(refused(state, &stream, cb, refusal).await);
    }
    let to = stream
        .state
        .after(StreamAction::Publish, stream.ever_live)
        .ok_or_else(|| {
            ApiError::Internal(format!(
                "the state machine refuses a publish in {}, which the ingest refusals allow",
                stream.state
            ))
        })?;
    let effects = TransitionEffects {
        went_live: true,
        seen: true,
        clear_cut: true,
        ..TransitionEffects::default()
    };
    // Logged as accepted before the group moves, so a dashboard that reloads the log on
    // the `live` event finds it; corrected when the move does not happen.
    let logged = log_attempt(state, Some(&stream), stream.org_id, cb, None).await;
    let refusal = match transition(state, &stream, to, effects).await {
        Ok(true) => {
            tracing::info!(stream = %stream.name, "ingest started");
            return Ok(StatusCode::NO_CONTENT);
        }
        Ok(false) => IngestRefusal::ChangedMeanwhile,
        Err(e) => {
            correct_logged(state, logged, IngestRefusal::ServerError).await;
            return Err(e);
        }
    };
    correct_logged(state, logged, refusal).await;
    Err(refuse(refusal.message()))
}

/// Marks an attempt logged as accepted refused after all; a failure is only a warning.
async fn correct_logged(state: &AppState, logged: Option<LoggedAttempt>, refusal: IngestRefusal) {
    let Some(logged) = logged else { return };
    if let Err(e) = state.store.refuse_logged_attempt(logged, refusal).await {
        tracing::warn!(error = %e, "the ingest log could not record a refusal");
    }
}

/// Logs the refusal of a publish to a known stream; the hook's answer.
async fn refused(
    state: &AppState,
    stream: &StreamRecord,
    cb: &Callback,
    refusal: IngestRefusal,
) -> ApiError {
    log_attempt(state, Some(stream), stream.org_id, cb, Some(refusal)).await;
    refuse(refusal.message())
}

/// The organisation hash a streamname starts with (`<hash>-…`), when it has that shape.
fn hash_prefix(name: &str) -> Option<OrgHash> {
    let prefix = name.get(..OrgHash::LEN)?;
    if name.as_bytes().get(OrgHash::LEN) != Some(&b'-') {
        return None;
    }
    OrgHash::parse(prefix).ok()
}

/// A publish of a name no stream has: logged for the organisation whose hash it starts
/// with, else only in the server's log (no organisation may see another's attempts).
async fn log_unknown_name(state: &AppState, cb: &Callback) {
    let shown = log_text(&cb.name, MAX_LOGGED_NAME_CHARS).unwrap_or_default();
    let org = match hash_prefix(&cb.name) {
        Some(hash) => match state.store.organisation_by_hash(&hash).await {
            Ok(org) => Some(org),
            Err(StoreError::NotFound) => None,
            Err(e) => {
                tracing::warn!(error = %e, name = ?shown, "the ingest log could not look up the name's organisation");
                return;
            }
        },
        None => None,
    };
    match org {
        Some(org) => {
            log_attempt(state, None, org.id, cb, Some(IngestRefusal::UnknownName)).await;
        }
        None => tracing::warn!(
            name = ?shown,
            addr = ?cb.addr.as_deref().and_then(|a| log_text(a, MAX_CLIENT_ADDR_CHARS)),
            "publish refused: the name belongs to no organisation"
        ),
    }
}

/// Writes an attempt to the organisation's ingest log; a failure is only a warning.
async fn log_attempt(
    state: &AppState,
    stream: Option<&StreamRecord>,
    org_id: uuid::Uuid,
    cb: &Callback,
    refusal: Option<IngestRefusal>,
) -> Option<LoggedAttempt> {
    let client_addr = cb
        .addr
        .as_deref()
        .and_then(|a| log_text(a, MAX_CLIENT_ADDR_CHARS));
    let encoder = cb
        .flashver
        .as_deref()
        .and_then(|f| log_text(f, MAX_ENCODER_CHARS));
    let streamname = match stream {
        Some(s) => s.name.to_string(),
        None => log_text(&cb.name, MAX_LOGGED_NAME_CHARS).unwrap_or_default(),
    };
    let attempt = NewIngestAttempt {
        org_id,
        group_id: stream.map(|s| s.group_id),
        stream_id: stream.map(|s| s.id),
        refusal,
        client_addr: client_addr.as_deref(),
        encoder: encoder.as_deref(),
        streamname: &streamname,
    };
    match state
        .store
        .log_ingest_attempt(attempt, IngestRetention::default())
        .await
    {
        Ok(logged) => Some(logged),
        Err(e) => {
            tracing::warn!(error = %e, name = %streamname, "the publish attempt could not be written to the ingest log");
            None
        }
    }
}

/// The publish of a transcode's rendition: only Castboard's transcoder, which shows the
/// member's publish key, and only while the group is live (a transcode is live exactly
/// when its group is). The group does not move: its state follows the passthrough. An
/// encoder's publish here (no key, or a wrong one) is logged; the transcoder's are not.
async fn transcoder_publish(
    state: &AppState,
    stream: &StreamRecord,
    cb: &Callback,
) -> ApiResult<StatusCode> {
    let expected =
        crate::media::transcode::publish_key(&state.settings.ingest_secret, stream.name.as_str());
    if !cb
        .transcoder
        .as_deref()
        .is_some_and(|k| same_secret(k, &expected))
    {
        return Err(refused(state, stream, cb, IngestRefusal::TranscodeMember).await);
    }
    if stream.state != StreamState::Live {
        return Err(refuse(format!(
            "The stream is {}; its transcoder may not publish.",
            stream.state
        )));
    }
    state.transcoders.published(stream.id);
    tracing::info!(stream = %stream.name, "transcoder publishing");
    Ok(StatusCode::NO_CONTENT)
}

async fn publish_done(state: &AppState, stream: StreamRecord) -> ApiResult<StatusCode> {
    if stream.index != 0 {
        // A transcoder stopped (or restarts): the group's state follows the passthrough
        // alone, and the transcoder's supervisor reports and restarts it.
        tracing::info!(stream = %stream.name, "transcoder stopped publishing");
        return Ok(StatusCode::NO_CONTENT);
    }
    let head = stream;
    if let Some(to) = head.state.after(StreamAction::PublishDone, head.ever_live) {
        let effects = TransitionEffects {
            clear_cut: true,
            ..TransitionEffects::default()
        };
        transition(state, &head, to, effects).await?;
        tracing::info!(stream = %head.name, "ingest ended");
    }
    // Not live (e.g. locked while live): nothing to change, and nothing to complain about.
    Ok(StatusCode::NO_CONTENT)
}

async fn update_publish(state: &AppState, stream: StreamRecord) -> ApiResult<StatusCode> {
    if stream.state != StreamState::Live {
        // nginx-rtmp drops the publisher on a refusal: this is how a lock cuts the ingest.
        return Err(refuse(format!(
            "The stream is {}; its ingest must stop.",
            stream.state
        )));
    }
    state.store.mark_seen(stream.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn record_done(
    state: &AppState,
    stream: StreamRecord,
    cb: &Callback,
) -> ApiResult<StatusCode> {
    let path = cb
        .path
        .as_deref()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::field("path", "is required for record_done"))?;
    // A file of Castboard's own recorder is remuxed to MP4 first, and listed when done.
    if state.recorder.owns(std::path::Path::new(path)) {
        state.recorder.finished(&stream, std::path::Path::new(path));
        return Ok(StatusCode::NO_CONTENT);
    }
    let file_name = std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::field("path", "must name a file"))?
        .to_string();
    let size_bytes = match cb.size_bytes {
        Some(size) => size,
        None => media_file_size(&state.settings.media_dir, path)
            .await
            .ok_or_else(|| ApiError::field("path", "must name a file in the media folder"))?,
    };
    let now = chrono::Utc::now();
    let session_start =
        Timestamp::from(now - chrono::Duration::seconds(i64::from(cb.duration_s.unwrap_or(0))));
    let recording = RecordingAsset {
        session_start,
        url: state.settings.vod_url(&file_name),
        file_name,
        size_bytes,
        duration_s: cb.duration_s,
    };
    state.store.add_recording(stream.id, &recording).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The size of the file at `path` when it is a file inside `media_dir` (after resolving
/// `..` and links); `None` for anything else, so the hook cannot be used to probe the
/// server's other files.
async fn media_file_size(media_dir: &std::path::Path, path: &str) -> Option<u64> {
    let dir = tokio::fs::canonicalize(media_dir).await.ok()?;
    let file = tokio::fs::canonicalize(path).await.ok()?;
    if !file.starts_with(&dir) {
        return None;
    }
    let meta = tokio::fs::metadata(&file).await.ok()?;
    meta.is_file().then_some(meta.len())
}

#[cfg(test)]
mod tests {
    use super::{hash_prefix, media_file_size, same_secret};

    #[test]
    fn a_name_carries_a_hash_only_in_the_shape_of_a_streamname() {
        let hash = |n: &str| hash_prefix(n).map(|h| h.as_str().to_string());
        assert_eq!(hash("HX26g-NRbx9").as_deref(), Some("HX26g"));
        assert_eq!(hash("HX26g-typo").as_deref(), Some("HX26g"));
        assert_eq!(hash("HX26g-").as_deref(), Some("HX26g"));
        assert_eq!(hash("HX26gNRbx9"), None);
        assert_eq!(hash("HX26g"), None);
        assert_eq!(hash("HX2-6gNRbx9"), None);
        assert_eq!(hash("éé-a-bcdef"), None);
        assert_eq!(hash(""), None);
    }

    #[tokio::test]
    async fn only_files_inside_the_media_folder_are_measured() {
        let root = tempfile::tempdir().expect("dir");
        let media = root.path().join("media");
        std::fs::create_dir_all(media.join("rec")).expect("folders");
        std::fs::write(media.join("rec/a.flv"), [0u8; 1234]).expect("file");
        std::fs::write(root.path().join("secret.db"), [0u8; 99]).expect("file");
        std::os::unix::fs::symlink(root.path().join("secret.db"), media.join("link.flv"))
            .expect("link");
        let at = |p: &str| format!("{}/{p}", media.display());

        assert_eq!(media_file_size(&media, &at("rec/a.flv")).await, Some(1234));
        assert_eq!(
            media_file_size(&media, &at("rec/../rec/a.flv")).await,
            Some(1234)
        );
        assert_eq!(media_file_size(&media, &at("../secret.db")).await, None);
        assert_eq!(media_file_size(&media, &at("link.flv")).await, None);
        assert_eq!(media_file_size(&media, &at("rec")).await, None);
        assert_eq!(media_file_size(&media, &at("rec/missing.flv")).await, None);
        assert_eq!(media_file_size(&media, "/etc/hostname").await, None);
    }

    #[test]
    fn secrets_must_match_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", "abc"));
    }
}
