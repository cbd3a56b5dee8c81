//! Streamnames, and what the search field looks up.

use crate::openapi::schema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A streamname: the organisation hash, a dash and 5 letters or digits
/// (`HX26g-NRbx9`); case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamName(String);

impl StreamName {
    pub const SUFFIX_LEN: usize = 5;
    /// What `parse` accepts, as a regular expression.
    pub const PATTERN: &'static str = "^[A-Za-z0-9]{5}-[A-Za-z0-9]{5}$";

    pub fn parse(s: &str) -> Result<Self, String> {
        let b = s.as_bytes();
        let ok = b.len() == 11
            && b[5] == b'-'
            && b[..5].iter().chain(&b[6..]).all(u8::is_ascii_alphanumeric);
        if ok {
            Ok(StreamName(s.to_string()))
        } else {
            Err(
                "must be a streamname like AbC12-xYz89 (5 letters or digits, a dash, 5 more)"
                    .into(),
            )
        }
    }

    /// The organisation hash part.
    pub fn org_hash(&self) -> &str {
        &self.0[..5]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

schema!(
    StreamName,
    crate::openapi::string(
        "A streamname: the organisation hash, a dash and 5 letters or digits; case-sensitive."
    )
    .pattern(Some(StreamName::PATTERN))
    .examples(["HX26g-NRbx9"])
);

impl TryFrom<String> for StreamName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        StreamName::parse(&s)
    }
}

impl From<StreamName> for String {
    fn from(n: StreamName) -> String {
        n.0
    }
}

/// What the search field holds: an exact stream id or streamname.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamLookup {
    /// A UUID as typed (ids are lowercase, so an uppercase one finds nothing).
    Id(String),
    Name(StreamName),
}

impl StreamLookup {
    /// What `parse` accepts, as a regular expression: a UUID (any case) or a streamname.
    pub const PATTERN: &'static str = "^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Za-z0-9]{5}-[A-Za-z0-9]{5})$";

    pub fn parse(q: &str) -> Result<Self, String> {
        let is_uuid = q.len() == 36
            && q.char_indices().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            });
        if is_uuid {
            return Ok(StreamLookup::Id(q.to_string()));
        }
        StreamName::parse(q)
            .map(StreamLookup::Name)
            .map_err(|_| "must be a stream id (UUID) or a streamname like AbC12-xYz89".to_string())
    }

    /// The id or streamname as typed, which `parse` reads back as the same lookup.
    pub fn as_str(&self) -> &str {
        match self {
            StreamLookup::Id(id) => id,
            StreamLookup::Name(name) => name.as_str(),
        }
    }
}

schema!(
    StreamLookup,
    crate::openapi::string(
        "An exact stream id (ids are lowercase, so an uppercase one finds nothing) or streamname."
    )
    .pattern(Some(StreamLookup::PATTERN))
);
