-- A removed connection is archived, never deleted: its merges, migrations, sync state and failed records
-- keep their undo and rollback, which work again once it is signed in again.
ALTER TABLE connections ADD COLUMN archived_at TEXT;

-- When a merge's last CRM write was confirmed: an undo compares the survivors' modified times with it.
ALTER TABLE merges ADD COLUMN settled_at TEXT;

-- Every action that changed data or access: who (the OS user), when, what and how many. No foreign key:
-- an entry outlives what it names.
CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  connection_id INTEGER,
  subject       TEXT NOT NULL,
  count         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
