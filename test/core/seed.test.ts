// Generator invariants on the full sample city: coverage, topology, codes, counts, placement.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { buildCity, CITY_BOUNDS } from '../../electron/core/seed/city.ts';
import { seedDatabase } from '../../electron/core/seed/seed.ts';
import { CellLocator } from '../../electron/core/grid/locator.ts';
import { parseComponentCode, parseGridCode } from '../../shared/codes.ts';
import { pointInFlatRing, signedArea } from '../../shared/geo.ts';
import type { LonLat } from '../../shared/model.ts';
import { FULL_DB } from '../paths.ts';
import { fingerprint, smallDbCopy } from '../helpers.ts';

const city = buildCity(1);
const key = (p: LonLat) => `${p[0]},${p[1]}`;

describe('sample city grid', () => {
  it('has at least 6,000 cells of about 10,000 m²', () => {
    const db = new Database(FULL_DB, { readonly: true });
    const r = db.prepare('SELECT count(*) AS n, avg(area_m2) AS avg, min(area_m2) AS min, max(area_m2) AS max FROM grid_cells').get() as {
      n: number;
      avg: number;
      min: number;
      max: number;
    };
    expect(r.n).toBeGreaterThanOrEqual(6000);
    expect(r.avg).toBeGreaterThan(7_000);
    expect(r.avg).toBeLessThan(14_000);
    expect(r.min).toBeGreaterThan(2_000);
  });

  it('covers the district rectangle exactly: cell areas add up to the rectangle area', () => {
    const total = city.cells.reduce((s, c) => s + signedArea(c.ring.flat()), 0);
    const rect = (CITY_BOUNDS.east - CITY_BOUNDS.west) * (CITY_BOUNDS.north - CITY_BOUNDS.south);
    expect(Math.abs(total - rect) / rect).toBeLessThan(1e-9);
    expect(CITY_BOUNDS.west <= 119.88 && CITY_BOUNDS.east >= 119.96 && CITY_BOUNDS.south <= 32.43 && CITY_BOUNDS.north >= 32.49).toBe(true);
  });

  it('has no gaps or overlaps: every inner edge is shared, in reverse, by exactly one neighbour', () => {
    const edges = new Map<string, number>();
    for (const c of city.cells) {
      expect(signedArea(c.ring.flat())).toBeGreaterThan(0); // counter-clockwise, non-degenerate
      for (let i = 0; i + 1 < c.ring.length; i++) {
        const k = `${key(c.ring[i])}>${key(c.ring[i + 1])}`;
        edges.set(k, (edges.get(k) ?? 0) + 1);
      }
    }
    const onBoundary = (p: string) => {
      const [x, y] = p.split(',').map(Number);
      return x === CITY_BOUNDS.west || x === CITY_BOUNDS.east || y === CITY_BOUNDS.south || y === CITY_BOUNDS.north;
    };
    let unmatched = 0;
    for (const [k, n] of edges) {
      expect(n).toBe(1);
      const [a, b] = k.split('>');
      if (!edges.has(`${b}>${a}`) && !(onBoundary(a) && onBoundary(b))) unmatched++;
    }
    expect(unmatched).toBe(0);
  });

  it('places random points in exactly one cell', () => {
    const loc = new CellLocator({ codes: city.cells.map((c) => c.code), rings: city.cells.map((c) => c.ring) });
    const rings = city.cells.map((c) => c.ring.flat());
    let seed = 42;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 300; i++) {
      const x = CITY_BOUNDS.west + rnd() * (CITY_BOUNDS.east - CITY_BOUNDS.west);
      const y = CITY_BOUNDS.south + rnd() * (CITY_BOUNDS.north - CITY_BOUNDS.south);
      // Brute force over every cell (independent of the locator's buckets): exactly one contains the point.
      const hits = rings.filter((r) => pointInFlatRing(x, y, r, 0, r.length)).length;
      expect(hits).toBe(1);
      expect(loc.locate(x, y)).not.toBeNull();
    }
  });

  it('codes cells as 15 digits and numbers them west→east, north→south inside a community', () => {
    const byComm = new Map<string, typeof city.cells>();
    for (const c of city.cells) {
      expect(parseGridCode(c.code).ok).toBe(true);
      expect(c.code.slice(6, 12)).toBe(c.communityCode);
      byComm.set(c.communityCode, [...(byComm.get(c.communityCode) ?? []), c]);
    }
    expect(new Set(city.cells.map((c) => c.code)).size).toBe(city.cells.length);
    for (const cells of byComm.values()) {
      cells.sort((a, b) => a.code.localeCompare(b.code));
      for (let i = 1; i < cells.length; i++) {
        const [a, b] = [cells[i - 1].ring[0], cells[i].ring[0]]; // SW corners
        // Next serial is east of the previous cell in the same row, or starts a new row further south.
        expect(b[0] > a[0] || b[1] < a[1]).toBe(true);
        if (b[0] > a[0]) expect(Math.abs(b[1] - a[1])).toBeLessThan(Math.abs(cells[i].ring[cells[i].corners[3]][1] - b[1]));
      }
    }
  });

  it('nests cells in communities and communities in streets', () => {
    expect(city.streets.length).toBeGreaterThanOrEqual(9);
    expect(city.communities.every((c) => c.code.startsWith(c.streetCode))).toBe(true);
    expect(new Set(city.communities.map((c) => c.name)).size).toBe(city.communities.length);
  });
});

