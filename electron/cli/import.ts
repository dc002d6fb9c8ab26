// cityops import: a layer file into the centre, through the contract (import.preview / import.apply) as the system
// principal. The file is read where it lies (no upload); the report comes per row; one commit, or nothing.
import path from 'node:path';
import { CRS_DEFS } from '../../shared/crs.ts';
import type { ImportReport } from '../../shared/gis.ts';
import type { CrsCode } from '../../shared/crs.ts';
import { CallFailed, die, need, str, systemCall, withCore, type Command, type Values } from './command.ts';

/** The --map option: FIELD=COLUMN pairs separated by commas. */
function mapping(v: Values): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (str(v, 'map') ?? '').split(',').filter(Boolean)) {
    const [field, col] = pair.split('=');
    if (!field || !col) die(`--map takes FIELD=COLUMN pairs separated by commas, got ${pair}`);
    out[field.trim()] = col.trim();
  }
  return out;
}

/** Prints an import report (or its JSON). */
function printReport(r: ImportReport, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const c = r.counts;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${r.file}: ${r.format}, ${r.rows} rows, CRS ${r.crs} (${r.crsFrom})${r.encoding ? `, ${r.encoding}` : ''}`);
  out(
    `mapping: ${
      Object.entries(r.mapping)
        .map(([f, col]) => `${f}←${col}`)
        .join(', ') || '(none)'
    }`,
  );
  for (const p of r.problems) out(`row ${p.row}${p.code ? ` ${p.code}` : ''}: ${p.severity} ${p.field}: ${p.message}`);
  if (r.more) out(`… and ${r.more} more problems`);
  out(`add ${c.add}, update ${c.update}, unchanged ${c.unchanged}; rows with errors ${c.error}; warnings ${c.warning}, fixed ${c.fixed}, filled ${c.filled}`);
  out(r.commitId ? `imported as commit ${r.commitId}` : 'nothing was written');
}

/** The --layer and --crs options every layer command takes. */
export function layerOptions(c: Command, v: Values): { layer: 'components' | 'grid'; crs: CrsCode | undefined } {
  const layer = str(v, 'layer');
  if (layer !== 'components' && layer !== 'grid') die(`${c.name} needs --layer components or --layer grid`);
  const crs = str(v, 'crs');
  if (crs !== undefined && !CRS_DEFS[crs]) die(`unsupported CRS ${crs}; use one of ${Object.keys(CRS_DEFS).join(', ')}`);
  return { layer, crs: crs as CrsCode | undefined };
}

export const importLayer: Command = {
  name: 'import',
  summary: 'import a component or grid layer file; exits 1 when rows failed or the file cannot be read',
  usage: `--db FILE --layer components|grid --file PATH [--crs EPSG:N] [--dry-run] [--strict] [--map FIELD=COLUMN,…] [--message TEXT] [--json]

  GeoJSON, Shapefile (.zip with .prj/.cpg), GeoPackage or CSV (lon/lat, x/y or WKT columns); the CRS comes from the
  file or --crs. Prints a report per row (error, warning, fixed, filled; field; why); writes every valid row as one
  commit with history, or nothing with --strict when any row fails. --dry-run writes nothing.`,
  options: {
    db: { type: 'string' },
    layer: { type: 'string' },
    file: { type: 'string' },
    crs: { type: 'string' },
    'dry-run': { type: 'boolean' },
    strict: { type: 'boolean' },
    map: { type: 'string' },
    message: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(v) {
    const { layer, crs } = layerOptions(this, v);
    const db = need(this, v, 'db');
    const file = path.resolve(need(this, v, 'file'));
    const map = mapping(v);
    const tty = process.stderr.isTTY;
    await withCore(db, async (core) => {
      const uploadId = core.app.uploads.adopt(file, path.basename(file), core.app.now());
      const off = core.subscribe((ev) => {
        if (tty && ev.type === 'import.progress' && ev.payload.uploadId === uploadId)
          process.stderr.write(`\r${ev.payload.phase} ${ev.payload.done}/${ev.payload.total}   `);
      });
      let report: ImportReport;
      try {
        report = v['dry-run']
          ? await systemCall(core, 'import.preview', { uploadId, layer, crs, mapping: map })
          : await systemCall(core, 'import.apply', { uploadId, layer, crs, mapping: map, strict: !!v.strict, message: str(v, 'message') });
      } catch (e) {
        if (tty) process.stderr.write('\n');
        const r = e instanceof CallFailed ? (e.error.details?.report as ImportReport | undefined) : undefined;
        if (r) printReport(r, !!v.json);
        throw e;
      } finally {
        off();
      }
      if (tty) process.stderr.write('\n');
      printReport(report, !!v.json);
      if (report.counts.error > 0) process.exitCode = 1;
    });
  },
};
