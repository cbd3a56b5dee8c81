//! Two `castboard serve` processes on one PostgreSQL database behind Debian's nginx as an
//! HTTP load balancer (PostgreSQL only: on SQLite one instance serves). A change made
//! through one instance reaches an event stream opened on the other within a second; the
//! media server runs on exactly one of them, and its files reach players through the
//! balancer whichever instance it asks; killing that instance (SIGKILL) under load loses
//! no acknowledged write, the other keeps serving, takes the media server over, ends the
//! stream whose encoder the dead one had, and makes the next encoder live.

mod common;

use common::{body, execute_raw, free_port, Caller, RawBind, TestApp};
use serde_json::json;
use shared::model::Role;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A child process killed (and reaped) when dropped, so a failed assertion leaves none.
struct Process(Option<Child>);

impl Process {
    fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One instance as the test sees it.
struct Instance {
    process: Process,
    /// Its own address (`http://127.0.0.1:PORT`).
    base: String,
    /// What it printed about the media server.
    media: String,
}

/// `castboard serve` on a free port over `db_url`, under the balancer's public URL, with
/// its media server (when it holds the lease) on `rtmp_port` and its media folder `dir`.
fn instance(db_url: &str, public_url: &str, rtmp_port: u16, dir: &Path) -> Instance {
    instance_with(db_url, public_url, rtmp_port, dir, &[])
}

/// [`instance`] with `extra` arguments.
fn instance_with(
    db_url: &str,
    public_url: &str,
    rtmp_port: u16,
    dir: &Path,
    extra: &[&str],
) -> Instance {
    let mut child = Command::new(env!("CARGO_BIN_EXE_castboard"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--public-url",
            public_url,
        ])
        .args([
            "--assets-dir",
            "/nonexistent-dist",
            "--trusted-proxy",
            "127.0.0.1",
        ])
        .args(["--rtmp-listen", &format!("127.0.0.1:{rtmp_port}")])
        .args(["--media-lease", "2"])
        .args(if extra.contains(&"--ingest-update-interval") {
            &[][..]
        } else {
            &["--ingest-update-interval", "1"][..]
        })
        .arg("--media-dir")
        .arg(dir)
        .args(extra)
        .env("CASTBOARD_DATABASE_URL", db_url)
        .env("CASTBOARD_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(if std::env::var_os("MEDIA_TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("castboard starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    let (mut base, mut media) = (None, None);
    while media.is_none() {
        let mut line = String::new();
        assert_ne!(lines.read_line(&mut line).expect("reads"), 0, "serve ended");
        // `Castboard is listening on http://127.0.0.1:PORT (public URL …)`
        if let Some(rest) = line.strip_prefix("Castboard is listening on ") {
            base = rest.split(' ').next().map(str::to_string);
        }
        if let Some(rest) = line.strip_prefix("Media server: ") {
            media = Some(rest.trim_end().to_string());
        }
    }
    // Keep reading what it prints, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.lines() {});
    Instance {
        process: Process(Some(child)),
        base: base.expect("its address"),
        media: media.expect("the media line"),
    }
}

/// Pids of the live processes whose command line holds `needle` (from /proc).
fn processes_with(needle: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let zombie = stat
            .rsplit(')')
            .next()
            .is_some_and(|s| s.trim_start().starts_with('Z'));
        if !zombie && String::from_utf8_lossy(&cmdline).contains(needle) {
            pids.push(pid);
        }
    }
    pids
}

/// ffmpeg publishing a test pattern (320×180, 10 fps) to `url` for at most a minute.
fn publish(url: &str) -> tokio::process::Child {
    tokio::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-re"])
        .args(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10"])
        .args(["-t", "60", "-c:v", "libx264", "-preset", "ultrafast"])
        .args(["-tune", "zerolatency", "-g", "10", "-f", "flv", url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("ffmpeg starts")
}

/// Waits (up to `within`) until `caller` reads stream `id` in `state`.
async fn reaches(caller: &Caller, id: &str, state: &str, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let now = body(caller.get(&format!("/api/v1/streams/{id}")).await).await["state"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if now == state {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "stream {id} is {now}, not {state}, after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (up to `within`) until `url` answers 200; its body.
async fn plays(url: &str, within: Duration) -> String {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Ok(res) = reqwest::get(url).await {
            if res.status().as_u16() == 200 {
                return res.text().await.expect("body");
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{url} never answered 200"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Debian's nginx balancing `port` over `upstreams` (host:port), in `dir`: one process
/// (`master_process off`), so killing it leaves no worker behind. The media server's
/// files go to whichever instance answers them other than 503 (see the README's
/// deployment section).
fn balancer(dir: &Path, port: u16, upstreams: &[&str]) -> Process {
    let servers = |options: &str| -> String {
        upstreams
            .iter()
            .map(|u| format!("server {u} {options}; "))
            .collect()
    };
    let (api, media) = (
        servers("max_fails=1 fail_timeout=30s"),
        servers("max_fails=0"),
    );
    let d = dir.display();
    let proxy = "proxy_http_version 1.1; proxy_set_header Connection \"\"; \
                 proxy_buffering off; proxy_set_header X-Forwarded-For $remote_addr; \
                 proxy_connect_timeout 1s;";
    let conf = format!(
        "daemon off; master_process off; pid {d}/nginx.pid; error_log {d}/error.log; \
         events {{ worker_connections 256; }} \
         http {{ access_log off; \
           client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; \
           fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi; \
           upstream castboard {{ {api}}} \
           upstream castboard_media {{ {media}}} \
           server {{ listen 127.0.0.1:{port}; \
             location / {{ proxy_pass http://castboard; {proxy} \
               proxy_next_upstream error timeout; }} \
             location ~ ^/(hls|vod|thumbnails|clips)/ {{ proxy_pass http://castboard_media; \
               {proxy} proxy_next_upstream error timeout http_503; }} }} }}"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).expect("writes the configuration");
    let child = Command::new("nginx")
        .args(["-p", &d.to_string(), "-c", &path.display().to_string()])
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    Process(Some(child))
}

/// Waits until `url` answers (the balancer has started).
async fn answers(url: &str) {
    for _ in 0..100 {
        if reqwest::get(url).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never answered");
}

/// How many nginx processes run with their prefix in `dir`.
fn nginx_in(dir: &Path) -> usize {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    processes_with(&format!("-p\0{}", dir.display())).len()
}

/// A stream made through `caller`: its id and streamname.
async fn new_stream(caller: &Caller) -> (String, String) {
    let made = caller.create_stream(json!({})).await;
    (
        made["id"].as_str().expect("id").to_string(),
        made["name"].as_str().expect("name").to_string(),
    )
}

/// What every test here starts from: a server over a fresh PostgreSQL schema (`None`:
/// skipped, several instances run on PostgreSQL), a folder, the balancer's port and the
/// public URL on it, and the RTMP port the media server listens on wherever it runs.
struct Setup {
    app: TestApp,
    dir: tempfile::TempDir,
    port: u16,
    public: String,
    rtmp_port: u16,
}

async fn setup() -> Option<Setup> {
    if !common::on_postgres() {
        eprintln!("skipped: several instances run on PostgreSQL");
        return None;
    }
    let port = free_port();
    Some(Setup {
        app: TestApp::spawn().await,
        dir: tempfile::tempdir().expect("dir"),
        port,
        public: format!("http://127.0.0.1:{port}"),
        rtmp_port: free_port(),
    })
}

#[tokio::test]
async fn two_instances_behind_nginx_share_events_and_media_and_survive_losing_one() {
    let Some(Setup {
        app,
        dir,
        port,
        public,
        rtmp_port,
    }) = setup().await
    else {
        return;
    };
    let rtmp = format!("rtmp://127.0.0.1:{rtmp_port}/live");
    let (first_dir, second_dir) = (dir.path().join("first"), dir.path().join("second"));
    let mut first = instance(&app.db_url, &public, rtmp_port, &first_dir);
    let second = instance(&app.db_url, &public, rtmp_port, &second_dir);
    // The first took the media server; the second stands by for it.
    assert_eq!(
        first.media,
        format!(
            "{rtmp} (nginx run by Castboard, folder {})",
            first_dir.display()
        )
    );
    assert_eq!(
        second.media,
        format!(
            "{rtmp} (its work runs on the instance at {} now; this one takes it over \
             within 2 s should that one stop)",
            first.base
        )
    );
    assert_eq!((nginx_in(&first_dir), nginx_in(&second_dir)), (1, 0));
    let upstreams = [
        first.base.trim_start_matches("http://"),
        second.base.trim_start_matches("http://"),
    ];
    let _nginx = balancer(dir.path(), port, &upstreams);
    answers(&format!("{public}/api/v1/openapi.json")).await;
    let key = app.api_key(Role::User).await;
    let (through, survivor): (Caller, Caller) = (key.at(&public), key.at(&second.base));

    // An event stream on the second instance hears a stream created through the first.
    let mut events = key.at(&second.base).get("/api/v1/events").await;
    assert_eq!(events.status().as_u16(), 200);
    let made = key.at(&first.base).create_stream(json!({})).await;
    let id = made["id"].as_str().expect("id").to_string();
    let heard = tokio::time::timeout(Duration::from_secs(1), async {
        let mut seen = String::new();
        while let Ok(Some(chunk)) = events.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: stream.created") && seen.contains(&id) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        heard,
        Ok(true),
        "the created stream's event within a second"
    );

    // An encoder goes live through the first's media server; its HLS plays through the
    // balancer, whichever instance nginx asks first: the second refers it on with 503.
    let (before, before_name) = new_stream(&through).await;
    let _encoder = publish(&format!("{rtmp}/{before_name}"));
    reaches(&survivor, &before, "live", Duration::from_secs(20)).await;
    let playlist = format!("/hls/{before}/index.m3u8");
    plays(&format!("{public}{playlist}"), Duration::from_secs(20)).await;
    for _ in 0..4 {
        let res = reqwest::get(format!("{public}{playlist}"))
            .await
            .expect("answers");
        assert_eq!(res.status().as_u16(), 200, "through the balancer");
    }
    let referred = reqwest::get(format!("{}{playlist}", second.base))
        .await
        .expect("answers");
    assert_eq!(referred.status().as_u16(), 503);
    assert_eq!(referred.headers()["retry-after"], "1");

    // What only the media server's instance knows reads the same through the other: the
    // stream's health (announced, and kept there) and its readings (asked of the first).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let stream = body(survivor.get(&format!("/api/v1/streams/{before}")).await).await;
        if stream["health"]["status"].is_string() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no health through the second: {stream}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let health = format!("/api/v1/streams/{before}/health");
    let (here, there) = (
        body(key.at(&first.base).get(&health).await).await,
        body(survivor.get(&health).await).await,
    );
    let samples = |h: &serde_json::Value| h["samples"].as_array().map_or(0, Vec::len);
    assert!(samples(&there) >= 1, "{there}");
    // A second at most between the two reads: one reading more, or the same.
    assert!(
        (samples(&here)..=samples(&here) + 1).contains(&samples(&there)),
        "{here} / {there}"
    );
    let processes = format!("/api/v1/streams/{before}/processes");
    let standing = |list: serde_json::Value| -> Vec<(String, String)> {
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|p| (p["kind"].to_string(), p["state"].to_string()))
            .collect()
    };
    assert_eq!(
        standing(body(survivor.get(&processes).await).await),
        standing(body(key.at(&first.base).get(&processes).await).await)
    );

    // Four clients create streams through the balancer; the first instance is killed
    // once a third of the requests are answered.
    const CLIENTS: usize = 4;
    const EACH: usize = 45;
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = tokio::task::JoinSet::new();
    for client in 0..CLIENTS {
        let (caller, answered) = (through.clone(), answered.clone());
        clients.spawn(async move {
            let mut outcomes = Vec::new();
            for i in 0..EACH {
                let res = caller
                    .post(
                        "/api/v1/streams",
                        json!({"tags": [format!("c{client}-{i}")]}),
                    )
                    .await;
                let status = res.status().as_u16();
                let id = if status == 201 {
                    body(res).await["id"].as_str().map(str::to_string)
                } else {
                    None
                };
                answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                outcomes.push((status, id));
            }
            outcomes
        });
    }
    while answered.load(std::sync::atomic::Ordering::SeqCst) < CLIENTS * EACH / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.process.kill();
    let outcomes: Vec<Vec<(u16, Option<String>)>> = clients.join_all().await;

    // Every acknowledged stream is there, read through the survivor.
    let acknowledged: Vec<&String> = outcomes
        .iter()
        .flatten()
        .filter_map(|(status, id)| (*status == 201).then_some(id.as_ref()).flatten())
        .collect();
    for id in &acknowledged {
        let res = survivor.get(&format!("/api/v1/streams/{id}")).await;
        assert_eq!(res.status().as_u16(), 200, "acknowledged stream {id}");
    }
    // Only requests in flight at the kill may have failed (at most one per client), and
    // every client's last requests went through the survivor.
    let failed = outcomes.iter().flatten().filter(|(s, _)| *s != 201).count();
    assert!(failed <= CLIENTS, "{failed} failed: {outcomes:?}");
    for (client, list) in outcomes.iter().enumerate() {
        assert!(
            list.iter().rev().take(EACH / 3).all(|(s, _)| *s == 201),
            "client {client}: {list:?}"
        );
    }
    // What is stored is what was acknowledged, and at most the writes in flight.
    let total = body(survivor.get("/api/v1/streams").await).await["meta"]["total"]
        .as_u64()
        .expect("total");
    let acked = acknowledged.len() as u64 + 2; // and the two streams made before the load
    assert!(
        (acked..=acked + failed as u64).contains(&total),
        "{total} stored, {acked} acknowledged, {failed} failed"
    );

    // The media server moved over: the first's nginx died with it, the second runs
    // one, ends the stream whose encoder it lost once its ingest is silent, and the
    // next encoder goes live through it and plays through the balancer.
    reaches(&survivor, &before, "ended", Duration::from_secs(20)).await;
    let (after, after_name) = new_stream(&survivor).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut _encoder = publish(&format!("{rtmp}/{after_name}"));
    loop {
        let state = body(survivor.get(&format!("/api/v1/streams/{after}")).await).await["state"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if state == "live" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{after} is {state}");
        // An encoder that came before the takeover was refused: publish again.
        if _encoder.try_wait().expect("waits").is_some() {
            _encoder = publish(&format!("{rtmp}/{after_name}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    plays(
        &format!("{public}/hls/{after}/index.m3u8"),
        Duration::from_secs(20),
    )
    .await;
    assert_eq!((nginx_in(&first_dir), nginx_in(&second_dir)), (0, 1));
}

/// Waits (up to `within`) until `dir` holds `count` nginx processes.
async fn nginx_count(dir: &Path, count: usize, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    while nginx_in(dir) != count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} nginx in {}, not {count}, after {within:?}",
            nginx_in(dir),
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An instance that finds its lease held by another (its own lapsed while it could not
/// reach the database, say) stops its media server at its next renewal, and starts it
/// again once the lease is free. An instance without a media server takes no part.
#[tokio::test]
async fn an_instance_that_finds_its_lease_taken_stops_its_media_server_until_it_is_free() {
    let Some(Setup {
        app,
        dir,
        public,
        rtmp_port,
        ..
    }) = setup().await
    else {
        return;
    };
    let media_dir = dir.path().join("media");
    let without = instance_with(
        &app.db_url,
        &public,
        rtmp_port,
        &dir.path().join("off"),
        &["--media", "off"],
    );
    assert_eq!(
        without.media,
        "off (streams change state only through the ingest hooks)"
    );
    let server = instance(&app.db_url, &public, rtmp_port, &media_dir);
    assert!(
        server.media.contains("(nginx run by Castboard"),
        "{}",
        server.media
    );
    assert_eq!(nginx_in(&media_dir), 1);

    let taken =
        "UPDATE leases SET holder = $1, holder_url = $2, expires_at = $3 WHERE name = 'media'";
    let far = 4_102_444_800_000; // 2100-01-01
    execute_raw(
        &app.db_url,
        taken,
        &[
            RawBind::Text(uuid::Uuid::new_v4().to_string()),
            RawBind::Text("http://10.9.9.9:3000".into()),
            RawBind::Int(far),
        ],
    )
    .await;
    // Renewed every half second (a quarter of the 2 s term).
    nginx_count(&media_dir, 0, Duration::from_secs(3)).await;
    let held = app
        .store
        .lease("media")
        .await
        .expect("reads")
        .expect("held");
    assert_eq!(held.holder_url, "http://10.9.9.9:3000");

    execute_raw(&app.db_url, "UPDATE leases SET expires_at = 0", &[]).await;
    nginx_count(&media_dir, 1, Duration::from_secs(5)).await;
    let held = app
        .store
        .lease("media")
        .await
        .expect("reads")
        .expect("held");
    assert_eq!(held.holder_url, server.base);
}

/// A change made through the instance that stands by reaches the media server on the
/// other at once, as one made through that one does: stop & lock cuts the encoder within
/// seconds, not at its next ingest update (every 30 s here).
#[tokio::test]
async fn stop_and_lock_through_the_standing_by_instance_cuts_the_encoder_at_once() {
    let Some(Setup {
        app,
        dir,
        public,
        rtmp_port,
        ..
    }) = setup().await
    else {
        return;
    };
    let slow = ["--ingest-update-interval", "30"];
    let holder = instance_with(
        &app.db_url,
        &public,
        rtmp_port,
        &dir.path().join("holder"),
        &slow,
    );
    let standby = instance_with(
        &app.db_url,
        &public,
        rtmp_port,
        &dir.path().join("standby"),
        &slow,
    );
    assert!(
        standby
            .media
            .contains(&format!("its work runs on the instance at {}", holder.base)),
        "{}",
        standby.media
    );
    let admin = app.api_key(Role::Admin).await.at(&standby.base);
    let (id, name) = new_stream(&admin).await;
    let mut encoder = publish(&format!("rtmp://127.0.0.1:{rtmp_port}/live/{name}"));
    reaches(&admin, &id, "live", Duration::from_secs(20)).await;

    let res = admin
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/streams/{id}/lock"),
            None,
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let status = tokio::time::timeout(Duration::from_secs(5), encoder.wait())
        .await
        .expect("the encoder is cut within 5 s")
        .expect("its exit status");
    assert!(!status.success(), "cut, not finished: {status}");
    reaches(&admin, &id, "locked", Duration::from_secs(1)).await;
}
