//! Newtypes that are valid by construction.
//!
//! Each has `parse(&str) -> Result<Self, String>`, where the error is a short phrase that
//! completes "<field> …" (e.g. "must be at least 10 characters"), so a form can show it
//! next to the field and the server can put it into `error.fields`. Deserialising goes
//! through `parse`, so a request body holding one of these is already valid.

use crate::openapi::schema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

// The `PATTERN`s below say in a regular expression what `parse` accepts once it has
// trimmed: they are published in the OpenAPI document and must mean the same in
// ECMA-262 (JSON Schema's dialect) and in Rust's `regex` (the tests), so they avoid
// `\s`, `\d` and `.`, whose meaning differs between the two, and spell classes out.

/// The characters of general category Cc (`char::is_control`), for patterns.
macro_rules! controls {
    () => {
        r"\u0000-\u001F\u007F-\u009F"
    };
}

/// White space that is not a control character (the rest of `char::is_whitespace`), for
/// patterns.
macro_rules! spaces {
    () => {
        r" \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
    };
}

/// The schema of a trimmed one-line label of 1 to `max` characters (see [`parse_label`]).
#[cfg(feature = "openapi")]
pub(crate) fn label_schema(description: &str, max: usize) -> utoipa::openapi::ObjectBuilder {
    crate::openapi::text(description, 1, max).pattern(Some(LABEL_PATTERN))
}

/// What [`parse_label`] accepts once trimmed, apart from the length: no control
/// characters and no white space at either end.
pub const LABEL_PATTERN: &str = concat!(
    "^[^",
    controls!(),
    spaces!(),
    "]([^",
    controls!(),
    "]*[^",
    controls!(),
    spaces!(),
    "])?$"
);

/// Implements the string plumbing (serde through `parse`, `Display`, `AsRef<str>`,
/// `FromStr`) for a `struct X(String)` that has an inherent `parse`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::parse(s)
            }
        }
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                $name::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A trimmed, non-empty single-line label of at most `max` characters.
pub(crate) fn parse_label(s: &str, max: usize) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("must not be empty".into());
    }
    if t.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if has_control(t) {
        return Err("must not contain control characters".into());
    }
    Ok(t.to_string())
}

/// An email address: trimmed, `local@domain` with a dot in the domain, no spaces,
/// at most 254 characters. Case is kept; uniqueness is decided case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;
    /// One `@` after a non-empty local part, a domain of dot-separated non-empty labels,
    /// no white space or control characters anywhere.
    pub const PATTERN: &'static str = concat!(
        "^[^@",
        controls!(),
        spaces!(),
        "]+@[^@.",
        controls!(),
        spaces!(),
        "]+(\\.[^@.",
        controls!(),
        spaces!(),
        "]+)+$"
    );

    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err("must not be empty".into());
        }
        if t.chars().count() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        let invalid = || "must be an email address such as name@example.com".to_string();
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = t.split_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || !domain_ok {
            return Err(invalid());
        }
        Ok(Email(t.to_string()))
    }

    /// The form used for uniqueness and look-ups.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}
string_newtype!(Email);
schema!(
    Email,
    crate::openapi::text(
        "An email address (`local@domain`, a dot in the domain); surrounding white space is \
     trimmed.",
        0,
        Email::MAX_CHARS,
    )
    .pattern(Some(Email::PATTERN))
    .format(crate::openapi::format(crate::openapi::KnownFormat::Email))
);

/// A new password: 10 to 1024 characters (the upper bound keeps hashing cheap to refuse).
/// `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(s: &str) -> Result<Self, String> {
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(format!("must be at least {} characters", Self::MIN_CHARS));
        }
        if n > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        Ok(Password(s.to_string()))
    }
}
string_newtype!(Password);
schema!(
    Password,
    crate::openapi::text(
        "A new password, taken as typed (not trimmed).",
        Password::MIN_CHARS,
        Password::MAX_CHARS,
    )
    .format(crate::openapi::format(
        crate::openapi::KnownFormat::Password
    ))
);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// An organisation's display name: trimmed, 1 to 100 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgName(String);

impl OrgName {
    pub const MAX_CHARS: usize = 100;
    pub fn parse(s: &str) -> Result<Self, String> {
        parse_label(s, Self::MAX_CHARS).map(OrgName)
    }
}
string_newtype!(OrgName);
schema!(
    OrgName,
    label_schema(
        "An organisation's display name: one line; surrounding white space is trimmed.",
        OrgName::MAX_CHARS,
    )
);

