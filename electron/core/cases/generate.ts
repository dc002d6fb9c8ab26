// Historical cases for benchmarks and training: closed and void cases spread over the past two years, written in
// bulk, plus the centre's current open workload taken in and moved through the real workflow service.
import type { App } from '../app.ts';
import { rng } from '../seed/random.ts';
import { SYSTEM_USER } from '../context.ts';
import type { CaseActionInput } from '../../../shared/contract/cases.ts';
import type { CaseKind } from '../../../shared/model.ts';

const SUFFIX = ['，请尽快处理', '，影响行人通行', '，群众反映强烈', '，已持续多日', '，存在安全隐患', '，影响市容', '，夜间尤为严重', '，周边居民多次投诉', ''];
const PLACE = ['路口', '公交站旁', '小区门口', '菜场东侧', '学校对面', '河边步道', '人行道上', '绿化带内', '商铺门前', '桥下'];
const DAY = 86_400_000;

export interface GenerateOptions {
  count: number;
  seed?: number;
  openShare?: number;
  now?: number;
}

/** Adds `count` cases; about 0.3 % stay open in various states (through the real service). */
export function generateCases(app: App, opts: GenerateOptions): { count: number; ms: number } {
  const t0 = performance.now();
  const r = rng(opts.seed ?? 1);
  const now = opts.now ?? Date.now();
  const db = app.db;
  const streets = new Map((db.prepare('SELECT code, name FROM streets').all() as { code: string; name: string }[]).map((s) => [s.code, s.name]));
  const comms = new Map((db.prepare('SELECT code, name FROM communities').all() as { code: string; name: string }[]).map((s) => [s.code, s.name]));
  const events = db.prepare('SELECT code, name, default_dept FROM event_classes').all() as { code: string; name: string; default_dept: string | null }[];
  const maxComp = (db.prepare('SELECT max(id) AS n FROM components').get() as { n: number }).n;
  const compAt = db.prepare('SELECT code, class_code, dept1, lon, lat, grid_code FROM components WHERE id = ?');
  const channels = (db.prepare('SELECT code FROM channels').all() as { code: string }[]).map((c) => c.code);
  const b = app.meta.bounds;
  const locator = app.grid.cellLocator();
  const cls = (kind: string, code: string) => (kind === 'event' ? events.find((e) => e.code === code)?.name : app.catalog.componentClass(code)?.name) ?? code;

  type Pick = { kind: CaseKind; classCode: string; lon: number; lat: number; grid: string; comp: string | null; dept: string | null };
  const pick = (): Pick => {
    if (r() < 0.3 && maxComp) {
      for (;;) {
        const c = compAt.get(1 + Math.floor(r() * maxComp)) as
          { code: string; class_code: string; dept1: string | null; lon: number; lat: number; grid_code: string } | undefined;
        if (c) return { kind: 'component', classCode: c.class_code, lon: c.lon, lat: c.lat, grid: c.grid_code, comp: c.code, dept: c.dept1 };
      }
    }
    const e = events[Math.floor(r() * events.length)];
    for (;;) {
      const lon = b[0] + r() * (b[2] - b[0]);
      const lat = b[1] + r() * (b[3] - b[1]);
      const grid = locator.locate(lon, lat);
      if (grid) return { kind: 'event', classCode: e.code, lon, lat, grid, comp: null, dept: e.default_dept };
    }
  };
  const describe = (p: Pick) => {
    const street = streets.get(p.grid.slice(6, 9)) ?? '';
    const comm = comms.get(p.grid.slice(6, 12)) ?? '';
    const addr = `${street}${comm}${PLACE[Math.floor(r() * PLACE.length)]}`;
    return { addr, text: `${addr}${cls(p.kind, p.classCode)}${p.comp ? `（部件 ${p.comp}）` : ''}${SUFFIX[Math.floor(r() * SUFFIX.length)]}` };
  };

  const openCount = Math.min(opts.count, Math.max(0, Math.round(opts.count * (opts.openShare ?? 0.003))));
  const closedCount = opts.count - openCount;
  const insCase = db.prepare(`INSERT INTO cases (case_no, kind, class_code, channel, status, description, address, lon, lat, grid_code, community_code,
    street_code, component_code, dept_code, assignee_dept, close_type, created_at, updated_at, registered_at, dispatched_at, closed_at, version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 5)`);
  const insHist = db.prepare(`INSERT INTO case_history (case_id, at, actor_id, actor_name, role, action, from_status, to_status, reason, data)
    VALUES (?, ?, NULL, '历史数据', ?, ?, ?, ?, ?, '{"generated":true}')`);
  const routeCache = new Map<string, string | null>();
  const BATCH = 50_000;
  // Bulk inserts touch a dozen indexes at random places: give this connection a large page cache while it works.
  const cacheBefore = db.pragma('cache_size', { simple: true });
  db.pragma('cache_size = -1000000');
  // History is a bulk load: shipped to a replica as one snapshot, not as millions of change entries. The full-text
  // index is built once at the end ('rebuild') rather than row by row: its sync triggers are set aside meanwhile
  // and put back exactly as the schema had them.
  const ftsTriggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases' AND name LIKE 'cases_fts%'").all() as {
    name: string;
    sql: string;
  }[];
  app.changelog.bulk(`cases generate ${closedCount}`, () => {
    db.transaction(() => {
      for (const t of ftsTriggers) db.exec(`DROP TRIGGER "${t.name}"`);
    })();
    for (let done = 0; done < closedCount; done += BATCH) {
      db.transaction(() => {
        for (let k = done; k < Math.min(closedCount, done + BATCH); k++) {
          const p = pick();
          const created = now - 2 * DAY - Math.floor(r() * 730 * DAY);
          const caseNo = app.cases.store.nextCaseNo(created);
          const { addr, text } = describe(p);
          const key = `${p.kind}${p.classCode}${p.grid.slice(6, 9)}${p.comp ?? ''}`;
          let dept = routeCache.get(key);
          if (dept === undefined) {
            dept = app.cases.routing.route(p.kind, p.classCode, p.grid.slice(6, 9), p.comp);
            if (!p.comp) routeCache.set(key, dept);
          }
          const voided = r() < 0.03 || !dept;
          const closed = created + Math.floor((0.1 + r() * 3) * DAY);
          const closeType = voided ? null : r() < 0.04 ? 'self' : r() < 0.08 ? 'overdue' : 'normal';
          const res = insCase.run(
            caseNo,
            p.kind,
            p.classCode,
            channels[Math.floor(r() * channels.length)],
            voided ? 'voided' : 'closed',
            text,
            addr,
            p.lon,
            p.lat,
            p.grid,
            p.grid.slice(6, 12),
            p.grid.slice(6, 9),
            p.comp,
            voided ? null : dept,
            voided ? null : dept,
            closeType,
            created,
            closed,
            voided ? null : created + 1_800_000,
            voided ? null : created + 3_600_000,
            voided ? null : closed,
          );
          const id = Number(res.lastInsertRowid);
          insHist.run(id, created, 'operator', 'intake', null, 'pending_accept', null);
          if (voided) insHist.run(id, created + 600_000, 'shift_leader', 'void', 'pending_register', 'voided', '不符合立案条件');
          else {
            insHist.run(id, created + 3_600_000, 'dispatcher', 'dispatch', 'pending_dispatch', 'handling', null);
            insHist.run(id, closed, 'shift_leader', 'close', 'pending_close', 'closed', null);
          }
        }
      })();
    }
    db.transaction(() => {
      for (const t of ftsTriggers) db.exec(t.sql);
      db.prepare("INSERT INTO cases_fts (cases_fts) VALUES ('rebuild')").run();
    })();
  });
  db.pragma(`cache_size = ${cacheBefore}`);
  app.cases.counts.invalidate();
  db.pragma('analysis_limit = 400');
  db.exec('ANALYZE'); // fresh planner statistics for the case indexes

  // The open workload goes through the real service, so clocks, routing and history are exactly as in live use.
  const path = (id: number, version: number): CaseActionInput[] => [
    { id, version, action: 'accept' },
    { id, version, action: 'register' },
    { id, version, action: 'dispatch' },
    { id, version, action: 'handle', result: '已处理完毕' },
  ];
  for (let k = 0; k < openCount; k++) {
    const p = pick();
    const { addr, text } = describe(p);
    const ch = channels[Math.floor(r() * channels.length)];
    const createdAt = now - Math.floor(r() * 6 * 3600_000);
    const { detail } = app.cases.intake.take(
      {
        channel: ch,
        kind: p.kind,
        classCode: p.classCode,
        componentCode: p.comp ?? undefined,
        lon: p.comp ? undefined : p.lon,
        lat: p.comp ? undefined : p.lat,
        address: addr,
        description: text,
      },
      SYSTEM_USER,
      createdAt,
    );
    let version = detail.version;
    const steps = Math.floor(r() * 5);
    for (let s = 0; s < steps; s++) {
      try {
        const res = app.cases.workflow.act({ ...path(detail.id, version)[s], version }, SYSTEM_USER, createdAt + (s + 1) * 600_000);
        version = res.detail.version;
      } catch {
        break; // e.g. no department for the class: the case waits for a dispatcher's choice
      }
    }
  }
  return { count: opts.count, ms: performance.now() - t0 };
}
