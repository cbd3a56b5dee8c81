//! Serving the built dashboard: hashed assets with a long cache (and the release build's
//! brotli and gzip copies of them by content negotiation), `index.html` for every other
//! path (client-side routing, status 200), and no inline script.
//!
//! Every dashboard page refuses to be framed, except the standalone snippet generator
//! (`/generator/<id>`, C4), which pages of the same site may put in an iframe. Other sites
//! cannot usefully frame it anyway: the session cookie is `SameSite=Strict`; they use
//! `GET /api/v1/streams/{id}/snippets` instead.
//!
//! A signed-in visit of the stream list (`/streams`, the page most visits open) is told
//! in `Link` headers which API answers the app will ask for first: `/api/v1/me` and the
//! list of the view in the page's query, made from the query by `shared`'s
//! [`ListParams`], as the page makes its request. The browser asks for them while the
//! app's module loads, and the app's own requests take those answers instead of waiting
//! a round trip each after the module started.
//!
//! Trunk writes a small inline `<script type="module">` into `index.html` to start the
//! wasm module. The Content-Security-Policy allows no inline script, so on start-up the
//! page is rewritten once: each inline script moves to `/boot-<sha256>.js`, served from
//! memory, and the page refers to it with `src`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LINK, VARY, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use shared::listing::ListParams;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Dashboard routes made to be framed by pages of the same site.
pub const FRAMABLE_PREFIX: &str = "/generator/";

/// The dashboard's stream list (the app's `paths::STREAMS`).
const LIST_PAGE: &str = "/streams";

/// The built dashboard, ready to serve.
#[derive(Debug)]
pub struct Assets {
    dir: PathBuf,
    /// `index.html` with its inline scripts moved out.
    index: String,
    /// `/boot-<hash>.js` → script text.
    boot_scripts: HashMap<String, String>,
}

impl Assets {
    /// Reads `dir/index.html`; `None` when there is no built dashboard there.
    pub fn load(dir: &Path) -> Option<Assets> {
        let html = std::fs::read_to_string(dir.join("index.html")).ok()?;
        let (index, boot_scripts) = externalize_inline_scripts(&html);
        Some(Assets {
            dir: dir.to_path_buf(),
            index,
            boot_scripts,
        })
    }

