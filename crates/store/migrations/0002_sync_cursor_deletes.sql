-- When the delete feed of a (connection, object type) was last read up to, so the next incremental pull
-- asks only for deletions since then.
ALTER TABLE sync_cursors ADD COLUMN deletes_checked_at TEXT;
