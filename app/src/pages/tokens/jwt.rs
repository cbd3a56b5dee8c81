//! Reading a playback token (JWT) without checking it: base64url decoding of its header
//! and payload, so the console can show what a token says.
//!
//! Nothing here verifies a signature; whether a token is valid is the server's answer
//! (`POST /tokens/verify`). Decoded parts are shown as "what the token says", never as
//! proof of anything.

use serde::Deserialize;
use shared::model::TokenClaims;

/// A JWT's protected header, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JwtHeader {
    /// `ES256` for Castboard's tokens.
    pub alg: String,
    #[serde(default)]
    pub typ: Option<String>,
    /// The signing key's id.
    #[serde(default)]
    pub kid: Option<String>,
}

/// The readable parts of a compact JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedJwt {
    pub header: JwtHeader,
    /// `None` when the payload is not a Castboard claims object.
    pub claims: Option<TokenClaims>,
}

/// Decodes unpadded base64url (RFC 4648 §5), as JWTs use it; trailing `=` padding is
/// tolerated. `None` for any other character or an impossible length.
pub fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for byte in text.bytes() {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The header and claims of a compact JWT (`header.payload.signature`); `None` when it
/// does not have three parts or its header is not readable JSON.
pub fn decode_jwt(token: &str) -> Option<DecodedJwt> {
    let mut parts = token.trim().split('.');
    let (header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    // Through `&str` (`from_str`), not `from_slice`: the API client parses with
    // serde_json's `StrRead`, and a second reader type would duplicate serde_json's whole
    // parser (and `TokenClaims`' deserializer) in the wasm.
    let json = |part: &str| decode_base64url(part).and_then(|bytes| String::from_utf8(bytes).ok());
    let header: JwtHeader = serde_json::from_str(&json(header)?).ok()?;
    let claims = json(payload).and_then(|text| serde_json::from_str(&text).ok());
    Some(DecodedJwt { header, claims })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const HEADER: &str = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0";
    /// `{"iss":"https://cb.example","aud":"castboard-playback","jti":"7c1e…01","iat":1796126400,
    /// "nbf":1796126400,"exp":1796212800,"org":"Ab3De","grp":"7c1e…02","dom":"example.com","rev":true}`
    const PAYLOAD: &str = "eyJpc3MiOiJodHRwczovL2NiLmV4YW1wbGUiLCJhdWQiOiJjYXN0Ym9hcmQtcGxheWJhY2siLCJqdGkiOiI3YzFlMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiLCJpYXQiOjE3OTYxMjY0MDAsIm5iZiI6MTc5NjEyNjQwMCwiZXhwIjoxNzk2MjEyODAwLCJvcmciOiJBYjNEZSIsImdycCI6IjdjMWUwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMiIsImRvbSI6ImV4YW1wbGUuY29tIiwicmV2Ijp0cnVlfQ";

    #[test]
    fn base64url_decodes_every_length_and_the_url_alphabet() {
        assert_eq!(decode_base64url(""), Some(vec![]));
        assert_eq!(decode_base64url("Zg"), Some(b"f".to_vec()));
        assert_eq!(decode_base64url("Zm8"), Some(b"fo".to_vec()));
        assert_eq!(decode_base64url("Zm9v"), Some(b"foo".to_vec()));
        assert_eq!(decode_base64url("Zm9vYg"), Some(b"foob".to_vec()));
        assert_eq!(decode_base64url("Zm9vYg=="), Some(b"foob".to_vec()));
        assert_eq!(decode_base64url("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(
            decode_base64url(HEADER),
            Some(br#"{"alg":"ES256","typ":"JWT","kid":"k1"}"#.to_vec())
        );
    }

    #[test]
    fn base64url_refuses_other_characters_and_impossible_lengths() {
        assert_eq!(decode_base64url("+/8"), None);
        assert_eq!(decode_base64url("Zm 9v"), None);
        assert_eq!(decode_base64url("Zm9vY"), None);
        assert_eq!(decode_base64url("Z"), None);
    }

    #[test]
    fn a_castboard_token_decodes_to_its_header_and_claims() {
        let decoded = decode_jwt(&format!(" {HEADER}.{PAYLOAD}.c2ln ")).expect("decodes");
        assert_eq!(
            decoded.header,
            JwtHeader {
                alg: "ES256".into(),
                typ: Some("JWT".into()),
                kid: Some("k1".into()),
            }
        );
        let claims = decoded.claims.expect("claims");
        assert_eq!(claims.iss, "https://cb.example");
        assert_eq!(claims.aud, "castboard-playback");
        assert_eq!(
            claims.jti,
            Uuid::parse_str("7c1e0000-0000-4000-8000-000000000001").expect("uuid")
        );
        assert_eq!(
            (claims.iat, claims.nbf, claims.exp),
            (1796126400, 1796126400, 1796212800)
        );
        assert_eq!(claims.org, "Ab3De");
        assert_eq!(
            claims.grp,
            Some(Uuid::parse_str("7c1e0000-0000-4000-8000-000000000002").expect("uuid"))
        );
        assert_eq!(claims.dom.as_deref(), Some("example.com"));
        assert_eq!(claims.rev, Some(true));
        assert_eq!(
            (claims.streams, claims.orgwide, claims.fdc),
            (None, None, None)
        );
    }

    #[test]
    fn other_shapes_are_not_decoded() {
        assert_eq!(decode_jwt(&format!("{HEADER}.{PAYLOAD}")), None);
        assert_eq!(decode_jwt(&format!("{HEADER}.{PAYLOAD}.c2ln.eA")), None);
        // A header that is not JSON, or not base64url.
        assert_eq!(decode_jwt(&format!("Zm9v.{PAYLOAD}.c2ln")), None);
        assert_eq!(decode_jwt(&format!("*.{PAYLOAD}.c2ln")), None);
        // A readable header with a payload that is not Castboard's: header only.
        assert_eq!(
            decode_jwt(&format!("{HEADER}.Zm9v.c2ln")).map(|d| (d.header.alg, d.claims)),
            Some(("ES256".to_string(), None))
        );
    }
}
