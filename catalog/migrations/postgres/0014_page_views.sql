-- How often each public entry's page was read (the portal's 最多浏览): statistics, not records,
-- so outside the audit chain; nodes add their counts in batches.
CREATE TABLE page_views (
    entity_id TEXT PRIMARY KEY NOT NULL,
    views BIGINT NOT NULL
);
CREATE INDEX page_views_most ON page_views (views DESC, entity_id);
