//! Test sources through the API, without video: what `POST` and `DELETE
//! /streams/{id}/test-source` answer (202 with its body, 403, 404, 409, 422, 503) and the
//! server's bookkeeping, with a stand-in for ffmpeg that records its arguments and waits.
//! The real publish (nginx and ffmpeg, the stream going live, its HLS, the stream ending)
//! is tested in media.rs.

mod common;

use castboard::media::test_source::MAX_RUNNING;
use castboard::media::MediaMode;
use common::streams::{call, fetch, id_of, name_of, path};
use common::{assert_error, body, Caller, TestApp};
use reqwest::Method;
use serde_json::json;
use shared::model::{Feature, Role};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where the stand-in sends its publish: nothing listens there.
const RTMP_URL: &str = "rtmp://127.0.0.1:9/live";

/// A stand-in for ffmpeg in `dir` (perl, which every Debian has): appends its arguments
/// to `dir/args`, one run a line, then waits as a publishing ffmpeg would, until it is
/// stopped. Its command line keeps the arguments, the publish URL among them.
fn fake_ffmpeg(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let program = dir.join("ffmpeg");
    std::fs::write(
        &program,
        "#!/usr/bin/perl\n\
         (my $dir = $0) =~ s{/[^/]*$}{};\n\
         open(my $f, '>>', \"$dir/args\") or die;\n\
         print $f join(' ', @ARGV), \"\\n\";\n\
         close($f);\n\
         sleep 600;\n",
    )
    .expect("written");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    program
}

/// A server told of a media server (run by the operator) and given the stand-in ffmpeg.
struct World {
    app: TestApp,
    admin: Caller,
    ffmpeg_dir: tempfile::TempDir,
}

impl World {
    async fn new() -> World {
        let ffmpeg_dir = tempfile::tempdir().expect("dir");
        let ffmpeg = fake_ffmpeg(ffmpeg_dir.path());
        let app = TestApp::spawn_configured(|s| {
            s.media = MediaMode::External;
            s.ffmpeg = ffmpeg;
            s.rtmp_url = RTMP_URL.into();
        })
        .await;
        let admin = app.signed_in(&app.admin).await;
        World {
            app,
            admin,
            ffmpeg_dir,
        }
    }

