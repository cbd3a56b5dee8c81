//! `make bench`: the API at scale, through real HTTP, on SQLite and on PostgreSQL side by
//! side.
//!
//! Seeds (once, cached under `target/bench/`) a SQLite database with one organisation of
//! 1,000,000 streams — 30% of them in groups of 2–4 playouts, tags drawn from a
//! 20,000-word vocabulary with Zipf-skewed use, states and update times spread over a
//! year. When a PostgreSQL cluster is given (`CASTBOARD_TEST_POSTGRES_URL`, as
//! `scripts/postgres.sh keep target/bench/postgres` exports it in `make bench`), the same
//! data goes into a database of its own beside the named one, `castboard_bench_<streams>`,
//! by `Store::copy_into` (same ids; then vacuumed and analysed), once: a marker written
//! after the copy lets later runs reuse it, as long as the SQLite seed is the same.
//!
//! Each backend is then served by the real server in a child process (`--serve`), which
//! is asked, sequentially on one kept-alive connection, for p50/p99 of: the default list
//! page; state + tag + date filters; page 40 of a filtered list; exact search by name; get
//! stream; tag suggestions; and the floor: the same server answering a static JSON body as
//! large as the default list page. The queries' samples are read once (from SQLite) and
//! asked of both. Then throughput: concurrent clients, each on a connection of its own,
//! asking those queries in turn for a while — SQLite with one instance, PostgreSQL with
//! one and with two instances over the same database (clients split evenly between them).
//! One table compares the backends per query beside the target p99; a second gives the
//! throughput (requests per second, p50/p99 under load); then each server's peak RSS.
//! Clients, servers and the database share the machine.
//!
//! Environment: `BENCH_STREAMS` (default 1000000), `BENCH_REQUESTS` per query (default
//! 2000), `BENCH_DB` (default target/bench/castboard-<streams>.db), `BENCH_CLIENTS`
//! (default 16), `BENCH_LOAD_SECONDS` per throughput setup (default 10),
//! `CASTBOARD_TEST_POSTGRES_URL` (unset: SQLite alone).

// The report on stdout is this program's output.
#![allow(clippy::print_stdout)]

use axum::routing::get;
use axum::Router;
use castboard::store::{NewApiKey, NewGroup, NewMember, Store};
use castboard::{secrets, AppState, Settings};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::model::{Feature, Role};
use shared::stream::{presets, Processing, StreamState, Tags, Timecode};
use shared::validate::{Email, OrgName};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const VOCABULARY: usize = 20_000;
const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;
const SEED_VERSION: &str = "v1";
const BATCH_GROUPS: usize = 2_000;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if args.get(1).map(String::as_str) == Some("--serve") {
        let db = args.get(2).ok_or("--serve needs a database URL")?.clone();
        return runtime.block_on(serve(db));
    }
    runtime.block_on(drive())
}

/// Pseudo-words from syllables, distinct, deterministic.
fn vocabulary() -> Vec<String> {
    const SYLLABLES: [&str; 40] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "bo", "da", "fe", "gu", "hi", "jo",
        "ku", "la", "me", "no", "pi", "qua", "re", "si", "tu", "va", "wo", "xe", "yu", "zo", "bra",
        "cle", "dri", "fro", "gli", "pla", "sta", "tri", "vo", "mar", "len",
    ];
    let mut words = Vec::with_capacity(VOCABULARY);
    let mut n = 0usize;
    while words.len() < VOCABULARY {
        let mut w = String::new();
        let mut k = n;
        loop {
            w.push_str(SYLLABLES[k % SYLLABLES.len()]);
            k /= SYLLABLES.len();
            if k == 0 {
                break;
            }
        }
        if w.len() >= 4 {
            words.push(w);
        }
        n += 1;
    }
    words
}

struct Seeded {
    db_url: String,
    api_key: String,
}

