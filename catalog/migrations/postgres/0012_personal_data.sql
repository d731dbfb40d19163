-- Personal data of the public (rule 10, PIPL): an objector's name, identity number and contact,
-- kept apart from the append-only audit chain (which holds a salted hash) so it can be erased when
-- its retention ends. Erasure empties `body` and sets `erased_at`; rows are never deleted.
CREATE TABLE personal_data (
    key TEXT PRIMARY KEY NOT NULL,
    subject_id TEXT NOT NULL,
    body TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    retain_until TIMESTAMPTZ,
    erased_at TIMESTAMPTZ
);
CREATE INDEX personal_data_subject ON personal_data (subject_id);
CREATE INDEX personal_data_due ON personal_data (retain_until);
CREATE TRIGGER personal_data_no_delete BEFORE DELETE ON personal_data
    FOR EACH ROW EXECUTE FUNCTION mulu_refuse_delete();
