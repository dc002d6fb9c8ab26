// Receiving an upload as a stream: written to its file as it arrives, counted and hashed on the way, and refused as
// soon as it grows beyond what it may (its declared size, the room left in the store) — never held whole in memory,
// never parked in the system temp folder, and never left behind half-written.
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { ReplicaError } from './names.ts';

/**
 * Streams `source` into `file` (created, never overwritten). `refuse(bytes)` is asked before each chunk is written,
 * with the count including it; an error it returns stops the upload at once: the source is left paused for the
 * caller to drain or destroy, the file removed. Resolves with the SHA-256 and size of what was written, synced.
 */
export function receiveInto(source: Readable, file: string, refuse: (bytes: number) => ReplicaError | null): Promise<{ sha256: string; bytes: number }> {
  const fd = openSync(file, 'wx', 0o600);
  const hash = createHash('sha256');
  let bytes = 0;
  let ended = false;
  let settled = false;
  return new Promise((resolve, reject) => {
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      source.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      source.pause();
      try {
        if (!err) fsyncSync(fd);
      } catch (e) {
        err = new ReplicaError(507, `sync ${file}: ${(e as Error).message}`);
      }
      closeSync(fd);
      if (err) {
        rmSync(file, { force: true });
        reject(err);
      } else resolve({ sha256: hash.digest('hex'), bytes });
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      const no = refuse(bytes);
      if (no) return finish(no);
      hash.update(chunk);
      // Written at once, in order (chunks are at most 64 KB; the store's other writes are synchronous too).
      try {
        for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
      } catch (e) {
        finish(new ReplicaError(507, `write ${file}: ${(e as Error).message}`));
      }
    };
    const onEnd = () => {
      ended = true;
      finish(null);
    };
    const onError = (e: Error) => finish(new ReplicaError(400, `upload interrupted: ${e.message}`));
    const onClose = () => {
      if (!ended) finish(new ReplicaError(400, 'upload interrupted before its end'));
    };
    source.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    source.resume();
  });
}

/** Passes a request body through, failing with 413 once it exceeds `limit` bytes (for Fastify's preParsing, so a
 * JSON body larger than the store could hold is refused while it streams instead of being read into memory). */
export function limitBody(limit: number, tooLarge: (bytes: number) => string): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) return done(Object.assign(new ReplicaError(413, tooLarge(bytes)), { statusCode: 413 }));
      done(null, chunk);
    },
  });
}
