// What importing any layer shares: the options and the core services an import uses, the helpers each row is read
// with, and the last step — refuse a strict import with errors, or write the valid rows as one commit (a large
// import as a bulk load that ships to the replica as a snapshot).
import type { Geometry } from 'geojson';
import { ApiError } from '../../../shared/errors.ts';
import type { CommitResult } from '../../../shared/editing.ts';
import type { ImportLayer, ImportPhase, ImportReport, ImportRowProblem } from '../../../shared/gis.ts';
import type { Db } from '../db/connection.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { ChangeLog } from '../replication/changelog.ts';
import type { EditService } from '../editing/service.ts';
import type { GridEditor } from '../editing/grid.ts';
import type { SourceLayer } from './read.ts';

/** Problems listed in a report; the counts cover all of them. */
export const MAX_REPORTED = 2000;
/** Imports larger than this ship to the replica as a snapshot instead of one change-log entry per row. */
export const BULK_ROWS = 20_000;

/** What an import needs from the core. */
export interface ImportContext {
  db: Db;
  catalog: CatalogService;
  edits: EditService;
  gridEditor: GridEditor;
  changelog: ChangeLog;
  adminCode: string;
}

/** Options of one import. */
export interface ImportOptions {
  layer: ImportLayer;
  crs?: string;
  mapping?: Record<string, string>;
  strict?: boolean;
  dryRun?: boolean;
  message?: string;
  actor: string;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
  /** Told about the commit an import wrote (inside its transaction). */
  onCommit?: (r: CommitResult) => void;
}

/** Coordinates closer than this (degrees, ≈ 1 cm) are the same place: a reprojected round trip is not a change. */
export const SAME_PLACE = 1e-7;

/** How a layer's import reads one row: a mapped field's value, its geometry in lon/lat, and a row error. */
export interface RowTools {
  value: (props: Record<string, unknown>, field: string) => unknown;
  geometryOf: (props: Record<string, unknown>, g: Geometry | null) => Geometry | string;
  rowErr: (row: number, code: string | null, field: string, message: string) => void;
}

/** The import of one layer: checks every row of the source, then applies the valid ones (see apply). */
export type LayerImport = (
  ctx: ImportContext,
  src: SourceLayer,
  report: ImportReport,
  problems: ImportRowProblem[],
  t: RowTools,
  opts: ImportOptions,
) => ImportReport;

/** Sorts the problems and fills the report's counts (the report lists at most MAX_REPORTED problems). */
export function finish(report: ImportReport, problems: ImportRowProblem[]): void {
  problems.sort((a, b) => a.row - b.row);
  for (const p of problems) report.counts[p.severity]++;
  report.counts.error = new Set(problems.filter((p) => p.severity === 'error').map((p) => p.row)).size;
  report.problems = problems.slice(0, MAX_REPORTED);
  report.more = Math.max(0, problems.length - MAX_REPORTED);
}

/** Refuses a strict import with errors, or applies the valid plans as one commit. */
export function apply(
  ctx: ImportContext,
  report: ImportReport,
  problems: ImportRowProblem[],
  opts: ImportOptions,
  rows: number,
  write: () => CommitResult | null,
): ImportReport {
  finish(report, problems);
  if (opts.dryRun) return report;
  if (opts.strict && report.counts.error > 0) {
    throw new ApiError('BAD_INPUT', `strict import refused: ${report.counts.error} row(s) have errors; nothing was imported`, { report });
  }
  opts.onProgress?.('writing', 0, rows);
  const commit = rows > BULK_ROWS ? ctx.changelog.bulk(`import ${report.file}`, write) : write();
  if (commit) {
    report.commitId = commit.commit.id;
    opts.onCommit?.(commit);
  }
  opts.onProgress?.('done', rows, rows);
  return report;
}
