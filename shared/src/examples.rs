//! Example values of the wire types, complete and valid, for tests on either side: a test
//! builds from one and changes only what it is about, so a new field is one edit here
//! instead of one in every hand-written fixture.
//!
//! Compiled for `shared`'s own tests and behind the `examples` feature, which the app
//! turns on for its tests alone: none of this reaches the wasm the browser loads.

use crate::model::{
    Assets, AudioHealth, HealthStatus, Ingest, Member, Playout, Stream, StreamHealth, TokenClaims,
    VideoHealth, TOKEN_AUDIENCE,
};
use crate::stream::{Processing, StreamName, StreamState, Tags, Timecode};
use crate::Timestamp;
use uuid::Uuid;

/// The example stream's id (and its group's: it is its own passthrough).
pub const STREAM_ID: Uuid = Uuid::from_u128(0x7c1e2b3a_0000_4000_8000_00000000abcd);
/// The example stream's streamname.
pub const STREAM_NAME: &str = "HX26g-NRbx9";
/// When the example stream was created and last changed.
pub const CREATED_AT: &str = "2026-11-25T10:00:00.000Z";

impl Stream {
    /// A single stream just created, as `GET /streams/{id}` answers it: the passthrough of
    /// its own group (`members` is itself), default timecode and processing, no tags, no
    /// push URL, not secure, no assets yet.
    pub fn example() -> Stream {
        let name = StreamName::parse(STREAM_NAME).expect("a valid streamname");
        let at = Timestamp::parse(CREATED_AT).expect("a valid time");
        let mut stream = Stream {
            id: STREAM_ID,
            name: name.clone(),
            state: StreamState::Created,
            streamgroup_id: STREAM_ID,
            index: 0,
            profile: None,
            tags: Tags::default(),
            push_url: None,
            transcoder: None,
            health: None,
            timecode: Timecode::default(),
            processing: Processing::default(),
            created_at: at,
            updated_at: at,
            ingest: Ingest {
                rtmp_url: "rtmp://castboard.example/live".to_string(),
                streamname: name,
                last_seen_at: None,
                cut_requested_at: None,
            },
            playout: Playout {
                live_url: format!("https://castboard.example/watch/{STREAM_NAME}"),
                embed_url: format!("https://castboard.example/embed/{STREAM_NAME}"),
                hls_url: format!("https://castboard.example/hls/{STREAM_NAME}/index.m3u8"),
            },
            secure: false,
            members: Vec::new(),
            playouts: None,
            thumbnail: None,
            assets: Some(Assets::default()),
        };
        stream.members = vec![stream.as_member()];
        stream
    }

    /// The stream as its group's `members` list shows it.
    pub fn as_member(&self) -> Member {
        Member {
            id: self.id,
            name: self.name.clone(),
            state: self.state,
            streamgroup_id: self.streamgroup_id,
            index: self.index,
            profile: self.profile.clone(),
            tags: self.tags.clone(),
            push_url: self.push_url.clone(),
            processing: self.processing,
            transcoder: self.transcoder.clone(),
        }
    }
}

impl StreamHealth {
    /// A healthy 320×180 ingest at 10 fps with 1-second keyframes, as the media tests
    /// publish it.
    pub fn example() -> StreamHealth {
        let at = Timestamp::parse("2026-12-03T12:00:00.000Z").expect("a time");
        StreamHealth {
            status: HealthStatus::Healthy,
            issues: Vec::new(),
            at,
            kbps: 412,
            video: Some(VideoHealth {
                codec: Some("H264".into()),
                profile: Some("High".into()),
                level: Some("1.2".into()),
                width: 320,
                height: 180,
                fps: Some(10.0),
                fps_declared: Some(10.0),
                kbps: 330,
            }),
            audio: Some(AudioHealth {
                codec: Some("AAC".into()),
                profile: Some("LC".into()),
                channels: Some(1),
                sample_rate: Some(44100),
                kbps: 72,
            }),
            keyframe_interval_s: Some(1.0),
            keyframe_interval_declared_s: None,
            dropped_frames: 0,
            last_data_at: at,
            idle_s: 0,
        }
    }
}

impl Member {
    /// The example stream as a member of its group ([`Stream::example`]).
    pub fn example() -> Member {
        Stream::example().as_member()
    }
}

impl TokenClaims {
    /// The claims of an organisation-wide playback token with no restriction, valid for
    /// a day from 2026-12-01 12:00 UTC.
    pub fn example() -> TokenClaims {
        TokenClaims {
            iss: "https://castboard.example".to_string(),
            aud: TOKEN_AUDIENCE.to_string(),
            jti: Uuid::nil(),
            iat: 1_796_126_400,
            nbf: 1_796_126_400,
            exp: 1_796_212_800,
            org: "Ab3De".to_string(),
            grp: None,
            streams: None,
            orgwide: Some(true),
            ip: None,
            dom: None,
            uid: None,
            tag: None,
            rev: None,
            fdc: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_are_what_the_api_answers() {
        // Each survives its own wire form: the parsers take what the server would send.
        let stream = Stream::example();
        let json = serde_json::to_string(&stream).expect("serialises");
        assert_eq!(
            serde_json::from_str::<Stream>(&json).expect("parses"),
            stream
        );
        assert_eq!(stream.members, vec![Member::example()]);
        assert_eq!(stream.ingest.streamname, stream.name);
        let claims = TokenClaims::example();
        let json = serde_json::to_string(&claims).expect("serialises");
        assert_eq!(
            serde_json::from_str::<TokenClaims>(&json).expect("parses"),
            claims
        );
        assert!(claims.nbf < claims.exp);
    }
}
