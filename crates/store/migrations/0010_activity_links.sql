-- A record's timeline lists the activities linked to it. One partial index per link field, over live
-- activities only, finds them without reading every activity of the connection; other types pay nothing.
CREATE INDEX records_activity_person
    ON records (connection_id, json_extract(fields, '$.person_id'))
 WHERE object_type = 'activity' AND deleted_at IS NULL;
CREATE INDEX records_activity_company
    ON records (connection_id, json_extract(fields, '$.company_id'))
 WHERE object_type = 'activity' AND deleted_at IS NULL;
CREATE INDEX records_activity_deal
    ON records (connection_id, json_extract(fields, '$.deal_id'))
 WHERE object_type = 'activity' AND deleted_at IS NULL;
