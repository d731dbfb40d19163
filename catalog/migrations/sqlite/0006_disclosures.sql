-- Annual disclosures (N 18–19): the common entity shape; natural key = discloser:kind:year.
CREATE TABLE disclosures (
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
CREATE INDEX disclosures_status ON disclosures (status, id);
CREATE INDEX disclosures_owner ON disclosures (owner_id, id);
CREATE INDEX disclosures_public ON disclosures (public, id);
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;
