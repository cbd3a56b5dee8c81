//! One routed page per file. A page composes components and calls [`crate::api`]; it
//! holds no URL and no rule that belongs to the server.

pub mod create_stream;
pub mod generator;
pub mod home;
pub mod instructions;
pub mod not_found;
pub mod organisation;
pub mod sign_in;
pub mod stream_list;
pub mod stream_overview;
pub mod tokens;
