-- The steps of a merge done so far (JSON array), written after each one succeeds in the CRM, so a merge
-- or an undo cut off half-way resumes from where it stopped instead of repeating a write.
ALTER TABLE merges ADD COLUMN steps TEXT NOT NULL DEFAULT '[]';
-- Children are found by the link fields that point at a record (re-parenting on merge and undo).
CREATE INDEX records_company_link ON records (connection_id, json_extract(fields, '$.company_id'))
  WHERE json_extract(fields, '$.company_id') IS NOT NULL;
CREATE INDEX records_person_link ON records (connection_id, json_extract(fields, '$.person_id'))
  WHERE json_extract(fields, '$.person_id') IS NOT NULL;
