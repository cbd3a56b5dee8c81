//! Ingest health: what the media server's statistics say about a live stream, read every
//! second (`health` on live streams, `GET /streams/{id}/health`, `stream.health`). The
//! rules that turn the readings into a status and issues are `crate::health`'s.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// One reading of a live ingest, taken every second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthSample {
    pub at: Timestamp,
    /// Received since the previous reading, audio and video together (from the byte
    /// count), in kbit/s.
    pub kbps: u32,
    /// The video's bitrate as the media server averages it (over about 10 s), kbit/s.
    pub video_kbps: u32,
    /// The audio's, likewise.
    pub audio_kbps: u32,
    /// Frames per second measured on the newest HLS fragment (its video frames over its
    /// length); `null` before the first fragment.
    pub fps: Option<f64>,
    /// Keyframe interval as measured: the typical length of the stream's HLS fragments
    /// (they are cut at the first keyframe after a second), seconds; `null` before the
    /// first fragment.
    pub keyframe_interval_s: Option<f64>,
    /// Bytes received since the publish began.
    pub bytes_in: u64,
}

/// How a live ingest is doing: healthy, or the worst of its issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Healthy,
    Warning,
    Unhealthy,
}

impl HealthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "healthy",
            HealthStatus::Warning => "warning",
            HealthStatus::Unhealthy => "unhealthy",
        }
    }

    /// How the status reads for people (the dashboard's badge and dot).
    pub fn label(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "Healthy",
            HealthStatus::Warning => "Warning",
            HealthStatus::Unhealthy => "Unhealthy",
        }
    }
}

impl StreamHealth {
    /// The worst issue's message, if any (the issues come worst first).
    pub fn worst_issue(&self) -> Option<&str> {
        self.issues.first().map(|i| i.message.as_str())
    }

    /// One line for a status dot's label and tooltip: "Ingest healthy", or the status
    /// and the worst issue ("Ingest unhealthy: no data for 4 s").
    pub fn summary(&self) -> String {
        let status = self.status.as_str();
        match self.worst_issue() {
            Some(worst) => format!("Ingest {status}: {worst}"),
            None => format!("Ingest {status}"),
        }
    }
}

/// Which rule an issue comes from (docs/media.md, "Ingest health", has the thresholds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HealthIssueCode {
    /// Keyframes further apart than 4 s.
    KeyframeInterval,
    /// The last 5 s carried less than half of the last minute's average bitrate.
    BitrateDrop,
    /// Nothing received for 3 s or more.
    NoData,
    /// Fewer frames than 80 % of the declared frame rate.
    FrameRate,
}

impl HealthIssueCode {
    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthIssueCode::KeyframeInterval => "keyframe_interval",
            HealthIssueCode::BitrateDrop => "bitrate_drop",
            HealthIssueCode::NoData => "no_data",
            HealthIssueCode::FrameRate => "frame_rate",
        }
    }
}

/// One thing wrong with a live ingest, in plain language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthIssue {
    pub code: HealthIssueCode,
    /// `warning` or `unhealthy`.
    pub severity: HealthStatus,
    /// e.g. "keyframe interval 8 s: set 1–2 s for low latency".
    pub message: String,
}

/// The incoming video, as the encoder declared it and as measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VideoHealth {
    /// e.g. `H264`; from the encoder's metadata, `null` when it sent none.
    pub codec: Option<String>,
    /// e.g. `Main`, `High`.
    pub profile: Option<String>,
    /// e.g. `3.1`.
    pub level: Option<String>,
    /// 0 when the encoder declared none.
    pub width: u32,
    pub height: u32,
    /// Measured on the newest HLS fragment.
    pub fps: Option<f64>,
    /// What the encoder's metadata says.
    pub fps_declared: Option<f64>,
    pub kbps: u32,
}

/// The incoming audio, as the encoder declared it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudioHealth {
    /// e.g. `AAC`.
    pub codec: Option<String>,
    /// e.g. `LC`.
    pub profile: Option<String>,
    pub channels: Option<u32>,
    pub sample_rate: Option<u32>,
    pub kbps: u32,
}

/// A live stream's ingest health (`health` of a live stream; `null` otherwise, and until
/// the first reading, a second after it goes live).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamHealth {
    pub status: HealthStatus,
    /// Empty when healthy; the worst first.
    pub issues: Vec<HealthIssue>,
    /// When the media server was read.
    pub at: Timestamp,
    /// Received over the last 5 s, audio and video together, kbit/s.
    pub kbps: u32,
    /// `null` when the ingest carries no video.
    pub video: Option<VideoHealth>,
    /// `null` when the ingest carries no audio.
    pub audio: Option<AudioHealth>,
    /// As measured from the HLS fragments' lengths, seconds.
    pub keyframe_interval_s: Option<f64>,
    /// What the encoder's metadata declares; nginx-rtmp passes none on, so `null` with
    /// Castboard's media server.
    pub keyframe_interval_declared_s: Option<f64>,
    /// Frames the media server dropped delivering this stream to its RTMP players (the
    /// group's transcoders); nginx-rtmp counts no frames lost before they reach it.
    pub dropped_frames: u64,
    /// When the last bytes arrived (to the second).
    pub last_data_at: Timestamp,
    /// Seconds since then.
    pub idle_s: u32,
}

/// `GET /streams/{id}/health`: the health now and the readings of the last five minutes,
/// oldest first (both empty when the stream is not live).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthHistory {
    pub current: Option<StreamHealth>,
    pub samples: Vec<HealthSample>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_reads_in_words_and_a_summary_names_the_worst_issue() {
        assert_eq!(HealthStatus::Healthy.label(), "Healthy");
        assert_eq!(HealthStatus::Warning.label(), "Warning");
        assert_eq!(HealthStatus::Unhealthy.label(), "Unhealthy");
        for code in [
            HealthIssueCode::KeyframeInterval,
            HealthIssueCode::BitrateDrop,
            HealthIssueCode::NoData,
            HealthIssueCode::FrameRate,
        ] {
            assert_eq!(
                serde_json::to_value(code).expect("JSON"),
                code.as_str(),
                "as the API writes it"
            );
        }
        let mut health = StreamHealth::example();
        assert_eq!(health.worst_issue(), None);
        assert_eq!(health.summary(), "Ingest healthy");
        health.status = HealthStatus::Unhealthy;
        health.issues = vec![
            HealthIssue {
                code: HealthIssueCode::NoData,
                severity: HealthStatus::Unhealthy,
                message: "no data for 4 s".into(),
            },
            HealthIssue {
                code: HealthIssueCode::KeyframeInterval,
                severity: HealthStatus::Warning,
                message: "keyframe interval 8 s: set 1–2 s for low latency".into(),
            },
        ];
        assert_eq!(health.worst_issue(), Some("no data for 4 s"));
        assert_eq!(health.summary(), "Ingest unhealthy: no data for 4 s");
    }
}
