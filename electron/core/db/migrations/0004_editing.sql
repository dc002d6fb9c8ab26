-- 0004: online editing of the component and grid layers (部件在线更新): commits, per-object version history,
-- class-specific attributes, component photos, and retirement of grid cells (a cell is never deleted: cases cite it).

-- Class-specific component attributes beyond the CJ/T 214 set (材质, 形状, 树种…); the edit form is generated from
-- the standard fields plus these rows. Editable data.
CREATE TABLE component_class_attributes (
  class_code TEXT NOT NULL REFERENCES component_classes(code),
  key        TEXT NOT NULL CHECK (key GLOB '[a-z]*' AND length(key) <= 32),
  label      TEXT NOT NULL,
  type       TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
  required   INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
  options    TEXT,                       -- JSON array of allowed values for 'choice'
  ord        INTEGER NOT NULL,
  PRIMARY KEY (class_code, key)
) STRICT;

-- Values of those attributes, as a JSON object.
ALTER TABLE components ADD COLUMN attrs TEXT;

ALTER TABLE grid_cells ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE grid_cells ADD COLUMN retired_at TEXT;

-- One row per commit of an edit session, import, revert or grid edit.
CREATE TABLE edit_commits (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,             -- epoch ms
  actor    TEXT NOT NULL,
  message  TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 500),
  kind     TEXT NOT NULL CHECK (kind IN ('edit', 'import', 'revert', 'grid')),
  reverts  INTEGER REFERENCES edit_commits(id),
  added    INTEGER NOT NULL DEFAULT 0,
  updated  INTEGER NOT NULL DEFAULT 0,
  retired  INTEGER NOT NULL DEFAULT 0,
  cells    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX edit_commits_at ON edit_commits(at);
CREATE INDEX edit_commits_reverts ON edit_commits(reverts) WHERE reverts IS NOT NULL;

-- Every version of every component changed since the census: the images before and after (JSON records).
-- The census itself is version 1 with no row; its image is the `before` of version 2.
CREATE TABLE component_versions (
  component_id INTEGER NOT NULL REFERENCES components(id),
  version      INTEGER NOT NULL CHECK (version >= 1),
  commit_id    INTEGER NOT NULL REFERENCES edit_commits(id),
  op           TEXT NOT NULL CHECK (op IN ('add', 'update', 'retire', 'restore')),
  before       TEXT,
  after        TEXT NOT NULL,
  PRIMARY KEY (component_id, version)
) STRICT;
CREATE INDEX component_versions_commit ON component_versions(commit_id);

CREATE TABLE grid_versions (
  cell_id   INTEGER NOT NULL REFERENCES grid_cells(id),
  version   INTEGER NOT NULL CHECK (version >= 1),
  commit_id INTEGER NOT NULL REFERENCES edit_commits(id),
  op        TEXT NOT NULL CHECK (op IN ('add', 'update', 'retire', 'restore')),
  before    TEXT,
  after     TEXT NOT NULL,
  PRIMARY KEY (cell_id, version)
) STRICT;
CREATE INDEX grid_versions_commit ON grid_versions(commit_id);

-- History is append-only.
CREATE TRIGGER component_versions_no_update BEFORE UPDATE ON component_versions BEGIN SELECT RAISE(ABORT, 'component history is append-only'); END;
CREATE TRIGGER component_versions_no_delete BEFORE DELETE ON component_versions BEGIN SELECT RAISE(ABORT, 'component history is append-only'); END;
CREATE TRIGGER grid_versions_no_update BEFORE UPDATE ON grid_versions BEGIN SELECT RAISE(ABORT, 'grid history is append-only'); END;
CREATE TRIGGER grid_versions_no_delete BEFORE DELETE ON grid_versions BEGIN SELECT RAISE(ABORT, 'grid history is append-only'); END;

CREATE TABLE component_photos (
  id           INTEGER PRIMARY KEY,
  component_id INTEGER NOT NULL REFERENCES components(id),
  commit_id    INTEGER NOT NULL REFERENCES edit_commits(id),
  mime         TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
  data         BLOB NOT NULL
) STRICT;
CREATE INDEX component_photos_component ON component_photos(component_id);
