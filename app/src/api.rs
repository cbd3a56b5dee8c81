//! The typed client of Castboard's REST API (`/api/v1`).
//!
//! This is the only module that knows URLs, HTTP methods and headers. Pages call these
//! functions and get `shared` types back, or an [`ApiError`] whose message can be shown
//! as it is. It holds no state and renders nothing.
//!
//! Requests go to the page's own origin, so the browser sends the HttpOnly session
//! cookie by itself; every state-changing request carries the CSRF header the server
//! demands of cookie-authenticated calls.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::listing::{IngestLogQuery, ListParams, TagsQuery, TokensQuery};
use shared::model::{
    ApiKey, AssetRef, ChangePassword, CreateApiKey, CreateStream, CreateToken, CreateUser,
    CreatedApiKey, CreatedSigningKey, HealthHistory, IngestAttempt, IssuedToken, JwksQuery, List,
    LoginRequest, Me, Organisation, Presets, Process, ProfileSpec, RecordingAsset, ResetPassword,
    SetTags, SigningKeyInfo, StartTestSource, Stream, TagCount, TestSource, TokenInfo,
    UpdateOrganisation, UpdateStream, UpdateUser, User, Verification, VerifyToken,
};
use shared::snippet::{percent_encode, PlayerUrls};
use shared::stream::{PerPage, StreamLookup, Tags};
use shared::validate::OrgHash;
use shared::{ErrorCode, ErrorDetail};
use std::collections::BTreeMap;
use std::fmt;
use uuid::Uuid;

const BASE: &str = "/api/v1";

/// Header (and its only value) that every POST/PUT/PATCH/DELETE must carry: the server
/// refuses cookie-authenticated changes without it, which a cross-site form cannot add.
const CSRF_HEADER: &str = "X-Requested-With";
const CSRF_VALUE: &str = "castboard";

/// Why a call failed, in terms a page can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server refused the request and said why, with its error body.
    Refused { status: u16, detail: ErrorDetail },
    /// The server answered with a failure status but without Castboard's error body
    /// (e.g. a proxy in front of it).
    Status(u16),
    /// No answer at all: the network or the server is down.
    Network,
    /// A success status whose body is not what the contract promises.
    UnexpectedBody,
}

impl ApiError {
    /// The caller is not signed in (or the session ended): the page should ask for a
    /// sign-in instead of showing an error.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// The object does not exist (or belongs to another organisation).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The machine code of a refusal (`conflict`, `limit_reached`, …).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Refused { detail, .. } => Some(detail.code),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Refused { status, .. } | ApiError::Status(status) => Some(*status),
            ApiError::Network | ApiError::UnexpectedBody => None,
        }
    }

    /// One sentence for people.
    pub fn message(&self) -> String {
        match self {
            ApiError::Refused { detail, .. } => detail.message.clone(),
            ApiError::Status(status) => {
                format!("The server answered with an unexpected status ({status}). Please try again.")
            }
            ApiError::Network => {
                "The server could not be reached. Check your connection and try again.".to_string()
            }
            ApiError::UnexpectedBody => {
                "The server sent an answer this page does not understand. Reload the page and try again."
                    .to_string()
            }
        }
    }

    /// Per-field reasons of a `validation_failed` answer (field name → why).
    pub fn fields(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            ApiError::Refused { detail, .. } => detail.fields.as_ref(),
            _ => None,
        }
    }

    /// The reason given for one form field, if any.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields().and_then(|f| f.get(name)).cloned()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

// ---------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------

/// `POST /auth/login`: starts a session; the server sets the session cookie.
pub async fn login(request: LoginRequest) -> Result<shared::model::Session, ApiError> {
    post_json(&url("/auth/login"), &request).await
}

/// `POST /auth/logout`: ends the session on the server and clears the cookie.
pub async fn logout() -> Result<(), ApiError> {
    post_empty(&url("/auth/logout")).await
}

/// `GET /me`: who is signed in, and their organisation.
pub async fn me() -> Result<Me, ApiError> {
    get_json(&url("/me")).await
}

// ---------------------------------------------------------------------------------------
// Organisation, users, API keys
// ---------------------------------------------------------------------------------------

/// `GET /organisation`.
pub async fn organisation() -> Result<Organisation, ApiError> {
    get_json(&url("/organisation")).await
}

/// `PATCH /organisation` (admin): name and webhook URL.
pub async fn update_organisation(body: UpdateOrganisation) -> Result<Organisation, ApiError> {
    send_json_as(Request::patch(&url("/organisation")), &body).await
}