/// An API key's name: trimmed, 1 to 100 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApiKeyName(String);

impl ApiKeyName {
    pub const MAX_CHARS: usize = 100;
    pub fn parse(s: &str) -> Result<Self, String> {
        parse_label(s, Self::MAX_CHARS).map(ApiKeyName)
    }
}
string_newtype!(ApiKeyName);
schema!(
    ApiKeyName,
    label_schema(
        "An API key's name: one line; surrounding white space is trimmed.",
        ApiKeyName::MAX_CHARS,
    )
);

/// An organisation hash: exactly 5 ASCII letters or digits, case-sensitive; the prefix
/// of every streamname of the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, pattern = "^[A-Za-z0-9]{5}$"))]
#[serde(try_from = "String", into = "String")]
pub struct OrgHash(String);

impl OrgHash {
    pub const LEN: usize = 5;
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() == Self::LEN && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(OrgHash(s.to_string()))
        } else {
            Err("must be exactly 5 letters or digits".into())
        }
    }
}
string_newtype!(OrgHash);

/// A webhook URL: `http://` or `https://`, a host, no white space, at most 2048 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub const MAX_CHARS: usize = 2048;
    /// The scheme (any case), optional user-info up to the authority's last `@`, then a
    /// host that is not empty (`[…]` for an IPv6 literal), then anything without white
    /// space or control characters.
    pub const PATTERN: &'static str = concat!(
        "^[Hh][Tt][Tt][Pp][Ss]?://([^/?#",
        controls!(),
        spaces!(),
        "]*@)?([^/?#@:\\[",
        controls!(),
        spaces!(),
        "]|\\[+[^/?#@\\[\\]",
        controls!(),
        spaces!(),
        "])[^/?#@",
        controls!(),
        spaces!(),
        "]*([/?#][^",
        controls!(),
        spaces!(),
        "]*)?$"
    );

    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.chars().count() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        let invalid = || "must be an http:// or https:// URL with a host".to_string();
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let lower = t.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or_else(invalid)?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        // Drop user-info and port to look at the host itself.
        let host_port = authority.rsplit('@').next().unwrap_or_default();
        let host = if host_port.starts_with('[') {
            host_port
                .split(']')
                .next()
                .map(|h| h.trim_start_matches('['))
        } else {
            host_port.split(':').next()
        }
        .unwrap_or_default();
        if host.is_empty() {
            return Err(invalid());
        }
        Ok(WebhookUrl(t.to_string()))
    }
}
string_newtype!(WebhookUrl);
schema!(
    WebhookUrl,
    crate::openapi::text(
        "An http:// or https:// URL with a host; surrounding white space is trimmed.",
        0,
        WebhookUrl::MAX_CHARS,
    )
    .pattern(Some(WebhookUrl::PATTERN))
    .format(crate::openapi::uri())
);

/// Where a stream is re-published (restreaming): `rtmp://`, `rtmps://` or `srt://` with a
/// host, no white space, at most 2048 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PushUrl(String);

impl PushUrl {
    pub const MAX_CHARS: usize = 2048;
    pub const SCHEMES: [&'static str; 3] = ["rtmp://", "rtmps://", "srt://"];
    /// One of [`PushUrl::SCHEMES`] (any case), a host that is not empty, no white space
    /// or control characters.
    pub const PATTERN: &'static str = concat!(
        "^([Rr][Tt][Mm][Pp][Ss]?|[Ss][Rr][Tt])://[^/?#:",
        controls!(),
        spaces!(),
        "][^",
        controls!(),
        spaces!(),
        "]*$"
    );

    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.chars().count() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        let invalid = || "must be an rtmp://, rtmps:// or srt:// URL with a host".to_string();
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let lower = t.to_ascii_lowercase();
        let rest = Self::SCHEMES
            .iter()
            .find_map(|scheme| lower.strip_prefix(scheme))
            .ok_or_else(invalid)?;
        let host = rest.split(['/', '?', '#', ':']).next().unwrap_or_default();
        if host.is_empty() {
            return Err(invalid());
        }
        Ok(PushUrl(t.to_string()))
    }
}
string_newtype!(PushUrl);
schema!(
    PushUrl,
    crate::openapi::text(
        "Where the stream is re-published: an rtmp://, rtmps:// or srt:// URL with a host; \
     surrounding white space is trimmed.",
        0,
        PushUrl::MAX_CHARS,
    )
    .pattern(Some(PushUrl::PATTERN))
    .format(crate::openapi::uri())
);

