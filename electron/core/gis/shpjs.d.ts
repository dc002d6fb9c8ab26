// shpjs ships no types; the two parsers CityOps uses.
declare module 'shpjs' {
  import type { Geometry } from 'geojson';
  /** Shapes of a .shp file; with a projection (prj) they are reprojected to WGS 84, which CityOps never asks for. */
  export function parseShp(shp: ArrayBuffer | Uint8Array | DataView, prj?: string): Geometry[];
  /** Rows of a .dbf file decoded with the code page named by cpg. */
  export function parseDbf(dbf: ArrayBuffer | Uint8Array | DataView, cpg?: string): Record<string, unknown>[];
}
