//! Reusable view pieces shared by pages. They take plain values, signals and callbacks;
//! only [`signed_in_layout`], the sign-out button in [`top_bar`], the stream
//! [`search`] and the tag suggestions of [`tag_input`] talk to the API. A tab with its
//! own calls and state is a page part and lives under [`crate::pages`].
//!
//! Layer: between the pages and the ground floor. Components may import one another,
//! [`crate::api`], [`crate::paths`], [`crate::session`], [`crate::format`] and `shared`;
//! never a page or the router.

pub mod alert;
pub mod badge;
pub mod brand;
pub mod copy_button;
pub mod dialog;
pub mod error_state;
pub mod form_field;
pub mod icon;
pub mod menu;
pub mod notice;
pub mod search;
pub mod signed_in_layout;
pub mod skeleton;
pub mod submit_button;
pub mod tag_input;
pub mod time;
pub mod toast;
pub mod top_bar;
