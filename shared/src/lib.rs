//! Castboard's wire contract, shared by the server and the browser app.
//!
//! Everything here compiles for both `x86_64` and `wasm32-unknown-unknown`, so the
//! dashboard and the API agree by construction:
//! - [`error`]: the one error body every failing API call answers with;
//! - [`time`]: the RFC 3339 timestamp type used on the wire (UTC, milliseconds, `Z`);
//! - [`validate`]: newtypes that are valid by construction (`Email`, `Password`, …),
//!   parsed the same way by a form (instant feedback) and the server (authority);
//! - [`listing`]: the stream list's filters and page as one query-string value, read
//!   and written alike by the dashboard's URL and the list endpoint;
//! - [`model`]: request and response bodies of the REST API;
//! - [`health`]: the rules of ingest health (thresholds, issues, status) that the
//!   server assesses live streams with;
//! - [`ingest`]: what encoders should send (fragment length, OBS and ffmpeg settings),
//!   read by the media server's configuration and the dashboard's instructions alike;
//! - [`snippet`]: the embeddable player code (iframe, HTML, live and embed URLs) for a
//!   stream, generated the same way for the dashboard's preview and the API;
//! - `examples` (tests and the `examples` feature only): complete example values
//!   (`Stream::example`, `TokenClaims::example`, …) that tests build from.
//!
//! This crate holds no I/O and no framework code: serde only (plus OpenAPI schemas behind
//! the `openapi` feature, which only the server enables; `openapi` holds the helpers of
//! the schemas written by hand).

pub mod error;
#[cfg(any(test, feature = "examples"))]
pub mod examples;
pub mod health;
pub mod ingest;
pub mod listing;
pub mod model;
mod openapi;
pub mod snippet;
pub mod stream;
pub mod time;
pub mod validate;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use time::Timestamp;
