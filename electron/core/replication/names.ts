// What the replica accepts from the network or from a folder — sequence numbers, file names, snapshot metadata and
// change entries — checked for type and range before anything is built from them. File names are built from
// validated numbers only (fixed-width digits), and `inside` refuses a name that would resolve anywhere but directly
// in the given folder, so no input can reach a path outside the store.
import path from 'node:path';
import type { ChangeEntry } from './changelog.ts';
import type { ChainSignature, SnapshotSignature } from './signing.ts';

/** An error with the HTTP status the replica server answers with. */
export class ReplicaError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly seq?: number,
  ) {
    super(message);
  }
}

/** What a snapshot file holds. */
export interface SnapshotMeta {
  /** Last change-log sequence included. */
  seq: number;
  /** Chain hash of that entry ('' when the log was empty). */
  hash: string;
  /** Start time of the last transaction included (epoch ms; the snapshot time when none). */
  at: number;
  sha256: string;
  bytes: number;
  createdAt: number;
  schemaVersion: number;
  /** The centre's signature of the fields above but createdAt (signing.ts); absent on replicas written before it. */
  sig?: SnapshotSignature;
}

/** A batch as parsed: its entries and, from a signing centre, the signature of its last entry's chain hash. */
export interface Batch {
  entries: ChangeEntry[];
  sig?: ChainSignature;
}

/** File names carry sequences as 12 digits; a larger sequence could not be named (and is never reached). */
export const MAX_SEQ = 999_999_999_999;
const MAX_TIME = 8.64e15; // the last instant a Date can hold
const HEX64 = /^[0-9a-f]{64}$/;
const FINGERPRINT = /^[0-9a-f]{4}(:[0-9a-f]{4}){7}$/;
const BASE64_SIG = /^[A-Za-z0-9+/]{86}==$/; // an Ed25519 signature is 64 bytes
const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const SEGMENT = /^(\d{12})-(\d{12})\.seg$/;

/** A value as it may appear in a message: short, and never raw control characters. */
const shown = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 80);

const wholeNumber = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;

/** A sequence from JSON: a whole number 0…MAX_SEQ. */
export function seqFrom(v: unknown, what: string, status = 400): number {
  if (!wholeNumber(v, MAX_SEQ)) throw new ReplicaError(status, `${what} must be a whole number from 0 to ${MAX_SEQ}, not ${shown(v)}`);
  return v;
}

/** A sequence from a URL path: 1 to 12 digits, nothing else. */
export function seqParam(s: string, what: string): number {
  if (!/^\d{1,12}$/.test(s)) throw new ReplicaError(400, `${what}: ${shown(s)} is not a sequence number`);
  return Number(s);
}

const pad = (n: number) => String(seqFrom(n, 'sequence', 500)).padStart(12, '0');
/** File name of the snapshot that ends at `seq`, and of its metadata. */
export const snapshotName = (seq: number) => `${pad(seq)}.db`;
export const snapshotMetaName = (seq: number) => `${pad(seq)}.json`;
/** File name of the segment holding `from`…`to`. */
export const segmentName = (from: number, to: number) => `${pad(from)}-${pad(to)}.seg`;

/** The range of a segment file name, or null when the name is not exactly the store's own. */
export function parseSegmentName(name: string): { from: number; to: number } | null {
  const m = SEGMENT.exec(name);
  if (!m || Number(m[1]) > Number(m[2])) return null;
  return { from: Number(m[1]), to: Number(m[2]) };
}
/** The sequence of a snapshot metadata file name (`<12 digits>.json`), or null. */
export const parseSnapshotMetaName = (name: string): number | null => (/^\d{12}\.json$/.test(name) ? Number(name.slice(0, 12)) : null);

/** `name` directly inside `dir`: refused when it would resolve anywhere else (a name is never a path). */
export function inside(dir: string, name: string): string {
  const base = path.resolve(dir);
  const file = path.resolve(base, name);
  if (path.dirname(file) !== base || path.basename(file) !== name) throw new ReplicaError(400, `refused: ${shown(name)} is not a file name inside ${base}`);
  return file;
}

const record = (v: unknown, what: string, status: number): Record<string, unknown> => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ReplicaError(status, `${what} must be a JSON object, not ${shown(v)}`);
  return v as Record<string, unknown>;
};

/** Snapshot metadata (from the upload header or a .json file), every field typed and bounded; unknown fields are
 * dropped so nothing unchecked is ever stored. */
