-- Resource bodies and version snapshots are written only by the catalog, which serializes them
-- with serde_json; SQLite re-parsing every body to check `json_valid` was a fifth of the database
-- thread's work in a bulk import. The two tables are rebuilt without that check (SQLite cannot
-- drop a CHECK in place); everything else — keys, indexes, the foreign key, the no-delete
-- triggers — is as before. Renaming first keeps the foreign key valid at every step: the
-- versions' reference follows `resources` to `resources_old`, and the new versions table refers
-- to the new `resources`. (Dropping a table does not fire its delete triggers.)

ALTER TABLE resource_versions RENAME TO resource_versions_old;
ALTER TABLE resources RENAME TO resources_old;

CREATE TABLE resources (
    id TEXT PRIMARY KEY NOT NULL,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL
);
INSERT INTO resources (id, natural_key, owner_id, status, public, row_version, created_at, updated_at, body)
    SELECT id, natural_key, owner_id, status, public, row_version, created_at, updated_at, body
    FROM resources_old;

CREATE TABLE resource_versions (
    resource_id TEXT NOT NULL REFERENCES resources (id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (resource_id, version)
);
INSERT INTO resource_versions (resource_id, version, status, recorded_at, body)
    SELECT resource_id, version, status, recorded_at, body FROM resource_versions_old;

DROP TABLE resource_versions_old;
DROP TABLE resources_old;

CREATE INDEX resources_status ON resources (status, id);
CREATE INDEX resources_owner ON resources (owner_id, id);
CREATE INDEX resources_public ON resources (public, id);
-- Rule 6: nothing is hard-deleted.
CREATE TRIGGER resources_no_delete BEFORE DELETE ON resources
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;
CREATE TRIGGER resource_versions_no_delete BEFORE DELETE ON resource_versions
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted'); END;
