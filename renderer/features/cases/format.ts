// Display helpers for cases: times in China Standard Time and the clock badge of a case.
import { formatDuration, isoCst } from '../../../shared/calendar.ts';
import type { CaseClock } from '../../../shared/model.ts';

/** "2026-11-27 09:30" in CST. */
export function fullTime(t: number | null): string {
  return t == null ? '—' : isoCst(t).slice(0, 16).replace('T', ' ');
}

/** Text and class of a clock badge: remaining time, or how late. */
export function clockBadge(c: CaseClock, lang: string): { text: string; cls: string } {
  if (c.due == null || c.remainingMs == null) return { text: '—', cls: 'clock none' };
  const l = lang === 'en' ? 'en' : 'zh';
  if (c.overdue3x) return { text: formatDuration(c.remainingMs, l), cls: 'clock over3' };
  if (c.overdue) return { text: formatDuration(c.remainingMs, l), cls: 'clock over' };
  return { text: formatDuration(c.remainingMs, l), cls: c.remainingMs < 30 * 60_000 ? 'clock soon' : 'clock ok' };
}

/** Reads a picked image file as a contract photo (base64). */
export async function readPhoto(file: File): Promise<{ mime: 'image/jpeg' | 'image/png' | 'image/webp'; data: string }> {
  const mime = file.type as 'image/jpeg' | 'image/png' | 'image/webp';
  if (!['image/jpeg', 'image/png', 'image/webp'].includes(mime)) throw new Error(`${file.name}: JPEG, PNG or WebP only`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { mime, data: btoa(bin) };
}
