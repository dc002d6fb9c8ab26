// Duplicate suggestions (重复案件): cases of the same class near the same place in the last hours, shown before
// registration so a second report of one problem is merged instead of dispatched twice.
import type { Db } from '../db/connection.ts';
import { distanceM, metresToDegrees } from '../../../shared/geo.ts';
import type { DuplicateHit } from '../../../shared/model.ts';
import type { ParsedInputOf } from '../../../shared/contract/index.ts';
import type { SettingsService } from '../settings/service.ts';
import type { DeptFilter } from './scope.ts';

/** Finds duplicates within the centre's radius and time window (settings.duplicates). */
export class Duplicates {
  private readonly recent;

  constructor(
    db: Db,
    private readonly settings: SettingsService,
  ) {
    const sql = (scope: string) => `SELECT id, case_no, status, lon, lat, created_at, description FROM cases
      WHERE class_code = ? AND kind = ? AND created_at >= ? AND status != 'voided' AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?${scope} LIMIT 200`;
    this.recent = {
      all: db.prepare(sql('')),
      dept_code: db.prepare(sql(' AND dept_code = ?')),
      assignee_dept: db.prepare(sql(' AND assignee_dept = ?')),
    };
  }

  /** Nearest first; a department user (scope) sees only its own department's cases. */
  find(p: ParsedInputOf<'cases.duplicates'>, now: number, scope: DeptFilter | null): DuplicateHit[] {
    const { radiusM, hours } = this.settings.get().duplicates;
    const d = metresToDegrees(radiusM, p.lat);
    const args = [p.classCode, p.kind, now - hours * 3600_000, p.lon - d.dLon, p.lon + d.dLon, p.lat - d.dLat, p.lat + d.dLat];
    const rows = (scope ? this.recent[scope.col].all(...args, scope.dept) : this.recent.all.all(...args)) as {
      id: number;
      case_no: string;
      status: string;
      lon: number;
      lat: number;
      created_at: number;
      description: string;
    }[];
    return rows
      .filter((r) => r.id !== p.excludeId)
      .map((r) => ({
        id: r.id,
        caseNo: r.case_no,
        status: r.status,
        distanceM: Math.round(distanceM([p.lon, p.lat], [r.lon, r.lat]) * 10) / 10,
        createdAt: r.created_at,
        description: r.description,
      }))
      .filter((h) => h.distanceM <= radiusM)
      .sort((a, b) => a.distanceM - b.distanceM);
  }
}
