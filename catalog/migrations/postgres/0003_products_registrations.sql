-- Products and registrations: the same entity shape as every other table.
CREATE TABLE products (
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
CREATE INDEX products_status ON products (status, id);
CREATE INDEX products_owner ON products (owner_id, id);
CREATE INDEX products_public ON products (public, id);
CREATE TRIGGER products_no_delete BEFORE DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

CREATE TABLE registrations (
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
CREATE INDEX registrations_status ON registrations (status, id);
CREATE INDEX registrations_owner ON registrations (owner_id, id);
CREATE INDEX registrations_public ON registrations (public, id);
CREATE TRIGGER registrations_no_delete BEFORE DELETE ON registrations
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();
