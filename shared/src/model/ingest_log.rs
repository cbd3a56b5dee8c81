//! The ingest log: every publish attempt the media server reported, accepted or refused,
//! with why (`GET /ingest-log`, `GET /streams/{id}/ingest-log`).
//!
//! [`IngestRefusal`] is the one home of the publish hook's refusals: the hook picks the
//! refusal, and its answer's text is [`IngestRefusal::message`], which the log shows as
//! it was answered.

use crate::stream::StreamState;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// How many attempts are kept per organisation: the newest, older ones go as new ones
/// come.
pub const INGEST_LOG_KEEP: u32 = 1_000;
/// How long an attempt is kept, in days.
pub const INGEST_LOG_DAYS: u32 = 30;
/// The longest encoder text kept (characters); longer ones are cut.
pub const MAX_ENCODER_CHARS: usize = 200;
/// The longest client address kept (characters).
pub const MAX_CLIENT_ADDR_CHARS: usize = 64;
/// The longest streamname kept (characters): a refused unknown name can be anything.
pub const MAX_LOGGED_NAME_CHARS: usize = 64;

/// Whether the media server was allowed to take the ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IngestOutcome {
    /// The publish was allowed: the stream went live.
    Accepted,
    /// The publish was refused and the encoder dropped; `reason` says why.
    Refused,
}

impl IngestOutcome {
    pub const ALL: [IngestOutcome; 2] = [IngestOutcome::Accepted, IngestOutcome::Refused];

    /// The wire name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            IngestOutcome::Accepted => "accepted",
            IngestOutcome::Refused => "refused",
        }
    }
}

impl fmt::Display for IngestOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IngestOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        IngestOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| "must be accepted or refused".to_string())
    }
}

/// Why the publish hook refused an encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IngestRefusal {
    /// No stream has the streamname (a typo, or a stream key of another server).
    UnknownName,
    /// The stream is locked: unlock it first.
    Locked,
    /// The stream is deleted.
    Deleted,
    /// The stream is live already: another encoder sends to it.
    AlreadyLive,
    /// The name is a transcode of a group, which Castboard's transcoder publishes; an
    /// encoder publishes to the group's passthrough.
    TranscodeMember,
    /// The stream's state changed between the check and going live (a lock or a delete
    /// at the same moment).
    ChangedMeanwhile,
    /// The server failed while making the stream live (its log has the error); the
    /// encoder may try again.
    ServerError,
}

impl IngestRefusal {
    pub const ALL: [IngestRefusal; 7] = [
        IngestRefusal::UnknownName,
        IngestRefusal::Locked,
        IngestRefusal::Deleted,
        IngestRefusal::AlreadyLive,
        IngestRefusal::TranscodeMember,
        IngestRefusal::ChangedMeanwhile,
        IngestRefusal::ServerError,
    ];

    /// The wire name (`unknown_name`, `already_live`, …), as serialised and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            IngestRefusal::UnknownName => "unknown_name",
            IngestRefusal::Locked => "locked",
            IngestRefusal::Deleted => "deleted",
            IngestRefusal::AlreadyLive => "already_live",
            IngestRefusal::TranscodeMember => "transcode_member",
            IngestRefusal::ChangedMeanwhile => "changed_meanwhile",
            IngestRefusal::ServerError => "server_error",
        }
    }

    /// The publish hook's answer (the error body's `message`), word for word.
    pub fn message(self) -> &'static str {
        match self {
            IngestRefusal::UnknownName => "No stream has that name.",
            IngestRefusal::Locked => "The stream is locked; it does not accept ingest.",
            IngestRefusal::Deleted => "The stream is deleted; it does not accept ingest.",
            IngestRefusal::AlreadyLive => "The stream is live; it does not accept ingest.",
            IngestRefusal::TranscodeMember => {
                "This is a transcode of a stream group; publish to the group's passthrough."
            }
            IngestRefusal::ChangedMeanwhile => {
                "The stream changed state meanwhile; it does not accept ingest now."
            }
            IngestRefusal::ServerError => crate::error::INTERNAL_ERROR_MESSAGE,
        }
    }

    /// What it means, in the dashboard's plain words.
    pub fn label(self) -> &'static str {
        match self {
            IngestRefusal::UnknownName => "Unknown streamname",
            IngestRefusal::Locked => "Stream locked",
            IngestRefusal::Deleted => "Stream deleted",
            IngestRefusal::AlreadyLive => "Already live (another encoder sends)",
            IngestRefusal::TranscodeMember => "Sent to a transcode, not the passthrough",
            IngestRefusal::ChangedMeanwhile => "State changed at the same moment",
            IngestRefusal::ServerError => "Server error (see the server's log)",
        }
    }

    /// Why a stream in `state` refuses a publish; `None` exactly when it may publish
    /// ([`StreamState::may_publish`]).
    pub fn for_state(state: StreamState) -> Option<IngestRefusal> {
        match state {
            StreamState::Created | StreamState::Ended => None,
            StreamState::Live => Some(IngestRefusal::AlreadyLive),
            StreamState::Locked => Some(IngestRefusal::Locked),
            StreamState::Deleted => Some(IngestRefusal::Deleted),
        }
    }
}

