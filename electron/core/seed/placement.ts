// Where the sample city's components go: street furniture along roads at class-typical spacings, utility
// covers along lanes, sparse facilities inside cells. Every component is placed strictly inside the cell
// whose code it records (checked by point-in-polygon; candidates that fall outside are dropped).
import type { LonLat } from '../../../shared/model.ts';
import { pointInFlatRing } from '../../../shared/geo.ts';
import { CITY_BOUNDS, M_PER_DEG_LAT, M_PER_DEG_LON, type GenCell, type SideKind } from './city.ts';

/** A generated component before codes and attributes are assigned. */
export interface Placed {
  classCode: string;
  lon: number;
  lat: number;
  /** GeoJSON geometry for line and polygon classes. */
  geometry?: { type: 'LineString'; coordinates: LonLat[] } | { type: 'Polygon'; coordinates: LonLat[][] };
}

type RoadKind = Exclude<SideKind, null>;
interface SideRule {
  cls: string;
  /** Spacing in metres along the side. */
  every: number;
  /** Offset in metres from the side into the cell. */
  offset: number;
  on: RoadKind[] | 'lane';
  /** Length in metres for line classes. */
  line?: number;
  /** Density falls off away from the old town when set. */
  urban?: boolean;
}
const ROADS: RoadKind[] = ['major', 'secondary', 'river'];
const STREETS: RoadKind[] = ['major', 'secondary'];
const MAJOR: RoadKind[] = ['major'];

