-- 0001: the foundation schema — catalogue, departments, the unit grid, components, settings, audit.
-- Geometry is lon/lat CGCS2000 (EPSG:4490). R*Tree boxes are 32-bit floats rounded outward: follow with an exact check.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE departments (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  level       INTEGER NOT NULL CHECK (level IN (2, 3, 4)),
  parent      TEXT REFERENCES departments(code),
  street_code TEXT,
  CHECK ((level = 2) = (parent IS NULL))
) STRICT;

CREATE TABLE component_majors (
  code TEXT PRIMARY KEY CHECK (length(code) = 2),
  name TEXT NOT NULL
) STRICT;

-- 部件小类: editable data; default_dept is the 主管部门 used when a record has none.
CREATE TABLE component_classes (
  code         TEXT PRIMARY KEY CHECK (length(code) = 4),
  major        TEXT NOT NULL REFERENCES component_majors(code),
  name         TEXT NOT NULL,
  default_dept TEXT REFERENCES departments(code),
  geometry     TEXT NOT NULL DEFAULT 'point' CHECK (geometry IN ('point', 'line', 'polygon')),
  idx          INTEGER NOT NULL UNIQUE,
  CHECK (substr(code, 1, 2) = major)
) STRICT;

CREATE TABLE event_majors (
  code TEXT PRIMARY KEY CHECK (length(code) = 2),
  name TEXT NOT NULL
) STRICT;

-- 事件小类 with the default handling time limit (处置时限); editable data.
CREATE TABLE event_classes (
  code         TEXT PRIMARY KEY CHECK (length(code) = 4),
  major        TEXT NOT NULL REFERENCES event_majors(code),
  name         TEXT NOT NULL,
  default_dept TEXT REFERENCES departments(code),
  limit_value  REAL NOT NULL CHECK (limit_value > 0),
  limit_unit   TEXT NOT NULL CHECK (limit_unit IN ('urgent_hour', 'work_hour', 'work_day', 'natural_day')),
  CHECK (substr(code, 1, 2) = major)
) STRICT;

CREATE TABLE streets (
  code    TEXT PRIMARY KEY CHECK (length(code) = 3),
  name    TEXT NOT NULL UNIQUE,
  ring    TEXT NOT NULL,              -- JSON [[lon,lat],…], closed
  min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL
) STRICT;

-- code = 3-digit street code + 3-digit community code.
CREATE TABLE communities (
  code        TEXT PRIMARY KEY CHECK (length(code) = 6),
  street_code TEXT NOT NULL REFERENCES streets(code),
  name        TEXT NOT NULL,
  ring        TEXT NOT NULL,
  min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL,
  CHECK (substr(code, 1, 3) = street_code)
) STRICT;

-- 万米单元网格: 15-digit code = 6 admin + 3 street + 3 community + 3 serial.
CREATE TABLE grid_cells (
  id             INTEGER PRIMARY KEY,
  code           TEXT NOT NULL UNIQUE CHECK (length(code) = 15),
  community_code TEXT NOT NULL REFERENCES communities(code),
  ring           TEXT NOT NULL,
  area_m2        REAL NOT NULL CHECK (area_m2 > 0),
  min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL,
  CHECK (substr(code, 7, 6) = community_code)
) STRICT;
CREATE INDEX grid_cells_community ON grid_cells(community_code);
CREATE VIRTUAL TABLE grid_cells_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);

-- 部件: CJ/T 214-2007 attributes. dept1 = 主管部门, dept2 = 权属单位, dept3 = 养护单位.
CREATE TABLE components (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE CHECK (length(code) = 16),
  class_code  TEXT NOT NULL REFERENCES component_classes(code),
  dept1       TEXT REFERENCES departments(code),
  dept2       TEXT REFERENCES departments(code),
  dept3       TEXT REFERENCES departments(code),
  grid_code   TEXT NOT NULL REFERENCES grid_cells(code),
  state       TEXT NOT NULL CHECK (state IN ('完好', '破损', '丢失', '占用', '废弃', '移除')),
  or_date     TEXT NOT NULL,
  ch_date     TEXT,
  data_source TEXT NOT NULL,
  note        TEXT,
  lon         REAL NOT NULL,
  lat         REAL NOT NULL,
  geometry    TEXT,                    -- GeoJSON geometry for line/polygon classes; NULL for points
  version     INTEGER NOT NULL DEFAULT 1,
  retired_at  TEXT,
  CHECK (substr(code, 7, 4) = class_code)
) STRICT;
CREATE INDEX components_class ON components(class_code);
CREATE INDEX components_grid ON components(grid_code);
CREATE VIRTUAL TABLE components_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL                  -- JSON
) STRICT;

-- Who did what: every write records actor, time and reason in the same transaction.
CREATE TABLE audit (
  id     INTEGER PRIMARY KEY,
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  reason TEXT,
  detail TEXT
) STRICT;
