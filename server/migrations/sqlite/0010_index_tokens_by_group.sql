-- The registry of one stream group's tokens (`GET /tokens?group=`), newest first. Never
-- edit this file once landed; add a new migration instead.
--
-- A token's group is its `grp` claim, read from the stored claims (a virtual column: it
-- needs no write and no backfill, and is NULL for a token of streams or of the whole
-- organisation). It holds the id as the claims spell it: lowercase, hyphenated.
ALTER TABLE playback_tokens
    ADD COLUMN group_id TEXT GENERATED ALWAYS AS (json_extract(claims, '$.grp')) VIRTUAL;

CREATE INDEX playback_tokens_by_group
    ON playback_tokens (org_id, group_id, issued_at DESC, id DESC);
