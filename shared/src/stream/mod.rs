//! Streams: states, names, tags, profiles, processing settings and the listing
//! vocabulary, as validated types shared by the API and the dashboard — one concern per
//! file, all of it re-exported here (`shared::stream::…`).

mod date_preset;
mod name;
mod page;
mod processing;
mod profile;
mod state;
mod tags;
mod test_source;
mod timecode;

pub use date_preset::*;
pub use name::*;
pub use page::*;
pub use processing::*;
pub use profile::*;
pub use state::*;
pub use tags::*;
pub use test_source::*;
pub use timecode::*;

#[cfg(test)]
mod tests;
