-- Failed sign-ins in a row, per subject: a client address ('address:<ip>', an IPv6 client by
-- its /64) or an account ('account:<email as typed, lower-cased>', known or not). CONTRACT §4
-- "Sign-in throttling": from the 5th failure further attempts are refused until
-- `blocked_until`. In the database, not in memory, so several instances on one database
-- enforce one limit. A success deletes the subject's row; rows whose last failure is a day
-- old are forgotten (deleted as new failures come in).

CREATE TABLE sign_in_failures (
    subject         TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,          -- unix millis
    blocked_until   INTEGER NOT NULL DEFAULT 0 -- unix millis; 0 = not blocked
);
CREATE INDEX sign_in_failures_last_failure ON sign_in_failures (last_failure_at);
