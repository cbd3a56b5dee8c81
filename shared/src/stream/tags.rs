//! Tags and a stream's tag set.

use crate::openapi::schema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One tag: trimmed, 1 to 64 characters (Unicode), no control characters;
/// case-sensitive; `key:value` and `a/b` are fine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

impl Tag {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(s: &str) -> Result<Self, String> {
        crate::validate::parse_label(s, Self::MAX_CHARS).map(Tag)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

schema!(
    Tag,
    crate::validate::label_schema(
        "One tag: one line, case-sensitive; surrounding white space is trimmed. `key:value` and \
     `a/b` are fine.",
        Tag::MAX_CHARS,
    )
);

impl TryFrom<String> for Tag {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Tag::parse(&s)
    }
}

impl From<Tag> for String {
    fn from(t: Tag) -> String {
        t.0
    }
}

/// A stream's tag list: at most 32 tags, duplicates collapsed to the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Tags(Vec<Tag>);

impl Tags {
    pub const MAX: usize = 32;

    /// Parses each tag; the error names the first bad one by position.
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<Self, String> {
        let mut tags: Vec<Tag> = Vec::with_capacity(list.len());
        for (i, s) in list.iter().enumerate() {
            let tag = Tag::parse(s.as_ref()).map_err(|e| format!("tag {} {e}", i + 1))?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > Self::MAX {
            return Err(format!("must hold at most {} tags", Self::MAX));
        }
        Ok(Tags(tags))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_slice(&self) -> &[Tag] {
        &self.0
    }
}

schema!(
    Tags,
    crate::openapi::list_of::<Tag>(
        "A stream's tags; duplicates collapse to the first, so the bound counts distinct tags.",
        0,
        Tags::MAX,
    ),
    [Tag]
);

impl TryFrom<Vec<String>> for Tags {
    type Error = String;
    fn try_from(v: Vec<String>) -> Result<Self, String> {
        Tags::parse(&v)
    }
}

impl From<Tags> for Vec<String> {
    fn from(t: Tags) -> Vec<String> {
        t.0.into_iter().map(String::from).collect()
    }
}
