//! Two things the compiler cannot see for itself:
//! - `sqlx::migrate!` embeds the migration files but cannot tell Cargo to rebuild when one
//!   is added; this does.
//! - The player embeds hls.js from the npm package pinned in `player/` (installed by
//!   `scripts/tools.sh player`); this finds it, or says how to get it.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=migrations");

    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let package = manifest.join("../player/node_modules/hls.js");
    let script = package.join("dist/hls.light.min.js");
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rerun-if-changed=../player/package-lock.json");
    if !script.is_file() {
        panic!(
            "hls.js is not installed at {}: run `scripts/tools.sh player` (npm ci in player/)",
            script.display()
        );
    }
    let version = std::fs::read_to_string(package.join("package.json"))
        .ok()
        .and_then(|text| {
            let at = text.find("\"version\"")?;
            let rest = &text[at + 9..];
            let start = rest.find('"')? + 1;
            let len = rest[start..].find('"')?;
            Some(rest[start..start + len].to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=CASTBOARD_HLS_JS={}", script.display());
    println!("cargo:rustc-env=CASTBOARD_HLS_JS_VERSION={version}");
}
