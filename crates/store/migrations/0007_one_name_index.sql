-- One index orders the Records list by name, whatever the filter: by connection, type and name. A list
-- of a type across connections, or of every type, merges the ranges of each connection and type (SQLite
-- merges a compound select whose parts come ordered) without sorting. Each stored record is one random
-- index insert fewer: a million new records are stored ~20 % faster.
DROP INDEX records_live_by_type;
