// Files uploaded for import (the UI sends them in chunks): kept in a private temporary folder for an hour after their
// last chunk, within a quota over all of them. Expired uploads are removed when the next upload arrives and by the
// store's own timer, so an idle server does not keep a stranger's gigabytes on its disk.
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/errors.ts';

/** Largest upload (bytes). */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/** Most bytes all live uploads may hold together: two of the largest, not the whole disk. */
export const MAX_UPLOADS_TOTAL_BYTES = 4 * 1024 ** 3;
/** How long an upload is kept after its last chunk. */
export const UPLOAD_TTL_MS = 3_600_000;
/** How often the store's timer removes expired uploads. */
export const UPLOAD_SWEEP_MS = 5 * 60_000;

/** The store's limits and clock (tests make them small and fake). */
export interface UploadLimits {
  maxUploadBytes?: number;
  maxTotalBytes?: number;
  ttlMs?: number;
  sweepMs?: number;
  /** The clock of the timer's sweeps (epoch ms); calls pass their own `now`. */
  now?: () => number;
}

interface Upload {
  file: string;
  name: string;
  bytes: number;
  at: number;
  /** A file on this machine adopted by a trusted local caller (the CLI): read in place, never deleted, no quota. */
  adopted?: boolean;
}

/** A size for a message. */
const size = (n: number) => (n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(1)} GB` : n >= 1024 ** 2 ? `${+(n / 1024 ** 2).toFixed(1)} MB` : `${n} bytes`);

/** Uploads by id. */
export class UploadStore {
  private dir: string | null = null;
  private readonly uploads = new Map<string, Upload>();
  private readonly maxUpload: number;
  private readonly maxTotal: number;
  private readonly ttl: number;
  private readonly timer: NodeJS.Timeout;

  constructor(limits: UploadLimits = {}) {
    this.maxUpload = limits.maxUploadBytes ?? MAX_UPLOAD_BYTES;
    this.maxTotal = limits.maxTotalBytes ?? MAX_UPLOADS_TOTAL_BYTES;
    this.ttl = limits.ttlMs ?? UPLOAD_TTL_MS;
    const now = limits.now ?? Date.now;
    // Unref'd: the sweep never keeps a process (a CLI command, a test) alive; close() stops it.
    this.timer = setInterval(() => this.expire(now()), limits.sweepMs ?? UPLOAD_SWEEP_MS);
    this.timer.unref();
  }

  /** Appends a chunk; the first chunk (offset 0, no id) starts a new upload. */
  append(id: string | undefined, name: string, offset: number, data: string, now: number): { uploadId: string; bytes: number } {
    this.expire(now);
    const bytes = Buffer.from(data, 'base64');
    let u = id ? this.uploads.get(id) : undefined;
    if (id && !u) throw new ApiError('NOT_FOUND', `no upload ${id} (uploads are kept for ${this.ttlText()})`, { field: 'uploadId' });
    if (!u && offset !== 0) throw new ApiError('BAD_INPUT', 'a new upload starts at offset 0', { field: 'offset' });
    if (u && offset !== u.bytes) throw new ApiError('BAD_INPUT', `chunk at offset ${offset}, but ${u.bytes} bytes have arrived`, { field: 'offset' });
    if ((u?.bytes ?? 0) + bytes.length > this.maxUpload) throw new ApiError('BAD_INPUT', `the file is over ${size(this.maxUpload)}`, { field: 'data' });
    const total = this.storedBytes() + bytes.length;
    if (total > this.maxTotal)
      throw new ApiError(
        'BAD_INPUT',
        `uploads waiting for import would hold ${size(total)}; the limit is ${size(this.maxTotal)}: import or wait for older uploads to expire (${this.ttlText()} after their last chunk)`,
        { field: 'data' },
      );
    if (!u) {
      this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'cityops-uploads-'));
      id = randomBytes(16).toString('hex');
      const safe = path.basename(name).replace(/[^\w.\u4e00-\u9fff-]/g, '_');
      u = { file: path.join(this.dir, `${id}-${safe}`), name: path.basename(name), bytes: 0, at: now };
      this.uploads.set(id, u);
    }
    appendFileSync(u.file, bytes);
    u.bytes += bytes.length;
    u.at = now;
    return { uploadId: id!, bytes: u.bytes };
  }

  /** Registers a file already on this machine (the command line's --file) as an upload, without copying it. */
  adopt(file: string, name: string, now: number): string {
    this.expire(now);
    const id = randomBytes(16).toString('hex');
    // A missing file is registered too: the reader reports it like any unreadable file.
    this.uploads.set(id, { file, name: path.basename(name), bytes: statSync(file, { throwIfNoEntry: false })?.size ?? 0, at: now, adopted: true });
    return id;
  }

  /** The stored file and original name of an upload. */
  get(id: string): { file: string; name: string } {
    const u = this.uploads.get(id);
    if (!u || !statSync(u.file, { throwIfNoEntry: false }))
      throw new ApiError('NOT_FOUND', `no upload ${id} (uploads are kept for ${this.ttlText()})`, { field: 'uploadId' });
    return u;
  }

  /** Bytes the store holds on disk (adopted files are not its own). */
  private storedBytes(): number {
    let n = 0;
    for (const u of this.uploads.values()) if (!u.adopted) n += u.bytes;
    return n;
  }

  private ttlText(): string {
    return this.ttl === 3_600_000 ? 'an hour' : `${Math.round(this.ttl / 60_000)} minutes`;
  }

  private expire(now: number): void {
    for (const [id, u] of this.uploads) {
      if (now - u.at <= this.ttl) continue;
      try {
        if (!u.adopted) rmSync(u.file, { force: true });
        this.uploads.delete(id);
      } catch {
        // Kept, and tried again on the next sweep: a failed removal must not throw out of the timer.
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.uploads.clear();
  }
}
