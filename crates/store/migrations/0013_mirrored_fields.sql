-- Which custom fields of a connection's object type the mirror holds, where a person chose: a
-- type with no row mirrors every custom field its CRM lists.
CREATE TABLE mirrored_fields (
  connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object_type   TEXT NOT NULL,
  custom_keys   TEXT NOT NULL,  -- JSON array: the CRM's keys of the custom fields mirrored
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (connection_id, object_type)
) STRICT;
