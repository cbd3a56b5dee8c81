//! Real video: `castboard serve` runs nginx with the RTMP module, ffmpeg publishes a tiny
//! test source (320×180, 10 fps) over RTMP, and the stream's state, its HLS and the
//! processes are checked from the outside, as an operator would. Also bad input and
//! faults (a second encoder, names that are not streamnames, garbage on the RTMP port),
//! and the test sources Castboard runs itself (`POST /streams/{id}/test-source`),
//! through the same path.
//!
//! The tests take turns (see [`TURN`]): each runs nginx and ffmpeg, and the machines have
//! two cores.

use reqwest::Client;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a test waits for something that should happen within seconds (a safety net,
/// not a delay: every wait below returns as soon as its condition holds).
const PATIENCE: Duration = Duration::from_secs(20);

/// One media test at a time: a server holds its turn from start to end.
static TURN: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// A free TCP port on the loopback interface.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Sends `signal` (`STOP`, `KILL`, `TERM`) to a process.
fn signal(pid: u32, signal: &str) {
    let sent = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -{signal} {pid}");
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}

/// `castboard serve` with its own media server, a signed-in admin and an API key.
struct Server {
    child: Option<Child>,
    _turn: tokio::sync::SemaphorePermit<'static>,
    /// What `serve` prints after the lines [`Server::start_with`] read.
    lines: BufReader<ChildStdout>,
    /// What `serve` printed up to its media server line.
    printed: Vec<String>,
    base: String,
    rtmp: String,
    /// The port of `rtmp`, for speaking to it without an encoder.
    rtmp_port: u16,
    media_dir: std::path::PathBuf,
    /// The database URL, for a restart on the same data.
    db: String,
    client: Client,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn castboard(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_castboard"));
    c.env("CASTBOARD_DATABASE_URL", db)
        .env(
            "CASTBOARD_LOG",
            std::env::var("MEDIA_TEST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .env("CASTBOARD_INGEST_SECRET", "media-test-secret");
    c
}

impl Server {
    async fn start() -> Server {
        Server::start_with(&[]).await
    }

    /// `serve` with `extra` arguments.
    async fn start_with(extra: &[&str]) -> Server {
        let turn = TURN.acquire().await.expect("the turns are never closed");
        let dir = tempfile::tempdir().expect("dir");
        let db = format!("sqlite://{}/media.db", dir.path().display());
        let created = castboard(&db)
            .args(["org", "create", "--name", "Media Test", "--admin-email"])
            .args(["ops@media.test", "--admin-password", "media-test-password"])
            .output()
            .expect("org create runs");
        assert!(created.status.success(), "{created:?}");
        let org: Value = serde_json::from_slice(&created.stdout).expect("org create prints JSON");
        let hash = org["organisation"]["hash"].as_str().expect("a hash");
        for name in ["transcoding", "live_processing", "vod"] {
            let feature = castboard(&db)
                .args(["org", "feature", hash, name, "on"])
                .output()
                .expect("org feature runs");
            assert!(feature.status.success(), "{feature:?}");
        }
        let rtmp_port = free_port();
        let media_dir = dir.path().join("media");
        let (child, lines, printed, base, rtmp) = spawn_serve(&db, rtmp_port, &media_dir, extra);
        let client = Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let server = Server {
            child: Some(child),
            _turn: turn,
            lines,
            printed,
            base,
            rtmp,
            rtmp_port,
            media_dir,
            db,
            client,
            _dir: dir,
        };
        server.sign_in().await;
        server
    }

    async fn sign_in(&self) {
        let res = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": "ops@media.test", "password": "media-test-password"}))
            .send()
            .await
            .expect("signs in");
        assert_eq!(res.status().as_u16(), 200);
    }

    /// Kills Castboard at once (SIGKILL: a crash, its children die with it), then serves
    /// again on the same database and media folder, and signs in again.
    async fn crash_and_restart(&mut self) {
        let mut child = self.child.take().expect("running");
        let _ = child.kill();
        let _ = child.wait();
        let (child, lines, printed, base, rtmp) =
            spawn_serve(&self.db, self.rtmp_port, &self.media_dir, &[]);
        self.child = Some(child);
        self.lines = lines;
        self.printed = printed;
        self.base = base;
        self.rtmp = rtmp;
        self.client = Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        self.sign_in().await;
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("X-Requested-With", "castboard");
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("answers");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        assert!(status < 300, "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The next line `serve` prints.
    fn next_line(&mut self) -> String {
        let mut line = String::new();
        assert_ne!(
            self.lines.read_line(&mut line).expect("reads"),
            0,
            "serve ended"
        );
        line.trim_end().to_string()
    }

    /// Any request, with its status and JSON body (`Null` when empty).
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("X-Requested-With", "castboard");
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("answers");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn create_stream(&self) -> (String, String) {
        let s = self
            .call(reqwest::Method::POST, "/api/v1/streams", Some(json!({})))
            .await;
        (
            s["id"].as_str().expect("id").to_string(),
            s["name"].as_str().expect("name").to_string(),
        )
    }

    async fn state(&self, id: &str) -> String {
        let s = self
            .call(reqwest::Method::GET, &format!("/api/v1/streams/{id}"), None)
            .await;
        s["state"].as_str().expect("state").to_string()
    }

    /// Waits until the stream is in `want`; panics after [`PATIENCE`].
    async fn wait_state(&self, id: &str, want: &str) {
        let start = Instant::now();
        loop {
            let now = self.state(id).await;
            if now == want {
                return;
            }
            assert!(start.elapsed() < PATIENCE, "still {now}, not {want}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stop & lock through the API.
    async fn lock(&self, id: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/api/v1/streams/{id}/lock"),
            None,
        )
        .await;
    }

    /// The pid of the media server, from its pid file.
    fn nginx_pid(&self) -> u32 {
        std::fs::read_to_string(self.media_dir.join("nginx.pid"))
            .expect("pid file")
            .trim()
            .parse()
            .expect("a pid")
    }

    /// The media server as a process: the pid in its pid file, checked to be a running
    /// `nginx` whose parent is this Castboard (its supervised child, not a stale file).
    fn nginx_child(&self) -> u32 {
        let pid = self.nginx_pid();
        let castboard = self.child.as_ref().expect("running").id();
        let (command, parent) = command_and_parent(pid).unwrap_or_else(|| panic!("no pid {pid}"));
        assert_eq!(
            (command.as_str(), parent),
            ("nginx", castboard),
            "pid {pid}"
        );
        assert!(alive(pid), "nginx {pid} is a zombie");
        pid
    }

    /// The newest fragment of the stream's media playlist (its epoch-millisecond name),
    /// once it has one; panics after [`PATIENCE`].
    async fn last_fragment(&self, id: &str) -> u64 {
        let url = self.url(&format!("/hls/{id}/index.m3u8"));
        let start = Instant::now();
        loop {
            let res = self.client.get(&url).send().await.expect("answers");
            let text = if res.status().as_u16() == 200 {
                res.text().await.expect("playlist")
            } else {
                String::new()
            };
            let last = text
                .lines()
                .filter_map(|l| l.strip_suffix(".ts"))
                .map(|n| {
                    n.parse::<u64>()
                        .unwrap_or_else(|_| panic!("a fragment: {n}"))
                })
                .max();
            if let Some(last) = last {
                return last;
            }
            assert!(start.elapsed() < PATIENCE, "no fragment in {text}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn terminate(mut self) -> i32 {
        let child = self.child.take().expect("running");
        signal(child.id(), "TERM");
        child
            .wait_with_output()
            .expect("exits")
            .status
            .code()
            .unwrap_or(-1)
    }
}

/// `castboard serve` on `db` with its media server on `rtmp_port` and `media_dir`, plus
/// `extra` arguments; what it printed up to its media server line, its base URL and its
/// RTMP URL.
fn spawn_serve(
    db: &str,
    rtmp_port: u16,
    media_dir: &std::path::Path,
    extra: &[&str],
) -> (Child, BufReader<ChildStdout>, Vec<String>, String, String) {
    let mut child = castboard(db)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--assets-dir",
            "/nonexistent",
        ])
        .args(["--rtmp-listen", &format!("127.0.0.1:{rtmp_port}")])
        .arg("--media-dir")
        .arg(media_dir)
        .args(if extra.contains(&"--ingest-update-interval") {
            &[][..]
        } else {
            &["--ingest-update-interval", "1"][..]
        })
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(if std::env::var_os("MEDIA_TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    let mut base = None;
    let mut rtmp = None;
    let mut printed = Vec::new();
    while rtmp.is_none() {
        line.clear();
        assert_ne!(lines.read_line(&mut line).expect("reads"), 0, "serve ended");
        printed.push(line.trim_end().to_string());
        if let Some(rest) = line.strip_prefix("Castboard is listening on ") {
            base = rest.split(' ').next().map(String::from);
        }
        if let Some(rest) = line.strip_prefix("Media server: ") {
            rtmp = rest.split(' ').next().map(String::from);
        }
    }
    (
        child,
        lines,
        printed,
        base.expect("base URL"),
        rtmp.expect("RTMP URL"),
    )
}

/// The command name and parent pid of a process (from /proc), if it exists.
fn command_and_parent(pid: u32) -> Option<(String, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (command) state parent …`; the command may itself hold spaces or parentheses.
    let (head, tail) = stat.rsplit_once(") ")?;
    let command = head.split_once(" (")?.1.to_string();
    let parent = tail.split(' ').nth(1)?.parse().ok()?;
    Some((command, parent))
}

/// Every path under `root` (relative, sorted), without what is inside `skip`.
fn files_under(root: &std::path::Path, skip: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("a folder").flatten() {
            let path = entry.path();
            let relative = path.strip_prefix(root).expect("under root");
            found.push(relative.display().to_string());
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && path != skip {
                todo.push(path);
            }
        }
    }
    found.sort();
    found
}

/// `len` bytes that look like nothing (xorshift64*, the same every run).
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        out.extend_from_slice(&seed.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Waits for the other end to hang up (end of stream, or a reset because what was
/// sent was left unread); panics after [`PATIENCE`].
async fn hung_up(conn: &mut tokio::net::TcpStream) {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 64 * 1024];
    let start = Instant::now();
    loop {
        let left = PATIENCE.saturating_sub(start.elapsed());
        match tokio::time::timeout(left, conn.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return,
            Ok(Ok(_)) => {}
            Err(_) => panic!("still connected after {PATIENCE:?}"),
        }
    }
}

/// Pids of the ffmpeg processes publishing to `streamname` (from /proc).
fn ffmpeg_publishing(streamname: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_ffmpeg = args.first().is_some_and(|a| a.ends_with("ffmpeg"));
        if is_ffmpeg && args.iter().any(|a| a.ends_with(&format!("/{streamname}"))) && alive(pid) {
            pids.push(pid);
        }
    }
    pids
}

/// ffmpeg publishing a test pattern (320×180, 10 fps) with a tone to `url` for at most a
/// minute, with a keyframe every `gop` frames and none in between.
fn publish_gop(url: &str, gop: u32) -> tokio::process::Child {
    let gop = gop.to_string();
    tokio::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-re"])
        .args(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10"])
        .args(["-f", "lavfi", "-i", "sine=frequency=440"])
        .args(["-t", "60", "-c:v", "libx264", "-preset", "ultrafast"])
        .args(["-tune", "zerolatency", "-g", &gop, "-keyint_min", &gop])
        .args(["-sc_threshold", "0", "-c:a", "aac", "-f", "flv", url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("ffmpeg starts")
}

/// ffmpeg publishing a test pattern with a tone to `url` for at most a minute.
fn publish(url: &str) -> tokio::process::Child {
    tokio::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-re"])
        .args(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10"])
        .args(["-f", "lavfi", "-i", "sine=frequency=440"])
        .args([
            "-t",
            "60",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "zerolatency",
        ])
        .args(["-g", "10", "-c:a", "aac", "-f", "flv", url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("ffmpeg starts")
}

/// Waits for an encoder to be disconnected; its exit status.
async fn refused(mut encoder: tokio::process::Child) -> std::process::ExitStatus {
    tokio::time::timeout(PATIENCE, encoder.wait())
        .await
        .expect("the encoder is disconnected")
        .expect("exit status")
}

#[tokio::test]
async fn an_encoder_makes_its_stream_live_with_hls_and_stopping_it_ends_the_stream() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    assert_eq!(server.state(&id).await, "created");

    let mut encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;

    // The master playlist answers once the first fragment is cut (one second of video):
    // one variant, the passthrough, with the ingest's resolution and frame rate as nginx
    // reports them.
    let master_url = server.url(&format!("/hls/{id}.m3u8"));
    let start = Instant::now();
    let master = loop {
        let res = server
            .client
            .get(&master_url)
            .send()
            .await
            .expect("answers");
        if res.status().as_u16() == 200 {
            break res.text().await.expect("master");
        }
        assert!(start.elapsed() < PATIENCE, "no master playlist");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let lines: Vec<&str> = master.lines().collect();
    assert_eq!(lines.len(), 5, "{master}");
    assert!(
        lines[3].starts_with("#EXT-X-STREAM-INF:BANDWIDTH=")
            && lines[3].ends_with(",RESOLUTION=320x180,FRAME-RATE=10.000,NAME=\"0\""),
        "{master}"
    );
    assert_eq!(lines[4], format!("{id}/index.m3u8"));

    let playlist_url = server.url(&format!("/hls/{id}/index.m3u8"));
    let start = Instant::now();
    let playlist = loop {
        let res = server
            .client
            .get(&playlist_url)
            .send()
            .await
            .expect("answers");
        if res.status().as_u16() == 200 {
            break res;
        }
        assert!(start.elapsed() < PATIENCE, "no playlist");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let header = |res: &reqwest::Response, h: &str| {
        res.headers()
            .get(h)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        header(&playlist, "content-type"),
        "application/vnd.apple.mpegurl"
    );
    assert_eq!(header(&playlist, "cache-control"), "no-cache, no-store");
    let text = playlist.text().await.expect("playlist");
    assert!(text.starts_with("#EXTM3U"), "{text}");
    assert!(!text.contains(&name), "the stream key is not shown: {text}");
    let fragment = text
        .lines()
        .find(|l| l.ends_with(".ts"))
        .unwrap_or_else(|| panic!("no fragment in {text}"));
    // Fragments are named by the wall clock (epoch milliseconds) of their start.
    let ms: u64 = fragment
        .trim_end_matches(".ts")
        .parse()
        .unwrap_or_else(|_| panic!("a numbered fragment: {fragment}"));
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as u64;
    assert!(now_ms.abs_diff(ms) < 60_000, "{ms} vs now {now_ms}");
    let ts = server
        .client
        .get(server.url(&format!("/hls/{id}/{fragment}")))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .expect("answers");
    assert_eq!(ts.status().as_u16(), 200);
    assert_eq!(header(&ts, "content-type"), "video/mp2t");
    assert_eq!(
        header(&ts, "cache-control"),
        "public, max-age=86400, immutable"
    );
    assert_eq!(
        header(&ts, "content-encoding"),
        "",
        "video is sent as it is"
    );
    let bytes = ts.bytes().await.expect("fragment");
    assert_eq!(
        bytes.first(),
        Some(&0x47),
        "an MPEG-TS packet starts with 0x47"
    );

    encoder.kill().await.expect("encoder stopped");
    server.wait_state(&id, "ended").await;
    // Players are told: the master says ended, the playlist ends.
    let after = server
        .client
        .get(&master_url)
        .send()
        .await
        .expect("answers");
    assert_eq!(after.status().as_u16(), 404);
    assert_eq!(header(&after, "x-stream-state"), "ended");
    let last = server
        .client
        .get(&playlist_url)
        .send()
        .await
        .expect("answers");
    let last = last.text().await.expect("playlist");
    assert!(last.ends_with("#EXT-X-ENDLIST\n"), "{last}");
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn unknown_and_locked_names_are_refused_and_nothing_changes() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    server.lock(&id).await;

    let unknown = refused(publish(&format!("{}/Nope0-Nope0", server.rtmp))).await;
    let locked = refused(publish(&format!("{}/{name}", server.rtmp))).await;

    assert!(!unknown.success());
    assert!(!locked.success());
    assert_eq!(server.state(&id).await, "locked");
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn lock_during_a_live_publish_cuts_the_encoder() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    let encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;

    server.lock(&id).await;

    let status = refused(encoder).await;
    assert!(!status.success(), "cut, not finished: {status}");
    assert_eq!(server.state(&id).await, "locked");
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn an_encoder_that_stalls_ends_its_stream() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    let encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;

    let pid = encoder.id().expect("pid");
    signal(pid, "STOP");
    server.wait_state(&id, "ended").await;

    signal(pid, "KILL");
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn the_media_server_never_outlives_castboard() {
    // Stopped with Castboard.
    let server = Server::start().await;
    let nginx = server.nginx_pid();
    assert!(alive(nginx));
    assert_eq!(server.terminate(), 0);
    assert!(!alive(nginx), "nginx stopped with SIGTERM");

    // Killed with it too, even by SIGKILL, which Castboard cannot handle.
    let mut server = Server::start().await;
    let nginx = server.nginx_pid();
    let mut castboard = server.child.take().expect("running");
    castboard.kill().expect("SIGKILL");
    castboard.wait().expect("reaped");
    let start = Instant::now();
    while alive(nginx) {
        assert!(
            start.elapsed() < PATIENCE,
            "nginx {nginx} outlived a killed Castboard"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn nginx_dying_mid_stream_ends_the_stream_and_comes_back() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    let _encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;
    let first = server.nginx_pid();

    signal(first, "KILL");
    server.wait_state(&id, "ended").await;

    // Restarted: a new encoder goes live again.
    let start = Instant::now();
    loop {
        let now = std::fs::read_to_string(server.media_dir.join("nginx.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok());
        if now.is_some_and(|p| p != first && alive(p)) {
            break;
        }
        assert!(start.elapsed() < PATIENCE, "nginx was not restarted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _again = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;
    assert_eq!(server.terminate(), 0);
}

// ---------------------------------------------------------------------------------------
// Bad input and faults: a second encoder, names that are not streamnames, garbage
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_second_encoder_on_a_live_name_is_refused_and_the_first_keeps_its_stream() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    let url = format!("{}/{name}", server.rtmp);
    let mut first = publish(&url);
    server.wait_state(&id, "live").await;
    server.last_fragment(&id).await;
    let first_pid = first.id().expect("pid");

    let second = refused(publish(&url)).await;

    // Castboard's publish hook refuses it (the stream is live). Were it let through,
    // nginx would refuse it itself, but still report its `publish_done`, which would
    // end the first encoder's stream: the checks below would see it.
    assert!(!second.success(), "refused, not finished: {second}");
    // The first encoder's stream is untouched, for longer than the ingest update
    // interval (1 s): still live, its encoder connected, its HLS growing.
    let before = server.last_fragment(&id).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.last_fragment(&id).await;
    assert!(after > before, "HLS stopped at {before}");
    assert_eq!(server.state(&id).await, "live");
    assert_eq!(
        first.try_wait().expect("a status"),
        None,
        "the first still runs"
    );
    assert_eq!(ffmpeg_publishing(&name), vec![first_pid]);

    first.kill().await.expect("stopped");
    server.wait_state(&id, "ended").await;
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn names_with_path_characters_or_that_are_not_streamnames_are_refused_and_write_nothing() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    let rtmp = &server.rtmp;
    // Everything the test's folder holds (the database, the media folder) but the HLS
    // files, and the HLS files.
    let root = server.media_dir.parent().expect("the test's folder");
    let hls = server.media_dir.join("hls");
    let outside = files_under(root, &hls);
    assert!(
        outside.contains(&"media/nginx.pid".to_string()),
        "{outside:?}"
    );
    assert_eq!(files_under(&hls, &hls), Vec::<String>::new());

    // ffmpeg takes every form and reaches nginx (it completes the handshake). It cuts
    // the path at its last `/`: the part before is the application, the rest the name.
    for url in [
        // Application `live/<name>`: nginx has none (refused at connect).
        format!("{rtmp}/{name}/x"),
        // Application `live/..`: none either.
        format!("{rtmp}/../{name}"),
        // Name `..%2F<name>` (ffmpeg decodes nothing): nginx's HLS refuses `..`.
        format!("{rtmp}/..%2F{name}"),
        // Name `<name>%00`: no such stream (the ingest hook).
        format!("{rtmp}/{name}%00"),
        // Application `live/<name>?x=..`, name `../etc`: refused at connect.
        format!("{rtmp}/{name}?x=../../etc"),
        // Name `Nope0-Nope0` with the query `name=<name>`, which nginx appends to the
        // hook's form after its own `name`: two names, refused (not the last one taken,
        // which would put a stream live that nginx does not write).
        format!("{rtmp}/Nope0-Nope0?name={name}"),
        // 4000 characters, which nginx cuts to 255: no such stream.
        format!("{rtmp}/{name}{}", "a".repeat(4000 - name.len())),
    ] {
        let status = refused(publish(&url)).await;

        assert!(!status.success(), "{url}: {status}");
        assert_eq!(server.state(&id).await, "created", "{url}");
    }
    assert_eq!(files_under(root, &hls), outside);
    assert_eq!(files_under(&hls, &hls), Vec::<String>::new());

    // The name itself still goes live: the refusals were the names'.
    let mut encoder = publish(&format!("{rtmp}/{name}"));
    server.wait_state(&id, "live").await;
    encoder.kill().await.expect("stopped");
    server.wait_state(&id, "ended").await;
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn garbage_on_the_rtmp_port_leaves_the_media_server_running() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    let nginx = server.nginx_child();
    let rtmp = ("127.0.0.1", server.rtmp_port);

    // 1 MiB of noise from the first byte: nginx hangs up (maybe before it is all written).
    let mut noise = TcpStream::connect(rtmp).await.expect("connects");
    let _ = noise.write_all(&garbage(1 << 20, 1)).await;
    hung_up(&mut noise).await;

    // A handshake (C0, C1 of the simple kind: time, zeros, random), then 1 MiB of noise
    // where RTMP chunks should be: nginx hangs up too.
    let mut chunks = TcpStream::connect(rtmp).await.expect("connects");
    let mut c0c1 = vec![3u8];
    c0c1.extend_from_slice(&[0; 8]);
    c0c1.extend_from_slice(&garbage(1528, 2));
    chunks.write_all(&c0c1).await.expect("C0, C1 sent");
    let mut s0s1s2 = vec![0u8; 1 + 1536 + 1536];
    tokio::time::timeout(PATIENCE, chunks.read_exact(&mut s0s1s2))
        .await
        .expect("the handshake is answered")
        .expect("S0, S1, S2");
    assert_eq!(s0s1s2[0], 3, "S0: RTMP version 3");
    chunks.write_all(&s0s1s2[1..1537]).await.expect("C2 sent");
    let _ = chunks.write_all(&garbage(1 << 20, 3)).await;
    hung_up(&mut chunks).await;

    // A handshake's first byte, then silence, held open while an encoder publishes.
    let mut slow = TcpStream::connect(rtmp).await.expect("connects");
    slow.write_all(&[3]).await.expect("C0 sent");
    tokio::time::sleep(Duration::from_secs(3)).await;

    assert_eq!(server.nginx_child(), nginx, "the same nginx");
    let mut encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;
    server.last_fragment(&id).await;
    drop(slow);
    encoder.kill().await.expect("stopped");
    server.wait_state(&id, "ended").await;
    assert_eq!(server.nginx_child(), nginx, "the same nginx");
    assert_eq!(server.terminate(), 0);
}

// ---------------------------------------------------------------------------------------
// Test sources: Castboard's own ffmpeg, through the same RTMP path
// ---------------------------------------------------------------------------------------

fn test_source(id: &str) -> String {
    format!("/api/v1/streams/{id}/test-source")
}

#[tokio::test]
async fn a_test_source_makes_its_stream_live_with_hls_and_deleting_it_ends_the_stream() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;

    let (status, started) = server
        .send(reqwest::Method::POST, &test_source(&id), None)
        .await;

    assert_eq!(status, 202, "{started}");
    assert_eq!(started["stream_id"], id.as_str());
    assert_eq!(started["streamname"], name.as_str());
    assert_eq!(started["duration_s"], 60);
    server.wait_state(&id, "live").await;
    let start = Instant::now();
    loop {
        let res = server
            .client
            .get(server.url(&format!("/hls/{id}.m3u8")))
            .send()
            .await
            .expect("answers");
        if res.status().as_u16() == 200 {
            assert!(res.text().await.expect("text").starts_with("#EXTM3U"));
            break;
        }
        assert!(start.elapsed() < PATIENCE, "no playlist");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(ffmpeg_publishing(&name).len(), 1, "one ffmpeg publishes");

    // One at a time.
    let (status, again) = server
        .send(reqwest::Method::POST, &test_source(&id), None)
        .await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["error"]["code"], "conflict");

    // Stopped: ffmpeg is gone when the answer comes, the stream ends through the hooks.
    let (status, _) = server
        .send(reqwest::Method::DELETE, &test_source(&id), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(ffmpeg_publishing(&name), Vec::<u32>::new());
    server.wait_state(&id, "ended").await;
    let (status, none) = server
        .send(reqwest::Method::DELETE, &test_source(&id), None)
        .await;
    assert_eq!((status, &none["error"]["code"]), (404, &json!("not_found")));
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn a_test_source_ends_after_its_duration_and_none_outlives_castboard() {
    let server = Server::start().await;
    let (short, short_name) = server.create_stream().await;
    let (long, long_name) = server.create_stream().await;

    let (status, started) = server
        .send(
            reqwest::Method::POST,
            &test_source(&short),
            Some(json!({"duration_s": 3})),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    server.wait_state(&short, "live").await;
    server.wait_state(&short, "ended").await;

    // Its ffmpeg finishes and leaves the registry. The stream ends when nginx sees the
    // publish close, which can be a moment before ffmpeg has exited: wait for the exit.
    let start = Instant::now();
    loop {
        let (status, _) = server
            .send(reqwest::Method::GET, &test_source(&short), None)
            .await;
        if status == 404 {
            break;
        }
        assert_eq!(status, 200);
        assert!(start.elapsed() < PATIENCE, "the test source still runs");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ffmpeg_publishing(&short_name), Vec::<u32>::new());
    let (status, _) = server
        .send(reqwest::Method::DELETE, &test_source(&short), None)
        .await;
    assert_eq!(status, 404);

    // SIGTERM stops a running one with the server.
    let (status, _) = server
        .send(
            reqwest::Method::POST,
            &test_source(&long),
            Some(json!({"duration_s": 600})),
        )
        .await;
    assert_eq!(status, 202);
    server.wait_state(&long, "live").await;
    let running = ffmpeg_publishing(&long_name);
    assert_eq!(running.len(), 1);
    assert_eq!(server.terminate(), 0);
    assert!(!alive(running[0]), "ffmpeg stopped with SIGTERM");
}

#[tokio::test]
async fn the_demo_shows_a_live_stream_at_once_until_castboard_stops() {
    let mut server = Server::start_with(&["--demo"]).await;

    let line = server.next_line();

    let name = line
        .strip_prefix("Live demo stream: ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no live demo stream: {line}"))
        .to_string();
    let login = server
        .printed
        .iter()
        .find_map(|l| l.split("password: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the demo login")
        .to_string();
    let res = server
        .client
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": "admin@demo.castboard.test", "password": login}))
        .send()
        .await
        .expect("signs in");
    assert_eq!(res.status().as_u16(), 200);
    let found = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/streams?q={name}"),
            None,
        )
        .await;
    let id = found["items"][0]["id"].as_str().expect("id").to_string();
    server.wait_state(&id, "live").await;
    let running = ffmpeg_publishing(&name);
    assert_eq!(running.len(), 1, "{running:?}");
    assert_eq!(server.terminate(), 0);
    assert!(!alive(running[0]), "ffmpeg stopped with SIGTERM");
}

// ---------------------------------------------------------------------------------------
// Transcoding: Castboard's ffmpeg per transcode member while its group is live
// ---------------------------------------------------------------------------------------

/// A 320×180 ingest at 10 fps made 160×90 at 10 fps, at `kbps`.
fn tiny_profile(kbps: u32) -> Value {
    json!({"width": 160, "height": 90, "bitrate_kbps": kbps, "framerate": 10})
}

/// Pids of Castboard's transcoders publishing to `streamname` (from /proc).
fn transcoding_to(streamname: &str) -> Vec<u32> {
    let target = format!("/{streamname}?transcoder=");
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_ffmpeg = args.first().is_some_and(|a| a.ends_with("ffmpeg"));
        if is_ffmpeg && args.iter().any(|a| a.contains(&target)) && alive(pid) {
            pids.push(pid);
        }
    }
    pids
}

/// Whether `pgrep -f` finds a process whose command line holds `pattern`.
fn pgrep(pattern: &str) -> bool {
    Command::new("pgrep")
        .args(["-f", pattern])
        .stdout(Stdio::null())
        .status()
        .expect("pgrep runs")
        .success()
}

impl Server {
    /// A group of a passthrough and one transcode per bitrate: (passthrough id and name,
    /// then each transcode's id and name).
    async fn create_group(&self, kbps: &[u32]) -> Vec<(String, String)> {
        let transcodes: Vec<Value> = kbps.iter().map(|k| tiny_profile(*k)).collect();
        let s = self
            .call(
                reqwest::Method::POST,
                "/api/v1/streams",
                Some(json!({"transcodes": transcodes})),
            )
            .await;
        let members = s["members"].as_array().expect("members");
        assert_eq!(members.len(), kbps.len() + 1, "{s}");
        members
            .iter()
            .map(|m| {
                (
                    m["id"].as_str().expect("id").to_string(),
                    m["name"].as_str().expect("name").to_string(),
                )
            })
            .collect()
    }

    /// The stream object of `id`.
    async fn stream(&self, id: &str) -> Value {
        self.call(reqwest::Method::GET, &format!("/api/v1/streams/{id}"), None)
            .await
    }

    /// Waits until the transcoder of `id` reads `want` (a state, `null` for none);
    /// returns it.
    async fn wait_transcoder(&self, id: &str, want: &str) -> Value {
        let start = Instant::now();
        loop {
            let t = self.stream(id).await["transcoder"].clone();
            let now = t["state"].as_str().unwrap_or("null");
            if now == want {
                return t;
            }
            assert!(start.elapsed() < PATIENCE, "transcoder {t}, not {want}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The master playlist of `id` once it lists `variants` qualities; its lines.
    async fn master_with(&self, id: &str, variants: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let res = self
                .client
                .get(self.url(&format!("/hls/{id}.m3u8")))
                .send()
                .await
                .expect("answers");
            let text = if res.status().as_u16() == 200 {
                res.text().await.expect("master")
            } else {
                String::new()
            };
            let lines: Vec<String> = text.lines().map(String::from).collect();
            if lines.len() == 3 + 2 * variants {
                return lines;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "not {variants} variants: {text}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The variant line of a transcode member in a master playlist, but its bandwidth
/// (measured, so it varies): `,RESOLUTION=…,FRAME-RATE=…,NAME="<index>"`.
fn variant_tail(line: &str) -> &str {
    assert!(line.starts_with("#EXT-X-STREAM-INF:BANDWIDTH="), "{line}");
    line.find(",RESOLUTION=").map_or("", |at| &line[at..])
}

#[tokio::test]
async fn a_live_group_transcodes_its_profile_restarts_a_killed_transcoder_and_ending_stops_it() {
    let server = Server::start_with(&["--max-transcodes-running", "2"]).await;
    let group = server.create_group(&[200]).await;
    let ((id, name), (tid, tname)) = (group[0].clone(), group[1].clone());
    assert_eq!(server.stream(&tid).await["transcoder"], Value::Null);

    let mut encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;
    assert_eq!(server.state(&tid).await, "live");
    let running = server.wait_transcoder(&tid, "running").await;

    assert_eq!(
        running,
        json!({"state": "running", "reason": null, "restarts": 0})
    );
    let master = server.master_with(&id, 2).await;
    assert!(master[3].ends_with(",NAME=\"0\""), "{master:?}");
    assert_eq!(master[4], format!("{id}/index.m3u8"));
    assert_eq!(
        variant_tail(&master[5]),
        ",RESOLUTION=160x90,FRAME-RATE=10.000,NAME=\"1\""
    );
    assert_eq!(master[6], format!("{tid}/index.m3u8"));
    server.last_fragment(&tid).await;
    // The member plays on its own: its master lists itself alone.
    let own = server.master_with(&tid, 1).await;
    assert_eq!(own[4], format!("{tid}/index.m3u8"));
    let pids = transcoding_to(&tname);
    assert_eq!(pids.len(), 1, "one transcoder: {pids:?}");

    // Killed: the failure shows, and it comes back.
    signal(pids[0], "KILL");
    let failed = server.wait_transcoder(&tid, "failed").await;
    assert_eq!(
        failed,
        json!({"state": "failed", "reason": "ffmpeg ended (signal: 9 (SIGKILL))", "restarts": 0})
    );
    let back = server.wait_transcoder(&tid, "running").await;
    assert_eq!(
        back,
        json!({"state": "running", "reason": null, "restarts": 1})
    );
    let again = transcoding_to(&tname);
    assert_eq!(again.len(), 1);
    assert_ne!(again, pids);
    assert_eq!(server.state(&id).await, "live", "the group stays live");
    assert!(
        encoder.try_wait().expect("status").is_none(),
        "the ingest goes on"
    );

    // The ingest ends: every member ends and no transcoder is left.
    encoder.kill().await.expect("encoder stopped");
    server.wait_state(&id, "ended").await;
    assert_eq!(server.state(&tid).await, "ended");
    assert_eq!(server.stream(&tid).await["transcoder"], Value::Null);
    assert_eq!(transcoding_to(&tname), Vec::<u32>::new());
    assert_eq!(server.terminate(), 0);
    assert!(!pgrep(&format!("/{tname}?transcoder=")), "no orphan");
}

#[tokio::test]
async fn profiles_added_to_and_removed_from_a_live_group_start_and_stop_without_the_ingest_restarting(
) {
    let server = Server::start_with(&["--max-transcodes-running", "2"]).await;
    let group = server.create_group(&[200]).await;
    let ((id, name), (tid, tname)) = (group[0].clone(), group[1].clone());
    let mut encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;
    server.wait_transcoder(&tid, "running").await;
    let first = transcoding_to(&tname);

    let added = server
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/streams/{id}/profiles"),
            Some(tiny_profile(150)),
        )
        .await;
    let (aid, aname) = (
        added["id"].as_str().expect("id").to_string(),
        added["name"].as_str().expect("name").to_string(),
    );
    assert_eq!(added["state"], "live");
    server.wait_transcoder(&aid, "running").await;
    let master = server.master_with(&id, 3).await;

    assert_eq!(
        variant_tail(&master[7]),
        ",RESOLUTION=160x90,FRAME-RATE=10.000,NAME=\"2\""
    );
    assert_eq!(master[8], format!("{aid}/index.m3u8"));
    assert_eq!(
        transcoding_to(&tname),
        first,
        "the other transcoder runs on"
    );
    assert!(
        encoder.try_wait().expect("status").is_none(),
        "the ingest goes on"
    );

    // Removed: its transcoder is gone when the answer comes.
    let (status, _) = server
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/streams/{id}/profiles/{aid}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(transcoding_to(&aname), Vec::<u32>::new());
    server.master_with(&id, 2).await;
    assert_eq!(transcoding_to(&tname), first);
    assert_eq!(server.state(&id).await, "live");

    // Locked: the ingest is cut and the transcoder stops.
    server.lock(&id).await;
    assert_eq!(transcoding_to(&tname), Vec::<u32>::new());
    assert_eq!(server.state(&tid).await, "locked");
    assert_eq!(server.stream(&tid).await["transcoder"], Value::Null);
    refused(encoder).await;
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn beyond_the_transcode_capacity_a_member_waits_with_the_reason_and_none_outlives_castboard()
{
    let server = Server::start_with(&["--max-transcodes-running", "1"]).await;
    let group = server.create_group(&[200, 150]).await;
    let (id, name) = group[0].clone();
    let (first, first_name) = group[1].clone();
    let (second, second_name) = group[2].clone();
    let mut events = server
        .client
        .get(server.url("/api/v1/events"))
        .send()
        .await
        .expect("events answer");
    let _encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;

    let running = server.wait_transcoder(&first, "running").await;
    let waiting = server.stream(&second).await["transcoder"].clone();

    assert_eq!(running["state"], "running");
    assert_eq!(
        waiting,
        json!({"state": "waiting", "reason": "transcode capacity full (1 running)", "restarts": 0})
    );
    assert_eq!(transcoding_to(&second_name), Vec::<u32>::new());
    // Open dashboards are told.
    let mut heard = String::new();
    let start = Instant::now();
    let told = format!(
        "event: stream.transcoder_changed\ndata: {{\"id\":\"{second}\",\"name\":\"{second_name}\",\
         \"streamgroup_id\":\"{id}\",\"transcoder\":{{\"state\":\"waiting\",\
         \"reason\":\"transcode capacity full (1 running)\",\"restarts\":0}},\"at\":"
    );
    while !heard.contains(&told) {
        assert!(start.elapsed() < PATIENCE, "not told: {heard}");
        let chunk = tokio::time::timeout(PATIENCE, events.chunk())
            .await
            .expect("an event in time")
            .expect("reads")
            .expect("the stream goes on");
        heard.push_str(&String::from_utf8_lossy(&chunk));
    }
    // The group's master lists what plays.
    let master = server.master_with(&id, 2).await;
    assert_eq!(master[6], format!("{first}/index.m3u8"));

    // A place frees: the waiting member starts.
    let (status, _) = server
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/streams/{id}/profiles/{first}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    server.wait_transcoder(&second, "running").await;
    let pids = transcoding_to(&second_name);
    assert_eq!(pids.len(), 1);
    assert_eq!(transcoding_to(&first_name), Vec::<u32>::new());

    // SIGTERM stops it with the server.
    assert_eq!(server.terminate(), 0);
    assert!(!alive(pids[0]), "ffmpeg stopped with SIGTERM");
    assert!(!pgrep(&format!("/{second_name}?transcoder=")), "no orphan");
}

/// The width and height in a JPEG's start-of-frame marker (baseline or progressive).
fn jpeg_size(bytes: &[u8]) -> Option<(u16, u16)> {
    let mut i = 2;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if matches!(marker, 0xC0..=0xC2) {
            let h = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]);
            let w = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]);
            return Some((w, h));
        }
        i += 2 + len;
    }
    None
}

impl Server {
    /// Waits until the stream's `assets.thumbnail` is set and differs from `before`;
    /// returns it. Panics after `patience`.
    async fn wait_thumbnail(&self, id: &str, before: &Value, patience: Duration) -> Value {
        let start = Instant::now();
        loop {
            let thumbnail = self.stream(id).await["assets"]["thumbnail"].clone();
            if !thumbnail.is_null() && thumbnail != *before {
                return thumbnail;
            }
            assert!(
                start.elapsed() < patience,
                "no new thumbnail after {patience:?}: {thumbnail}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Ingest health
// ---------------------------------------------------------------------------------------

impl Server {
    /// The stream's `health` once `ready` holds for it; panics after `within`.
    async fn wait_health(
        &self,
        id: &str,
        within: Duration,
        ready: impl Fn(&Value) -> bool,
    ) -> Value {
        let start = Instant::now();
        loop {
            let health = self
                .call(reqwest::Method::GET, &format!("/api/v1/streams/{id}"), None)
                .await["health"]
                .clone();
            if !health.is_null() && ready(&health) {
                return health;
            }
            assert!(start.elapsed() < within, "not yet: {health}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

#[tokio::test]
async fn a_live_stream_gets_a_thumbnail_every_interval_served_with_cache_headers() {
    let server = Server::start().await;
    let on = server
        .call(
            reqwest::Method::POST,
            "/api/v1/streams",
            Some(json!({"processing": {"thumbnails": {"enabled": true, "interval_s": 10}}})),
        )
        .await;
    let (id, name) = (
        on["id"].as_str().expect("id").to_string(),
        on["name"].as_str().expect("name").to_string(),
    );
    let (off_id, off_name) = server.create_stream().await;
    let process = format!("/api/v1/streams/{id}/processes/thumbnails");
    let standing = |v: &Value| (v["state"].clone(), v["reason"].clone());
    let before = server.call(reqwest::Method::GET, &process, None).await;
    assert_eq!(
        standing(&before),
        (json!("waiting"), json!("waiting for the stream to go live"))
    );
    let mut encoder = publish(&format!("{}/{name}", server.rtmp));
    let mut other = publish(&format!("{}/{off_name}", server.rtmp));
    server.wait_state(&id, "live").await;
    server.wait_state(&off_id, "live").await;
    let live_at = Instant::now();

    // The first soon after the stream goes live (once its first fragment is cut).
    let first = server
        .wait_thumbnail(&id, &Value::Null, Duration::from_secs(15))
        .await;
    let first_after = live_at.elapsed();
    let url = first["url"].as_str().expect("a url").to_string();
    assert_eq!(url, server.url(&format!("/thumbnails/{id}.jpg")));

    let res = server.client.get(&url).send().await.expect("answers");
    assert_eq!(res.status().as_u16(), 200);
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header(&res, "content-type"), "image/jpeg");
    assert_eq!(header(&res, "cache-control"), "public, max-age=10");
    let etag = header(&res, "etag");
    let last_modified = header(&res, "last-modified");
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag}");
    assert!(last_modified.ends_with(" GMT"), "{last_modified}");
    let jpeg = res.bytes().await.expect("the picture");
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
    assert_eq!(jpeg_size(&jpeg), Some((320, 180)));

    let again = server
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("answers");
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(header(&again, "etag"), etag);
    assert_eq!(header(&again, "cache-control"), "public, max-age=10");
    let since = server
        .client
        .get(&url)
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .expect("answers");
    assert_eq!(since.status().as_u16(), 304);

    // List items carry it too (the dashboard's list shows it).
    let listed = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/streams?q={name}"),
            None,
        )
        .await;
    assert_eq!(listed["items"][0]["thumbnail"], first, "{listed}");

    // The process runs, its last output the thumbnail, the next one due an interval on.
    let running = server.call(reqwest::Method::GET, &process, None).await;
    assert_eq!(
        standing(&running),
        (json!("running"), Value::Null),
        "{running}"
    );
    assert_eq!(running["last_output"], first);
    let millis = |v: &Value| {
        shared::Timestamp::parse(v.as_str().expect("a time"))
            .expect("a time")
            .millis()
    };
    let due_in = millis(&running["next_run"]) - millis(&first["updated_at"]);
    assert!(
        (9_000..=11_000).contains(&due_in),
        "next run {due_in} ms after the first"
    );
    let off = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/streams/{off_id}/processes/thumbnails"),
            None,
        )
        .await;
    assert_eq!(standing(&off), (json!("off"), Value::Null));

    // The next one an interval later.
    let second = server
        .wait_thumbnail(&id, &first, Duration::from_secs(15))
        .await;
    let gap = shared::Timestamp::parse(second["updated_at"].as_str().expect("a time"))
        .expect("a time")
        .millis()
        - shared::Timestamp::parse(first["updated_at"].as_str().expect("a time"))
            .expect("a time")
            .millis();
    assert!((9_500..=13_000).contains(&gap), "{gap} ms apart");
    let newer = server
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("answers");
    assert_eq!(newer.status().as_u16(), 200, "a new picture, a new ETag");

    // Thumbnails off: none taken, and the route has nothing.
    assert!(server.stream(&off_id).await["assets"]["thumbnail"].is_null());
    let (status, _) = server
        .send(
            reqwest::Method::GET,
            &format!("/thumbnails/{off_id}.jpg"),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert!(!server
        .media_dir
        .join(format!("thumbnails/{off_id}.jpg"))
        .exists());

    // A stream that ends keeps its last thumbnail.
    encoder.kill().await.expect("stops the encoder");
    server.wait_state(&id, "ended").await;
    assert_eq!(server.stream(&id).await["assets"]["thumbnail"], second);
    let after = server.call(reqwest::Method::GET, &process, None).await;
    assert_eq!(standing(&after), (json!("off"), json!("the stream ended")));
    assert_eq!(after["last_output"], second);
    assert_eq!(after["next_run"], Value::Null);
    let res = server.client.get(&url).send().await.expect("answers");
    assert_eq!(res.status().as_u16(), 200);

    let _ = other.kill().await;
    assert_eq!(server.terminate(), 0);
    assert!(
        !pgrep(&format!("thumbnails/{id}")),
        "a thumbnail ffmpeg outlived castboard"
    );
    eprintln!("first thumbnail {first_after:?} after live, the next {gap} ms later");
}

fn issue_codes(health: &Value) -> Vec<String> {
    health["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["code"].as_str().expect("a code").to_string())
        .collect()
}

#[tokio::test]
async fn a_steady_ingest_reads_healthy_with_its_figures_events_once_a_second_and_no_data_when_it_stalls(
) {
    // A long update interval, so nginx keeps the stalled encoder long enough to see it.
    let server = Server::start_with(&["--ingest-update-interval", "10"]).await;
    let (id, name) = server.create_stream().await;
    let mut events = server
        .client
        .get(server.url("/api/v1/events"))
        .send()
        .await
        .expect("events answer");
    let encoder = publish_gop(&format!("{}/{name}", server.rtmp), 10);
    server.wait_state(&id, "live").await;

    // Once a fragment or two are measured: 320×180 at 10 fps, keyframes a second apart.
    let health = server
        .wait_health(&id, PATIENCE, |h| {
            h["video"]["fps"].is_number() && h["keyframe_interval_s"].is_number()
        })
        .await;
    assert_eq!(health["status"], "healthy", "{health}");
    assert_eq!(health["issues"], json!([]), "{health}");
    let video = &health["video"];
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(320), Some(180))
    );
    // What x264 (ultrafast: Baseline) and ffmpeg's AAC declare for this pattern and tone.
    assert_eq!(
        (&video["codec"], &video["profile"], &video["level"]),
        (&json!("H264"), &json!("Baseline"), &json!("1.1")),
        "{health}"
    );
    assert_eq!(video["fps_declared"], 10.0);
    // 1-second fragments of ten frames each.
    assert_eq!(video["fps"], 10.0, "{health}");
    assert_eq!(health["keyframe_interval_s"], 1.0, "{health}");
    assert_eq!(health["keyframe_interval_declared_s"], Value::Null);
    assert_eq!(
        health["audio"].as_object().map(|a| (
            &a["codec"],
            &a["profile"],
            &a["channels"],
            &a["sample_rate"]
        )),
        Some((&json!("AAC"), &json!("LC"), &json!(1), &json!(44100))),
        "{health}"
    );
    assert!(health["kbps"].as_u64().expect("kbps") > 0, "{health}");
    assert_eq!(health["dropped_frames"], 0);
    assert_eq!(health["idle_s"], 0);
    assert_eq!(health["last_data_at"], health["at"], "{health}");

    // The readings of the last minutes, a second apart, the newest last.
    let start = Instant::now();
    let history = loop {
        let history = server
            .call(
                reqwest::Method::GET,
                &format!("/api/v1/streams/{id}/health"),
                None,
            )
            .await;
        if history["samples"].as_array().map_or(0, Vec::len) >= 3 {
            break history;
        }
        assert!(start.elapsed() < PATIENCE, "not three readings: {history}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let samples = history["samples"].as_array().expect("samples");
    assert_eq!(
        history["current"]["at"],
        samples.last().expect("a reading")["at"],
        "the health now is the newest reading's"
    );
    let at = |s: &Value| {
        shared::Timestamp::parse(s["at"].as_str().expect("at"))
            .expect("a time")
            .millis()
    };
    for pair in samples.windows(2) {
        let gap = at(&pair[1]) - at(&pair[0]);
        assert!((900..=2100).contains(&gap), "{gap} ms between readings");
    }
    assert!(samples.iter().all(|s| s["bytes_in"].is_u64()));
    assert_eq!(history["current"]["status"], "healthy");
    // The list item carries it too.
    let list = server
        .call(reqwest::Method::GET, "/api/v1/streams", None)
        .await;
    assert!(list["items"][0]["health"]["kbps"].is_u64(), "{list}");

    // Open dashboards are told at most once a second: count the readings of five seconds
    // (the connection opened before the publish, so earlier ones are heard too).
    let window = Duration::from_secs(5);
    let mut heard = String::new();
    let start = Instant::now();
    let from_ms = chrono::Utc::now().timestamp_millis();
    while start.elapsed() < window + Duration::from_millis(500) {
        let left = (window + Duration::from_millis(500)).saturating_sub(start.elapsed());
        if let Ok(chunk) = tokio::time::timeout(left, events.chunk()).await {
            heard.push_str(&String::from_utf8_lossy(
                &chunk.expect("reads").expect("goes on"),
            ));
        }
    }
    let until_ms = from_ms + 5000;
    // Whole events only: the text after the last blank line may be cut.
    let complete = &heard[..heard.rfind("\n\n").unwrap_or(0)];
    let mine: Vec<Value> = complete
        .split("\n\n")
        .filter_map(|e| e.strip_prefix("event: stream.health\ndata: "))
        .map(|data| serde_json::from_str(data).expect("JSON"))
        .filter(|e: &Value| e["id"] == id.as_str())
        .collect();
    for pair in mine.windows(2) {
        let gap = at(&pair[1]["health"]) - at(&pair[0]["health"]);
        assert!(gap >= 900, "{gap} ms between two announcements: {heard}");
    }
    let in_window = mine
        .iter()
        .filter(|e| (from_ms..until_ms).contains(&at(&e["health"])))
        .count();
    // One a second: five, or four when the loaded machine delayed a reading past the end.
    assert!((4..=5).contains(&in_window), "{in_window} in 5 s: {heard}");
    assert_eq!(mine[0]["streamgroup_id"], id.as_str());

    // The encoder stalls: no data, unhealthy, in plain words.
    let pid = encoder.id().expect("pid");
    signal(pid, "STOP");
    let health = server
        .wait_health(&id, Duration::from_secs(10), |h| h["status"] == "unhealthy")
        .await;
    assert_eq!(issue_codes(&health)[0], "no_data", "{health}");
    let idle = health["idle_s"].as_u64().expect("idle");
    assert!(idle >= 3, "{health}");
    assert_eq!(
        health["issues"][0],
        json!({"code": "no_data", "severity": "unhealthy", "message": format!("no data for {idle} s")})
    );
    // Seconds (rounded) from the last data to the reading.
    let since_data_ms = at(&health) - at(&json!({"at": health["last_data_at"]}));
    assert_eq!(
        (since_data_ms + 500) / 1000,
        i64::try_from(idle).expect("small"),
        "{health}"
    );
    signal(pid, "KILL");
    server.wait_state(&id, "ended").await;
    let stream = server
        .call(reqwest::Method::GET, &format!("/api/v1/streams/{id}"), None)
        .await;
    assert_eq!(stream["health"], Value::Null);
    assert_eq!(server.terminate(), 0);
}

#[tokio::test]
async fn keyframes_eight_seconds_apart_read_as_a_warning_to_set_one_to_two_seconds() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    let _encoder = publish_gop(&format!("{}/{name}", server.rtmp), 80);
    server.wait_state(&id, "live").await;

    // The first fragment closes at the second keyframe, eight seconds in.
    let health = server
        .wait_health(&id, PATIENCE, |h| h["keyframe_interval_s"].is_number())
        .await;
    assert_eq!(health["keyframe_interval_s"], 8.0, "{health}");
    assert_eq!(health["status"], "warning", "{health}");
    // Alone: the bitrate is compared only after 15 s, and 80 frames in 8 s is 10 fps.
    assert_eq!(
        health["issues"],
        json!([{
            "code": "keyframe_interval",
            "severity": "warning",
            "message": "keyframe interval 8 s: set 1–2 s for low latency"
        }]),
        "{health}"
    );
    assert_eq!(health["video"]["fps"], 10.0, "{health}");
    assert_eq!(server.terminate(), 0);
}

// ---------------------------------------------------------------------------------------
// Recording
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_recording_is_split_at_its_duration_remuxed_listed_and_served_with_ranges() {
    let server = Server::start().await;
    let on = server
        .call(
            reqwest::Method::POST,
            "/api/v1/streams",
            Some(json!({"processing": {"recording": {"enabled": true, "duration_s": 4}}})),
        )
        .await;
    let (id, name) = (
        on["id"].as_str().expect("id").to_string(),
        on["name"].as_str().expect("name").to_string(),
    );
    let (off_id, _) = server.create_stream().await;
    for stream in [&id, &off_id] {
        let (status, _) = server
            .send(
                reqwest::Method::POST,
                &test_source(stream),
                Some(json!({"duration_s": 11})),
            )
            .await;
        assert_eq!(status, 202);
    }
    server.wait_state(&id, "live").await;
    server.wait_state(&id, "ended").await;

    // Every file is listed once remuxed: an 11 s ingest split every 4 s makes three.
    let start = Instant::now();
    let recordings = loop {
        let recordings = server.stream(&id).await["assets"]["recordings"].clone();
        let count = recordings.as_array().map_or(0, Vec::len);
        if count >= 3 {
            break recordings;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "recordings so far: {recordings}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let recordings = recordings.as_array().expect("a list").clone();
    assert_eq!(recordings.len(), 3, "{recordings:?}");
    let session = &recordings[0]["session_start"];
    // Oldest first: (start in ms, as the file is named; length in s, as ffprobe reads it).
    let mut files = Vec::new();
    for rec in recordings.iter().rev() {
        assert_eq!(&rec["session_start"], session, "one live session: {rec}");
        let file = rec["file_name"].as_str().expect("file name");
        let started: u64 = file
            .strip_prefix(&format!("{name}-"))
            .and_then(|rest| rest.strip_suffix(".mp4"))
            .and_then(|ms| ms.parse().ok())
            .unwrap_or_else(|| panic!("<name>-<ms>.mp4: {file}"));
        assert_eq!(rec["url"], json!(server.url(&format!("/vod/{file}"))));
        let on_disk = server.media_dir.join("recordings").join(file);
        assert_eq!(
            rec["size_bytes"].as_u64(),
            Some(std::fs::metadata(&on_disk).expect("the MP4").len())
        );
        let (length, codec, width, height) = probe(&on_disk).expect("a valid MP4");
        assert_eq!((codec.as_str(), width, height), ("h264", 320, 180));
        // The listed length is the file's, rounded up to a second.
        assert_eq!(
            rec["duration_s"].as_u64(),
            Some(length.ceil() as u64),
            "{file}"
        );
        files.push((started, length));
    }
    // Splits every 4 s: each next file starts 2 s before its split (on the other
    // recorder), so files follow 4 s apart but the first, and each one overlaps the next
    // by more than a keyframe interval: no frame is lost at a split.
    let gaps: Vec<u64> = files.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!((1500..=2600).contains(&gaps[0]), "{gaps:?}");
    assert!((3800..=4200).contains(&gaps[1]), "{gaps:?}");
    for pair in files.windows(2) {
        let ((start, length), (next_start, _)) = (pair[0], pair[1]);
        let end = start + (length * 1000.0) as u64;
        assert!(end >= next_start + 500, "{files:?}");
    }
    // All 11 s are there, plus the overlaps.
    let total: f64 = files.iter().map(|f| f.1).sum();
    assert!((10.0..=17.0).contains(&total), "{files:?}");
    // Nothing half-made is left: the FLVs go (a last one, started ahead of a split the
    // ingest did not reach, may be dropped a moment after the others are listed) and no
    // temporary file remains.
    let raw = server.media_dir.join("recordings").join("raw");
    let start = Instant::now();
    while !files_under(&raw, &raw).is_empty() {
        assert!(start.elapsed() < PATIENCE, "{:?}", files_under(&raw, &raw));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let leftovers = files_under(
        &server.media_dir.join("recordings"),
        std::path::Path::new("/nonexistent"),
    );
    let mut expected: Vec<String> = recordings
        .iter()
        .map(|r| r["file_name"].as_str().unwrap_or_default().to_string())
        .chain(["raw".to_string()])
        .collect();
    expected.sort();
    assert_eq!(leftovers, expected);
    // A stream without recording records nothing.
    server.wait_state(&off_id, "ended").await;
    assert_eq!(
        server.stream(&off_id).await["assets"]["recordings"],
        json!([])
    );

    // Served whole, in ranges, and as a download.
    let rec = &recordings[0];
    let url = rec["url"].as_str().expect("url");
    let size = rec["size_bytes"].as_u64().expect("size");
    let whole = server.client.get(url).send().await.expect("answers");
    assert_eq!(whole.status().as_u16(), 200);
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header(&whole, "content-type"), "video/mp4");
    assert_eq!(header(&whole, "cache-control"), "public, max-age=86400");
    assert_eq!(header(&whole, "accept-ranges"), "bytes");
    assert_eq!(whole.bytes().await.expect("body").len() as u64, size);
    let part = server
        .client
        .get(url)
        .header("range", "bytes=100-199")
        .send()
        .await
        .expect("answers");
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(
        header(&part, "content-range"),
        format!("bytes 100-199/{size}")
    );
    assert_eq!(part.bytes().await.expect("body").len(), 100);
    let download = server
        .client
        .get(format!("{url}?download=1"))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        header(&download, "content-disposition"),
        format!(
            "attachment; filename=\"{}\"",
            rec["file_name"].as_str().unwrap_or_default()
        )
    );
    for bad in ["/vod/..%2Fmedia.db", "/vod/nothing-here.mp4", "/vod/x.flv"] {
        let (status, body) = server.send(reqwest::Method::GET, bad, None).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (404, &json!("not_found")),
            "{bad}"
        );
    }
    assert_eq!(server.terminate(), 0);
}

impl Server {
    /// Waits until the media server's recorder writes a file of at least `bytes`; its path.
    async fn wait_raw_file(&self, bytes: u64) -> std::path::PathBuf {
        let raw = self.media_dir.join("recordings").join("raw");
        let start = Instant::now();
        loop {
            let big = std::fs::read_dir(&raw)
                .expect("the raw folder")
                .flatten()
                .map(|e| e.path())
                .find(|p| std::fs::metadata(p).is_ok_and(|m| m.len() >= bytes));
            if let Some(path) = big {
                return path;
            }
            assert!(start.elapsed() < PATIENCE, "nothing recorded in {raw:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until `id` lists `count` recordings; them.
    async fn wait_recordings(&self, id: &str, count: usize) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let listed = self.stream(id).await["assets"]["recordings"].clone();
            let listed = listed.as_array().cloned().unwrap_or_default();
            if listed.len() >= count {
                assert_eq!(listed.len(), count, "{listed:?}");
                return listed;
            }
            assert!(start.elapsed() < PATIENCE, "recordings so far: {listed:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[tokio::test]
async fn recording_switched_off_while_live_lists_its_file_and_a_crash_loses_no_recording() {
    let mut server = Server::start().await;
    let on = server
        .call(
            reqwest::Method::POST,
            "/api/v1/streams",
            Some(json!({"processing": {"recording": {"enabled": true, "duration_s": null}}})),
        )
        .await;
    let (id, name) = (
        on["id"].as_str().expect("id").to_string(),
        on["name"].as_str().expect("name").to_string(),
    );
    let mut encoder = publish(&format!("{}/{name}", server.rtmp));
    server.wait_state(&id, "live").await;
    let recording = |on: bool| json!({"processing": {"recording": {"enabled": on}}});
    let patch = format!("/api/v1/streams/{id}");

    // Switched off while live: the file is closed, remuxed and listed; the stream goes on.
    server.wait_raw_file(100_000).await;
    server
        .call(reqwest::Method::PATCH, &patch, Some(recording(false)))
        .await;
    let first = server.wait_recordings(&id, 1).await;
    assert!(
        first[0]["duration_s"].as_u64().is_some_and(|s| s >= 2),
        "{first:?}"
    );
    assert_eq!(server.state(&id).await, "live");

    // On again: a new file. Then Castboard dies mid-recording (nginx with it).
    server
        .call(reqwest::Method::PATCH, &patch, Some(recording(true)))
        .await;
    let unfinished = server.wait_raw_file(60_000).await;
    server.crash_and_restart().await;
    let _ = encoder.kill().await;

    // At the next start the file the crash left is remuxed and listed, and nothing of it
    // is left behind.
    let listed = server.wait_recordings(&id, 2).await;
    let newest = &listed[0];
    let file = newest["file_name"].as_str().expect("a file name");
    assert!(
        file.starts_with(&format!("{name}-")) && file.ends_with(".mp4"),
        "{file}"
    );
    assert!(
        newest["duration_s"].as_u64().is_some_and(|s| s >= 1),
        "{newest}"
    );
    // Its start is the one in the media server's file name (seconds), not the restart's.
    let started_ms: i64 = unfinished
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| {
            n.strip_suffix(".a.flv")
                .or_else(|| n.strip_suffix(".b.flv"))
        })
        .and_then(|n| n.rsplit_once('-'))
        .and_then(|(_, secs)| secs.parse::<i64>().ok())
        .map(|secs| secs * 1000)
        .expect("<name>-<secs>.<slot>.flv");
    assert_eq!(file, format!("{name}-{started_ms}.mp4"));
    let (_, codec, width, height) =
        probe(&server.media_dir.join("recordings").join(file)).expect("a valid MP4");
    assert_eq!((codec.as_str(), width, height), ("h264", 320, 180));
    assert!(!unfinished.exists(), "{unfinished:?} is still there");
    let raw = server.media_dir.join("recordings").join("raw");
    assert_eq!(files_under(&raw, &raw), Vec::<String>::new());
    assert_eq!(server.terminate(), 0);
}

// ---------------------------------------------------------------------------------------
// Motion clips
// ---------------------------------------------------------------------------------------

/// What ffprobe reads of a media file: `(duration in seconds, video codec, width,
/// height)`, or `None` when it is not a valid media file.
fn probe(path: &std::path::Path) -> Option<(f64, String, u64, u64)> {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    if !out.status.success() {
        return None;
    }
    let v: Value = serde_json::from_slice(&out.stdout).ok()?;
    let duration = v["format"]["duration"].as_str()?.parse().ok()?;
    let video = v["streams"]
        .as_array()?
        .iter()
        .find(|s| s["codec_type"] == "video")?;
    Some((
        duration,
        video["codec_name"].as_str()?.to_string(),
        video["width"].as_u64()?,
        video["height"].as_u64()?,
    ))
}

impl Server {
    /// Waits until the stream's `assets.motion_clip` is set and differs from `before`;
    /// returns it. Panics after `patience`.
    async fn wait_clip(&self, id: &str, before: &Value, patience: Duration) -> Value {
        let start = Instant::now();
        loop {
            let clip = self.stream(id).await["assets"]["motion_clip"].clone();
            if !clip.is_null() && clip != *before {
                return clip;
            }
            assert!(
                start.elapsed() < patience,
                "no new motion clip after {patience:?}: {clip}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The `updated_at` of an asset, in milliseconds.
fn asset_millis(asset: &Value) -> i64 {
    shared::Timestamp::parse(asset["updated_at"].as_str().expect("a time"))
        .expect("a time")
        .millis()
}

#[tokio::test]
async fn a_live_stream_gets_a_motion_clip_every_interval_served_with_ranges_and_cache_headers() {
    let server = Server::start().await;
    let (id, name) = server.create_stream().await;
    let patched = server
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/streams/{id}"),
            Some(json!({"processing": {"motion_clips":
                {"enabled": true, "interval_s": 10, "duration_s": 2}}})),
        )
        .await;
    assert_eq!(patched["processing"]["motion_clips"]["enabled"], true);
    let (status, _) = server
        .send(
            reqwest::Method::POST,
            &test_source(&id),
            Some(json!({"duration_s": 40})),
        )
        .await;
    assert_eq!(status, 202);
    server.wait_state(&id, "live").await;
    let live_at = Instant::now();

    // The first at once: a 2-second clip, a second or two to connect, then written.
    let first = server
        .wait_clip(&id, &Value::Null, Duration::from_secs(15))
        .await;
    let first_after = live_at.elapsed();
    let url = first["url"].as_str().expect("a url").to_string();
    assert_eq!(url, server.url(&format!("/clips/{id}.mp4")));
    let file = server.media_dir.join(format!("clips/{id}.mp4"));
    let (duration, codec, width, height) = probe(&file).expect("a valid MP4");
    assert_eq!((codec.as_str(), width, height), ("h264", 320, 180));
    assert!((1.5..=3.0).contains(&duration), "{duration} s long");
    // Only whole clips are in the folder: the temporary one is renamed when complete.
    let listed: Vec<String> = std::fs::read_dir(server.media_dir.join("clips"))
        .expect("the clips folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.contains(".tmp."))
        .collect();
    assert_eq!(listed, vec![format!("{id}.mp4")]);

    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let res = server.client.get(&url).send().await.expect("answers");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(header(&res, "content-type"), "video/mp4");
    assert_eq!(header(&res, "cache-control"), "public, max-age=10");
    assert_eq!(header(&res, "accept-ranges"), "bytes");
    let etag = header(&res, "etag");
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag}");
    assert!(header(&res, "last-modified").ends_with(" GMT"));
    let whole = res.bytes().await.expect("the clip");
    assert_eq!(&whole[4..8], b"ftyp", "an MP4");
    let len = whole.len();

    // A browser's <video> asks for ranges.
    let part = server
        .client
        .get(&url)
        .header("range", "bytes=100-199")
        .send()
        .await
        .expect("answers");
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(
        header(&part, "content-range"),
        format!("bytes 100-199/{len}")
    );
    assert_eq!(header(&part, "cache-control"), "public, max-age=10");
    assert_eq!(part.bytes().await.expect("the part"), whole.slice(100..200));
    let open = server
        .client
        .get(&url)
        .header("range", "bytes=0-")
        .send()
        .await
        .expect("answers");
    assert_eq!(open.status().as_u16(), 206);
    assert_eq!(
        header(&open, "content-range"),
        format!("bytes 0-{}/{len}", len - 1)
    );
    let past = server
        .client
        .get(&url)
        .header("range", format!("bytes={len}-"))
        .send()
        .await
        .expect("answers");
    assert_eq!(past.status().as_u16(), 416);
    let current = server
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("answers");
    assert_eq!(current.status().as_u16(), 304);

    // The next one an interval after the first began, replacing it.
    let second = server.wait_clip(&id, &first, Duration::from_secs(15)).await;
    let gap = asset_millis(&second) - asset_millis(&first);
    assert!((9_000..=13_000).contains(&gap), "{gap} ms apart");
    assert_eq!(second["url"], first["url"]);
    let newer = server
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("answers");
    assert_eq!(newer.status().as_u16(), 200, "a new clip, a new ETag");
    assert!(probe(&file).is_some(), "still a valid MP4");

    // Off while live: no more clips, the last one stays.
    server
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/streams/{id}"),
            Some(json!({"processing": {"motion_clips": {"enabled": false}}})),
        )
        .await;
    tokio::time::sleep(Duration::from_secs(12)).await;
    assert_eq!(server.stream(&id).await["assets"]["motion_clip"], second);

    // On again, then SIGTERM while a clip is being recorded: no ffmpeg is left behind.
    server
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/streams/{id}"),
            Some(json!({"processing": {"motion_clips": {"enabled": true, "duration_s": 30}}})),
        )
        .await;
    let start = Instant::now();
    while !pgrep(&format!("live/{name}.*clips/{id}")) {
        assert!(start.elapsed() < PATIENCE, "no clip ffmpeg");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(server.terminate(), 0);
    assert!(
        !pgrep(&format!("clips/{id}")),
        "a motion clip ffmpeg outlived castboard"
    );
    eprintln!("first clip {first_after:?} after live ({duration} s long), the next {gap} ms later");
}

// ---------------------------------------------------------------------------------------
// Live replay
// ---------------------------------------------------------------------------------------

impl Server {
    /// A new stream with `replay` as its replay settings, made live by a test source;
    /// its id and name.
    async fn live_with_replay(&self, replay: Value) -> (String, String) {
        let (id, name) = self.create_stream().await;
        self.call(
            reqwest::Method::PATCH,
            &format!("/api/v1/streams/{id}"),
            Some(json!({"processing": {"replay": replay}})),
        )
        .await;
        let (status, _) = self
            .send(
                reqwest::Method::POST,
                &test_source(&id),
                Some(json!({"duration_s": 60})),
            )
            .await;
        assert_eq!(status, 202);
        self.wait_state(&id, "live").await;
        (id, name)
    }

    /// The stream's replay sessions once it has one.
    async fn wait_replays(&self, id: &str) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let replays = self.stream(id).await["assets"]["replays"].clone();
            if let Some(list) = replays.as_array().filter(|l| !l.is_empty()) {
                return list.clone();
            }
            assert!(start.elapsed() < PATIENCE, "no replay session: {replays}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// A replay playlist's text (status 200 asserted).
    async fn replay_playlist(&self, url: &str) -> String {
        let res = self.client.get(url).send().await.expect("answers");
        assert_eq!(res.status().as_u16(), 200, "{url}");
        assert_eq!(
            res.headers()["content-type"],
            "application/vnd.apple.mpegurl"
        );
        res.text().await.expect("a playlist")
    }
}

/// The segments of a playlist: each one's length (s) and address.
fn segments(playlist: &str) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let mut length = None;
    for line in playlist.lines() {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            length = rest.split(',').next().and_then(|l| l.parse().ok());
        } else if !line.starts_with('#') && !line.is_empty() {
            out.push((
                length.take().expect("#EXTINF before each segment"),
                line.to_string(),
            ));
        }
    }
    out
}

#[tokio::test]
async fn a_live_replay_keeps_its_window_or_the_whole_session_and_stops_with_the_stream() {
    let server = Server::start().await;
    let (windowed, windowed_name) = server
        .live_with_replay(json!({"enabled": true, "duration_s": 4}))
        .await;
    let live_at = Instant::now();
    let (whole, _) = server
        .live_with_replay(json!({"enabled": true, "duration_s": null}))
        .await;

    // One session per live session, with its playlist, watch page and embed address.
    let sessions = server.wait_replays(&windowed).await;
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let hls_url = sessions[0]["hls_url"].as_str().expect("a url").to_string();
    let started = shared::Timestamp::parse(sessions[0]["session_start"].as_str().expect("a time"))
        .expect("a time")
        .millis();
    assert_eq!(
        hls_url,
        server.url(&format!("/hls/{windowed}/replay/{started}/index.m3u8"))
    );
    assert_eq!(
        sessions[0]["replay_url"],
        server.url(&format!("/watch/{windowed}?replay={started}"))
    );
    assert_eq!(
        sessions[0]["clip_url"],
        server.url(&format!("/embed?group.id={windowed}&replay={started}"))
    );

    // After twice the window live, the playlist lists about the window: 4 s of segments.
    tokio::time::sleep(Duration::from_secs(10).saturating_sub(live_at.elapsed())).await;
    let text = server.replay_playlist(&hls_url).await;
    let listed = segments(&text);
    let seconds: f64 = listed.iter().map(|(l, _)| l).sum();
    assert!((3.5..=6.5).contains(&seconds), "{seconds} s listed: {text}");
    assert!(!text.contains("#EXT-X-ENDLIST"), "still live: {text}");
    assert!(!text.contains("#EXT-X-PLAYLIST-TYPE:EVENT"));
    // Its segments play, and the older ones are gone from the folder.
    let newest = &listed.last().expect("a segment").1;
    let segment_url = hls_url.replace("index.m3u8", newest);
    let res = server
        .client
        .get(&segment_url)
        .send()
        .await
        .expect("answers");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "video/mp2t");
    assert_eq!(res.bytes().await.expect("a segment")[0], 0x47, "MPEG-TS");
    let dir = server
        .media_dir
        .join(format!("replay/{windowed}/{started}"));
    let on_disk = std::fs::read_dir(&dir)
        .expect("the session's folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".ts"))
        .count();
    assert!(
        on_disk <= listed.len() + 2,
        "{on_disk} files for {} listed",
        listed.len()
    );
    for other in [
        format!("/hls/{windowed}/replay/{started}/x.ts"),
        format!("/hls/{windowed}/replay/{started}/index.m3u8.tmp"),
        format!("/hls/{windowed}/replay/-1/index.m3u8"),
        format!("/hls/{windowed}/replay/x/index.m3u8"),
    ] {
        let (status, _) = server.send(reqwest::Method::GET, &other, None).await;
        assert_eq!(status, 404, "{other}");
    }

    // The whole session: an EVENT playlist from the first segment on.
    let whole_sessions = server.wait_replays(&whole).await;
    let whole_url = whole_sessions[0]["hls_url"]
        .as_str()
        .expect("a url")
        .to_string();
    let whole_text = server.replay_playlist(&whole_url).await;
    assert!(
        whole_text.contains("#EXT-X-PLAYLIST-TYPE:EVENT"),
        "{whole_text}"
    );
    let first = segments(&whole_text);
    assert_eq!(
        first.first().map(|s| s.1.as_str()),
        Some("0.ts"),
        "{whole_text}"
    );

    // The stream ends: its replay ffmpeg stops, and the playlist says it has ended.
    assert!(pgrep(&format!("live/{windowed_name} .*replay/{windowed}")));
    let (status, _) = server
        .send(reqwest::Method::DELETE, &test_source(&windowed), None)
        .await;
    assert_eq!(status, 204);
    server.wait_state(&windowed, "ended").await;
    let start = Instant::now();
    while pgrep(&format!("replay/{windowed}")) {
        assert!(
            start.elapsed() < PATIENCE,
            "the replay ffmpeg outlived its stream"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ended = server.replay_playlist(&hls_url).await;
    assert!(ended.trim_end().ends_with("#EXT-X-ENDLIST"), "{ended}");
    assert_eq!(server.wait_replays(&windowed).await.len(), 1);

    // Off while live: its ffmpeg stops. On again: the same session goes on, its segment
    // numbers after the ones it had, none overwritten.
    let number = |s: &(f64, String)| -> u64 {
        s.1.trim_end_matches(".ts")
            .parse()
            .expect("a numbered segment")
    };
    let replay_patch = |enabled: bool| json!({"processing": {"replay": {"enabled": enabled}}});
    server
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/streams/{whole}"),
            Some(replay_patch(false)),
        )
        .await;
    let start = Instant::now();
    while pgrep(&format!("replay/{whole}")) {
        assert!(
            start.elapsed() < PATIENCE,
            "replay switched off, its ffmpeg runs on"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let before = segments(&server.replay_playlist(&whole_url).await);
    let last_before = before.iter().map(number).max().expect("segments");
    server
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/streams/{whole}"),
            Some(replay_patch(true)),
        )
        .await;
    let start = Instant::now();
    let after = loop {
        let now = segments(&server.replay_playlist(&whole_url).await);
        if now.iter().map(number).max() > Some(last_before + 1) {
            break now;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "the replay did not go on: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(after.first().map(|s| s.1.as_str()), Some("0.ts"), "kept");
    assert_eq!(after[..before.len()], before[..], "nothing overwritten");
    assert_eq!(
        server.wait_replays(&whole).await.len(),
        1,
        "the same session"
    );

    // SIGTERM: the other replay's ffmpeg goes with the server.
    assert!(pgrep(&format!("replay/{whole}")));
    assert_eq!(server.terminate(), 0);
    assert!(
        !pgrep(&format!("replay/{whole}")),
        "a replay ffmpeg outlived castboard"
    );
}
