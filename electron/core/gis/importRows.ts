// What importing any layer shares: the options and the core services an import uses, the helpers each row is read
// with, what a check hands to the write (plain data: the check may run in the import worker), and the refusal of a
// strict import with errors.
import type { Geometry } from 'geojson';
import { ApiError } from '../../../shared/errors.ts';
import type { CellRecord, CommitResult } from '../../../shared/editing.ts';
import type { ImportLayer, ImportPhase, ImportReport, ImportRowProblem } from '../../../shared/gis.ts';
import type { Db } from '../db/connection.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { ChangeLog } from '../replication/changelog.ts';
import type { EditService, Plan } from '../editing/service.ts';
import type { CellRow, GridEditor } from '../editing/grid.ts';
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
  /** Told about the commit an import wrote, once its transaction is done (still inside an enclosing one, if any). */
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

/** What the core's services an import's check reads (the import worker builds them over a read-only connection). */
export type CheckContext = Pick<ImportContext, 'db' | 'catalog' | 'edits' | 'gridEditor' | 'adminCode'>;

/** A grid cell that passed its checks, with the row it came from and the cell it replaces. */
export interface CheckedCell {
  row: number;
  rec: CellRecord;
  cur: CellRow | null;
}

/** The rows of a layer that passed every check, ready to write: plain data, so it can cross from a worker thread. */
export type CheckedRows = { layer: 'components'; plans: Plan[] } | { layer: 'grid'; cells: CheckedCell[] };

/** The check of one layer: every row of the source, counted in the report, with its problems listed. */
export type LayerCheck = (
  ctx: CheckContext,
  src: SourceLayer,
  report: ImportReport,
  problems: ImportRowProblem[],
  t: RowTools,
  opts: ImportOptions,
) => CheckedRows;

/** Sorts the problems and fills the report's counts (the report lists at most MAX_REPORTED problems). */
export function finish(report: ImportReport, problems: ImportRowProblem[]): void {
  problems.sort((a, b) => a.row - b.row);
  for (const p of problems) report.counts[p.severity]++;
  report.counts.error = new Set(problems.filter((p) => p.severity === 'error').map((p) => p.row)).size;
  report.problems = problems.slice(0, MAX_REPORTED);
  report.more = Math.max(0, problems.length - MAX_REPORTED);
}

/** Refuses a strict import whose report has errors: nothing is written. */
export function refuseStrict(report: ImportReport, opts: Pick<ImportOptions, 'strict'>): void {
  if (opts.strict && report.counts.error > 0) {
    throw new ApiError('BAD_INPUT', `strict import refused: ${report.counts.error} row(s) have errors; nothing was imported`, { report });
  }
}

/** How many rows a check found valid. */
export const validCount = (rows: CheckedRows): number => (rows.layer === 'components' ? rows.plans.length : rows.cells.length);
