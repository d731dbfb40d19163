-- Exchange interface (listings, webhooks) and product samples.

-- Exchange listings of coded product registrations (exchange, listing id, status, price).
CREATE TABLE listings (
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
CREATE INDEX listings_status ON listings (status, id);
CREATE INDEX listings_owner ON listings (owner_id, id);
CREATE INDEX listings_public ON listings (public, id);
CREATE TRIGGER listings_no_delete BEFORE DELETE ON listings
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

-- Exchanges' webhook endpoints; the signing secret is kept in blobs, never in the body.
CREATE TABLE webhook_endpoints (
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
CREATE INDEX webhook_endpoints_status ON webhook_endpoints (status, id);
CREATE INDEX webhook_endpoints_owner ON webhook_endpoints (owner_id, id);
CREATE INDEX webhook_endpoints_public ON webhook_endpoints (public, id);
CREATE TRIGGER webhook_endpoints_no_delete BEFORE DELETE ON webhook_endpoints
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

-- One row per (endpoint, feed change): the delivery log with attempts and the next try.
CREATE TABLE webhook_deliveries (
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
CREATE INDEX webhook_deliveries_status ON webhook_deliveries (status, id);
CREATE INDEX webhook_deliveries_owner ON webhook_deliveries (owner_id, id);
CREATE INDEX webhook_deliveries_public ON webhook_deliveries (public, id);
CREATE TRIGGER webhook_deliveries_no_delete BEFORE DELETE ON webhook_deliveries
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

-- Opaque bytes kept out of the audit trail (which records only their SHA-256 or a version):
-- product samples (GZ 17), content-addressed as `sample:sha256:<hex>`, and webhook signing secrets.
-- Rows are written once and never changed or deleted.
CREATE TABLE blobs (
    key TEXT PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();
