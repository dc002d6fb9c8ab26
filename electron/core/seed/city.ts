// The sample city's geometry: a synthetic road network over Taizhou's Hailing district (海陵区, 321202)
// cut into streets (街道) → communities (社区) → unit grid cells (万米单元网格, ~10,000 m²).
//
// Roads are wavy curves, so blocks are curved quadrilaterals rather than a lattice. Each block is one community,
// subdivided into cells by a Coons patch. Every edge shared by two blocks carries the union of both sides' vertices,
// computed by one function from the same inputs, so neighbouring cells share bit-identical coordinates:
// the cells tile the district exactly (no gaps, no overlaps), which test/core/seed.test.ts proves.
import type { LonLat } from '../../../shared/model.ts';
import { formatGridCode } from '../../../shared/codes.ts';
import { rng } from './random.ts';

/** District bounds of the sample city (covers 119.88–119.96 E × 32.43–32.49 N with a margin). */
export const CITY_BOUNDS = { west: 119.872, south: 32.424, east: 119.968, north: 32.496 } as const;
/** Administrative code of 海陵区 (GB/T 2260). */
export const ADMIN_CODE = '321202';
/** District display name. */
export const DISTRICT_NAME = '泰州市海陵区';

const LAT_MID = (CITY_BOUNDS.south + CITY_BOUNDS.north) / 2;
/** Metres per degree of longitude / latitude at the district's mid latitude. */
export const M_PER_DEG_LON = 111_320 * Math.cos((LAT_MID * Math.PI) / 180);
export const M_PER_DEG_LAT = 110_574;
const W_M = (CITY_BOUNDS.east - CITY_BOUNDS.west) * M_PER_DEG_LON;
const H_M = (CITY_BOUNDS.north - CITY_BOUNDS.south) * M_PER_DEG_LAT;

// Order: the northern row of streets west→east, then the southern row.
const STREET_NAMES = ['城西街道', '城北街道', '城中街道', '城东街道', '罡杨镇', '九龙镇', '京泰路街道', '城南街道', '红旗街道', '苏陈镇'];
const COMMUNITY_WORDS = [
  '凤凰',
  '迎春',
  '东进',
  '鼓楼',
  '稻河',
  '坡子街',
  '海光',
  '梅兰',
  '春晖',
  '五一',
  '扬桥',
  '税东',
  '西仓',
  '百花',
  '渔行',
  '九龙',
  '泰山',
  '青年',
  '周山河',
  '府前',
  '永定',
  '卫东',
  '八字桥',
  '东风',
  '西郊',
  '草河',
  '天德湖',
  '溱湖',
  '梅园',
  '花园',
  '红旗',
  '新村',
  '建设',
  '人民',
  '光明',
  '朝阳',
  '锦绣',
  '长安',
  '永丰',
  '兴化',
  '宫涵',
  '凤城',
  '春兰',
  '迎宾',
  '泰和',
  '金鹰',
  '万达',
  '莲花',
  '桃园',
  '柳园',
  '双桥',
  '三元',
  '乐园',
  '工农',
  '三水',
  '城河',
  '北郊',
  '南官河',
  '刁铺',
  '老街',
  '文峰',
  '钟楼',
  '东方',
  '华侨',
  '龙园',
  '银杏',
  '翠竹',
  '宁静',
  '幸福',
  '和平',
  '友谊',
  '团结',
  '东坝',
  '西坝',
  '孔家',
  '赵家',
  '陈庄',
  '王庄',
  '张庄',
  '刘庄',
  '罡杨',
  '苏陈',
  '华港',
  '野徐',
  '寺巷',
  '塘湾',
  '潘庄',
  '东寨',
  '西寨',
  '前进',
  '胜利',
  '先锋',
  '丰收',
  '金港',
  '玉带',
  '明珠',
  '春江',
  '秋雨',
  '望海',
  '观澜',
  '景苑',
  '雅居',
  '怡园',
  '静园',
  '馨园',
  '和园',
  '嘉园',
  '福园',
  '华园',
  '新园',
  '梧桐',
  '香樟',
  '紫藤',
  '海棠',
  '芙蓉',
  '牡丹',
  '腊梅',
  '玉兰',
  '菊园',
  '荷塘',
  '清风',
  '明月',
  '朝霞',
  '晨光',
];

