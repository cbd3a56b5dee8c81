-- Every live stream, transcodes included: the health sampler reads them once a second to
-- match the media server's statistics to streams, and must not walk every stream of every
-- organisation to find them.
CREATE INDEX streams_live ON streams (id) WHERE state = 'live';
