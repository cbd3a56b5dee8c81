//! The signed-in caller, for every page under the signed-in layout: the `GET /me` answer
//! loaded once per visit to the signed-in area, and how a page reads it.
//!
//! What the caller may do is `shared`'s rule ([`Me::can_write`], [`Me::is_admin`], the
//! same [`shared::model::Role`] methods the server's policies call); pages ask `me`.
//!
//! Layer: the ground floor of the app, beside [`crate::api`] and [`crate::paths`]. It may
//! import [`crate::api`] and `shared`, nothing above.

use crate::api::{self, ApiError};
use leptos::prelude::*;
use shared::model::Me;

/// The signed-in caller, provided to every page under the signed-in layout.
#[derive(Clone, Copy)]
pub struct CurrentSession {
    /// `GET /me`, loaded once per visit to the signed-in area.
    pub me: LocalResource<Result<Me, ApiError>>,
}

impl CurrentSession {
    /// Starts loading the caller and provides it to everything below the calling
    /// component.
    pub fn provide() -> Self {
        let session = CurrentSession {
            me: LocalResource::new(api::me),
        };
        provide_context(session);
        session
    }

    /// The session context; `None` outside the signed-in layout.
    pub fn get() -> Option<Self> {
        use_context()
    }
}

/// The signed-in caller, for pages under the signed-in layout: the layout renders them
/// only once `GET /me` has answered, so this is `Some` there (and `None` anywhere else).
pub fn use_me() -> Option<Me> {
    CurrentSession::get()
        .and_then(|s| s.me.get_untracked())
        .and_then(Result::ok)
}
