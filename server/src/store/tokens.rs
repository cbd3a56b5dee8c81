//! Signing keys and the registry of issued playback tokens.

use super::accounts::{parse_id, timestamp};
use super::{now_millis, Store, StoreError, StoreResult};
use crate::signing::{PrivateKey, PublicKey};
use shared::model::{SigningKeyInfo, TokenClaims, TokenInfo};
use shared::Timestamp;
use uuid::Uuid;

/// A signing key as the server uses it.
#[derive(Debug, Clone)]
pub struct SigningKeyRecord {
    pub kid: String,
    pub public: PublicKey,
    pub private: PrivateKey,
    pub created_at: Timestamp,
}

/// A token to record at issue time.
#[derive(Debug)]
pub struct NewToken<'a> {
    pub kid: &'a str,
    /// To the millisecond (the `iat` claim has whole seconds), so the registry's "newest
    /// first" holds for tokens issued within one second.
    pub issued_at: Timestamp,
    pub issued_by: &'a str,
    pub claims: &'a TokenClaims,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    kid: String,
    public_x: String,
    public_y: String,
    private_key: String,
    created_at: i64,
}

const KEY_COLUMNS: &str = "kid, public_x, public_y, private_key, created_at";

impl TryFrom<KeyRow> for SigningKeyRecord {
    type Error = StoreError;
    fn try_from(r: KeyRow) -> StoreResult<Self> {
        Ok(SigningKeyRecord {
            kid: r.kid,
            public: PublicKey {
                x: r.public_x,
                y: r.public_y,
            },
            private: PrivateKey::from_stored(r.private_key),
            created_at: timestamp(r.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    kid: String,
    issued_at: i64,
    not_before: i64,
    expires_at: i64,
    revocable: bool,
    revoked_at: Option<i64>,
    issued_by: String,
    claims: String,
}

const TOKEN_COLUMNS: &str =
    "id, kid, issued_at, not_before, expires_at, revocable, revoked_at, issued_by, claims";

impl TryFrom<TokenRow> for TokenInfo {
    type Error = StoreError;
    fn try_from(r: TokenRow) -> StoreResult<Self> {
        Ok(TokenInfo {
            id: parse_id(&r.id)?,
            kid: r.kid,
            issued_at: timestamp(r.issued_at)?,
            not_before: timestamp(r.not_before)?,
            expires_at: timestamp(r.expires_at)?,
            revocable: r.revocable,
            revoked_at: r.revoked_at.map(timestamp).transpose()?,
            issued_by: r.issued_by,
            claims: serde_json::from_str(&r.claims)
                .map_err(|_| StoreError::Corrupt(format!("claims of token {}", r.id)))?,
            // Named by the route, which reads the streams.
            group_name: None,
        })
    }
}

impl Store {
    // ----- signing keys --------------------------------------------------------------

    /// The organisation's keys, newest (the one that signs) first.
    pub async fn signing_keys(&self, org: Uuid) -> StoreResult<Vec<SigningKeyRecord>> {
        let rows: Vec<KeyRow> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {KEY_COLUMNS} FROM signing_keys WHERE org_id = $1 ORDER BY serial DESC"
            ))
            .bind(org.to_string())
        )?;
        rows.into_iter().map(SigningKeyRecord::try_from).collect()
    }

    /// The key list as the API shows it.
    pub async fn signing_key_infos(&self, org: Uuid) -> StoreResult<Vec<SigningKeyInfo>> {
        Ok(self
            .signing_keys(org)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, k)| SigningKeyInfo {
                kid: k.kid,
                created_at: k.created_at,
                active: i == 0,
            })
            .collect())
    }

    /// One key of the organisation by `kid`.
    pub async fn signing_key(&self, org: Uuid, kid: &str) -> StoreResult<SigningKeyRecord> {
        let row: Option<KeyRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {KEY_COLUMNS} FROM signing_keys WHERE org_id = $1 AND kid = $2"
            ))
            .bind(org.to_string())
            .bind(kid)
        )?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Adds a key pair; it becomes the one that signs.
    pub async fn add_signing_key(
        &self,
        org: Uuid,
        public: &PublicKey,
        private: &PrivateKey,
    ) -> StoreResult<SigningKeyRecord> {
        // In a write transaction, so keys added at once get serials one after another.
        let mut tx = self.write().await?;
        let row: KeyRow = run!(tx, fetch_one, sqlx::query_as(&format!(
            "INSERT INTO signing_keys (kid, org_id, serial, public_x, public_y, private_key, created_at) \
             SELECT $1, $2, COALESCE(MAX(serial), 0) + 1, $3, $4, $5, $6 \
             FROM signing_keys WHERE org_id = $2 \
             RETURNING {KEY_COLUMNS}"
        ))
        .bind(public.thumbprint())
        .bind(org.to_string())
        .bind(&public.x)
        .bind(&public.y)
        .bind(private.stored())
        .bind(now_millis()))
        .map_err(super::unique_as("signing key"))?;
        tx.commit().await?;
        row.try_into()
    }

    /// The key that signs: the newest, or `first` (added now) when the organisation has
    /// none. Two callers racing to add the first key end up with one of them signing.
    pub async fn active_signing_key(
        &self,
        org: Uuid,
        first: impl FnOnce() -> (PrivateKey, PublicKey),
    ) -> StoreResult<SigningKeyRecord> {
        if let Some(key) = self.signing_keys(org).await?.into_iter().next() {
            return Ok(key);
        }
        let (private, public) = first();
        match self.add_signing_key(org, &public, &private).await {
            Err(StoreError::Duplicate(_)) => self
                .signing_keys(org)
                .await?
                .into_iter()
                .next()
                .ok_or(StoreError::NotFound),
            other => other,
        }
    }

    pub async fn delete_signing_key(&self, org: Uuid, kid: &str) -> StoreResult<()> {
        let done = run!(
            self.pool,
            execute,
            sqlx::query("DELETE FROM signing_keys WHERE org_id = $1 AND kid = $2")
                .bind(org.to_string())
                .bind(kid)
        )?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    // ----- playback tokens -----------------------------------------------------------

    /// Records an issued token (its metadata; the token text is never stored).
    pub async fn record_token(&self, org: Uuid, token: NewToken<'_>) -> StoreResult<TokenInfo> {
        let claims = serde_json::to_string(token.claims)
            .map_err(|e| StoreError::Corrupt(format!("claims: {e}")))?;
        let row: TokenRow = run!(
            self.pool,
            fetch_one,
            sqlx::query_as(&format!(
                "INSERT INTO playback_tokens \
             (id, org_id, kid, issued_at, not_before, expires_at, revocable, issued_by, claims) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {TOKEN_COLUMNS}"
            ))
            .bind(token.claims.jti.to_string())
            .bind(org.to_string())
            .bind(token.kid)
            .bind(token.issued_at.millis())
            .bind(token.claims.nbf.saturating_mul(1000))
            .bind(token.claims.exp.saturating_mul(1000))
            .bind(token.claims.rev == Some(true))
            .bind(token.issued_by)
            .bind(claims)
        )
        .map_err(super::unique_as("token id"))?;
        row.try_into()
    }

    /// A page of the registry, newest first, and the total: every token of the
    /// organisation, or with `group` those whose scope is that stream group.
    pub async fn list_tokens(
        &self,
        org: Uuid,
        group: Option<Uuid>,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(Vec<TokenInfo>, u64)> {
        // `group_id` is the `grp` claim as stored (lowercase, hyphenated, as a Uuid is
        // written), NULL for other scopes. Both queries take `$2`: without a group it is
        // NULL and the condition always holds.
        let filter = if group.is_some() {
            "org_id = $1 AND group_id = $2"
        } else {
            "org_id = $1 AND $2 IS NULL"
        };
        let group = group.map(|g| g.to_string());
        let rows: Vec<TokenRow> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM playback_tokens WHERE {filter} \
             ORDER BY issued_at DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(org.to_string())
            .bind(group.as_deref())
            .bind(i64::from(limit))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        )?;
        let (total,): (i64,) = run!(
            self.pool,
            fetch_one,
            sqlx::query_as(&format!(
                "SELECT COUNT(*) FROM playback_tokens WHERE {filter}"
            ))
            .bind(org.to_string())
            .bind(group.as_deref())
        )?;
        let items = rows
            .into_iter()
            .map(TokenInfo::try_from)
            .collect::<StoreResult<_>>()?;
        Ok((items, u64::try_from(total).unwrap_or_default()))
    }

    /// One token of the organisation.
    pub async fn token(&self, org: Uuid, id: Uuid) -> StoreResult<TokenInfo> {
        let row: Option<TokenRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM playback_tokens WHERE org_id = $1 AND id = $2"
            ))
            .bind(org.to_string())
            .bind(id.to_string())
        )?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Marks a revocable token revoked (once; a second call keeps the first time).
    pub async fn revoke_token(&self, org: Uuid, id: Uuid) -> StoreResult<()> {
        run!(
            self.pool,
            execute,
            sqlx::query(
                "UPDATE playback_tokens SET revoked_at = $1 \
             WHERE org_id = $2 AND id = $3 AND revocable AND revoked_at IS NULL",
            )
            .bind(now_millis())
            .bind(org.to_string())
            .bind(id.to_string())
        )?;
        Ok(())
    }

    // ----- scope checks --------------------------------------------------------------

    /// Whether `group_id` is a stream group of the organisation.
    pub async fn group_exists(&self, org: Uuid, group_id: Uuid) -> StoreResult<bool> {
        let found: Option<(String,)> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as("SELECT id FROM streams WHERE org_id = $1 AND id = $2 AND is_head")
                .bind(org.to_string())
                .bind(group_id.to_string())
        )?;
        Ok(found.is_some())
    }
}
