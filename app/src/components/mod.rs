//! Reusable view pieces shared by pages. They take plain values, signals and callbacks;
//! only [`signed_in_layout`] and the sign-out button in [`top_bar`] talk to the API.

pub mod alert;
pub mod badge;
pub mod brand;
pub mod copy_button;
pub mod dialog;
pub mod error_state;
pub mod form_field;
pub mod live_processing;
pub mod notice;
pub mod search;
pub mod signed_in_layout;
pub mod skeleton;
pub mod snippet_generator;
pub mod submit_button;
pub mod tag_input;
pub mod time;
pub mod toast;
pub mod top_bar;
