//! Serving one file that processing made (a thumbnail, a motion clip) as browsers and
//! caches expect: `Last-Modified` and an `ETag` from the file itself, 304 to a client
//! whose copy is current, and one byte range (`Range: bytes=a-b`, `a-`, `-n`) answered
//! 206 with its `Content-Range`, which `<video>` needs to play an MP4. The file is opened
//! once and its validators are read from the open handle, so a file renamed over it
//! meanwhile never mixes with the one being sent; it is sent a piece at a time.

use super::hls::not_found;
use axum::body::{Body, Bytes};
use axum::http::header::{
    ACCEPT_RANGES, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, CACHE_CONTROL,
    CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE,
    LAST_MODIFIED, RANGE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::Path;
use std::time::UNIX_EPOCH;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// The validator of a file: its modification time (ns) and length.
pub fn etag(modified_ns: u128, len: u64) -> String {
    format!("\"{modified_ns:x}-{len:x}\"")
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) of `secs` since the epoch.
pub fn http_date(secs: i64) -> Option<String> {
    let at = chrono::DateTime::from_timestamp(secs, 0)?;
    Some(at.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
}

/// Whether the client's copy is current: `If-None-Match` names the ETag (or `*`), or,
/// without `If-None-Match`, `If-Modified-Since` is not before the file's time.
pub fn not_modified(headers: &HeaderMap, tag: &str, modified_secs: i64) -> bool {
    if let Some(list) = headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return list
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t == tag || t.strip_prefix("W/") == Some(tag));
    }
    headers
        .get(IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| since.timestamp() >= modified_secs)
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// The whole file (no range, or one this server does not do: several ranges, other
    /// units, nonsense), answered 200.
    Whole,
    /// Bytes `start..=end`, answered 206.
    Part { start: u64, end: u64 },
    /// A range that starts past the end (or an empty file), answered 416.
    Unsatisfiable,
}

/// Reads one `bytes=` range against a file of `len` bytes (RFC 9110 §14.1.2): `a-b`
/// (`b` clamped to the last byte), `a-`, `-n` (the last `n` bytes).
pub fn wanted(range: Option<&str>, len: u64) -> Wanted {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (number(first), number(last), last.trim().is_empty()) {
        (Some(start), _, true) => {
            if start >= len {
                Wanted::Unsatisfiable
            } else {
                Wanted::Part {
                    start,
                    end: len - 1,
                }
            }
        }
        (Some(start), Some(end), false) => {
            if end < start {
                Wanted::Whole
            } else if start >= len {
                Wanted::Unsatisfiable
            } else {
                Wanted::Part {
                    start,
                    end: end.min(len - 1),
                }
            }
        }
        (None, Some(suffix), false) if first.trim().is_empty() => {
            if suffix == 0 || len == 0 {
                Wanted::Unsatisfiable
            } else {
                Wanted::Part {
                    start: len.saturating_sub(suffix),
                    end: len - 1,
                }
            }
        }
        _ => Wanted::Whole,
    }
}

/// Answers `path` as `content_type` with `cache` (`public, max-age=10`): 304 when the
/// client's copy is current, 206 for one satisfiable range (unless an `If-Range` names
/// another version), 416 for one past the end, else 200 with the whole file; 404 when
/// there is no such file. Any origin may read it.
pub async fn serve(
    path: &Path,
    content_type: &'static str,
    cache: &str,
    headers: &HeaderMap,
) -> Response {
    let Ok(mut file) = tokio::fs::File::open(path).await else {
        return not_found();
    };
    let Ok(meta) = file.metadata().await else {
        return not_found();
    };
    if !meta.is_file() {
        return not_found();
    }
    let len = meta.len();
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
        .unwrap_or_default();
    let modified_secs = i64::try_from(modified.as_secs()).unwrap_or(0);
    let tag = etag(modified.as_nanos(), len);
    let last_modified = http_date(modified_secs);
    let mut common = HeaderMap::new();
    for (name, value) in [
        (CACHE_CONTROL, Some(cache.to_string())),
        (ETAG, Some(tag.clone())),
        (LAST_MODIFIED, last_modified.clone()),
        (ACCEPT_RANGES, Some("bytes".to_string())),
        (ACCESS_CONTROL_ALLOW_ORIGIN, Some("*".to_string())),
        (
            ACCESS_CONTROL_EXPOSE_HEADERS,
            Some("content-range, accept-ranges, etag".to_string()),
        ),
        (X_CONTENT_TYPE_OPTIONS, Some("nosniff".to_string())),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            common.insert(name, v);
        }
    }
    if not_modified(headers, &tag, modified_secs) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    // A range of another version than this one is not what the client wants a part of.
    let same_version = headers
        .get(IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == tag || Some(v.trim()) == last_modified.as_deref());
    let range = headers.get(RANGE).and_then(|v| v.to_str().ok());
    let wanted = if same_version {
        wanted(range, len)
    } else {
        Wanted::Whole
    };
    match wanted {
        Wanted::Whole => {
            common.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            common.insert(CONTENT_LENGTH, HeaderValue::from(len));
            (common, streamed(file, len)).into_response()
        }
        Wanted::Unsatisfiable => {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                common.insert(CONTENT_RANGE, v);
            }
            (StatusCode::RANGE_NOT_SATISFIABLE, common).into_response()
        }
        Wanted::Part { start, end } => {
            let count = end - start + 1;
            if file.seek(std::io::SeekFrom::Start(start)).await.is_err() {
                return not_found();
            }
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
                common.insert(CONTENT_RANGE, v);
            }
            common.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            common.insert(CONTENT_LENGTH, HeaderValue::from(count));
            (StatusCode::PARTIAL_CONTENT, common, streamed(file, count)).into_response()
        }
    }
}

