// The centre-editable tables a new centre starts from (data/*.json, loaded on the first open): the working calendar
// holds every statutory holiday of the shipped years, one-day holidays included, and every 调休 working day.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { smallDbCopy, testCore } from '../helpers.ts';

interface CalendarFile {
  years: Record<string, { holidays: Record<string, string[]>; workdays: string[] }>;
}

describe('the working calendar a centre starts with', () => {
  it('holds every holiday and make-up working day of data/calendar.json, 2025 元旦 (one day) among them', () => {
    const file = JSON.parse(readFileSync(new URL('../../data/calendar.json', import.meta.url), 'utf8')) as CalendarFile;
    const core = testCore({ dbPath: smallDbCopy() });
    try {
      const days = new Map(
        (core.app.db.prepare('SELECT date, kind FROM calendar_days').all() as { date: string; kind: string }[]).map((r) => [r.date, r.kind]),
      );
      expect(days.get('2025-01-01')).toBe('holiday');
      for (const y of Object.values(file.years)) {
        for (const [name, range] of Object.entries(y.holidays)) {
          const [first, last = first] = range;
          for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
            const d = new Date(t).toISOString().slice(0, 10);
            expect(days.get(d), `${name} ${d}`).toBe('holiday');
          }
        }
        for (const d of y.workdays) expect(days.get(d), `调休 ${d}`).toBe('workday');
      }
    } finally {
      core.close();
    }
  });
});
