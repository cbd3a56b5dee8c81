//! Reusable view pieces shared by pages. They take plain values, signals and callbacks;
//! only [`signed_in_layout`] and the sign-out button in [`top_bar`] talk to the API.

pub mod alert;
pub mod brand;
pub mod error_state;
pub mod form_field;
pub mod signed_in_layout;
pub mod skeleton;
pub mod top_bar;
