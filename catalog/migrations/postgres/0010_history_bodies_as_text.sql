-- Version snapshots and audit events are written once, read whole and never queried inside, and
-- their JSON is validated (and, for audit events, hashed) before it is written. As `json` the
-- backend parsed every body again at each insert: a tenth of a bulk import's work once the rows
-- came in binary COPY. As `text` it stores the very same characters.
ALTER TABLE resource_versions ALTER COLUMN body TYPE TEXT USING body::text;
ALTER TABLE audit_events
    ALTER COLUMN before_body TYPE TEXT USING before_body::text,
    ALTER COLUMN after_body TYPE TEXT USING after_body::text;
