//! How the console words tokens: a token's status at a moment, its scope, restrictions
//! and labels in a phrase, its claims as labelled rows, and the list's page range. Pure
//! functions, no views; the stream overview's Secure playback card words its token with
//! them too.

use crate::format::utc_text;
use shared::model::{TokenClaims, TokenInfo};
use shared::Timestamp;
use uuid::Uuid;

/// Where an issued token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    Active,
    NotYetValid,
    Expired,
    Revoked(Timestamp),
}

impl TokenStatus {
    /// Revocation wins; otherwise the time window decides (`expires_at` itself is past).
    pub fn of(info: &TokenInfo, now: Timestamp) -> TokenStatus {
        if let Some(at) = info.revoked_at {
            TokenStatus::Revoked(at)
        } else if now < info.not_before {
            TokenStatus::NotYetValid
        } else if now >= info.expires_at {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }

    /// For `data-status` and the badge's class.
    pub fn key(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::NotYetValid => "not-yet-valid",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked(_) => "revoked",
        }
    }

    pub fn label(self) -> String {
        match self {
            TokenStatus::Active => "Active".to_string(),
            TokenStatus::NotYetValid => "Not yet valid".to_string(),
            TokenStatus::Expired => "Expired".to_string(),
            TokenStatus::Revoked(at) => format!("Revoked at {}", utc_text(at)),
        }
    }
}

/// Whether an admin may still revoke the token.
pub fn can_revoke(info: &TokenInfo) -> bool {
    info.revocable && info.revoked_at.is_none()
}

/// What a listed token covers, in a phrase: a group by its passthrough's streamname
/// when the server named it, else as [`scope_text`] reads the claims.
pub fn listed_scope_text(info: &TokenInfo) -> String {
    match (&info.group_name, info.claims.grp) {
        (Some(name), Some(_)) => format!("Stream group {name}"),
        _ => scope_text(&info.claims),
    }
}

/// What the token covers, in a phrase.
pub fn scope_text(claims: &TokenClaims) -> String {
    if let Some(group) = claims.grp {
        format!("Stream group {group}")
    } else if let Some(streams) = &claims.streams {
        let noun = if streams.len() == 1 {
            "Stream"
        } else {
            "Streams"
        };
        format!("{noun} {}", streams.join(", "))
    } else if claims.orgwide == Some(true) {
        "Whole organisation".to_string()
    } else {
        "No scope".to_string()
    }
}

