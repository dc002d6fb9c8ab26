// The replica's file formats and how they are written: durable writes (temporary name, fsync, rename, fsync of the
// folder), checksums of files read in chunks, and the segment format — JSON lines with a header {from, prevHash, sig?}
// (sig: the centre's signature of the last entry's chain hash), the entries, and a trailer {sha256} — decoded with
// every field validated before the chain is checked.
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { checkChain, type ChangeEntry } from './changelog.ts';
import { parseChainSignature, parseEntry, ReplicaError, seqFrom } from './names.ts';
import type { ChainSignature } from './signing.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const HEX64 = /^[0-9a-f]{64}$/;

/** Writes a file durably: temporary name, fsync, rename, fsync of the folder. */
export function writeDurably(file: string, data: Buffer | string): void {
  const tmp = `${file}.tmp`;
  try {
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
    syncDir(path.dirname(file));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ReplicaError(507, `write ${path.basename(path.dirname(file))}/${path.basename(file)}: ${(e as Error).message}`);
  }
}
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 and size of a file, read in 8 MB chunks (snapshots can be gigabytes). */
export function fileSha256(file: string): { sha256: string; bytes: number } {
  const h = createHash('sha256');
  const buf = Buffer.alloc(8 << 20);
  const fd = openSync(file, 'r');
  let bytes = 0;
  try {
    for (let n; (n = readSync(fd, buf)) > 0; bytes += n) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

/** Encodes a segment file. */
export function encodeSegment(prevHash: string, entries: ChangeEntry[], sig?: ChainSignature): Buffer {
  const body = [JSON.stringify({ from: entries[0].seq, prevHash, ...(sig ? { sig } : {}) }), ...entries.map((e) => JSON.stringify(e))].join('\n') + '\n';
  return Buffer.from(`${body}${JSON.stringify({ sha256: sha256(body) })}\n`);
}

/** Decodes and checks a segment file (checksum, every field, then the chain from its own header); throws naming the
 * problem. */
export function decodeSegment(name: string, data: Buffer): { from: number; prevHash: string; entries: ChangeEntry[]; sig?: ChainSignature } {
  const text = data.toString('utf8');
  const cut = text.lastIndexOf('\n', text.length - 2);
  const body = text.slice(0, cut + 1);
  let trailer: { sha256?: string };
  try {
    trailer = JSON.parse(text.slice(cut + 1));
  } catch {
    throw new ReplicaError(422, `segment ${name} is truncated or its trailer is damaged`);
  }
  if (trailer?.sha256 !== sha256(body)) throw new ReplicaError(422, `segment ${name}: checksum mismatch (the file was changed or damaged)`);
  let lines: unknown[];
  try {
    lines = body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
  } catch {
    throw new ReplicaError(422, `segment ${name}: a line is not JSON`);
  }
  const head = (lines[0] ?? {}) as { from?: unknown; prevHash?: unknown; sig?: unknown };
  const from = seqFrom(head.from, `segment ${name}: from`, 422);
  const prevHash = head.prevHash;
  if (typeof prevHash !== 'string' || !(prevHash === '' || HEX64.test(prevHash)))
    throw new ReplicaError(422, `segment ${name}: its header's prevHash is damaged`);
  const entries = lines.slice(1).map((l, i) => parseEntry(l, `segment ${name}: entry ${i}`, 422));
  if (!entries.length) throw new ReplicaError(422, `segment ${name} holds no entries`, from);
  const bad = checkChain(from - 1, prevHash, entries);
  if (bad) throw new ReplicaError(422, `segment ${name}: ${bad.problem}`, bad.seq);
  if (head.sig === undefined) return { from, prevHash, entries };
  const sig = parseChainSignature(head.sig, `segment ${name}: signature`, 422);
  const last = entries.at(-1)!;
  if (sig.seq !== last.seq || sig.hash !== last.hash)
    throw new ReplicaError(422, `segment ${name}: its signature covers sequence ${sig.seq}, not its last entry`, last.seq);
  return { from, prevHash, entries, sig };
}
