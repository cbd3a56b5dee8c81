//! What every form shares: its field errors, keyed the way the server keys a refusal's
//! `error.fields` (`email`, `scope.group`, `transcodes[1].bitrate_kbps`, …), and
//! [`FormErrors`], which puts the form's own reason and the server's reason for the same
//! key next to one input, and the refusal's sentence in the form's alert when it names
//! no field.
//!
//! Each form keeps its own rule for when the server's refusal stops holding (typing
//! again, a changed request, the next attempt): it hands [`FormErrors`] the refusal that
//! still stands.
//!
//! Also here: [`token`], the rules of the playback-token forms, which the token console
//! and the snippet generator share.
//!
//! Layer: the ground floor of the app, beside [`crate::api`] and [`crate::format`]. It
//! may import them and `shared`; no component, page or path.

pub mod token;

use crate::api::ApiError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Field key → why its value is refused.
pub type FieldErrors = BTreeMap<String, String>;

/// The reasons a form shows: its own checks of what is typed first, else the server's
/// reasons in the refusal that still stands.
#[derive(Clone, Copy)]
pub struct FormErrors {
    /// The form's own reasons, for the fields it shows them for now.
    local: Signal<FieldErrors>,
    /// The server's refusal of the request the form still holds, if any.
    refusal: Signal<Option<ApiError>>,
}

impl FormErrors {
    pub fn new(
        local: impl Into<Signal<FieldErrors>>,
        refusal: impl Into<Signal<Option<ApiError>>>,
    ) -> Self {
        FormErrors {
            local: local.into(),
            refusal: refusal.into(),
        }
    }

    /// Why the value of `key` is refused: the form's reason, else the server's.
    pub fn field(self, key: &'static str) -> Signal<Option<String>> {
        self.field_named(key, [key])
    }

    /// [`field`](Self::field) for a field the server names otherwise
    /// (`processing.thumbnails.interval_s` for the form's `interval`), or by more than one
    /// name: the first of `server_keys` the refusal gives a reason for.
    pub fn field_named<K: Into<String>>(
        self,
        key: &'static str,
        server_keys: impl IntoIterator<Item = K>,
    ) -> Signal<Option<String>> {
        let server_keys: Vec<String> = server_keys.into_iter().map(Into::into).collect();
        Signal::derive(move || {
            self.local.with(|l| l.get(key).cloned()).or_else(|| {
                self.refusal.with(|r| {
                    let e = r.as_ref()?;
                    server_keys.iter().find_map(|k| e.field(k))
                })
            })
        })
    }

    /// Every reason at once, the form's own winning over the server's for the same key
    /// (for a form that hands its sections the errors below their prefix).
    pub fn all(self) -> FieldErrors {
        let mut out = self.local.get();
        self.refusal.with(|r| {
            if let Some(fields) = r.as_ref().and_then(ApiError::fields) {
                for (k, v) in fields {
                    out.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        });
        out
    }

    /// The refusal, when it names no field: its sentence belongs in the form's alert, as
    /// no input shows it.
    pub fn general(self) -> Option<ApiError> {
        self.refusal
            .with(|r| r.as_ref().filter(|e| e.fields().is_none()).cloned())
    }
}

/// The form's own reasons from pairs of a key and a reason, if any: for a form whose
/// checks give one reason per field.
pub fn reasons<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<String>)>) -> FieldErrors {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_string(), v?)))
        .collect()
}
