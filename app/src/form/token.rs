//! The rules of the playback-token forms, apart from their views (the token console's
//! issue and verify forms, and the snippet generator's token settings): what was typed becomes
//! a `CreateToken` or a `VerifyToken`, or field errors keyed the way the server keys its
//! `error.fields` (`scope.group`, `expires_at`, …), so local and server reasons land next
//! to the same input.
//!
//! Layer: the ground floor with [`crate::form`]; it imports [`crate::format`] and
//! `shared`, no view.
//!
//! Every check is one of `shared`'s (the validated newtypes, `ScopeStreams::parse`,
//! `TokenWindow::resolve`): the form refuses what the server would refuse, in its words.

use super::FieldErrors;
use crate::format::utc_text;
use shared::model::{CreateToken, OrgWide, ScopeStreams, TokenScope, TokenWindow, VerifyToken};
use shared::stream::StreamName;
use shared::validate::{ClientIp, Domain, PlaybackJwt, TokenLabel};
use shared::Timestamp;
use uuid::Uuid;

/// Field keys, as the server names them in `error.fields`.
pub mod key {
    pub const GROUP: &str = "scope.group";
    pub const STREAMS: &str = "scope.streams";
    pub const NOT_BEFORE: &str = "not_before";
    pub const EXPIRES_AT: &str = "expires_at";
    pub const IP: &str = "ip";
    pub const DOMAIN: &str = "domain";
    pub const USER_ID: &str = "user_id";
    pub const TAG: &str = "tag";
    pub const TOKEN: &str = "token";
    pub const STREAM: &str = "stream";
}

/// Which of the three scopes the form is filling in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ScopeKind {
    #[default]
    Group,
    Streams,
    Organisation,
}

impl ScopeKind {
    pub const ALL: [ScopeKind; 3] = [
        ScopeKind::Group,
        ScopeKind::Streams,
        ScopeKind::Organisation,
    ];

    /// The radio button's value (also in test ids).
    pub fn value(self) -> &'static str {
        match self {
            ScopeKind::Group => "group",
            ScopeKind::Streams => "streams",
            ScopeKind::Organisation => "organisation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ScopeKind::Group => "Stream group",
            ScopeKind::Streams => "Streams",
            ScopeKind::Organisation => "Whole organisation",
        }
    }
}

/// The issue form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueInput {
    pub scope: ScopeKind,
    /// A stream group id (the passthrough's id).
    pub group: String,
    /// Streamnames separated by commas or white space.
    pub streams: String,
    /// Times as typed (`2026-12-01 12:00`, see [`parse_utc_input`]), read as UTC; empty =
    /// the default.
    pub not_before: String,
    pub expires_at: String,
    pub ip: String,
    pub domain: String,
    pub user_id: String,
    pub tag: String,
    pub revocable: bool,
    pub force_disconnect: bool,
}

/// A request the form may send, with the window it will get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub request: CreateToken,
    pub window: TokenWindow,
}

const GROUP_EMPTY: &str = "needs a value: choose a recent stream or enter a group id";
const TOKEN_EMPTY: &str = "needs a value: paste a token";

