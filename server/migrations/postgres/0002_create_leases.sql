-- Work that must run on exactly one instance at a time (the media server and what
-- watches it) is held through a lease: one row per kind of work, naming the instance
-- that holds it until `expires_at` (ms since the Unix epoch, the database's clock). The
-- holder renews it well before then; another instance takes it only once it has
-- expired, or when the holder gives it up.
CREATE TABLE leases (
    name       TEXT COLLATE "C" PRIMARY KEY,
    holder     TEXT COLLATE "C" NOT NULL,
    holder_url TEXT COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL
);
