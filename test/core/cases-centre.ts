// The centre the case suites (cases-*.test.ts) each set up for themselves: a private copy of the small template with an
// account of every role, a core on a clock the tests move, and the typed client as each account.
import { afterAll, beforeAll } from 'vitest';
import { Core } from '../../electron/core/core.ts';
import { addUsers, coreClient, passwordOf, smallDbCopy, type TestClient, type TestUser, testCore } from '../helpers.ts';
import type { InputOf, PushEvent } from '../../shared/contract/index.ts';
import type { CaseAction } from '../../shared/workflow.ts';
import type { CaseDetail } from '../../shared/model.ts';

// Tuesday 2026-11-24 09:00 CST.
export const T0 = Date.parse('2026-11-24T09:00:00+08:00');
/** A 1×1 PNG, base64. */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a1d9b2a10000000049454e44ae426082',
  'hex',
).toString('base64');

/** One account of each role (three departments: 供水 D07, a street office D27, 环卫 D03). */
export const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader', phone: '13800000001' },
  { name: 'disp', role: 'dispatcher' },
  { name: 'sup', role: 'supervisor' },
  { name: 'boss', role: 'leader' },
  { name: 'gis', role: 'gis_editor' },
  { name: 'dr', role: 'dr_operator' },
  { name: 'adm', role: 'admin' },
  { name: 'water', role: 'department', department: 'D07' },
  { name: 'street1', role: 'department', department: 'D27' },
  { name: 'env', role: 'department', department: 'D03' },
];

/** What one workflow action carries beyond the case, its version and the action's name. */
export type ActExtra<A extends CaseAction> = Omit<Extract<InputOf<'cases.act'>, { action: A }>, 'id' | 'version' | 'action'>;

/** The centre of one suite. `file`, `core` and `now` are set once the suite's beforeAll ran. */
export interface CaseCentre {
  readonly file: string;
  readonly core: Core;
  /** The core's clock. */
  readonly now: number;
  /** Session tokens by account name. */
  readonly tokens: Record<string, string>;
  /** Every event the core pushed. */
  readonly events: PushEvent[];
  /** The typed client calling as an account (its current session). */
  as(name: string): TestClient;
  /** Logs everyone in at the current clock (sessions expire after 12 idle hours of the core's clock). */
  relogin(): Promise<void>;
  /** Runs fn with the clock moved to t, then puts the clock back. */
  at(t: number, fn: () => Promise<void>): Promise<void>;
  /** A point inside the city and the street it is in. */
  place(): Promise<{ lon: number; lat: number; street: string }>;
  /** A fresh hotline case (待受理) of a class. */
  newCase(classCode?: string): Promise<CaseDetail>;
  /** A fresh case taken through 受理, 立案 and 派遣: 处置中 at the routed department. */
  dispatchedCase(classCode?: string): Promise<CaseDetail>;
  /** One workflow action on a case as an account; the case as it is after. */
  step<A extends CaseAction>(name: string, c: { id: number; version: number }, action: A, extra?: ActExtra<A>): Promise<CaseDetail>;
}

/** Registers the suite's beforeAll / afterAll: a fresh centre, everyone logged in, the queue counts cached (later
 * writes keep them up to date), then `prepare` (the suite's own data). */
export function caseCentre(prepare?: (centre: CaseCentre) => Promise<void>): CaseCentre {
  let file = '';
  let core: Core | undefined;
  let now = T0;
  const tokens: Record<string, string> = {};
  const events: PushEvent[] = [];
  const centre: CaseCentre = {
    get file() {
      return file;
    },
    get core() {
      if (!core) throw new Error('the case centre is not open yet (use it inside a test or hook)');
      return core;
    },
    get now() {
      return now;
    },
    tokens,
    events,
    as: (name) => coreClient(centre.core, () => ({ actor: name, via: 'test', token: tokens[name] })),
    async relogin() {
      for (const name of Object.keys(tokens).length ? Object.keys(tokens) : USERS.map((u) => u.name)) {
        tokens[name] = (await centre.as(name).ok('auth.login', { name, password: passwordOf(name) })).token;
      }
    },
    async at(t, fn) {
      now = t;
      await centre.relogin();
      try {
        await fn();
      } finally {
        now = T0;
      }
    },
    async place() {
      const cell = await centre.as('op').ok('grid.locate', { lon: 119.92, lat: 32.46 });
      return { lon: 119.92, lat: 32.46, street: cell.streetCode };
    },
    async newCase(classCode = '0102') {
      const p = await centre.place();
      return centre.as('op').ok('cases.intake', { channel: 'hotline', classCode, lon: p.lon, lat: p.lat, description: `测试案件 ${classCode}` });
    },
    async dispatchedCase(classCode = '0102') {
      let c = await centre.newCase(classCode);
      for (const [who, a] of [
        ['op', 'accept'],
        ['lead', 'register'],
        ['disp', 'dispatch'],
      ] as const)
        c = await centre.step(who, c, a);
      return c;
    },
    step(name, c, action, extra) {
      const input = { id: c.id, version: c.version, action, ...extra } as InputOf<'cases.act'>;
      return centre.as(name).ok('cases.act', input);
    },
  };
  beforeAll(async () => {
    file = smallDbCopy();
    await addUsers(file, USERS);
    core = testCore({ dbPath: file, clock: () => now });
    core.subscribe((e) => events.push(e));
    await centre.relogin();
    // Counts cached now are kept up to date by every later write (the queue suite checks them against a fresh core).
    await centre.as('env').ok('cases.counts', {});
    await centre.as('adm').ok('cases.counts', {});
    await prepare?.(centre);
  });
  afterAll(() => core?.close());
  return centre;
}
