-- Secure playback: each organisation's ES256 signing keys and the registry of playback
-- tokens issued with them. Never edit this file once landed; add a new migration instead.

-- Key pairs. The newest (highest `serial` of the organisation) signs new tokens; older
-- ones still verify the tokens they signed until they are deleted.
CREATE TABLE signing_keys (
    -- RFC 7638 thumbprint of the public key (base64url), the JWT header's `kid`.
    kid         TEXT    PRIMARY KEY,
    org_id      TEXT    NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- 1, 2, … per organisation in order of creation; unique, so two keys created at
    -- once cannot both be "the newest".
    serial      INTEGER NOT NULL,
    -- Public point, base64url coordinates as in the JWK.
    public_x    TEXT    NOT NULL,
    public_y    TEXT    NOT NULL,
    -- The private scalar, base64url. Never leaves the server.
    private_key TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (org_id, serial)
);

-- Issued tokens: metadata only. The token text is shown once and never stored; the
-- payload (claims) is public anyway, the signature is what makes a token.
CREATE TABLE playback_tokens (
    -- The token's `jti`.
    id          TEXT    PRIMARY KEY,
    org_id      TEXT    NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- Not a reference: a key may be deleted while its tokens stay listed.
    kid         TEXT    NOT NULL,
    issued_at   BIGINT  NOT NULL,
    not_before  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    revocable   BOOLEAN NOT NULL,
    revoked_at  BIGINT,
    -- A user's email or "API key <name>", as it was at issue time.
    issued_by   TEXT    NOT NULL,
    -- JSON of shared::model::TokenClaims.
    claims      TEXT    NOT NULL
);
-- The registry, newest first.
CREATE INDEX playback_tokens_by_org ON playback_tokens (org_id, issued_at DESC, id DESC);
