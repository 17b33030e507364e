-- The whole data model of DESIGN.md. Append-only: never edit this file once released; add 0002_*.sql.
-- Times are RFC 3339 UTC text with milliseconds ("2024-01-31T12:00:00.000Z"), which sorts as time.

-- One connected CRM account. The secret lives in the OS keyring; secret_ref only names the entry.
CREATE TABLE connections (
  id          INTEGER PRIMARY KEY,
  provider    TEXT NOT NULL CHECK (provider IN ('hubspot', 'salesforce', 'close', 'pipedrive')),
  label       TEXT NOT NULL,
  base_url    TEXT NOT NULL,
  account_id  TEXT,
  secret_ref  TEXT,
  settings    TEXT NOT NULL DEFAULT '{}',  -- JSON: instance_url, api_domain, auth kind, ...
  created_at  TEXT NOT NULL
) STRICT;

-- One row per remote record: canonical fields, the raw payload, the remote modified time, a content hash.
CREATE TABLE records (
  id                 INTEGER PRIMARY KEY,
  connection_id      INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object_type        TEXT NOT NULL CHECK (object_type IN ('company', 'person', 'lead', 'deal', 'activity')),
  remote_id          TEXT NOT NULL,
  display_name       TEXT NOT NULL COLLATE NOCASE,
  fields             TEXT NOT NULL,  -- JSON object of canonical fields
  raw                TEXT NOT NULL,  -- the provider's payload as received
  remote_modified_at TEXT,
  content_hash       TEXT NOT NULL,
  search_text        TEXT NOT NULL,  -- name, e-mail, phone (also as digits), company, id: indexed by records_fts
  pulled_at          TEXT NOT NULL,
  deleted_at         TEXT,           -- set when the CRM no longer has the record
  UNIQUE (connection_id, object_type, remote_id)
) STRICT;
-- The Records list pages live records by name through whichever filter is set. The indexes are partial
-- (live rows only) and hold everything the paging subquery reads, so skipping to a deep offset or
-- counting never touches the table.
CREATE INDEX records_live_by_name ON records (display_name) WHERE deleted_at IS NULL;
CREATE INDEX records_live_by_connection ON records (connection_id, display_name) WHERE deleted_at IS NULL;
CREATE INDEX records_live_by_type ON records (object_type, display_name) WHERE deleted_at IS NULL;
CREATE INDEX records_live_by_connection_type ON records (connection_id, object_type, display_name)
  WHERE deleted_at IS NULL;
CREATE INDEX records_modified ON records (connection_id, object_type, remote_modified_at);

