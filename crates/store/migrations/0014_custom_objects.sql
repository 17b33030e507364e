-- Custom objects: a CRM's own object types (HubSpot's `2-…`, Salesforce's `X__c`, Close's
-- `cotype_…`), mirrored as object type `custom:<the CRM's name>`.
--
-- The records table's check accepts them: loosened in place as in 0008 (every stored row meets the
-- new check; the hook after this file bumps the schema version).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql,
                     'object_type = ''deal'' OR object_type = ''activity''',
                     'object_type = ''deal'' OR object_type = ''activity'' OR '
                       || 'substr(object_type, 1, 7) = ''custom:''')
 WHERE type = 'table' AND name = 'records';
PRAGMA writable_schema = RESET;

-- The custom objects each connection's CRM lists, with the names the CRM gives them: what the app
-- shows for a `custom:` type, and which custom objects a pull mirrors.
CREATE TABLE custom_objects (
  connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object_type   TEXT NOT NULL CHECK (substr(object_type, 1, 7) = 'custom:'),
  singular      TEXT NOT NULL,
  plural        TEXT NOT NULL,
  seen_at       TEXT NOT NULL,
  PRIMARY KEY (connection_id, object_type)
) STRICT;