/// `GET /users` (admin).
pub async fn users() -> Result<List<User>, ApiError> {
    get_json(&url("/users")).await
}

/// `POST /users` (admin).
pub async fn create_user(body: CreateUser) -> Result<User, ApiError> {
    post_json(&url("/users"), &body).await
}

/// `PATCH /users/{id}` (admin): the role.
pub async fn update_user(id: Uuid, body: UpdateUser) -> Result<User, ApiError> {
    send_json_as(Request::patch(&url(&format!("/users/{id}"))), &body).await
}

/// `PUT /users/{id}/password` (admin): sets the user's password; their sessions end.
pub async fn reset_password(id: Uuid, body: ResetPassword) -> Result<(), ApiError> {
    send_json_empty(Request::put(&url(&format!("/users/{id}/password"))), &body).await
}

/// `POST /me/password`: changes the caller's own password; their other sessions end.
pub async fn change_password(body: ChangePassword) -> Result<(), ApiError> {
    send_json_empty(Request::post(&url("/me/password")), &body).await
}

/// `DELETE /users/{id}` (admin).
pub async fn delete_user(id: Uuid) -> Result<(), ApiError> {
    delete(&url(&format!("/users/{id}"))).await
}

/// `GET /api-keys` (admin).
pub async fn api_keys() -> Result<List<ApiKey>, ApiError> {
    get_json(&url("/api-keys")).await
}

/// `POST /api-keys` (admin): the answer holds the secret, this once.
pub async fn create_api_key(body: CreateApiKey) -> Result<CreatedApiKey, ApiError> {
    post_json(&url("/api-keys"), &body).await
}

/// `DELETE /api-keys/{id}` (admin).
pub async fn delete_api_key(id: Uuid) -> Result<(), ApiError> {
    delete(&url(&format!("/api-keys/{id}"))).await
}

// ---------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------

/// `GET /streams` with the list view's filters and page.
pub async fn list_streams(params: &ListParams) -> Result<List<Stream>, ApiError> {
    get_json(&with_query(&url("/streams"), &params.to_query())).await
}

/// `GET /streams?q=…`: the stream with exactly this id or streamname, if any.
pub async fn find_stream(lookup: &StreamLookup) -> Result<Option<Stream>, ApiError> {
    let search = ListParams {
        q: Some(lookup.clone()),
        ..ListParams::default()
    };
    let list: List<Stream> = get_json(&with_query(&url("/streams"), &search.to_query())).await?;
    Ok(list.items.into_iter().next())
}

/// `GET /streams/{id}` (any member id), with its assets.
pub async fn stream(id: Uuid) -> Result<Stream, ApiError> {
    get_json(&url(&format!("/streams/{id}"))).await
}

/// `GET /streams/{id}/processes`: where each process of the stream stands.
pub async fn processes(id: Uuid) -> Result<List<Process>, ApiError> {
    get_json(&url(&format!("/streams/{id}/processes"))).await
}

/// `GET /streams/{id}/health`: a live stream's ingest health now and its readings of the
/// last five minutes (both empty when it is not live).
pub async fn stream_health(id: Uuid) -> Result<HealthHistory, ApiError> {
    get_json(&url(&format!("/streams/{id}/health"))).await
}

/// `POST /streams`: the new group's passthrough.
pub async fn create_stream(body: CreateStream) -> Result<Stream, ApiError> {
    post_json(&url("/streams"), &body).await
}

/// `PATCH /streams/{id}`: tags, push URL, timecode, processing.
pub async fn update_stream(id: Uuid, body: UpdateStream) -> Result<Stream, ApiError> {
    send_json_as(Request::patch(&url(&format!("/streams/{id}"))), &body).await
}

/// `PUT /streams/{id}/tags`: replaces the tags.
pub async fn set_tags(id: Uuid, tags: Tags) -> Result<Stream, ApiError> {
    send_json_as(
        Request::put(&url(&format!("/streams/{id}/tags"))),
        &SetTags { tags },
    )
    .await
}

/// `POST /streams/{id}/lock` (admin): stop & lock the whole group.
pub async fn lock_stream(id: Uuid) -> Result<Stream, ApiError> {
    post_for_json(&url(&format!("/streams/{id}/lock"))).await
}

/// `POST /streams/{id}/unlock` (admin).
pub async fn unlock_stream(id: Uuid) -> Result<Stream, ApiError> {
    post_for_json(&url(&format!("/streams/{id}/unlock"))).await
}

