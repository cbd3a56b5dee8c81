//! The one error type at the HTTP boundary, and the extractors whose rejections use it.
//!
//! Every failing request answers `shared::ErrorBody` with the status of its code.
//! Internal errors are logged (inside the request's span, so with its request id) and
//! reach the client only as "internal".

use crate::store::StoreError;
use crate::strict_structs;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, TRANSFER_ENCODING};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::model::Feature;
use shared::{ErrorBody, ErrorCode, ErrorDetail};
use std::collections::BTreeMap;

/// A refused or failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("request body timed out")]
    RequestTimeout,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("{message}")]
    Validation {
        message: String,
        fields: BTreeMap<String, String>,
    },
    #[error("{0}")]
    LimitReached(String),
    #[error("feature {0} disabled")]
    FeatureDisabled(Feature),
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// The store's disk is full; the detail is logged, never sent.
    #[error("storage full: {0}")]
    InsufficientStorage(String),
    /// The server cannot serve this now; `message` is sent, with `Retry-After` when given.
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after_secs: Option<u64>,
    },
    /// Details are logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn not_found(what: &str) -> ApiError {
        ApiError::NotFound(format!(
            "No {what} with that id exists in your organisation."
        ))
    }

    /// A validation failure about one field.
    pub fn field(field: impl Into<String>, why: impl Into<String>) -> ApiError {
        let (field, why) = (field.into(), why.into());
        ApiError::Validation {
            message: format!("{field} {why}."),
            fields: BTreeMap::from([(field, why)]),
        }
    }

    /// A validation failure from field errors, each key prefixed (`"scope."`, …).
    pub fn fields(prefix: &str, errors: BTreeMap<String, String>) -> ApiError {
        let fields: BTreeMap<String, String> = errors
            .into_iter()
            .map(|(k, v)| (format!("{prefix}{k}"), v))
            .collect();
        let message = format!(
            "The request is not valid: {}.",
            fields
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join("; ")
        );
        ApiError::Validation { message, fields }
    }

    fn code(&self) -> ErrorCode {
        match self {
            ApiError::Unauthorized(_) => ErrorCode::Unauthorized,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::RequestTimeout => ErrorCode::RequestTimeout,
            ApiError::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            ApiError::Validation { .. } => ErrorCode::ValidationFailed,
            ApiError::LimitReached(_) => ErrorCode::LimitReached,
            ApiError::FeatureDisabled(_) => ErrorCode::FeatureDisabled,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::InsufficientStorage(_) => ErrorCode::InsufficientStorage,
            ApiError::Unavailable { .. } => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn body(&self) -> ErrorBody {
        let message = match self {
            ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::LimitReached(m) => m.clone(),
            ApiError::Validation { message, .. } | ApiError::Unavailable { message, .. } => {
                message.clone()
            }
            ApiError::InsufficientStorage(_) => {
                "The server's storage is full, so nothing was saved. Try again once space has been freed."
                    .into()
            }
            ApiError::MethodNotAllowed => "This method is not allowed on this path.".into(),
            ApiError::PayloadTooLarge => "The request body is larger than 1 MiB.".into(),
            ApiError::RequestTimeout => {
                "The request body stopped arriving before it was complete.".into()
            }
            ApiError::UnsupportedMediaType => {
                "The request body must be JSON, sent with Content-Type: application/json.".into()
            }
            ApiError::FeatureDisabled(f) => format!(
                "Your organisation does not have the {} package ({}); an upgrade is needed.",
                f.label(),
                f.as_str()
            ),
            ApiError::RateLimited { retry_after_secs } => format!(
                "Too many attempts; try again in {}.",
                wait_phrase(*retry_after_secs)
            ),
            ApiError::Internal(_) => shared::error::INTERNAL_ERROR_MESSAGE.into(),
        };
        let fields = match self {
            ApiError::Validation { fields, .. } => Some(fields.clone()),
            _ => None,
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message,
                fields,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(detail) => tracing::error!(%detail, "internal error"),
            ApiError::InsufficientStorage(detail) => {
                tracing::error!(%detail, "storage full: a write was refused")
            }
            _ => {}
        }
        let code = self.code();
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body())).into_response();
        let retry_after = match self {
            ApiError::RateLimited { retry_after_secs } => Some(retry_after_secs),
            ApiError::Unavailable {
                retry_after_secs, ..
            } => retry_after_secs,
            _ => None,
        };
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => ApiError::NotFound("Not found.".into()),
            StoreError::Duplicate(what) => {
                ApiError::Conflict(format!("That {what} is already in use."))
            }
            StoreError::Conflict(m) => ApiError::Conflict(m),
            StoreError::StorageFull(_) => ApiError::InsufficientStorage(e.to_string()),
            StoreError::ReadOnly(_) => {
                tracing::error!(detail = %e, "the database is read-only: a write was refused");
                ApiError::Unavailable {
                    message: "The server's storage is read-only at the moment, so nothing was saved. Try again later.".into(),
                    retry_after_secs: None,
                }
            }
            StoreError::Database(_) | StoreError::Corrupt(_) => ApiError::Internal(e.to_string()),
        }
    }
}