const SIDE_RULES: SideRule[] = [
  { cls: '0402', every: 8, offset: 2.5, on: STREETS },
  { cls: '0402', every: 12, offset: 6, on: ['river'] },
  { cls: '0403', every: 26, offset: 2.1, on: STREETS },
  { cls: '0118', every: 35, offset: 1.2, on: ROADS },
  { cls: '0106', every: 140, offset: 1.0, on: ROADS },
  { cls: '0104', every: 30, offset: 0.6, on: STREETS },
  { cls: '0103', every: 50, offset: 3.5, on: STREETS },
  { cls: '0102', every: 50, offset: 5.0, on: STREETS },
  { cls: '0101', every: 80, offset: 6.0, on: STREETS },
  { cls: '0105', every: 100, offset: 7.0, on: STREETS },
  { cls: '0107', every: 90, offset: 7.5, on: STREETS },
  { cls: '0108', every: 220, offset: 8.0, on: STREETS },
  { cls: '0109', every: 150, offset: 8.5, on: STREETS },
  { cls: '0110', every: 650, offset: 6.5, on: STREETS },
  { cls: '0111', every: 120, offset: 9.0, on: STREETS },
  { cls: '0112', every: 420, offset: 6.2, on: STREETS },
  { cls: '0113', every: 120, offset: 2.0, on: ROADS },
  { cls: '0127', every: 400, offset: 5.5, on: STREETS },
  { cls: '0128', every: 800, offset: 4.0, on: MAJOR },
  { cls: '0129', every: 1100, offset: 4.2, on: STREETS },
  { cls: '0130', every: 1000, offset: 4.4, on: STREETS },
  { cls: '0114', every: 500, offset: 4.6, on: STREETS },
  { cls: '0117', every: 60, offset: 1.0, on: ROADS },
  { cls: '0115', every: 300, offset: 3.0, on: STREETS },
  { cls: '0116', every: 250, offset: 3.2, on: STREETS },
  { cls: '0134', every: 420, offset: 4.0, on: STREETS },
  { cls: '0135', every: 1300, offset: 5.0, on: STREETS },
  { cls: '0136', every: 300, offset: 1.5, on: ROADS },
  { cls: '0209', every: 150, offset: 1.5, on: MAJOR },
  { cls: '0209', every: 260, offset: 1.5, on: ['secondary'] },
  { cls: '0211', every: 70, offset: 0.4, on: MAJOR, line: 40 },
  { cls: '0212', every: 200, offset: 3.0, on: STREETS, urban: true },
  { cls: '0215', every: 1500, offset: 2.0, on: MAJOR },
  { cls: '0216', every: 2000, offset: 0.3, on: MAJOR, line: 60 },
  { cls: '0203', every: 500, offset: 3.0, on: MAJOR },
  { cls: '0203', every: 800, offset: 3.0, on: ['secondary'] },
  { cls: '0204', every: 1500, offset: 2.0, on: STREETS },
  { cls: '0202', every: 200, offset: 1.0, on: ['secondary'], urban: true },
  { cls: '0305', every: 60, offset: 2.2, on: ROADS },
  { cls: '0306', every: 90, offset: 10, on: STREETS, urban: true },
  { cls: '0307', every: 25, offset: 11, on: STREETS, urban: true },
  { cls: '0501', every: 400, offset: 4.0, on: STREETS },
  { cls: '0123', every: 500, offset: 3.0, on: STREETS },
  { cls: '0121', every: 800, offset: 4.0, on: STREETS, urban: true },
  { cls: '0122', every: 600, offset: 3.0, on: STREETS },
  { cls: '0124', every: 1500, offset: 4.0, on: STREETS },
  { cls: '0125', every: 700, offset: 6.0, on: STREETS, urban: true },
  { cls: '0137', every: 900, offset: 5.0, on: STREETS, urban: true },
  { cls: '0138', every: 2500, offset: 5.0, on: MAJOR },
  { cls: '0407', every: 120, offset: 4.0, on: ROADS },
  { cls: '0311', every: 2500, offset: 3.0, on: MAJOR },
  { cls: '0303', every: 700, offset: 2.0, on: STREETS },
  { cls: '0604', every: 50, offset: 1.0, on: ['river'], line: 40 },
  { cls: '0606', every: 120, offset: 3.0, on: ['river'], line: 80 },
  { cls: '0603', every: 200, offset: 2.0, on: ['river'] },
  { cls: '0605', every: 900, offset: 2.0, on: ['river'] },
  // Lanes (inner cell edges), each lane walked once (from the cell on its north/east side).
  { cls: '0102', every: 60, offset: 0.8, on: 'lane' },
  { cls: '0103', every: 60, offset: 1.5, on: 'lane' },
  { cls: '0101', every: 100, offset: 2.0, on: 'lane' },
  { cls: '0118', every: 60, offset: 1.0, on: 'lane' },
  { cls: '0305', every: 150, offset: 1.5, on: 'lane' },
  { cls: '0117', every: 120, offset: 1.2, on: 'lane' },
  { cls: '0107', every: 200, offset: 2.5, on: 'lane' },
  { cls: '0111', every: 150, offset: 3.0, on: 'lane' },
  { cls: '0105', every: 220, offset: 3.2, on: 'lane' },
  { cls: '0104', every: 70, offset: 0.5, on: 'lane' },
];

/** Expected count per cell of facilities placed inside cells (not along sides). */
const CELL_RULES: { cls: string; rate: number; urban?: boolean; polygon?: [number, number]; line?: number }[] = [
  { cls: '0301', rate: 0.05 },
  { cls: '0302', rate: 0.06 },
  { cls: '0304', rate: 0.06 },
  { cls: '0308', rate: 0.004 },
  { cls: '0309', rate: 0.002 },
  { cls: '0310', rate: 0.003 },
  { cls: '0401', rate: 0.03 },
  { cls: '0402', rate: 2.5 },
  { cls: '0404', rate: 0.3, urban: true },
  { cls: '0405', rate: 0.2, polygon: [30, 20] },
  { cls: '0406', rate: 0.02 },
  { cls: '0408', rate: 0.08, line: 30 },
  { cls: '0409', rate: 0.12 },
  { cls: '0410', rate: 0.01 },
  { cls: '0126', rate: 0.15 },
  { cls: '0131', rate: 0.02 },
  { cls: '0132', rate: 0.08 },
  { cls: '0133', rate: 0.01 },
  { cls: '0502', rate: 0.015 },
  { cls: '0503', rate: 0.03 },
  { cls: '0601', rate: 0.004 },
  { cls: '0602', rate: 0.012, polygon: [60, 40] },
  { cls: '0201', rate: 0.06, polygon: [40, 25] },
  { cls: '0119', rate: 0.2, urban: true },
  { cls: '0120', rate: 0.3, urban: true },
];

