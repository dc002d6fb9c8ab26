// Centre-wide settings (base map). Stored as JSON rows; every change is audited in the same transaction.
import type { Db } from '../db/connection.ts';
import type { Settings } from '../../../shared/model.ts';
import { audit, type CallContext } from '../context.ts';

const DEFAULTS: Settings = { baseLayer: { kind: 'none', opacity: 1 } };

/** Read and write centre settings. */
export class SettingsService {
  constructor(private readonly db: Db) {}

  get(): Settings {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'baseLayer'").get() as { value: string } | undefined;
    return { baseLayer: row ? JSON.parse(row.value) : DEFAULTS.baseLayer };
  }

  set(next: Settings, ctx: CallContext): Settings {
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO settings (key, value) VALUES ('baseLayer', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(next.baseLayer));
      audit(this.db, ctx, 'settings.set', 'baseLayer', JSON.stringify(next.baseLayer));
    })();
    return this.get();
  }
}
