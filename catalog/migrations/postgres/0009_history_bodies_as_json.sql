-- Version snapshots and audit events are written once and read whole, never queried inside: keep
-- them as JSON text (validated and stored verbatim, the very text the audit hash covered) instead
-- of JSONB, which PostgreSQL parses into its binary form at every insert. An import writes each
-- body three times, and building JSONB was 40 % of the server's work during a bulk import.
ALTER TABLE resource_versions ALTER COLUMN body TYPE JSON;
ALTER TABLE audit_events ALTER COLUMN before_body TYPE JSON, ALTER COLUMN after_body TYPE JSON;
