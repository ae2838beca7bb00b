-- Forward to SMPP with several instances (issue 13, SPEC §9): an ESME binds to one instance, and
-- an SMPP delivery must be sent by an instance where its ESME is bound. Each instance with bound
-- sessions publishes here which ESME binds it holds, renewed while they stay bound; a claim
-- passes over the SMPP deliveries of an ESME bound only at other instances, and takes them when
-- it is bound nowhere (the attempt then says "not bound" and is retried per the schedule).
-- `until` is a lease: the row of an instance that died stops counting when it runs out. No
-- foreign key: a row outlives nothing for longer than its lease, and deleting an ESME bind
-- never waits on it.
CREATE TABLE smpp_bound (
    instance     TEXT    NOT NULL,
    esme_bind_id INTEGER NOT NULL,
    until        INTEGER NOT NULL,
    PRIMARY KEY (esme_bind_id, instance)
);
