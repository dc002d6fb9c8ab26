// Small geometry helpers in pure TypeScript. Coordinates are [lon, lat] (x first) everywhere.
import type { BBox, LonLat } from './model.ts';

const R_MERC = 6378137;
/** lon/lat degrees → EPSG:3857 metres. */
export function toMercator(lon: number, lat: number): [number, number] {
  const x = (R_MERC * lon * Math.PI) / 180;
  const y = R_MERC * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  return [x, y];
}
/** EPSG:3857 metres → lon/lat degrees. */
export function fromMercator(x: number, y: number): [number, number] {
  const lon = (x / R_MERC) * (180 / Math.PI);
  const lat = (2 * Math.atan(Math.exp(y / R_MERC)) - Math.PI / 2) * (180 / Math.PI);
  return [lon, lat];
}

/** Even–odd point-in-ring test on a flat [x0,y0,x1,y1,…] array slice; the ring may or may not repeat its first vertex. */
export function pointInFlatRing(x: number, y: number, coords: ArrayLike<number>, start: number, end: number): boolean {
  let inside = false;
  const n = (end - start) >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = coords[start + 2 * i],
      yi = coords[start + 2 * i + 1];
    const xj = coords[start + 2 * j],
      yj = coords[start + 2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Bounding box of a ring. */
export function ringBBox(ring: LonLat[]): BBox {
  let a = Infinity,
    b = Infinity,
    c = -Infinity,
    d = -Infinity;
  for (const [x, y] of ring) {
    if (x < a) a = x;
    if (y < b) b = y;
    if (x > c) c = x;
    if (y > d) d = y;
  }
  return [a, b, c, d];
}

/** True when two [minX, minY, maxX, maxY] boxes meet (touching counts). */
export function boxesMeet(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** Signed planar area of a flat ring (shoelace), in the ring's own units². Positive = counter-clockwise. */
export function signedArea(coords: ArrayLike<number>, start = 0, end = coords.length): number {
  let s = 0;
  const n = (end - start) >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    s += coords[start + 2 * j] * coords[start + 2 * i + 1] - coords[start + 2 * i] * coords[start + 2 * j + 1];
  }
  return s / 2;
}

/** Approximate ground distance in metres between two nearby lon/lat points (equirectangular; fine below ~10 km). */
export function distanceM(a: LonLat, b: LonLat): number {
  const k = Math.PI / 180;
  const x = (b[0] - a[0]) * k * Math.cos(((a[1] + b[1]) / 2) * k);
  const y = (b[1] - a[1]) * k;
  return Math.sqrt(x * x + y * y) * 6371008.8;
}

/** Degrees of latitude / longitude that span `m` metres at latitude `lat`. */
export function metresToDegrees(m: number, lat: number): { dLon: number; dLat: number } {
  const dLat = m / 111_320;
  return { dLat, dLon: m / (111_320 * Math.cos((lat * Math.PI) / 180)) };
}
