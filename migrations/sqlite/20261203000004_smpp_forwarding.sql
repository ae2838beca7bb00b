-- Forward to SMPP (issue 13): an SMS Incoming Message on a number whose webhook forwards to an
-- ESME bind makes a second delivery, sent as a deliver_sm to a bound session of that ESME. It
-- is a delivery like any other (the same queue, leases, retries and log); `transport` says how
-- it is sent.
ALTER TABLE deliveries ADD COLUMN transport TEXT NOT NULL DEFAULT 'http'
    CHECK (transport IN ('http', 'smpp'));

-- An SMPP attempt's answer is the deliver_sm_resp's command_status, not an HTTP status: its
-- own column, and an attempt has a status code, an error code or an SMPP status. SQLite cannot
-- change a CHECK in place, so the table is rebuilt (ids kept; the id sequence carried over so an
-- id is never reused, as 20261202000005 guarantees).
CREATE TEMP TABLE smpp_kept_sequence AS
    SELECT seq FROM sqlite_sequence WHERE name = 'delivery_attempts';

CREATE TABLE new_delivery_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id      INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    at               INTEGER NOT NULL,
    duration_ms      INTEGER NOT NULL,
    status_code      INTEGER,
    error_code       TEXT,
    error_message    TEXT,
    response_headers TEXT    NOT NULL DEFAULT '{}',   -- JSON object
    response_body    TEXT    NOT NULL DEFAULT '',     -- the first 4 KiB, as text
    trigger          TEXT    NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
    request_headers  TEXT    NOT NULL DEFAULT '{}',
    smpp_status      INTEGER,                         -- the deliver_sm_resp's command_status
    CHECK (status_code IS NOT NULL OR error_code IS NOT NULL OR smpp_status IS NOT NULL)
);
INSERT INTO new_delivery_attempts (id, delivery_id, at, duration_ms, status_code, error_code,
        error_message, response_headers, response_body, trigger, request_headers)
    SELECT id, delivery_id, at, duration_ms, status_code, error_code, error_message,
        response_headers, response_body, trigger, request_headers
    FROM delivery_attempts;
DROP TABLE delivery_attempts;
ALTER TABLE new_delivery_attempts RENAME TO delivery_attempts;
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

DELETE FROM sqlite_sequence WHERE name = 'delivery_attempts';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'delivery_attempts', MAX(COALESCE((SELECT seq FROM smpp_kept_sequence), 0),
                                    COALESCE((SELECT MAX(id) FROM delivery_attempts), 0));
DROP TABLE smpp_kept_sequence;
