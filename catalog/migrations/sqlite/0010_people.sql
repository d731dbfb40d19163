-- People (账号): who signs in and acts for an organization in one or more roles. The body holds no
-- secret; credentials and sessions live in their own tables, outside the audit trail.
CREATE TABLE people (
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
CREATE INDEX people_status ON people (status, id);
CREATE INDEX people_owner ON people (owner_id, id);
CREATE INDEX people_public ON people (public, id);
CREATE TRIGGER people_no_delete BEFORE DELETE ON people
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted; change their status instead'); END;

-- A person's credentials (argon2id password hash, failed attempts, TOTP secret and last step
-- used), as JSON under the person's id. Changed in place; the audit trail records that they
-- changed, never what they are.
CREATE TABLE credentials (
    person_id TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body)),
    updated_at TEXT NOT NULL
);

-- Signed-in web sessions: the SHA-256 of the cookie's secret, never the secret. Ended sessions
-- keep their row (ended_at set).
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL,
    role TEXT NOT NULL,
    stage TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions
BEGIN SELECT RAISE(ABORT, 'rule 6: rows are never deleted'); END;
