// Case time limits through the core's invoke: overdue and 3× overdue on the working clock, alerts raised once and
// acknowledged, SMS queued for the shift leader and delivered through the log or an HTTP gateway that retries.
import { describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { caseCentre, T0 } from './cases-centre.ts';

const centre = caseCentre();
const { as, at, newCase, dispatchedCase, step } = centre;

describe('time limits, alerts and SMS', () => {
  it('marks a case overdue after its limit and 3× overdue after three times; alerts once; queues an SMS for 立案超时', async () => {
    const c = await newCase(); // accept limit 0.5 working hour from Tuesday 09:00 → due 09:30
    expect(new Date(c.clock.due ?? NaN).toISOString()).toBe('2026-11-24T01:30:00.000Z');
    await at(T0 + 40 * 60_000, async () => {
      const { core, now } = centre;
      const late = await as('op').ok('cases.get', { id: c.id });
      expect(late.clock).toMatchObject({ overdue: true, overdue3x: false });
      expect((await as('op').ok('cases.list', { queue: 'overdue' })).items.map((x) => x.id)).toContain(c.id);
      const raised = core.app.alerts.sweep(now);
      expect(raised.some((a) => a.caseId === c.id && a.kind === 'overdue')).toBe(true);
      expect(core.app.alerts.sweep(now).filter((a) => a.caseId === c.id)).toEqual([]); // once only
      const sms = await as('lead').ok('sms.outbox', {});
      expect(sms.some((m) => m.caseId === c.id && m.toPhone === '13800000001' && m.body.includes('立案超时') && m.status === 'queued')).toBe(true);
    });
    await at(T0 + 100 * 60_000, async () => {
      const { core, now } = centre;
      // 3 × 30 min = 10:30
      expect((await as('op').ok('cases.get', { id: c.id })).clock.overdue3x).toBe(true);
      expect(core.app.alerts.sweep(now).some((a) => a.caseId === c.id && a.kind === 'overdue3x')).toBe(true);
      const open = await as('op').ok('alerts.list', {});
      expect(open.length).toBeGreaterThan(0);
      expect((await as('op').ok('alerts.ack', { ids: open.map((a) => a.id) })).acked).toBe(open.length);
      expect(await as('op').ok('alerts.list', {})).toEqual([]);
    });
  });

  it('an approved extension ends the overdue alert in the list; the message gives the deadline as a plain time', async () => {
    let c = await dispatchedCase();
    const due = c.clock.due!;
    await at(due + 60_000, async () => {
      await centre.relogin();
      centre.core.app.alerts.sweep(centre.now);
      const mine = async () => (await as('op').ok('alerts.list', {})).filter((a) => a.caseId === c.id);
      const [alert] = await mine();
      expect(alert.message).toMatch(/（时限 \d{4}-\d\d-\d\d \d\d:\d\d）$/);
      c = await step('env', c, 'requestExtension', { reason: '需要协调', extension: { value: 2, unit: 'work_day' } });
      expect(await mine()).toHaveLength(1); // a request alone changes nothing
      c = await step('disp', c, 'approveExtension');
      expect(c.clock.due).toBeGreaterThan(centre.now);
      expect(await mine()).toEqual([]);
    });
  });

  it('the default gateway logs; the HTTP gateway retries until the gateway accepts', async () => {
    const { core, now } = centre;
    expect(await core.app.alerts.deliver({ kind: 'log' }, now + 86_400_000)).toBeGreaterThan(0);
    expect((await as('lead').ok('sms.outbox', {})).every((m) => m.status === 'logged')).toBe(true);
    // A local gateway that fails once, then accepts.
    const got: string[] = [];
    let calls = 0;
    const gw = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        calls++;
        if (calls === 1) {
          res.statusCode = 503;
          res.end();
          return;
        }
        got.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => gw.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(gw.address() as AddressInfo).port}/send`;
    core.app.db.transaction(() =>
      core.app.db.prepare("INSERT INTO sms_outbox (created_at, to_phone, body, next_attempt) VALUES (?, '13800000001', '测试短信', ?)").run(now, now),
    )();
    const settings = { kind: 'http' as const, url, template: '{"to":"{phone}","msg":"{text}"}' };
    await core.app.alerts.deliver(settings, now);
    let last = (await as('lead').ok('sms.outbox', {}))[0];
    expect(last).toMatchObject({ status: 'queued', attempts: 1, lastError: 'gateway answered 503' });
    await core.app.alerts.deliver(settings, now + 60_000);
    last = (await as('lead').ok('sms.outbox', {}))[0];
    expect(last).toMatchObject({ status: 'sent', attempts: 2 });
    expect(JSON.parse(got[0])).toEqual({ to: '13800000001', msg: '测试短信' });
    gw.close();
  });
});
