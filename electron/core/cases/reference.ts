// The centre-editable tables (channels, working calendar, stage limits, routing, event- and component-class attributes):
// loaded from data/*.json into a database whose tables are still empty, then read from the database only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection.ts';
import { dataDir } from '../seed/seed.ts';

interface CalendarFile {
  years: Record<string, { holidays: Record<string, [string, string?]>; workdays: string[] }>;
}
interface RulesFile {
  stageLimits: { stage: string; kind?: string; class?: string; value: number; unit: string }[];
  routing: { kind: string; class: string; street?: string; dept: string; note?: string }[];
  nonPublicEventClasses: string[];
  eventAttributes: { class: string; code: string; datatype: string; required: boolean; description: string; order: number; values?: unknown[] }[];
}
interface ChannelRow {
  code: string;
  name: string;
  needsVerify: boolean;
}

const read = <T>(name: string): T => JSON.parse(readFileSync(path.join(dataDir(), name), 'utf8')) as T;
const empty = (db: Db, table: string) => !db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get();

/** Every date from a to b inclusive (YYYY-MM-DD). */
function* dates(a: string, b: string): Generator<string> {
  for (let t = Date.parse(`${a}T00:00:00Z`); t <= Date.parse(`${b}T00:00:00Z`); t += 86_400_000) yield new Date(t).toISOString().slice(0, 10);
}

/** Fills the empty reference tables from the shipped data files, in one transaction. */
export function loadReferenceData(db: Db): void {
  db.transaction(() => {
    if (empty(db, 'channels')) {
      const ins = db.prepare('INSERT INTO channels (code, name, needs_verify, ord) VALUES (?, ?, ?, ?)');
      read<ChannelRow[]>('channels.json').forEach((c, i) => ins.run(c.code, c.name, c.needsVerify ? 1 : 0, i + 1));
    }
    if (empty(db, 'calendar_days')) {
      const cal = read<CalendarFile>('calendar.json');
      const ins = db.prepare('INSERT OR REPLACE INTO calendar_days (date, kind, name) VALUES (?, ?, ?)');
      for (const y of Object.values(cal.years)) {
        // A one-day holiday may be written [day] or [day, day].
        for (const [name, [a, b = a]] of Object.entries(y.holidays)) for (const d of dates(a, b)) ins.run(d, 'holiday', name);
        for (const d of y.workdays) ins.run(d, 'workday', '调休上班');
      }
    }
    // Read only when a table it fills is empty: a centre that has its tables opens without touching the file.
    let loaded: RulesFile | undefined;
    const rules = () => (loaded ??= read<RulesFile>('case-rules.json'));
    if (empty(db, 'stage_limits')) {
      const ins = db.prepare('INSERT INTO stage_limits (stage, kind, class_code, value, unit) VALUES (?, ?, ?, ?, ?)');
      for (const l of rules().stageLimits) ins.run(l.stage, l.kind ?? '', l.class ?? '', l.value, l.unit);
    }
    if (empty(db, 'routing_rules')) {
      const ins = db.prepare('INSERT INTO routing_rules (kind, class_prefix, street_code, dept, note) VALUES (?, ?, ?, ?, ?)');
      const hasStreet = db.prepare('SELECT 1 FROM streets WHERE code = ?');
      for (const r of rules().routing) {
        if (r.street && !hasStreet.get(r.street)) continue; // a rule for a street this centre does not have
        ins.run(r.kind, r.class, r.street ?? null, r.dept, r.note ?? null);
      }
    }
    if (empty(db, 'event_class_attributes')) {
      const ins = db.prepare('INSERT INTO event_class_attributes (class_code, code, datatype, required, description, ord, vals) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const hasClass = db.prepare('SELECT 1 FROM event_classes WHERE code = ?');
      for (const a of rules().eventAttributes) {
        if (!hasClass.get(a.class)) continue;
        ins.run(a.class, a.code, a.datatype, a.required ? 1 : 0, a.description, a.order, a.values ? JSON.stringify(a.values) : null);
      }
      const np = db.prepare('UPDATE event_classes SET public = 0 WHERE code = ?');
      for (const c of rules().nonPublicEventClasses) np.run(c);
    }
    if (empty(db, 'component_class_attributes')) {
      const ins = db.prepare('INSERT INTO component_class_attributes (class_code, key, label, type, required, options, ord) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const hasClass = db.prepare('SELECT 1 FROM component_classes WHERE code = ?');
      read<{ attributes: { class: string; key: string; label: string; type: string; required: boolean; options?: string[] }[] }>(
        'component-attributes.json',
      ).attributes.forEach((a, i) => {
        if (hasClass.get(a.class)) ins.run(a.class, a.key, a.label, a.type, a.required ? 1 : 0, a.options ? JSON.stringify(a.options) : null, i);
      });
    }
  })();
}
