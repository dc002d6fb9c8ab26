-- Account lifecycle: a reset password (and the desktop's first administrator's generated one) must be changed at the
-- next login before anything else; when the password last changed is kept for the administrators' list.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

-- A user's sessions are looked up to revoke them all (disable, reset, revoke).
CREATE INDEX sessions_user ON sessions (user_id);
