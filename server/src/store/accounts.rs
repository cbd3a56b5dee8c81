//! Organisations, users, sessions and API keys.

use super::{now_millis, unique_as, Store, StoreError, StoreResult};
use rand::distributions::{Alphanumeric, DistString};
use shared::model::{ApiKey, ApiKeyRef, Feature, Features, Limits, Organisation, Role, User};
use shared::validate::{Email, OrgHash, OrgName, WebhookUrl};
use shared::Timestamp;
use uuid::Uuid;

/// What sign-in needs to check a password.
pub struct Credentials {
    pub user: User,
    pub org_id: Uuid,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
}

/// A live session: whose it is.
pub struct SessionRecord {
    pub user: User,
    pub org_id: Uuid,
}

/// The key a request authenticated with.
pub struct ApiKeyRecord {
    pub key: ApiKeyRef,
    pub org_id: Uuid,
}

/// A key to store: the caller made the secret and keeps it; only its hash comes here.
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub role: Role,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
}

const ORG_COLUMNS: &str = "id, name, hash, feature_secure, feature_vod, feature_live_processing, \
     feature_transcoding, feature_webcaster, feature_player, max_transcodes, webhook_url, created_at";

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: String,
    name: String,
    hash: String,
    feature_secure: bool,
    feature_vod: bool,
    feature_live_processing: bool,
    feature_transcoding: bool,
    feature_webcaster: bool,
    feature_player: bool,
    max_transcodes: i64,
    webhook_url: Option<String>,
    created_at: i64,
}

impl TryFrom<OrgRow> for Organisation {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> StoreResult<Organisation> {
        Ok(Organisation {
            id: parse_id(&r.id)?,
            name: r.name,
            hash: OrgHash::parse(&r.hash)
                .map_err(|e| StoreError::Corrupt(format!("org hash {e}")))?,
            features: Features {
                secure: r.feature_secure,
                vod: r.feature_vod,
                live_processing: r.feature_live_processing,
                transcoding: r.feature_transcoding,
                webcaster: r.feature_webcaster,
                player: r.feature_player,
            },
            limits: Limits {
                max_transcodes: u32::try_from(r.max_transcodes)
                    .map_err(|_| StoreError::Corrupt("max_transcodes".into()))?,
            },
            webhook_url: r.webhook_url,
            created_at: timestamp(r.created_at)?,
        })
    }
}

const USER_COLUMNS: &str = "id, email, role, created_at";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    role: String,
    created_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<User> {
        Ok(User {
            id: parse_id(&r.id)?,
            email: r.email,
            role: parse_role(&r.role)?,
            created_at: timestamp(r.created_at)?,
        })
    }
}

const API_KEY_COLUMNS: &str = "id, name, role, prefix, created_at, last_used_at";

#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: String,
    name: String,
    role: String,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;
    fn try_from(r: ApiKeyRow) -> StoreResult<ApiKey> {
        Ok(ApiKey {
            id: parse_id(&r.id)?,
            name: r.name,
            role: parse_role(&r.role)?,
            prefix: r.prefix,
            created_at: timestamp(r.created_at)?,
            last_used_at: r.last_used_at.map(timestamp).transpose()?,
        })
    }
}

pub(super) fn parse_id(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|_| StoreError::Corrupt(format!("id {s:?}")))
}

fn parse_role(s: &str) -> StoreResult<Role> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("role {s:?}")))
}

pub(super) fn timestamp(ms: i64) -> StoreResult<Timestamp> {
    Timestamp::from_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("time {ms}")))
}

fn feature_column(f: Feature) -> &'static str {
    match f {
        Feature::Secure => "feature_secure",
        Feature::Vod => "feature_vod",
        Feature::LiveProcessing => "feature_live_processing",
        Feature::Transcoding => "feature_transcoding",
        Feature::Webcaster => "feature_webcaster",
        Feature::Player => "feature_player",
    }
}

/// Hash collisions are retried this many times before giving up (62^5 ≈ 9×10^8 hashes).
const HASH_ATTEMPTS: usize = 20;

impl Store {
    // ----- organisations -------------------------------------------------------------