/// `DELETE /streams/{id}` (admin): the whole group.
pub async fn delete_stream(id: Uuid) -> Result<(), ApiError> {
    delete(&url(&format!("/streams/{id}"))).await
}

/// `POST /streams/{id}/test-source` (admin, user): the server publishes a test pattern
/// with a tone to the stream's group; the stream goes live through the media server.
pub async fn start_test_source(id: Uuid, body: StartTestSource) -> Result<TestSource, ApiError> {
    post_json(&url(&format!("/streams/{id}/test-source")), &body).await
}

/// `GET /streams/{id}/test-source`: the test source running for the stream's group, if any.
pub async fn test_source(id: Uuid) -> Result<Option<TestSource>, ApiError> {
    match get_json(&url(&format!("/streams/{id}/test-source"))).await {
        Ok(running) => Ok(Some(running)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// `DELETE /streams/{id}/test-source` (admin, user): stops it (404 when none runs).
pub async fn stop_test_source(id: Uuid) -> Result<(), ApiError> {
    delete(&url(&format!("/streams/{id}/test-source"))).await
}

/// `GET /streams/{id}/ingest-log`: the publish attempts of the stream's group, newest
/// first.
pub async fn stream_ingest_log(
    id: Uuid,
    query: &IngestLogQuery,
) -> Result<List<IngestAttempt>, ApiError> {
    get_json(&with_query(
        &url(&format!("/streams/{id}/ingest-log")),
        &query.to_query(),
    ))
    .await
}

/// `POST /streams/{group_id}/profiles`: the new member.
pub async fn add_profile(group_id: Uuid, spec: ProfileSpec) -> Result<Stream, ApiError> {
    post_json(&url(&format!("/streams/{group_id}/profiles")), &spec).await
}

/// `PATCH /streams/{group_id}/profiles/{member_id}`: the changed member.
pub async fn update_profile(
    group_id: Uuid,
    member_id: Uuid,
    spec: ProfileSpec,
) -> Result<Stream, ApiError> {
    send_json_as(
        Request::patch(&url(&format!("/streams/{group_id}/profiles/{member_id}"))),
        &spec,
    )
    .await
}

/// `DELETE /streams/{group_id}/profiles/{member_id}`.
pub async fn remove_profile(group_id: Uuid, member_id: Uuid) -> Result<(), ApiError> {
    delete(&url(&format!("/streams/{group_id}/profiles/{member_id}"))).await
}

/// `GET /profiles/presets`.
pub async fn presets() -> Result<Presets, ApiError> {
    get_json(&url("/profiles/presets")).await
}

/// `GET /tags`: every tag in use, most used first.
pub async fn tags() -> Result<List<TagCount>, ApiError> {
    get_json(&url("/tags")).await
}

/// `GET /tags?prefix=…`: up to 10 suggestions (none under 3 characters).
pub async fn tag_suggestions(prefix: &str) -> Result<List<TagCount>, ApiError> {
    let query = TagsQuery {
        prefix: Some(prefix.to_string()),
    };
    get_json(&with_query(&url("/tags"), &query.to_query())).await
}

/// `GET /player`: the bases the snippets are built on.
pub async fn player_urls() -> Result<PlayerUrls, ApiError> {
    get_json(&url("/player")).await
}

/// The Server-Sent Events stream of the caller's organisation (`GET /events`), for
/// `EventSource`; the browser sends the session cookie with it.
pub fn events_url() -> String {
    url("/events")
}

// ---------------------------------------------------------------------------------------
// Playback tokens and signing keys
// ---------------------------------------------------------------------------------------

/// `POST /tokens`: the token text is in this answer only.
pub async fn create_token(body: CreateToken) -> Result<IssuedToken, ApiError> {
    post_json(&url("/tokens"), &body).await
}

/// `GET /tokens`: issued tokens' metadata, newest first (`page` is 1-based).
pub async fn tokens(page: u64, per_page: u32) -> Result<List<TokenInfo>, ApiError> {
    let query = TokensQuery {
        group: None,
        page: Some(page),
        per_page: PerPage::new(per_page).ok(),
    };
    get_json(&with_query(&url("/tokens"), &query.to_query())).await
}

/// `GET /tokens?group=`: the newest token of one stream group, if it has any.
pub async fn newest_group_token(group: Uuid) -> Result<Option<TokenInfo>, ApiError> {
    let query = TokensQuery {
        group: Some(group),
        page: Some(1),
        per_page: None,
    };
    let list: List<TokenInfo> = get_json(&with_query(&url("/tokens"), &query.to_query())).await?;
    Ok(list.items.into_iter().next())
}

/// `POST /tokens/verify`.
pub async fn verify_token(body: VerifyToken) -> Result<Verification, ApiError> {
    post_json(&url("/tokens/verify"), &body).await
}

/// `POST /tokens/{id}/revoke` (admin).
pub async fn revoke_token(id: Uuid) -> Result<(), ApiError> {
    post_empty(&url(&format!("/tokens/{id}/revoke"))).await
}

/// `GET /signing-keys` (admin).
pub async fn signing_keys() -> Result<List<SigningKeyInfo>, ApiError> {
    get_json(&url("/signing-keys")).await
}

/// `POST /signing-keys` (admin): a new key, which signs from now on.
pub async fn create_signing_key() -> Result<CreatedSigningKey, ApiError> {
    post_for_json(&url("/signing-keys")).await
}

/// `DELETE /signing-keys/{kid}` (admin): its tokens stop verifying.
pub async fn delete_signing_key(kid: &str) -> Result<(), ApiError> {
    delete(&url(&format!("/signing-keys/{}", percent_encode(kid)))).await
}

/// The public key set of an organisation (no session needed), for a link people can open.
/// The hash comes from the server, so it parses; a link without one would be refused
/// (422) as one with a bad hash is.
pub fn jwks_url(org_hash: &str) -> String {
    let query = OrgHash::parse(org_hash)
        .map(|org| JwksQuery { org }.to_query())
        .unwrap_or_default();
    with_query("/.well-known/jwks.json", &query)
}

/// The server-rendered API reference, for a link.
pub const API_DOCS_URL: &str = "/api/docs";

/// This server's player page for the dashboard's live preview of stream `id` (a group
/// plays all its live qualities): same origin, so the session lets a secure stream play
/// without a token; low latency, muted so it may start by itself.
pub fn preview_url(id: Uuid) -> String {
    format!(
        "/embed?group.id={id}&playback.latencyControlMode=fastadaptive&playback.autoplay=true&playback.automute=true"
    )
}

/// This server's player page for the dashboard's replay of stream `id`'s live-replay
/// session that began at `session`: same origin (as the live preview), from the replay's
/// live edge, seekable back over the whole replay, muted so it may start by itself.
pub fn replay_preview_url(id: Uuid, session: shared::Timestamp) -> String {
    format!(
        "/embed?group.id={id}&replay={}&playback.autoplay=true&playback.automute=true",
        session.millis()
    )
}

/// Where the browser loads a stream's latest thumbnail from: its URL, with the time it
/// was taken as `v`, so each new thumbnail is a new address and no cached copy of the
/// previous one is shown.
pub fn thumbnail_src(thumbnail: &AssetRef) -> String {
    versioned(thumbnail)
}

/// Where the browser loads a stream's latest motion clip from: as for thumbnails, its
/// URL with the time it was made as `v`.
pub fn motion_clip_src(clip: &AssetRef) -> String {
    versioned(clip)
}

/// An asset's URL with its time as `v`.
fn versioned(asset: &AssetRef) -> String {
    let sep = if asset.url.contains('?') { '&' } else { '?' };
    format!("{}{sep}v={}", asset.url, asset.updated_at.millis())
}

/// A recording's address asking the browser to save it (`?download=1`): the server
/// answers it as an attachment under the file's name.
pub fn recording_download_url(recording: &RecordingAsset) -> String {
    let sep = if recording.url.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{}{sep}download=1", recording.url)
}

// ---------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

fn with_query(url: &str, query: &str) -> String {
    if query.is_empty() {
        url.to_string()
    } else {
        format!("{url}?{query}")
    }
}

// Only the JSON (de)serialisation below is generic over the body types; the HTTP
// exchange itself (`exchange`) is one function, so each API call does not get its own
// copy of gloo-net's send/text futures inlined into its resource or action future.

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse_json(&exchange(Request::get(url), None).await?)
}

async fn post_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    send_json_as(Request::post(url), body).await
}

/// A POST without a body that answers JSON (lock, unlock, new signing key).
async fn post_for_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse_json(&exchange(Request::post(url).header(CSRF_HEADER, CSRF_VALUE), None).await?)
}

