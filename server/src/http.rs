//! Cross-cutting HTTP behaviour: request ids and tracing, security headers, compression,
//! panics and bare error statuses turned into the API's error body, the body limit.

use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::{self, HeaderName, HeaderValue, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::any::Any;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Only same-origin resources; wasm may be compiled; no inline script or style; never
/// framed. Routes made to be embedded will set their own `frame-ancestors`.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; media-src 'self' blob:; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Marks a response (in its extensions) as made to be framed by other sites: it gets no
/// `X-Frame-Options` and sets its own `frame-ancestors`.
#[derive(Debug, Clone, Copy)]
pub struct Embeddable;

/// Browsers reached over https keep to https for a year (`https` public URLs only: over
/// plain http the header is ignored, and sending it would be a promise not kept).
pub const HSTS: &str = "max-age=31536000";

/// Wraps the application router in every cross-cutting layer; `https` when the public
/// URL is, which adds `Strict-Transport-Security`.
pub fn layers<S: Clone + Send + Sync + 'static>(router: Router<S>, https: bool) -> Router<S> {
    let request_id = HeaderName::from_static("x-request-id");
    let hsts = https.then(|| HeaderValue::from_static(HSTS));
    let security = ServiceBuilder::new()
        .layer(header_if_missing(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_if_missing(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_if_missing(header::REFERRER_POLICY, "no-referrer"))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            |res: &Response| {
                res.extensions()
                    .get::<Embeddable>()
                    .is_none()
                    .then_some(HeaderValue::from_static("DENY"))
            },
        ))
        .layer(header_if_missing(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(header_if_missing(
            HeaderName::from_static("permissions-policy"),
            "camera=(self), microphone=(self), geolocation=(), payment=()",
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &Response| hsts.clone(),
        ));
    router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(api_error_bodies))
        .layer(security)
        // Video is compressed already; gzip would only spend CPU on every fragment.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("video/")),
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &Request| {
                            let id = req
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO))
                        // Every answer is logged above with its status; 500s are logged
                        // with their cause where they arise. A 5xx flood (503s under load)
                        // must not also flood the error log.
                        .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
                )
                .layer(PropagateRequestIdLayer::new(request_id)),
        )
}

fn header_if_missing(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Gives error answers produced outside the handlers (axum's 405, a 413 from the body
/// limit, an extractor's plain-text rejection, …) the API's error body, and keeps API
/// answers out of caches. Outside `/api/` only bare statuses are rewritten, so static
/// files keep their own answers.
async fn api_error_bodies(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let bare = !res.headers().contains_key(CONTENT_TYPE);
    if (status.is_client_error() || status.is_server_error()) && (bare || (is_api && !is_json)) {
        let error = match status {
            StatusCode::METHOD_NOT_ALLOWED => Some(ApiError::MethodNotAllowed),
            StatusCode::PAYLOAD_TOO_LARGE => Some(ApiError::PayloadTooLarge),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Some(ApiError::UnsupportedMediaType),
            StatusCode::NOT_FOUND => Some(ApiError::NotFound("Not found.".into())),
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                Some(ApiError::Validation {
                    message: "The request is not valid.".into(),
                    fields: Default::default(),
                })
            }
            s if s.is_server_error() => Some(ApiError::Internal(format!("a layer answered {s}"))),
            _ => None,
        };
        if let Some(error) = error {
            let allow = res.headers().get(header::ALLOW).cloned();
            res = error.into_response();
            if let Some(allow) = allow {
                res.headers_mut().insert(header::ALLOW, allow);
            }
        }
    }
    if is_api && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    ApiError::Internal("a handler panicked".into()).into_response()
}
