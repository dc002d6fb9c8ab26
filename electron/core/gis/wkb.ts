// Well-known binary and text for the geometry types of the two layers (points, lines, polygons and their multi
// forms on input), and the GeoPackage geometry blob around WKB (GeoPackage 1.3 §2.1.3).
import type { Geometry, Position } from 'geojson';
import { ringBBox } from '../../../shared/geo.ts';
import type { LonLat } from '../../../shared/model.ts';

const TYPES: Record<number, Geometry['type']> = { 1: 'Point', 2: 'LineString', 3: 'Polygon', 4: 'MultiPoint', 5: 'MultiLineString', 6: 'MultiPolygon' };

/** Reads one WKB geometry (ISO and EWKB-style Z/M flags; Z and M values are dropped). */
export function readWkb(buf: Buffer, start = 0): Geometry {
  return new WkbReader(buf, start).geometry();
}

/** A cursor over WKB bytes (methods, not per-call closures: an import reads hundreds of thousands). */
class WkbReader {
  private le = true;
  private dims = 2;
  constructor(
    private readonly buf: Buffer,
    private o: number,
  ) {}

  private u32(): number {
    const v = this.le ? this.buf.readUInt32LE(this.o) : this.buf.readUInt32BE(this.o);
    this.o += 4;
    return v;
  }
  private f64(): number {
    const v = this.le ? this.buf.readDoubleLE(this.o) : this.buf.readDoubleBE(this.o);
    this.o += 8;
    return v;
  }
  private point(): Position {
    const p = [this.f64(), this.f64()];
    for (let k = 2; k < this.dims; k++) this.f64();
    return p;
  }
  private points(): Position[] {
    const n = this.u32();
    const out: Position[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.point();
    return out;
  }
  private rings(): Position[][] {
    const n = this.u32();
    const out: Position[][] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.points();
    return out;
  }
  private parts<T>(): T[] {
    const n = this.u32();
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.geometry() as unknown as { coordinates: T }).coordinates;
    return out;
  }

  geometry(): Geometry {
    this.le = this.buf[this.o] === 1;
    this.o += 1;
    const raw = this.u32();
    let type = raw & 0xffff;
    this.dims = 2;
    if (raw & 0x80000000) this.dims++; // EWKB Z
    if (raw & 0x40000000) this.dims++; // EWKB M
    if (raw & 0x20000000) this.o += 4; // EWKB SRID
    if (type > 1000) {
      this.dims += Math.floor(type / 1000) === 3 ? 2 : 1;
      type %= 1000;
    }
    switch (TYPES[type]) {
      case 'Point':
        return { type: 'Point', coordinates: this.point() };
      case 'LineString':
        return { type: 'LineString', coordinates: this.points() };
      case 'Polygon':
        return { type: 'Polygon', coordinates: this.rings() };
      case 'MultiPoint':
        return { type: 'MultiPoint', coordinates: this.parts<Position>() };
      case 'MultiLineString':
        return { type: 'MultiLineString', coordinates: this.parts<Position[]>() };
      case 'MultiPolygon':
        return { type: 'MultiPolygon', coordinates: this.parts<Position[][]>() };
      default:
        throw new Error(`unsupported WKB geometry type ${raw}`);
    }
  }
}

/** Writes a Point, LineString or Polygon as little-endian WKB. */
export function writeWkb(g: Geometry): Buffer {
  const pts =
    g.type === 'Point' ? 1 : g.type === 'LineString' ? g.coordinates.length : g.type === 'Polygon' ? g.coordinates.reduce((s, r) => s + r.length, 0) : -1;
  if (pts < 0) throw new Error(`cannot write ${g.type}`);
  const rings = g.type === 'Polygon' ? g.coordinates.length : 0;
  const b = Buffer.allocUnsafe(5 + (g.type === 'Point' ? 0 : 4) + rings * 4 + pts * 16);
  b[0] = 1;
  let o = 5;
  const put = (p: Position) => {
    b.writeDoubleLE(p[0], o);
    b.writeDoubleLE(p[1], o + 8);
    o += 16;
  };
  if (g.type === 'Point') {
    b.writeUInt32LE(1, 1);
    put(g.coordinates);
  } else if (g.type === 'LineString') {
    b.writeUInt32LE(2, 1);
    b.writeUInt32LE(g.coordinates.length, o);
    o += 4;
    g.coordinates.forEach(put);
  } else if (g.type === 'Polygon') {
    b.writeUInt32LE(3, 1);
    b.writeUInt32LE(g.coordinates.length, o);
    o += 4;
    for (const r of g.coordinates) {
      b.writeUInt32LE(r.length, o);
      o += 4;
      r.forEach(put);
    }
  }
  return b;
}

