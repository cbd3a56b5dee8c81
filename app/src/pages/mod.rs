//! One routed page per file (a folder beside it for its parts), and the page parts two
//! pages share: [`snippet_generator`], the stream overview's Code Snippets tab and the
//! body of the standalone generator. A page composes components and calls
//! [`crate::api`]; it holds no URL and no rule that belongs to the server.
//!
//! Layer: above [`crate::components`]. Pages may import components and the ground floor
//! ([`crate::api`], [`crate::paths`], [`crate::session`], [`crate::format`],
//! [`crate::events`], [`crate::form`]) and one another's parts; only
//! [`crate::router`] imports pages.

pub mod account;
pub mod create_stream;
pub mod generator;
pub mod home;
pub mod instructions;
pub mod not_found;
pub mod organisation;
pub mod sign_in;
pub mod snippet_generator;
pub mod stream_list;
pub mod stream_overview;
pub mod tokens;