/// The next `count` bytes of `file` as a body sent a piece at a time, so a long clip is
/// never held in memory whole.
fn streamed(file: tokio::fs::File, count: u64) -> Body {
    const PIECE: usize = 64 * 1024;
    let pieces = futures_util::stream::unfold(Some(file.take(count)), |reader| async move {
        let mut reader = reader?;
        let mut buf = vec![0u8; PIECE];
        match reader.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(reader)))
            }
            // The error ends the body (the client sees it cut short).
            Err(e) => Some((Err(e), None)),
        }
    });
    Body::from_stream(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_copy_is_current_by_etag_first_then_by_date() {
        let tag = etag(0x10, 0x20);
        assert_eq!(tag, "\"10-20\"");
        assert_eq!(
            http_date(784_111_777).as_deref(),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
        let mut h = HeaderMap::new();
        assert!(!not_modified(&h, &tag, 100));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("\"x\", \"10-20\""));
        assert!(not_modified(&h, &tag, 100));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        h.insert(
            IF_MODIFIED_SINCE,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert!(!not_modified(&h, &tag, 0), "If-None-Match decides");
        h.remove(IF_NONE_MATCH);
        assert!(not_modified(&h, &tag, 784_111_777));
        assert!(!not_modified(&h, &tag, 784_111_778));
    }

    #[test]
    fn one_byte_range_is_read_as_rfc_9110_has_it() {
        let part = |start, end| Wanted::Part { start, end };
        assert_eq!(wanted(None, 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=0-9"), 100), part(0, 9));
        assert_eq!(wanted(Some("bytes=0-"), 100), part(0, 99));
        assert_eq!(wanted(Some("bytes=90-200"), 100), part(90, 99), "clamped");
        assert_eq!(wanted(Some("bytes=-10"), 100), part(90, 99));
        assert_eq!(wanted(Some("bytes=-500"), 100), part(0, 99));
        assert_eq!(wanted(Some("bytes=100-"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=100-150"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-"), 0), Wanted::Unsatisfiable);
        // Several ranges, other units, nonsense: the whole file.
        assert_eq!(wanted(Some("bytes=0-1,5-6"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("items=0-1"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=9-1"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=a-b"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=-"), 100), Wanted::Whole);
    }

    #[tokio::test]
    async fn a_range_is_answered_206_with_its_content_range_and_the_rest_as_before() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("clip.mp4");
        std::fs::write(&path, b"0123456789").expect("written");
        let mut h = HeaderMap::new();
        h.insert(RANGE, HeaderValue::from_static("bytes=2-5"));
        let res = serve(&path, "video/mp4", "public, max-age=10", &h).await;
        assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(res.headers()[CONTENT_RANGE], "bytes 2-5/10");
        assert_eq!(res.headers()[CONTENT_TYPE], "video/mp4");
        assert_eq!(res.headers()[CACHE_CONTROL], "public, max-age=10");
        let tag = res.headers()[ETAG].clone();
        assert_eq!(res.headers()[CONTENT_LENGTH], "4");
        let body = axum::body::to_bytes(res.into_body(), 100)
            .await
            .expect("body");
        assert_eq!(&body[..], b"2345");

        h.insert(IF_RANGE, HeaderValue::from_static("\"another\""));
        let res = serve(&path, "video/mp4", "public, max-age=10", &h).await;
        assert_eq!(res.status(), StatusCode::OK, "another version: all of it");
        let body = axum::body::to_bytes(res.into_body(), 100)
            .await
            .expect("body");
        assert_eq!(&body[..], b"0123456789");

        h.remove(IF_RANGE);
        h.insert(RANGE, HeaderValue::from_static("bytes=10-"));
        let res = serve(&path, "video/mp4", "public, max-age=10", &h).await;
        assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(res.headers()[CONTENT_RANGE], "bytes */10");

        h.insert(IF_NONE_MATCH, tag);
        let res = serve(&path, "video/mp4", "public, max-age=10", &h).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

        let gone = serve(&dir.path().join("none.mp4"), "video/mp4", "", &h).await;
        assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    }
}
