-- Followers of the change log read one entity type in sequence order (exchange feed, search).
CREATE INDEX audit_events_type_seq ON audit_events (entity_type, seq);
