//! The list's page size.

use crate::openapi::schema;
use serde::{Deserialize, Serialize};

/// Rows per page of the stream list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct PerPage(u32);

impl PerPage {
    pub const ALLOWED: [u32; 4] = [25, 50, 100, 150];

    pub fn new(n: u32) -> Result<Self, String> {
        if Self::ALLOWED.contains(&n) {
            Ok(PerPage(n))
        } else {
            Err("must be one of 25, 50, 100, 150".into())
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

schema!(
    PerPage,
    crate::openapi::ObjectBuilder::new()
        .schema_type(crate::openapi::Type::Integer)
        .description(Some("Rows per page."))
        .enum_values(Some(PerPage::ALLOWED))
        .default(Some(PerPage::default().get().into()))
);

impl Default for PerPage {
    fn default() -> Self {
        PerPage(25)
    }
}

impl TryFrom<u32> for PerPage {
    type Error = String;
    fn try_from(n: u32) -> Result<Self, String> {
        PerPage::new(n)
    }
}

impl From<PerPage> for u32 {
    fn from(p: PerPage) -> u32 {
        p.0
    }
}