/// A POST without a body that answers 204.
async fn post_empty(url: &str) -> Result<(), ApiError> {
    let response = send(Request::post(url).header(CSRF_HEADER, CSRF_VALUE)).await?;
    read_empty(response).await
}

async fn delete(url: &str) -> Result<(), ApiError> {
    let response = send(Request::delete(url).header(CSRF_HEADER, CSRF_VALUE)).await?;
    read_empty(response).await
}

/// Sends `body` as JSON with the CSRF header (only state-changing methods have bodies).
async fn send_json_as<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: &B,
) -> Result<T, ApiError> {
    // Serialising a `shared` request type cannot fail; report it as a client fault anyway.
    let body = serde_json::to_string(body).map_err(|_| ApiError::UnexpectedBody)?;
    let request = request.header(CSRF_HEADER, CSRF_VALUE);
    parse_json(&exchange(request, Some(body)).await?)
}

/// Sends `body` as JSON with the CSRF header to an endpoint that answers 204.
async fn send_json_empty<B: Serialize>(request: RequestBuilder, body: &B) -> Result<(), ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::UnexpectedBody)?;
    exchange(request.header(CSRF_HEADER, CSRF_VALUE), Some(body))
        .await
        .map(|_| ())
}

/// Sends `request` (with `json_body` as an `application/json` body, if given) and reads a
/// success answer's body as text; a failure status becomes the server's refusal.
async fn exchange(request: RequestBuilder, json_body: Option<String>) -> Result<String, ApiError> {
    let response = match json_body {
        Some(body) => request
            .header("Content-Type", "application/json")
            .body(body)
            .map_err(|_| ApiError::UnexpectedBody)?
            .send()
            .await
            .map_err(|_| ApiError::Network)?,
        None => send(request).await?,
    };
    if response.ok() {
        response.text().await.map_err(|_| ApiError::UnexpectedBody)
    } else {
        Err(read_error(response).await)
    }
}

fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::UnexpectedBody)
}

async fn send(request: RequestBuilder) -> Result<Response, ApiError> {
    request.send().await.map_err(|_| ApiError::Network)
}

async fn read_empty(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(read_error(response).await)
    }
}

async fn read_error(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<shared::ErrorBody>().await {
        Ok(body) => ApiError::Refused {
            status,
            detail: body.error,
        },
        Err(_) => ApiError::Status(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_downloads_from_its_url_with_download_set() {
        let rec = |url: &str| RecordingAsset {
            session_start: shared::Timestamp::parse("2026-12-03T14:02:00.000Z").expect("a time"),
            file_name: "x.mp4".into(),
            size_bytes: 1,
            url: url.into(),
            duration_s: Some(4),
        };
        assert_eq!(
            recording_download_url(&rec("https://castboard.example/vod/x.mp4")),
            "https://castboard.example/vod/x.mp4?download=1"
        );
        assert_eq!(
            recording_download_url(&rec("/vod/x.mp4?token=a")),
            "/vod/x.mp4?token=a&download=1"
        );
    }

    #[test]
    fn a_thumbnail_loads_from_its_url_with_its_time_as_the_version() {
        let taken = shared::Timestamp::parse("2026-12-03T14:02:00.000Z").expect("a time");
        let thumbnail = AssetRef {
            url: "https://castboard.example/thumbnails/x.jpg".into(),
            updated_at: taken,
        };
        assert_eq!(
            thumbnail_src(&thumbnail),
            format!(
                "https://castboard.example/thumbnails/x.jpg?v={}",
                taken.millis()
            )
        );
        let with_query = AssetRef {
            url: "https://cdn.example/t.jpg?token=a".into(),
            ..thumbnail
        };
        assert_eq!(
            thumbnail_src(&with_query),
            format!("https://cdn.example/t.jpg?token=a&v={}", taken.millis())
        );
    }

    #[test]
    fn a_replay_plays_in_this_server_s_player_by_its_session() {
        let id = Uuid::from_u128(0x7c1e);
        let session = shared::Timestamp::from_millis(1_764_770_400_000).expect("a time");
        assert_eq!(
            replay_preview_url(id, session),
            format!(
                "/embed?group.id={id}&replay=1764770400000&playback.autoplay=true&playback.automute=true"
            )
        );
    }

    #[test]
    fn a_motion_clip_loads_from_its_url_with_its_time_as_the_version() {
        let made = shared::Timestamp::parse("2026-12-03T14:02:10.000Z").expect("a time");
        let clip = AssetRef {
            url: "https://castboard.example/clips/x.mp4".into(),
            updated_at: made,
        };
        assert_eq!(
            motion_clip_src(&clip),
            format!("https://castboard.example/clips/x.mp4?v={}", made.millis())
        );
    }
}
