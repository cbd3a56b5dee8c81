//! The error body of the API: `{"error": {"code", "message", "fields"?}}`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why each refused field was refused: field name (dotted path for nested fields) → a
/// sentence without its subject (`"page" → "must be a whole number from 1"`), as
/// [`ErrorDetail::fields`] carries them.
pub type FieldErrors = BTreeMap<String, String>;

/// Machine-readable error codes (docs/api.md, "Errors"), each tied to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    LimitReached,
    FeatureDisabled,
    RateLimited,
    Internal,
    /// The request body stopped arriving before it was complete.
    RequestTimeout,
    /// The server's storage is full: nothing was written; retry once space is freed.
    InsufficientStorage,
    /// The server cannot take this request now (storage read-only, too busy); nothing was
    /// changed; retry later (see `Retry-After`).
    Unavailable,
    /// A code this build does not know yet (a newer server); keeps old clients working.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status this code is always sent with.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden | ErrorCode::FeatureDisabled => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict => 409,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ValidationFailed | ErrorCode::LimitReached => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::Unavailable => 503,
            ErrorCode::InsufficientStorage => 507,
        }
    }
}

/// The `message` of every `internal` error (the detail goes only to the server's log).
pub const INTERNAL_ERROR_MESSAGE: &str = "Something went wrong on the server.";

/// The whole body of a failed API call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, for machines (`code`), people (`message`) and forms (`fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// One human sentence; never internal details.
    pub message: String,
    /// For `validation_failed`: field name (dotted path for nested fields) → why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code,
                message: message.into(),
                fields: None,
            },
        }
    }
}