/** Junction furniture at a cell corner where two road sides meet. */
const CORNER_RULES: { cls: string; p: number; major?: boolean; river?: boolean }[] = [
  { cls: '0210', p: 0.9, major: true },
  { cls: '0214', p: 0.6, major: true },
  { cls: '0213', p: 0.8 },
  { cls: '0136', p: 0.5 },
  { cls: '0217', p: 0.15, major: true },
  { cls: '0205', p: 0.05, major: true },
  { cls: '0206', p: 0.03, major: true },
  { cls: '0207', p: 0.012, major: true },
  { cls: '0208', p: 0.7, river: true },
];

type XY = [number, number];
const toM = (p: LonLat): XY => [(p[0] - CITY_BOUNDS.west) * M_PER_DEG_LON, (p[1] - CITY_BOUNDS.south) * M_PER_DEG_LAT];
const toLL = (p: XY): LonLat => [CITY_BOUNDS.west + p[0] / M_PER_DEG_LON, CITY_BOUNDS.south + p[1] / M_PER_DEG_LAT];

/** Places every component of one cell. `density` scales counts (1 = the full city). */
export function placeInCell(cell: GenCell, rand: () => number, density = 1): Placed[] {
  const out: Placed[] = [];
  const ring = cell.ring;
  const flat = ring.flat(); // flattened once per cell, tested for every candidate position
  const inside = (p: LonLat) => pointInFlatRing(p[0], p[1], flat, 0, flat.length);
  const keep = () => density >= 1 || rand() < density;
  const urbanFactor = 1 - 0.8 * cell.urban;

  // Sides: 0 south, 1 east, 2 north, 3 west; the ring is counter-clockwise so the interior is on the left.
  for (let k = 0; k < 4; k++) {
    const kind = cell.sides[k];
    const from = cell.corners[k];
    const to = k === 3 ? ring.length - 1 : cell.corners[k + 1];
    const side = ring.slice(from, to + 1).map(toM);
    const isLaneWalk = kind === null && (k === 0 || k === 3);
    for (const rule of SIDE_RULES) {
      if (rule.on === 'lane' ? !isLaneWalk : kind === null || !rule.on.includes(kind)) continue;
      const every = rule.urban ? rule.every / Math.max(0.25, urbanFactor) : rule.every;
      for (let d = rand() * every; d < length(side); d += every) {
        if (!keep()) continue;
        if (rule.line) {
          const a = along(side, Math.max(0, d - rule.line / 2), rule.offset);
          const b = along(side, Math.min(length(side), d + rule.line / 2), rule.offset);
          const m = along(side, d, rule.offset);
          const coords = [a, m, b].map(toLL);
          if (coords.every(inside))
            out.push({ classCode: rule.cls, lon: coords[1][0], lat: coords[1][1], geometry: { type: 'LineString', coordinates: coords } });
        } else {
          const p = toLL(along(side, d, rule.offset + rand() * 0.4));
          if (inside(p)) out.push({ classCode: rule.cls, lon: p[0], lat: p[1] });
        }
      }
    }
    // A junction: this side's start corner where the previous side is also a road.
    const prevKind = cell.sides[(k + 3) % 4];
    if (kind && prevKind) {
      const corner = toM(ring[from]);
      const into = toM(centroid(ring));
      for (const rule of CORNER_RULES) {
        if (rule.major && kind !== 'major' && prevKind !== 'major') continue;
        if (rule.river && kind !== 'river' && prevKind !== 'river') continue;
        if (rand() >= rule.p || !keep()) continue;
        const t = (6 + rand() * 6) / Math.hypot(into[0] - corner[0], into[1] - corner[1]);
        const p = toLL([corner[0] + (into[0] - corner[0]) * t, corner[1] + (into[1] - corner[1]) * t]);
        if (inside(p)) out.push({ classCode: rule.cls, lon: p[0], lat: p[1] });
      }
    }
  }

  const c = toM(centroid(ring));
  const [minX, minY, maxX, maxY] = bboxM(ring);
  const interior = (): XY | null => {
    for (let tries = 0; tries < 20; tries++) {
      const q: XY = [minX + rand() * (maxX - minX), minY + rand() * (maxY - minY)];
      const p: XY = [c[0] + 0.75 * (q[0] - c[0]), c[1] + 0.75 * (q[1] - c[1])];
      if (inside(toLL(p))) return p;
    }
    return null;
  };
  for (const rule of CELL_RULES) {
    const rate = rule.urban ? rule.rate * (1.6 - cell.urban) : rule.rate;
    let n = Math.floor(rate) + (rand() < rate - Math.floor(rate) ? 1 : 0);
    for (; n > 0; n--) {
      if (!keep()) continue;
      const p = interior();
      if (!p) continue;
      if (rule.polygon) {
        const [w, h] = rule.polygon,
          ang = rand() * Math.PI;
        const cs = Math.cos(ang),
          sn = Math.sin(ang);
        const pts = [
          [-w / 2, -h / 2],
          [w / 2, -h / 2],
          [w / 2, h / 2],
          [-w / 2, h / 2],
          [-w / 2, -h / 2],
        ].map(([x, y]) => toLL([p[0] + x * cs - y * sn, p[1] + x * sn + y * cs]));
        if (pts.every(inside)) out.push({ classCode: rule.cls, lon: toLL(p)[0], lat: toLL(p)[1], geometry: { type: 'Polygon', coordinates: [pts] } });
      } else if (rule.line) {
        const ang = rand() * Math.PI,
          L = rule.line / 2;
        const pts = [-L, 0, L].map((s) => toLL([p[0] + s * Math.cos(ang), p[1] + s * Math.sin(ang)]));
        if (pts.every(inside)) out.push({ classCode: rule.cls, lon: pts[1][0], lat: pts[1][1], geometry: { type: 'LineString', coordinates: pts } });
      } else {
        const ll = toLL(p);
        out.push({ classCode: rule.cls, lon: ll[0], lat: ll[1] });
      }
    }
  }
  return out;
}

