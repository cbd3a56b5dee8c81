//! Accounts: organisations, users, API keys, sessions, and the list envelope.

use super::double_option;
use crate::time::Timestamp;
use crate::validate::{ApiKeyName, Email, OrgHash, OrgName, Password, WebhookUrl};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// What a user or API key may do in its organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Role {
    /// Everything, including lock/unlock/delete, users, API keys and the webhook.
    Admin,
    /// Operator: creates and edits streams, cannot lock, delete or administer.
    User,
    /// Reads only.
    ReadOnly,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::User, Role::ReadOnly];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
            Role::ReadOnly => "read_only",
        }
    }

    /// May create and edit streams, profiles, processing and playback tokens.
    pub fn can_write(self) -> bool {
        matches!(self, Role::Admin | Role::User)
    }

    /// May lock, unlock and delete streams and administer the organisation.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// Label for people ("Read only").
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::User => "User",
            Role::ReadOnly => "Read only",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| "must be one of admin, user, read_only".to_string())
    }
}

/// A package an organisation may have switched on by the instance operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Feature {
    Secure,
    Vod,
    LiveProcessing,
    Transcoding,
    Webcaster,
    Player,
}

impl Feature {
    pub const ALL: [Feature; 6] = [
        Feature::Secure,
        Feature::Vod,
        Feature::LiveProcessing,
        Feature::Transcoding,
        Feature::Webcaster,
        Feature::Player,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Secure => "secure",
            Feature::Vod => "vod",
            Feature::LiveProcessing => "live_processing",
            Feature::Transcoding => "transcoding",
            Feature::Webcaster => "webcaster",
            Feature::Player => "player",
        }
    }

    /// The package name the dashboard shows.
    pub fn label(self) -> &'static str {
        match self {
            Feature::Secure => "Secure Playback",
            Feature::Vod => "VOD",
            Feature::LiveProcessing => "Live Processing",
            Feature::Transcoding => "Transcoding",
            Feature::Webcaster => "Webcaster",
            Feature::Player => "H5Live Player",
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Feature {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl FromStr for Feature {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Feature::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                "must be one of secure, vod, live_processing, transcoding, webcaster, player"
                    .to_string()
            })
    }
}

/// Which packages an organisation has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Features {
    pub secure: bool,
    pub vod: bool,
    pub live_processing: bool,
    pub transcoding: bool,
    pub webcaster: bool,
    pub player: bool,
}

impl Features {
    pub fn get(&self, f: Feature) -> bool {
        match f {
            Feature::Secure => self.secure,
            Feature::Vod => self.vod,
            Feature::LiveProcessing => self.live_processing,
            Feature::Transcoding => self.transcoding,
            Feature::Webcaster => self.webcaster,
            Feature::Player => self.player,
        }
    }

    pub fn set(&mut self, f: Feature, on: bool) {
        let slot = match f {
            Feature::Secure => &mut self.secure,
            Feature::Vod => &mut self.vod,
            Feature::LiveProcessing => &mut self.live_processing,
            Feature::Transcoding => &mut self.transcoding,
            Feature::Webcaster => &mut self.webcaster,
            Feature::Player => &mut self.player,
        };
        *slot = on;
    }

    /// What package `f` means for the organisation on this instance. Only some packages
    /// gate anything: the player and its snippets are served to every organisation, and
    /// the browser webcaster is not built yet, so neither depends on its switch.
    pub fn status(&self, f: Feature) -> PackageStatus {
        match f {
            Feature::Player => PackageStatus::Included,
            Feature::Webcaster => PackageStatus::NotAvailable,
            f if self.get(f) => PackageStatus::Enabled,
            _ => PackageStatus::UpgradeNeeded,
        }
    }
}

/// Where a package stands for an organisation ([`Features::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageStatus {
    /// Switched on by the operator.
    Enabled,
    /// Switched off: the operator can switch it on.
    UpgradeNeeded,
    /// Every organisation has it, whatever the switch.
    Included,
    /// This version of Castboard does not have it.
    NotAvailable,
}

impl PackageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageStatus::Enabled => "enabled",
            PackageStatus::UpgradeNeeded => "upgrade_needed",
            PackageStatus::Included => "included",
            PackageStatus::NotAvailable => "not_available",
        }
    }

    /// How the dashboard names it.
    pub fn label(self) -> &'static str {
        match self {
            PackageStatus::Enabled => "Enabled",
            PackageStatus::UpgradeNeeded => "Upgrade needed",
            PackageStatus::Included => "Included",
            PackageStatus::NotAvailable => "Not available yet",
        }
    }
}

/// An organisation's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Limits {
    /// Transcodes a stream group may have besides its passthrough.
    pub max_transcodes: u32,
}

impl Limits {
    pub const DEFAULT_MAX_TRANSCODES: u32 = 3;
    /// Upper bound the operator may set; keeps a group's playouts manageable.
    pub const MAX_MAX_TRANSCODES: u32 = 16;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_transcodes: Self::DEFAULT_MAX_TRANSCODES,
        }
    }
}

/// The tenant (`GET /organisation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    /// Prefix of every streamname of the organisation.
    pub hash: OrgHash,
    pub features: Features,
    pub limits: Limits,
    pub webhook_url: Option<String>,
    pub created_at: Timestamp,
}

/// `PATCH /organisation`: absent fields stay; `webhook_url: null` clears the webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<OrgName>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<WebhookUrl>, nullable))]
    pub webhook_url: Option<Option<WebhookUrl>>,
}

/// A person who signs in to the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: Timestamp,
}

