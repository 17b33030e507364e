-- Sync pairs: two connections kept in agreement, with a rule for every field (JSON, `ObjectSync`).
CREATE TABLE sync_pairs (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  a_connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  b_connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  objects         TEXT NOT NULL,
  conflicts       TEXT NOT NULL CHECK (conflicts IN ('most_recent', 'ask')),
  every_minutes   INTEGER,
  created_at      TEXT NOT NULL,
  CHECK (a_connection_id <> b_connection_id)
) STRICT;

-- The values two linked records had after their last sync. A change is what differs from them, so a
-- value sync wrote itself is never echoed back, and a field both sides changed is a conflict.
CREATE TABLE sync_state (
  pair_id     INTEGER NOT NULL REFERENCES sync_pairs (id) ON DELETE CASCADE,
  object_type TEXT NOT NULL,
  a_remote_id TEXT NOT NULL,
  b_remote_id TEXT NOT NULL,
  synced      TEXT NOT NULL,  -- JSON object: field -> value (link fields as A's ids)
  synced_at   TEXT NOT NULL,
  PRIMARY KEY (pair_id, object_type, a_remote_id)
) STRICT;
CREATE UNIQUE INDEX sync_state_b ON sync_state (pair_id, object_type, b_remote_id);

-- Every write a sync sends is stored here first, so a crash or a dead network never loses it. A row
-- leaves when the CRM confirmed the write (in the same transaction as the sync state it leads to).
-- One row per source record at a time (`key`), so a resumed run never queues a write twice.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  key              TEXT NOT NULL UNIQUE,
  pair_id          INTEGER NOT NULL REFERENCES sync_pairs (id) ON DELETE CASCADE,
  object_type      TEXT NOT NULL,
  side             TEXT NOT NULL CHECK (side IN ('a', 'b')),  -- the side written to
  operation        TEXT NOT NULL CHECK (operation IN ('create', 'update')),
  source_remote_id TEXT NOT NULL,  -- the record on the other side whose values this carries
  remote_id        TEXT,           -- the record written to (updates)
  fields           TEXT NOT NULL,  -- JSON: canonical fields as the target takes them
  synced           TEXT NOT NULL,  -- JSON: the sync state once this write is confirmed
  attempts         INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
  run_id           INTEGER REFERENCES sync_runs (id) ON DELETE SET NULL,
  created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_pending ON outbox (pair_id, status, id);

-- A failed sync write keeps its outbox row: re-syncing it from the queue goes through the sync's own
-- sender (match before create, sync state on success).
ALTER TABLE failed_records ADD COLUMN outbox_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL;

-- Fields both sides changed that the rules could not settle, for a person to pick a side.
CREATE TABLE conflicts (
  id          INTEGER PRIMARY KEY,
  pair_id     INTEGER NOT NULL REFERENCES sync_pairs (id) ON DELETE CASCADE,
  object_type TEXT NOT NULL,
  a_remote_id TEXT NOT NULL,
  b_remote_id TEXT NOT NULL,
  a_name      TEXT NOT NULL,
  b_name      TEXT NOT NULL,
  fields      TEXT NOT NULL,  -- JSON array of `ConflictField`
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution  TEXT,           -- JSON: field -> side picked
  created_at  TEXT NOT NULL,
  resolved_at TEXT
) STRICT;
CREATE UNIQUE INDEX conflicts_open ON conflicts (pair_id, object_type, a_remote_id) WHERE status = 'open';

ALTER TABLE sync_runs ADD COLUMN pair_id INTEGER REFERENCES sync_pairs (id) ON DELETE CASCADE;
