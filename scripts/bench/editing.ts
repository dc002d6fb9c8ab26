// Editing benchmarks: GeoPackage export of the whole component layer, import of it (with validation, history and
// one commit) into a centre without components, a 1,000-component commit against 1,000 one-component commits
// (naive baseline, same run), commit → visible on another client over HTTP + WebSocket, and the snap index in
// Chromium (build and update with the whole city's components and grid).
// Usage: npx tsx scripts/bench/editing.ts [--db FILE] [--runs 3] [--pushes 50]
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { seedDatabase } from '../../electron/core/seed/seed.ts';
import { Core } from '../../electron/core/core.ts';
import { exportToFile } from '../../electron/core/gis/exporter.ts';
import { runImport } from '../../electron/core/gis/importer.ts';
import { startHttpServer } from '../../electron/core/transport/http.ts';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import { decodePacked } from '../../shared/packed.ts';
import { addUsers, coreClient, httpClient, passwordOf, startServe } from '../../test/helpers.ts';
import type { PushEvent } from '../../shared/contract/index.ts';
import { launchChromium, loginPage } from '../../test/e2e/browser.ts';
import { median, ms, percentile } from './stats.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, runs: { type: 'string' }, pushes: { type: 'string' }, 'no-browser': { type: 'boolean' } } });
const runs = Number(values.runs ?? 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-ebench-'));
let db = values.db as string | undefined;
if (!db) {
  db = path.join(dir, 'city.db');
  seedDatabase(db, {});
}
const rows: [string, string][] = [];
const report = (k: string, v: string) => {
  rows.push([k, v]);
  console.log(`${k}: ${v}`);
};
const sys = { actor: 'bench', via: 'cli' as const, user: SYSTEM_USER };
// Every API call goes through the typed test client: `ok` stops the benchmark at the first refusal (never timed).
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;

// 1. Export of the whole component layer to GeoPackage (and GDAL-independent re-read by our own reader below).
const work = path.join(dir, 'work.db');
copyFileSync(db, work);
await addUsers(work, [
  { name: 'bench-gis', role: 'gis_editor' },
  { name: 'bench-disp', role: 'dispatcher' },
]);
let core = new Core({ dbPath: work });
const total = core.info().components;
const gpkg = path.join(dir, 'components.gpkg');
const exports: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  exportToFile(core.app, { layer: 'components', format: 'gpkg' }, gpkg);
  exports.push(performance.now() - t);
}
report(
  `export ${total.toLocaleString('en')} components to GeoPackage (median of ${runs})`,
  `${s(median(exports))}, ${(statSync(gpkg).size / 2 ** 20).toFixed(0)} MB`,
);
core.close();

// 2. Import of that GeoPackage into a centre with the sample grid and no components: read, map fields, check every
// row (code, class, district, cell from the location, departments, dates, class attributes), write rows, R*Tree,
// history and one commit.
const imports: number[] = [];
for (let i = 0; i < runs; i++) {
  const empty = path.join(dir, `empty-${i}.db`);
  copyFileSync(db, empty);
  const c = new Core({ dbPath: empty });
  c.app.changelog.bulk('bench: empty the component layer', () =>
    c.app.db.transaction(() => {
      c.app.db.exec('DELETE FROM component_photos; DELETE FROM components_rtree; DELETE FROM components;');
    })(),
  );
  c.app.components.invalidate();
  const t = performance.now();
  const r = runImport(c.app, gpkg, 'components.gpkg', { layer: 'components', actor: 'bench', message: 'bench import' });
  imports.push(performance.now() - t);
  if (r.counts.add !== total || r.counts.error) throw new Error(`import: ${JSON.stringify(r.counts)}`);
  c.close();
  rmSync(empty, { force: true });
}
report(`import ${total.toLocaleString('en')} components from GeoPackage with validation, one commit (median of ${runs})`, s(median(imports)));
core = new Core({ dbPath: work });
{
  const t = performance.now();
  const r = runImport(core.app, gpkg, 'components.gpkg', { layer: 'components', actor: 'bench', dryRun: true });
  report(
    're-check the same file against the full layer (dry run, all unchanged)',
    `${s(performance.now() - t)} (${r.counts.unchanged.toLocaleString('en')} unchanged)`,
  );
}

