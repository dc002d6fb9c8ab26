// Export of the component and grid layers, today's or as of a past date, in any supported CRS.
import type { Geometry, Position } from 'geojson';
import { ApiError } from '../../../shared/errors.ts';
import { crsConverter } from '../../../shared/crs.ts';
import { EXPORT_COLUMNS, type GisFormat, type ImportLayer } from '../../../shared/gis.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { EditService } from '../editing/service.ts';
import type { GridEditor } from '../editing/grid.ts';
import type { Db } from '../db/connection.ts';
import { isGeographic } from './prj.ts';
import { gisBytes, writeGisFile, type OutFeature, type OutLayer } from './write.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What to export. */
export interface ExportOptions {
  layer: ImportLayer;
  format: GisFormat;
  /** Output CRS; default EPSG:4490 (storage), EPSG:4326 for GeoJSON (RFC 7946). */
  crs?: string;
  classCode?: string;
  /** Epoch ms: the layer as it was then. */
  asOf?: number;
}

/** What an export needs from the core. */
export interface ExportContext {
  db: Db;
  catalog: CatalogService;
  edits: EditService;
  gridEditor: GridEditor;
}

/** Builds the layer to write (features in the output CRS). */
export function exportLayer(ctx: ExportContext, o: ExportOptions): OutLayer {
  const crs = o.crs ?? (o.format === 'geojson' ? 'EPSG:4326' : 'EPSG:4490');
  const conv = isGeographic(crs) ? null : crsConverter('EPSG:4490', crs);
  const tr = (p: Position): Position => (conv ? conv([p[0], p[1]]) : [p[0], p[1]]);
  const asOf = o.asOf ?? null;
  const features: OutFeature[] = [];
  if (o.layer === 'components') {
    if (o.classCode && !ctx.catalog.componentClass(o.classCode))
      throw new ApiError('BAD_INPUT', `component class ${o.classCode} does not exist`, { field: 'classCode' });
    const dept = (c: string | null) => (c ? ctx.catalog.departmentName(c) : null);
    for (const { rec } of ctx.edits.recordsAsOf(asOf)) {
      if (o.classCode && rec.classCode !== o.classCode) continue;
      const g = rec.geometry;
      const geometry: Geometry = !g
        ? { type: 'Point', coordinates: tr([rec.lon, rec.lat]) }
        : g.type === 'LineString'
          ? { type: 'LineString', coordinates: g.coordinates.map(tr) }
          : { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(tr)) };
      features.push({
        geometry,
        values: [
          rec.code,
          ctx.catalog.componentClass(rec.classCode)?.name ?? '',
          rec.classCode,
          rec.dept1,
          dept(rec.dept1),
          rec.dept2,
          dept(rec.dept2),
          rec.dept3,
          dept(rec.dept3),
          rec.gridCode,
          rec.state,
          rec.orDate,
          rec.chDate,
          rec.dataSource,
          rec.note,
          rec.attrs ? JSON.stringify(rec.attrs) : null,
        ],
      });
    }
    return { name: 'components', columns: [...EXPORT_COLUMNS.components], features, crs };
  }
  const names = new Map((ctx.db.prepare('SELECT code, name FROM communities').all() as { code: string; name: string }[]).map((c) => [c.code, c.name]));
  for (const c of ctx.gridEditor.cellsAsOf(asOf)) {
    features.push({
      geometry: { type: 'Polygon', coordinates: [c.ring.map(tr)] },
      values: [c.code, c.communityCode, names.get(c.communityCode) ?? '', c.communityCode.slice(0, 3), c.areaM2.toFixed(1)],
    });
  }
  return { name: 'grid', columns: [...EXPORT_COLUMNS.grid], features, crs };
}

/** Exports to a file; returns the number of features written. */
export function exportToFile(ctx: ExportContext, o: ExportOptions, file: string): number {
  const layer = exportLayer(ctx, o);
  writeGisFile(file, o.format, layer);
  return layer.features.length;
}

/** A layer export as bytes (the API's export.file). GeoPackage is a database file, so it goes through a temporary
 * file; the other formats are built in memory. */
export function exportBytes(ctx: ExportContext, o: ExportOptions): Uint8Array {
  const layer = exportLayer(ctx, o);
  if (o.format !== 'gpkg') return gisBytes(o.format, layer);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-export-'));
  try {
    const f = path.join(dir, 'export.gpkg');
    writeGisFile(f, 'gpkg', layer);
    return readFileSync(f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