/// A domain a playback token is bound to (`dom` claim): a host name such as
/// `www.example.com`, lowercased, letters, digits and hyphens in dot-separated labels of
/// 1 to 63 characters, at most 253 in all; no scheme, port or path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain(String);

impl Domain {
    pub const MAX_CHARS: usize = 253;
    /// Dot-separated labels of 1 to 63 letters, digits and hyphens, with no hyphen at
    /// either end of a label.
    pub const PATTERN: &'static str = concat!(
        "^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?",
        "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
    );
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().trim_end_matches('.').to_ascii_lowercase();
        let invalid =
            || "must be a host name such as www.example.com (no scheme, port or path)".to_string();
        if t.is_empty() || t.len() > Self::MAX_CHARS {
            return Err(invalid());
        }
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if t.split('.').all(label_ok) {
            Ok(Domain(t))
        } else {
            Err(invalid())
        }
    }
}
string_newtype!(Domain);
schema!(
    Domain,
    crate::openapi::text(
        "A host name such as www.example.com (no scheme, port or path); it is lowercased, and \
     surrounding white space and trailing dots are dropped.",
        0,
        Domain::MAX_CHARS,
    )
    .pattern(Some(Domain::PATTERN))
    .examples(["www.example.com"])
);

/// A client address a playback token is bound to (`ip` claim): IPv4 or IPv6, kept in
/// its canonical text form (`2001:DB8::1` → `2001:db8::1`, the IPv4-mapped
/// `::ffff:203.0.113.7` → `203.0.113.7`), so equal addresses compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "203.0.113.7"))]
#[serde(try_from = "String", into = "String")]
pub struct ClientIp(String);

impl ClientIp {
    pub fn parse(s: &str) -> Result<Self, String> {
        s.trim()
            .parse::<std::net::IpAddr>()
            .map(|ip| ClientIp(ip.to_canonical().to_string()))
            .map_err(|_| "must be an IPv4 or IPv6 address such as 203.0.113.7".to_string())
    }
}
string_newtype!(ClientIp);

/// A free label carried in a playback token (`uid`, `tag`): trimmed, 1 to 128
/// characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TokenLabel(String);

impl TokenLabel {
    pub const MAX_CHARS: usize = 128;
    pub fn parse(s: &str) -> Result<Self, String> {
        parse_label(s, Self::MAX_CHARS).map(TokenLabel)
    }
}
string_newtype!(TokenLabel);
schema!(
    TokenLabel,
    label_schema(
        "A label of yours carried in the token: one line; surrounding white space is trimmed.",
        TokenLabel::MAX_CHARS,
    )
);

/// A playback token (JWT) for a secured stream: trimmed, three non-empty base64url parts
/// separated by dots, at most 8192 characters. Only its shape is checked here; the
/// playout verifies the signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlaybackJwt(String);

