-- Secondary-developer registrations (GZ 12): the common entity shape.
CREATE TABLE developer_applications (
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
CREATE INDEX developer_applications_status ON developer_applications (status, id);
CREATE INDEX developer_applications_owner ON developer_applications (owner_id, id);
CREATE INDEX developer_applications_public ON developer_applications (public, id);
CREATE TRIGGER developer_applications_no_delete BEFORE DELETE ON developer_applications
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;
