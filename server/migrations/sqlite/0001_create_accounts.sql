-- Accounts: organisations (the tenants), their users, sessions and API keys, plus the
-- login-failure log that throttling reads and a small key/value table for instance
-- settings. Never edit this file once landed; add a new migration instead.
--
-- Portability (PostgreSQL comes later): ids are TEXT (lowercase UUIDs), times are
-- BIGINT milliseconds since the Unix epoch in UTC, flags are BOOLEAN; no SQLite-only
-- column types or functions.

CREATE TABLE organisations (
    id                      TEXT    PRIMARY KEY,
    name                    TEXT    NOT NULL,
    -- 5 characters [A-Za-z0-9], case-sensitive; the prefix of every streamname.
    hash                    TEXT    NOT NULL UNIQUE,
    -- Packages, switched by the instance operator's command line only.
    feature_secure          BOOLEAN NOT NULL DEFAULT FALSE,
    feature_vod             BOOLEAN NOT NULL DEFAULT FALSE,
    feature_live_processing BOOLEAN NOT NULL DEFAULT FALSE,
    feature_transcoding     BOOLEAN NOT NULL DEFAULT FALSE,
    feature_webcaster       BOOLEAN NOT NULL DEFAULT FALSE,
    feature_player          BOOLEAN NOT NULL DEFAULT TRUE,
    max_transcodes          INTEGER NOT NULL DEFAULT 3 CHECK (max_transcodes >= 0),
    webhook_url             TEXT,
    created_at              BIGINT  NOT NULL
);

CREATE TABLE users (
    id            TEXT   PRIMARY KEY,
    org_id        TEXT   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- As typed (trimmed); shown back to people.
    email         TEXT   NOT NULL,
    -- Lowercased email: unique across the whole instance, used for sign-in look-ups.
    email_key     TEXT   NOT NULL UNIQUE,
    -- PHC string of an argon2id hash.
    password_hash TEXT   NOT NULL,
    role          TEXT   NOT NULL CHECK (role IN ('admin', 'user', 'read_only')),
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_by_org ON users (org_id, created_at);

-- Server-side sessions. The cookie carries a random secret; only its SHA-256 is kept,
-- so a copy of the database cannot be used to sign in.
CREATE TABLE sessions (
    token_hash TEXT   PRIMARY KEY,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- API keys for scripts. Like sessions, only the SHA-256 of the secret is stored; the
-- secret is shown once, at creation. `prefix` is its first characters, to tell keys apart.
CREATE TABLE api_keys (
    id           TEXT   PRIMARY KEY,
    org_id       TEXT   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    role         TEXT   NOT NULL CHECK (role IN ('admin', 'user', 'read_only')),
    prefix       TEXT   NOT NULL,
    secret_hash  TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_keys_by_org ON api_keys (org_id, created_at);

-- One row per failed sign-in; throttling counts them per email and per client address
-- over a sliding window. Rows older than the window are pruned on every failure.
CREATE TABLE login_failures (
    email_key TEXT   NOT NULL,
    addr      TEXT   NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email_key, at);
CREATE INDEX login_failures_by_addr ON login_failures (addr, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

-- Instance-wide settings (e.g. the generated ingest hook secret).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
