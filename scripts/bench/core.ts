// Core benchmarks (Node): seeding, core open, look-up by extent over the R*Tree, packed map views,
// and point → grid cell against a naive turf loop in the same run.
// Usage: npx tsx scripts/bench/core.ts [--db FILE] [--seed-runs N]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { polygon, point } from '@turf/helpers';
import { seedDatabase } from '../../electron/core/seed/seed.ts';
import { Core } from '../../electron/core/core.ts';
import { CITY_BOUNDS } from '../../electron/core/seed/city.ts';
import { metresToDegrees } from '../../shared/geo.ts';
import { median, ms, percentile } from './stats.ts';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import { decodePacked } from '../../shared/packed.ts';
import type { BBox } from '../../shared/model.ts';
import { coreClient, passwordOf } from '../../test/helpers.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, 'seed-runs': { type: 'string' } } });
const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-bench-'));
// Every API call goes through the typed test client: `ok` stops the benchmark at the first refusal (never timed).
const sys = { actor: 'bench', via: 'cli', user: SYSTEM_USER } as const;
const rows: [string, string][] = [];
const report = (k: string, v: string) => {
  rows.push([k, v]);
  console.log(`${k}: ${v}`);
};

// 1. Seeding the full city.
const seedRuns = Number(values['seed-runs'] ?? 3);
const seedTimes: number[] = [];
let db = values.db as string | undefined;
for (let i = 0; i < seedRuns; i++) {
  const file = path.join(dir, `seed-${i}.db`);
  const r = seedDatabase(file, {});
  seedTimes.push(r.ms);
  if (!db) db = file;
  else if (file !== db) rmSync(file, { force: true });
}
if (seedRuns) report('seed full city (median of ' + seedRuns + ')', `${(median(seedTimes) / 1000).toFixed(2)} s`);

// 2. Opening the core on an existing database (later starts).
const opens: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const c = new Core({ dbPath: db! });
  await coreClient(c, sys).ok('app.info', {});
  opens.push(performance.now() - t);
  c.close();
}
report('core open + app.info (median of 5)', ms(median(opens)));

const core = new Core({ dbPath: db! });
// The map's calls are made as a logged-in user, as the hall's workstations make them (session resolved per call).
// The same account (and password) the other benchmarks add, so they can share a database.
const BENCH_USER = 'bench-admin';
const BENCH_PASSWORD = passwordOf(BENCH_USER);
if (!core.app.auth.users().some((u) => u.name === BENCH_USER)) {
  await coreClient(core, sys).ok('users.add', { name: BENCH_USER, role: 'admin', password: BENCH_PASSWORD });
}
const session = await coreClient(core, { actor: 'bench', via: 'cli' }).ok('auth.login', { name: BENCH_USER, password: BENCH_PASSWORD });
const api = coreClient(core, { actor: BENCH_USER, via: 'cli', token: session.token });
const rnd = (() => {
  let s = 12345;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
})();
const randomPoint = (): [number, number] => [
  CITY_BOUNDS.west + rnd() * (CITY_BOUNDS.east - CITY_BOUNDS.west),
  CITY_BOUNDS.south + rnd() * (CITY_BOUNDS.north - CITY_BOUNDS.south),
];

// 3. Component look-up by extent, 500 random boxes per size: the index alone (ids, R*Tree + exact check), and the
// API call that returns every attribute of every hit.
const idsOnly = core.app.db
  .prepare(
    `SELECT c.id FROM components_rtree r JOIN components c ON c.id = r.id
  WHERE r.max_lon >= ? AND r.min_lon <= ? AND r.max_lat >= ? AND r.min_lat <= ?
  AND c.lon BETWEEN ? AND ? AND c.lat BETWEEN ? AND ?`,
  )
  .pluck();
