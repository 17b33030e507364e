-- The workspace's settings (Settings, `crm-bridge config set`): each as the text the CLI reads and prints,
-- checked before it is stored. A key with no row has its default.
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