/** Every vertex of a point, line or polygon. */
export function positionsOf(g: Geometry): Position[] {
  return g.type === 'Point' ? [g.coordinates] : g.type === 'LineString' ? g.coordinates : g.type === 'Polygon' ? g.coordinates.flat() : [];
}

/** Reads a GeoPackage geometry blob (header + WKB); null for an empty geometry. */
export function readGpkgGeometry(blob: Buffer): Geometry | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error('not a GeoPackage geometry (no GP magic)');
  const flags = blob[3];
  if (flags & 0x10) return null; // empty
  const env = (flags >> 1) & 7;
  const envBytes = [0, 32, 48, 48, 64][env];
  if (envBytes === undefined) throw new Error(`bad GeoPackage envelope indicator ${env}`);
  return readWkb(blob, 8 + envBytes);
}

/** Writes a GeoPackage geometry blob with an XY envelope (none for points). */
export function writeGpkgGeometry(g: Geometry, srsId: number): Buffer {
  const wkb = writeWkb(g);
  const isPoint = g.type === 'Point';
  const head = Buffer.alloc(8 + (isPoint ? 0 : 32));
  head[0] = 0x47;
  head[1] = 0x50;
  head[2] = 0;
  head[3] = (isPoint ? 0 : 1 << 1) | 1; // envelope [minx, maxx, miny, maxy] unless a point; little-endian
  head.writeInt32LE(srsId, 4);
  if (!isPoint) {
    const [a, b, c, d] = ringBBox(positionsOf(g) as LonLat[]);
    head.writeDoubleLE(a, 8);
    head.writeDoubleLE(c, 16);
    head.writeDoubleLE(b, 24);
    head.writeDoubleLE(d, 32);
  }
  return Buffer.concat([head, wkb]);
}

/** Parses WKT of the six simple types (Z/M ordinates dropped). */
export function parseWkt(s: string): Geometry {
  const m = /^\s*(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)\s*(?:ZM|Z|M)?\s*(\(.*\))\s*$/is.exec(s);
  if (!m) throw new Error(`not a WKT point, line or polygon: ${s.slice(0, 40)}`);
  const body = m[2].replace(/\(\s*([-\d.eE+]+(?:\s+[-\d.eE+]+)+)\s*\)/g, '[$1]'); // MULTIPOINT ((1 2), …) → [1 2]
  const json = body
    .replace(/(-?[\d.]+(?:[eE][-+]?\d+)?)(?:\s+(-?[\d.]+(?:[eE][-+]?\d+)?))+/g, (pt) => `[${pt.trim().split(/\s+/).slice(0, 2).join(',')}]`)
    .replace(/\(/g, '[')
    .replace(/\)/g, ']');
  let c: unknown;
  try {
    c = JSON.parse(json);
  } catch {
    throw new Error(`malformed WKT: ${s.slice(0, 40)}`);
  }
  const type = (
    {
      POINT: 'Point',
      LINESTRING: 'LineString',
      POLYGON: 'Polygon',
      MULTIPOINT: 'MultiPoint',
      MULTILINESTRING: 'MultiLineString',
      MULTIPOLYGON: 'MultiPolygon',
    } as const
  )[m[1].toUpperCase() as 'POINT'];
  const unwrap = (v: unknown): unknown => (type === 'Point' && Array.isArray(v) && Array.isArray(v[0]) ? v[0] : v);
  return { type, coordinates: unwrap(c) } as Geometry;
}

/** Writes WKT of a point, line or polygon. */
export function toWkt(g: Geometry, digits = 8): string {
  const p = (q: Position) => `${+q[0].toFixed(digits)} ${+q[1].toFixed(digits)}`;
  if (g.type === 'Point') return `POINT (${p(g.coordinates)})`;
  if (g.type === 'LineString') return `LINESTRING (${g.coordinates.map(p).join(', ')})`;
  if (g.type === 'Polygon') return `POLYGON (${g.coordinates.map((r) => `(${r.map(p).join(', ')})`).join(', ')})`;
  throw new Error(`cannot write ${g.type} as WKT`);
}
