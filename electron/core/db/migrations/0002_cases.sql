-- 0002: cases and their workflow — users, sessions, API keys, channels, the working calendar, stage time limits,
-- routing, cases with append-only history and photos, full-text search, alerts and the SMS outbox.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('operator', 'shift_leader', 'dispatcher', 'supervisor', 'department', 'leader', 'gis_editor', 'dr_operator', 'admin')),
  department    TEXT REFERENCES departments(code),
  street_code   TEXT REFERENCES streets(code),          -- a supervisor's patrol area (NULL: whole district)
  phone         TEXT,
  password_hash TEXT NOT NULL,                          -- scrypt$N$r$p$salt$hash
  created_at    TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  CHECK ((role = 'department') = (department IS NOT NULL))
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,                           -- sha256 of the bearer token; the token itself is never stored
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL                            -- epoch ms
) STRICT;

CREATE TABLE api_keys (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  key_hash   TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;

-- Intake channels: data the centre extends. needs_verify: public reports go to a supervisor for 核实.
CREATE TABLE channels (
  code         TEXT PRIMARY KEY CHECK (code GLOB '[a-z0-9_]*'),
  name         TEXT NOT NULL,
  needs_verify INTEGER NOT NULL CHECK (needs_verify IN (0, 1)),
  ord          INTEGER NOT NULL
) STRICT;

-- Exceptions to the Monday–Friday week (China Standard Time).
CREATE TABLE calendar_days (
  date TEXT PRIMARY KEY CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name TEXT
) STRICT;

-- Time limit of each workflow stage; class_code '' is the default, a 4-digit code (kind-qualified) overrides it.
-- The 处置 (handle) limit of an event class comes from event_classes unless a row here overrides it.
CREATE TABLE stage_limits (
  stage      TEXT NOT NULL CHECK (stage IN ('accept', 'verify', 'register', 'dispatch', 'handle', 'check', 'close')),
  kind       TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'component', 'event')),
  class_code TEXT NOT NULL DEFAULT '',
  value      REAL NOT NULL CHECK (value > 0),
  unit       TEXT NOT NULL CHECK (unit IN ('urgent_hour', 'work_hour', 'work_day', 'natural_day')),
  PRIMARY KEY (stage, kind, class_code)
) STRICT;

-- Routing table: class prefix (2-digit major or 4-digit minor) and optional street → department.
-- dept '@street' means the street office (街道办) of the case's street.
CREATE TABLE routing_rules (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('component', 'event')),
  class_prefix TEXT NOT NULL CHECK (length(class_prefix) IN (2, 4)),
  street_code  TEXT REFERENCES streets(code),
  dept         TEXT NOT NULL,
  note         TEXT
) STRICT;

ALTER TABLE event_classes ADD COLUMN public INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1));

-- Extra attributes a reporter may give for an event class (Open311 service definitions).
CREATE TABLE event_class_attributes (
  class_code  TEXT NOT NULL REFERENCES event_classes(code),
  code        TEXT NOT NULL,
  datatype    TEXT NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
  required    INTEGER NOT NULL DEFAULT 0,
  description TEXT NOT NULL,
  ord         INTEGER NOT NULL,
  vals        TEXT,                                      -- JSON [{key, name}] for list types
  PRIMARY KEY (class_code, code)
) STRICT;