/// Seeds the database unless a complete one of this size is already there.
async fn seed(streams: usize) -> Result<Seeded, BoxError> {
    let path: PathBuf = std::env::var("BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(format!("../target/bench/castboard-{streams}.db")));
    let db_url = format!("sqlite://{}", path.display());
    let marker = format!("{SEED_VERSION}:{streams}");
    if path.exists() {
        // A database of another schema (the migrations changed) or size is seeded anew.
        if let Ok(store) = Store::open(&db_url).await {
            let done = store.setting("bench_seed").await?;
            let key = store.setting("bench_api_key").await?;
            store.close().await;
            if let (Some(done), Some(api_key)) = (done, key) {
                if done == marker {
                    eprintln!("bench: reusing {}", path.display());
                    return Ok(Seeded { db_url, api_key });
                }
            }
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    eprintln!(
        "bench: seeding {streams} streams into {} (a few minutes, once)",
        path.display()
    );
    let started = Instant::now();
    let store = Store::open(&db_url).await?;
    let hash = secrets::hash_password("bench-password-123")
        .await
        .map_err(|e| e.to_string())?;
    let (org, _) = store
        .create_organisation(
            &OrgName::parse("Bench").map_err(|e| e.to_string())?,
            &Email::parse("bench@castboard.test").map_err(|e| e.to_string())?,
            &hash,
        )
        .await?;
    for f in Feature::ALL {
        store.set_feature(&org.hash, f, true).await?;
    }
    let api_key = format!("cb_{}", secrets::random_secret());
    store
        .create_api_key(
            org.id,
            NewApiKey {
                name: "bench",
                role: Role::Admin,
                prefix: &api_key[..8],
                secret_hash: &secrets::sha256_hex(&api_key),
            },
        )
        .await?;

    let words = vocabulary();
    // Zipf (s = 1): the k-th word is used in proportion to 1/k.
    let zipf = WeightedIndex::new((1..=VOCABULARY).map(|k| 1.0 / k as f64))?;
    // 1280x720 1600 kbit/s, 852x480 800, 640x360 400: a falling ladder.
    let ladder = [
        presets()[3].clone(),
        presets()[9].clone(),
        presets()[12].clone(),
    ];
    let mut rng = StdRng::seed_from_u64(1_000_000);
    let now = castboard::store::now_millis();
    let mut made = 0usize;
    let mut batch: Vec<NewGroup> = Vec::with_capacity(BATCH_GROUPS);
    while made < streams {
        // 30% of streams sit in groups: a group of k holds k streams, so pick groups
        // with the probability that gives that share.
        let size = if rng.gen_bool(0.125) {
            rng.gen_range(2..=4)
        } else {
            1
        };
        let size = size.min(streams - made);
        let updated_at = now - rng.gen_range(0..YEAR_MS);
        let created_at = updated_at - rng.gen_range(0..(updated_at - (now - YEAR_MS)).max(1));
        let state = match rng.gen_range(0..100) {
            0..=44 => StreamState::Ended,
            45..=69 => StreamState::Created,
            70..=71 => StreamState::Live,
            72..=79 => StreamState::Locked,
            _ => StreamState::Deleted,
        };
        let mut members = Vec::with_capacity(size);
        for i in 0..size {
            let n_tags = rng.gen_range(0..=4);
            let tags: Vec<&str> = (0..n_tags)
                .map(|_| words[zipf.sample(&mut rng)].as_str())
                .collect();
            members.push(NewMember {
                profile: (i > 0).then(|| ladder[i - 1].clone()),
                tags: Tags::parse(&tags).map_err(|e| e.to_string())?,
                processing: Processing::default(),
            });
        }
        batch.push(NewGroup {
            members,
            timecode: Timecode::default(),
            push_url: None,
            state,
            ever_live: state != StreamState::Created,
            created_at,
            updated_at,
        });
        made += size;
        if batch.len() == BATCH_GROUPS || made >= streams {
            store.seed_groups(org.id, &org.hash, &batch).await?;
            batch.clear();
            if made % 100_000 < BATCH_GROUPS * 2 {
                eprintln!("bench: {made} streams ({:.0?})", started.elapsed());
            }
        }
    }
    store.analyze().await?;
    store
        .setting_or_insert("bench_api_key", || api_key.clone())
        .await?;
    store
        .setting_or_insert("bench_seed", || marker.clone())
        .await?;
    store.close().await;
    eprintln!("bench: seeded in {:.0?}", started.elapsed());
    Ok(Seeded { db_url, api_key })
}

/// Child process: the real application plus one route answering a static JSON body of
/// `{bytes}` bytes (the floor: everything but the query work).
async fn serve(db_url: String) -> Result<(), BoxError> {
    let store = Store::open(&db_url).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = AppState::new(store, Settings::new(&base, "bench"));
    let bodies: Arc<Mutex<HashMap<usize, axum::body::Bytes>>> = Arc::default();
    let floor = Router::new().route(
        "/bench/static/{bytes}",
        get(
            move |axum::extract::Path(bytes): axum::extract::Path<usize>| {
                let bodies = bodies.clone();
                async move {
                    let body = {
                        let mut cache = bodies.lock().unwrap_or_else(|e| e.into_inner());
                        cache
                            .entry(bytes)
                            .or_insert_with(|| {
                                let filler = "x".repeat(bytes.saturating_sub(12));
                                axum::body::Bytes::from(format!("{{\"items\":\"{filler}\"}}"))
                            })
                            .clone()
                    };
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        body,
                    )
                }
            },
        ),
    );
    let app = castboard::app(state, None).merge(floor);
    println!("{base}");
    std::io::stdout().flush()?;
    castboard::serve(listener, app, Default::default(), std::future::pending()).await?;
    Ok(())
}

/// One measured query: its name, the p99 it must stay under (ms), and the paths asked in
/// turn (samples taken from the data itself).
struct Query {
    name: &'static str,
    target_ms: Option<f64>,
    paths: Vec<String>,
}

/// Latencies of one query on one backend.
struct Measured {
    p50: Duration,
    p99: Duration,
    bytes: usize,
}

/// What concurrent clients got from one setup.
struct Throughput {
    setup: &'static str,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// The figures of one backend.
struct BackendRun {
    measured: Vec<Measured>,
    throughput: Vec<Throughput>,
    peak_rss_mb: Option<f64>,
}

/// The p-quantile of sorted durations.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

/// GETs `url` with the bench's key; the body, or an error naming the answer.
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    key: &str,
) -> Result<axum::body::Bytes, BoxError> {
    let res = client.get(url).header("X-API-Key", key).send().await?;
    let status = res.status();
    let body = res.bytes().await?;
    if !status.is_success() {
        return Err(format!(
            "{url} answered {status}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    Ok(body)
}

/// `requests` sequential requests (after a tenth more to warm up) on one connection.
async fn measure(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    query: &Query,
    requests: usize,
) -> Result<Measured, BoxError> {
    let mut times = Vec::with_capacity(requests);
    let mut bytes = 0;
    for i in 0..requests + requests / 10 {
        let url = format!("{base}{}", query.paths[i % query.paths.len()]);
        let started = Instant::now();
        let body = fetch(client, &url, key).await?;
        let took = started.elapsed();
        // The first tenth warms caches and is not counted.
        if i >= requests / 10 {
            times.push(took);
            bytes = body.len();
        }
    }
    times.sort();
    Ok(Measured {
        p50: quantile(&times, 0.50),
        p99: quantile(&times, 0.99),
        bytes,
    })
}

/// `clients` clients, each on a connection of its own to one of `bases` (in turn), asking
/// the measured queries in turn as fast as answers come, for `duration`.
async fn throughput(
    setup: &'static str,
    bases: &[String],
    key: &str,
    queries: &[Query],
    clients: usize,
    duration: Duration,
) -> Result<Throughput, BoxError> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(clients);
    for c in 0..clients {
        let base = bases[c % bases.len()].clone();
        let key = key.to_string();
        let urls: Vec<Vec<String>> = queries
            .iter()
            .map(|q| q.paths.iter().map(|p| format!("{base}{p}")).collect())
            .collect();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()?;
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut i = c;
            while Instant::now() < deadline {
                let query = &urls[i % urls.len()];
                let url = &query[(i / urls.len()) % query.len()];
                let asked = Instant::now();
                fetch(&client, url, &key).await?;
                times.push(asked.elapsed());
                i += 1;
            }
            Ok::<_, BoxError>(times)
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await??);
    }
    let elapsed = started.elapsed();
    if times.is_empty() {
        return Err(format!("{setup}: no answer in {duration:?}").into());
    }
    times.sort();
    Ok(Throughput {
        setup,
        per_second: times.len() as f64 / elapsed.as_secs_f64(),
        p50: quantile(&times, 0.50),
        p99: quantile(&times, 0.99),
    })
}

fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A `--serve` child over `db_url`: the process (killed on drop) and its base URL.
struct Instance {
    child: std::process::Child,
    base: String,
}

impl Instance {
    fn start(db_url: &str) -> Result<Instance, BoxError> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["--serve", db_url])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env("CASTBOARD_LOG", "warn")
            .spawn()?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
        let base = line.trim().to_string();
        if base.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the server on {db_url} did not start").into());
        }
        Ok(Instance { child, base })
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The queries measured, with samples read from the data through the server at `base`.
async fn queries(base: &str, key: &str) -> Result<Vec<Query>, BoxError> {
    let client = reqwest::Client::new();
    let api = "/api/v1";
    let sample: serde_json::Value = serde_json::from_slice(
        &fetch(
            &client,
            &format!("{base}{api}/streams?group=false&per_page=150&state=all,deleted"),
            key,
        )
        .await?,
    )?;
    let items = sample["items"].as_array().ok_or("no items")?;
    let field = |name: &str| -> Vec<String> {
        items
            .iter()
            .filter_map(|i| i[name].as_str().map(String::from))
            .collect()
    };
    let (names, ids) = (field("name"), field("id"));
    let tags: serde_json::Value =
        serde_json::from_slice(&fetch(&client, &format!("{base}{api}/tags"), key).await?)?;
    let tag_list: Vec<String> = tags["items"]
        .as_array()
        .ok_or("no tags")?
        .iter()
        .filter_map(|t| t["tag"].as_str().map(String::from))
        .collect();
    let page_size = fetch(&client, &format!("{base}{api}/streams"), key)
        .await?
        .len();
    Ok(vec![
        Query {
            name: "floor: static JSON, same size",
            target_ms: None,
            paths: vec![format!("/bench/static/{page_size}")],
        },
        Query {
            name: "default list page",
            target_ms: Some(10.0),
            paths: vec![format!("{api}/streams")],
        },
        Query {
            name: "state + tag + date filters",
            target_ms: Some(10.0),
            // Filter tags across popularity: the top 50 and 50 from the long tail's head.
            paths: tag_list
                .iter()
                .take(50)
                .chain(tag_list.iter().skip(200).take(50))
                .map(|t| format!("{api}/streams?state=ended&tag={t}&date=last_3_months"))
                .collect(),
        },
        Query {
            name: "page 40 of a filtered list",
            target_ms: Some(10.0),
            paths: vec![format!("{api}/streams?state=ended&page=40")],
        },
        Query {
            name: "exact search by name",
            target_ms: Some(3.0),
            paths: names
                .iter()
                .map(|n| format!("{api}/streams?q={n}"))
                .collect(),
        },
        Query {
            name: "get stream",
            target_ms: Some(3.0),
            paths: ids.iter().map(|i| format!("{api}/streams/{i}")).collect(),
        },
        Query {
            name: "tag suggestions",
            target_ms: Some(3.0),
            paths: tag_list
                .iter()
                .take(500)
                .map(|t| format!("{api}/tags?prefix={}", &t[..3]))
                .collect(),
        },
    ])
}

/// How the concurrent clients are run.
struct Load {
    clients: usize,
    duration: Duration,
}

/// Measures every query on a server over `db_url`, then the throughput of one instance
/// and, with `two_instances`, of two over the same database.
async fn run_backend(
    db_url: &str,
    key: &str,
    queries: &[Query],
    requests: usize,
    load: &Load,
    setups: (&'static str, Option<&'static str>),
) -> Result<BackendRun, BoxError> {
    let first = Instance::start(db_url)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()?;
    let mut measured = Vec::with_capacity(queries.len());
    for query in queries {
        eprintln!("bench: {} on {}", query.name, setups.0);
        measured.push(measure(&client, &first.base, key, query, requests).await?);
    }
    // The mix of concurrent clients: the queries, not the floor.
    let mix = &queries[1..];
    let mut figures = vec![
        throughput(
            setups.0,
            std::slice::from_ref(&first.base),
            key,
            mix,
            load.clients,
            load.duration,
        )
        .await?,
    ];
    let peak_rss_mb = peak_rss_mb(first.child.id());
    if let Some(setup) = setups.1 {
        let second = Instance::start(db_url)?;
        let bases = [first.base.clone(), second.base.clone()];
        figures.push(throughput(setup, &bases, key, mix, load.clients, load.duration).await?);
    }
    Ok(BackendRun {
        measured,
        throughput: figures,
        peak_rss_mb,
    })
}

/// The PostgreSQL database of the bench beside `cluster_url`'s (`castboard_bench_<streams>`),
/// filled by a copy of the seeded SQLite database unless a complete copy of the same seed
/// is there already; its URL.
async fn copy_to_postgres(
    seeded: &Seeded,
    streams: usize,
    cluster_url: &str,
) -> Result<String, BoxError> {
    let name = format!("castboard_bench_{streams}");
    let (root, _) = cluster_url
        .rsplit_once('/')
        .ok_or("the PostgreSQL URL names no database")?;
    let db_url = format!("{root}/{name}");
    let marker = format!("{SEED_VERSION}:{streams}");
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(cluster_url).await?;
    let exists: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await?;
    if exists.is_some() {
        let store = Store::open(&db_url).await?;
        // Written after the copy and its ANALYZE: a copy cut short is made anew.
        let copied = store.setting("bench_copied").await?;
        let key = store.setting("bench_api_key").await?;
        store.close().await;
        if copied.as_deref() == Some(marker.as_str()) && key.as_deref() == Some(&seeded.api_key) {
            eprintln!("bench: reusing PostgreSQL database {name}");
            return Ok(db_url);
        }
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
    }
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    let _ = sqlx::Connection::close(admin).await;
    eprintln!("bench: copying the SQLite database into PostgreSQL database {name} (once)");
    let started = Instant::now();
    let source = Store::open(&seeded.db_url).await?;
    let target = Store::open(&db_url).await?;
    let report = source.copy_into(&target).await?;
    for t in &report.tables {
        eprintln!("bench:   {:<18} {:>10} rows", t.table, t.rows);
    }
    target
        .setting_or_insert("bench_copied", || marker.clone())
        .await?;
    source.close().await;
    target.close().await;
    eprintln!(
        "bench: copied {} rows into PostgreSQL in {:.0?} (vacuumed and analysed)",
        report.rows(),
        started.elapsed()
    );
    Ok(db_url)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn drive() -> Result<(), BoxError> {
    let streams = env_usize("BENCH_STREAMS", 1_000_000);
    let requests = env_usize("BENCH_REQUESTS", 2_000);
    let load = Load {
        clients: env_usize("BENCH_CLIENTS", 16).max(1),
        duration: Duration::from_secs(env_usize("BENCH_LOAD_SECONDS", 10).max(1) as u64),
    };
    let seeded = seed(streams).await?;
    let postgres = match std::env::var("CASTBOARD_TEST_POSTGRES_URL") {
        Ok(url) => Some(copy_to_postgres(&seeded, streams, &url).await?),
        Err(_) => {
            eprintln!(
                "bench: no PostgreSQL (CASTBOARD_TEST_POSTGRES_URL is unset; `make bench` \
                 starts a cluster with scripts/postgres.sh keep): SQLite alone"
            );
            None
        }
    };
    let key = seeded.api_key.as_str();

    // The same samples for both backends, read from the SQLite one.
    let queries = {
        let probe = Instance::start(&seeded.db_url)?;
        queries(&probe.base, key).await?
    };
    let sqlite = run_backend(
        &seeded.db_url,
        key,
        &queries,
        requests,
        &load,
        ("SQLite, one instance", None),
    )
    .await?;
    let pg = match &postgres {
        Some(url) => Some(
            run_backend(
                url,
                key,
                &queries,
                requests,
                &load,
                (
                    "PostgreSQL, one instance",
                    Some("PostgreSQL, two instances"),
                ),
            )
            .await?,
        ),
        None => None,
    };

    println!();
    println!(
        "Castboard API benchmark: {streams} streams, {requests} requests per query, sequential \
         on one kept-alive connection"
    );
    println!("{:<32} {:^19} {:^19}", "", "SQLite", "PostgreSQL");
    println!(
        "{:<32} {:>9} {:>9} {:>9} {:>9} {:>11} {:>8}",
        "query", "p50 ms", "p99 ms", "p50 ms", "p99 ms", "target p99", "bytes"
    );
    let mut missed = Vec::new();
    for (i, query) in queries.iter().enumerate() {
        let s = &sqlite.measured[i];
        let p = pg.as_ref().map(|p| &p.measured[i]);
        let cell = |d: Option<Duration>| d.map_or("–".to_string(), |d| format!("{:.2}", ms(d)));
        let target = query
            .target_ms
            .map_or("–".to_string(), |t| format!("≤ {t:.0}"));
        println!(
            "{:<32} {:>9.2} {:>9.2} {:>9} {:>9} {:>11} {:>8}",
            query.name,
            ms(s.p50),
            ms(s.p99),
            cell(p.map(|p| p.p50)),
            cell(p.map(|p| p.p99)),
            target,
            s.bytes
        );
        if let Some(t) = query.target_ms {
            if ms(s.p99) > t {
                missed.push(format!("{} on SQLite", query.name));
            }
            if p.is_some_and(|p| ms(p.p99) > t) {
                missed.push(format!("{} on PostgreSQL", query.name));
            }
        }
    }
    println!();
    println!(
        "Throughput: {} clients, each on a connection of its own (split evenly between \
         instances), for {:?}, asking the six queries above in turn; server(s), database \
         and clients share this machine",
        load.clients, load.duration
    );
    println!(
        "{:<32} {:>12} {:>9} {:>9}",
        "setup", "requests/s", "p50 ms", "p99 ms"
    );
    for t in sqlite
        .throughput
        .iter()
        .chain(pg.iter().flat_map(|p| p.throughput.iter()))
    {
        println!(
            "{:<32} {:>12.0} {:>9.2} {:>9.2}",
            t.setup,
            t.per_second,
            ms(t.p50),
            ms(t.p99)
        );
    }
    let rss = |r: Option<f64>| r.map_or("unknown".to_string(), |mb| format!("{mb:.0} MB"));
    match &pg {
        Some(pg) => println!(
            "server peak RSS: SQLite {}, PostgreSQL {} (one instance, the database server's own \
             memory apart)",
            rss(sqlite.peak_rss_mb),
            rss(pg.peak_rss_mb)
        ),
        None => println!("server peak RSS: {}", rss(sqlite.peak_rss_mb)),
    }
    if !missed.is_empty() {
        println!("missed p99 targets: {}", missed.join("; "));
    }
    Ok(())
}
