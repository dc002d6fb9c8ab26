// Import and export of the component and grid layers (GeoJSON, Shapefile, GeoPackage, CSV).
import { z } from 'zod';
import { GIS_FORMATS, type ImportReport } from '../gis.ts';
import { CRS_CODES } from '../crs.ts';
import { method } from './define.ts';
import { asOf, classCode } from './schemas.ts';
import { commitMessage } from './editing.ts';

const layer = z.enum(['components', 'grid']);
const crsCode = z.enum(CRS_CODES);
const uploadId = z.string().regex(/^[a-f0-9]{32}$/, 'an upload id is 32 hex digits');
/** Field mapping of an import: CityOps field → the file's column. */
const fieldMapping = z.record(z.string().max(32), z.string().max(64)).optional();
const editor = ['gis_editor'] as const;

/** import.* and export.* */
export const gisContract = {
  'import.upload': method<{ uploadId: string; bytes: number }>()(
    z.strictObject({
      uploadId: uploadId.optional(),
      name: z.string().min(1).max(200),
      offset: z.number().int().min(0),
      data: z
        .string()
        .max(8_000_000)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'data must be base64'),
    }),
    'Uploads a file to import, in chunks (the first without uploadId); the server keeps it for an hour.',
    { access: editor },
  ),
  'import.preview': method<ImportReport>()(
    z.strictObject({ uploadId, layer, crs: crsCode.optional(), mapping: fieldMapping }),
    'Reads an uploaded file and reports per row what an import would do, changing nothing (import.progress events follow it).',
    { access: editor },
  ),
  'import.apply': method<ImportReport>()(
    z.strictObject({ uploadId, layer, crs: crsCode.optional(), mapping: fieldMapping, strict: z.boolean().optional(), message: commitMessage.optional() }),
    'Imports an uploaded file as one commit: every valid row, or nothing when strict and any row has an error.',
    { ownTransaction: true, access: editor },
  ),
  'export.file': method<Uint8Array>()(
    z.strictObject({ layer, format: z.enum(GIS_FORMATS), crs: crsCode.optional(), classCode: classCode.optional(), asOf: asOf.optional() }),
    'The component or grid layer as a file (GeoPackage, GeoJSON, zipped Shapefile or CSV).',
    { binary: true },
  ),
};
