//! Request and response bodies of the REST API (`/api/v1`), as docs/api.md describes them.
//!
//! Response types derive both `Serialize` (server) and `Deserialize` (browser, tests);
//! request types hold validated newtypes, so a body that deserialises is a valid one.

mod accounts;
mod health;
mod ingest_log;
mod processes;
mod streams;
mod tokens;

pub use accounts::*;
pub use health::*;
pub use ingest_log::*;
pub use processes::*;
pub use streams::*;
pub use tokens::*;

use serde::{Deserialize, Deserializer};

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(crate) fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
