// The zip reader of Shapefile imports. An uploaded zip is read as hostile: its central directory is read first and
// every declared size is checked against the file and against a cap before a byte is inflated (a 400 KB zip can
// declare, and inflate to, gigabytes); then only the entries the caller asks for are inflated, each stopped as soon
// as it yields more than it declared.
import { inflateRawSync } from 'node:zlib';
import { decodeText, FileError } from './source.ts';

/** Largest total uncompressed size a zip may declare, all entries together. Larger layers come as GeoPackage. */
export const MAX_ZIP_UNCOMPRESSED_BYTES = 256 * 2 ** 20;
/** Most entries a zip may hold: a shapefile has up to a dozen parts, a zip of several layers a few times that. */
export const MAX_ZIP_ENTRIES = 1000;

/** One file of a zip as its central directory declares it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated (the only two read). */
  method: number;
  compressedSize: number;
  /** The declared uncompressed size. */
  size: number;
  localOffset: number;
}
/** The central directory of a zip: its entries, and where the entries' data must end (the directory's start). */
export interface ZipDirectory {
  entries: ZipEntry[];
  dataEnd: number;
}

const END_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const NO_ZIP64 = 'a ZIP64 archive (the format for files over 4 GB), which a zipped Shapefile CityOps imports never needs';

/** Reads and checks the central directory of `bytes` (the zip called `name` in messages). Inflates nothing. */
export function zipDirectory(bytes: Uint8Array, name: string): ZipDirectory {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = (why: string) => new FileError(`${name} is not a readable zip (truncated or damaged?): ${why}`);
  // The end record is the last 22 bytes, or sits before a comment of at most 65,535 bytes.
  let e = bytes.length - 22;
  const first = Math.max(0, e - 0xffff);
  while (e >= first && dv.getUint32(e, true) !== END_SIG) e--;
  if (e < first) throw damaged('it has no end of central directory record');
  const count = dv.getUint16(e + 10, true);
  const cdSize = dv.getUint32(e + 12, true);
  const cdOffset = dv.getUint32(e + 16, true);
  if (dv.getUint16(e + 4, true) !== 0 || dv.getUint16(e + 6, true) !== 0 || dv.getUint16(e + 8, true) !== count)
    throw new FileError(`${name} is one part of a multi-part zip: zip the shapefile as one file`);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new FileError(`${name} is ${NO_ZIP64}`);
  if (count > MAX_ZIP_ENTRIES) throw new FileError(`${name} holds ${count} files; a zipped Shapefile holds at most ${MAX_ZIP_ENTRIES}`);
  if (cdOffset + cdSize > e) throw damaged(`its central directory (${cdSize} bytes at offset ${cdOffset}) lies outside the file`);
  const entries: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdOffset + cdSize || dv.getUint32(p, true) !== CENTRAL_SIG) throw damaged(`entry ${i + 1} of its central directory is damaged`);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const compressedSize = dv.getUint32(p + 20, true);
    const size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const next = p + 46 + nameLen + dv.getUint16(p + 30, true) + dv.getUint16(p + 32, true);
    if (next > cdOffset + cdSize) throw damaged(`entry ${i + 1} of its central directory runs past the directory`);
    const raw = bytes.subarray(p + 46, p + 46 + nameLen);
    // Bit 11 marks UTF-8 names; zips made on Chinese Windows carry GBK names without it.
    const entryName = flags & 0x800 ? new TextDecoder().decode(raw) : decodeText(raw).text;
    const localOffset = dv.getUint32(p + 42, true);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw new FileError(`${name} is ${NO_ZIP64}`);
    if (flags & 1) throw new FileError(`${name}: ${entryName} is encrypted; zip the shapefile without a password`);
    if (method !== 0 && method !== 8)
      throw new FileError(`${name}: ${entryName} is compressed with method ${method}; CityOps reads zips stored or deflated (the usual compression)`);
    if (method === 0 && compressedSize !== size) throw damaged(`${entryName} is stored as ${compressedSize} bytes but declares ${size}`);
    total += size;
    entries.push({ name: entryName, method, compressedSize, size, localOffset });
    p = next;
  }
  if (total > MAX_ZIP_UNCOMPRESSED_BYTES)
    throw new FileError(
      `${name} would inflate to ${(total / 2 ** 20).toFixed(0)} MB uncompressed; zipped Shapefiles over ${MAX_ZIP_UNCOMPRESSED_BYTES / 2 ** 20} MB uncompressed are imported as GeoPackage`,
    );
  return { entries, dataEnd: cdOffset };
}

/** The bytes of one entry, inflated; an entry yielding more (or less) than it declares is refused, and inflation stops
 * at the declared size, so a lying entry costs no more than an honest one. */
export function inflateEntry(bytes: Uint8Array, dir: ZipDirectory, entry: ZipEntry, name: string): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = (why: string) => new FileError(`${name} is not a readable zip (truncated or damaged?): ${why}`);
  const p = entry.localOffset;
  if (p + 30 > dir.dataEnd || dv.getUint32(p, true) !== LOCAL_SIG) throw damaged(`the local header of ${entry.name} is missing`);
  // The local header has its own name and extra field lengths; its sizes may be zero (written after the data), so the
  // central directory's are the ones used.
  const start = p + 30 + dv.getUint16(p + 26, true) + dv.getUint16(p + 28, true);
  if (start + entry.compressedSize > dir.dataEnd) throw damaged(`the data of ${entry.name} runs past the end of the entries`);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  let out: Buffer;
  try {
    out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new FileError(`${name}: ${entry.name} inflates to more than the ${entry.size} bytes it declares (a zip bomb?)`);
    throw damaged(`${entry.name}: ${(e as Error).message}`);
  }
  if (out.length !== entry.size) throw damaged(`${entry.name} inflates to ${out.length} bytes but declares ${entry.size}`);
  return out;
}