/// Checks the issue form as it stands at `now`.
pub fn build_issue(input: &IssueInput, now: Timestamp) -> Result<Issue, FieldErrors> {
    let mut errors = FieldErrors::new();
    let scope = match input.scope {
        ScopeKind::Group => {
            let text = input.group.trim();
            let parsed = if text.is_empty() {
                Err(GROUP_EMPTY.to_string())
            } else {
                Uuid::parse_str(text).map(TokenScope::Group).map_err(|_| {
                    "must be a stream group id, a UUID such as 7c1e0000-0000-4000-8000-000000000001"
                        .to_string()
                })
            };
            note(&mut errors, key::GROUP, parsed)
        }
        ScopeKind::Streams => note(
            &mut errors,
            key::STREAMS,
            ScopeStreams::parse(&split_names(&input.streams)).map(TokenScope::Streams),
        ),
        ScopeKind::Organisation => Some(TokenScope::Organisation(OrgWide)),
    };
    let not_before = note(
        &mut errors,
        key::NOT_BEFORE,
        parse_utc_input(&input.not_before),
    );
    let expires_at = note(
        &mut errors,
        key::EXPIRES_AT,
        parse_utc_input(&input.expires_at),
    );
    let ip = note(&mut errors, key::IP, optional(&input.ip, ClientIp::parse));
    let domain = note(
        &mut errors,
        key::DOMAIN,
        optional(&input.domain, Domain::parse),
    );
    let user_id = note(
        &mut errors,
        key::USER_ID,
        optional(&input.user_id, TokenLabel::parse),
    );
    let tag = note(
        &mut errors,
        key::TAG,
        optional(&input.tag, TokenLabel::parse),
    );
    let window = match (not_before, expires_at) {
        (Some(nbf), Some(exp)) => match TokenWindow::resolve(now, nbf, exp, input.revocable) {
            Ok(window) => Some(window),
            Err(why) => {
                errors.extend(why);
                None
            }
        },
        _ => None,
    };
    match (
        scope, not_before, expires_at, ip, domain, user_id, tag, window,
    ) {
        (
            Some(scope),
            Some(not_before),
            Some(expires_at),
            Some(ip),
            Some(domain),
            Some(user_id),
            Some(tag),
            Some(window),
        ) if errors.is_empty() => Ok(Issue {
            request: CreateToken {
                scope,
                not_before,
                expires_at,
                ip,
                domain,
                user_id,
                tag,
                revocable: input.revocable,
                force_disconnect: input.force_disconnect,
            },
            window,
        }),
        _ => Err(errors),
    }
}

/// The token the stream overview issues in one step: the stream's group as its scope,
/// revocable or not, and every other setting at the issue form's default (valid from now
/// for the default lifetime, no bindings), checked as the form checks it.
pub fn group_issue(group: Uuid, revocable: bool, now: Timestamp) -> Result<Issue, FieldErrors> {
    let input = IssueInput {
        scope: ScopeKind::Group,
        group: group.to_string(),
        revocable,
        ..IssueInput::default()
    };
    build_issue(&input, now)
}

/// The errors to show: a scope that was not filled in yet is only refused once the user
/// tried to submit; everything typed is checked as it is typed.
pub fn shown_issue_errors(
    errors: &FieldErrors,
    input: &IssueInput,
    submitted: bool,
) -> FieldErrors {
    let mut shown = errors.clone();
    if !submitted {
        if input.group.trim().is_empty() {
            shown.remove(key::GROUP);
        }
        if input.streams.trim().is_empty() {
            shown.remove(key::STREAMS);
        }
    }
    shown
}

/// The verify form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyInput {
    pub token: String,
    pub stream: String,
    pub ip: String,
    pub domain: String,
}

/// Checks the verify form.
pub fn build_verify(input: &VerifyInput) -> Result<VerifyToken, FieldErrors> {
    let mut errors = FieldErrors::new();
    let token = if input.token.trim().is_empty() {
        Err(TOKEN_EMPTY.to_string())
    } else {
        PlaybackJwt::parse(&input.token)
    };
    let token = note(&mut errors, key::TOKEN, token);
    let stream = note(
        &mut errors,
        key::STREAM,
        optional(&input.stream, |s| StreamName::parse(s.trim())),
    );
    let ip = note(&mut errors, key::IP, optional(&input.ip, ClientIp::parse));
    let domain = note(
        &mut errors,
        key::DOMAIN,
        optional(&input.domain, Domain::parse),
    );
    match (token, stream, ip, domain) {
        (Some(token), Some(stream), Some(ip), Some(domain)) if errors.is_empty() => {
            Ok(VerifyToken {
                token,
                stream,
                ip,
                domain,
            })
        }
        _ => Err(errors),
    }
}

/// Like [`shown_issue_errors`]: an empty token is only refused after a submit.
pub fn shown_verify_errors(
    errors: &FieldErrors,
    input: &VerifyInput,
    submitted: bool,
) -> FieldErrors {
    let mut shown = errors.clone();
    if !submitted && input.token.trim().is_empty() {
        shown.remove(key::TOKEN);
    }
    shown
}