    /// Creates an organisation with a fresh random hash (every feature off but `player`,
    /// default limits) and its first admin, in one transaction.
    pub async fn create_organisation(
        &self,
        name: &OrgName,
        admin_email: &Email,
        admin_password_hash: &str,
    ) -> StoreResult<(Organisation, User)> {
        let mut tx = self.write().await?;
        let org_id = Uuid::new_v4().to_string();
        let now = now_millis();
        let mut inserted = false;
        for _ in 0..HASH_ATTEMPTS {
            let hash = Alphanumeric.sample_string(&mut rand::thread_rng(), OrgHash::LEN);
            let result = run!(tx, execute, sqlx::query(
                "INSERT INTO organisations (id, name, hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&org_id)
            .bind(name.as_str())
            .bind(&hash)
            .bind(now));
            match result {
                Ok(_) => {
                    inserted = true;
                    break;
                }
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        if !inserted {
            return Err(StoreError::Conflict(
                "no free organisation hash found".into(),
            ));
        }
        let user_id = Uuid::new_v4().to_string();
        run!(tx, execute, sqlx::query(
            "INSERT INTO users (id, org_id, email, email_key, password_hash, role, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&user_id)
        .bind(&org_id)
        .bind(admin_email.as_str())
        .bind(admin_email.normalized())
        .bind(admin_password_hash)
        .bind(Role::Admin.as_str())
        .bind(now))
        .map_err(unique_as("email"))?;
        let org: OrgRow = run!(
            tx,
            fetch_one,
            sqlx::query_as(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"
            ))
            .bind(&org_id)
        )?;
        let user: UserRow = run!(
            tx,
            fetch_one,
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                .bind(&user_id)
        )?;
        tx.commit().await?;
        Ok((org.try_into()?, user.try_into()?))
    }

    /// Every organisation, oldest first.
    pub async fn list_organisations(&self) -> StoreResult<Vec<Organisation>> {
        let rows: Vec<OrgRow> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations ORDER BY created_at, id"
            ))
        )?;
        rows.into_iter().map(Organisation::try_from).collect()
    }

