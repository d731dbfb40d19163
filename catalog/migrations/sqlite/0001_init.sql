-- Mulu schema, SQLite. Entities: key columns for lookups and filters, the whole entity as JSON in body.

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body))
);
CREATE INDEX organizations_status ON organizations (status, id);
CREATE INDEX organizations_owner ON organizations (owner_id, id);
CREATE INDEX organizations_public ON organizations (public, id);
-- Rule 6: nothing is hard-deleted.
CREATE TRIGGER organizations_no_delete BEFORE DELETE ON organizations
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;

CREATE TABLE resources (
    id TEXT PRIMARY KEY NOT NULL,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body))
);
CREATE INDEX resources_status ON resources (status, id);
CREATE INDEX resources_owner ON resources (owner_id, id);
CREATE INDEX resources_public ON resources (public, id);
-- Rule 6: nothing is hard-deleted.
CREATE TRIGGER resources_no_delete BEFORE DELETE ON resources
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;

CREATE TABLE negative_list_entries (
    id TEXT PRIMARY KEY NOT NULL,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body))
);
CREATE INDEX negative_list_entries_status ON negative_list_entries (status, id);
CREATE INDEX negative_list_entries_owner ON negative_list_entries (owner_id, id);
CREATE INDEX negative_list_entries_public ON negative_list_entries (public, id);
-- Rule 6: nothing is hard-deleted.
CREATE TRIGGER negative_list_entries_no_delete BEFORE DELETE ON negative_list_entries
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;

CREATE TABLE directory_editions (
    id TEXT PRIMARY KEY NOT NULL,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body))
);
CREATE INDEX directory_editions_status ON directory_editions (status, id);
CREATE INDEX directory_editions_owner ON directory_editions (owner_id, id);
CREATE INDEX directory_editions_public ON directory_editions (public, id);
-- Rule 6: nothing is hard-deleted.
CREATE TRIGGER directory_editions_no_delete BEFORE DELETE ON directory_editions
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;

CREATE TABLE authorizations (
    id TEXT PRIMARY KEY NOT NULL,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body))
);
CREATE INDEX authorizations_status ON authorizations (status, id);
CREATE INDEX authorizations_owner ON authorizations (owner_id, id);
CREATE INDEX authorizations_public ON authorizations (public, id);
-- Rule 6: nothing is hard-deleted.
CREATE TRIGGER authorizations_no_delete BEFORE DELETE ON authorizations
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;

CREATE TABLE resource_versions (
    resource_id TEXT NOT NULL REFERENCES resources (id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (resource_id, version)
);
CREATE TRIGGER resource_versions_no_delete BEFORE DELETE ON resource_versions
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted'); END;

CREATE TABLE sequences (
    name TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
);

-- Append-only, hash-chained (C 9.5). Tampering is detected by `mulu audit verify`, not prevented here.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_body TEXT,
    after_body TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are never deleted'); END;
