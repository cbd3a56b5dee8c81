//! Secure playback: signing keys, playback tokens (JWTs) and their verification.
//!
//! The rules a form can check before asking the server — the token's time window and
//! lifetime bounds, the scope's shape — live here, so the dashboard's token form and the
//! server refuse the same requests with the same words.

use crate::openapi::schema;
use crate::stream::StreamName;
use crate::time::Timestamp;
use crate::validate::{ClientIp, Domain, OrgHash, PlaybackJwt, TokenLabel};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The `aud` claim of every playback token.
pub const TOKEN_AUDIENCE: &str = "castboard-playback";
/// Default lifetime of a token (`exp` − `nbf`) when `expires_at` is not given.
pub const DEFAULT_LIFETIME_S: i64 = 14 * DAY_S;
/// Longest lifetime of a token.
pub const MAX_LIFETIME_S: i64 = 365 * DAY_S;
/// Default and longest lifetime of a revocable token.
pub const REVOCABLE_LIFETIME_S: i64 = DAY_S;
/// Clock leeway applied to `nbf` and `exp` when verifying.
pub const LEEWAY_S: i64 = 30;
/// Most streamnames one token may name.
pub const MAX_SCOPE_STREAMS: usize = 100;

const DAY_S: i64 = 24 * 60 * 60;

/// What a token lets its holder play: exactly one of a stream group, some streams (by
/// name) or the whole organisation. On the wire: `{"group": id}`, `{"streams": [names]}`
/// or `{"organisation": true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenScope {
    /// A stream group, by its id (the passthrough's id): every quality of it.
    Group(Uuid),
    /// These streams, by streamname.
    Streams(ScopeStreams),
    /// Every stream of the organisation.
    Organisation(OrgWide),
}

// Written out so that each of the three shapes is an object of exactly its one key, as
// serde reads an externally tagged enum; the derive leaves other keys open.
schema!(
    TokenScope,
    utoipa::openapi::OneOfBuilder::new()
        .description(Some(
            "Exactly one of a stream group (`{\"group\": id}`), some streams by name \
             (`{\"streams\": [names]}`) or the whole organisation \
             (`{\"organisation\": true}`).",
        ))
        .item(scope_shape(
            "group",
            "A stream group, by its id (the passthrough's id): every quality of it.",
            crate::openapi::ObjectBuilder::new()
                .schema_type(crate::openapi::Type::String)
                .format(crate::openapi::format(crate::openapi::KnownFormat::Uuid))
                .into(),
        ))
        .item(scope_shape(
            "streams",
            "These streams, by streamname.",
            crate::openapi::reference::<ScopeStreams>(),
        ))
        .item(scope_shape(
            "organisation",
            "Every stream of the organisation.",
            crate::openapi::reference::<OrgWide>(),
        )),
    [ScopeStreams, OrgWide]
);

/// One shape of [`TokenScope`]: an object of the one key `key`.
#[cfg(feature = "openapi")]
fn scope_shape(
    key: &str,
    description: &str,
    value: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
) -> utoipa::openapi::Object {
    crate::openapi::ObjectBuilder::new()
        .description(Some(description))
        .property(key, value)
        .required(key)
        .additional_properties(crate::openapi::closed())
        .build()
}

/// The streamnames of a `streams` scope: 1 to 100 valid names, duplicates collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct ScopeStreams(Vec<StreamName>);

schema!(
    ScopeStreams,
    crate::openapi::list_of::<StreamName>(
        "Streamnames; duplicates collapse to the first, so the bounds count distinct names.",
        1,
        MAX_SCOPE_STREAMS,
    ),
    [StreamName]
);

impl ScopeStreams {
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<Self, String> {
        let mut names: Vec<StreamName> = Vec::with_capacity(list.len());
        for (i, s) in list.iter().enumerate() {
            let name =
                StreamName::parse(s.as_ref()).map_err(|e| format!("streamname {} {e}", i + 1))?;
            if !names.contains(&name) {
                names.push(name);
            }
        }
        if names.is_empty() {
            return Err("must name at least one stream".into());
        }
        if names.len() > MAX_SCOPE_STREAMS {
            return Err(format!("must name at most {MAX_SCOPE_STREAMS} streams"));
        }
        Ok(ScopeStreams(names))
    }

    pub fn names(&self) -> &[StreamName] {
        &self.0
    }
}

