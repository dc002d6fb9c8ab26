// cityops export: a layer, today's or as of a date, to a file in any supported CRS. The options are checked by the
// contract's schema of export.file; the file is written where asked (a read of the centre, nothing changes).
import path from 'node:path';
import { GIS_FORMATS, type GisFormat } from '../../shared/gis.ts';
import { parseInput } from '../../shared/validate.ts';
import { ApiError } from '../../shared/errors.ts';
import { exportToFile } from '../core/gis/exporter.ts';
import { die, need, openCore, str, type Command } from './command.ts';
import { layerOptions } from './import.ts';

export const exportLayer: Command = {
  name: 'export',
  summary: 'export the component or grid layer to a file',
  usage: `--db FILE --layer components|grid --format gpkg|geojson|shp|csv --out PATH [--crs EPSG:N] [--class CODE] [--as-of DATE]

  default CRS EPSG:4490 (GeoJSON: EPSG:4326, RFC 7946); --as-of takes YYYY-MM-DD (the end of that day, CST) or an
  ISO 8601 time`,
  options: {
    db: { type: 'string' },
    layer: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    crs: { type: 'string' },
    class: { type: 'string' },
    'as-of': { type: 'string' },
  },
  run(v) {
    const { layer, crs } = layerOptions(this, v);
    const format = str(v, 'format') as GisFormat | undefined;
    if (!format || !GIS_FORMATS.includes(format)) die(`export needs --format ${GIS_FORMATS.join('|')}`);
    const out = need(this, v, 'out');
    const asOfRaw = str(v, 'as-of');
    const asOf = asOfRaw === undefined ? undefined : /^\d{4}-\d{2}-\d{2}$/.test(asOfRaw) ? `${asOfRaw}T23:59:59.999+08:00` : asOfRaw;
    if (asOf !== undefined && Number.isNaN(Date.parse(asOf))) die(`--as-of must be a date (YYYY-MM-DD) or an ISO 8601 time, got ${asOfRaw}`);
    let o;
    try {
      o = parseInput('export.file', { layer, format, crs, classCode: str(v, 'class'), asOf });
    } catch (e) {
      return die((e as ApiError).message);
    }
    const core = openCore(need(this, v, 'db'));
    const t = Date.now();
    try {
      const n = exportToFile(core.app, { ...o, asOf: o.asOf ? Date.parse(o.asOf) : undefined }, path.resolve(out));
      const what = layer === 'grid' ? 'cells' : 'components';
      process.stdout.write(
        `exported ${n} ${what} to ${out} (${format}, ${crs ?? (format === 'geojson' ? 'EPSG:4326' : 'EPSG:4490')}) in ${((Date.now() - t) / 1000).toFixed(1)} s\n`,
      );
    } catch (e) {
      die((e as Error).message, 1);
    } finally {
      core.close();
    }
  },
};
