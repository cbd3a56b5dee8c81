-- Work that must run on exactly one instance at a time (the media server and what
-- watches it) is held through a lease: one row per kind of work, naming the instance
-- that holds it until `expires_at` (ms since the Unix epoch, the database's clock on
-- PostgreSQL). The holder renews it well before then; another instance takes it only
-- once it has expired, or when the holder gives it up.
CREATE TABLE leases (
    name       TEXT   PRIMARY KEY,
    holder     TEXT   NOT NULL,
    holder_url TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
