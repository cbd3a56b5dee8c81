-- The whole schema for PostgreSQL: the same tables, columns, constraints and indexes as
-- the SQLite migrations (server/migrations/sqlite, 0001 to 0010) end with. PostgreSQL's
-- history starts here; from now on a change of the schema is a migration in both folders.
-- Never edit this file once landed; add a new migration instead.
--
-- Where the two differ, and why:
-- - every TEXT column is `COLLATE "C"`: ids, names, tags and emails compare and sort by
--   their bytes, as SQLite's default BINARY collation does (the list's tie-breaker
--   `id DESC`, prefix searches as `>= x AND < successor`, lower() on ASCII only);
-- - every integer is BIGINT: SQLite's INTEGER holds 64 bits and the store reads i64;
-- - flags are BOOLEAN on both (SQLite keeps them as 0/1);
-- - `ingest_log.seq` is an identity column (SQLite's INTEGER PRIMARY KEY is its rowid);
-- - `playback_tokens.group_id` is a STORED generated column read from the claims as jsonb
--   (SQLite's is VIRTUAL, by json_extract).
-- Descriptions of the columns are in the SQLite migrations.

CREATE TABLE organisations (
    id                      TEXT COLLATE "C" PRIMARY KEY,
    name                    TEXT COLLATE "C" NOT NULL,
    hash                    TEXT COLLATE "C" NOT NULL UNIQUE,
    feature_secure          BOOLEAN NOT NULL DEFAULT FALSE,
    feature_vod             BOOLEAN NOT NULL DEFAULT FALSE,
    feature_live_processing BOOLEAN NOT NULL DEFAULT FALSE,
    feature_transcoding     BOOLEAN NOT NULL DEFAULT FALSE,
    feature_webcaster       BOOLEAN NOT NULL DEFAULT FALSE,
    feature_player          BOOLEAN NOT NULL DEFAULT TRUE,
    max_transcodes          BIGINT  NOT NULL DEFAULT 3 CHECK (max_transcodes >= 0),
    webhook_url             TEXT COLLATE "C",
    created_at              BIGINT  NOT NULL
);

CREATE TABLE users (
    id            TEXT COLLATE "C" PRIMARY KEY,
    org_id        TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email         TEXT COLLATE "C" NOT NULL,
    email_key     TEXT COLLATE "C" NOT NULL UNIQUE,
    password_hash TEXT COLLATE "C" NOT NULL,
    role          TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'user', 'read_only')),
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_by_org ON users (org_id, created_at);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE api_keys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    org_id       TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    role         TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'user', 'read_only')),
    prefix       TEXT COLLATE "C" NOT NULL,
    secret_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_keys_by_org ON api_keys (org_id, created_at);
CREATE UNIQUE INDEX api_keys_name_per_org ON api_keys (org_id, lower(name));