    pub async fn organisation(&self, id: Uuid) -> StoreResult<Organisation> {
        let row: Option<OrgRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"
            ))
            .bind(id.to_string())
        )?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    pub async fn organisation_by_hash(&self, hash: &OrgHash) -> StoreResult<Organisation> {
        let row: Option<OrgRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations WHERE hash = $1"
            ))
            .bind(hash.as_str())
        )?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Turns a package on or off (operator command line).
    pub async fn set_feature(
        &self,
        hash: &OrgHash,
        feature: Feature,
        on: bool,
    ) -> StoreResult<Organisation> {
        let sql = format!(
            "UPDATE organisations SET {} = $1 WHERE hash = $2",
            feature_column(feature)
        );
        let done = run!(
            self.pool,
            execute,
            sqlx::query(&sql).bind(on).bind(hash.as_str())
        )?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.organisation_by_hash(hash).await
    }

    /// Sets `max_transcodes` (operator command line).
    pub async fn set_max_transcodes(&self, hash: &OrgHash, n: u32) -> StoreResult<Organisation> {
        let done = run!(
            self.pool,
            execute,
            sqlx::query("UPDATE organisations SET max_transcodes = $1 WHERE hash = $2")
                .bind(i64::from(n))
                .bind(hash.as_str())
        )?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.organisation_by_hash(hash).await
    }

    /// Applies the given fields; `webhook` `Some(None)` clears the webhook.
    pub async fn update_organisation(
        &self,
        id: Uuid,
        name: Option<&OrgName>,
        webhook: Option<Option<&WebhookUrl>>,
    ) -> StoreResult<Organisation> {
        let mut tx = self.write().await?;
        if let Some(name) = name {
            run!(
                tx,
                execute,
                sqlx::query("UPDATE organisations SET name = $1 WHERE id = $2")
                    .bind(name.as_str())
                    .bind(id.to_string())
            )?;
        }
        if let Some(webhook) = webhook {
            run!(
                tx,
                execute,
                sqlx::query("UPDATE organisations SET webhook_url = $1 WHERE id = $2")
                    .bind(webhook.map(WebhookUrl::as_str))
                    .bind(id.to_string())
            )?;
        }
        let row: Option<OrgRow> = run!(
            tx,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"
            ))
            .bind(id.to_string())
        )?;
        tx.commit().await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    // ----- users ---------------------------------------------------------------------

    /// The organisation's users, oldest first.
    pub async fn list_users(&self, org: Uuid) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY created_at, id"
            ))
            .bind(org.to_string())
        )?;
        rows.into_iter().map(User::try_from).collect()
    }

    /// Adds a user; `Duplicate("email")` when the address (any case) is taken anywhere.
    pub async fn create_user(
        &self,
        org: Uuid,
        email: &Email,
        password_hash: &str,
        role: Role,
    ) -> StoreResult<User> {
        let id = Uuid::new_v4().to_string();
        let row: UserRow = run!(
            self.pool,
            fetch_one,
            sqlx::query_as(&format!(
            "INSERT INTO users (id, org_id, email, email_key, password_hash, role, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {USER_COLUMNS}"
        ))
            .bind(&id)
            .bind(org.to_string())
            .bind(email.as_str())
            .bind(email.normalized())
            .bind(password_hash)
            .bind(role.as_str())
            .bind(now_millis())
        )
        .map_err(unique_as("email"))?;
        row.try_into()
    }

    /// Changes a user's role; refuses to demote the organisation's last admin.
    pub async fn set_user_role(&self, org: Uuid, id: Uuid, role: Role) -> StoreResult<User> {
        // In a write transaction: two admins demoting each other at once, through one
        // instance or two, take turns, and the second sees the first's change.
        let mut tx = self.write().await?;
        let row: Option<UserRow> = run!(
            tx,
            fetch_optional,
            sqlx::query_as(&format!(
                "UPDATE users SET role = $3 WHERE id = $1 AND org_id = $2 \
               AND (role <> 'admin' OR $3 = 'admin' \
                    OR (SELECT COUNT(*) FROM users WHERE org_id = $2 AND role = 'admin') > 1) \
             RETURNING {USER_COLUMNS}"
            ))
            .bind(id.to_string())
            .bind(org.to_string())
            .bind(role.as_str())
        )?;
        tx.commit().await?;
        match row {
            Some(row) => row.try_into(),
            None => {
                self.user(org, id).await?;
                Err(StoreError::Conflict(
                    "The last admin of the organisation cannot be demoted.".into(),
                ))
            }
        }
    }

    /// Removes a user (and their sessions); refuses to remove the last admin.
    pub async fn delete_user(&self, org: Uuid, id: Uuid) -> StoreResult<()> {
        // In a write transaction, as a role change.
        let mut tx = self.write().await?;
        let done = run!(
            tx,
            execute,
            sqlx::query(
                "DELETE FROM users WHERE id = $1 AND org_id = $2 \
               AND (role <> 'admin' \
                    OR (SELECT COUNT(*) FROM users WHERE org_id = $2 AND role = 'admin') > 1)",
            )
            .bind(id.to_string())
            .bind(org.to_string())
        )?;
        tx.commit().await?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        self.user(org, id).await?;
        Err(StoreError::Conflict(
            "The last admin of the organisation cannot be removed.".into(),
        ))
    }

    /// One user of the organisation.
    pub async fn user(&self, org: Uuid, id: Uuid) -> StoreResult<User> {
        let row: Option<UserRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND org_id = $2"
            ))
            .bind(id.to_string())
            .bind(org.to_string())
        )?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// The user signing in with this email (any case), with their password hash.
    pub async fn credentials(&self, email_key: &str) -> StoreResult<Option<Credentials>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            org_id: String,
            password_hash: String,
        }
        let row: Option<Row> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS}, org_id, password_hash FROM users WHERE email_key = $1"
            ))
            .bind(email_key)
        )?;
        row.map(|r| {
            Ok(Credentials {
                user: r.user.try_into()?,
                org_id: parse_id(&r.org_id)?,
                password_hash: r.password_hash,
            })
        })
        .transpose()
    }

    /// The password hash of user `id` of `org`.
    pub async fn password_hash(&self, org: Uuid, id: Uuid) -> StoreResult<String> {
        let row: Option<(String,)> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as("SELECT password_hash FROM users WHERE id = $1 AND org_id = $2")
                .bind(id.to_string())
                .bind(org.to_string())
        )?;
        row.map(|(h,)| h).ok_or(StoreError::NotFound)
    }

    /// Sets the password of user `id` of `org` and ends every session of theirs but the
    /// one whose token hash is `keep`, in one transaction; the token hashes it ended.
    pub async fn set_password(
        &self,
        org: Uuid,
        id: Uuid,
        password_hash: &str,
        keep: Option<&str>,
    ) -> StoreResult<Vec<String>> {
        let mut tx = self.write().await?;
        let done = run!(
            tx,
            execute,
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND org_id = $3")
                .bind(password_hash)
                .bind(id.to_string())
                .bind(org.to_string())
        )?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let ended: Vec<(String,)> =
            run!(tx, fetch_all, sqlx::query_as(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash != $2 RETURNING token_hash",
        )
        .bind(id.to_string())
        .bind(keep.unwrap_or("")))?;
        tx.commit().await?;
        Ok(ended.into_iter().map(|(h,)| h).collect())
    }

    // ----- sessions ------------------------------------------------------------------

    /// Records a new session (and drops expired ones, which keeps the table small).
    pub async fn create_session(
        &self,
        user: Uuid,
        token_hash: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        let now = now_millis();
        let mut tx = self.write().await?;
        run!(
            tx,
            execute,
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now)
        )?;
        run!(tx, execute, sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user.to_string())
            .bind(now)
            .bind(expires_at))?;
        tx.commit().await?;
        Ok(())
    }

    /// The unexpired session with this token hash, with its user's current role.
    pub async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            org_id: String,
        }
        let row: Option<Row> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(
                "SELECT u.id, u.email, u.role, u.created_at, u.org_id \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            )
            .bind(token_hash)
            .bind(now_millis())
        )?;
        row.map(|r| {
            Ok(SessionRecord {
                user: r.user.try_into()?,
                org_id: parse_id(&r.org_id)?,
            })
        })
        .transpose()
    }

    /// Ends a session; ending one that is already gone is not an error.
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        run!(
            self.pool,
            execute,
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash)
        )?;
        Ok(())
    }

    // ----- API keys ------------------------------------------------------------------

    /// The organisation's API keys, oldest first.
    pub async fn list_api_keys(&self, org: Uuid) -> StoreResult<Vec<ApiKey>> {
        let rows: Vec<ApiKeyRow> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at, id"
            ))
            .bind(org.to_string())
        )?;
        rows.into_iter().map(ApiKey::try_from).collect()
    }

    pub async fn create_api_key(&self, org: Uuid, key: NewApiKey<'_>) -> StoreResult<ApiKey> {
        let row: ApiKeyRow = run!(
            self.pool,
            fetch_one,
            sqlx::query_as(&format!(
                "INSERT INTO api_keys (id, org_id, name, role, prefix, secret_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {API_KEY_COLUMNS}"
            ))
            .bind(Uuid::new_v4().to_string())
            .bind(org.to_string())
            .bind(key.name)
            .bind(key.role.as_str())
            .bind(key.prefix)
            .bind(key.secret_hash)
            .bind(now_millis())
        )
        // The secret is random: a clash can only be the name (unique per organisation,
        // without case).
        .map_err(unique_as("name"))?;
        row.try_into()
    }

    /// One API key of the organisation.
    pub async fn api_key(&self, org: Uuid, id: Uuid) -> StoreResult<ApiKey> {
        let row: Option<ApiKeyRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE id = $1 AND org_id = $2"
            ))
            .bind(id.to_string())
            .bind(org.to_string())
        )?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    pub async fn delete_api_key(&self, org: Uuid, id: Uuid) -> StoreResult<()> {
        let done = run!(
            self.pool,
            execute,
            sqlx::query("DELETE FROM api_keys WHERE id = $1 AND org_id = $2")
                .bind(id.to_string())
                .bind(org.to_string())
        )?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The key with this secret hash, marking it used. `last_used_at` is written at most
    /// once a minute per key, so a busy script does not turn every read into a write.
    /// Whether the API key still exists (no last-use stamp: not a use).
    pub async fn api_key_exists(&self, id: Uuid) -> StoreResult<bool> {
        let row: Option<(String,)> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as("SELECT id FROM api_keys WHERE id = $1").bind(id.to_string())
        )?;
        Ok(row.is_some())
    }

    pub async fn use_api_key(&self, secret_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: String,
            org_id: String,
            name: String,
            role: String,
            last_used_at: Option<i64>,
        }
        let row: Option<Row> =
            run!(self.pool, fetch_optional, sqlx::query_as(
            "SELECT id, org_id, name, role, last_used_at FROM api_keys WHERE secret_hash = $1",
        )
        .bind(secret_hash))?;
        let Some(row) = row else { return Ok(None) };
        let now = now_millis();
        if row.last_used_at.is_none_or(|t| now - t >= 60_000) {
            let stamped = run!(
                self.pool,
                execute,
                sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(&row.id)
            );
            // The stamp is a convenience: a full or read-only disk must not lock scripts out.
            match stamped.map_err(StoreError::from) {
                Ok(_) => {}
                Err(e @ (StoreError::StorageFull(_) | StoreError::ReadOnly(_))) => {
                    tracing::warn!(error = %e, "could not record an API key's last use");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Some(ApiKeyRecord {
            key: ApiKeyRef {
                id: parse_id(&row.id)?,
                name: row.name,
                role: parse_role(&row.role)?,
            },
            org_id: parse_id(&row.org_id)?,
        }))
    }
}