impl TryFrom<Vec<String>> for ScopeStreams {
    type Error = String;
    fn try_from(v: Vec<String>) -> Result<Self, String> {
        ScopeStreams::parse(&v)
    }
}

impl From<ScopeStreams> for Vec<String> {
    fn from(s: ScopeStreams) -> Vec<String> {
        s.0.into_iter().map(String::from).collect()
    }
}

/// The `true` of `{"organisation": true}`; `false` is refused (ask for another scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgWide;

impl Serialize for OrgWide {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(true)
    }
}

impl<'de> Deserialize<'de> for OrgWide {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if bool::deserialize(d)? {
            Ok(OrgWide)
        } else {
            Err(serde::de::Error::custom(
                "must be true (or choose a group or streams scope)",
            ))
        }
    }
}

// A unit struct has no derived schema of a boolean, so it is written out.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for OrgWide {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::openapi::ObjectBuilder::new()
            .schema_type(crate::openapi::Type::Boolean)
            .enum_values(Some([true]))
            .description(Some("always true"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for OrgWide {}

/// `POST /tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub scope: TokenScope,
    /// Default: now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Timestamp>,
    /// Default: 14 days after `not_before` (24 hours when revocable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// Only a player at this address may use the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<ClientIp>,
    /// Only a player embedded on this domain may use the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Domain>,
    /// Who the token is for, in your own terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<TokenLabel>,
    /// A label of yours, e.g. a campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<TokenLabel>,
    /// Can be revoked before it expires; then it lives at most 24 hours.
    #[serde(default)]
    pub revocable: bool,
    /// Running playbacks end when the token expires or is revoked.
    #[serde(default)]
    pub force_disconnect: bool,
}

/// A token's validity in whole seconds since the Unix epoch, as its `nbf` and `exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenWindow {
    pub nbf: i64,
    pub exp: i64,
}

impl TokenWindow {
    /// The window of a token requested at `now`: defaults filled in, times cut to whole
    /// seconds, and the lifetime rules of docs/api.md ("Playback tokens") applied. Errors
    /// are keyed by field.
    pub fn resolve(
        now: Timestamp,
        not_before: Option<Timestamp>,
        expires_at: Option<Timestamp>,
        revocable: bool,
    ) -> Result<TokenWindow, BTreeMap<String, String>> {
        let now_s = now.millis().div_euclid(1000);
        let nbf = not_before.map_or(now_s, |t| t.millis().div_euclid(1000));
        let (default, max) = if revocable {
            (REVOCABLE_LIFETIME_S, REVOCABLE_LIFETIME_S)
        } else {
            (DEFAULT_LIFETIME_S, MAX_LIFETIME_S)
        };
        let exp = expires_at.map_or(nbf + default, |t| t.millis().div_euclid(1000));
        let why = if exp <= now_s {
            Some("must be in the future".to_string())
        } else if exp <= nbf {
            Some("must be after not_before".to_string())
        } else if exp - nbf > max {
            Some(if revocable {
                "must be at most 24 hours after not_before for a revocable token".to_string()
            } else {
                "must be at most 365 days after not_before".to_string()
            })
        } else {
            None
        };
        match why {
            Some(why) => Err(BTreeMap::from([("expires_at".to_string(), why)])),
            None => Ok(TokenWindow { nbf, exp }),
        }
    }
}

/// The payload of a playback token (see docs/api.md, "Playback tokens"). Times are whole
/// seconds since the Unix epoch, as JWTs have them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenClaims {
    /// The instance's public URL.
    pub iss: String,
    /// Always `castboard-playback`.
    pub aud: String,
    /// The token's id.
    pub jti: Uuid,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The organisation's hash.
    pub org: String,
    /// Scope: a stream group's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grp: Option<Uuid>,
    /// Scope: streamnames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streams: Option<Vec<String>>,
    /// Scope: the whole organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orgwide: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dom: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Revocable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<bool>,
    /// Force disconnect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fdc: Option<bool>,
}