    /// The arguments of every run so far, one line each.
    fn runs(&self) -> Vec<String> {
        std::fs::read_to_string(self.ffmpeg_dir.path().join("args"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    /// Waits until the stand-in has written its arguments `n` times.
    async fn wait_runs(&self, n: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let runs = self.runs();
            if runs.len() >= n {
                return runs;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{} of {n} runs",
                runs.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn test_source(id: &str) -> String {
    format!("/api/v1/streams/{id}/test-source")
}

/// Pids of live processes whose command line has an argument ending in `/<streamname>`.
fn publishing(streamname: &str) -> Vec<u32> {
    let suffix = format!("/{streamname}");
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if alive(pid)
            && cmdline
                .split(|b| *b == 0)
                .any(|a| String::from_utf8_lossy(a).ends_with(&suffix))
        {
            pids.push(pid);
        }
    }
    pids
}

/// The run of the stand-in for `streamname`, once it has recorded it.
async fn recorded(world: &World, streamname: &str) -> String {
    let start = Instant::now();
    loop {
        if let Some(run) = world.runs().into_iter().find(|r| r.ends_with(streamname)) {
            return run;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no run for {streamname}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_test_source_publishes_to_the_groups_passthrough_and_answers_202() {
    let world = World::new().await;
    world.app.enable(&[Feature::Transcoding]).await;
    let group = world
        .admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
        .await;
    let transcode = id_of(&group["members"][1]);

    let before = chrono::Utc::now();
    let started = call(
        &world.admin,
        Method::POST,
        &test_source(&transcode),
        Some(json!({"duration_s": 3})),
        202,
    )
    .await;

    assert_eq!(started.as_object().map(|o| o.len()), Some(4), "{started}");
    assert_eq!(started["stream_id"], id_of(&group));
    assert_eq!(started["streamname"], name_of(&group));
    assert_eq!(started["duration_s"], 3);
    let until = shared::Timestamp::parse(started["until"].as_str().expect("until"))
        .expect("a timestamp")
        .as_datetime();
    let ahead = (until - before).num_milliseconds();
    assert!((3000..5000).contains(&ahead), "until {ahead} ms ahead");
    let run = recorded(&world, &name_of(&group)).await;
    assert_eq!(
        run,
        format!(
            "-hide_banner -nostats -loglevel warning -re -f lavfi -i testsrc2=size=320x180:rate=15 \
             -f lavfi -i sine=frequency=440:sample_rate=44100 -t 3 -c:v libx264 -preset ultrafast \
             -tune zerolatency -pix_fmt yuv420p -g 15 -keyint_min 15 -sc_threshold 0 -b:v 300k \
             -c:a aac -b:a 64k -ar 44100 -f flv {RTMP_URL}/{}",
            name_of(&group)
        )
    );
    // The state changes only through the media server's hooks.
    assert_eq!(
        fetch(&world.admin, &id_of(&group)).await["state"],
        "created"
    );
}

#[tokio::test]
async fn one_test_source_per_group_until_it_is_stopped() {
    let world = World::new().await;
    world.app.enable(&[Feature::Transcoding]).await;
    let group = world
        .admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
        .await;
    let transcode = id_of(&group["members"][1]);
    let nothing = world.admin.get(&test_source(&id_of(&group))).await;
    assert_error(nothing, 404, "not_found").await;
    let started_first = call(
        &world.admin,
        Method::POST,
        &test_source(&id_of(&group)),
        None,
        202,
    )
    .await;

    // Anyone of the organisation sees it, through any member, until it stops.
    let viewer = world.app.api_key(Role::ReadOnly).await;
    let seen = call(&viewer, Method::GET, &test_source(&transcode), None, 200).await;
    assert_eq!(seen, started_first);

    // Through any member: the group has one already.
    let again = world.admin.post_empty(&test_source(&transcode)).await;
    let v = assert_error(again, 409, "conflict").await;
    assert_eq!(
        v["error"]["message"],
        "A test stream is already running for this stream; stop it first."
    );

    call(
        &world.admin,
        Method::DELETE,
        &test_source(&transcode),
        None,
        204,
    )
    .await;
    let gone = world.admin.get(&test_source(&transcode)).await;
    assert_error(gone, 404, "not_found").await;
    let none = world.admin.delete(&test_source(&id_of(&group))).await;
    let v = assert_error(none, 404, "not_found").await;
    assert_eq!(
        v["error"]["message"],
        "No test stream is running for this stream."
    );
    // Stopped, so it may start again; without a body it runs a minute.
    let started = call(
        &world.admin,
        Method::POST,
        &test_source(&transcode),
        None,
        202,
    )
    .await;
    assert_eq!(started["duration_s"], 60);
}

#[tokio::test]
async fn the_body_is_optional_and_the_duration_is_bounded() {
    let world = World::new().await;

    for (body, field) in [
        (json!({"duration_s": 0}), "duration_s"),
        (json!({"duration_s": 601}), "duration_s"),
        (json!({"duration_s": -1}), "duration_s"),
        (json!({"duration_s": "60"}), "duration_s"),
        (json!({"duration_s": null}), "duration_s"),
        (json!({"seconds": 60}), "seconds"),
    ] {
        let s = world.admin.create_stream(json!({})).await;
        let res = world
            .admin
            .post(&test_source(&id_of(&s)), body.clone())
            .await;
        let v = assert_error(res, 422, "validation_failed").await;
        let fields: Vec<&String> = v["error"]["fields"]
            .as_object()
            .expect("fields")
            .keys()
            .collect();
        assert_eq!(fields, vec![field], "{body}: {v}");
    }
    let s = world.admin.create_stream(json!({})).await;
    let res = world
        .admin
        .post(&test_source(&id_of(&s)), json!({"duration_s": 0}))
        .await;
    let v = assert_error(res, 422, "validation_failed").await;
    assert_eq!(
        v["error"]["fields"]["duration_s"],
        "must be between 1 and 600 seconds"
    );
    // Not JSON at all: 415, like every other body.
    let res = world
        .admin
        .request(Method::POST, &test_source(&id_of(&s)))
        .header("content-type", "text/plain")
        .body("60")
        .send()
        .await
        .expect("sent");
    assert_error(res, 415, "unsupported_media_type").await;

    for (body, secs) in [
        (None, 60),
        (Some(serde_json::Value::Null), 60),
        (Some(json!({})), 60),
        (Some(json!({"duration_s": 1})), 1),
        (Some(json!({"duration_s": 600})), 600),
    ] {
        let s = world.admin.create_stream(json!({})).await;
        let started = call(
            &world.admin,
            Method::POST,
            &test_source(&id_of(&s)),
            body,
            202,
        )
        .await;
        assert_eq!(started["duration_s"], secs);
        call(
            &world.admin,
            Method::DELETE,
            &test_source(&id_of(&s)),
            None,
            204,
        )
        .await;
    }
}

#[tokio::test]
async fn admins_and_users_may_send_test_streams_and_viewers_may_not() {
    let world = World::new().await;

    for (label, role, caller) in world.app.every_caller().await {
        let s = world.admin.create_stream(json!({})).await;
        let start = caller.post_empty(&test_source(&id_of(&s))).await;
        if role == Role::ReadOnly {
            assert_error(start, 403, "forbidden").await;
            // Not even to learn whether one runs.
            call(
                &world.admin,
                Method::POST,
                &test_source(&id_of(&s)),
                None,
                202,
            )
            .await;
            let stop = caller.delete(&test_source(&id_of(&s))).await;
            assert_error(stop, 403, "forbidden").await;
            call(
                &world.admin,
                Method::DELETE,
                &test_source(&id_of(&s)),
                None,
                204,
            )
            .await;
        } else {
            assert_eq!(start.status().as_u16(), 202, "{label}");
            let stop = caller.delete(&test_source(&id_of(&s))).await;
            assert_eq!(stop.status().as_u16(), 204, "{label}");
        }
    }
    // Without credentials: 401; another organisation's stream: 404.
    let s = world.admin.create_stream(json!({})).await;
    let res = world
        .app
        .anonymous()
        .post_empty(&test_source(&id_of(&s)))
        .await;
    assert_error(res, 401, "unauthorized").await;
    let (_, other_admin) = world.app.other_org().await;
    let other = world.app.signed_in(&other_admin).await;
    assert_error(
        other.post_empty(&test_source(&id_of(&s))).await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        other.delete(&test_source(&id_of(&s))).await,
        404,
        "not_found",
    )
    .await;
    let unknown = test_source("7c1e2b3a-0000-4000-8000-00000000abcd");
    assert_error(world.admin.post_empty(&unknown).await, 404, "not_found").await;
}

#[tokio::test]
async fn locked_deleted_and_live_streams_get_no_test_source() {
    let world = World::new().await;
    let locked = world.admin.create_stream(json!({})).await;
    call(
        &world.admin,
        Method::POST,
        &format!("{}/lock", path(&id_of(&locked))),
        None,
        200,
    )
    .await;
    let deleted = world.admin.create_stream(json!({})).await;
    call(
        &world.admin,
        Method::DELETE,
        &path(&id_of(&deleted)),
        None,
        204,
    )
    .await;
    let live = world.admin.create_stream(json!({})).await;
    let hook = world.app.ingest("publish", &name_of(&live)).await;
    assert!(hook.status().is_success(), "publish accepted");

    let mut messages = Vec::new();
    for s in [&locked, &deleted, &live] {
        let res = world.admin.post_empty(&test_source(&id_of(s))).await;
        messages.push(assert_error(res, 409, "conflict").await["error"]["message"].clone());
    }

    assert_eq!(
        messages,
        vec![
            json!("Cannot send a test stream to the stream: it is locked."),
            json!("Cannot send a test stream to the stream: it is deleted."),
            json!("The stream is live: an encoder is already sending to it."),
        ]
    );
    assert_eq!(world.runs(), Vec::<String>::new(), "no ffmpeg was started");
}

#[tokio::test]
async fn stop_and_lock_and_delete_stop_the_test_source() {
    let world = World::new().await;
    let locked = world.admin.create_stream(json!({})).await;
    let deleted = world.admin.create_stream(json!({})).await;
    for s in [&locked, &deleted] {
        call(
            &world.admin,
            Method::POST,
            &test_source(&id_of(s)),
            None,
            202,
        )
        .await;
    }
    world.wait_runs(2).await;

    call(
        &world.admin,
        Method::POST,
        &format!("{}/lock", path(&id_of(&locked))),
        None,
        200,
    )
    .await;
    call(
        &world.admin,
        Method::DELETE,
        &path(&id_of(&deleted)),
        None,
        204,
    )
    .await;

    for s in [&locked, &deleted] {
        let none = world.admin.delete(&test_source(&id_of(s))).await;
        assert_error(none, 404, "not_found").await;
        assert_eq!(publishing(&name_of(s)), Vec::<u32>::new());
    }
}

#[tokio::test]
async fn a_few_test_sources_run_at_once_and_no_more() {
    let world = World::new().await;
    let mut streams = Vec::new();
    for _ in 0..MAX_RUNNING {
        let s = world.admin.create_stream(json!({})).await;
        call(
            &world.admin,
            Method::POST,
            &test_source(&id_of(&s)),
            None,
            202,
        )
        .await;
        streams.push(s);
    }
    let one_more = world.admin.create_stream(json!({})).await;

    let res = world
        .admin
        .post_empty(&test_source(&id_of(&one_more)))
        .await;

    let v = assert_error(res, 503, "unavailable").await;
    assert_eq!(
        v["error"]["message"],
        format!("The server already runs {MAX_RUNNING} test streams, as many as it takes; stop one or try again once one has ended.")
    );
    call(
        &world.admin,
        Method::DELETE,
        &test_source(&id_of(&streams[0])),
        None,
        204,
    )
    .await;
    call(
        &world.admin,
        Method::POST,
        &test_source(&id_of(&one_more)),
        None,
        202,
    )
    .await;
}

#[tokio::test]
async fn without_a_media_server_or_ffmpeg_the_answer_is_503() {
    // `serve --media off`: nothing to publish to.
    let off = TestApp::spawn().await;
    let admin = off.signed_in(&off.admin).await;
    let s = admin.create_stream(json!({})).await;
    let res = admin.post_empty(&test_source(&id_of(&s))).await;
    let v = assert_error(res, 503, "unavailable").await;
    assert_eq!(
        v["error"]["message"],
        "The media server is off (castboard serve --media off), so there is nothing to publish a test stream to."
    );

    // A media server, but no ffmpeg.
    let no_ffmpeg = TestApp::spawn_configured(|s| {
        s.media = MediaMode::Embedded;
        s.ffmpeg = "/nonexistent/ffmpeg".into();
    })
    .await;
    let admin = no_ffmpeg.signed_in(&no_ffmpeg.admin).await;
    let s = admin.create_stream(json!({})).await;
    let res = admin.post_empty(&test_source(&id_of(&s))).await;
    let v = assert_error(res, 503, "unavailable").await;
    assert_eq!(
        v["error"]["message"],
        "Test streams need ffmpeg, which is not installed on the server: install ffmpeg (apt-get install ffmpeg)."
    );
    assert_eq!(
        body(admin.get(&path(&id_of(&s))).await).await["state"],
        "created"
    );
}

#[tokio::test]
async fn deleting_the_test_source_ends_its_process() {
    let world = World::new().await;
    let s = world.admin.create_stream(json!({})).await;
    call(
        &world.admin,
        Method::POST,
        &test_source(&id_of(&s)),
        None,
        202,
    )
    .await;
    recorded(&world, &name_of(&s)).await;
    let running = publishing(&name_of(&s));
    assert_eq!(running.len(), 1, "{running:?}");

    call(
        &world.admin,
        Method::DELETE,
        &test_source(&id_of(&s)),
        None,
        204,
    )
    .await;

    assert!(
        !alive(running[0]),
        "the stand-in {} was stopped",
        running[0]
    );
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}
