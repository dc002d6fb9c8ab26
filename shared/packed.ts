// Compact byte form of components in view: the map never receives 300,000 JSON objects.
// Layout (little-endian): 'CMP1' | u32 count | u32 totalInView | u32 flags | f64 originX | f64 originY |
// f32[2n] xy (EPSG:3857 metres relative to origin) | u32[n] ids | u16[n] class index | u8[n] state index.

const MAGIC = 0x31504d43; // 'CMP1' read as little-endian u32
const HEADER = 32;

/** Decoded view of a packed component batch (arrays share the underlying buffer). */
export interface PackedComponents {
  count: number;
  /** Components in the requested box before decimation. */
  totalInView: number;
  decimated: boolean;
  originX: number;
  originY: number;
  xy: Float32Array;
  ids: Uint32Array;
  cls: Uint16Array;
  state: Uint8Array;
}

/** Bytes needed for `n` components. */
export function packedSize(n: number): number {
  // u16 array must start on an even offset and u32 arrays on a multiple of 4: HEADER + 8n + 4n is always fine.
  return HEADER + 8 * n + 4 * n + 2 * n + n;
}

/** Allocates a packed batch to fill in place. */
export function allocPacked(
  n: number,
  totalInView: number,
  decimated: boolean,
  originX: number,
  originY: number,
): { bytes: Uint8Array; view: PackedComponents } {
  const buf = new ArrayBuffer(packedSize(n));
  const dv = new DataView(buf);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, n, true);
  dv.setUint32(8, totalInView, true);
  dv.setUint32(12, decimated ? 1 : 0, true);
  dv.setFloat64(16, originX, true);
  dv.setFloat64(24, originY, true);
  const bytes = new Uint8Array(buf);
  return { bytes, view: decodePacked(bytes) };
}

/** Reads a packed batch; throws on a wrong magic number or a truncated buffer. */
export function decodePacked(bytes: Uint8Array): PackedComponents {
  if (bytes.byteLength < HEADER) throw new Error('packed components: buffer shorter than its header');
  // Copy when the view is not 4-byte aligned (e.g. a slice of a larger network buffer).
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error('packed components: bad magic number');
  const count = dv.getUint32(4, true);
  if (b.byteLength < packedSize(count)) throw new Error(`packed components: truncated (${b.byteLength} < ${packedSize(count)})`);
  const o = b.byteOffset;
  return {
    count,
    totalInView: dv.getUint32(8, true),
    decimated: (dv.getUint32(12, true) & 1) === 1,
    originX: dv.getFloat64(16, true),
    originY: dv.getFloat64(24, true),
    xy: new Float32Array(b.buffer, o + HEADER, 2 * count),
    ids: new Uint32Array(b.buffer, o + HEADER + 8 * count, count),
    cls: new Uint16Array(b.buffer, o + HEADER + 12 * count, count),
    state: new Uint8Array(b.buffer, o + HEADER + 14 * count, count),
  };
}
