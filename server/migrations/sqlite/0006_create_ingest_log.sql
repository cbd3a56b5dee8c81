-- The ingest log: every publish attempt the media server reported, accepted or refused,
-- so an organisation can see why an encoder could not go live. Never edit this file once
-- landed; add a new migration instead.
--
-- Bounded per organisation: each insert (one write transaction) also deletes what falls
-- out of the retention (the newest 1,000 of the organisation, none older than 30 days),
-- so a flood of refused publishes cannot grow the table. A name with no known
-- organisation hash is never written here. No foreign key on the stream: a removed
-- transcode's attempts stay until they age out.
CREATE TABLE ingest_log (
    -- Insertion order: the newest attempt has the highest (writes take turns).
    seq         INTEGER PRIMARY KEY,
    org_id      TEXT    NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- The named stream's group and the stream itself; NULL for an unknown name.
    group_id    TEXT,
    stream_id   TEXT,
    at          BIGINT  NOT NULL,
    -- shared::model::IngestRefusal's wire name; NULL when the publish was accepted.
    reason      TEXT,
    client_addr TEXT,
    encoder     TEXT,
    streamname  TEXT    NOT NULL
);
-- The organisation's log newest first, and its count-based pruning.
CREATE INDEX ingest_log_by_org ON ingest_log (org_id, seq);
-- Age-based pruning.
CREATE INDEX ingest_log_by_org_time ON ingest_log (org_id, at);
-- One group's log newest first.
CREATE INDEX ingest_log_by_group ON ingest_log (group_id, seq) WHERE group_id IS NOT NULL;
