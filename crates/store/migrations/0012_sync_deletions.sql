-- Deletions carried across a sync pair.
--
-- The outbox takes deletes: its check of `operation` accepts one more value, changed in place as in
-- 0008 (every stored row meets the new check; the hook after this file bumps the schema version).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql,
                     'operation        TEXT NOT NULL CHECK (operation IN (''create'', ''update''))',
                     'operation        TEXT NOT NULL CHECK (operation IN (''create'', ''update'', ''delete''))')
 WHERE type = 'table' AND name = 'outbox';
PRAGMA writable_schema = RESET;

-- Every record a sync deleted because its counterpart was deleted on the other side, with the fields
-- it had (its before-image): an undo creates it again from them. (A sync run counts these in
-- `sync_runs.deleted`, the column a pull run counts the deletions it saw in.)
CREATE TABLE sync_deletions (
  id               INTEGER PRIMARY KEY,
  pair_id          INTEGER NOT NULL REFERENCES sync_pairs (id) ON DELETE CASCADE,
  object_type      TEXT NOT NULL,
  side             TEXT NOT NULL CHECK (side IN ('a', 'b')),  -- the side the sync deleted on
  remote_id        TEXT NOT NULL,  -- the record the sync deleted
  source_remote_id TEXT NOT NULL,  -- its counterpart, deleted on the other side by a person
  name             TEXT NOT NULL,
  before_image     TEXT NOT NULL,  -- JSON: the canonical fields the mirror held
  deleted_at       TEXT NOT NULL,
  run_id           INTEGER REFERENCES sync_runs (id) ON DELETE SET NULL,
  undone_at        TEXT,
  restored_id      TEXT           -- the record an undo created in its place
) STRICT;
CREATE INDEX sync_deletions_by_pair ON sync_deletions (pair_id, deleted_at);

-- A conflict about a deletion: the side a person deleted the record on (its fields list is empty).
ALTER TABLE conflicts ADD COLUMN deleted_side TEXT CHECK (deleted_side IN ('a', 'b'));

-- 1: a record was deleted on one side and a person kept the other (a deletion conflict settled that
-- way, or a carried deletion undone): the sync leaves the record that is left alone, neither deleting it nor
-- creating it again on the side it was deleted from.
ALTER TABLE sync_state ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;