/** Times `lookUp` over 500 random boxes of `sizeM` metres; reports p50 / p95 and the average hit count. */
async function timeBoxes(label: string, sizeM: number, lookUp: (b: BBox) => number | Promise<number>): Promise<void> {
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < 500; i++) {
    const [lon, lat] = randomPoint();
    const { dLon, dLat } = metresToDegrees(sizeM, lat);
    const t = performance.now();
    const hits = lookUp([lon, lat, lon + dLon, lat + dLat]);
    found += hits instanceof Promise ? await hits : hits;
    times.push(performance.now() - t);
  }
  if (found === 0) throw new Error(`${label}: 500 boxes of ${sizeM} m found nothing; the benchmark would time empty answers`);
  report(`${label}, ${sizeM} m box (avg ${Math.round(found / 500)} hits) p50 / p95`, `${ms(percentile(times, 50))} / ${ms(percentile(times, 95))}`);
}
for (const sizeM of [250, 1000]) {
  await timeBoxes('R*Tree look-up, ids only', sizeM, ([w, s, e, n]) => idsOnly.all(w, e, s, n, w, e, s, n).length);
}
for (const sizeM of [250, 1000]) {
  await timeBoxes('components.inExtent, full attributes', sizeM, async (bbox) => {
    const hits = await api.ok('components.inExtent', { bbox, limit: 10_000 });
    // Every hit must lie in the box: a figure is printed only for work that was done right.
    for (const c of hits)
      if (c.lon < bbox[0] || c.lon > bbox[2] || c.lat < bbox[1] || c.lat > bbox[3]) throw new Error(`components.inExtent returned ${c.code} outside the box`);
    return hits.length;
  });
}

// 4. Packed map view at city zoom (whole district on ~1,000 px) and at street zoom.
const views: [string, BBox, number][] = [
  ['whole city, 10 m/px', [CITY_BOUNDS.west, CITY_BOUNDS.south, CITY_BOUNDS.east, CITY_BOUNDS.north], 10],
  ['1.5 km view, 1 m/px', [119.91, 32.45, 119.926, 32.4635], 1],
];
for (const [label, bbox, res] of views) {
  const times: number[] = [];
  let bytes = 0;
  let features = 0;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const packed = await api.ok('components.view', { bbox, resolution: res });
    times.push(performance.now() - t);
    bytes = packed.byteLength;
    features = decodePacked(packed).count;
  }
  if (features === 0) throw new Error(`components.view ${label} returned no components`);
  report(
    `components.view ${label}, ${features.toLocaleString('en')} components (median of runs 2–7; run 1 ${ms(times[0])})`,
    `${ms(median(times.slice(1)))}, ${(bytes / 1e6).toFixed(2)} MB`,
  );
}

// 5. Point → grid cell for 1,000,000 points vs a naive turf loop over every cell (same run, extrapolated from a sample).
const locator = core.app.grid.cellLocator();
const N = 1_000_000;
const pts = new Float64Array(2 * N);
for (let i = 0; i < N; i++) {
  const [x, y] = randomPoint();
  pts[2 * i] = x;
  pts[2 * i + 1] = y;
}
const fast: number[] = [];
let located = 0;
for (let run = 0; run < 5; run++) {
  const t = performance.now();
  located = 0;
  for (let i = 0; i < N; i++) if (locator.locateIndex(pts[2 * i], pts[2 * i + 1]) >= 0) located++;
  fast.push(performance.now() - t);
}
const cells = core.app.grid.cells();
const turfCells = cells.codes.map((_, i) => {
  const ring: [number, number][] = [];
  for (let k = cells.offsets[i]; k < cells.offsets[i + 1]; k += 2) ring.push([cells.coords[k], cells.coords[k + 1]]);
  return polygon([ring]);
});
const SAMPLE = 1000;
const t0 = performance.now();
let naiveFound = 0;
for (let i = 0; i < SAMPLE; i++) {
  const p = point([pts[2 * i], pts[2 * i + 1]]);
  for (const c of turfCells)
    if (booleanPointInPolygon(p, c)) {
      naiveFound++;
      break;
    }
}
const naivePerPoint = (performance.now() - t0) / SAMPLE;
const fastMedian = median(fast);
report(`point → grid cell, 1,000,000 points (median of 5; ${located} located)`, `${(fastMedian / 1000).toFixed(3)} s`);
report(
  `naive turf loop over ${turfCells.length} cells (${SAMPLE}-point sample, ${naiveFound} located, extrapolated to 1,000,000)`,
  `${((naivePerPoint * N) / 1000).toFixed(0)} s`,
);
report('point → grid cell speed-up vs naive turf', `${Math.round((naivePerPoint * N) / fastMedian)}×`);

core.close();
rmSync(dir, { recursive: true, force: true });
console.log('\n| figure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
