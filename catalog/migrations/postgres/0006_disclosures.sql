-- Annual disclosures (N 18–19): the common entity shape; natural key = discloser:kind:year.
CREATE TABLE disclosures (
    id TEXT PRIMARY KEY NOT NULL,
    natural_key TEXT UNIQUE,
    owner_id TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX disclosures_status ON disclosures (status, id);
CREATE INDEX disclosures_owner ON disclosures (owner_id, id);
CREATE INDEX disclosures_public ON disclosures (public, id);
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();