/// What a valid answer vouches for, given what was asked.
pub fn valid_sentence(request: &VerifyToken) -> String {
    let mut checks = Vec::new();
    if let Some(stream) = &request.stream {
        checks.push(format!("covers stream {}", stream.as_str()));
    }
    if let Some(ip) = &request.ip {
        checks.push(format!("may be used from {}", ip.as_str()));
    }
    if let Some(domain) = &request.domain {
        checks.push(format!("may be used on {}", domain.as_str()));
    }
    let base = "Signed by one of this organisation's keys, not revoked and inside its time window.";
    match checks.len() {
        0 => base.to_string(),
        1 => format!("{base} It {}.", checks[0]),
        n => format!(
            "{base} It {} and {}.",
            checks[..n - 1].join(", "),
            checks[n - 1]
        ),
    }
}

/// "Valid from … until … (14 days)."
pub fn window_text(window: TokenWindow) -> String {
    let at = |s: i64| {
        Timestamp::from_millis(s.saturating_mul(1000))
            .map(utc_text)
            .unwrap_or_else(|| s.to_string())
    };
    format!(
        "Valid from {} until {} ({}).",
        at(window.nbf),
        at(window.exp),
        duration_text(window.exp - window.nbf)
    )
}

/// A lifetime in days, hours and minutes ("14 days", "1 day 6 hours", "45 minutes").
pub fn duration_text(secs: i64) -> String {
    let unit = |n: i64, name: &str| format!("{n} {name}{}", if n == 1 { "" } else { "s" });
    if secs < 60 {
        return unit(secs.max(0), "second");
    }
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    [(days, "day"), (hours, "hour"), (minutes, "minute")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, name)| unit(n, name))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Streamnames typed with commas, spaces or new lines between them.
pub fn split_names(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect()
}

/// How a time field shows what to type: the form the dashboard writes times in, in UTC
/// (a browser's date picker would show the viewer's local format instead).
pub const UTC_INPUT_EXAMPLE: &str = "2026-12-01 12:00";

/// A typed time (`2026-12-01 12:00`, or with a `T` as `2026-12-01T12:00`; seconds
/// optional) read as UTC; empty means "not given".
pub fn parse_utc_input(text: &str) -> Result<Option<Timestamp>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    // The date and the time apart by one space, as the dashboard writes them.
    let text = match text.split_once(' ') {
        Some((date, time)) if !time.trim().is_empty() => format!("{date}T{}", time.trim()),
        _ => text.to_string(),
    };
    let text = text.as_str();
    // `YYYY-MM-DDTHH:MM[:SS[.fff]]` is RFC 3339 once it has seconds and a `Z`; reusing
    // `Timestamp::parse` keeps chrono's strftime parser (several kB of wasm) out.
    let seconds = if text.matches(':').count() == 1 {
        ":00"
    } else {
        ""
    };
    Timestamp::parse(&format!("{text}{seconds}Z"))
        .ok()
        .map(Some)
        .ok_or_else(|| "must be a date and time in UTC, such as 2026-12-01 12:00".to_string())
}

/// An optional field: empty (after trimming) is `None`, anything else must parse.
fn optional<T>(text: &str, parse: impl Fn(&str) -> Result<T, String>) -> Result<Option<T>, String> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

