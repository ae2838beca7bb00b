-- The PostgreSQL twin of migrations/sqlite/20261203000005_smpp_bound_where.sql (see it for the
-- reasons): which ESME binds each instance has bound sessions of, each row a lease.
CREATE TABLE smpp_bound (
    instance     TEXT    NOT NULL,
    esme_bind_id BIGINT  NOT NULL,
    until        BIGINT  NOT NULL,
    PRIMARY KEY (esme_bind_id, instance)
);
