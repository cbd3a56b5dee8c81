//! `castboard serve` as a real process: what it prints, the demo login, graceful shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

struct Server {
    child: Option<Child>,
    lines: BufReader<ChildStdout>,
    /// Drains stderr as it comes (a chatty server must never block on a full pipe) and
    /// hands all of it over when the pipe closes.
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Drop for Server {
    /// A failed assertion must not leave the server running.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Server {
    fn start(db_url: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_castboard"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--assets-dir",
                "/nonexistent-dist",
            ])
            .args(extra)
            .env("CASTBOARD_DATABASE_URL", db_url)
            .env("CASTBOARD_LOG", "warn")
            // The media server has tests of its own (media.rs).
            .env("CASTBOARD_MEDIA", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut pipe = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut all = Vec::new();
            let _ = std::io::Read::read_to_end(&mut pipe, &mut all);
            String::from_utf8_lossy(&all).into_owned()
        });
        Server {
            child: Some(child),
            lines: BufReader::new(stdout),
            stderr: Some(stderr),
        }
    }

    /// The next line the server prints (blocks until it does).
    fn line(&mut self) -> String {
        let mut line = String::new();
        self.lines.read_line(&mut line).expect("reads");
        line.trim_end().to_string()
    }

    fn terminate(mut self) -> (i32, String) {
        let child = self.child.take().expect("running");
        let pid = child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let out = child.wait_with_output().expect("exits");
        let stderr = self
            .stderr
            .take()
            .and_then(|drain| drain.join().ok())
            .unwrap_or_default();
        (out.status.code().unwrap_or(-1), stderr)
    }
}

/// `Castboard is listening on http://127.0.0.1:PORT (…)` → `http://127.0.0.1:PORT`.
fn base_url(line: &str) -> String {
    line.strip_prefix("Castboard is listening on ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string()
}

#[tokio::test]
async fn serve_prints_its_address_answers_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/serve.db", dir.path().display());
    let mut server = Server::start(&db, &[]);

    let base = base_url(&server.line());
    assert_eq!(server.line(), format!("API reference: {base}/api/docs"));
    let res = reqwest::get(format!("{base}/api/v1/openapi.json"))
        .await
        .expect("answers");
    assert_eq!(res.status().as_u16(), 200);

    let (code, stderr) = server.terminate();
    assert_eq!(code, 0, "graceful shutdown exits 0: {stderr}");
    assert!(
        stderr.contains("serving the API alone"),
        "warns about the missing dashboard: {stderr}"
    );
}

#[tokio::test]
async fn demo_creates_its_organisation_once_and_prints_a_working_login() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/demo.db", dir.path().display());

    let mut first = Server::start(&db, &["--demo"]);
    let base = base_url(&first.line());
    first.line();
    let login_line = first.line();
    assert!(
        login_line
            .starts_with("Demo login (created now): admin@demo.castboard.test  password: demo-"),
        "{login_line}"
    );
    let password = login_line
        .split("password: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("password")
        .to_string();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@demo.castboard.test", "password": password}))
        .send()
        .await
        .expect("answers");
    assert_eq!(res.status().as_u16(), 200);
    let me: serde_json::Value = res.json().await.expect("JSON");
    assert_eq!(me["organisation"]["name"], "Castboard Demo");
    assert_eq!(
        me["organisation"]["features"],
        serde_json::json!({"secure": true, "vod": true, "live_processing": true, "transcoding": true, "webcaster": true, "player": true})
    );
    // About 200 sample streams: 120 groups of 1 to 4 playouts, in every state.
    let list = get_json(
        &client,
        &format!("{base}/api/v1/streams?state=all,deleted&per_page=150"),
    )
    .await;
    assert_eq!(list["meta"]["total"], 120);
    let members = get_json(
        &client,
        &format!("{base}/api/v1/streams?state=all,deleted&group=false"),
    )
    .await;
    // The demo data is seeded, so its mix is the same on every installation.
    assert_eq!(members["meta"]["total"], 215);
    let items = list["items"].as_array().expect("items");
    let per_state: Vec<usize> = ["created", "live", "ended", "locked", "deleted"]
        .iter()
        .map(|state| items.iter().filter(|i| i["state"] == *state).count())
        .collect();
    // None live: without a media server (this test's) nothing sends.
    assert_eq!(per_state, vec![21, 0, 56, 32, 11]);
    // Recordings link to this server's public URL, as the media server's do.
    let mut recording = None;
    for item in items {
        let one = get_json(
            &client,
            &format!("{base}/api/v1/streams/{}", item["id"].as_str().expect("id")),
        )
        .await;
        if let Some(first) = one["assets"]["recordings"]
            .as_array()
            .and_then(|r| r.first())
        {
            recording = Some(first.clone());
            break;
        }
    }
    let recording = recording.expect("some demo stream has recordings");
    let url = recording["url"].as_str().expect("url");
    assert_eq!(
        url,
        format!(
            "{base}/vod/{}",
            recording["file_name"].as_str().expect("file name")
        )
    );
    assert!(
        items.iter().any(|i| i["playouts"].as_u64() >= Some(2)),
        "no group"
    );
    assert_eq!(first.terminate().0, 0);

    let mut second = Server::start(&db, &["--demo"]);
    second.line();
    second.line();
    let again = second.line();
    assert!(
        again.starts_with("Demo login: admin@demo.castboard.test  password: "),
        "{again}"
    );
    assert!(
        again.contains(&password),
        "same password on every start: {again}"
    );
    assert_eq!(second.terminate().0, 0);

    let out = Command::new(env!("CARGO_BIN_EXE_castboard"))
        .args(["org", "list", "--database-url", &db])
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        1,
        "created once"
    );
}

