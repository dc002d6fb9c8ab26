// Overdue alerts and the SMS gateway. The sweep finds stage deadlines that have passed (and 3× overdue), records one
// alert per case, stage and kind, and queues an SMS to every shift leader when a case was not registered in time
// (立案超时). The outbox sends through the configured gateway with retries; the default gateway only logs.
import type { Db } from '../db/connection.ts';
import type { AlertInfo, SmsMessage, SmsSettings } from '../../../shared/model.ts';
import { STAGE_NAMES, type Stage } from '../../../shared/workflow.ts';
import { isoCst } from '../../../shared/calendar.ts';
import { ApiError } from '../../../shared/errors.ts';

/** Stages whose overdue means "not registered within its limit". */
const REGISTRATION_STAGES: Stage[] = ['accept', 'verify', 'register'];
const MAX_ATTEMPTS = 5;

/** Sends one SMS; resolves on delivery, rejects with the gateway's error. */
export type SmsSender = (phone: string, text: string) => Promise<void>;

/** The HTTP gateway: POSTs the template with {phone} and {text} filled in (JSON-escaped). */
export function httpSender(s: SmsSettings, timeoutMs = 5000): SmsSender {
  return async (phone, text) => {
    if (!s.url) throw new Error('the HTTP SMS gateway has no URL');
    const esc = (v: string) => JSON.stringify(v).slice(1, -1);
    const body = (s.template ?? '{"phone":"{phone}","text":"{text}"}').replaceAll('{phone}', esc(phone)).replaceAll('{text}', esc(text));
    const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`gateway answered ${res.status}`);
  };
}

/** A row of alerts joined with its case number. */
interface AlertRow {
  id: number;
  at: number;
  case_id: number;
  case_no: string;
  stage: string;
  kind: AlertInfo['kind'];
  message: string;
}

/** A row of sms_outbox. */
interface SmsRow {
  id: number;
  created_at: number;
  to_phone: string;
  body: string;
  case_id: number | null;
  status: SmsMessage['status'];
  attempts: number;
  last_error: string | null;
  sent_at: number | null;
}

/** Overdue alerts and the SMS outbox. */
export class AlertService {
  constructor(private readonly db: Db) {}

  /** Records new overdue alerts at `now`; returns them (for push) and queues SMS for 立案超时. */
  sweep(now: number): AlertInfo[] {
    const found: AlertInfo[] = [];
    this.db.transaction(() => {
      const cand = this.db.prepare(`SELECT id, case_no, stage, stage_started, stage_due, stage_due3x FROM cases WHERE stage_due < ?`).all(now) as {
        id: number;
        case_no: string;
        stage: Stage;
        stage_started: number;
        stage_due: number;
        stage_due3x: number | null;
      }[];
      const mark = this.db.prepare('INSERT OR IGNORE INTO alert_marks (case_id, stage_started, kind) VALUES (?, ?, ?)');
      const ins = this.db.prepare('INSERT INTO alerts (at, case_id, stage, kind, message) VALUES (?, ?, ?, ?, ?)');
      const leaders = this.db.prepare("SELECT id, phone FROM users WHERE role = 'shift_leader' AND disabled = 0 AND phone IS NOT NULL").all() as {
        id: number;
        phone: string;
      }[];
      const sms = this.db.prepare('INSERT INTO sms_outbox (created_at, to_phone, to_user, body, case_id, next_attempt) VALUES (?, ?, ?, ?, ?, ?)');
      for (const c of cand) {
        const kinds: ('overdue' | 'overdue3x')[] = ['overdue'];
        if (c.stage_due3x != null && c.stage_due3x < now) kinds.push('overdue3x');
        for (const kind of kinds) {
          if (mark.run(c.id, c.stage_started, kind).changes === 0) continue;
          const stageName = STAGE_NAMES[c.stage] ?? c.stage;
          const message =
            kind === 'overdue'
              ? `案件 ${c.case_no} ${stageName}超时（时限 ${isoCst(c.stage_due).slice(0, 16).replace('T', ' ')}）`
              : `案件 ${c.case_no} ${stageName}超时三倍以上`;
          const r = ins.run(now, c.id, c.stage, kind, message);
          found.push({ id: Number(r.lastInsertRowid), at: now, caseId: c.id, caseNo: c.case_no, stage: c.stage, kind, message });
          if (kind === 'overdue' && REGISTRATION_STAGES.includes(c.stage)) {
            for (const l of leaders)
              sms.run(
                now,
                l.phone,
                l.id,
                `【数字城管】立案超时：案件${c.case_no}未在时限内立案（${stageName}时限 ${isoCst(c.stage_due).slice(0, 16).replace('T', ' ')}），请及时处理。`,
                c.id,
                now,
              );
          }
        }
      }
    })();
    return found;
  }

