//! The REST API under `/api/v1`: one module per resource, each with a `router()`, merged
//! here together with the OpenAPI document generated from the handlers' annotations.

mod api_keys;
mod clips;
mod docs;
mod events;
mod files;
pub mod forward;
mod hls;
pub use hls::master_url as hls_master_url;
pub mod ingest;
mod ingest_log;
mod organisation;
mod player;
mod session;
mod signing_keys;
pub(crate) mod streams;
mod tags;
mod thumbnails;
mod tokens;
mod users;
mod vod;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use shared::model::{Feature, Organisation};
use shared::ErrorBody;
use std::sync::Arc;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

/// Base path of the API.
pub const API_BASE: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Castboard API",
        description = "REST API of Castboard, a self-hosted control plane for live video streams. \
            Authenticate with the dashboard's session cookie (state-changing requests then also \
            send `X-Requested-With: castboard`) or with an API key in `X-API-Key`. Every error \
            answers `{\"error\": {\"code\", \"message\", \"fields\"?}}`; every response carries \
            `X-Request-Id`.",
        license(name = "Apache-2.0"),
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "session", description = "Signing in and out; who is calling"),
        (name = "organisation", description = "The caller's organisation"),
        (name = "users", description = "People of the organisation (admin)"),
        (name = "api-keys", description = "Keys for scripts (admin)"),
        (name = "streams", description = "Streams, stream groups, tags and transcoding profiles"),
        (name = "events", description = "Live stream events (Server-Sent Events)"),
        (name = "ingest", description = "Callbacks of the media server (ingest secret, no user auth)"),
        (name = "tokens", description = "Secure playback (feature secure): playback tokens, signing keys and the public JWKS"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "Session cookie set by POST /auth/login; state-changing requests also need X-Requested-With: castboard",
            ))),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "An API key's secret, as shown once by POST /api-keys",
            ))),
        );
    }
}

/// Adds the answers that come from outside the handlers, to every operation they can
/// reach. Run on the merged document, since the paths come from the routers.
/// - Every operation that takes a body: 413 `payload_too_large` and 415
///   `unsupported_media_type`, from the body limit (`http::BODY_LIMIT`) and the
///   media-type check (of `ApiJson`, or the ingest hook's form); a JSON body also 408
///   `request_timeout` (the body timeout of `connections`).
/// - Every operation that may write (any method but GET): 503 `unavailable` when the
///   database is read-only and 507 `insufficient_storage` when the disk is full.
struct BodyRefusals;

impl Modify for BodyRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let body = [
            ("413", "The body is larger than 1 MiB (payload_too_large)"),
            (
                "415",
                "The body is not of the declared media type (unsupported_media_type)",
            ),
        ];
        let json_body = [(
            "408",
            "The body stopped arriving before it was complete (request_timeout)",
        )];
        let writes = [
            (
                "503",
                "The database is read-only at the moment; nothing was changed (unavailable)",
            ),
            (
                "507",
                "The server's disk is full; nothing was changed (insufficient_storage)",
            ),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (false, &mut item.get),
                (true, &mut item.put),
                (true, &mut item.post),
                (true, &mut item.delete),
                (false, &mut item.options),
                (false, &mut item.head),
                (true, &mut item.patch),
                (false, &mut item.trace),
            ];
            for (may_write, operation) in operations {
                let Some(operation) = operation else { continue };
                let (has_body, is_json) = match &operation.request_body {
                    Some(b) => (true, b.content.contains_key("application/json")),
                    None => (false, false),
                };
                let answers = body
                    .iter()
                    .filter(|_| has_body)
                    .chain(json_body.iter().filter(|_| is_json))
                    .chain(writes.iter().filter(|_| may_write));
                for (status, description) in answers {
                    let response = ResponseBuilder::new()
                        .description(*description)
                        .content(
                            "application/json",
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                                .build(),
                        )
                        .build();
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert(response.into());
                }
            }
        }
    }
}

/// The API's routes (with the OpenAPI document and its browsable reference), plus a
/// JSON 404 for every other path under `/api`, so an unknown API path never gets the
/// dashboard's page; and the media server's files (see [`media_here`]).
pub fn router(state: &AppState) -> Router<AppState> {
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            API_BASE,
            OpenApiRouter::new()
                .merge(session::router())
                .merge(organisation::router())
                .merge(users::router())
                .merge(api_keys::router())
                .merge(streams::router())
                .merge(tags::router())
                .merge(events::router())
                .merge(ingest::router())
                .merge(ingest_log::router())
                .merge(tokens::router())
                .merge(signing_keys::router()),
        )
        .merge(signing_keys::jwks_router())
        .split_for_parts();
    BodyRefusals.modify(&mut openapi);
    let openapi = Arc::new(openapi);
    api.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        forward::pass_media_state_on,
    ))
    .merge(docs::router(openapi))
    .merge(player::router())
    .merge(
        hls::router()
            .merge(thumbnails::router())
            .merge(vod::router())
            .merge(clips::router())
            .route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                media_here,
            )),
    )
    .route("/api", get(api_not_found).fallback(api_not_found))
    .route("/api/{*rest}", get(api_not_found).fallback(api_not_found))
}

/// The media server's files (HLS, recordings, thumbnails, motion clips) are where it
/// runs. An instance that shares its database with others and does not run it now
/// answers them 503 with `Retry-After: 1`, so a load balancer that tries a 503 on the
/// next instance (nginx: `proxy_next_upstream … http_503`) reaches the one that does.
async fn media_here(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if state.settings.media == crate::media::MediaMode::Embedded && state.media_elsewhere() {
        return ApiError::Unavailable {
            message: "The media server runs on another instance now; ask again.".into(),
            retry_after_secs: Some(1),
        }
        .into_response();
    }
    next.run(req).await
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("There is no such API path; see /api/docs.".into())
}

/// Refuses (403 `feature_disabled`) unless the organisation has `feature`.
pub(crate) fn require_feature(org: &Organisation, feature: Feature) -> ApiResult<()> {
    if org.features.get(feature) {
        Ok(())
    } else {
        Err(ApiError::FeatureDisabled(feature))
    }
}

/// A lowercase UUID from the path's `{id}`; any other shape is a 404 (no such object).
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw): Path<String> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("Not found.".into()))?;
        Uuid::parse_str(&raw)
            .ok()
            .filter(|id| id.hyphenated().to_string() == raw)
            .map(IdPath)
            .ok_or_else(|| {
                ApiError::NotFound("No object with that id exists in your organisation.".into())
            })
    }
}
