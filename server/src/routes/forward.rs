//! Reads of what only the instance running the media plane knows (see `duty`): a live
//! stream's health readings (`GET /streams/{id}/health`) and where its processes stand
//! (`GET /streams/{id}/processes`, `…/processes/{kind}`). An instance that stands by
//! passes them on to that instance, with the caller's credentials, and answers what it
//! answers; when that instance cannot be reached it answers itself (without the
//! readings).

use crate::auth::API_KEY_HEADER;
use crate::state::{AppState, MEDIA_LEASE};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Marks a request passed on, so it is never passed on again.
pub const FORWARDED: &str = "x-castboard-forwarded";

/// How long the instance running the media plane may take to answer.
const PATIENCE: Duration = Duration::from_secs(3);

/// The largest answer taken back (a health history is about 60 KB).
const MAX_ANSWER: u64 = 4 << 20;

/// Whether `path` reads what the media plane's instance keeps in memory.
pub fn reads_media_state(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v1/streams/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    matches!(
        parts.as_slice(),
        [id, "health"] | [id, "processes"] | [id, "processes", _] if !id.is_empty()
    )
}

/// The middleware: passes a read of the media plane's state on when this instance
/// stands by.
pub async fn pass_media_state_on(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() == Method::GET
        && reads_media_state(req.uri().path())
        && !req.headers().contains_key(FORWARDED)
        && state.media_elsewhere()
    {
        match state.store.lease(MEDIA_LEASE).await {
            Ok(Some(lease)) => {
                let asked = asked(&req);
                match tokio::time::timeout(PATIENCE, pass_on(&lease.holder_url, asked)).await {
                    Ok(Ok(answer)) => return answer,
                    Ok(Err(e)) => {
                        tracing::warn!(holder = %lease.holder_url, error = %e, "could not ask the media server's instance; answering here")
                    }
                    Err(_) => {
                        tracing::warn!(holder = %lease.holder_url, "the media server's instance did not answer in time; answering here")
                    }
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read who runs the media server"),
        }
    }
    next.run(req).await
}

/// What is asked of the other instance: `req`'s path and query, its credentials, and
/// the mark of a request passed on (the `Host` line follows).
fn asked(req: &Request) -> String {
    let target = req
        .uri()
        .path_and_query()
        .map_or(req.uri().path(), |pq| pq.as_str());
    let mut head = format!("GET {target} HTTP/1.0\r\n{FORWARDED}: 1\r\n");
    for name in [COOKIE.as_str(), API_KEY_HEADER, AUTHORIZATION.as_str()] {
        // A header value never holds CR or LF (the parser refused it).
        if let Some(value) = req.headers().get(name).and_then(|v| v.to_str().ok()) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head
}

/// Sends `asked` to `base` (`http://host:port`) as one HTTP/1.0 GET; the answer, read to
/// its end.
async fn pass_on(base: &str, asked: String) -> std::io::Result<Response> {
    let authority = base
        .strip_prefix("http://")
        .map(|a| a.trim_end_matches('/'))
        .filter(|a| !a.is_empty() && !a.contains('/'))
        .ok_or_else(|| std::io::Error::other(format!("not an http://host:port URL: {base}")))?;
    let head = format!("{asked}Host: {authority}\r\n\r\n");
    let mut conn = tokio::net::TcpStream::connect(authority).await?;
    conn.write_all(head.as_bytes()).await?;
    let mut answer = Vec::new();
    (&mut conn)
        .take(MAX_ANSWER)
        .read_to_end(&mut answer)
        .await?;
    parse_answer(&answer)
}

/// An HTTP/1.x answer as a response: its status, content type, cache rule and body.
fn parse_answer(answer: &[u8]) -> std::io::Result<Response> {
    let malformed = || std::io::Error::other("a malformed answer");
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(malformed)?;
    let head = std::str::from_utf8(&answer[..split]).map_err(|_| malformed())?;
    let body = answer[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(malformed)?;
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let header = match name.as_str() {
            "content-type" => CONTENT_TYPE,
            "cache-control" => CACHE_CONTROL,
            _ => continue,
        };
        if let Ok(value) = HeaderValue::from_str(value.trim()) {
            response.headers_mut().insert(header, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_health_and_process_reads_of_a_stream_are_passed_on() {
        let id = "/api/v1/streams/7f9c6a51-8f0e-4c55-9a4e-3e1f2b9d8c10";
        for (path, passed) in [
            (format!("{id}/health"), true),
            (format!("{id}/processes"), true),
            (format!("{id}/processes/thumbnails"), true),
            (id.to_string(), false),
            (format!("{id}/snippets"), false),
            (format!("{id}/processes/thumbnails/extra"), false),
            (format!("{id}/health/"), false),
            ("/api/v1/streams//health".to_string(), false),
            ("/api/v1/streams".to_string(), false),
            ("/hls/x/health".to_string(), false),
        ] {
            assert_eq!(reads_media_state(&path), passed, "{path}");
        }
    }

    #[test]
    fn an_answer_keeps_its_status_type_cache_rule_and_body() {
        let answer = b"HTTP/1.0 404 Not Found\r\ncontent-type: application/json\r\n\
                       cache-control: no-store\r\nx-other: 1\r\ncontent-length: 2\r\n\r\n{}";
        let res = parse_answer(answer).expect("parses");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(res.headers()[CACHE_CONTROL], "no-store");
        assert_eq!(res.headers().get("x-other"), None);
        assert!(parse_answer(b"HTTP/1.0 200 OK\r\n").is_err());
        assert!(parse_answer(b"garbage\r\n\r\n").is_err());
    }
}