impl TokenClaims {
    /// The claims of a token with id `jti` issued at `iat` (seconds) for `req`.
    pub fn new(
        iss: &str,
        org: &str,
        jti: Uuid,
        iat: i64,
        window: TokenWindow,
        req: &CreateToken,
    ) -> TokenClaims {
        let (grp, streams, orgwide) = match &req.scope {
            TokenScope::Group(id) => (Some(*id), None, None),
            TokenScope::Streams(s) => (
                None,
                Some(s.names().iter().map(|n| n.as_str().to_string()).collect()),
                None,
            ),
            TokenScope::Organisation(_) => (None, None, Some(true)),
        };
        TokenClaims {
            iss: iss.to_string(),
            aud: TOKEN_AUDIENCE.to_string(),
            jti,
            iat,
            nbf: window.nbf,
            exp: window.exp,
            org: org.to_string(),
            grp,
            streams,
            orgwide,
            ip: req.ip.as_ref().map(|v| v.as_str().to_string()),
            dom: req.domain.as_ref().map(|v| v.as_str().to_string()),
            uid: req.user_id.as_ref().map(|v| v.as_str().to_string()),
            tag: req.tag.as_ref().map(|v| v.as_str().to_string()),
            rev: req.revocable.then_some(true),
            fdc: req.force_disconnect.then_some(true),
        }
    }

    pub fn not_before(&self) -> Option<Timestamp> {
        Timestamp::from_millis(self.nbf.saturating_mul(1000))
    }

    pub fn expires_at(&self) -> Option<Timestamp> {
        Timestamp::from_millis(self.exp.saturating_mul(1000))
    }

    /// Where the token stands at `now_s` (seconds), with [`LEEWAY_S`] on both bounds.
    pub fn time_check(&self, now_s: i64) -> Result<(), VerifyReason> {
        if now_s + LEEWAY_S < self.nbf {
            Err(VerifyReason::NotYetValid)
        } else if now_s - LEEWAY_S >= self.exp {
            Err(VerifyReason::Expired)
        } else {
            Ok(())
        }
    }
}

/// `201` of `POST /tokens`: the token text is in this answer only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedToken {
    pub id: Uuid,
    /// The JWT (ES256). Shown this once; the server keeps only its metadata.
    pub token: String,
    pub claims: TokenClaims,
    pub not_before: Timestamp,
    pub expires_at: Timestamp,
}

/// An issued token in `GET /tokens`: its metadata, never its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    pub id: Uuid,
    /// The signing key's id.
    pub kid: String,
    pub issued_at: Timestamp,
    pub not_before: Timestamp,
    pub expires_at: Timestamp,
    pub revocable: bool,
    pub revoked_at: Option<Timestamp>,
    /// Who issued it: a user's email or `API key <name>`.
    pub issued_by: String,
    pub claims: TokenClaims,
    /// For a token of one stream group (`claims.grp`), the streamname of its passthrough
    /// while the group exists; `null` otherwise.
    #[serde(default)]
    pub group_name: Option<StreamName>,
}

/// `POST /tokens/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyToken {
    /// The JWT to check.
    pub token: PlaybackJwt,
    /// A streamname to check the scope against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamName>,
    /// The player's address, checked against an `ip` claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<ClientIp>,
    /// The embedding page's domain, checked against a `dom` claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Domain>,
}

/// Why a token is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerifyReason {
    Expired,
    NotYetValid,
    Revoked,
    BadSignature,
    WrongScope,
    IpMismatch,
    DomainMismatch,
}

impl VerifyReason {
    /// The wire name (`revoked`, `ip_mismatch`, …), as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyReason::Expired => "expired",
            VerifyReason::NotYetValid => "not_yet_valid",
            VerifyReason::Revoked => "revoked",
            VerifyReason::BadSignature => "bad_signature",
            VerifyReason::WrongScope => "wrong_scope",
            VerifyReason::IpMismatch => "ip_mismatch",
            VerifyReason::DomainMismatch => "domain_mismatch",
        }
    }

    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            VerifyReason::Expired => "The token has expired.",
            VerifyReason::NotYetValid => "The token is not valid yet.",
            VerifyReason::Revoked => "The token was revoked.",
            VerifyReason::BadSignature => {
                "The token was not signed by one of this organisation's keys."
            }
            VerifyReason::WrongScope => "The token does not cover that stream.",
            VerifyReason::IpMismatch => "The token is bound to another address.",
            VerifyReason::DomainMismatch => "The token is bound to another domain.",
        }
    }
}

/// The answer of `POST /tokens/verify`. `claims` come with every token whose signature
/// holds, valid or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    pub valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<VerifyReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<TokenClaims>,
}