/** A street (街道) of the sample city. */
export interface GenStreet {
  code: string;
  name: string;
  ring: LonLat[];
}
/** A community (社区): exactly one block of the road network. */
export interface GenCommunity {
  code: string;
  streetCode: string;
  name: string;
  ring: LonLat[];
  block: [number, number];
}
/** Which sides of a cell are roads and what kind (null = an inner lane). Order: south, east, north, west. */
export type SideKind = 'major' | 'secondary' | 'river' | null;
/** A unit grid cell. */
export interface GenCell {
  code: string;
  communityCode: string;
  /** Closed ring, counter-clockwise, first vertex repeated at the end. */
  ring: LonLat[];
  /** The four corner indices into `ring` (SW, SE, NE, NW) so callers can walk each side. */
  corners: [number, number, number, number];
  sides: [SideKind, SideKind, SideKind, SideKind];
  /** Distance of the cell centre from the old-town centre, normalised 0..1 (drives densities). */
  urban: number;
}
/** The whole sample city. */
export interface GenCity {
  streets: GenStreet[];
  communities: GenCommunity[];
  cells: GenCell[];
}

type P = [number, number]; // normalised (s, t) in [0,1]²

/** Builds the sample city's geometry deterministically from `seed`. */
export function buildCity(seed = 1): GenCity {
  const rand = rng(seed * 7919 + 17);
  const jitter = (a: number) => (rand() * 2 - 1) * a;

  // Block grid: ≈ 800 m blocks. NBX × NBY communities; streets are groups of blocks.
  const NBX = 11,
    NBY = 10;
  const colGroups = [2, 2, 3, 2, 2];
  const rowGroups = [5, 5];
  const roadS = evenJitter(NBX, 0.22, jitter);
  const roadT = evenJitter(NBY, 0.22, jitter);

  // Wavy road curves: vertical road i is s = S_i + A·sin(2π f t + φ) (straight on the district boundary).
  const vAmp = roadS.map((_, i) => (i === 0 || i === NBX ? 0 : (40 + rand() * 60) / W_M));
  const vFreq = roadS.map(() => 0.6 + rand() * 1.2);
  const vPhase = roadS.map(() => rand() * Math.PI * 2);
  const hAmp = roadT.map((_, j) => (j === 0 || j === NBY ? 0 : (40 + rand() * 60) / H_M));
  const hFreq = roadT.map(() => 0.6 + rand() * 1.2);
  const hPhase = roadT.map(() => rand() * Math.PI * 2);
  const vRoad = (i: number, t: number) => roadS[i] + vAmp[i] * Math.sin(2 * Math.PI * vFreq[i] * t + vPhase[i]);
  const hRoad = (j: number, s: number) => roadT[j] + hAmp[j] * Math.sin(2 * Math.PI * hFreq[j] * s + hPhase[j]);

  // Intersections by fixed-point iteration (amplitudes are small, so it contracts quickly).
  const C: P[][] = [];
  for (let i = 0; i <= NBX; i++) {
    C[i] = [];
    for (let j = 0; j <= NBY; j++) {
      let s = roadS[i],
        t = roadT[j];
      for (let k = 0; k < 50; k++) {
        s = vRoad(i, t);
        t = hRoad(j, s);
      }
      C[i][j] = [i === 0 ? 0 : i === NBX ? 1 : s, j === 0 ? 0 : j === NBY ? 1 : t];
    }
  }
  // Edge point functions along road curves (fraction f from the lower-index corner). These are the only way an
  // edge point is computed, so both blocks sharing the edge get identical numbers.
  const vEdge = (i: number, j: number, f: number): P => {
    if (f === 0) return C[i][j];
    if (f === 1) return C[i][j + 1];
    const t = C[i][j][1] + (C[i][j + 1][1] - C[i][j][1]) * f;
    return [i === 0 ? 0 : i === NBX ? 1 : vRoad(i, t), t];
  };
  const hEdge = (i: number, j: number, f: number): P => {
    if (f === 0) return C[i][j];
    if (f === 1) return C[i + 1][j];
    const s = C[i][j][0] + (C[i + 1][j][0] - C[i][j][0]) * f;
    return [s, j === 0 ? 0 : j === NBY ? 1 : hRoad(j, s)];
  };

  // Old-town centre: density grows toward it (smaller cells, more street furniture).
  const centre: P = [0.48, 0.55];
  const urbanAt = (p: P) => Math.min(1, Math.hypot((p[0] - centre[0]) * W_M, (p[1] - centre[1]) * H_M) / 5500);

  // Cell subdivision fractions per block.
  const colFr: number[][][] = [],
    rowFr: number[][][] = [];
  for (let i = 0; i < NBX; i++) {
    colFr[i] = [];
    rowFr[i] = [];
    for (let j = 0; j < NBY; j++) {
      const mid: P = [(C[i][j][0] + C[i + 1][j + 1][0]) / 2, (C[i][j][1] + C[i + 1][j + 1][1]) / 2];
      const target = 88 + 24 * urbanAt(mid); // metres: ~88 m cells downtown, ~112 m outside
      const wM = ((C[i + 1][j][0] - C[i][j][0] + C[i + 1][j + 1][0] - C[i][j + 1][0]) / 2) * W_M;
      const hM = ((C[i][j + 1][1] - C[i][j][1] + C[i + 1][j + 1][1] - C[i + 1][j][1]) / 2) * H_M;
      colFr[i][j] = evenJitter(Math.max(1, Math.round(wM / target)), 0.3, jitter).slice(1, -1);
      rowFr[i][j] = evenJitter(Math.max(1, Math.round(hM / target)), 0.3, jitter).slice(1, -1);
    }
  }
  // Union of fractions on each shared edge, plus curve samples so roads look curved.
  const curveSamples = [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875];
  const union = (...lists: (number[] | undefined)[]) =>
    [...new Set(lists.flatMap((l) => l ?? []).concat(curveSamples))].filter((f) => f > 0 && f < 1).sort((a, b) => a - b);
  // vertical edge (i, j): between block (i-1, j) and (i, j); horizontal edge (i, j): between block (i, j-1) and (i, j).
  const vEdgeFr = (i: number, j: number) => union(i > 0 ? rowFr[i - 1][j] : undefined, i < NBX ? rowFr[i][j] : undefined);
  const hEdgeFr = (i: number, j: number) => union(j > 0 ? colFr[i][j - 1] : undefined, j < NBY ? colFr[i][j] : undefined);

  // Road classes: street boundaries are major roads; one inner road is the 凤城河 riverside.
  const colBreaks = prefix(colGroups),
    rowBreaks = prefix(rowGroups);
  const riverRow = 3;
  const vKind = (i: number): SideKind => (colBreaks.includes(i) ? 'major' : 'secondary');
  const hKind = (j: number): SideKind => (j === riverRow ? 'river' : rowBreaks.includes(j) ? 'major' : 'secondary');

  const toLonLat = (p: P): LonLat => [
    p[0] === 1 ? CITY_BOUNDS.east : CITY_BOUNDS.west + p[0] * (CITY_BOUNDS.east - CITY_BOUNDS.west),
    p[1] === 1 ? CITY_BOUNDS.north : CITY_BOUNDS.south + p[1] * (CITY_BOUNDS.north - CITY_BOUNDS.south),
  ];

  // Block outline as a point list (south edge →, east edge ↑, north edge ←, west edge ↓), with every union point.
  const blockRing = (i0: number, j0: number, i1: number, j1: number): P[] => {
    const pts: P[] = [];
    for (let i = i0; i < i1; i++) {
      pts.push(C[i][j0]);
      for (const f of hEdgeFr(i, j0)) pts.push(hEdge(i, j0, f));
    }
    for (let j = j0; j < j1; j++) {
      pts.push(C[i1][j]);
      for (const f of vEdgeFr(i1, j)) pts.push(vEdge(i1, j, f));
    }
    for (let i = i1 - 1; i >= i0; i--) {
      pts.push(C[i + 1][j1]);
      for (const f of [...hEdgeFr(i, j1)].reverse()) pts.push(hEdge(i, j1, f));
    }
    for (let j = j1 - 1; j >= j0; j--) {
      pts.push(C[i0][j + 1]);
      for (const f of [...vEdgeFr(i0, j)].reverse()) pts.push(vEdge(i0, j, f));
    }
    pts.push(pts[0]);
    return pts;
  };

  const streets: GenStreet[] = [];
  const communities: GenCommunity[] = [];
  const cells: GenCell[] = [];
  // Community names: the word list in a seeded random order, one each (more words than communities).
  const names = [...COMMUNITY_WORDS];
  for (let i = names.length - 1; i > 0; i--) {
    const k = Math.floor(rand() * (i + 1));
    [names[i], names[k]] = [names[k], names[i]];
  }
  let streetNo = 0;
  // Streets numbered north→south, west→east; communities likewise inside a street.
  for (let rg = rowGroups.length - 1; rg >= 0; rg--) {
    for (let cg = 0; cg < colGroups.length; cg++) {
      streetNo++;
      const streetCode = String(streetNo).padStart(3, '0');
      const [i0, i1] = [colBreaks[cg], colBreaks[cg + 1]];
      const [j0, j1] = [rowBreaks[rg], rowBreaks[rg + 1]];
      streets.push({ code: streetCode, name: STREET_NAMES[streetNo - 1], ring: blockRing(i0, j0, i1, j1).map(toLonLat) });
      let commNo = 0;
      for (let j = j1 - 1; j >= j0; j--) {
        for (let i = i0; i < i1; i++) {
          commNo++;
          const commCode = streetCode + String(commNo).padStart(3, '0');
          const name = `${names[communities.length % names.length]}社区`;
          communities.push({ code: commCode, streetCode, name, ring: blockRing(i, j, i + 1, j + 1).map(toLonLat), block: [i, j] });
          cells.push(...blockCells(i, j, commCode));
        }
      }
    }
  }
  return { streets, communities, cells };

  function blockCells(i: number, j: number, commCode: string): GenCell[] {
    const a = [0, ...colFr[i][j], 1],
      b = [0, ...rowFr[i][j], 1];
    const m = a.length - 1,
      n = b.length - 1;
    const c00 = C[i][j],
      c10 = C[i + 1][j],
      c01 = C[i][j + 1],
      c11 = C[i + 1][j + 1];
    // Node (u, v) of the block: on the boundary via the edge functions, inside via a Coons patch.
    const node = (u: number, v: number): P => {
      if (v === 0) return hEdge(i, j, a[u]);
      if (v === n) return hEdge(i, j + 1, a[u]);
      if (u === 0) return vEdge(i, j, b[v]);
      if (u === m) return vEdge(i + 1, j, b[v]);
      const x = a[u],
        y = b[v];
      const bot = hEdge(i, j, x),
        top = hEdge(i, j + 1, x),
        lef = vEdge(i, j, y),
        rig = vEdge(i + 1, j, y);
      const coons = (k: 0 | 1) =>
        (1 - y) * bot[k] +
        y * top[k] +
        (1 - x) * lef[k] +
        x * rig[k] -
        ((1 - x) * (1 - y) * c00[k] + x * (1 - y) * c10[k] + (1 - x) * y * c01[k] + x * y * c11[k]);
      return [coons(0), coons(1)];
    };
    const southFr = hEdgeFr(i, j),
      northFr = hEdgeFr(i, j + 1),
      westFr = vEdgeFr(i, j),
      eastFr = vEdgeFr(i + 1, j);
    const out: GenCell[] = [];
    let serial = 0;
    for (let v = n - 1; v >= 0; v--) {
      for (let u = 0; u < m; u++) {
        serial++;
        const ring: P[] = [];
        const corners: number[] = [];
        corners.push(ring.length);
        ring.push(node(u, v));
        if (v === 0) for (const f of southFr) if (f > a[u] && f < a[u + 1]) ring.push(hEdge(i, j, f));
        corners.push(ring.length);
        ring.push(node(u + 1, v));
        if (u === m - 1) for (const f of eastFr) if (f > b[v] && f < b[v + 1]) ring.push(vEdge(i + 1, j, f));
        corners.push(ring.length);
        ring.push(node(u + 1, v + 1));
        if (v === n - 1) for (const f of [...northFr].reverse()) if (f > a[u] && f < a[u + 1]) ring.push(hEdge(i, j + 1, f));
        corners.push(ring.length);
        ring.push(node(u, v + 1));
        if (u === 0) for (const f of [...westFr].reverse()) if (f > b[v] && f < b[v + 1]) ring.push(vEdge(i, j, f));
        ring.push(ring[0]);
        const mid = node(u, v);
        out.push({
          code: formatGridCode(ADMIN_CODE, Number(commCode.slice(0, 3)), Number(commCode.slice(3)), serial),
          communityCode: commCode,
          ring: ring.map(toLonLat),
          corners: corners as GenCell['corners'],
          sides: [v === 0 ? hKind(j) : null, u === m - 1 ? vKind(i + 1) : null, v === n - 1 ? hKind(j + 1) : null, u === 0 ? vKind(i) : null],
          urban: urbanAt(mid),
        });
      }
    }
    return out;
  }
}

/** n+1 increasing fractions from 0 to 1, evenly spaced with ±amp·step jitter on the inner ones. */
function evenJitter(n: number, amp: number, jitter: (a: number) => number): number[] {
  const all: number[] = [];
  for (let k = 0; k <= n; k++) all.push(k === 0 ? 0 : k === n ? 1 : (k + jitter(amp)) / n);
  return all;
}
function prefix(sizes: number[]): number[] {
  const out = [0];
  for (const s of sizes) out.push(out[out.length - 1] + s);
  return out;
}