describe('sample city components', () => {
  const db = new Database(FULL_DB, { readonly: true });

  it('has at least 300,000 components covering every national minor class', () => {
    const n = (db.prepare('SELECT count(*) AS n FROM components').get() as { n: number }).n;
    expect(n).toBeGreaterThanOrEqual(300_000);
    const table = JSON.parse(readFileSync(new URL('../../data/component-classes.json', import.meta.url), 'utf8')).classes as { code: string }[];
    const present = new Set((db.prepare('SELECT DISTINCT class_code AS c FROM components').all() as { c: string }[]).map((r) => r.c));
    expect(table.filter((c) => !present.has(c.code))).toEqual([]);
  });

  it('puts every component inside the grid cell its record names, with a well-formed 16-digit code', () => {
    const cells = db.prepare('SELECT code, ring FROM grid_cells').all() as { code: string; ring: string }[];
    const loc = new CellLocator({ codes: cells.map((c) => c.code), rings: cells.map((c) => JSON.parse(c.ring)) });
    let wrong = 0,
      bad = 0;
    for (const [code, cls, grid, lon, lat] of db.prepare('SELECT code, class_code, grid_code, lon, lat FROM components').raw().iterate() as IterableIterator<
      [string, string, string, number, number]
    >) {
      if (loc.locate(lon, lat) !== grid) wrong++;
      const p = parseComponentCode(code);
      if (!p.ok || p.value.classCode !== cls || p.value.admin !== '321202') bad++;
    }
    expect({ wrong, bad }).toEqual({ wrong: 0, bad: 0 });
  });

  it('gives every component 主管部门, 权属单位, 养护单位 from the department tree, a state and a date', () => {
    const r = db
      .prepare(
        `SELECT count(*) AS n FROM components c WHERE c.dept1 IS NULL OR c.dept2 IS NULL OR c.dept3 IS NULL
      OR c.state NOT IN ('完好','破损','丢失','占用') OR c.or_date NOT GLOB '[12][09][0-9][0-9]-[01][0-9]-[0-3][0-9]'`,
      )
      .get() as { n: number };
    expect(r.n).toBe(0);
  });

  it('places street trees in rows and kiosks sparsely (plausible densities)', () => {
    const count = (c: string) => (db.prepare('SELECT count(*) AS n FROM components WHERE class_code = ?').get(c) as { n: number }).n;
    expect(count('0402')).toBeGreaterThan(20 * count('0121'));
    expect(count('0118')).toBeGreaterThan(10 * count('0301'));
  });

  it('has 36 second-level, 23 third-level and 8 fourth-level departments', () => {
    const rows = db.prepare('SELECT level, count(*) AS n FROM departments GROUP BY level ORDER BY level').all();
    expect(rows).toEqual([
      { level: 2, n: 36 },
      { level: 3, n: 23 },
      { level: 4, n: 8 },
    ]);
  });
});

describe('cityops seed', () => {
  it('refuses to overwrite an existing database without force, leaving it unchanged', () => {
    const file = smallDbCopy();
    const before = fingerprint(file);
    expect(() => seedDatabase(file, { scale: 0.01 })).toThrow(/already exists/);
    expect(fingerprint(file)).toBe(before);
  });

  it('is deterministic for a seed', () => {
    const a = buildCity(7),
      b = buildCity(7),
      c = buildCity(8);
    expect(JSON.stringify(a.cells.slice(0, 50))).toBe(JSON.stringify(b.cells.slice(0, 50)));
    expect(JSON.stringify(a.cells.slice(0, 50))).not.toBe(JSON.stringify(c.cells.slice(0, 50)));
  });
});
