// Files uploaded for import (the UI sends them in chunks): kept in a private temporary folder for an hour.
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/errors.ts';

/** Largest upload (bytes). */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
const TTL_MS = 3_600_000;

interface Upload {
  file: string;
  name: string;
  bytes: number;
  at: number;
  /** A file on this machine adopted by a trusted local caller (the CLI): read in place, never deleted. */
  adopted?: boolean;
}

/** Uploads by id. */
export class UploadStore {
  private dir: string | null = null;
  private readonly uploads = new Map<string, Upload>();

  /** Appends a chunk; the first chunk (offset 0, no id) starts a new upload. */
  append(id: string | undefined, name: string, offset: number, data: string, now: number): { uploadId: string; bytes: number } {
    this.expire(now);
    const bytes = Buffer.from(data, 'base64');
    let u = id ? this.uploads.get(id) : undefined;
    if (id && !u) throw new ApiError('NOT_FOUND', `no upload ${id} (uploads are kept for an hour)`, { field: 'uploadId' });
    if (!u) {
      if (offset !== 0) throw new ApiError('BAD_INPUT', 'a new upload starts at offset 0', { field: 'offset' });
      this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'cityops-uploads-'));
      id = randomBytes(16).toString('hex');
      const safe = path.basename(name).replace(/[^\w.\u4e00-\u9fff-]/g, '_');
      u = { file: path.join(this.dir, `${id}-${safe}`), name: path.basename(name), bytes: 0, at: now };
      this.uploads.set(id, u);
    }
    if (offset !== u.bytes) throw new ApiError('BAD_INPUT', `chunk at offset ${offset}, but ${u.bytes} bytes have arrived`, { field: 'offset' });
    if (u.bytes + bytes.length > MAX_UPLOAD_BYTES) throw new ApiError('BAD_INPUT', `the file is over ${MAX_UPLOAD_BYTES / 1024 ** 3} GB`, { field: 'data' });
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
      throw new ApiError('NOT_FOUND', `no upload ${id} (uploads are kept for an hour)`, { field: 'uploadId' });
    return u;
  }

  private expire(now: number): void {
    for (const [id, u] of this.uploads) {
      if (now - u.at > TTL_MS) {
        if (!u.adopted) rmSync(u.file, { force: true });
        this.uploads.delete(id);
      }
    }
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.uploads.clear();
  }
}