-- Word-prefix search over search_text ("smi" finds Smith, "muller" finds Müller), kept in step with
-- records by triggers. Prefix indexes keep short prefixes fast.
CREATE VIRTUAL TABLE records_fts USING fts5 (
  search_text, content = 'records', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
  INSERT INTO records_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
  INSERT INTO records_fts (records_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER records_fts_update AFTER UPDATE OF search_text ON records BEGIN
  INSERT INTO records_fts (records_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO records_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

-- The identity map: rows with the same entity_id are the same real-world entity. A link that stops holding
-- (merged away, deleted, id changed) is ended, not deleted, so the history survives.
CREATE TABLE links (
  id            INTEGER PRIMARY KEY,
  entity_id     INTEGER NOT NULL,
  connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object_type   TEXT NOT NULL,
  remote_id     TEXT NOT NULL,
  reason        TEXT NOT NULL CHECK (reason IN ('email', 'domain', 'external_id', 'merge', 'migration', 'sync', 'manual')),
  created_at    TEXT NOT NULL,
  ended_at      TEXT,
  ended_reason  TEXT
) STRICT;
CREATE INDEX links_entity ON links (entity_id);
CREATE UNIQUE INDEX links_current ON links (connection_id, object_type, remote_id) WHERE ended_at IS NULL;

-- Incremental pull state per (connection, object type). A page of records and its cursor commit together.
CREATE TABLE sync_cursors (
  connection_id   INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object_type     TEXT NOT NULL,
  cursor          TEXT,  -- opaque provider cursor of the pass in progress (JSON)
  high_water_mark TEXT,  -- remote modified time up to which everything is pulled
  last_full_at    TEXT,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (connection_id, object_type)
) STRICT;

-- History of pulls, pushes, syncs and migrations, with counts.
CREATE TABLE sync_runs (
  id            INTEGER PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('pull', 'push', 'sync', 'migration')),
  connection_id INTEGER REFERENCES connections (id) ON DELETE CASCADE,
  object_type   TEXT,
  status        TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  pages         INTEGER NOT NULL DEFAULT 0,
  fetched       INTEGER NOT NULL DEFAULT 0,
  created       INTEGER NOT NULL DEFAULT 0,
  updated       INTEGER NOT NULL DEFAULT 0,
  unchanged     INTEGER NOT NULL DEFAULT 0,
  deleted       INTEGER NOT NULL DEFAULT 0,
  failed        INTEGER NOT NULL DEFAULT 0,
  conflicts     INTEGER NOT NULL DEFAULT 0,
  error         TEXT
) STRICT;
CREATE INDEX sync_runs_recent ON sync_runs (connection_id, started_at);

-- Every write that did not succeed, until it succeeds or a person discards it.
CREATE TABLE failed_records (
  id             INTEGER PRIMARY KEY,
  connection_id  INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,  -- the target
  object_type    TEXT NOT NULL,
  remote_id      TEXT,     -- the target's id, for updates and deletes
  record_id      INTEGER REFERENCES records (id) ON DELETE SET NULL,  -- the source record, if local
  operation      TEXT NOT NULL CHECK (operation IN ('create', 'update', 'upsert', 'delete', 'merge')),
  payload        TEXT NOT NULL,  -- JSON of the write we attempted
  category       TEXT NOT NULL CHECK (category IN
                   ('validation', 'auth', 'permission', 'rate_limit', 'not_found', 'conflict', 'server', 'network')),
  message        TEXT NOT NULL,  -- the CRM's own message
  field          TEXT,           -- the field the CRM named, if any
  attempts       INTEGER NOT NULL DEFAULT 1,
  next_retry_at  TEXT,
  status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'discarded')),
  discard_reason TEXT,
  sync_run_id    INTEGER REFERENCES sync_runs (id) ON DELETE SET NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX failed_records_queue ON failed_records (status, category, connection_id, id);
CREATE INDEX failed_records_retry ON failed_records (next_retry_at) WHERE status = 'open';

-- Saved, versioned mappings. Each save adds a version; the newest version of a name is the current one.
CREATE TABLE field_mappings (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL,
  version              INTEGER NOT NULL,
  source_connection_id INTEGER REFERENCES connections (id) ON DELETE SET NULL,
  source_provider      TEXT NOT NULL,
  source_object        TEXT NOT NULL,
  target_connection_id INTEGER REFERENCES connections (id) ON DELETE SET NULL,
  target_provider      TEXT NOT NULL,
  target_object        TEXT NOT NULL,
  rules                TEXT NOT NULL,  -- JSON array of field rules with their transforms
  created_at           TEXT NOT NULL,
  UNIQUE (name, version)
) STRICT;

CREATE TABLE stage_mappings (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL,
  version              INTEGER NOT NULL,
  source_connection_id INTEGER REFERENCES connections (id) ON DELETE SET NULL,
  source_pipeline      TEXT NOT NULL,
  target_connection_id INTEGER REFERENCES connections (id) ON DELETE SET NULL,
  target_pipeline      TEXT NOT NULL,
  rules                TEXT NOT NULL,  -- JSON array: source stage -> target stage
  created_at           TEXT NOT NULL,
  UNIQUE (name, version)
) STRICT;

CREATE TABLE owner_mappings (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL,
  version              INTEGER NOT NULL,
  source_connection_id INTEGER REFERENCES connections (id) ON DELETE SET NULL,
  target_connection_id INTEGER REFERENCES connections (id) ON DELETE SET NULL,
  rules                TEXT NOT NULL,  -- JSON array: source owner -> target owner
  fallback_owner       TEXT,
  created_at           TEXT NOT NULL,
  UNIQUE (name, version)
) STRICT;

-- Candidate duplicates with score and the explanation of why they matched.
CREATE TABLE duplicate_groups (
  id          INTEGER PRIMARY KEY,
  object_type TEXT NOT NULL,
  score       REAL NOT NULL,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'dismissed', 'skipped')),
  fingerprint TEXT NOT NULL UNIQUE,  -- the sorted member ids, so re-running dedupe adds no copy
  explanation TEXT NOT NULL,         -- JSON
  created_at  TEXT NOT NULL,
  decided_at  TEXT
) STRICT;
CREATE INDEX duplicate_groups_review ON duplicate_groups (status, score DESC);
CREATE TABLE duplicate_members (
  group_id  INTEGER NOT NULL REFERENCES duplicate_groups (id) ON DELETE CASCADE,
  record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, record_id)
) STRICT;
CREATE INDEX duplicate_members_record ON duplicate_members (record_id);

-- Applied merges with a full before-image, so undo restores every field and association.
CREATE TABLE merges (
  id            INTEGER PRIMARY KEY,
  group_id      INTEGER REFERENCES duplicate_groups (id) ON DELETE SET NULL,
  connection_id INTEGER REFERENCES connections (id) ON DELETE CASCADE,
  object_type   TEXT NOT NULL,
  master_remote_id TEXT NOT NULL,
  plan          TEXT NOT NULL,          -- JSON of the plan that was applied
  before_image  TEXT NOT NULL,          -- JSON: every member's fields and associations before
  status        TEXT NOT NULL CHECK (status IN ('applying', 'applied', 'undoing', 'undone', 'failed')),
  merged_by     TEXT NOT NULL,
  applied_at    TEXT NOT NULL,
  undone_at     TEXT,
  error         TEXT
) STRICT;
CREATE INDEX merges_recent ON merges (applied_at);

-- CRM-to-CRM migrations: the plan, then per-item state (crosswalk source id -> target id). Resumable.
CREATE TABLE migrations (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL,
  source_connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  target_connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  plan                 TEXT NOT NULL,  -- JSON
  status               TEXT NOT NULL CHECK (status IN
                         ('draft', 'dry_run', 'running', 'paused', 'completed', 'failed', 'rolled_back')),
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
) STRICT;
CREATE TABLE migration_items (
  id               INTEGER PRIMARY KEY,
  migration_id     INTEGER NOT NULL REFERENCES migrations (id) ON DELETE CASCADE,
  run              INTEGER NOT NULL,
  object_type      TEXT NOT NULL,
  source_remote_id TEXT NOT NULL,
  target_remote_id TEXT,
  action           TEXT NOT NULL CHECK (action IN ('create', 'update', 'link', 'skip')),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'rolled_back')),
  before_image     TEXT,  -- target fields before an update, for rollback
  error            TEXT,
  updated_at       TEXT NOT NULL,
  UNIQUE (migration_id, object_type, source_remote_id)
) STRICT;
CREATE INDEX migration_items_status ON migration_items (migration_id, status);