CREATE TABLE cases (
  id              INTEGER PRIMARY KEY,
  case_no         TEXT NOT NULL UNIQUE,                  -- YYYYMMDD + 5-digit serial of the day
  kind            TEXT NOT NULL CHECK (kind IN ('component', 'event')),
  class_code      TEXT NOT NULL CHECK (length(class_code) = 4),
  channel         TEXT NOT NULL REFERENCES channels(code),
  status          TEXT NOT NULL CHECK (status IN ('pending_accept', 'pending_verify', 'pending_register', 'pending_dispatch', 'handling', 'return_requested', 'pending_check', 'pending_close', 'suspended', 'closed', 'voided')),
  description     TEXT NOT NULL,
  address         TEXT,
  lon             REAL NOT NULL,
  lat             REAL NOT NULL,
  grid_code       TEXT NOT NULL REFERENCES grid_cells(code),
  community_code  TEXT NOT NULL,
  street_code     TEXT NOT NULL,
  component_code  TEXT,
  reporter_name   TEXT,
  reporter_phone  TEXT,
  reporter_email  TEXT,
  callback        INTEGER NOT NULL DEFAULT 0,
  attributes      TEXT,                                  -- JSON of class attributes (Open311)
  dept_code       TEXT REFERENCES departments(code),     -- level-2 department it was dispatched to
  assignee_dept   TEXT REFERENCES departments(code),     -- department holding it now (2, 3 or 4)
  supervisor_id   INTEGER REFERENCES users(id),          -- verification / check task
  stage           TEXT,
  stage_started   INTEGER,                               -- epoch ms
  stage_limit_ms  INTEGER,                               -- in the unit's clock
  stage_unit      TEXT,
  stage_due       INTEGER,
  stage_due3x     INTEGER,
  suspended_from  TEXT,
  suspended_left  INTEGER,                               -- clock ms left when suspended
  extension_req   TEXT,                                  -- JSON {value, unit, reason} while a request waits
  urge_count      INTEGER NOT NULL DEFAULT 0,
  rework_count    INTEGER NOT NULL DEFAULT 0,
  extension_count INTEGER NOT NULL DEFAULT 0,
  return_count    INTEGER NOT NULL DEFAULT 0,
  close_type      TEXT CHECK (close_type IN ('normal', 'overdue', 'self')),
  merged_into     INTEGER REFERENCES cases(id),
  open311_token   TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  registered_at   INTEGER,
  dispatched_at   INTEGER,
  closed_at       INTEGER,
  version         INTEGER NOT NULL DEFAULT 1
) STRICT;
-- Work queues list by deadline, finished ones newest first; filters have an index that ends in the row order.
CREATE INDEX cases_status_due ON cases(status, stage_due);
CREATE INDEX cases_status_id ON cases(status, id);
CREATE INDEX cases_due ON cases(stage_due) WHERE stage_due IS NOT NULL;
CREATE INDEX cases_assignee_status ON cases(assignee_dept, status, stage_due);
CREATE INDEX cases_assignee_id ON cases(assignee_dept, id);
CREATE INDEX cases_dept_status ON cases(dept_code, status, stage_due);
CREATE INDEX cases_dept_id ON cases(dept_code, id);
CREATE INDEX cases_street_id ON cases(street_code, id);
CREATE INDEX cases_channel_id ON cases(channel, id);
CREATE INDEX cases_class_created ON cases(class_code, created_at);
CREATE INDEX cases_class_street_channel ON cases(class_code, street_code, channel, id);
CREATE INDEX cases_created ON cases(created_at);
-- Few cases come through Open311: index only those (an ordinary UNIQUE column would index every NULL too).
CREATE UNIQUE INDEX cases_open311_token ON cases(open311_token) WHERE open311_token IS NOT NULL;

-- Append-only: every transition with who, role, when, from → to, reason and data.
CREATE TABLE case_history (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  at          INTEGER NOT NULL,
  actor_id    INTEGER,
  actor_name  TEXT NOT NULL,
  role        TEXT NOT NULL,
  action      TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  reason      TEXT,
  data        TEXT
) STRICT;
CREATE INDEX case_history_case ON case_history(case_id);
CREATE TRIGGER case_history_no_update BEFORE UPDATE ON case_history BEGIN SELECT RAISE(ABORT, 'case history is append-only'); END;
CREATE TRIGGER case_history_no_delete BEFORE DELETE ON case_history BEGIN SELECT RAISE(ABORT, 'case history is append-only'); END;

CREATE TABLE case_photos (
  id         INTEGER PRIMARY KEY,
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  history_id INTEGER REFERENCES case_history(id),
  mime       TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes      BLOB NOT NULL,
  sha256     TEXT NOT NULL,
  at         INTEGER NOT NULL
) STRICT;
CREATE INDEX case_photos_case ON case_photos(case_id);

-- Full-text search over the case text; trigram works for Chinese without a word segmenter. Case numbers are found
-- through their unique index instead (digits only), which keeps the trigram index smaller and every intake cheaper.
CREATE VIRTUAL TABLE cases_fts USING fts5(description, address, content = 'cases', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER cases_fts_ai AFTER INSERT ON cases BEGIN
  INSERT INTO cases_fts(rowid, description, address) VALUES (new.id, new.description, coalesce(new.address, ''));
END;
CREATE TRIGGER cases_fts_au AFTER UPDATE OF description, address ON cases BEGIN
  INSERT INTO cases_fts(cases_fts, rowid, description, address) VALUES ('delete', old.id, old.description, coalesce(old.address, ''));
  INSERT INTO cases_fts(rowid, description, address) VALUES (new.id, new.description, coalesce(new.address, ''));
END;

CREATE TABLE case_serials (
  day TEXT PRIMARY KEY,
  n   INTEGER NOT NULL
) STRICT;

-- On-screen alerts (overdue stages) and their acknowledgement.
CREATE TABLE alerts (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  stage      TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('overdue', 'overdue3x')),
  message    TEXT NOT NULL,
  acked_at   INTEGER,
  acked_by   TEXT,
  UNIQUE (case_id, stage, kind, at)
) STRICT;
CREATE INDEX alerts_open ON alerts(acked_at, id);
-- Which stage deadlines were already alerted (one alert per case, stage start and kind).
CREATE TABLE alert_marks (
  case_id       INTEGER NOT NULL,
  stage_started INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  PRIMARY KEY (case_id, stage_started, kind)
) STRICT;

-- SMS gateway outbox: every message, its retries and delivery status.
CREATE TABLE sms_outbox (
  id           INTEGER PRIMARY KEY,
  created_at   INTEGER NOT NULL,
  to_phone     TEXT NOT NULL,
  to_user      INTEGER REFERENCES users(id),
  body         TEXT NOT NULL,
  case_id      INTEGER REFERENCES cases(id),
  status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'logged', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_error   TEXT,
  sent_at      INTEGER
) STRICT;
CREATE INDEX sms_outbox_due ON sms_outbox(status, next_attempt);
