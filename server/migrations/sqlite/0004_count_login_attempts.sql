-- Sign-in throttling counts attempts before their password is checked, so parallel
-- guesses cannot all slip under the limit: an attempt is logged (inside the same write
-- transaction that checks the counts) before the expensive hash runs, and removed again
-- if it succeeds or is never checked. What remains are failures.
--
-- Failures are counted per (email, client address) pair and per client address, never
-- per email alone: a stranger's wrong guesses must not lock an account's owner out.
DROP TABLE login_failures;

CREATE TABLE login_attempts (
    id        TEXT   PRIMARY KEY,
    email_key TEXT   NOT NULL,
    addr      TEXT   NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX login_attempts_by_pair ON login_attempts (email_key, addr, at);
CREATE INDEX login_attempts_by_addr ON login_attempts (addr, at);
CREATE INDEX login_attempts_by_time ON login_attempts (at);
