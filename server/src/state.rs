//! What every handler can reach: the store and the server's settings.

use crate::store::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
}

/// Settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach this server, without a trailing slash.
    pub public_url: String,
    /// Whether cookies get the `Secure` attribute (the public URL is https).
    pub secure_cookies: bool,
}

impl Settings {
    pub fn new(public_url: &str) -> Settings {
        let public_url = public_url.trim_end_matches('/').to_string();
        Settings {
            secure_cookies: public_url.starts_with("https://"),
            public_url,
        }
    }
}