/// Where the token may be used, in words: its bound address and domain, or that it is
/// bound to neither.
pub fn restrictions_text(claims: &TokenClaims) -> String {
    let bound: Vec<String> = [
        claims
            .ip
            .as_ref()
            .map(|ip| format!("only from address {ip}")),
        claims
            .dom
            .as_ref()
            .map(|dom| format!("only on pages of {dom}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if bound.is_empty() {
        "None: any address, any site".to_string()
    } else {
        let mut text = bound.join(", ");
        text[..1].make_ascii_uppercase();
        text
    }
}

/// The token's own labels ("user u-1 · tag launch"), if it has any.
pub fn labels_text(claims: &TokenClaims) -> Option<String> {
    let labels: Vec<String> = [
        claims.uid.as_ref().map(|u| format!("user {u}")),
        claims.tag.as_ref().map(|t| format!("tag {t}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!labels.is_empty()).then(|| labels.join(" · "))
}

/// The first block of a token id, enough to tell tokens apart in a table.
pub fn short_id(id: Uuid) -> String {
    id.to_string().chars().take(8).collect()
}

/// A signing key's id cut to 8 characters ("…" marks the cut), for narrow columns.
pub fn short_kid(kid: &str) -> String {
    if kid.chars().count() <= 10 {
        kid.to_string()
    } else {
        format!("{}…", kid.chars().take(8).collect::<String>())
    }
}

/// A claim's value as shown: text, or a time (whole seconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimValue {
    Text(String),
    Time(i64),
}

/// One row of the decoded view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    /// The claim's name in the JWT (`grp`, `exp`, …).
    pub name: &'static str,
    /// What it means, for people.
    pub meaning: &'static str,
    pub value: ClaimValue,
}

/// Every claim the token carries, in the order of docs/api.md ("Playback tokens"); absent
/// optional claims are left out.
pub fn claim_rows(claims: &TokenClaims) -> Vec<ClaimRow> {
    use ClaimValue::{Text, Time};
    let row = |name, meaning, value| ClaimRow {
        name,
        meaning,
        value,
    };
    let yes = |flag: Option<bool>| flag.map(|b| if b { "true" } else { "false" }.to_string());
    let mut rows = vec![
        row("iss", "issuer", Text(claims.iss.clone())),
        row("aud", "audience", Text(claims.aud.clone())),
        row("jti", "token id", Text(claims.jti.to_string())),
        row("org", "organisation", Text(claims.org.clone())),
    ];
    let optional = [
        (
            "grp",
            "scope: stream group",
            claims.grp.map(|g| g.to_string()),
        ),
        (
            "streams",
            "scope: streams",
            claims.streams.as_ref().map(|s| s.join(", ")),
        ),
        ("orgwide", "scope: whole organisation", yes(claims.orgwide)),
    ];
    rows.extend(
        optional
            .into_iter()
            .filter_map(|(name, meaning, value)| value.map(|v| row(name, meaning, Text(v)))),
    );
    rows.extend([
        row("iat", "issued at", Time(claims.iat)),
        row("nbf", "not before", Time(claims.nbf)),
        row("exp", "expires at", Time(claims.exp)),
    ]);
    let bindings = [
        ("ip", "client address", claims.ip.clone()),
        ("dom", "domain", claims.dom.clone()),
        ("uid", "user id", claims.uid.clone()),
        ("tag", "tag", claims.tag.clone()),
        ("rev", "revocable", yes(claims.rev)),
        ("fdc", "force disconnect", yes(claims.fdc)),
    ];
    rows.extend(
        bindings
            .into_iter()
            .filter_map(|(name, meaning, value)| value.map(|v| row(name, meaning, Text(v)))),
    );
    rows
}

/// How many pages `total` items make (at least one, for "page 1 of 1").
pub fn page_count(total: u64, per_page: u32) -> u64 {
    total.div_ceil(u64::from(per_page.max(1))).max(1)
}

/// "1–25 of 40 tokens" for the items shown on `page`.
pub fn range_text(page: u64, per_page: u32, shown: usize, total: u64) -> String {
    let noun = if total == 1 { "token" } else { "tokens" };
    if shown == 0 {
        return format!("None on this page of {total} {noun}");
    }
    let first = (page.max(1) - 1) * u64::from(per_page) + 1;
    let last = first + shown as u64 - 1;
    format!("{first}–{last} of {total} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).expect("valid time")
    }

    fn claims() -> TokenClaims {
        TokenClaims {
            iat: 100,
            nbf: 100,
            exp: 200,
            ..TokenClaims::example()
        }
    }

    fn info(revoked_at: Option<&str>) -> TokenInfo {
        TokenInfo {
            id: Uuid::nil(),
            kid: "k1".into(),
            issued_at: at("2026-12-01T11:00:00Z"),
            not_before: at("2026-12-01T12:00:00Z"),
            expires_at: at("2026-12-02T12:00:00Z"),
            revocable: true,
            revoked_at: revoked_at.map(at),
            issued_by: "admin@example.com".into(),
            claims: claims(),
            group_name: None,
        }
    }

    #[test]
    fn status_follows_revocation_then_the_window() {
        let token = info(None);
        let status = |now: &str| TokenStatus::of(&token, at(now));
        assert_eq!(status("2026-12-01T11:59:59.999Z"), TokenStatus::NotYetValid);
        assert_eq!(status("2026-12-01T12:00:00Z"), TokenStatus::Active);
        assert_eq!(status("2026-12-02T11:59:59.999Z"), TokenStatus::Active);
        assert_eq!(status("2026-12-02T12:00:00Z"), TokenStatus::Expired);
        let revoked = info(Some("2026-12-01T13:00:00Z"));
        let status = TokenStatus::of(&revoked, at("2026-12-01T14:00:00Z"));
        assert_eq!(status, TokenStatus::Revoked(at("2026-12-01T13:00:00Z")));
        assert_eq!(status.label(), "Revoked at 2026-12-01 13:00:00 UTC");
        assert_eq!(status.key(), "revoked");
        assert_eq!(TokenStatus::NotYetValid.label(), "Not yet valid");
        assert_eq!(TokenStatus::Expired.key(), "expired");
    }

    #[test]
    fn only_revocable_tokens_not_yet_revoked_can_be_revoked() {
        assert!(can_revoke(&info(None)));
        assert!(!can_revoke(&info(Some("2026-12-01T13:00:00Z"))));
        let fixed = TokenInfo {
            revocable: false,
            ..info(None)
        };
        assert!(!can_revoke(&fixed));
    }

    #[test]
    fn a_listed_group_token_reads_by_its_streamname() {
        let mut listed = info(None);
        assert_eq!(listed_scope_text(&listed), "Whole organisation");
        listed.claims.grp = Some(Uuid::nil());
        listed.claims.orgwide = None;
        assert_eq!(
            listed_scope_text(&listed),
            "Stream group 00000000-0000-0000-0000-000000000000"
        );
        listed.group_name = Some(shared::stream::StreamName::parse("Ab3xY-k9PqZ").expect("a name"));
        assert_eq!(listed_scope_text(&listed), "Stream group Ab3xY-k9PqZ");
    }

    #[test]
    fn scopes_read_as_phrases() {
        assert_eq!(scope_text(&claims()), "Whole organisation");
        let group = TokenClaims {
            grp: Some(Uuid::nil()),
            orgwide: None,
            ..claims()
        };
        assert_eq!(
            scope_text(&group),
            "Stream group 00000000-0000-0000-0000-000000000000"
        );
        let one = TokenClaims {
            streams: Some(vec!["Ab3De-x1y2z".into()]),
            orgwide: None,
            ..claims()
        };
        assert_eq!(scope_text(&one), "Stream Ab3De-x1y2z");
        let two = TokenClaims {
            streams: Some(vec!["Ab3De-x1y2z".into(), "Ab3De-Q9w8e".into()]),
            orgwide: None,
            ..claims()
        };
        assert_eq!(scope_text(&two), "Streams Ab3De-x1y2z, Ab3De-Q9w8e");
        assert_eq!(
            short_id(Uuid::parse_str("7c1e0a2b-0000-4000-8000-000000000001").expect("uuid")),
            "7c1e0a2b"
        );
        assert_eq!(
            short_kid("Y8tGiaduTX_L3uIwbnvarAuVLcS5wLSt1j0ZwQz4JKk"),
            "Y8tGiadu…"
        );
        assert_eq!(short_kid("k1"), "k1");
        assert_eq!(short_kid("0123456789"), "0123456789");
    }

    #[test]
    fn restrictions_and_labels_read_as_words() {
        assert_eq!(restrictions_text(&claims()), "None: any address, any site");
        let ip = TokenClaims {
            ip: Some("203.0.113.7".into()),
            ..claims()
        };
        assert_eq!(restrictions_text(&ip), "Only from address 203.0.113.7");
        let dom = TokenClaims {
            dom: Some("example.com".into()),
            ..claims()
        };
        assert_eq!(restrictions_text(&dom), "Only on pages of example.com");
        let both = TokenClaims {
            dom: Some("example.com".into()),
            ..ip
        };
        assert_eq!(
            restrictions_text(&both),
            "Only from address 203.0.113.7, only on pages of example.com"
        );
        assert_eq!(labels_text(&claims()), None);
        let labelled = TokenClaims {
            uid: Some("u-1".into()),
            tag: Some("launch".into()),
            ..claims()
        };
        assert_eq!(
            labels_text(&labelled).as_deref(),
            Some("user u-1 · tag launch")
        );
        let tagged = TokenClaims {
            tag: Some("launch".into()),
            ..claims()
        };
        assert_eq!(labels_text(&tagged).as_deref(), Some("tag launch"));
    }

    #[test]
    fn claim_rows_list_what_the_token_carries() {
        let names = |c: &TokenClaims| claim_rows(c).iter().map(|r| r.name).collect::<Vec<_>>();
        assert_eq!(
            names(&claims()),
            vec!["iss", "aud", "jti", "org", "orgwide", "iat", "nbf", "exp"]
        );
        let full = TokenClaims {
            grp: Some(Uuid::nil()),
            orgwide: None,
            ip: Some("203.0.113.7".into()),
            dom: Some("example.com".into()),
            uid: Some("u-1".into()),
            tag: Some("launch".into()),
            rev: Some(true),
            fdc: Some(true),
            ..claims()
        };
        let rows = claim_rows(&full);
        assert_eq!(
            rows.iter().map(|r| r.name).collect::<Vec<_>>(),
            vec![
                "iss", "aud", "jti", "org", "grp", "iat", "nbf", "exp", "ip", "dom", "uid", "tag",
                "rev", "fdc"
            ]
        );
        assert_eq!(
            rows[4],
            ClaimRow {
                name: "grp",
                meaning: "scope: stream group",
                value: ClaimValue::Text("00000000-0000-0000-0000-000000000000".into()),
            }
        );
        assert_eq!(rows[7].value, ClaimValue::Time(200));
        assert_eq!(rows[12].value, ClaimValue::Text("true".into()));
    }

    #[test]
    fn pages_and_ranges() {
        assert_eq!(page_count(0, 25), 1);
        assert_eq!(page_count(25, 25), 1);
        assert_eq!(page_count(26, 25), 2);
        assert_eq!(range_text(1, 25, 25, 40), "1–25 of 40 tokens");
        assert_eq!(range_text(2, 25, 15, 40), "26–40 of 40 tokens");
        assert_eq!(range_text(1, 25, 1, 1), "1–1 of 1 token");
        assert_eq!(range_text(3, 25, 0, 40), "None on this page of 40 tokens");
    }
}