impl fmt::Display for IngestRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IngestRefusal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        IngestRefusal::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown ingest refusal {s:?}"))
    }
}

/// One publish attempt, an item of `GET /ingest-log` and `GET /streams/{id}/ingest-log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestAttempt {
    /// When the media server asked.
    pub at: Timestamp,
    pub outcome: IngestOutcome,
    /// Why it was refused; `null` when accepted.
    pub reason: Option<IngestRefusal>,
    /// The hook's answer to the media server, word for word; `null` when accepted.
    pub message: Option<String>,
    /// The encoder's address, as the media server saw it.
    pub client_addr: Option<String>,
    /// What the encoder calls itself (RTMP `flashver`, e.g.
    /// `FMLE/3.0 (compatible; Lavf59.27.100)` for ffmpeg, `FMLE/3.0 (compatible; FMSc/1.0)`
    /// for OBS); at most 200 characters.
    pub encoder: Option<String>,
    /// The streamname the encoder used (at most 64 characters).
    pub streamname: String,
    /// The stream it named; `null` for an unknown name.
    pub stream_id: Option<Uuid>,
}

impl IngestAttempt {
    /// An attempt with its `outcome` and `message` following from `reason`.
    pub fn new(
        at: Timestamp,
        reason: Option<IngestRefusal>,
        client_addr: Option<String>,
        encoder: Option<String>,
        streamname: String,
        stream_id: Option<Uuid>,
    ) -> IngestAttempt {
        IngestAttempt {
            at,
            outcome: match reason {
                None => IngestOutcome::Accepted,
                Some(_) => IngestOutcome::Refused,
            },
            reason,
            message: reason.map(|r| r.message().to_string()),
            client_addr,
            encoder,
            streamname,
            stream_id,
        }
    }

    /// What happened, in the dashboard's plain words.
    pub fn label(&self) -> &'static str {
        match self.reason {
            None => "Accepted: the stream went live",
            Some(r) => r.label(),
        }
    }
}

/// A text from the callback form as the log keeps it: trimmed, control characters
/// dropped, at most `max` characters; `None` when nothing is left.
pub fn log_text(raw: &str, max: usize) -> Option<String> {
    let kept: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect();
    let kept = kept.trim_end().to_string();
    (!kept.is_empty()).then_some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_of_a_state_are_exactly_the_states_that_may_not_publish() {
        for state in StreamState::ALL {
            assert_eq!(
                IngestRefusal::for_state(state).is_none(),
                state.may_publish(),
                "{state}"
            );
        }
    }

    #[test]
    fn state_refusals_say_the_state_as_the_hook_always_has() {
        for state in StreamState::ALL {
            if let Some(r) = IngestRefusal::for_state(state) {
                assert_eq!(
                    r.message(),
                    format!("The stream is {state}; it does not accept ingest.")
                );
            }
        }
    }

    #[test]
    fn wire_names_round_trip() {
        for r in IngestRefusal::ALL {
            assert_eq!(r.as_str().parse::<IngestRefusal>(), Ok(r));
            assert_eq!(
                serde_json::to_string(&r).expect("serialises"),
                format!("\"{}\"", r.as_str())
            );
        }
        for o in IngestOutcome::ALL {
            assert_eq!(o.as_str().parse::<IngestOutcome>(), Ok(o));
            assert_eq!(
                serde_json::to_string(&o).expect("serialises"),
                format!("\"{}\"", o.as_str())
            );
        }
        assert!("maybe".parse::<IngestOutcome>().is_err());
    }

    #[test]
    fn outcome_and_message_follow_the_reason() {
        let at = Timestamp::parse("2026-12-01T10:00:00Z").expect("time");
        let name = "HX26g-NRbx9".to_string();
        let ok = IngestAttempt::new(at, None, None, None, name.clone(), None);
        assert_eq!(ok.outcome, IngestOutcome::Accepted);
        assert_eq!(ok.message, None);
        let locked = IngestAttempt::new(at, Some(IngestRefusal::Locked), None, None, name, None);
        assert_eq!(locked.outcome, IngestOutcome::Refused);
        assert_eq!(
            locked.message.as_deref(),
            Some("The stream is locked; it does not accept ingest.")
        );
    }

    #[test]
    fn logged_texts_are_trimmed_cleaned_and_bounded() {
        assert_eq!(
            log_text("  FMLE/3.0 (compatible; Lavf59.27.100) ", 200).as_deref(),
            Some("FMLE/3.0 (compatible; Lavf59.27.100)")
        );
        assert_eq!(log_text("a\u{0}b\nc", 10).as_deref(), Some("abc"));
        assert_eq!(log_text("   ", 10), None);
        assert_eq!(log_text("", 10), None);
        assert_eq!(
            log_text(&"é".repeat(300), 200).map(|s| s.chars().count()),
            Some(200)
        );
        assert_eq!(log_text("ab cd", 3).as_deref(), Some("ab"));
    }
}
