// CRS definitions as OGC WKT 1 (for .prj files and GeoPackage srs rows) and recognition of a CRS from the WKT a
// file carries (.prj, GeoPackage definition, GeoJSON crs name): by authority code when present, else by the
// parameters (ellipsoid, projection, central meridian, false easting), as ESRI-style .prj files from GDAL and
// ArcGIS have no authority.
const GEO_CGCS =
  'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]';
const GEO_WGS =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';
const GEO_XIAN =
  'GEOGCS["Xian 1980",DATUM["Xian_1980",SPHEROID["IAG 1975",6378140,298.257,AUTHORITY["EPSG","7049"]],AUTHORITY["EPSG","6610"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4610"]]';
const tm = (name: string, geo: string, fe: number, code: number) =>
  `PROJCS["${name}",${geo},PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",120],PARAMETER["scale_factor",1],PARAMETER["false_easting",${fe}],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","${code}"]]`;

/** OGC WKT 1 of each supported CRS. */
export const CRS_WKT: Record<string, string> = {
  'EPSG:4490': GEO_CGCS,
  'EPSG:4326': GEO_WGS,
  'EPSG:3857': `PROJCS["WGS 84 / Pseudo-Mercator",${GEO_WGS},PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]`,
  'EPSG:4549': tm('CGCS2000 / 3-degree Gauss-Kruger CM 120E', GEO_CGCS, 500000, 4549),
  'EPSG:4528': tm('CGCS2000 / 3-degree Gauss-Kruger zone 40', GEO_CGCS, 40500000, 4528),
  'EPSG:2385': tm('Xian 1980 / 3-degree Gauss-Kruger CM 120E', GEO_XIAN, 500000, 2385),
};

/** True for geographic (degree) CRSs. */
export const isGeographic = (crs: string) => crs === 'EPSG:4490' || crs === 'EPSG:4326';

/** The supported CRS a WKT (1 or 2, OGC or ESRI flavour) describes, or null when it is none of them. */
export function crsFromWkt(wkt: string): string | null {
  const s = wkt.trim();
  const auth = /(?:AUTHORITY\["EPSG",\s*"?(\d+)"?\]|ID\["EPSG",\s*(\d+)\])\s*\]\s*$/i.exec(s);
  if (auth) {
    const code = `EPSG:${auth[1] ?? auth[2]}`;
    if (CRS_WKT[code]) return code;
  }
  const num = (name: string) => {
    const m = new RegExp(`PARAMETER\\["${name}",\\s*(-?[\\d.eE+]+)`, 'i').exec(s);
    return m ? Number(m[1]) : null;
  };
  const axis = /SPHEROID\["[^"]*",\s*([\d.]+)/i.exec(s) ?? /ELLIPSOID\["[^"]*",\s*([\d.]+)/i.exec(s);
  const a = axis ? Number(axis[1]) : null;
  const isProjected = /^(PROJCS|PROJCRS)\[/i.test(s);
  const cgcs = /CGCS|China[ _]?(Geodetic|2000)|GRS[ _]?1980|GRS80/i.test(s);
  if (!isProjected) {
    if (a === 6378137) return cgcs ? 'EPSG:4490' : /WGS[ _]?(19)?84/i.test(s) ? 'EPSG:4326' : null;
    return null;
  }
  if (/Mercator/i.test(s) && !/Transverse/i.test(s) && a === 6378137) return 'EPSG:3857';
  if (!/Transverse_Mercator|Gauss_Kruger|Gauss-Kruger|Transverse Mercator/i.test(s)) return null;
  if (num('central_meridian') !== 120 && num('longitude of natural origin') !== 120) return null;
  const fe = num('false_easting') ?? num('false easting');
  if (a === 6378140) return fe === 500000 ? 'EPSG:2385' : null;
  if (a === 6378137 && cgcs) return fe === 500000 ? 'EPSG:4549' : fe === 40500000 ? 'EPSG:4528' : null;
  return null;
}

/** The supported CRS of a GeoJSON `crs` member name (urn:ogc:def:crs:EPSG::4549, EPSG:4549, CRS84), or null. */
export function crsFromName(name: string): string | null {
  if (/CRS84$/i.test(name)) return 'EPSG:4326';
  const m = /EPSG:{1,2}(\d+)$/i.exec(name);
  return m && CRS_WKT[`EPSG:${m[1]}`] ? `EPSG:${m[1]}` : null;
}
