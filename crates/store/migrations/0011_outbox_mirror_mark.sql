-- The mirror's highest record row id when a write was first sent. A create whose answer was lost is
-- looked for among the target's records the mirror first saw after that: a record it held before (one
-- that merely holds the same values) is another record, never the one the create made.
ALTER TABLE outbox ADD COLUMN mirror_mark INTEGER;