  /** Alerts nobody has acknowledged yet and that still hold at `now`, newest first: the case is still in the stage
   * that ran late and still past that deadline (an approved extension, a suspension or the case moving on ends an
   * alert; it stays in the table for the monthly evaluation). */
  open(now: number, limit = 200): AlertInfo[] {
    return (
      this.db
        .prepare(
          `SELECT a.id, a.at, a.case_id, c.case_no, a.stage, a.kind, a.message FROM alerts a JOIN cases c ON c.id = a.case_id
      WHERE a.acked_at IS NULL AND c.stage = a.stage
        AND CASE a.kind WHEN 'overdue3x' THEN c.stage_due3x ELSE c.stage_due END < ?
      ORDER BY a.id DESC LIMIT ?`,
        )
        .all(now, limit) as AlertRow[]
    ).map((r) => ({ id: r.id, at: r.at, caseId: r.case_id, caseNo: r.case_no, stage: r.stage, kind: r.kind, message: r.message }));
  }

  ack(ids: number[], who: string, now: number): number {
    const st = this.db.prepare('UPDATE alerts SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL');
    return this.db.transaction(() => ids.reduce((n, id) => n + st.run(now, who, id).changes, 0))();
  }

  outbox(limit = 200): SmsMessage[] {
    return (this.db.prepare('SELECT * FROM sms_outbox ORDER BY id DESC LIMIT ?').all(limit) as SmsRow[]).map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      toPhone: r.to_phone,
      body: r.body,
      caseId: r.case_id,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      sentAt: r.sent_at,
    }));
  }

  /** Puts a failed message back in the queue. */
  retry(id: number, now: number): void {
    const r = this.db.transaction(() =>
      this.db.prepare("UPDATE sms_outbox SET status = 'queued', attempts = 0, next_attempt = ? WHERE id = ? AND status = 'failed'").run(now, id),
    )();
    if (!r.changes) throw new ApiError('NOT_FOUND', `no failed SMS ${id}`);
  }

  /** Sends due messages through the gateway; 'log' marks them logged. Returns how many changed status. */
  async deliver(settings: SmsSettings, now: number, sender?: SmsSender): Promise<number> {
    const due = this.db
      .prepare("SELECT id, to_phone, body, attempts FROM sms_outbox WHERE status = 'queued' AND next_attempt <= ? ORDER BY id LIMIT 50")
      .all(now) as { id: number; to_phone: string; body: string; attempts: number }[];
    if (due.length === 0) return 0;
    if (settings.kind === 'log') {
      const st = this.db.prepare("UPDATE sms_outbox SET status = 'logged', sent_at = ?, attempts = attempts + 1 WHERE id = ? AND status = 'queued'");
      this.db.transaction(() => due.forEach((m) => st.run(now, m.id)))();
      return due.length;
    }
    const send = sender ?? httpSender(settings);
    let changed = 0;
    for (const m of due) {
      try {
        await send(m.to_phone, m.body);
        this.db.transaction(() =>
          this.db.prepare("UPDATE sms_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?").run(Date.now(), m.id),
        )();
        changed++;
      } catch (e) {
        const attempts = m.attempts + 1;
        const failed = attempts >= MAX_ATTEMPTS;
        // Back off 10 s, 20 s, 40 s, 80 s between attempts.
        this.db.transaction(() =>
          this.db
            .prepare('UPDATE sms_outbox SET status = ?, attempts = ?, next_attempt = ?, last_error = ? WHERE id = ?')
            .run(failed ? 'failed' : 'queued', attempts, now + 10_000 * 2 ** (attempts - 1), String((e as Error).message).slice(0, 300), m.id),
        )();
        if (failed) changed++;
      }
    }
    return changed;
  }
}
