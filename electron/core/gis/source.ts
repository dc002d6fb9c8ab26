// What every reader of an import file returns (the layer as the file holds it) and how a reader refuses a file: the
// types the format readers (read.ts, shapefile.ts, zip.ts) share, kept apart so they import no reader.
import type { Geometry } from 'geojson';
import type { GisFormat } from '../../../shared/gis.ts';

/** One feature as the file holds it. */
export interface SourceFeature {
  props: Record<string, unknown>;
  geometry: Geometry | null;
}
/** A whole layer read from a file. */
export interface SourceLayer {
  format: GisFormat;
  features: SourceFeature[];
  columns: string[];
  /** The supported CRS the file declares, or null when it declares none (CSV, a .shp without .prj). */
  crs: string | null;
  /** What the file said about its CRS when it is not one CityOps supports. */
  unknownCrs: string | null;
  encoding: string | null;
}

/** A file that cannot be read: nothing is imported from it. */
export class FileError extends Error {}

/** Decodes text: UTF-8 (with or without BOM) when it is valid UTF-8, else GBK (GB 2312 / CP936). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'GBK' };
  }
}