impl PlaybackJwt {
    pub const MAX_LEN: usize = 8192;
    /// Three non-empty base64url parts separated by dots.
    pub const PATTERN: &'static str = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$";

    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let part_ok = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if t.len() <= Self::MAX_LEN && t.split('.').count() == 3 && t.split('.').all(part_ok) {
            Ok(PlaybackJwt(t.to_string()))
        } else {
            Err("must be a JWT: three base64url parts separated by dots".into())
        }
    }
}
string_newtype!(PlaybackJwt);
schema!(
    PlaybackJwt,
    crate::openapi::text(
        "A playback token (JWT): three base64url parts separated by dots; surrounding white \
     space is trimmed.",
        0,
        PlaybackJwt::MAX_LEN,
    )
    .pattern(Some(PlaybackJwt::PATTERN))
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn domains_are_host_names_lowercased() {
        assert_eq!(
            Domain::parse(" WWW.Example.com. ").map(|d| d.into_inner()),
            Ok("www.example.com".into())
        );
        assert_eq!(
            Domain::parse("localhost").map(|d| d.into_inner()),
            Ok("localhost".into())
        );
        let err = Err(
            "must be a host name such as www.example.com (no scheme, port or path)".to_string(),
        );
        for bad in [
            "",
            "https://example.com",
            "example.com:443",
            "example.com/x",
            "a..b",
            "-a.com",
            "a-.com",
            "ex ample.com",
            &"a".repeat(64),
        ] {
            assert_eq!(Domain::parse(bad).map(|d| d.into_inner()), err, "{bad:?}");
        }
    }

    #[test]
    fn client_ips_are_canonical() {
        assert_eq!(
            ClientIp::parse(" 203.0.113.7 ").map(|d| d.into_inner()),
            Ok("203.0.113.7".into())
        );
        assert_eq!(
            ClientIp::parse("::FFFF:1").map(|d| d.into_inner()),
            Ok("::ffff:1".into())
        );
        // An IPv4 client seen through an IPv6 socket is the same client.
        assert_eq!(
            ClientIp::parse("::ffff:203.0.113.7").map(|d| d.into_inner()),
            Ok("203.0.113.7".into())
        );
        assert_eq!(
            ClientIp::parse("2001:DB8::1").map(|d| d.into_inner()),
            Ok("2001:db8::1".into())
        );
        for bad in [
            "",
            "203.0.113",
            "203.0.113.256",
            "example.com",
            "1.2.3.4/24",
        ] {
            assert_eq!(
                ClientIp::parse(bad).map(|d| d.into_inner()),
                Err("must be an IPv4 or IPv6 address such as 203.0.113.7".to_string()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn token_labels_are_short_single_lines() {
        assert_eq!(
            TokenLabel::parse(" viewer-42 ").map(|d| d.into_inner()),
            Ok("viewer-42".into())
        );
        assert_eq!(
            TokenLabel::parse(&"é".repeat(128)).map(|d| d.as_str().chars().count()),
            Ok(128)
        );
        assert_eq!(
            TokenLabel::parse(&"é".repeat(129)).map(|_| ()),
            Err("must be at most 128 characters".into())
        );
        assert_eq!(
            TokenLabel::parse("a\nb").map(|_| ()),
            Err("must not contain control characters".into())
        );
    }

    #[test]
    fn email_examples() {
        assert_eq!(
            Email::parse("  Ana@Example.org ").map(|e| e.normalized()),
            Ok("ana@example.org".into())
        );
        assert!(Email::parse("ana@localhost").is_err());
        assert!(Email::parse("@example.org").is_err());
        assert!(Email::parse("ana@@example.org").is_err());
        assert!(Email::parse("a na@example.org").is_err());
        assert!(Email::parse("ana@example..org").is_err());
        assert_eq!(Email::parse(""), Err("must not be empty".into()));
    }

    #[test]
    fn password_bounds() {
        assert_eq!(
            Password::parse("123456789"),
            Err("must be at least 10 characters".into())
        );
        assert!(Password::parse("1234567890").is_ok());
        // Characters, not bytes: ten two-byte letters are enough.
        assert!(Password::parse("éééééééééé").is_ok());
        assert!(Password::parse(&"x".repeat(1024)).is_ok());
        assert!(Password::parse(&"x".repeat(1025)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("secret-password").ok()),
            "Some(Password(***))"
        );
    }

    #[test]
    fn webhook_examples() {
        assert!(WebhookUrl::parse("https://hooks.example.com/castboard?x=1").is_ok());
        assert!(WebhookUrl::parse("HTTP://10.0.0.1:8080/").is_ok());
        assert!(WebhookUrl::parse("http://[::1]:9000/hook").is_ok());
        assert!(WebhookUrl::parse("ftp://example.com").is_err());
        assert!(WebhookUrl::parse("https://").is_err());
        assert!(WebhookUrl::parse("https://:80/").is_err());
        assert!(WebhookUrl::parse("https://exa mple.com").is_err());
        assert!(WebhookUrl::parse("javascript:alert(1)").is_err());
    }

    #[test]
    fn push_url_examples() {
        assert!(PushUrl::parse("rtmp://live.example.com/app/key").is_ok());
        assert!(PushUrl::parse("RTMPS://live.example.com:443/app").is_ok());
        assert!(PushUrl::parse("srt://10.0.0.1:9000?streamid=x").is_ok());
        assert!(PushUrl::parse("https://live.example.com/app").is_err());
        assert!(PushUrl::parse("rtmp:///app").is_err());
        assert!(PushUrl::parse("rtmp://a b/app").is_err());
    }

    #[test]
    fn org_hash_examples() {
        assert!(OrgHash::parse("HX26g").is_ok());
        assert!(OrgHash::parse("HX26").is_err());
        assert!(OrgHash::parse("HX26g1").is_err());
        assert!(OrgHash::parse("HX-6g").is_err());
        assert!(OrgHash::parse("HXé6").is_err());
    }

    #[test]
    fn deserialising_validates() {
        let bad: Result<Email, _> = serde_json::from_str("\"nope\"");
        assert_eq!(
            bad.map_err(|e| e.to_string()),
            Err("must be an email address such as name@example.com".to_string())
        );
        let good: Email = serde_json::from_str("\" a@b.co \"").expect("valid");
        assert_eq!(
            serde_json::to_string(&good).expect("serialises"),
            "\"a@b.co\""
        );
    }

    /// Whether `pattern` matches `s`, read by Rust's regex (the patterns keep to what it
    /// and ECMA-262 read alike).
    fn matches(pattern: &str, s: &str) -> bool {
        regex::Regex::new(pattern)
            .expect("a valid pattern")
            .is_match(s)
    }

    /// Strings over `alphabet`, up to `max` characters: the characters each rule turns on.
    fn over(alphabet: &'static [char], max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(alphabet), 0..=max)
            .prop_map(String::from_iter)
    }

    /// Checks a published pattern against `parse`: nothing it matches is refused, and
    /// every accepted value that `parse` keeps as given (already trimmed, already
    /// lowercase, …) matches.
    fn pattern_agrees<T: AsRef<str>>(
        pattern: &str,
        s: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<(), TestCaseError> {
        let parsed = parse(s);
        if matches(pattern, s) {
            prop_assert!(parsed.is_ok(), "{s:?} matches {pattern} but is refused");
        }
        if let Ok(v) = &parsed {
            if v.as_ref() == s {
                prop_assert!(
                    matches(pattern, s),
                    "{s:?} is accepted as is but does not match"
                );
            }
        }
        Ok(())
    }

    /// Characters around the edges of the text rules: controls, white space of both kinds,
    /// a byte-order mark (neither), letters and separators.
    const TEXT: &[char] = &[
        'a', 'Z', 'é', '-', '.', ' ', '\t', '\n', '\u{1}', '\u{7f}', '\u{85}', '\u{a0}',
        '\u{2000}', '\u{3000}', '\u{feff}',
    ];

    #[test]
    fn published_patterns_read_alike_in_both_dialects() {
        // Escapes the two engines share, and classes spelt out where they differ.
        assert!(matches(LABEL_PATTERN, "a\u{feff}b"));
        assert!(!matches(LABEL_PATTERN, "a\u{85}b"));
        assert!(!matches(LABEL_PATTERN, "a\u{3000}"));
        assert!(matches(Email::PATTERN, "ana@example.org"));
        assert!(matches(WebhookUrl::PATTERN, "http://[::1]:9000/hook"));
        assert!(!matches(WebhookUrl::PATTERN, "http://a@:80/"));
        assert!(matches(PushUrl::PATTERN, "SRT://10.0.0.1:9000?streamid=x"));
        assert!(matches(Domain::PATTERN, &format!("{}.com", "a".repeat(63))));
        assert!(!matches(
            Domain::PATTERN,
            &format!("{}.com", "a".repeat(64))
        ));
    }

    proptest! {
        #[test]
        fn password_accepts_exactly_10_to_1024_chars(s in "\\PC{0,1100}") {
            let n = s.chars().count();
            prop_assert_eq!(Password::parse(&s).is_ok(), (10..=1024).contains(&n));
        }

        #[test]
        fn labels_are_trimmed_and_bounded(s in "[ ]{0,3}[a-zA-Z0-9 ]{0,120}[ ]{0,3}") {
            let t = s.trim();
            match OrgName::parse(&s) {
                Ok(name) => {
                    prop_assert_eq!(name.as_str(), t);
                    prop_assert!(!t.is_empty() && t.chars().count() <= 100);
                }
                Err(_) => prop_assert!(t.is_empty() || t.chars().count() > 100),
            }
        }

        #[test]
        fn labels_refuse_control_characters(a in "[a-z]{1,10}", c in "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]", b in "[a-z]{1,10}") {
            let s = format!("{a}{c}{b}");
            prop_assert_eq!(ApiKeyName::parse(&s), Err("must not contain control characters".to_string()));
        }

        #[test]
        fn org_hash_is_exactly_five_alphanumerics(s in "\\PC{0,8}") {
            let ok = s.len() == 5 && s.bytes().all(|b| b.is_ascii_alphanumeric());
            prop_assert_eq!(OrgHash::parse(&s).is_ok(), ok);
        }

        #[test]
        fn valid_emails_round_trip(local in "[a-z0-9._+-]{1,20}", host in "[a-z0-9-]{1,20}", tld in "[a-z]{2,6}") {
            let s = format!("{local}@{host}.{tld}");
            let e = Email::parse(&s).expect("well-formed address");
            prop_assert_eq!(e.as_str(), s.as_str());
            let back: Email = serde_json::from_str(&serde_json::to_string(&e).expect("serialises")).expect("parses");
            prop_assert_eq!(back, e);
        }

        #[test]
        fn emails_never_contain_spaces(s in "\\PC{0,40}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert!(!e.as_str().chars().any(char::is_whitespace));
                prop_assert_eq!(e.as_str().matches('@').count(), 1);
            }
        }

        #[test]
        fn the_label_pattern_is_parse_label(s in over(TEXT, 5)) {
            // The length is stated apart (minLength, maxLength); here it never binds.
            pattern_agrees(LABEL_PATTERN, &s, |s| parse_label(s, 10))?;
        }

        #[test]
        fn the_email_pattern_is_email_parse(
            s in over(&['a', 'é', '.', '@', '-', ' ', '\u{1}', '\u{a0}'], 9),
        ) {
            pattern_agrees(Email::PATTERN, &s, Email::parse)?;
        }

        #[test]
        fn the_webhook_pattern_is_webhook_parse(
            scheme in proptest::sample::select(
                &["http://", "HTTPS://", "hTtP://", "ftp://", "https:/", ""][..],
            ),
            rest in over(&['a', '1', '.', ':', '@', '[', ']', '/', '?', '#', ' ', '\u{1}'], 7),
        ) {
            pattern_agrees(WebhookUrl::PATTERN, &format!("{scheme}{rest}"), WebhookUrl::parse)?;
        }

        #[test]
        fn the_push_url_pattern_is_push_url_parse(
            scheme in proptest::sample::select(
                &["rtmp://", "RTMPS://", "srt://", "rtmpx://", "https://", "srt:/"][..],
            ),
            rest in over(&['a', '1', '.', ':', '@', '/', '?', '#', ' ', '\u{1}', '\u{a0}'], 6),
        ) {
            pattern_agrees(PushUrl::PATTERN, &format!("{scheme}{rest}"), PushUrl::parse)?;
        }

        #[test]
        fn the_domain_pattern_is_domain_parse(s in over(&['a', 'Z', '0', '-', '.', '_', ' '], 9)) {
            pattern_agrees(Domain::PATTERN, &s.to_ascii_lowercase(), Domain::parse)?;
            // Upper case is lowercased, so it is as good.
            let lower = s.to_ascii_lowercase();
            prop_assert_eq!(matches(Domain::PATTERN, &s), matches(Domain::PATTERN, &lower));
        }

        #[test]
        fn the_jwt_pattern_is_jwt_parse(s in over(&['a', '0', '_', '-', '.', '=', '+', ' '], 8)) {
            pattern_agrees(PlaybackJwt::PATTERN, &s, PlaybackJwt::parse)?;
        }

        #[test]
        fn the_org_hash_schema_is_org_hash_parse(s in over(&['a', 'Z', '0', '-', 'é'], 6)) {
            pattern_agrees("^[A-Za-z0-9]{5}$", &s, OrgHash::parse)?;
        }

        #[test]
        fn webhook_urls_keep_their_scheme(host in "[a-z0-9]{1,20}(\\.[a-z]{2,5})?", path in "(/[a-z0-9]{0,10}){0,3}", tls in any::<bool>()) {
            let scheme = if tls { "https" } else { "http" };
            let s = format!("{scheme}://{host}{path}");
            let u = WebhookUrl::parse(&s).expect("valid URL");
            prop_assert_eq!(u.as_str(), s.as_str());
        }
    }
}