CREATE TABLE login_attempts (
    id        TEXT COLLATE "C" PRIMARY KEY,
    email_key TEXT COLLATE "C" NOT NULL,
    addr      TEXT COLLATE "C" NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX login_attempts_by_pair ON login_attempts (email_key, addr, at);
CREATE INDEX login_attempts_by_addr ON login_attempts (addr, at);
CREATE INDEX login_attempts_by_time ON login_attempts (at);

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE stream_names (
    name TEXT COLLATE "C" PRIMARY KEY
);

CREATE TABLE streams (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    org_id               TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name                 TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES stream_names (name),
    group_id             TEXT COLLATE "C" NOT NULL,
    idx                  BIGINT  NOT NULL CHECK (idx >= 0),
    is_head              BOOLEAN NOT NULL,
    state                TEXT COLLATE "C" NOT NULL CHECK (state IN ('created', 'live', 'ended', 'locked', 'deleted')),
    ever_live            BOOLEAN NOT NULL DEFAULT FALSE,
    profile_id           TEXT COLLATE "C",
    width                BIGINT,
    height               BIGINT,
    bitrate_kbps         BIGINT,
    framerate            BIGINT,
    tags                 TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    push_url             TEXT COLLATE "C",
    timecode_enabled     BOOLEAN NOT NULL DEFAULT FALSE,
    timecode_interval_ms BIGINT  NOT NULL DEFAULT 2000,
    processing           TEXT COLLATE "C" NOT NULL,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL,
    last_seen_at         BIGINT,
    cut_requested_at     BIGINT,
    thumbnail_url        TEXT COLLATE "C",
    thumbnail_at         BIGINT,
    motion_clip_url      TEXT COLLATE "C",
    motion_clip_at       BIGINT,
    UNIQUE (group_id, idx)
);
CREATE INDEX streams_listing ON streams (org_id, is_head, updated_at DESC, id DESC);
CREATE INDEX streams_listing_by_state ON streams (org_id, is_head, state, updated_at DESC, id DESC);
CREATE INDEX streams_listing_all ON streams (org_id, updated_at DESC, id DESC);
CREATE INDEX streams_listing_all_by_state ON streams (org_id, state, updated_at DESC, id DESC);
CREATE INDEX streams_live_by_last_seen ON streams (last_seen_at) WHERE state = 'live' AND is_head;
CREATE INDEX streams_live ON streams (id) WHERE state = 'live';

CREATE TABLE stream_tags (
    stream_id  TEXT COLLATE "C" NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    org_id     TEXT COLLATE "C" NOT NULL,
    tag        TEXT COLLATE "C" NOT NULL,
    is_head    BOOLEAN NOT NULL,
    state      TEXT COLLATE "C" NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (stream_id, tag)
);
CREATE INDEX stream_tags_listing ON stream_tags (org_id, tag, is_head, state, updated_at DESC, stream_id DESC);
CREATE INDEX stream_tags_recent ON stream_tags (org_id, tag, is_head, updated_at DESC, stream_id DESC);

CREATE TABLE tag_counts (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    tag    TEXT COLLATE "C" NOT NULL,
    count  BIGINT NOT NULL CHECK (count > 0),
    PRIMARY KEY (org_id, tag)
);
CREATE INDEX tag_counts_by_use ON tag_counts (org_id, count DESC, tag);

CREATE TABLE recordings (
    id            TEXT COLLATE "C" PRIMARY KEY,
    stream_id     TEXT COLLATE "C" NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    session_start BIGINT NOT NULL,
    file_name     TEXT COLLATE "C" NOT NULL,
    size_bytes    BIGINT NOT NULL,
    url           TEXT COLLATE "C" NOT NULL,
    duration_s    BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX recordings_by_stream ON recordings (stream_id, session_start DESC);
CREATE INDEX recordings_by_file ON recordings (file_name);

CREATE TABLE replay_sessions (
    id            TEXT COLLATE "C" PRIMARY KEY,
    stream_id     TEXT COLLATE "C" NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    session_start BIGINT NOT NULL,
    hls_url       TEXT COLLATE "C" NOT NULL,
    replay_url    TEXT COLLATE "C" NOT NULL,
    clip_url      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX replay_sessions_by_stream ON replay_sessions (stream_id, session_start DESC);

CREATE TABLE stream_counts (
    org_id  TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    is_head BOOLEAN NOT NULL,
    state   TEXT COLLATE "C" NOT NULL,
    count   BIGINT  NOT NULL,
    PRIMARY KEY (org_id, is_head, state)
);

CREATE TABLE stream_day_counts (
    org_id  TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    is_head BOOLEAN NOT NULL,
    state   TEXT COLLATE "C" NOT NULL,
    day     BIGINT  NOT NULL,
    count   BIGINT  NOT NULL,
    PRIMARY KEY (org_id, is_head, state, day)
);

CREATE TABLE signing_keys (
    kid         TEXT COLLATE "C" PRIMARY KEY,
    org_id      TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    serial      BIGINT NOT NULL,
    public_x    TEXT COLLATE "C" NOT NULL,
    public_y    TEXT COLLATE "C" NOT NULL,
    private_key TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (org_id, serial)
);

CREATE TABLE playback_tokens (
    id          TEXT COLLATE "C" PRIMARY KEY,
    org_id      TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kid         TEXT COLLATE "C" NOT NULL,
    issued_at   BIGINT  NOT NULL,
    not_before  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    revocable   BOOLEAN NOT NULL,
    revoked_at  BIGINT,
    issued_by   TEXT COLLATE "C" NOT NULL,
    claims      TEXT COLLATE "C" NOT NULL,
    group_id    TEXT COLLATE "C" GENERATED ALWAYS AS ((claims::jsonb) ->> 'grp') STORED
);
CREATE INDEX playback_tokens_by_org ON playback_tokens (org_id, issued_at DESC, id DESC);
CREATE INDEX playback_tokens_by_group ON playback_tokens (org_id, group_id, issued_at DESC, id DESC);

CREATE TABLE ingest_log (
    seq         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    org_id      TEXT COLLATE "C" NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    group_id    TEXT COLLATE "C",
    stream_id   TEXT COLLATE "C",
    at          BIGINT NOT NULL,
    reason      TEXT COLLATE "C",
    client_addr TEXT COLLATE "C",
    encoder     TEXT COLLATE "C",
    streamname  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ingest_log_by_org ON ingest_log (org_id, seq);
CREATE INDEX ingest_log_by_org_time ON ingest_log (org_id, at);
CREATE INDEX ingest_log_by_group ON ingest_log (group_id, seq) WHERE group_id IS NOT NULL;