    /// The page for `path`, with the `Link` preloads of its first requests if any.
    fn index_response(&self, path: &str, first_requests: Option<HeaderValue>) -> Response {
        let mut res = (
            [
                (CONTENT_TYPE, "text/html; charset=utf-8"),
                (CACHE_CONTROL, REVALIDATE),
            ],
            self.index.clone(),
        )
            .into_response();
        if path.starts_with(FRAMABLE_PREFIX) {
            let csp = crate::http::CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'");
            if let Ok(csp) = HeaderValue::from_str(&csp) {
                res.headers_mut().insert(CONTENT_SECURITY_POLICY, csp);
                res.headers_mut()
                    .insert(X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
            }
        }
        if let Some(link) = first_requests {
            res.headers_mut().insert(LINK, link);
        }
        res
    }
}

/// The API requests a signed-in visit of `path` makes first, as a `Link` header of
/// preloads; `None` for a page without them. A preload matches the app's request when
/// the URL, the mode (`cors`, from `crossorigin`) and the credentials (same origin) are
/// the same, so the list's URL is built as the page builds it: its query pairs read
/// leniently into a [`ListParams`], written back with [`ListParams::to_query`].
fn first_requests(path: &str, query: Option<&str>) -> Option<HeaderValue> {
    if path != LIST_PAGE {
        return None;
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let list_query = ListParams::from_pairs(&pairs).to_query();
    let base = crate::routes::API_BASE;
    let list = if list_query.is_empty() {
        format!("{base}/streams")
    } else {
        format!("{base}/streams?{list_query}")
    };
    let preload = |url: &str| format!("<{url}>; rel=preload; as=fetch; crossorigin");
    HeaderValue::from_str(&format!(
        "{}, {}",
        preload(&format!("{base}/me")),
        preload(&list)
    ))
    .ok()
}

/// Moves every `<script>` without `src` into a file named after its content's hash.
fn externalize_inline_scripts(html: &str) -> (String, HashMap<String, String>) {
    let mut out = String::with_capacity(html.len());
    let mut scripts = HashMap::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        let tag_end = match rest[start..].find('>') {
            Some(i) => start + i + 1,
            None => break,
        };
        let open_tag = &rest[start..tag_end];
        let close = match rest[tag_end..].find("</script>") {
            Some(i) => tag_end + i,
            None => break,
        };
        let body = &rest[tag_end..close];
        if open_tag.contains(" src=") || body.trim().is_empty() {
            out.push_str(&rest[start..close + "</script>".len()]);
        } else {
            let digest = hex::encode(Sha256::digest(body.as_bytes()));
            let path = format!("/boot-{}.js", &digest[..16]);
            let module = if open_tag.contains("module") {
                r#" type="module""#
            } else {
                ""
            };
            out.push_str(&format!(r#"<script{module} src="{path}"></script>"#));
            scripts.insert(path, body.to_string());
        }
        rest = &rest[close + "</script>".len()..];
    }
    out.push_str(rest);
    (out, scripts)
}

/// Built files never change when their name carries a hash: Trunk names its files
/// `<name>-<hash>[_bg].<ext>`, and the wasm module's files live in a folder
/// `/app-<hash>/` (scripts/build-wasm.sh). Trunk's hash is a 64-bit number in hex without
/// leading zeros: 16 digits mostly, 15 one build in sixteen (fewer ever more rarely); the
/// folder's is always 16 digits.
fn is_hashed(path: &str) -> bool {
    let is_hash = |h: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&h.len()) && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    if let Some(in_folder) = path.strip_prefix("/app-") {
        return in_folder.split_once('/').is_some_and(|(h, file)| {
            is_hash(h, 16..=16) && !file.is_empty() && !file.contains('/')
        });
    }
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| is_hash(h, 8..=16))
}

/// Fallback handler for every non-API path.
pub async fn serve(State(assets): State<Arc<Assets>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    // Only a signed-in visit goes on to the list: a stranger is sent to sign in.
    let preloads = crate::auth::session_token_in(req.headers())
        .and_then(|_| first_requests(&path, req.uri().query()));
    if path == "/" || path == "/index.html" {
        return assets.index_response(&path, preloads);
    }
    if let Some(script) = assets.boot_scripts.get(&path) {
        return (
            [
                (CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (CACHE_CONTROL, IMMUTABLE),
            ],
            script.clone(),
        )
            .into_response();
    }
    let hashed = is_hashed(&path);
    let mut dir = ServeDir::new(&assets.dir).append_index_html_on_directories(false);
    if hashed {
        // The release build wrote `<file>.br` and `<file>.gz` beside each hashed file
        // (scripts/precompress.sh); one of them goes to a browser that accepts it, the
        // file itself to any other (and the compression layer leaves an encoded answer
        // alone).
        dir = dir.precompressed_br().precompressed_gzip();
    }
    let served = dir.oneshot(req).await;
    match served {
        Ok(res) if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED => {
            let mut res = res.map(Body::new);
            let cache = if hashed { IMMUTABLE } else { REVALIDATE };
            let headers = res.headers_mut();
            headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
            if hashed {
                // Caches must keep one copy per encoding.
                headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
            }
            res
        }
        // A part of the wasm module that is not there (a page loaded before the last
        // release asking for its old parts) is missing, not a route: its loader then
        // reports the failure instead of reading the page as a module.
        _ if hashed && path.starts_with("/app-") => StatusCode::NOT_FOUND.into_response(),
        // Any other path is a route of the dashboard: the page decides what to show.
        _ => assets.index_response(&path, preloads),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_inline_module_scripts_out() {
        let html = r#"<head><script type="module" nonce="x">import init from '/a-0123456789abcdef.js';
await init();</script><script src="/keep.js"></script></head>"#;
        let (page, scripts) = externalize_inline_scripts(html);
        assert_eq!(scripts.len(), 1);
        let (path, body) = scripts.iter().next().expect("one script");
        assert!(
            path.starts_with("/boot-")
                && path.ends_with(".js")
                && path.len() == "/boot-.js".len() + 16
        );
        assert!(body.contains("await init();"));
        assert_eq!(
            page,
            format!(
                r#"<head><script type="module" src="{path}"></script><script src="/keep.js"></script></head>"#
            )
        );
    }

    #[test]
    fn the_stream_list_announces_its_first_requests() {
        let link = |query: Option<&str>| {
            first_requests("/streams", query).map(|v| v.to_str().expect("ascii").to_string())
        };
        assert_eq!(
            link(None).as_deref(),
            Some("</api/v1/me>; rel=preload; as=fetch; crossorigin, </api/v1/streams>; rel=preload; as=fetch; crossorigin")
        );
        // The view as the page reads it: states in order, a value the
        // page drops (page=0) dropped, percent-encoding as the page writes it.
        assert_eq!(
            link(Some("state=live&page=0&state=ended&tag=region%3Aeu&per_page=50")).as_deref(),
            Some(
                "</api/v1/me>; rel=preload; as=fetch; crossorigin, \
                 </api/v1/streams?state=live&state=ended&tag=region%3Aeu&per_page=50>; rel=preload; as=fetch; crossorigin"
            )
        );
        // The default view written out is the default view.
        assert_eq!(link(Some("per_page=25&page=1")), link(None));
        // Other pages announce nothing.
        assert_eq!(first_requests("/streams/new", None), None);
        assert_eq!(first_requests("/", None), None);
        assert_eq!(first_requests("/tokens", Some("state=live")), None);
    }

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed("/castboard-app-3f1c2b9a0d4e5f67_bg.wasm"));
        assert!(is_hashed("/castboard-app-3f1c2b9a0d4e5f67.js"));
        assert!(is_hashed("/main-3f1c2b9a0d4e5f67.css"));
        assert!(!is_hashed("/favicon.svg"));
        assert!(!is_hashed("/index.html"));
        // This build's hash had a leading zero.
        assert!(is_hashed("/castboard-app-3b140d883cfd44f_bg.wasm"));
        assert!(!is_hashed("/x-3f1c2b9.js"));
        assert!(!is_hashed("/x-3F1C2B9A0D4E5F67.js"));
        assert!(!is_hashed("/x-3f1c2b9a0d4e5f678.js"));
    }

    #[test]
    fn recognises_the_wasm_module_folder() {
        assert!(is_hashed("/app-03f1c2b9a0d4e5f6/main_bg.wasm"));
        assert!(is_hashed("/app-03f1c2b9a0d4e5f6/__wasm_split.js"));
        assert!(is_hashed("/app-03f1c2b9a0d4e5f6/chunk_12.wasm"));
        assert!(!is_hashed("/app-03f1c2b9a0d4e5f/main.js"));
        assert!(!is_hashed("/app-03F1C2B9A0D4E5F6/main.js"));
        assert!(!is_hashed("/app-03f1c2b9a0d4e5f6/"));
        assert!(!is_hashed("/app-03f1c2b9a0d4e5f6/x/main.js"));
        assert!(!is_hashed("/streams/main.js"));
    }
}
