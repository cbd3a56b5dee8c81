-- Streams: members of stream groups (passthrough idx 0, transcodes 1..n), their tags and
-- assets. Never edit this file once landed; add a new migration instead.
--
-- Designed for an organisation with a million streams: the list is always "newest update
-- first" within an organisation, so every listing index leads with (org_id, …,
-- updated_at, id); tag filters read a posting table that carries copies of the listing
-- keys, so a tag (AND further tags) narrows by one index range.

-- Every streamname ever handed out. A removed member's row goes, its name stays here, so
-- a name is never given twice.
CREATE TABLE stream_names (
    name TEXT PRIMARY KEY
);

CREATE TABLE streams (
    id                   TEXT    PRIMARY KEY,
    org_id               TEXT    NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- `<org hash>-<5 random>`, case-sensitive.
    name                 TEXT    NOT NULL UNIQUE REFERENCES stream_names (name),
    -- The passthrough's id (its own for the passthrough).
    group_id             TEXT    NOT NULL,
    -- 0 = passthrough, 1..n = transcodes in falling bitrate; `is_head` = (idx = 0), kept
    -- as a column so the grouped list is an index prefix.
    idx                  INTEGER NOT NULL CHECK (idx >= 0),
    is_head              BOOLEAN NOT NULL,
    -- The whole group shares one state; changes move every member at once.
    state                TEXT    NOT NULL CHECK (state IN ('created', 'live', 'ended', 'locked', 'deleted')),
    -- Whether it was ever live: unlock leads to `ended` then, else to `created`.
    ever_live            BOOLEAN NOT NULL DEFAULT FALSE,
    -- Transcode profile; all NULL for the passthrough.
    profile_id           TEXT,
    width                INTEGER,
    height               INTEGER,
    bitrate_kbps         INTEGER,
    framerate            INTEGER,
    -- Tags in the order given (JSON array of strings); stream_tags indexes them.
    tags                 TEXT    NOT NULL DEFAULT '[]',
    push_url             TEXT,
    timecode_enabled     BOOLEAN NOT NULL DEFAULT FALSE,
    timecode_interval_ms INTEGER NOT NULL DEFAULT 2000,
    -- JSON of shared::stream::Processing.
    processing           TEXT    NOT NULL,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL,
    -- Last publish or update_publish from the media server.
    last_seen_at         BIGINT,
    -- Locked while live: the media server must cut the ingest.
    cut_requested_at     BIGINT,
    -- Latest thumbnail and motion clip.
    thumbnail_url        TEXT,
    thumbnail_at         BIGINT,
    motion_clip_url      TEXT,
    motion_clip_at       BIGINT,
    UNIQUE (group_id, idx)
);
-- Grouped list (is_head = TRUE) and individual list (both values), newest first.
CREATE INDEX streams_listing ON streams (org_id, is_head, updated_at DESC, id DESC);
-- One state (or a few) at a time.
CREATE INDEX streams_listing_by_state ON streams (org_id, is_head, state, updated_at DESC, id DESC);
CREATE INDEX streams_listing_all ON streams (org_id, updated_at DESC, id DESC);
CREATE INDEX streams_listing_all_by_state ON streams (org_id, state, updated_at DESC, id DESC);

-- Tag postings: one row per (stream, tag) with copies of the stream's listing keys.
CREATE TABLE stream_tags (
    stream_id  TEXT    NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    org_id     TEXT    NOT NULL,
    tag        TEXT    NOT NULL,
    is_head    BOOLEAN NOT NULL,
    state      TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (stream_id, tag)
);
CREATE INDEX stream_tags_listing ON stream_tags (org_id, tag, is_head, state, updated_at DESC, stream_id DESC);
CREATE INDEX stream_tags_recent ON stream_tags (org_id, tag, is_head, updated_at DESC, stream_id DESC);

-- Streams (not deleted) per tag; a tag with none is removed.
CREATE TABLE tag_counts (
    org_id TEXT   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    tag    TEXT   NOT NULL,
    count  BIGINT NOT NULL CHECK (count > 0),
    PRIMARY KEY (org_id, tag)
);
CREATE INDEX tag_counts_by_use ON tag_counts (org_id, count DESC, tag);

-- Recorded files (record_done hook), newest session first.
CREATE TABLE recordings (
    id            TEXT   PRIMARY KEY,
    stream_id     TEXT   NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    session_start BIGINT NOT NULL,
    file_name     TEXT   NOT NULL,
    size_bytes    BIGINT NOT NULL,
    url           TEXT   NOT NULL,
    duration_s    INTEGER,
    created_at    BIGINT NOT NULL
);
CREATE INDEX recordings_by_stream ON recordings (stream_id, session_start DESC);

-- Live-replay sessions.
CREATE TABLE replay_sessions (
    id            TEXT   PRIMARY KEY,
    stream_id     TEXT   NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
    session_start BIGINT NOT NULL,
    hls_url       TEXT   NOT NULL,
    replay_url    TEXT   NOT NULL,
    clip_url      TEXT   NOT NULL
);
CREATE INDEX replay_sessions_by_stream ON replay_sessions (stream_id, session_start DESC);

-- Counts behind the list's totals, so a page of a million streams never counts rows:
-- streams per (organisation, passthrough or not, state), and the same per UTC day of
-- `updated_at` (days since 1970-01-01) for date filters. Kept by the store in the same
-- transaction as every change; rows may hold 0.
CREATE TABLE stream_counts (
    org_id  TEXT    NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    is_head BOOLEAN NOT NULL,
    state   TEXT    NOT NULL,
    count   BIGINT  NOT NULL,
    PRIMARY KEY (org_id, is_head, state)
);

CREATE TABLE stream_day_counts (
    org_id  TEXT    NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    is_head BOOLEAN NOT NULL,
    state   TEXT    NOT NULL,
    day     INTEGER NOT NULL,
    count   BIGINT  NOT NULL,
    PRIMARY KEY (org_id, is_head, state, day)
);
