-- Trust: 自行处置 (a problem a supervisor fixed on the spot) is proven by photos taken before and after the fix;
-- secrets (the SMS gateway's URL and template, the replica's token) move out of the replicated settings.

-- Which photos of a 自行处置 show the problem (before) and the fix (after); NULL for every other photo.
ALTER TABLE case_photos ADD COLUMN role TEXT CHECK (role IS NULL OR role IN ('before', 'after'));

-- Secrets the centre keeps for itself: never replicated (the change log leaves this table out) and never returned
-- by the API (write-only). One JSON value per key.
CREATE TABLE local_secrets (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

INSERT INTO local_secrets (key, value)
  SELECT 'sms', json_object('url', json_extract(value, '$.url'), 'template', json_extract(value, '$.template'))
  FROM settings WHERE key = 'sms' AND (json_extract(value, '$.url') IS NOT NULL OR json_extract(value, '$.template') IS NOT NULL);
UPDATE settings SET value = json_remove(value, '$.url', '$.template') WHERE key = 'sms';

INSERT INTO local_secrets (key, value)
  SELECT 'replication', json_object('token', json_extract(value, '$.token'))
  FROM settings WHERE key = 'replication' AND json_extract(value, '$.token') IS NOT NULL;
UPDATE settings SET value = json_remove(value, '$.token') WHERE key = 'replication';
