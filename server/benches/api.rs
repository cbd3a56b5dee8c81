//! `make bench`: the API at scale, through real HTTP.
//!
//! Seeds (once, cached under `target/bench/`) a SQLite database with one organisation of
//! 1,000,000 streams — 30% of them in groups of 2–4 playouts, tags drawn from a
//! 20,000-word vocabulary with Zipf-skewed use, states and update times spread over a
//! year — then starts the real server on it in a child process and measures p50/p99 of:
//! the default list page; state + tag + date filters; page 40 of a filtered list; exact
//! search by name; get stream; tag suggestions; and the floor: the same server answering
//! a static JSON body as large as the default list page. Requests are sequential on one
//! keep-alive connection. Also reports the server's peak RSS.
//!
//! Environment: `BENCH_STREAMS` (default 1000000), `BENCH_REQUESTS` per query (default
//! 2000), `BENCH_DB` (default target/bench/castboard-<streams>.db).

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

struct Measured {
    name: &'static str,
    p50: Duration,
    p99: Duration,
    bytes: usize,
}

async fn measure(
    client: &reqwest::Client,
    name: &'static str,
    key: &str,
    urls: &[String],
    requests: usize,
) -> Result<Measured, BoxError> {
    let mut times = Vec::with_capacity(requests);
    let mut bytes = 0;
    for i in 0..requests + requests / 10 {
        let url = &urls[i % urls.len()];
        let started = Instant::now();
        let res = client.get(url).header("X-API-Key", key).send().await?;
        let status = res.status();
        let body = res.bytes().await?;
        let took = started.elapsed();
        if !status.is_success() {
            return Err(format!(
                "{name}: {url} answered {status}: {}",
                String::from_utf8_lossy(&body)
            )
            .into());
        }
        // The first tenth warms caches and is not counted.
        if i >= requests / 10 {
            times.push(took);
            bytes = body.len();
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(Measured {
        name,
        p50: at(0.50),
        p99: at(0.99),
        bytes,
    })
}

fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

async fn drive() -> Result<(), BoxError> {
    let streams = env_usize("BENCH_STREAMS", 1_000_000);
    let requests = env_usize("BENCH_REQUESTS", 2_000);
    let seeded = seed(streams).await?;

    let mut child = Command::new(std::env::current_exe()?)
        .args(["--serve", &seeded.db_url])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .env("CASTBOARD_LOG", "warn")
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    let base = line.trim().to_string();
    let api = format!("{base}/api/v1");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()?;
    let key = seeded.api_key.as_str();

    // Samples for the varying queries, taken from the data itself.
    let sample: serde_json::Value = client
        .get(format!(
            "{api}/streams?group=false&per_page=150&state=all,deleted"
        ))
        .header("X-API-Key", key)
        .send()
        .await?
        .json()
        .await?;
    let items = sample["items"].as_array().ok_or("no items")?;
    let names: Vec<String> = items
        .iter()
        .filter_map(|i| i["name"].as_str().map(String::from))
        .collect();
    let ids: Vec<String> = items
        .iter()
        .filter_map(|i| i["id"].as_str().map(String::from))
        .collect();
    let tags: serde_json::Value = client
        .get(format!("{api}/tags"))
        .header("X-API-Key", key)
        .send()
        .await?
        .json()
        .await?;
    let tag_list: Vec<String> = tags["items"]
        .as_array()
        .ok_or("no tags")?
        .iter()
        .filter_map(|t| t["tag"].as_str().map(String::from))
        .collect();
    // Filter tags across popularity: the top 50 and 50 from the long tail's head.
    let filter_tags: Vec<&String> = tag_list
        .iter()
        .take(50)
        .chain(tag_list.iter().skip(200).take(50))
        .collect();
    let filtered: Vec<String> = filter_tags
        .iter()
        .map(|t| format!("{api}/streams?state=ended&tag={t}&date=last_3_months"))
        .collect();
    let prefixes: Vec<String> = tag_list
        .iter()
        .take(500)
        .map(|t| format!("{api}/tags?prefix={}", &t[..3]))
        .collect();

    let default_url = vec![format!("{api}/streams")];
    let page_size = client
        .get(&default_url[0])
        .header("X-API-Key", key)
        .send()
        .await?
        .bytes()
        .await?
        .len();
    let mut results = Vec::new();
    results.push(
        measure(
            &client,
            "floor: static JSON, same size",
            key,
            &[format!("{base}/bench/static/{page_size}")],
            requests,
        )
        .await?,
    );
    results.push(measure(&client, "default list page", key, &default_url, requests).await?);
    results.push(
        measure(
            &client,
            "state + tag + date filters",
            key,
            &filtered,
            requests,
        )
        .await?,
    );
    results.push(
        measure(
            &client,
            "page 40 of a filtered list",
            key,
            &[format!("{api}/streams?state=ended&page=40")],
            requests,
        )
        .await?,
    );
    let searches: Vec<String> = names
        .iter()
        .map(|n| format!("{api}/streams?q={n}"))
        .collect();
    results.push(measure(&client, "exact search by name", key, &searches, requests).await?);
    let gets: Vec<String> = ids.iter().map(|i| format!("{api}/streams/{i}")).collect();
    results.push(measure(&client, "get stream", key, &gets, requests).await?);
    results.push(measure(&client, "tag suggestions", key, &prefixes, requests).await?);
    let rss = peak_rss_mb(child.id());
    let _ = child.kill();
    let _ = child.wait();

    println!();
    println!("Castboard API benchmark: {streams} streams, {requests} requests per query, sequential, one connection");
    println!(
        "{:<32} {:>10} {:>10} {:>10}",
        "query", "p50 ms", "p99 ms", "bytes"
    );
    for m in &results {
        println!(
            "{:<32} {:>10.2} {:>10.2} {:>10}",
            m.name,
            m.p50.as_secs_f64() * 1000.0,
            m.p99.as_secs_f64() * 1000.0,
            m.bytes
        );
    }
    match rss {
        Some(mb) => println!("server peak RSS: {mb:.0} MB"),
        None => println!("server peak RSS: unknown"),
    }
    Ok(())
}
