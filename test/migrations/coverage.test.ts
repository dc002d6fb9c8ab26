// Every migration has a test of its own: test/migrations/NNNN_name.test.ts beside electron/core/db/migrations/NNNN_name.sql.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../paths.ts';

describe('migration tests', () => {
  it('each migration file has its test file', () => {
    const migrations = readdirSync(path.join(ROOT, 'electron/core/db/migrations')).filter((f) => /^\d{4}_.+\.sql$/.test(f));
    const tests = new Set(readdirSync(path.join(ROOT, 'test/migrations')));
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.filter((m) => !tests.has(m.replace(/\.sql$/, '.test.ts')))).toEqual([]);
  });
});
