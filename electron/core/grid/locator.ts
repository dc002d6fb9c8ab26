// Point → unit grid cell, in memory. A uniform bucket grid over the district narrows each point to a handful of
// candidate cells; an exact even–odd test decides. 1,000,000 look-ups take well under a second (see scripts/bench).
import { pointInFlatRing } from '../../../shared/geo.ts';
import type { LonLat } from '../../../shared/model.ts';

/** Cells to index: codes and closed rings in lon/lat. */
export interface LocatorInput {
  codes: string[];
  rings: LonLat[][];
}

/** In-memory point-in-cell index. */
export class CellLocator {
  private readonly coords: Float64Array;
  private readonly offsets: Uint32Array;
  private readonly boxes: Float64Array;
  private readonly bucketStart: Uint32Array;
  private readonly bucketItems: Uint32Array;
  private readonly nx: number;
  private readonly ny: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly sx: number;
  private readonly sy: number;
  readonly codes: string[];

  constructor(input: LocatorInput, bucketsPerSide = 256) {
    this.codes = input.codes;
    const n = input.rings.length;
    this.offsets = new Uint32Array(n + 1);
    let total = 0;
    input.rings.forEach((r, i) => {
      this.offsets[i] = total;
      total += r.length * 2;
    });
    this.offsets[n] = total;
    this.coords = new Float64Array(total);
    this.boxes = new Float64Array(n * 4);
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    input.rings.forEach((r, i) => {
      let a = Infinity,
        b = Infinity,
        c = -Infinity,
        d = -Infinity;
      r.forEach(([x, y], k) => {
        this.coords[this.offsets[i] + 2 * k] = x;
        this.coords[this.offsets[i] + 2 * k + 1] = y;
        if (x < a) a = x;
        if (y < b) b = y;
        if (x > c) c = x;
        if (y > d) d = y;
      });
      this.boxes.set([a, b, c, d], i * 4);
      minX = Math.min(minX, a);
      minY = Math.min(minY, b);
      maxX = Math.max(maxX, c);
      maxY = Math.max(maxY, d);
    });
    this.nx = this.ny = bucketsPerSide;
    this.minX = minX;
    this.minY = minY;
    this.sx = this.nx / (maxX - minX || 1);
    this.sy = this.ny / (maxY - minY || 1);
    // Two passes: count cells per bucket, then fill (CSR layout, no per-bucket arrays).
    const counts = new Uint32Array(this.nx * this.ny + 1);
    const each = (i: number, fn: (b: number) => void) => {
      const [x0, y0, x1, y1] = [this.bx(this.boxes[i * 4]), this.by(this.boxes[i * 4 + 1]), this.bx(this.boxes[i * 4 + 2]), this.by(this.boxes[i * 4 + 3])];
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) fn(y * this.nx + x);
    };
    for (let i = 0; i < n; i++) each(i, (b) => counts[b + 1]++);
    for (let b = 0; b < this.nx * this.ny; b++) counts[b + 1] += counts[b];
    this.bucketStart = counts.slice();
    const fill = counts.slice();
    this.bucketItems = new Uint32Array(counts[this.nx * this.ny]);
    for (let i = 0; i < n; i++) each(i, (b) => (this.bucketItems[fill[b]++] = i));
  }

  private bx(x: number): number {
    return Math.min(this.nx - 1, Math.max(0, Math.floor((x - this.minX) * this.sx)));
  }
  private by(y: number): number {
    return Math.min(this.ny - 1, Math.max(0, Math.floor((y - this.minY) * this.sy)));
  }

  /** Index of the cell containing (lon, lat), or -1 when no cell does. */
  locateIndex(lon: number, lat: number): number {
    const fx = (lon - this.minX) * this.sx,
      fy = (lat - this.minY) * this.sy;
    if (!(fx >= 0 && fy >= 0 && fx <= this.nx && fy <= this.ny)) return -1;
    const b = Math.min(this.ny - 1, Math.floor(fy)) * this.nx + Math.min(this.nx - 1, Math.floor(fx));
    for (let k = this.bucketStart[b]; k < this.bucketStart[b + 1]; k++) {
      const i = this.bucketItems[k];
      const o = i * 4;
      if (lon < this.boxes[o] || lon > this.boxes[o + 2] || lat < this.boxes[o + 1] || lat > this.boxes[o + 3]) continue;
      if (pointInFlatRing(lon, lat, this.coords, this.offsets[i], this.offsets[i + 1])) return i;
    }
    return -1;
  }

  /** Code of the cell containing (lon, lat), or null. */
  locate(lon: number, lat: number): string | null {
    const i = this.locateIndex(lon, lat);
    return i < 0 ? null : this.codes[i];
  }
}
