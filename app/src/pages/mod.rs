//! One routed page per file. A page composes components and calls [`crate::api`]; it
//! holds no URL and no rule that belongs to the server.

pub mod home;
pub mod not_found;
pub mod sign_in;
