// The desktop bundle's core worker (dist-electron/core-worker.mjs, built by `npm run build`) under plain Node:
// first start creates and seeds the database with progress, then answers contract calls.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerCore } from '../../electron/core/host/workerCore.ts';
import { ROOT } from '../paths.ts';
import { coreClient } from '../helpers.ts';

const bundle = path.join(ROOT, 'dist-electron', 'core-worker.mjs');

describe('desktop preload bundle', () => {
  it('is CommonJS that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const src = readFileSync(path.join(ROOT, 'dist-electron', 'preload.cjs'), 'utf8');
    const required = [...src.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toContain('electron');
    expect([...new Set(required)]).toEqual(['electron']);
    expect(src).not.toMatch(/^\s*import\s/m);
  });
});

describe('desktop core worker bundle', () => {
  it('seeds the user-data database on first start with progress, then opens it again without seeding', async () => {
    expect(existsSync(bundle)).toBe(true);
    process.env.CITYOPS_MIGRATIONS_DIR = path.join(ROOT, 'dist-electron', 'migrations');
    process.env.CITYOPS_DATA_DIR = path.join(ROOT, 'dist-electron', 'data');
    const dbPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-desktop-')), 'cityops.db');
    const phases: string[] = [];
    try {
      const first = new WorkerCore({ dbPath, seedIfMissing: true, seedScale: 0.01, entry: bundle, onProgress: (p) => phases.push(p) });
      const info = (await first.ready) as { gridCells: number };
      expect(info.gridCells).toBeGreaterThanOrEqual(6000);
      expect(phases).toContain('components');
      expect(first.firstAdmin?.name).toBe('admin');
      const { token } = await coreClient(first, { actor: 't', via: 'test' }).ok('auth.login', { name: 'admin', password: first.firstAdmin!.password });
      const admin = coreClient(first, { actor: 't', via: 'test', token });
      // The generated password must be changed before anything else.
      expect(await admin.call('grid.locate', { lon: 119.92, lat: 32.46 })).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
      await admin.ok('auth.changePassword', { current: first.firstAdmin!.password, password: 'centre-admin-chosen-1' });
      expect((await admin.call('grid.locate', { lon: 119.92, lat: 32.46 })).ok).toBe(true);
      await first.close();
      const progress2: string[] = [];
      const second = new WorkerCore({ dbPath, seedIfMissing: true, entry: bundle, onProgress: (p) => progress2.push(p) });
      await second.ready;
      expect(progress2).toEqual([]);
      expect(second.firstAdmin).toBeNull(); // created once only
      await second.close();
    } finally {
      delete process.env.CITYOPS_MIGRATIONS_DIR;
      delete process.env.CITYOPS_DATA_DIR;
    }
  });
});
