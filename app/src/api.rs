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
use shared::model::{LoginRequest, Me, Session};
use shared::{ErrorCode, ErrorDetail};
use std::collections::BTreeMap;
use std::fmt;

const LOGIN: &str = "/api/v1/auth/login";
const LOGOUT: &str = "/api/v1/auth/logout";
const ME: &str = "/api/v1/me";

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
        match self {
            ApiError::Refused { detail, .. } => detail.code == ErrorCode::Unauthorized,
            ApiError::Status(status) => *status == 401,
            ApiError::Network | ApiError::UnexpectedBody => false,
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

/// `POST /auth/login`: starts a session; the server sets the session cookie.
pub async fn login(request: LoginRequest) -> Result<Session, ApiError> {
    let response = send_json(Request::post(LOGIN), &request).await?;
    read_json(response).await
}

/// `POST /auth/logout`: ends the session on the server and clears the cookie.
pub async fn logout() -> Result<(), ApiError> {
    let response = send(Request::post(LOGOUT).header(CSRF_HEADER, CSRF_VALUE)).await?;
    read_empty(response).await
}

/// `GET /me`: who is signed in, and their organisation.
pub async fn me() -> Result<Me, ApiError> {
    let response = send(Request::get(ME)).await?;
    read_json(response).await
}

async fn send(request: RequestBuilder) -> Result<Response, ApiError> {
    request.send().await.map_err(|_| ApiError::Network)
}

/// Sends `body` as JSON; only used for state-changing methods, so it adds the CSRF header.
async fn send_json<B: Serialize>(request: RequestBuilder, body: &B) -> Result<Response, ApiError> {
    let request = request
        .header(CSRF_HEADER, CSRF_VALUE)
        .json(body)
        // Serialising a `shared` request type cannot fail; report it as a client fault anyway.
        .map_err(|_| ApiError::UnexpectedBody)?;
    request.send().await.map_err(|_| ApiError::Network)
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response
            .json::<T>()
            .await
            .map_err(|_| ApiError::UnexpectedBody)
    } else {
        Err(read_error(response).await)
    }
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