export function parseSnapshotMeta(raw: unknown, status = 400): SnapshotMeta {
  const m = record(raw, 'snapshot metadata', status);
  const bad = (field: string, want: string) => new ReplicaError(status, `snapshot metadata: ${field} must be ${want}, not ${shown(m[field])}`);
  const seq = seqFrom(m.seq, 'snapshot metadata: seq', status);
  if (typeof m.hash !== 'string' || !(seq === 0 ? m.hash === '' : HEX64.test(m.hash))) throw bad('hash', seq === 0 ? "'' (an empty log)" : '64 hex digits');
  for (const f of ['at', 'createdAt'] as const) if (!wholeNumber(m[f], MAX_TIME)) throw bad(f, 'a time in epoch milliseconds');
  if (typeof m.sha256 !== 'string' || !HEX64.test(m.sha256)) throw bad('sha256', '64 hex digits');
  if (!wholeNumber(m.bytes, Number.MAX_SAFE_INTEGER)) throw bad('bytes', 'a whole number of bytes');
  if (!wholeNumber(m.schemaVersion, 1_000_000)) throw bad('schemaVersion', 'a whole number');
  const meta: SnapshotMeta = {
    seq,
    hash: m.hash,
    at: m.at as number,
    sha256: m.sha256,
    bytes: m.bytes,
    createdAt: m.createdAt as number,
    schemaVersion: m.schemaVersion,
  };
  if (m.sig !== undefined) {
    const { key, value } = signatureParts(m.sig, 'snapshot metadata: sig', status);
    meta.sig = { key, value };
  }
  return meta;
}

/** The key fingerprint and signature value of a signature object, checked for form (not validity: signing.ts). */
function signatureParts(raw: unknown, what: string, status: number): { key: string; value: string } {
  const s = record(raw, what, status);
  if (typeof s.key !== 'string' || !FINGERPRINT.test(s.key)) throw new ReplicaError(status, `${what}: key must be a key fingerprint, not ${shown(s.key)}`);
  if (typeof s.value !== 'string' || !BASE64_SIG.test(s.value))
    throw new ReplicaError(status, `${what}: value must be an Ed25519 signature (base64), not ${shown(s.value)}`);
  return { key: s.key, value: s.value };
}

/** A chain-head signature, checked for form. */
export function parseChainSignature(raw: unknown, what: string, status = 400): ChainSignature {
  const s = record(raw, what, status);
  const seq = seqFrom(s.seq, `${what}: seq`, status);
  if (typeof s.hash !== 'string' || !HEX64.test(s.hash)) throw new ReplicaError(status, `${what}: hash must be 64 hex digits, not ${shown(s.hash)}`);
  return { seq, hash: s.hash, ...signatureParts(raw, what, status) };
}

/** One change entry, every field typed and bounded, rebuilt with exactly the hashed fields (anything else a sender
 * adds would be stored in the segment without being covered by the chain). */
export function parseEntry(raw: unknown, where: string, status = 400): ChangeEntry {
  const e = record(raw, where, status);
  const bad = (field: string, want: string) => new ReplicaError(status, `${where}: ${field} must be ${want}, not ${shown(e[field])}`);
  const seq = seqFrom(e.seq, `${where}: seq`, status);
  if (!wholeNumber(e.tx, Number.MAX_SAFE_INTEGER)) throw bad('tx', 'a whole number');
  if (!wholeNumber(e.at, MAX_TIME)) throw bad('at', 'a time in epoch milliseconds');
  if (typeof e.tbl !== 'string' || !TABLE.test(e.tbl)) throw bad('tbl', 'a table name');
  if (e.op !== 'I' && e.op !== 'U' && e.op !== 'D') throw bad('op', "'I', 'U' or 'D'");
  if (typeof e.pk !== 'string' || e.pk.length > 65_536) throw bad('pk', 'the JSON text of the primary key');
  if (e.op === 'D' ? e.row !== null : typeof e.row !== 'string') throw bad('row', e.op === 'D' ? 'null for a delete' : 'the JSON text of the row');
  if (typeof e.hash !== 'string' || !HEX64.test(e.hash)) throw bad('hash', '64 hex digits');
  return { seq, tx: e.tx, at: e.at, tbl: e.tbl, op: e.op, pk: e.pk, row: e.row as string | null, hash: e.hash };
}

/** A batch as the centre sends it: {entries, sig} — or a bare array of entries, as centres before signing sent it.
 * A signature must cover the batch's last entry. */
export function parseBatch(raw: unknown): Batch {
  const signed = !!raw && typeof raw === 'object' && !Array.isArray(raw);
  const list = signed ? (raw as { entries?: unknown }).entries : raw;
  if (!Array.isArray(list) || list.length === 0) throw new ReplicaError(400, 'a batch needs at least one entry');
  const entries = list.map((e, i) => parseEntry(e, `malformed entry ${i} in batch`));
  const rawSig = signed ? (raw as { sig?: unknown }).sig : undefined;
  if (rawSig === undefined) return { entries };
  const sig = parseChainSignature(rawSig, 'batch signature');
  const last = entries.at(-1)!;
  if (sig.seq !== last.seq || sig.hash !== last.hash)
    throw new ReplicaError(400, `batch signature covers sequence ${sig.seq}, not the batch's last entry ${last.seq}`);
  return { entries, sig };
}
