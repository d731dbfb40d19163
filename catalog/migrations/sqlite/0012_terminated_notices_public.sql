-- A registration terminated after its publicity (an objection upheld) stays public: the notice was
-- published, and its outcome belongs to it (R 12). Rows written before kept it private.
UPDATE registrations SET public = 1
WHERE status = 'terminated' AND json_extract(body, '$.publicity_start') IS NOT NULL;