function length(line: XY[]): number {
  let s = 0;
  for (let i = 1; i < line.length; i++) s += Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1]);
  return s;
}
/** Point at distance d along a polyline, moved `offset` metres to its left (into a CCW ring's interior). */
function along(line: XY[], d: number, offset: number): XY {
  for (let i = 1; i < line.length; i++) {
    const [x0, y0] = line[i - 1],
      [x1, y1] = line[i];
    const seg = Math.hypot(x1 - x0, y1 - y0);
    if (d <= seg || i === line.length - 1) {
      const t = seg === 0 ? 0 : Math.min(1, d / seg);
      const nx = -(y1 - y0) / (seg || 1),
        ny = (x1 - x0) / (seg || 1);
      return [x0 + (x1 - x0) * t + nx * offset, y0 + (y1 - y0) * t + ny * offset];
    }
    d -= seg;
  }
  return line[0];
}
function centroid(ring: LonLat[]): LonLat {
  let x = 0,
    y = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    x += ring[i][0];
    y += ring[i][1];
  }
  return [x / (ring.length - 1), y / (ring.length - 1)];
}
function bboxM(ring: LonLat[]): [number, number, number, number] {
  let a = Infinity,
    b = Infinity,
    c = -Infinity,
    d = -Infinity;
  for (const p of ring) {
    const [x, y] = toM(p);
    a = Math.min(a, x);
    b = Math.min(b, y);
    c = Math.max(c, x);
    d = Math.max(d, y);
  }
  return [a, b, c, d];
}
