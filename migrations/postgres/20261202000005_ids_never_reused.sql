-- (PostgreSQL twin of the SQLite file, which says why.) Ids are never handed out twice, and
-- the references that must hold are foreign keys.
--
-- No table is rebuilt here: a BIGSERIAL sequence never goes back, so a deleted row's id is
-- never handed out again. Two things remain. `webhooks.authorization_id` gets its foreign key
-- (a used profile cannot be deleted; `deliveries.webhook_id` deliberately gets none: the log
-- outlives a deleted webhook). And the sequences of the tables a log names are moved above
-- every id still named, in case rows were ever written with explicit ids (an import): the
-- delivery log names webhooks, the event log names services, numbers and apps.

-- A webhook naming a profile deleted before this migration: no profile, and disabled, so it
-- never delivers without the authorization it was saved with.
UPDATE webhooks SET enabled = FALSE, authorization_id = NULL
 WHERE authorization_id IS NOT NULL
   AND authorization_id NOT IN (SELECT id FROM authorizations);

ALTER TABLE webhooks
    ADD CONSTRAINT webhooks_authorization_id_fkey
    FOREIGN KEY (authorization_id) REFERENCES authorizations (id);

-- Each sequence only moves up: setval runs only when a named id is above what it handed out.
SELECT setval('webhooks_id_seq', used)
  FROM (SELECT MAX(x) AS used
          FROM (SELECT id FROM webhooks UNION ALL SELECT webhook_id FROM deliveries) AS ids (x)
       ) AS m
 WHERE used > (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM webhooks_id_seq);

SELECT setval('services_id_seq', used)
  FROM (SELECT MAX(x) AS used
          FROM (SELECT id FROM services
                UNION ALL SELECT entity_id FROM events WHERE entity_kind = 'service') AS ids (x)
       ) AS m
 WHERE used > (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM services_id_seq);

SELECT setval('numbers_id_seq', used)
  FROM (SELECT MAX(x) AS used
          FROM (SELECT id FROM numbers
                UNION ALL SELECT entity_id FROM events WHERE entity_kind = 'number') AS ids (x)
       ) AS m
 WHERE used > (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM numbers_id_seq);

SELECT setval('apps_id_seq', used)
  FROM (SELECT MAX(x) AS used
          FROM (SELECT id FROM apps
                UNION ALL SELECT entity_id FROM events WHERE entity_kind = 'app') AS ids (x)
       ) AS m
 WHERE used > (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM apps_id_seq);
