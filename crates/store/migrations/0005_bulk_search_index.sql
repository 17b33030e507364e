-- The search index is filled in bulk, after a batch of pages, instead of a row at a time: FTS5 writes a
-- segment per commit and merges them later, which cost ~60 µs a record at a million records; one
-- INSERT ... SELECT per batch costs a fraction. `search_index.indexed_to` is the highest record id the
-- index holds; rows above it wait for `records::index_search`, and the triggers below leave them alone.
DROP TRIGGER records_fts_insert;
DROP TRIGGER records_fts_delete;
DROP TRIGGER records_fts_update;
CREATE TABLE search_index (indexed_to INTEGER NOT NULL) STRICT;
INSERT INTO search_index (indexed_to) SELECT coalesce(max(id), 0) FROM records;
CREATE TRIGGER records_fts_delete AFTER DELETE ON records
  WHEN old.id <= (SELECT indexed_to FROM search_index) BEGIN
  INSERT INTO records_fts (records_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  -- A new record may get the highest id again: it must land above the mark to be indexed.
  UPDATE search_index SET indexed_to = (SELECT coalesce(max(id), 0) FROM records)
    WHERE indexed_to > (SELECT coalesce(max(id), 0) FROM records);
END;
CREATE TRIGGER records_fts_update AFTER UPDATE OF search_text ON records
  WHEN old.id <= (SELECT indexed_to FROM search_index) BEGIN
  INSERT INTO records_fts (records_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO records_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- A batch's postings are sorted in memory before they are written (the default is 1 MiB).
INSERT INTO records_fts (records_fts, rank) VALUES ('hashsize', 67108864);
-- Nothing reads records by modified time (the pull keeps its cursor in sync_cursors).
DROP INDEX records_modified;