/// An item of `GET /signing-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningKeyInfo {
    pub kid: String,
    pub created_at: Timestamp,
    /// The key that signs new tokens (the newest).
    pub active: bool,
}

/// `201` of `POST /signing-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedSigningKey {
    pub kid: String,
    pub created_at: Timestamp,
    pub public_jwk: Jwk,
}

/// A public key as a JSON Web Key (RFC 7517): EC P-256 for ES256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwk {
    /// `EC`.
    pub kty: String,
    /// `P-256`.
    pub crv: String,
    /// The point's coordinates, base64url without padding.
    pub x: String,
    pub y: String,
    pub kid: String,
    /// `ES256`.
    pub alg: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: String,
}

/// `GET /.well-known/jwks.json?org=<hash>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// The query of `GET /.well-known/jwks.json`: whose public keys.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct JwksQuery {
    /// The organisation's hash.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub org: OrgHash,
}

impl JwksQuery {
    /// Every key the query has.
    pub const KEYS: [&'static str; 1] = ["org"];

    /// The percent-encoded query string (without `?`).
    pub fn to_query(&self) -> String {
        format!(
            "{}={}",
            Self::KEYS[0],
            crate::snippet::percent_encode(self.org.as_str())
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn jwks_query_names_the_organisation() {
        let org = crate::validate::OrgHash::parse("AbC12").expect("a hash");
        assert_eq!(JwksQuery { org }.to_query(), "org=AbC12");
    }

    #[test]
    fn reason_names_are_the_wire_names() {
        for r in [
            VerifyReason::Expired,
            VerifyReason::NotYetValid,
            VerifyReason::Revoked,
            VerifyReason::BadSignature,
            VerifyReason::WrongScope,
            VerifyReason::IpMismatch,
            VerifyReason::DomainMismatch,
        ] {
            assert_eq!(
                serde_json::to_value(r).expect("serialises"),
                serde_json::Value::from(r.as_str())
            );
        }
    }

    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).expect("valid time")
    }

    fn window(
        nbf: Option<&str>,
        exp: Option<&str>,
        revocable: bool,
    ) -> Result<(String, String), String> {
        let now = at("2026-12-01T12:00:00.750Z");
        TokenWindow::resolve(now, nbf.map(at), exp.map(at), revocable)
            .map(|w| {
                let t = |s: i64| {
                    Timestamp::from_millis(s * 1000)
                        .expect("in range")
                        .to_string()
                };
                (t(w.nbf), t(w.exp))
            })
            .map_err(|e| e["expires_at"].clone())
    }

    #[test]
    fn defaults_are_fourteen_days_or_a_day_when_revocable() {
        let now = "2026-12-01T12:00:00.000Z".to_string();
        assert_eq!(
            window(None, None, false),
            Ok((now.clone(), "2026-12-15T12:00:00.000Z".into()))
        );
        assert_eq!(
            window(None, None, true),
            Ok((now, "2026-12-02T12:00:00.000Z".into()))
        );
        assert_eq!(
            window(Some("2027-01-01T00:00:00.999Z"), None, false),
            Ok((
                "2027-01-01T00:00:00.000Z".into(),
                "2027-01-15T00:00:00.000Z".into()
            ))
        );
    }

    #[test]
    fn lifetime_bounds_are_inclusive() {
        assert_eq!(
            window(None, Some("2027-12-01T12:00:00Z"), false),
            Ok((
                "2026-12-01T12:00:00.000Z".into(),
                "2027-12-01T12:00:00.000Z".into()
            ))
        );
        assert_eq!(
            window(None, Some("2027-12-01T12:00:01Z"), false),
            Err("must be at most 365 days after not_before".into())
        );
        assert_eq!(
            window(None, Some("2026-12-02T12:00:00Z"), true).map(|w| w.1),
            Ok("2026-12-02T12:00:00.000Z".into())
        );
        assert_eq!(
            window(None, Some("2026-12-02T12:00:01Z"), true),
            Err("must be at most 24 hours after not_before for a revocable token".into())
        );
    }

    #[test]
    fn expiry_must_be_future_and_after_not_before() {
        assert_eq!(
            window(None, Some("2026-12-01T12:00:00.900Z"), false),
            Err("must be in the future".into())
        );
        assert_eq!(
            window(None, Some("2026-11-30T00:00:00Z"), false),
            Err("must be in the future".into())
        );
        assert_eq!(
            window(
                Some("2026-12-03T00:00:00Z"),
                Some("2026-12-02T00:00:00Z"),
                false
            ),
            Err("must be after not_before".into())
        );
        assert_eq!(
            window(
                Some("2026-12-03T00:00:00Z"),
                Some("2026-12-03T00:00:00Z"),
                false
            ),
            Err("must be after not_before".into())
        );
    }

    #[test]
    fn time_check_allows_thirty_seconds_either_side() {
        let claims = TokenClaims {
            nbf: 1000,
            exp: 2000,
            ..sample_claims()
        };
        assert_eq!(claims.time_check(969), Err(VerifyReason::NotYetValid));
        assert_eq!(claims.time_check(970), Ok(()));
        assert_eq!(claims.time_check(2029), Ok(()));
        assert_eq!(claims.time_check(2030), Err(VerifyReason::Expired));
    }

    fn sample_claims() -> TokenClaims {
        TokenClaims {
            iss: "https://cb.example".into(),
            aud: TOKEN_AUDIENCE.into(),
            jti: Uuid::nil(),
            iat: 0,
            nbf: 0,
            exp: 1,
            org: "Ab3De".into(),
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

    #[test]
    fn scopes_have_the_wire_shapes_of_the_api() {
        let parse = |s: &str| serde_json::from_str::<TokenScope>(s).map_err(|e| e.to_string());
        assert_eq!(
            parse(r#"{"group":"7c1e0000-0000-4000-8000-000000000001"}"#),
            Ok(TokenScope::Group(
                Uuid::parse_str("7c1e0000-0000-4000-8000-000000000001").expect("uuid")
            ))
        );
        let streams =
            parse(r#"{"streams":["Ab3De-x1y2z","Ab3De-x1y2z","Ab3De-Q9w8e"]}"#).expect("valid");
        assert_eq!(
            serde_json::to_string(&streams).expect("serialises"),
            r#"{"streams":["Ab3De-x1y2z","Ab3De-Q9w8e"]}"#
        );
        assert_eq!(
            parse(r#"{"organisation":true}"#),
            Ok(TokenScope::Organisation(OrgWide))
        );
        assert!(parse(r#"{"organisation":false}"#)
            .expect_err("refused")
            .starts_with("must be true"));
        assert!(parse(r#"{"streams":[]}"#)
            .expect_err("refused")
            .starts_with("must name at least one stream"));
        assert!(parse(r#"{"streams":["Ab3De-x1y2z","nope"]}"#)
            .expect_err("refused")
            .starts_with("streamname 2 "));
        assert!(
            parse(r#"{"group":"7c1e0000-0000-4000-8000-000000000001","organisation":true}"#)
                .is_err()
        );
        assert!(parse(r#"{}"#).is_err());
    }

    #[test]
    fn claims_carry_only_what_was_asked() {
        let req: CreateToken = serde_json::from_str(
            r#"{"scope":{"streams":["Ab3De-x1y2z"]},"ip":"203.0.113.7","domain":"Example.com",
                "user_id":"u-1","tag":"launch","revocable":true,"force_disconnect":true}"#,
        )
        .expect("valid");
        let window = TokenWindow { nbf: 10, exp: 20 };
        let claims = TokenClaims::new("https://cb.example", "Ab3De", Uuid::nil(), 5, window, &req);
        assert_eq!(
            serde_json::to_value(&claims).expect("serialises"),
            serde_json::json!({
                "iss": "https://cb.example", "aud": "castboard-playback",
                "jti": "00000000-0000-0000-0000-000000000000", "iat": 5, "nbf": 10, "exp": 20,
                "org": "Ab3De", "streams": ["Ab3De-x1y2z"], "ip": "203.0.113.7",
                "dom": "example.com", "uid": "u-1", "tag": "launch", "rev": true, "fdc": true
            })
        );
        let plain: CreateToken =
            serde_json::from_str(r#"{"scope":{"organisation":true}}"#).expect("valid");
        let claims = TokenClaims::new("i", "Ab3De", Uuid::nil(), 5, window, &plain);
        assert_eq!(
            serde_json::to_value(&claims).expect("serialises"),
            serde_json::json!({
                "iss": "i", "aud": "castboard-playback",
                "jti": "00000000-0000-0000-0000-000000000000", "iat": 5, "nbf": 10, "exp": 20,
                "org": "Ab3De", "orgwide": true
            })
        );
    }
}
