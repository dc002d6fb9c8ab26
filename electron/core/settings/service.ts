// Centre-wide settings (base map, working hours, duplicate rule, SMS gateway). One JSON row per key; every change
// is audited in the same transaction. The SMS gateway's URL and template are secrets: kept apart (settings/secrets.ts),
// used for delivery, shown to nobody (the API returns the URL's scheme and host only) and never in the audit.
import type { Db } from '../db/connection.ts';
import type { Settings } from '../../../shared/model.ts';
import { audit, type CallContext } from '../context.ts';
import { makeCalendar } from '../../../shared/calendar.ts';
import { ApiError } from '../../../shared/errors.ts';
import { maskUrl, Secrets } from './secrets.ts';

export const DEFAULT_SETTINGS: Settings = {
  baseLayer: { kind: 'none', opacity: 1 },
  workHours: [
    ['08:30', '12:00'],
    ['14:00', '17:30'],
  ],
  duplicates: { radiusM: 50, hours: 24 },
  sms: { kind: 'log' },
  open311: { publicChannels: [] },
};
const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/** Read and write centre settings. */
export class SettingsService {
  private cache: Settings | null = null;
  private readonly secrets: Secrets;

  constructor(private readonly db: Db) {
    this.secrets = new Secrets(db);
  }

  /** The settings with their secrets, for the core's own use (SMS delivery). Never return this through the API. */
  get(): Settings {
    if (this.cache) return this.cache;
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const out = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
    for (const r of rows) if ((KEYS as string[]).includes(r.key)) out[r.key] = JSON.parse(r.value);
    const settings = out as unknown as Settings;
    settings.sms = { ...settings.sms, ...this.secrets.get<Settings['sms']>('sms') };
    this.cache = settings;
    return this.cache;
  }

  /** The settings as the API shows them: secrets left out (the SMS gateway URL as its scheme and host only). */
  shown(): Settings {
    const s = this.get();
    return { ...s, sms: { kind: s.sms.kind, ...(s.sms.url ? { url: maskUrl(s.sms.url) } : {}) } };
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
        let value = next[k];
        if (k === 'sms' && next.sms) {
          // The secret parts go to local_secrets; the replicated row and the audit see the gateway's kind only.
          this.secrets.set('sms', { url: next.sms.url, template: next.sms.template });
          value = { kind: next.sms.kind };
        }
        const v = JSON.stringify(value);
        this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(k, v);
        audit(this.db, ctx, 'settings.set', k, v);
      }
    })();
    this.cache = null;
    return this.shown();
  }
}
