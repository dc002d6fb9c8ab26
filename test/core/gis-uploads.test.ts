// The upload store: a quota over all live uploads, and expiry on the store's own timer as well as on the next upload.
// Limits and the clock are injected so the test can use bytes and milliseconds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UploadStore } from '../../electron/core/gis/uploads.ts';
import { ApiError } from '../../shared/errors.ts';

const b64 = (n: number) => Buffer.alloc(n, 0x61).toString('base64');
/** The ApiError a call throws. */
function refusal(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('not refused');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('UploadStore', () => {
  it('refuses a chunk that would take all live uploads over the total quota, until older uploads expire', () => {
    let t = 0;
    const store = new UploadStore({ maxUploadBytes: 80, maxTotalBytes: 100, ttlMs: 1000, now: () => t });
    try {
      const a = store.append(undefined, 'a.geojson', 0, b64(60), t).uploadId;
      store.append(undefined, 'b.geojson', 0, b64(30), t);
      const err = refusal(() => store.append(undefined, 'c.geojson', 0, b64(20), t));
      expect(err.code).toBe('BAD_INPUT');
      expect(err.message).toMatch(/uploads waiting for import would hold 110 bytes; the limit is 100 bytes/);
      expect(err.details).toMatchObject({ field: 'data' });
      // A second chunk of an upload counts the same way.
      expect(refusal(() => store.append(a, 'a.geojson', 60, b64(11), t)).code).toBe('BAD_INPUT');
      // A file adopted in place (the CLI's --file) is not stored by us and takes no quota.
      const local = path.join(mkdtempSync(path.join(os.tmpdir(), 'cityops-up-')), 'big.geojson');
      writeFileSync(local, Buffer.alloc(500));
      store.adopt(local, 'big.geojson', t);
      expect(store.append(a, 'a.geojson', 60, b64(10), t).bytes).toBe(70);
      t = 2000;
      expect(store.append(undefined, 'c.geojson', 0, b64(20), t).bytes).toBe(20);
      expect(existsSync(local)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('still refuses a single upload over its own limit', () => {
    const store = new UploadStore({ maxUploadBytes: 10, maxTotalBytes: 100 });
    try {
      expect(refusal(() => store.append(undefined, 'a.csv', 0, b64(11), Date.now())).message).toMatch(/over 10 bytes/);
    } finally {
      store.close();
    }
  });

  it('expires old uploads on its own timer, without a new upload arriving, and close() stops the timer', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let t = 0;
    const store = new UploadStore({ ttlMs: 1000, sweepMs: 100, now: () => t });
    const { uploadId } = store.append(undefined, 'a.geojson', 0, b64(10), t);
    const { file } = store.get(uploadId);
    expect(existsSync(file)).toBe(true);
    vi.advanceTimersByTime(500);
    expect(store.get(uploadId).file).toBe(file);
    t = 1500;
    vi.advanceTimersByTime(100);
    expect(existsSync(file)).toBe(false);
    expect(refusal(() => store.get(uploadId)).code).toBe('NOT_FOUND');
    expect(vi.getTimerCount()).toBe(1);
    store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not keep the process alive: its timer is unref’d', () => {
    const spy = vi.spyOn(globalThis, 'setInterval');
    const store = new UploadStore({ sweepMs: 60_000 });
    try {
      expect(spy).toHaveBeenCalledTimes(1);
      const timer = spy.mock.results[0].value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
    } finally {
      store.close();
      spy.mockRestore();
    }
  });
});
