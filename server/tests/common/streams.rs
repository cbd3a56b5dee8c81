//! Helpers shared by the stream test files: paths, requests that assert their status,
//! and readers of stream objects.

use super::{assert_error, body, Caller};
use castboard::store::{NewGroup, NewMember};
use reqwest::Method;
use serde_json::{json, Value};
use shared::stream::{presets, Processing, Profile, StreamState, Tags, Timecode};

/// Sends a request, asserts the status and returns the JSON body (or Null for 204).
pub async fn call(
    caller: &Caller,
    method: Method,
    path: &str,
    payload: Option<Value>,
    want: u16,
) -> Value {
    let res = caller.send(method.clone(), path, payload).await;
    let status = res.status().as_u16();
    let text = res.text().await.expect("body read");
    assert_eq!(status, want, "{method} {path}: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    }
}

/// GET a stream, asserting 200.
pub async fn fetch(caller: &Caller, id: &str) -> Value {
    let res = caller.get(&path(id)).await;
    let status = res.status().as_u16();
    let v = body(res).await;
    assert_eq!(status, 200, "GET {id}: {v}");
    v
}

/// Asserts a 422 `validation_failed` and returns its `fields`.
pub async fn refused_fields(res: reqwest::Response) -> Value {
    let v = assert_error(res, 422, "validation_failed").await;
    v["error"]["fields"].clone()
}

pub fn default_processing() -> Value {
    json!({
        "thumbnails": {"enabled": false, "interval_s": 30},
        "motion_clips": {"enabled": false, "interval_s": 60, "duration_s": 5},
        "recording": {"enabled": false, "duration_s": null},
        "replay": {"enabled": false, "duration_s": null}
    })
}

pub fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// Whether `name` is `<hash>-<5 letters or digits>`.
pub fn is_streamname_of(hash: &str, name: &str) -> bool {
    name.len() == 11
        && name.starts_with(&format!("{hash}-"))
        && name[6..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Ids of the members of a stream object, in order.
pub fn member_ids(v: &Value) -> Vec<String> {
    v["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(id_of)
        .collect()
}

pub fn name_of(v: &Value) -> String {
    v["name"].as_str().expect("name").to_string()
}

pub fn path(id: &str) -> String {
    format!("/api/v1/streams/{id}")
}

pub fn profile(width: u32, height: u32, kbps: u32, fps: u32) -> Value {
    json!({
        "id": format!("vtrans2-{width}x{height}x{kbps}x{fps}"),
        "width": width, "height": height, "bitrate_kbps": kbps, "framerate": fps
    })
}

/// The transcode ladder used for seeded groups (strictly falling bitrates).
fn ladder(i: usize) -> Profile {
    let ids = [
        "vtrans2-1280x720x1600x25",
        "vtrans2-852x480x800x25",
        "vtrans2-640x360x400x25",
    ];
    presets()
        .into_iter()
        .find(|p| p.id == ids[i])
        .expect("preset exists")
}

/// A group to seed: passthrough tags, and one tag list per transcode.
pub fn seed_group(
    state: StreamState,
    updated_at: i64,
    tags: &[&str],
    transcodes: &[&[&str]],
) -> NewGroup {
    let mut members = vec![NewMember {
        profile: None,
        tags: Tags::parse(tags).expect("tags"),
        processing: Processing::default(),
    }];
    for (i, t) in transcodes.iter().enumerate() {
        members.push(NewMember {
            profile: Some(ladder(i)),
            tags: Tags::parse(t).expect("tags"),
            processing: Processing::default(),
        });
    }
    NewGroup {
        members,
        timecode: Timecode::default(),
        push_url: None,
        state,
        ever_live: state != StreamState::Created,
        created_at: updated_at - 24 * 3600 * 1000,
        updated_at,
    }
}
