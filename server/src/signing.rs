//! ES256 (ECDSA on P-256 with SHA-256) for playback tokens: key generation, JWT signing
//! and signature checks, JSON Web Keys.
//!
//! A private key exists in three places only: in memory while signing, in the store's
//! `signing_keys` table, and inside [`PrivateKey`], whose `Debug` prints nothing of it.
//! Nothing here logs; no response type holds a private key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::EncodedPoint;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::model::{Jwk, TokenClaims};
use std::fmt;

/// The JWS algorithm of every token.
pub const ALG: &str = "ES256";

/// A private key's scalar (32 bytes), base64url as the store keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey(String);

impl PrivateKey {
    /// Wraps the stored text (checked when used).
    pub fn from_stored(text: String) -> PrivateKey {
        PrivateKey(text)
    }

    /// The text to store.
    pub fn stored(&self) -> &str {
        &self.0
    }

    fn signing_key(&self) -> Option<SigningKey> {
        let bytes = B64.decode(&self.0).ok()?;
        SigningKey::from_slice(&bytes).ok()
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(…)")
    }
}

/// A public key: the point's coordinates, base64url (as in a JWK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub x: String,
    pub y: String,
}

impl PublicKey {
    /// The RFC 7638 thumbprint: base64url SHA-256 of the canonical JWK members. Used as
    /// the key's `kid`, so a kid names exactly one key.
    pub fn thumbprint(&self) -> String {
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            self.x, self.y
        );
        B64.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// The key as a JWK with `kid`.
    pub fn jwk(&self, kid: &str) -> Jwk {
        Jwk {
            kty: "EC".into(),
            crv: "P-256".into(),
            x: self.x.clone(),
            y: self.y.clone(),
            kid: kid.to_string(),
            alg: ALG.into(),
            use_: "sig".into(),
        }
    }

    fn verifying_key(&self) -> Option<VerifyingKey> {
        let x = B64.decode(&self.x).ok()?;
        let y = B64.decode(&self.y).ok()?;
        if x.len() != 32 || y.len() != 32 {
            return None;
        }
        let point = EncodedPoint::from_affine_coordinates(
            p256::FieldBytes::from_slice(&x),
            p256::FieldBytes::from_slice(&y),
            false,
        );
        VerifyingKey::from_encoded_point(&point).ok()
    }
}

/// A new key pair from the operating system's random source.
pub fn generate() -> (PrivateKey, PublicKey) {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let point = key.verifying_key().to_encoded_point(false);
    let coordinate = |c: Option<&p256::FieldBytes>| c.map(|b| B64.encode(b)).unwrap_or_default();
    let public = PublicKey {
        x: coordinate(point.x()),
        y: coordinate(point.y()),
    };
    (PrivateKey(B64.encode(key.to_bytes())), public)
}

/// A JWT's protected header.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
    kid: String,
}

/// Why a token could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("the stored private key of {0} cannot be read")]
    CorruptKey(String),
    #[error("the claims cannot be serialised: {0}")]
    Claims(#[from] serde_json::Error),
}

/// Signs `claims` with `key` as a compact JWS whose header names `kid`.
pub fn sign(claims: &TokenClaims, kid: &str, key: &PrivateKey) -> Result<String, SignError> {
    let header = Header {
        alg: ALG.into(),
        typ: Some("JWT".into()),
        kid: kid.to_string(),
    };
    let signing_input = format!(
        "{}.{}",
        B64.encode(serde_json::to_vec(&header)?),
        B64.encode(serde_json::to_vec(claims)?)
    );
    let signing_key = key
        .signing_key()
        .ok_or_else(|| SignError::CorruptKey(kid.to_string()))?;
    let signature: Signature = signing_key.sign(signing_input.as_bytes());
    // Only the low-S form verifies (see `Unverified::verify`).
    let signature = signature.normalize_s().unwrap_or(signature);
    Ok(format!(
        "{signing_input}.{}",
        B64.encode(signature.to_bytes())
    ))
}

/// A token taken apart, its signature not yet checked.
#[derive(Debug)]
pub struct Unverified<'a> {
    pub kid: String,
    signing_input: &'a str,
    signature: Vec<u8>,
    payload: Vec<u8>,
}

/// Splits a compact JWS; `None` when it is not an ES256 token with a `kid`.
pub fn parse(token: &str) -> Option<Unverified<'_>> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    let (header, payload) = signing_input.split_once('.')?;
    let header: Header = serde_json::from_slice(&B64.decode(header).ok()?).ok()?;
    if header.alg != ALG {
        return None;
    }
    Some(Unverified {
        kid: header.kid,
        signing_input,
        signature: B64.decode(signature).ok()?,
        payload: B64.decode(payload).ok()?,
    })
}