// 3. A 1,000-component edit as one commit, against the same moves as 1,000 one-component commits.
const moves = (n: number, offset: number) => {
  const list = core.app.components.inExtent([119.9, 32.44, 119.95, 32.48], n + offset).slice(offset, offset + n);
  return list.map((c) => ({ op: 'update' as const, code: c.code, baseVersion: c.version, lon: c.lon + 0.000005, lat: c.lat }));
};
const commits: number[] = [];
for (let i = 0; i < runs; i++) {
  const changes = moves(1000, i * 1000);
  const t = performance.now();
  await coreClient(core, sys).ok('components.commit', { message: `bench ${i}`, changes });
  commits.push(performance.now() - t);
}
report(`commit of a 1,000-component edit, one transaction (median of ${runs})`, ms(median(commits)));
{
  const changes = moves(1000, runs * 1000);
  const t = performance.now();
  for (const c of changes) await coreClient(core, sys).ok('components.commit', { message: 'naive', changes: [c] });
  const naive = performance.now() - t;
  report('naive: the same 1,000 moves as 1,000 one-component commits', `${s(naive)} (${(naive / median(commits)).toFixed(0)}× slower)`);
}

// 4. Commit → visible on another client: editor commits over HTTP; the other client's WebSocket hears the event
// and loads the view around the component; the time until that view shows the component at its new place.
const pushes = Number(values.pushes ?? 50);
const http = await startHttpServer({ core, host: '127.0.0.1', port: 0 });
const base = http.url;
const login = async (name: string) => (await httpClient(base).ok('auth.login', { name, password: passwordOf(name) })).token;
const [gisToken, dispToken] = [await login('bench-gis'), await login('bench-disp')];
const [gis, disp] = [httpClient(base, () => gisToken), httpClient(base, () => dispToken)];
const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${dispToken}`);
await new Promise((r) => ws.once('open', r));
let waiting: ((codes: string[]) => void) | null = null;
ws.on('message', (m) => {
  const ev = JSON.parse(String(m)) as PushEvent;
  if (ev.type === 'components.changed') waiting?.(ev.payload.codes);
});
const lat: number[] = [];
const targets = core.app.components.inExtent([119.955, 32.48, 119.965, 32.49], pushes);
for (const c of targets) {
  const rec = core.app.edits.current(c.code)!;
  const lon = rec.rec.lon + 0.00001;
  const t = performance.now();
  const seen = new Promise<void>((resolve) => {
    waiting = async (codes) => {
      if (!codes.includes(c.code)) return;
      waiting = null;
      // The other client reloads its view (as the map does on the event) and finds the component moved.
      const bbox: [number, number, number, number] = [lon - 0.0002, rec.rec.lat - 0.0002, lon + 0.0002, rec.rec.lat + 0.0002];
      const packed = decodePacked(await disp.ok('components.view', { bbox, resolution: 0.1 }));
      if (![...packed.ids].includes(rec.id)) throw new Error("the moved component is not in the other client's view");
      resolve();
    };
  });
  await gis.ok('components.commit', { message: 'push bench', changes: [{ op: 'update', code: c.code, baseVersion: rec.version, lon }] });
  await seen;
  lat.push(performance.now() - t);
}
report(
  `commit → visible on another client (HTTP commit, WebSocket push, view reload), ${pushes} commits p50 / p95`,
  `${ms(percentile(lat, 50))} / ${ms(percentile(lat, 95))}`,
);
ws.close();
await http.close();
core.close();

// 5. Snap index in Chromium with the whole city: every component point, every cell edge and every boundary.
if (!values['no-browser']) {
  await addUsers(db, [{ name: 'bench-admin', role: 'admin' }]).catch(() => {});
  const server = await startServe(db);
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await loginPage(page, server.url + '/', 'bench-admin', passwordOf('bench-admin'));
    await page.goto(server.url + '/bench/snap.html');
    await page.waitForFunction(() => document.body.dataset.snapDone || document.body.dataset.benchError, null, { timeout: 600_000 });
    const r = await page.evaluate(() => ({ ...document.body.dataset }));
    if (r.benchError) throw new Error(`snap page: ${r.benchError}`);
    report(
      `snap index build: ${Number(r.snapPoints).toLocaleString('en')} component points + ${Number(r.snapCells).toLocaleString('en')} cells + boundaries`,
      `${s(Number(r.snapBuildMs))}`,
    );
    report('snap index update: 1,000 components moved (remove + add)', ms(Number(r.snapUpdateMs)));
    report('snap look-up per pointer move with the whole city indexed, p50 / p95 of 1,000', `${ms(Number(r.snapP50))} / ${ms(Number(r.snapP95))}`);
    report('naive snap look-up: nearest of every component point by a linear scan, p50', ms(Number(r.naiveP50)));
  } finally {
    await browser.close();
    await server.stop();
  }
}

console.log('\n| figure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
rmSync(dir, { recursive: true, force: true });