/// Keeps `result`'s value, or records its reason under `key`.
fn note<T>(errors: &mut FieldErrors, key: &str, result: Result<T, String>) -> Option<T> {
    result
        .map_err(|why| {
            errors.insert(key.to_string(), why);
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).expect("valid time")
    }

    fn now() -> Timestamp {
        at("2026-12-01T12:00:00.500Z")
    }

    const GROUP: &str = "7c1e0000-0000-4000-8000-000000000001";

    fn group_input() -> IssueInput {
        IssueInput {
            group: GROUP.into(),
            ..IssueInput::default()
        }
    }

    fn errors(pairs: &[(&str, &str)]) -> FieldErrors {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_overviews_token_is_its_group_with_the_default_lifetimes() {
        let group = Uuid::parse_str(GROUP).expect("uuid");
        let issue = group_issue(group, false, now()).expect("valid");
        assert_eq!(
            issue.request,
            CreateToken {
                scope: TokenScope::Group(group),
                not_before: None,
                expires_at: None,
                ip: None,
                domain: None,
                user_id: None,
                tag: None,
                revocable: false,
                force_disconnect: false,
            }
        );
        assert_eq!(
            window_text(issue.window),
            "Valid from 2026-12-01 12:00:00 UTC until 2026-12-15 12:00:00 UTC (14 days)."
        );
        let revocable = group_issue(group, true, now()).expect("valid");
        assert!(revocable.request.revocable);
        assert_eq!(
            (revocable.request.not_before, revocable.request.expires_at),
            (None, None)
        );
        assert_eq!(
            window_text(revocable.window),
            "Valid from 2026-12-01 12:00:00 UTC until 2026-12-02 12:00:00 UTC (1 day)."
        );
    }

    #[test]
    fn a_group_token_with_every_option_becomes_the_request_the_api_expects() {
        let input = IssueInput {
            group: format!(" {GROUP} "),
            not_before: "2026-12-02T08:30".into(),
            expires_at: "2026-12-03T08:00".into(),
            ip: " 203.0.113.7 ".into(),
            domain: "WWW.Example.com".into(),
            user_id: "viewer-42".into(),
            tag: "launch".into(),
            revocable: true,
            force_disconnect: true,
            ..IssueInput::default()
        };
        let issue = build_issue(&input, now()).expect("valid");
        assert_eq!(
            serde_json::to_value(&issue.request).expect("serialises"),
            serde_json::json!({
                "scope": {"group": GROUP},
                "not_before": "2026-12-02T08:30:00.000Z",
                "expires_at": "2026-12-03T08:00:00.000Z",
                "ip": "203.0.113.7",
                "domain": "www.example.com",
                "user_id": "viewer-42",
                "tag": "launch",
                "revocable": true,
                "force_disconnect": true
            })
        );
        assert_eq!(
            window_text(issue.window),
            "Valid from 2026-12-02 08:30:00 UTC until 2026-12-03 08:00:00 UTC (23 hours 30 minutes)."
        );
    }

    #[test]
    fn defaults_leave_the_times_out_and_preview_the_lifetime() {
        let issue = build_issue(&group_input(), now()).expect("valid");
        assert_eq!(
            serde_json::to_value(&issue.request).expect("serialises"),
            serde_json::json!({"scope": {"group": GROUP}, "revocable": false, "force_disconnect": false})
        );
        assert_eq!(
            window_text(issue.window),
            "Valid from 2026-12-01 12:00:00 UTC until 2026-12-15 12:00:00 UTC (14 days)."
        );
        let revocable = IssueInput {
            revocable: true,
            ..group_input()
        };
        assert_eq!(
            window_text(build_issue(&revocable, now()).expect("valid").window),
            "Valid from 2026-12-01 12:00:00 UTC until 2026-12-02 12:00:00 UTC (1 day)."
        );
    }

    #[test]
    fn streams_and_organisation_scopes() {
        let input = IssueInput {
            scope: ScopeKind::Streams,
            streams: "Ab3De-x1y2z, Ab3De-Q9w8e\nAb3De-x1y2z".into(),
            ..IssueInput::default()
        };
        assert_eq!(
            serde_json::to_value(build_issue(&input, now()).expect("valid").request.scope)
                .expect("serialises"),
            serde_json::json!({"streams": ["Ab3De-x1y2z", "Ab3De-Q9w8e"]})
        );
        let bad = IssueInput {
            streams: "Ab3De-x1y2z nope".into(),
            ..input.clone()
        };
        assert_eq!(
            build_issue(&bad, now()).map(|i| i.request),
            Err(errors(&[(
                key::STREAMS,
                "streamname 2 must be a streamname like AbC12-xYz89 (5 letters or digits, a dash, 5 more)"
            )]))
        );
        let org = IssueInput {
            scope: ScopeKind::Organisation,
            ..IssueInput::default()
        };
        assert_eq!(
            serde_json::to_value(build_issue(&org, now()).expect("valid").request.scope)
                .expect("serialises"),
            serde_json::json!({"organisation": true})
        );
    }

    #[test]
    fn every_field_is_checked_with_the_shared_rules() {
        let input = IssueInput {
            group: "not-a-uuid".into(),
            ip: "300.1.1.1".into(),
            domain: "exa mple.com".into(),
            user_id: "   ".into(),
            tag: "x".repeat(129),
            not_before: "tomorrow".into(),
            ..IssueInput::default()
        };
        let found = build_issue(&input, now()).expect_err("refused");
        assert_eq!(
            found.keys().map(String::as_str).collect::<Vec<_>>(),
            vec![key::DOMAIN, key::IP, key::NOT_BEFORE, key::GROUP, key::TAG]
        );
        assert_eq!(
            found[key::GROUP],
            "must be a stream group id, a UUID such as 7c1e0000-0000-4000-8000-000000000001"
        );
        assert_eq!(
            found[key::IP],
            "must be an IPv4 or IPv6 address such as 203.0.113.7"
        );
        assert_eq!(
            found[key::NOT_BEFORE],
            "must be a date and time in UTC, such as 2026-12-01 12:00"
        );
        assert_eq!(
            found[key::TAG],
            TokenLabel::parse(&"x".repeat(129)).expect_err("long")
        );
        assert_eq!(
            found[key::DOMAIN],
            Domain::parse("exa mple.com").expect_err("bad")
        );
    }

    #[test]
    fn the_lifetime_rules_are_keyed_expires_at() {
        let check = |nbf: &str, exp: &str, revocable: bool| {
            build_issue(
                &IssueInput {
                    not_before: nbf.into(),
                    expires_at: exp.into(),
                    revocable,
                    ..group_input()
                },
                now(),
            )
            .map(|i| i.window)
        };
        assert_eq!(
            check("", "2026-12-01T11:00", false),
            Err(errors(&[(key::EXPIRES_AT, "must be in the future")]))
        );
        assert_eq!(
            check("2026-12-05T00:00", "2026-12-04T00:00", false),
            Err(errors(&[(key::EXPIRES_AT, "must be after not_before")]))
        );
        assert_eq!(
            check("", "2026-12-03T00:00", true),
            Err(errors(&[(
                key::EXPIRES_AT,
                "must be at most 24 hours after not_before for a revocable token"
            )]))
        );
        assert_eq!(
            check("2026-12-01T12:00", "2027-12-01T12:00:01", false),
            Err(errors(&[(
                key::EXPIRES_AT,
                "must be at most 365 days after not_before"
            )]))
        );
        assert_eq!(
            check("2026-12-01T12:00", "2027-12-01T12:00", false),
            Ok(TokenWindow {
                nbf: at("2026-12-01T12:00:00Z").millis() / 1000,
                exp: at("2027-12-01T12:00:00Z").millis() / 1000,
            })
        );
    }

    #[test]
    fn an_empty_scope_is_refused_only_after_a_submit() {
        let input = IssueInput::default();
        let found = build_issue(&input, now()).expect_err("refused");
        assert_eq!(found, errors(&[(key::GROUP, GROUP_EMPTY)]));
        assert_eq!(
            shown_issue_errors(&found, &input, false),
            FieldErrors::new()
        );
        assert_eq!(shown_issue_errors(&found, &input, true), found);
        let streams = IssueInput {
            scope: ScopeKind::Streams,
            ..IssueInput::default()
        };
        let found = build_issue(&streams, now()).expect_err("refused");
        assert_eq!(
            found,
            errors(&[(key::STREAMS, "must name at least one stream")])
        );
        assert_eq!(
            shown_issue_errors(&found, &streams, false),
            FieldErrors::new()
        );
        // Typed values are checked at once.
        let typed = IssueInput {
            group: "x".into(),
            ..IssueInput::default()
        };
        let found = build_issue(&typed, now()).expect_err("refused");
        assert_eq!(shown_issue_errors(&found, &typed, false), found);
    }

    #[test]
    fn utc_inputs_read_minutes_seconds_and_fractions() {
        assert_eq!(parse_utc_input(""), Ok(None));
        assert_eq!(parse_utc_input("  "), Ok(None));
        assert_eq!(
            parse_utc_input("2026-12-01T12:30"),
            Ok(Some(at("2026-12-01T12:30:00Z")))
        );
        assert_eq!(
            parse_utc_input("2026-12-01T12:30:15"),
            Ok(Some(at("2026-12-01T12:30:15Z")))
        );
        assert_eq!(
            parse_utc_input("2026-12-01T12:30:15.250"),
            Ok(Some(at("2026-12-01T12:30:15.250Z")))
        );
        assert!(parse_utc_input("2026-13-01T12:30").is_err());
        assert!(parse_utc_input("2026-12-01").is_err());
        // As the dashboard writes times: a space between date and time.
        assert_eq!(
            parse_utc_input(UTC_INPUT_EXAMPLE),
            Ok(Some(at("2026-12-01T12:00:00Z")))
        );
        assert_eq!(
            parse_utc_input(" 2026-12-01  12:30:15 "),
            Ok(Some(at("2026-12-01T12:30:15Z")))
        );
        assert!(parse_utc_input("2026-12-01 noon").is_err());
        assert!(parse_utc_input("12/01/2026 12:00").is_err());
    }

    #[test]
    fn durations_read_in_days_hours_and_minutes() {
        assert_eq!(duration_text(14 * 86_400), "14 days");
        assert_eq!(duration_text(86_400), "1 day");
        assert_eq!(
            duration_text(86_400 + 6 * 3_600 + 60),
            "1 day 6 hours 1 minute"
        );
        assert_eq!(duration_text(45 * 60 + 30), "45 minutes");
        assert_eq!(duration_text(30), "30 seconds");
        assert_eq!(duration_text(1), "1 second");
    }

    #[test]
    fn names_split_on_commas_and_white_space() {
        assert_eq!(split_names(" a,b  c\n,d,, "), vec!["a", "b", "c", "d"]);
        assert!(split_names(" , ").is_empty());
    }

    #[test]
    fn the_verify_form_checks_each_field() {
        let input = VerifyInput {
            token: " aaa.bbb.ccc ".into(),
            stream: "Ab3De-x1y2z".into(),
            ip: "2001:DB8::1".into(),
            domain: "Example.com".into(),
        };
        assert_eq!(
            serde_json::to_value(build_verify(&input).expect("valid")).expect("serialises"),
            serde_json::json!({
                "token": "aaa.bbb.ccc", "stream": "Ab3De-x1y2z",
                "ip": "2001:db8::1", "domain": "example.com"
            })
        );
        let only_token = VerifyInput {
            token: "aaa.bbb.ccc".into(),
            ..VerifyInput::default()
        };
        assert_eq!(
            serde_json::to_value(build_verify(&only_token).expect("valid")).expect("serialises"),
            serde_json::json!({"token": "aaa.bbb.ccc"})
        );
        let bad = VerifyInput {
            token: "aaa.bbb".into(),
            stream: "nope".into(),
            ip: "x".into(),
            domain: "-bad-".into(),
        };
        let found = build_verify(&bad).expect_err("refused");
        assert_eq!(
            found.keys().map(String::as_str).collect::<Vec<_>>(),
            vec![key::DOMAIN, key::IP, key::STREAM, key::TOKEN]
        );
        assert_eq!(
            found[key::TOKEN],
            "must be a JWT: three base64url parts separated by dots"
        );
        let empty = VerifyInput::default();
        let found = build_verify(&empty).expect_err("refused");
        assert_eq!(found, errors(&[(key::TOKEN, TOKEN_EMPTY)]));
        assert_eq!(
            shown_verify_errors(&found, &empty, false),
            FieldErrors::new()
        );
        assert_eq!(shown_verify_errors(&found, &empty, true), found);
    }

    #[test]
    fn a_valid_answer_says_what_was_checked() {
        let base =
            "Signed by one of this organisation's keys, not revoked and inside its time window.";
        let request = |stream: &str, ip: &str, domain: &str| {
            build_verify(&VerifyInput {
                token: "a.b.c".into(),
                stream: stream.into(),
                ip: ip.into(),
                domain: domain.into(),
            })
            .expect("valid")
        };
        assert_eq!(valid_sentence(&request("", "", "")), base);
        assert_eq!(
            valid_sentence(&request("", "", "example.com")),
            format!("{base} It may be used on example.com.")
        );
        assert_eq!(
            valid_sentence(&request("Ab3De-x1y2z", "203.0.113.7", "example.com")),
            format!(
                "{base} It covers stream Ab3De-x1y2z, may be used from 203.0.113.7 and may be used on example.com."
            )
        );
    }
}
