//! The demo organisation of `castboard serve --demo`: created once, every feature on,
//! with an admin whose generated password is kept so it can be printed at every start.

use crate::auth;
use crate::store::{Store, StoreError};
use rand::distributions::{Alphanumeric, DistString};
use shared::model::Feature;
use shared::validate::{Email, OrgName};
use uuid::Uuid;

/// Sign-in of the demo admin.
pub const DEMO_EMAIL: &str = "admin@demo.castboard.test";
const ORG_KEY: &str = "demo_org_id";
const PASSWORD_KEY: &str = "demo_admin_password";

/// What `serve --demo` prints.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub org_hash: String,
    /// Whether this start created it.
    pub created: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

/// Creates the demo organisation unless it exists; returns its login either way.
pub async fn ensure(store: &Store) -> Result<DemoLogin, DemoError> {
    let existing = store.setting(ORG_KEY).await?;
    if let (Some(id), Some(password)) = (existing, store.setting(PASSWORD_KEY).await?) {
        let id = Uuid::parse_str(&id)
            .map_err(|_| DemoError::Other("stored demo organisation id is not a UUID".into()))?;
        let org = store.organisation(id).await?;
        return Ok(DemoLogin {
            email: DEMO_EMAIL.into(),
            password,
            org_hash: org.hash.to_string(),
            created: false,
        });
    }
    // Readable and long enough; random so no two installations share it.
    let password = format!(
        "demo-{}",
        Alphanumeric.sample_string(&mut rand::thread_rng(), 12)
    );
    let hash = auth::hash_password(&password)
        .await
        .map_err(|e| DemoError::Other(e.to_string()))?;
    let name = OrgName::parse("Castboard Demo").map_err(DemoError::Other)?;
    let email = Email::parse(DEMO_EMAIL).map_err(DemoError::Other)?;
    let (org, _) = store.create_organisation(&name, &email, &hash).await?;
    for feature in Feature::ALL {
        store.set_feature(&org.hash, feature, true).await?;
    }
    store
        .setting_or_insert(PASSWORD_KEY, || password.clone())
        .await?;
    store
        .setting_or_insert(ORG_KEY, || org.id.to_string())
        .await?;
    Ok(DemoLogin {
        email: DEMO_EMAIL.into(),
        password,
        org_hash: org.hash.to_string(),
        created: true,
    })
}
