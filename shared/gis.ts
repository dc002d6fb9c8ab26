// Import and export of the component and grid layers: formats, field names and the import report.
// Pure data and functions (the renderer's import dialog uses the same field table as the core).

/** The phases of an import, reported while it works (import.progress events, the CLI's progress line). */
export const IMPORT_PHASES = ['reading', 'checking', 'writing', 'done'] as const;
/** One phase. */
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/** File formats CityOps reads and writes. */
export const GIS_FORMATS = ['geojson', 'shp', 'gpkg', 'csv'] as const;
export type GisFormat = (typeof GIS_FORMATS)[number];

/** Fields an import fills, per layer. */
export const IMPORT_FIELDS = {
  components: [
    'code',
    'classCode',
    'name',
    'dept1',
    'dept2',
    'dept3',
    'gridCode',
    'state',
    'orDate',
    'chDate',
    'dataSource',
    'note',
    'attrs',
    'lon',
    'lat',
    'x',
    'y',
    'wkt',
  ],
  grid: ['code', 'communityCode', 'wkt'],
} as const;
export type ImportLayer = keyof typeof IMPORT_FIELDS;

/** Common column names of each field (CJ/T 214 abbreviations, Chinese headers, usual GIS names), compared
 * case-insensitively. The editor adjusts the mapping in the import dialog. */
export const FIELD_SYNONYMS: Record<string, string[]> = {
  code: ['ObjID', 'Obj_ID', 'code', '标识码', '部件标识码', '部件编码', '部件代码', 'BSM', 'BGID_CODE'],
  classCode: ['ClassCode', 'ObjType', '类别代码', '小类代码', '部件类别代码', '部件小类'],
  name: ['ObjName', 'name', '部件名称', '名称'],
  dept1: ['DeptCode1', 'DeptName1', '主管部门代码', '主管部门', '主管部门名称'],
  dept2: ['DeptCode2', 'DeptName2', '权属单位代码', '权属单位', '权属单位名称'],
  dept3: ['DeptCode3', 'DeptName3', '养护单位代码', '养护单位', '养护单位名称'],
  gridCode: ['BGID', 'GridCode', 'GRID_CODE', '所在单元网格', '单元网格', '网格编码', '所在网格', '单元网格标识码'],
  state: ['ObjState', 'State', '部件状态', '状态'],
  orDate: ['ORDate', 'OR_Date', '初始日期'],
  chDate: ['CHDate', 'CH_Date', '变更日期'],
  dataSource: ['DataSource', 'Data_Src', '数据来源'],
  note: ['Note', 'Remark', '备注'],
  attrs: ['Attrs', '扩展属性'],
  lon: ['lon', 'lng', 'longitude', '经度'],
  lat: ['lat', 'latitude', '纬度'],
  x: ['x', 'easting', 'X坐标', '横坐标'],
  y: ['y', 'northing', 'Y坐标', '纵坐标'],
  wkt: ['wkt', 'geometry', 'geom', 'the_geom', 'shape', '几何'],
  communityCode: ['community', 'CommCode', 'community_code', '社区代码', '所属社区'],
};

/** The mapping the synonyms give for a file's columns (first matching column wins; the code and name lists put the
 * code column first). */
export function guessMapping(layer: ImportLayer, columns: string[]): Record<string, string> {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const out: Record<string, string> = {};
  for (const f of IMPORT_FIELDS[layer]) {
    for (const s of FIELD_SYNONYMS[f] ?? []) {
      const hit = lower.get(s.toLowerCase());
      if (hit && !Object.values(out).includes(hit)) {
        out[f] = hit;
        break;
      }
    }
  }
  if (layer === 'grid' && !out.code) {
    const hit = lower.get('bgid') ?? lower.get('gridcode') ?? lower.get('code');
    if (hit) out.code = hit;
  }
  return out;
}

/** Column names of an export (the CJ/T 214 abbreviations; ≤ 10 characters for dBASE). */
export const EXPORT_COLUMNS = {
  components: [
    'ObjID',
    'ObjName',
    'ClassCode',
    'DeptCode1',
    'DeptName1',
    'DeptCode2',
    'DeptName2',
    'DeptCode3',
    'DeptName3',
    'BGID',
    'ObjState',
    'ORDate',
    'CHDate',
    'DataSource',
    'Note',
    'Attrs',
  ],
  grid: ['BGID', 'CommCode', 'CommName', 'StreetCode', 'AreaM2'],
} as const;

/** One finding of an import, per row (1-based) and field. */
export interface ImportRowProblem {
  row: number;
  code: string | null;
  severity: 'error' | 'warning' | 'fixed' | 'filled';
  field: string;
  message: string;
}

/** What an import would do or did. */
export interface ImportReport {
  file: string;
  format: GisFormat;
  layer: ImportLayer;
  crs: string;
  crsFrom: 'file' | 'option' | 'default';
  encoding: string | null;
  columns: string[];
  mapping: Record<string, string>;
  rows: number;
  counts: { add: number; update: number; unchanged: number; error: number; warning: number; fixed: number; filled: number };
  /** Problems, at most MAX_REPORTED (see `more`). */
  problems: ImportRowProblem[];
  more: number;
  strict: boolean;
  /** Set when the import was applied. */
  commitId: number | null;
}