/// "5 seconds", "1 minute", "14 minutes": a wait in words, rounded up to whole minutes
/// past the first one.
fn wait_phrase(secs: u64) -> String {
    match secs {
        1 => "1 second".into(),
        0..=59 => format!("{secs} seconds"),
        _ => match secs.div_ceil(60) {
            1 => "1 minute".into(),
            m => format!("{m} minutes"),
        },
    }
}

/// Turns a serde error with its path into a validation failure naming the field.
fn deserialize_failure(
    e: serde_path_to_error::Error<impl std::fmt::Display>,
    what: &str,
) -> ApiError {
    let path = e.path().to_string();
    let inner = e.inner().to_string();
    // serde reports a missing field at the parent's path: "missing field `email`".
    if let Some(name) = inner
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let field = if path == "." {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        return ApiError::field(field, "is required");
    }
    if let Some(name) = inner
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        // The path may or may not already end with the unknown key.
        let field = if path == "." {
            name.to_string()
        } else if path == name || path.ends_with(&format!(".{name}")) {
            path
        } else {
            format!("{path}.{name}")
        };
        return ApiError::field(field, "is not a known field");
    }
    // Keep serde's wording but drop its " at line 1 column 12" suffix.
    let why = match inner.split(" at line ").next().unwrap_or(&inner) {
        // serde_json's wording when a value of the wrong kind starts where an enum was due.
        "expected value" => "has the wrong type".to_string(),
        why => why.to_string(),
    };
    if path == "." {
        ApiError::Validation {
            message: format!("The {what} is not valid: {why}."),
            fields: BTreeMap::new(),
        }
    } else {
        ApiError::field(path, why)
    }
}

/// Whether reading the body failed because the client stopped sending it (the body
/// timeout of [`crate::connections`]).
fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// JSON body extractor whose every rejection is an [`ApiError`]: 415 without a JSON
/// content type, 413 over the body limit, 422 (naming the field) for malformed JSON,
/// wrong types (an array where an object is due among them), missing or unknown fields
/// and values refused by `shared` newtypes.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e: BytesRejection| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else if timed_out(&e) {
                    ApiError::RequestTimeout
                } else {
                    ApiError::Validation {
                        message: "The request body could not be read.".into(),
                        fields: BTreeMap::new(),
                    }
                }
            })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = strict_structs::deserialize(&mut de)
            .map_err(|e| deserialize_failure(e, "JSON body"))?;
        de.end().map_err(|_| ApiError::Validation {
            message: "The JSON body has trailing characters.".into(),
            fields: BTreeMap::new(),
        })?;
        Ok(ApiJson(value))
    }
}

/// An optional JSON body (`Option<ApiJson<T>>`): `None` when the request sends no body
/// at all (no `Content-Type`, no length or length 0); anything else is read as
/// [`ApiJson`], with its refusals.
impl<T: DeserializeOwned, S: Send + Sync> OptionalFromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, ApiError> {
        let headers = req.headers();
        let empty = !headers.contains_key(CONTENT_TYPE)
            && !headers.contains_key(TRANSFER_ENCODING)
            && headers
                .get(CONTENT_LENGTH)
                .is_none_or(|len| len.as_bytes() == b"0");
        if empty {
            return Ok(None);
        }
        <ApiJson<T> as FromRequest<S>>::from_request(req, state)
            .await
            .map(Some)
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query-string extractor answering 422 with the offending parameter in `fields`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        // serde_urlencoded reads a struct only as the map of its pairs and every value as
        // text, so no array can stand in for an object in a query string; the adapter is
        // there so that both extractors read alike.
        strict_structs::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| deserialize_failure(e, "query string"))
    }
}