impl Unverified<'_> {
    /// The claims, when the signature is `key`'s and the payload is a token's.
    ///
    /// For every valid ECDSA signature (r, s), (r, n − s) is valid too; accepting both
    /// would give each token a second spelling, which defeats anything keyed on the
    /// token's text. Only the low-S one (which `sign` writes) is accepted.
    pub fn verify(&self, key: &PublicKey) -> Option<TokenClaims> {
        let signature = Signature::from_slice(&self.signature).ok()?;
        if signature.normalize_s().is_some() {
            return None;
        }
        key.verifying_key()?
            .verify(self.signing_input.as_bytes(), &signature)
            .ok()?;
        serde_json::from_slice(&self.payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn claims() -> TokenClaims {
        serde_json::from_value(serde_json::json!({
            "iss": "https://cb.example", "aud": "castboard-playback",
            "jti": Uuid::nil(), "iat": 1, "nbf": 1, "exp": 2, "org": "Ab3De", "orgwide": true
        }))
        .expect("valid claims")
    }

    #[test]
    fn signed_tokens_verify_with_their_key_only() {
        let (private, public) = generate();
        let kid = public.thumbprint();
        let token = sign(&claims(), &kid, &private).expect("signs");
        let parsed = parse(&token).expect("parses");
        assert_eq!(parsed.kid, kid);
        assert_eq!(parsed.verify(&public), Some(claims()));

        let (_, other) = generate();
        assert_eq!(parsed.verify(&other), None);

        // A changed payload breaks the signature.
        let mut parts: Vec<&str> = token.split('.').collect();
        let tampered = B64.encode(
            serde_json::to_vec(&TokenClaims {
                exp: 99,
                ..claims()
            })
            .expect("serialises"),
        );
        parts[1] = &tampered;
        let forged = parts.join(".");
        assert_eq!(parse(&forged).expect("parses").verify(&public), None);
    }

    #[test]
    fn the_high_s_twin_of_a_valid_signature_is_refused() {
        let (private, public) = generate();
        for n in 0..8u128 {
            let mut c = claims();
            c.jti = Uuid::from_u128(n);
            let token = sign(&c, "k1", &private).expect("signs");
            let (input, sig) = token.rsplit_once('.').expect("three parts");
            let low = Signature::from_slice(&B64.decode(sig).expect("base64")).expect("sig");
            assert!(low.normalize_s().is_none(), "sign writes low S");
            // (r, n - s): the same signature for a verifier that does not insist on low S.
            let (r, s) = low.split_scalars();
            let high = Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).expect("sig");
            assert_eq!(high.normalize_s(), Some(low));
            let twin = format!("{input}.{}", B64.encode(high.to_bytes()));

            assert_eq!(parse(&token).expect("parses").verify(&public), Some(c));
            assert_eq!(parse(&twin).expect("parses").verify(&public), None);
        }
    }

    #[test]
    fn any_changed_character_breaks_the_token() {
        let (private, public) = generate();
        let token = sign(&claims(), "k1", &private).expect("signs");
        let dots: Vec<usize> = token.match_indices('.').map(|(i, _)| i).collect();
        // Every 5th character of each part, and each part's last one.
        let positions = (0..token.len())
            .filter(|i| !dots.contains(i))
            .filter(|i| i % 5 == 0 || dots.contains(&(i + 1)) || *i == token.len() - 1);
        for i in positions {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).expect("ASCII");
            assert_eq!(
                parse(&changed).and_then(|u| u.verify(&public)),
                None,
                "character {i} changed"
            );
        }
    }

    #[test]
    fn header_is_es256_with_kid() {
        let (private, public) = generate();
        let token = sign(&claims(), "k1", &private).expect("signs");
        let header = token.split('.').next().expect("header");
        assert_eq!(
            String::from_utf8(B64.decode(header).expect("base64url")).expect("utf-8"),
            r#"{"alg":"ES256","typ":"JWT","kid":"k1"}"#
        );
        assert_eq!(public.jwk("k1").kty, "EC");
        // Another algorithm in the header is refused before any key is looked up.
        let none = format!(
            "{}.{}.",
            B64.encode(r#"{"alg":"none","kid":"k1"}"#),
            token.split('.').nth(1).expect("payload")
        );
        assert!(parse(&none).is_none());
    }

    #[test]
    fn thumbprint_follows_rfc_7638() {
        // RFC 7638 defines the input; this key's thumbprint was computed independently
        // (Python: sha256 of the canonical JSON, base64url).
        let key = PublicKey {
            x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU".into(),
            y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0".into(),
        };
        assert_eq!(
            key.thumbprint(),
            "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U"
        );
    }

    #[test]
    fn private_keys_do_not_print() {
        let (private, _) = generate();
        assert_eq!(format!("{private:?}"), "PrivateKey(…)");
    }
}