/// GETs `url` with the client's session and returns the JSON body.
async fn get_json(client: &reqwest::Client, url: &str) -> serde_json::Value {
    let res = client.get(url).send().await.expect("answers");
    assert_eq!(res.status().as_u16(), 200, "{url}");
    res.json().await.expect("JSON")
}

/// The server's resident memory in KiB (Linux).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .expect("VmRSS")
}

/// Two hundred sign-ins at once, each from its own client (through a trusted proxy, so
/// none is throttled) and for no account: only the password threads hash, the overflow
/// is refused at once with 503, and the memory stays where it was.
#[tokio::test]
async fn a_burst_of_sign_ins_hashes_a_few_at_a_time_and_keeps_memory_flat() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/burst.db", dir.path().display());
    let mut server = Server::start(
        &db,
        &[
            "--trusted-proxy",
            "127.0.0.1",
            "--password-workers",
            "2",
            "--password-queue",
            "8",
        ],
    );
    let base = base_url(&server.line());
    let pid = server.child.as_ref().expect("running").id();
    let client = reqwest::Client::new();
    let attempt = |n: usize| {
        let (client, url) = (client.clone(), format!("{base}/api/v1/auth/login"));
        async move {
            let res = client
                .post(url)
                .header("X-Forwarded-For", format!("10.7.{}.{}", n / 250, n % 250 + 1))
                .json(&serde_json::json!({"email": format!("nobody{n}@burst.test"), "password": "not-the-password"}))
                .send()
                .await
                .expect("answers");
            let retry = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(String::from);
            let status = res.status().as_u16();
            let body: serde_json::Value = res.json().await.expect("JSON");
            (
                status,
                retry,
                body["error"]["code"].as_str().map(String::from),
            )
        }
    };
    // Both password threads have hashed before the measure starts.
    for n in 0..4 {
        assert_eq!(attempt(10_000 + n).await.0, 401);
    }
    let before = rss_kib(pid);

    // Three bursts, each client new.
    let mut outcomes = Vec::new();
    let mut after = Vec::new();
    for round in 0..3 {
        let mut burst = tokio::task::JoinSet::new();
        for n in 0..200 {
            burst.spawn(attempt(round * 1000 + n));
        }
        outcomes.extend(burst.join_all().await);
        after.push(rss_kib(pid));
    }

    let checked = outcomes.iter().filter(|o| o.0 == 401).count();
    let busy: Vec<_> = outcomes.iter().filter(|o| o.0 == 503).collect();
    assert_eq!(checked + busy.len(), 600, "{outcomes:?}");
    assert!(!busy.is_empty(), "bursts of 200 overflow a queue of 8");
    assert!(busy
        .iter()
        .all(|o| o.1.as_deref() == Some("1") && o.2.as_deref() == Some("unavailable")));
    // Both threads' 19 MiB were counted before; a burst adds buffers only. (Each
    // Argon2 run taking fresh memory, 200 sign-ins took this server past 6 GB.)
    let grown_mib = after
        .iter()
        .max()
        .map_or(0, |a| a.saturating_sub(before) / 1024);
    assert!(
        grown_mib < 32,
        "grew {grown_mib} MiB: {before} KiB, then {after:?}"
    );
    assert_eq!(server.terminate().0, 0);
}
