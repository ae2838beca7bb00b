-- The PostgreSQL twin of migrations/sqlite/20261203000004_smpp_forwarding.sql (see it for the
-- reasons): the delivery's transport, and an attempt's SMPP command_status.
ALTER TABLE deliveries ADD COLUMN transport TEXT NOT NULL DEFAULT 'http'
    CHECK (transport IN ('http', 'smpp'));

ALTER TABLE delivery_attempts ADD COLUMN smpp_status BIGINT;
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_check;
ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_check
    CHECK (status_code IS NOT NULL OR error_code IS NOT NULL OR smpp_status IS NOT NULL);
