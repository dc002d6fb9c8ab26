-- 0003: the change log that off-site replication ships, the shipper's state and the restore-drill record.
-- Every write to a replicated table appends one entry per row in the same transaction (triggers installed by the
-- core at open, see electron/core/replication/changelog.ts). Entries are hash-chained: a gap, a reordering or a
-- flipped bit breaks the chain.

CREATE TABLE changelog (
  seq  INTEGER PRIMARY KEY,             -- 1, 2, 3 … without gaps
  tx   INTEGER NOT NULL,                -- the committed transaction the entry belongs to
  at   INTEGER NOT NULL,                -- epoch ms when that transaction began
  tbl  TEXT NOT NULL,
  op   TEXT NOT NULL CHECK (op IN ('I', 'U', 'D')),
  pk   TEXT NOT NULL,                   -- JSON array of the primary-key values
  row  TEXT,                            -- JSON object of the row after the change (NULL for a delete)
  hash TEXT NOT NULL                    -- sha256 over the previous entry's hash and this entry's fields
) STRICT;
CREATE INDEX changelog_tx ON changelog(tx);

-- Shipper state (never replicated): last sequence the replica acknowledged, last snapshot, mode.
CREATE TABLE replication_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Restore drills run from the DR console.
CREATE TABLE dr_drills (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
  seq         INTEGER,
  duration_ms INTEGER NOT NULL,
  detail      TEXT NOT NULL               -- JSON: per-table row counts and content hashes, live vs restored
) STRICT;
