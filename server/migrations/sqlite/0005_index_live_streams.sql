-- The streams that are live right now, by when their ingest last reported in: Castboard
-- looks for silent ones every few seconds (an encoder or media server that died without
-- saying so) and must not walk every stream of every organisation to find them.
CREATE INDEX streams_live_by_last_seen ON streams (last_seen_at) WHERE state = 'live' AND is_head;
