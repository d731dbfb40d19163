-- Demand applications (GZ 18; SD 17–18) and quality feedback (C 10.6; SD 8): the common entity shape.
CREATE TABLE demand_applications (
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
CREATE INDEX demand_applications_status ON demand_applications (status, id);
CREATE INDEX demand_applications_owner ON demand_applications (owner_id, id);
CREATE INDEX demand_applications_public ON demand_applications (public, id);
CREATE TRIGGER demand_applications_no_delete BEFORE DELETE ON demand_applications
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();

CREATE TABLE quality_feedback (
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
CREATE INDEX quality_feedback_status ON quality_feedback (status, id);
CREATE INDEX quality_feedback_owner ON quality_feedback (owner_id, id);
CREATE INDEX quality_feedback_public ON quality_feedback (public, id);
CREATE TRIGGER quality_feedback_no_delete BEFORE DELETE ON quality_feedback
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();
