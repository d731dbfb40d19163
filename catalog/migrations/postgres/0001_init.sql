-- Mulu schema, PostgreSQL. Entities: key columns for lookups and filters, the whole entity as JSONB in body.

CREATE FUNCTION mulu_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rule 6: rows of % are never deleted; change their status instead', TG_TABLE_NAME;
END;
$$;

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX organizations_status ON organizations (status, id);
CREATE INDEX organizations_owner ON organizations (owner_id, id);
CREATE INDEX organizations_public ON organizations (public, id);
CREATE TRIGGER organizations_no_delete BEFORE DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX resources_status ON resources (status, id);
CREATE INDEX resources_owner ON resources (owner_id, id);
CREATE INDEX resources_public ON resources (public, id);
CREATE TRIGGER resources_no_delete BEFORE DELETE ON resources
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

CREATE TABLE negative_list_entries (
    id TEXT PRIMARY KEY,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX negative_list_entries_status ON negative_list_entries (status, id);
CREATE INDEX negative_list_entries_owner ON negative_list_entries (owner_id, id);
CREATE INDEX negative_list_entries_public ON negative_list_entries (public, id);
CREATE TRIGGER negative_list_entries_no_delete BEFORE DELETE ON negative_list_entries
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

CREATE TABLE directory_editions (
    id TEXT PRIMARY KEY,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX directory_editions_status ON directory_editions (status, id);
CREATE INDEX directory_editions_owner ON directory_editions (owner_id, id);
CREATE INDEX directory_editions_public ON directory_editions (public, id);
CREATE TRIGGER directory_editions_no_delete BEFORE DELETE ON directory_editions
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

CREATE TABLE authorizations (
    id TEXT PRIMARY KEY,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX authorizations_status ON authorizations (status, id);
CREATE INDEX authorizations_owner ON authorizations (owner_id, id);
CREATE INDEX authorizations_public ON authorizations (public, id);
CREATE TRIGGER authorizations_no_delete BEFORE DELETE ON authorizations
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

CREATE TABLE resource_versions (
    resource_id TEXT NOT NULL REFERENCES resources (id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (resource_id, version)
);
CREATE TRIGGER resource_versions_no_delete BEFORE DELETE ON resource_versions
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

CREATE TABLE sequences (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Append-only, hash-chained (C 9.5). Tampering is detected by `mulu audit verify`, not prevented here.
CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_body JSONB,
    after_body JSONB,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();
