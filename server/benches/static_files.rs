//! `make bench`: the dashboard's files on kept-alive connections, Castboard next to
//! Debian's nginx serving the same bytes from the same folder.
//!
//! Runs the real `castboard serve` (release build, `--media off`) on the built dashboard
//! (`dist/`, `trunk build --release`) and an nginx with a minimal configuration on the
//! same folder, then for each: one connection asking for the same file again and again
//! (p50/p99 of a request; a browser reuses its connections for a visit's assets), and
//! 32 connections asking at once for 5 s (answers a second). The files: the app's
//! JavaScript (53 KB, a streamed body) and a small stylesheet. Requests are plain
//! HTTP/1.1 written by hand, so the client adds no behaviour of its own.
//!
//! Environment: `BENCH_DIST` (default `dist`), `BENCH_NGINX` (default `nginx`).

// The report on stdout is this program's output.
#![allow(clippy::print_stdout)]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const SEQUENTIAL: usize = 500;
const CONCURRENT: usize = 32;
const CONCURRENT_FOR: Duration = Duration::from_secs(5);

/// A child that is killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// `castboard serve` on a fresh database in `dir`, serving `dist`.
fn castboard(dir: &Path, dist: &Path) -> Result<(Running, SocketAddr), BoxError> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_castboard"))
        .env(
            "CASTBOARD_DATABASE_URL",
            format!("sqlite://{}/bench.db", dir.display()),
        )
        .env("CASTBOARD_LOG", "warn")
        .args(["serve", "--listen", "127.0.0.1:0", "--media", "off"])
        .arg("--assets-dir")
        .arg(dist)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let running = Running(child);
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(rest) = line.strip_prefix("Castboard is listening on http://") {
            let addr = rest.split(' ').next().ok_or("no address")?.parse()?;
            return Ok((running, addr));
        }
    }
    Err("castboard ended before it listened".into())
}

/// nginx on `port` serving `dist`, everything inside `dir`.
fn nginx(dir: &Path, dist: &Path, port: u16) -> Result<Running, BoxError> {
    let program = std::env::var("BENCH_NGINX").unwrap_or_else(|_| "nginx".into());
    for sub in ["logs", "temp"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    let conf = dir.join("nginx.conf");
    let temp = dir.join("temp");
    std::fs::write(
        &conf,
        format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {pid};\nerror_log {log} warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {t}/body;\n  proxy_temp_path {t}/proxy;\n\
               fastcgi_temp_path {t}/fastcgi;\n  uwsgi_temp_path {t}/uwsgi;\n  scgi_temp_path {t}/scgi;\n\
               keepalive_requests 100000;\n  sendfile on;\n  tcp_nodelay on;\n\
               server {{ listen 127.0.0.1:{port}; root {root}; }}\n}}\n",
            pid = dir.join("nginx.pid").display(),
            log = dir.join("logs/error.log").display(),
            t = temp.display(),
            root = dist.display(),
        ),
    )?;
    let child = Command::new(program)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    Ok(Running(child))
}

