// Centre-wide settings (base map, working hours, duplicate rule, SMS gateway). One JSON row per key; every change
// is audited in the same transaction.
import type { Db } from '../db/connection.ts';
import type { Settings } from '../../../shared/model.ts';
import { audit, type CallContext } from '../context.ts';
import { makeCalendar } from '../../../shared/calendar.ts';
import { ApiError } from '../../../shared/errors.ts';

export const DEFAULT_SETTINGS: Settings = {
  baseLayer: { kind: 'none', opacity: 1 },
  workHours: [
    ['08:30', '12:00'],
    ['14:00', '17:30'],
  ],
  duplicates: { radiusM: 50, hours: 24 },
  sms: { kind: 'log' },
};
const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/** Read and write centre settings. */
export class SettingsService {
  private cache: Settings | null = null;
  constructor(private readonly db: Db) {}

  get(): Settings {
    if (this.cache) return this.cache;
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const out = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
    for (const r of rows) if ((KEYS as string[]).includes(r.key)) out[r.key] = JSON.parse(r.value);
    this.cache = out as unknown as Settings;
    return this.cache;
  }

  invalidate(): void {
    this.cache = null;
  }

  /** Changes the given keys; the others keep their values. Working hours must make a calendar (ordered, not
   * overlapping periods). */
  set(next: Partial<Settings>, ctx: CallContext): Settings {
    if (next.workHours) {
      try {
        makeCalendar(next.workHours, [], []);
      } catch (e) {
        throw new ApiError('BAD_INPUT', (e as Error).message, { field: 'workHours' });
      }
    }
    this.db.transaction(() => {
      for (const k of KEYS) {
        if (next[k] === undefined) continue;
        const v = JSON.stringify(next[k]);
        this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(k, v);
        audit(this.db, ctx, 'settings.set', k, v);
      }
    })();
    this.cache = null;
    return this.get();
  }
}