/// `POST /users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: Email,
    pub password: Password,
    pub role: Role,
}

/// `PATCH /users/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub role: Role,
}

/// `POST /me/password`: a signed-in user changes their own password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The password the user signs in with now.
    pub current_password: String,
    pub new_password: Password,
}

/// `PUT /users/{id}/password`: an admin sets a user's password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    pub password: Password,
}

/// An API key's public description; the secret is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// The first characters of the secret, to tell keys apart (`cb_Ab3x…`).
    pub prefix: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// `POST /api-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    pub name: ApiKeyName,
    pub role: Role,
}

/// The answer to `POST /api-keys`: the key plus its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// Send as `X-API-Key`; it cannot be shown again.
    pub secret: String,
}

/// `POST /auth/login`. Plain strings: a malformed email is just a failed login.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"***")
            .finish()
    }
}

/// The answer to a successful login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub user: User,
    pub organisation: Organisation,
}

/// Who is calling (`GET /me`): a signed-in user, or an API key (then `user` is null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: Option<User>,
    pub api_key: Option<ApiKeyRef>,
    pub organisation: Organisation,
}

impl Me {
    /// The caller's role, whichever kind of caller it is.
    pub fn role(&self) -> Option<Role> {
        self.user
            .as_ref()
            .map(|u| u.role)
            .or(self.api_key.as_ref().map(|k| k.role))
    }

    /// Whether the caller may change streams, tags, profiles and create tokens
    /// ([`Role::can_write`]).
    pub fn can_write(&self) -> bool {
        self.role().is_some_and(Role::can_write)
    }

    /// Whether the caller is an admin: lock, unlock, delete, users, keys, revoke
    /// ([`Role::is_admin`]).
    pub fn is_admin(&self) -> bool {
        self.role().is_some_and(Role::is_admin)
    }
}

/// The API key a request was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyRef {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
}

/// Every list answer: `{"items": [...], "meta": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct List<T> {
    pub items: Vec<T>,
    pub meta: ListMeta,
}

impl<T> List<T> {
    /// A complete (unpaginated) list.
    pub fn all(items: Vec<T>) -> Self {
        let total = items.len() as u64;
        List {
            items,
            meta: ListMeta {
                total,
                page: None,
                per_page: None,
            },
        }
    }
}

/// Counts of a list; `page` and `per_page` only for paginated lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListMeta {
    pub total: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_packages_that_gate_something_follow_their_switch() {
        let mut on = Features::default();
        for f in Feature::ALL {
            on.set(f, true);
        }
        let off = Features::default();
        let statuses = |features: &Features| -> Vec<PackageStatus> {
            Feature::ALL.iter().map(|f| features.status(*f)).collect()
        };
        use PackageStatus::*;
        // Secure, VOD, live processing, transcoding, webcaster, player.
        assert_eq!(
            statuses(&on),
            vec![Enabled, Enabled, Enabled, Enabled, NotAvailable, Included]
        );
        assert_eq!(
            statuses(&off),
            vec![
                UpgradeNeeded,
                UpgradeNeeded,
                UpgradeNeeded,
                UpgradeNeeded,
                NotAvailable,
                Included
            ]
        );
        assert_eq!(UpgradeNeeded.label(), "Upgrade needed");
        assert_eq!(NotAvailable.as_str(), "not_available");
    }

    #[test]
    fn role_round_trips_through_text_and_json() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
            assert_eq!(
                serde_json::to_string(&r).expect("serialises"),
                format!("\"{}\"", r.as_str())
            );
        }
        assert!("Admin".parse::<Role>().is_err());
        assert_eq!(
            serde_json::from_str::<Role>("\"owner\"").map_err(|e| e.to_string()),
            Err("must be one of admin, user, read_only".to_string())
        );
    }

    #[test]
    fn feature_names_match_the_json_keys() {
        let mut f = Features::default();
        for feat in Feature::ALL {
            f.set(feat, true);
            let json = serde_json::to_value(f).expect("serialises");
            assert_eq!(json[feat.as_str()], serde_json::Value::Bool(true));
            assert!(f.get(feat));
        }
    }

    #[test]
    fn update_organisation_tells_null_from_absent() {
        let absent: UpdateOrganisation = serde_json::from_str("{}").expect("valid");
        assert_eq!(absent.webhook_url, None);
        let cleared: UpdateOrganisation =
            serde_json::from_str(r#"{"webhook_url": null}"#).expect("valid");
        assert_eq!(cleared.webhook_url, Some(None));
        let set: UpdateOrganisation =
            serde_json::from_str(r#"{"webhook_url": "https://x.example/h"}"#).expect("valid");
        assert_eq!(
            set.webhook_url.flatten().map(String::from),
            Some("https://x.example/h".to_string())
        );
        assert!(
            serde_json::from_str::<UpdateOrganisation>(r#"{"webhook_url": "ftp://x"}"#).is_err()
        );
    }

    #[test]
    fn created_api_key_flattens_the_key() {
        let key = CreatedApiKey {
            key: ApiKey {
                id: Uuid::nil(),
                name: "ci".into(),
                role: Role::User,
                prefix: "cb_abcd".into(),
                created_at: Timestamp::from_millis(0).expect("epoch"),
                last_used_at: None,
            },
            secret: "cb_abcdef".into(),
        };
        let v = serde_json::to_value(&key).expect("serialises");
        assert_eq!(v["name"], "ci");
        assert_eq!(v["secret"], "cb_abcdef");
        assert_eq!(v["role"], "user");
        assert_eq!(v["created_at"], "1970-01-01T00:00:00.000Z");
    }
}
