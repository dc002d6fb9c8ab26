// The map's search box: a grid code, a component code (or a prefix of either), a street or community name.
import type { Db } from '../db/connection.ts';
import type { BBox, SearchHit } from '../../../shared/model.ts';
import { metresToDegrees } from '../../../shared/geo.ts';

/** A place's bounding box columns. */
interface BoxRow {
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
}
interface CellHit extends BoxRow {
  code: string;
  community: string;
}
interface ComponentHit {
  code: string;
  name: string;
  lon: number;
  lat: number;
}
interface StreetHit extends BoxRow {
  code: string;
  name: string;
}
interface CommunityHit extends StreetHit {
  street: string;
}

/** Search over codes and place names. */
export class SearchService {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      // Digit prefixes: a range scan on the unique code index (':' sorts right after '9').
      cells: db.prepare(`SELECT g.code, c.name AS community, g.min_lon, g.min_lat, g.max_lon, g.max_lat FROM grid_cells g
        JOIN communities c ON c.code = g.community_code WHERE g.code >= :lo AND g.code < :hi ORDER BY g.code LIMIT :limit`),
      components: db.prepare(`SELECT c.code, k.name, c.lon, c.lat FROM components c JOIN component_classes k ON k.code = c.class_code
        WHERE c.code >= :lo AND c.code < :hi AND c.retired_at IS NULL ORDER BY c.code LIMIT :limit`),
      streets: db.prepare(`SELECT code, name, min_lon, min_lat, max_lon, max_lat FROM streets WHERE instr(name, :q) > 0 ORDER BY code LIMIT :limit`),
      communities: db.prepare(`SELECT c.code, c.name, s.name AS street, c.min_lon, c.min_lat, c.max_lon, c.max_lat FROM communities c
        JOIN streets s ON s.code = c.street_code WHERE instr(c.name, :q) > 0 OR instr(s.name || c.name, :q) > 0 ORDER BY c.code LIMIT :limit`),
    };
  }

  query(raw: string, limit = 10): SearchHit[] {
    const q = raw.trim().replace(/\s+/g, '');
    const hits: SearchHit[] = [];
    const box = (r: BoxRow): BBox => [r.min_lon, r.min_lat, r.max_lon, r.max_lat];
    if (/^\d+$/.test(q)) {
      const range = { lo: q, hi: q + ':', limit };
      if (q.length <= 15) {
        for (const r of this.q.cells.all(range) as CellHit[]) hits.push({ kind: 'cell', code: r.code, label: `${r.code} · ${r.community}`, bbox: box(r) });
      }
      if (q.length >= 7 && hits.length < limit) {
        for (const r of this.q.components.all({ ...range, limit: limit - hits.length }) as ComponentHit[]) {
          const { dLon, dLat } = metresToDegrees(25, r.lat);
          hits.push({ kind: 'component', code: r.code, label: `${r.code} · ${r.name}`, bbox: [r.lon - dLon, r.lat - dLat, r.lon + dLon, r.lat + dLat] });
        }
      }
      // An exact match first.
      hits.sort((a, b) => Number(b.code === q) - Number(a.code === q));
      return hits.slice(0, limit);
    }
    for (const r of this.q.streets.all({ q, limit }) as StreetHit[]) hits.push({ kind: 'street', code: r.code, label: r.name, bbox: box(r) });
    for (const r of this.q.communities.all({ q, limit }) as CommunityHit[])
      hits.push({ kind: 'community', code: r.code, label: `${r.street} · ${r.name}`, bbox: box(r) });
    return hits.slice(0, limit);
  }
}
