//! Storage trouble: a full disk and a read-only database answer with what is wrong
//! (507, 503), never acknowledge a write they did not keep, and the service recovers when
//! space returns.
//!
//! The full disk is real: a small tmpfs mounted for the test, owned by the user running
//! it (mounting takes root: the test uses `sudo -n` when it is not root already).

mod common;

use castboard::store::Store;
use castboard::{AppState, Settings};
use common::{assert_error, body, TestApp};
use serde_json::json;
use shared::model::Role;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of a fixed size, unmounted (and its folder removed) on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().expect("mount point");
        let owner = std::fs::metadata(dir.path()).expect("mount point");
        let options = format!(
            "size={size},uid={},gid={},mode=0700",
            std::os::unix::fs::MetadataExt::uid(&owner),
            std::os::unix::fs::MetadataExt::gid(&owner)
        );
        let status = as_root(
            &["mount", "-t", "tmpfs", "-o", &options, "tmpfs"],
            dir.path(),
        );
        assert!(
            status.success(),
            "mounting a tmpfs failed: this test needs root or password-less sudo"
        );
        Tmpfs { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Runs `args` followed by `path` as root (directly when root already).
fn as_root(args: &[&str], path: &Path) -> std::process::ExitStatus {
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let mut command = if root {
        Command::new(args[0])
    } else {
        let mut sudo = Command::new("sudo");
        sudo.args(["-n", args[0]]);
        sudo
    };
    command.args(&args[1..]).arg(path).status().expect("runs")
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fills the file system holding `dir` to the last byte with one file; returns its path.
fn fill(dir: &Path) -> PathBuf {
    let filler = dir.join("filler");
    // dd stops with "No space left on device" once the file system is full.
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=4096"])
        .arg(format!("of={}", filler.display()))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("dd runs");
    filler
}

#[tokio::test]
async fn a_full_disk_refuses_writes_with_507_loses_no_acknowledged_write_and_recovers() {
    let disk = Tmpfs::mount("4m");
    let db_url = format!("sqlite://{}/castboard.db", disk.path().display());
    let holder = tempfile::tempdir().expect("dir");
    let app = TestApp::spawn_on(holder, &db_url, None, |_| {}).await;
    let caller = app.api_key(Role::User).await;
    let mut acknowledged = Vec::new();
    for _ in 0..5 {
        acknowledged.push(caller.create_stream(json!({"tags": ["before"]})).await);
    }

    let filler = fill(disk.path());
    let mut full = Vec::new();
    for n in 0..40 {
        let res = caller
            .post("/api/v1/streams", json!({"tags": [format!("full-{n}")]}))
            .await;
        match res.status().as_u16() {
            201 => acknowledged.push(body(res).await),
            _ => full.push(assert_error(res, 507, "insufficient_storage").await),
        }
    }
    let tags = caller
        .put(
            &format!(
                "/api/v1/streams/{}/tags",
                acknowledged[0]["id"].as_str().expect("id")
            ),
            json!({"tags": ["during"]}),
        )
        .await;
    let tag_status = tags.status().as_u16();

    // Nearly every write is refused; a few may still fit into pages SQLite already has.
    assert!(full.len() >= 35, "only {} of 40 refused", full.len());
    assert_eq!(
        full[0]["error"]["message"],
        "The server's storage is full, so nothing was saved. Try again once space has been freed."
    );
    assert!(tag_status == 200 || tag_status == 507, "{tag_status}");

    std::fs::remove_file(&filler).expect("space freed");
    for n in 0..5 {
        acknowledged.push(
            caller
                .create_stream(json!({"tags": [format!("after-{n}")]}))
                .await,
        );
    }
    let listed = body(caller.get("/api/v1/streams?per_page=150").await).await;
    assert_eq!(listed["meta"]["total"], acknowledged.len());

    // A fresh connection pool (as after a restart) sees every acknowledged write.
    let reopened = Store::open(&db_url).await.expect("reopens");
    for stream in &acknowledged {
        let id = stream["id"].as_str().expect("id").parse().expect("uuid");
        let kept = reopened.stream(app.org.id, id).await.expect("kept");
        assert_eq!(kept.tags.as_slice()[0].as_str(), stream["tags"][0]);
    }
    reopened.close().await;
    app.store.close().await;
}

/// Serves `store` on a port of its own; the base URL.
async fn serve(store: Store) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let state = AppState::new(store, Settings::new(&base, common::INGEST_SECRET));
    let app = castboard::app(state, None);
    tokio::spawn(async move {
        let _ = castboard::serve(listener, app, Default::default(), std::future::pending()).await;
    });
    base
}

#[tokio::test]
async fn a_read_only_database_answers_writes_with_503_and_still_serves_reads() {
    let writable = TestApp::spawn().await;
    let caller = writable.api_key(Role::User).await;
    let stream = caller.create_stream(json!({"tags": ["kept"]})).await;
    // SQLite: the file opened read-only; PostgreSQL: sessions whose transactions are
    // read-only, as on a standby.
    let read_only_url = match writable.db_url.strip_prefix("sqlite://") {
        Some(db_file) => format!("sqlite://{db_file}?mode=ro"),
        None => format!(
            "{}%20-c%20default_transaction_read_only%3Don",
            writable.db_url
        ),
    };
    let read_only = Store::open(&read_only_url).await.expect("opens read-only");
    let ro_caller = caller.at(&serve(read_only).await);
    let res = ro_caller.post("/api/v1/streams", json!({})).await;

    let v = assert_error(res, 503, "unavailable").await;
    assert_eq!(
        v["error"]["message"],
        "The server's storage is read-only at the moment, so nothing was saved. Try again later."
    );
    let path = format!("/api/v1/streams/{}", stream["id"].as_str().expect("id"));
    let read = body(ro_caller.get(&path).await).await;
    assert_eq!(read["tags"], json!(["kept"]));
}