/// Waits until something accepts connections on `addr`.
async fn listening(addr: SocketAddr) -> Result<(), BoxError> {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        if start.elapsed() > Duration::from_secs(10) {
            return Err(format!("nothing listens on {addr}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// One kept-alive connection.
struct Conn(tokio::io::BufReader<tokio::net::TcpStream>);

impl Conn {
    async fn open(addr: SocketAddr) -> Result<Conn, BoxError> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        Ok(Conn(tokio::io::BufReader::new(stream)))
    }

    /// GET `path`; the body's length (the answer must be 200 with a length).
    async fn get(&mut self, path: &str) -> Result<usize, BoxError> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n");
        self.0.get_mut().write_all(request.as_bytes()).await?;
        let mut status = String::new();
        self.0.read_line(&mut status).await?;
        if !status.starts_with("HTTP/1.1 200") {
            return Err(format!("{path}: {}", status.trim()).into());
        }
        let mut length = None;
        loop {
            let mut line = String::new();
            self.0.read_line(&mut line).await?;
            let line = line.trim_end().to_ascii_lowercase();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("content-length:") {
                length = v.trim().parse().ok();
            }
        }
        let mut body = vec![0; length.ok_or("no content-length")?];
        self.0.read_exact(&mut body).await?;
        Ok(body.len())
    }
}

/// p50 and p99 of one request on one connection.
async fn sequential(addr: SocketAddr, path: &str) -> Result<(Duration, Duration), BoxError> {
    let mut conn = Conn::open(addr).await?;
    let mut took = Vec::with_capacity(SEQUENTIAL);
    for i in 0..SEQUENTIAL + SEQUENTIAL / 10 {
        let start = Instant::now();
        conn.get(path).await?;
        // The first tenth warms up and is not counted.
        if i >= SEQUENTIAL / 10 {
            took.push(start.elapsed());
        }
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
    Ok((at(0.5), at(0.99)))
}

/// Answers a second with [`CONCURRENT`] connections asking at once.
async fn concurrent(addr: SocketAddr, path: &str) -> Result<f64, BoxError> {
    let until = Instant::now() + CONCURRENT_FOR;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENT {
        let path = path.to_string();
        tasks.spawn(async move {
            let mut conn = Conn::open(addr).await?;
            let mut answers = 0u64;
            while Instant::now() < until {
                conn.get(&path).await?;
                answers += 1;
            }
            Ok::<u64, BoxError>(answers)
        });
    }
    let mut total = 0;
    while let Some(done) = tasks.join_next().await {
        total += done??;
    }
    Ok(total as f64 / CONCURRENT_FOR.as_secs_f64())
}

/// The file (or folder) of `dir` whose name starts with `prefix` and ends with `suffix`.
fn entry(dir: &Path, prefix: &str, suffix: &str) -> Result<PathBuf, BoxError> {
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(suffix) {
            return Ok(dir.join(name));
        }
    }
    Err(format!(
        "no {prefix}…{suffix} in {} (trunk build --release)",
        dir.display()
    )
    .into())
}

/// A built file's URL path under `dist` and its size.
fn asset(dist: &Path, file: &Path) -> Result<(String, u64), BoxError> {
    let relative = file.strip_prefix(dist)?.to_string_lossy().into_owned();
    Ok((format!("/{relative}"), std::fs::metadata(file)?.len()))
}

fn main() -> Result<(), BoxError> {
    let dist = PathBuf::from(std::env::var("BENCH_DIST").unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../dist")
            .display()
            .to_string()
    }))
    .canonicalize()?;
    let dir = tempfile::tempdir()?;
    let files = [
        // The app's script, in the wasm module's folder (scripts/build-wasm.sh).
        asset(&dist, &entry(&dist, "app-", "")?.join("main.js"))?,
        asset(&dist, &entry(&dist, "stream-", ".css")?)?,
    ];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (_castboard, castboard_addr) = castboard(dir.path(), &dist)?;
    let nginx_port = free_port()?;
    let _nginx = nginx(&dir.path().join("nginx"), &dist, nginx_port)?;
    let nginx_addr: SocketAddr = format!("127.0.0.1:{nginx_port}").parse()?;
    runtime.block_on(async {
        listening(castboard_addr).await?;
        listening(nginx_addr).await?;
        println!(
            "The dashboard's files on kept-alive connections ({SEQUENTIAL} requests in a row on \
             one; {CONCURRENT} connections for {}s)",
            CONCURRENT_FOR.as_secs()
        );
        println!(
            "{:<52} {:>10} {:>10} {:>14}",
            "server, file", "p50", "p99", "answers/s"
        );
        for (path, len) in &files {
            for (server, addr) in [("castboard", castboard_addr), ("nginx", nginx_addr)] {
                let (p50, p99) = sequential(addr, path).await?;
                let rate = concurrent(addr, path).await?;
                let label = format!("{server}, {} ({len} B)", path.trim_start_matches('/'));
                println!(
                    "{label:<52} {:>8.2}ms {:>8.2}ms {rate:>14.0}",
                    p50.as_secs_f64() * 1000.0,
                    p99.as_secs_f64() * 1000.0,
                );
            }
        }
        std::io::stdout().flush()?;
        Ok::<(), BoxError>(())
    })
}
