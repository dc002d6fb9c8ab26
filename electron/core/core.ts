// The core: owns the database (sole writer), registers one handler per contract method, and publishes push events.
// It never imports 'electron'; the desktop app hosts it in a worker thread, `cityops serve` in-process.
import { existsSync } from 'node:fs';
import { openDatabase, type Db } from './db/connection.ts';
import { migrate, schemaVersion } from './db/migrate.ts';
import { ApiError, type ApiResult } from '../../shared/errors.ts';
import type { MethodName, ParsedInputOf, PushEvent, ResultOf } from '../../shared/contract.ts';
import { parseInput } from '../../shared/validate.ts';
import type { AppInfo, BBox } from '../../shared/model.ts';
import { audit, type CallContext } from './context.ts';
import { GridService } from './grid/service.ts';
import { ComponentService } from './components/service.ts';
import { CatalogService } from './catalog/service.ts';
import { SearchService } from './search/service.ts';
import { SettingsService } from './settings/service.ts';
import { AuthService } from './auth/service.ts';
import { CaseService, type CaseChange } from './cases/service.ts';
import { AlertService } from './cases/alerts.ts';
import { loadReferenceData } from './cases/reference.ts';
import { Open311Facade } from './open311/service.ts';
import { contract } from '../../shared/contract.ts';
import { makeCalendar } from '../../shared/calendar.ts';
import type { ReplicationStatus, User } from '../../shared/model.ts';
import { ChangeLog } from './replication/changelog.ts';
import { Replicator, type ReplicatorOptions } from './replication/replicator.ts';
import { replicaClient } from './replication/client.ts';
import { verifyReplica } from './replication/verify.ts';
import { DrService } from './replication/dr.ts';
import { EditService, refuseOnProblems } from './editing/service.ts';
import { GridEditor } from './editing/grid.ts';
import { ComponentRenderCache, type RenderRow } from './components/renderCache.ts';
import { recordBox } from './editing/records.ts';
import { boxesMeet, ringBBox } from '../../shared/geo.ts';
import { UploadStore } from './gis/uploads.ts';
import { runImport } from './gis/importer.ts';
import { exportLayer } from './gis/exporter.ts';
import { gisBytes, writeGisFile } from './gis/write.ts';
import type { CommitResult } from '../../shared/editing.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Carries a refused write's result out of its savepoint so the savepoint rolls back. */
class Refused extends Error {
  constructor(readonly result: ApiResult<unknown>) {
    super('refused');
  }
}

/** Codes a components.changed event carries at most (beyond, it carries none). */
const MAX_PUSHED_CODES = 5000;

/** Version reported by app.info. */
export const CITYOPS_VERSION = '0.1.0';

/** The context a handler runs in: the caller, resolved to a user (null only for public methods). */
export type HandlerContext = Omit<CallContext, 'user'> & { user: User | null };
/** One handler per method, typed by the contract: adding a method without a handler does not compile. */
export type Handlers = { [M in MethodName]: (input: ParsedInputOf<M>, ctx: HandlerContext) => ResultOf<M> | Promise<ResultOf<M>> };

/** What a transport needs from a core, wherever it runs (in-process or in a worker). */
export interface CoreLike {
  invoke(method: string, raw: unknown, ctx: CallContext): Promise<ApiResult<unknown>>;
  subscribe(listener: (ev: PushEvent) => void): () => void;
  close(): Promise<void> | void;
}

/** Options for opening a core. */
export interface CoreOptions {
  dbPath: string;
  /** Refuse to start on a database without the sample city or a real centre (default true). */
  requireSeeded?: boolean;
  /** The clock (epoch ms); tests move it to make deadlines pass. */
  clock?: () => number;
}

/** The in-process core. */
export class Core implements CoreLike {
  readonly db: Db;
  readonly grid: GridService;
  readonly components: ComponentService;
  readonly catalog: CatalogService;
  readonly search: SearchService;
  readonly settings: SettingsService;
  readonly auth: AuthService;
  readonly cases: CaseService;
  readonly alerts: AlertService;
  readonly open311: Open311Facade;
  readonly now: () => number;
  readonly file: string;
  readonly changelog: ChangeLog;
  readonly dr: DrService;
  readonly edits: EditService;
  readonly gridEditor: GridEditor;
  readonly adminCode: string;
  private readonly uploads = new UploadStore();
  /** The component layer as of one past time (the map's history view): built on demand, one kept. */
  private asOfView: { t: number; cache: ComponentRenderCache } | null = null;
  /** The shipper, when off-site replication is configured. */
  replicator: Replicator | null = null;
  private timers: NodeJS.Timeout[] = [];
  private writeQueue: { method: string; raw: unknown; ctx: CallContext; resolve: (r: ApiResult<unknown>) => void }[] = [];
  private deferred: PushEvent[] | null = null;
  private readonly listeners = new Set<(ev: PushEvent) => void>();
  private readonly handlers: Handlers;
  /** District bounds from meta, read once: a map click checks them and must not count tables to get them. */
  private readonly bounds: BBox;

  constructor(opts: CoreOptions) {
    if (!existsSync(opts.dbPath)) throw new Error(`database ${opts.dbPath} does not exist (create it with: cityops seed --db ${opts.dbPath})`);
    this.db = openDatabase(opts.dbPath);
    this.file = opts.dbPath;
    this.now = opts.clock ?? Date.now;
    // The change log's SQL functions must exist before migrations run (its triggers live in the file).
    this.changelog = new ChangeLog(this.db, this.now);
    migrate(this.db);
    this.changelog.installTriggers();
    // Planner statistics for the case indexes: cheap (sampled), and only tables whose stats are stale are analysed.
    this.db.pragma('analysis_limit = 400');
    this.db.pragma('optimize = 0x10002');
    if (opts.requireSeeded !== false) {
      const n = (this.db.prepare('SELECT count(*) AS n FROM grid_cells').get() as { n: number }).n;
      if (n === 0) throw new Error(`database ${opts.dbPath} has no unit grid; seed it first (cityops seed --db FILE)`);
    }
    const b = this.db.prepare("SELECT value FROM meta WHERE key = 'bounds'").get() as { value: string } | undefined;
    this.bounds = b ? JSON.parse(b.value) : [0, 0, 0, 0];
    this.catalog = new CatalogService(this.db);
    this.grid = new GridService(this.db);
    this.components = new ComponentService(this.db, this.catalog);
    this.search = new SearchService(this.db);
    this.settings = new SettingsService(this.db);
    this.auth = new AuthService(this.db);
    this.cases = new CaseService(this.db, this.catalog, this.grid, this.components, this.settings);
    this.alerts = new AlertService(this.db);
    this.open311 = new Open311Facade(this.db, this.cases, this.auth, this.catalog);
    this.dr = new DrService(this.db, this.file, this.now);
    this.adminCode = (this.db.prepare("SELECT value FROM meta WHERE key = 'admin_code'").get() as { value: string } | undefined)?.value ?? '';
    this.edits = new EditService(this.db, this.catalog, this.grid, this.components, { adminCode: this.adminCode, bounds: this.bounds, now: this.now });
    this.gridEditor = new GridEditor(this.db, this.grid, this.edits, this.adminCode, this.now);
    if (opts.requireSeeded !== false || this.hasDepartments()) loadReferenceData(this.db);
    const userOf = (ctx: HandlerContext) => ctx.user!;
    const caseWrite = (r: { detail: import('../../shared/model.ts').CaseDetail; change: CaseChange }) => {
      this.emit({ type: 'cases.changed', payload: { ...r.change, at: this.now() } });
      return r.detail;
    };
    this.handlers = {
      'app.info': () => this.info(),
      'catalog.componentClasses': () => this.catalog.componentClasses(),
      'catalog.eventClasses': () => this.catalog.eventClasses(),
      'catalog.departments': () => this.catalog.departments(),
      'grid.streets': () => this.grid.streets(),
      'grid.communities': () => this.grid.communities(),
      'grid.boundaries': (i) => this.grid.boundaries(i.kind),
      'grid.cells': (i) => {
        if (!i.asOf) return this.grid.cells(i.bbox as BBox | undefined);
        const b = i.bbox as BBox | undefined;
        return this.grid.pack(this.gridEditor.cellsAsOf(Date.parse(i.asOf)).filter((c) => !b || boxesMeet(ringBBox(c.ring), b)));
      },
      'grid.cell': (i) => this.grid.cell(i.code),
      'grid.locate': (i) => this.grid.locate(i.lon, i.lat),
      'components.view': (i) =>
        this.components.view(i.bbox as BBox, i.resolution, i.maxFeatures ?? 80_000, i.classes, i.asOf ? this.asOfCache(Date.parse(i.asOf)) : undefined),
      'components.get': (i) => this.components.get(i.code),
      'components.byId': (i) => this.components.byId(i.id),
      'components.at': (i) => {
        this.requireInCity(i.lon, i.lat);
        return this.components.at(i.lon, i.lat, i.radiusM, i.classes);
      },
      'components.inExtent': (i) => this.components.inExtent(i.bbox as BBox, i.limit, i.classes),
      'components.shapes': (i) => this.shapesAsOf(i.bbox as BBox, i.limit ?? 5000, i.classes, i.asOf ? Date.parse(i.asOf) : null),
      'components.stats': () => this.components.stats(),
      'components.record': (i) => {
        const c = this.edits.current(i.code);
        if (!c) throw new ApiError('NOT_FOUND', `no component with code ${i.code}`, { field: 'code' });
        const photoIds = (this.db.prepare('SELECT id FROM component_photos WHERE component_id = ? ORDER BY id').all(c.id) as { id: number }[]).map((r) => r.id);
        return { id: c.id, version: c.version, record: c.rec, photoIds };
      },
      'components.photo': (i) => {
        const r = this.db.prepare('SELECT data FROM component_photos WHERE id = ?').get(i.id) as { data: Buffer } | undefined;
        if (!r) throw new ApiError('NOT_FOUND', `no component photo ${i.id}`, { field: 'id' });
        return new Uint8Array(r.data);
      },
      'components.classAttributes': () => this.edits.classAttributes(),
      'components.nextCode': (i) => ({ code: this.edits.nextCode(i.classCode) }),
      'components.validate': (i) => this.edits.validate(i.changes),
      'components.commit': (i, ctx) => this.committed(this.edits.commit(i, userOf(ctx).name)),
      'components.history': (i) => this.edits.history(i.code),
      'components.commits': (i) => this.edits.commits(i.limit ?? 100, i.before),
      'components.commitDetail': (i) => this.edits.commitDetail(i.id),
      'components.revert': (i, ctx) => {
        const { plans, conflicts, problems, detail } = this.edits.revertPlans(i.id, { force: i.force, skip: i.skip });
        refuseOnProblems(problems, conflicts);
        const cells = detail.cells.length ? this.gridEditor.revertCells(detail) : null;
        return this.committed(
          this.edits.write(
            { kind: 'revert', message: i.message ?? `撤销提交 #${i.id}：${detail.commit.message}`, actor: userOf(ctx).name, reverts: i.id },
            plans,
            problems,
            cells?.codes ?? [],
            cells?.write,
          ),
        );
      },
      'grid.split': (i, ctx) => this.committed(this.gridEditor.split(i.code, i.line as [number, number][], i.message, userOf(ctx).name)),
      'grid.merge': (i, ctx) => this.committed(this.gridEditor.merge(i.codes, i.message, userOf(ctx).name)),
      'import.upload': (i) => this.uploads.append(i.uploadId, i.name, i.offset, i.data, this.now()),
      'import.preview': (i, ctx) => {
        const u = this.uploads.get(i.uploadId);
        return runImport(this, u.file, u.name, { ...i, dryRun: true, actor: userOf(ctx).name, onProgress: this.importProgress(i.uploadId) });
      },
      'import.apply': (i, ctx) => {
        const u = this.uploads.get(i.uploadId);
        return runImport(this, u.file, u.name, {
          ...i,
          actor: userOf(ctx).name,
          onProgress: this.importProgress(i.uploadId),
          onCommit: (r) => void this.committed(r),
        });
      },
      'export.file': (i) => this.exportBytes(i),
      'search.query': (i) => this.search.query(i.q, i.limit),
      'settings.get': () => this.settings.get(),
      'settings.set': (i, ctx) => {
        if (i.workHours) {
          try {
            makeCalendar(i.workHours, [], []);
          } catch (e) {
            throw new ApiError('BAD_INPUT', (e as Error).message, { field: 'workHours' });
          }
        }
        const s = this.settings.set(i, ctx);
        this.cases.invalidateCalendar();
        this.emit({ type: 'settings.changed', payload: s });
        return s;
      },
      'auth.login': (i, ctx) => this.auth.login(i.name, i.password, this.now(), ctx.via),
      'auth.logout': (_i, ctx) => {
        if (ctx.token) this.auth.logout(ctx.token);
        return null;
      },
      'auth.me': (_i, ctx) => userOf(ctx),
      'users.list': () => this.auth.users(),
      'users.add': (i, ctx) => this.auth.addUser(i, ctx),
      'cases.channels': () => this.cases.channels(),
      'cases.addChannel': (i, ctx) => this.cases.addChannel(i, ctx),
      'cases.intake': (i, ctx) => caseWrite(this.cases.intake(i, userOf(ctx), this.now())),
      'cases.act': (i, ctx) => caseWrite(this.cases.act(i, userOf(ctx), this.now())),
      'cases.get': (i, ctx) => this.cases.get(i.id, userOf(ctx), this.now()),
      'cases.list': (i, ctx) => this.cases.list(i, userOf(ctx), this.now()),
      'cases.counts': (_i, ctx) => this.cases.counts(userOf(ctx), this.now()),
      'cases.duplicates': (i) => this.cases.duplicates(i, this.now()),
      'cases.map': (i, ctx) => this.cases.inBox(i.bbox as BBox, i.limit ?? 5000, this.now(), userOf(ctx)),
      'cases.photo': (i, ctx) => this.cases.photo(i.id, userOf(ctx)),
      'alerts.list': () => this.alerts.open(),
      'alerts.ack': (i, ctx) => ({ acked: this.alerts.ack(i.ids, userOf(ctx).name, this.now()) }),
      'sms.outbox': () => this.alerts.outbox(),
      'sms.retry': (i) => {
        this.alerts.retry(i.id, this.now());
        this.emit({ type: 'sms.changed', payload: { count: 1 } });
        return null;
      },
      'open311.services': () => this.open311.services(),
      'open311.service': (i) => this.open311.definition(i.service_code),
      'open311.create': (i) => {
        const r = this.open311.create(i, this.now());
        this.emit({ type: 'cases.changed', payload: { ...r.change, at: this.now() } });
        return r.result;
      },
      'open311.requests': (i) => this.open311.requests(i, this.now()),
      'open311.request': (i) => this.open311.request(i.id),
      'open311.token': (i) => this.open311.token(i.token),
      'replication.status': () => this.replicationStatus(),
      'replication.verify': () => verifyReplica(this.requireReplicator().client),
      'replication.snapshot': async () => {
        const m = await this.requireReplicator().snapshot();
        return { seq: m.seq, createdAt: m.createdAt, bytes: m.bytes };
      },
      'replication.drill': (_i, ctx) => this.dr.drill(this.requireReplicator(), userOf(ctx).name),
      'replication.drills': () => this.dr.drills(),
      'replication.standby': () => this.requireReplicator().client.standbySummary(),
      'replication.configure': async (i, ctx) => {
        this.db.transaction(() => {
          this.db
            .prepare("INSERT INTO settings (key, value) VALUES ('replication', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .run(JSON.stringify(i));
          audit(this.db, ctx as CallContext, 'replication.configure', i.target ?? 'off', JSON.stringify({ mode: i.mode }));
        })();
        await this.stopReplication();
        if (i.target) this.startReplication({ target: i.target, token: i.token, mode: i.mode });
        return this.replicationStatus();
      },
    };
  }

  /** Announces a commit to every workstation (after the group commit: see emit) and forgets cached layer views.
   * A very large commit (an import) goes out without its codes: clients reload their views on any commit. */
  private committed(r: CommitResult): CommitResult {
    this.asOfView = null;
    const codes = r.codes.length <= MAX_PUSHED_CODES ? r.codes : [];
    this.emit({ type: 'components.changed', payload: { ids: [], codes, commitId: r.commit.id, cells: r.cells } });
    return r;
  }

  private importProgress(uploadId: string) {
    return (phase: 'reading' | 'checking' | 'writing' | 'done', done: number, total: number) => {
      // Straight to the listeners: inside a group commit the deferred queue would hold them until the end.
      for (const l of this.listeners) l({ type: 'import.progress', payload: { uploadId, phase, done, total } });
    };
  }

  /** The render cache of the component layer as of time t (kept until the next commit or another t). */
  private asOfCache(t: number): ComponentRenderCache {
    if (this.asOfView?.t !== t) {
      const rows = () => {
        const out: RenderRow[] = [];
        for (const { id, rec } of this.edits.recordsAsOf(t)) out.push([id, rec.lon, rec.lat, rec.classCode, rec.state]);
        return out;
      };
      this.asOfView = { t, cache: new ComponentRenderCache(this.db, rows) };
    }
    return this.asOfView.cache;
  }

  /** Shapes in a box, today's or as of time t (today's with later changes undone from history). */
  private shapesAsOf(bbox: BBox, limit: number, classes: string[] | undefined, t: number | null) {
    const today = this.components.shapes(bbox, limit, classes);
    if (t === null) return today;
    const over = this.edits.asOfOverrides(t);
    const out = today.filter((s) => !over.has(s.id));
    for (const [id, rec] of over) {
      if (!rec?.geometry || rec.retiredAt || (classes && !classes.includes(rec.classCode))) continue;
      if (boxesMeet(recordBox(rec), bbox)) out.push({ id, code: rec.code, classCode: rec.classCode, geometry: rec.geometry });
    }
    return out;
  }

  /** A layer export as bytes (GeoPackage goes through a temporary file). */
  private exportBytes(i: {
    layer: 'components' | 'grid';
    format: 'gpkg' | 'geojson' | 'shp' | 'csv';
    crs?: string;
    classCode?: string;
    asOf?: string;
  }): Uint8Array {
    const layer = exportLayer(this, { ...i, asOf: i.asOf ? Date.parse(i.asOf) : undefined });
    if (i.format !== 'gpkg') return gisBytes(i.format, layer);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cityops-export-'));
    try {
      const f = path.join(dir, 'export.gpkg');
      writeGisFile(f, 'gpkg', layer);
      return readFileSync(f);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Builds the in-memory indexes (component render cache, cell locator) so the first map load does not wait. */
  warmUp(): void {
    this.components.renderCache.warm();
    this.grid.cellLocator();
  }

  /** Validates input against the contract and runs the handler; errors come back as data. */
  async invoke(method: string, raw: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    if (!contract[method as MethodName]?.write) return this.settle(this.invokeSync(method, raw, ctx));
    // Group commit: writes that arrive together share one transaction and one fsync; each is answered only after
    // that commit, so an acknowledged write is durable exactly as before.
    return new Promise((resolve) => {
      this.writeQueue.push({ method, raw, ctx, resolve });
      if (this.writeQueue.length === 1) setImmediate(() => this.flushWrites());
    });
  }

  /** Runs the queued writes in one transaction, each in its own savepoint (a refused write leaves no trace), then
   * answers them and publishes their events. */
  private flushWrites(): void {
    const batch = this.writeQueue.splice(0);
    if (batch.length === 0) return;
    void this.commitBatch(batch);
  }

  private async commitBatch(batch: { method: string; raw: unknown; ctx: CallContext; resolve: (r: ApiResult<unknown>) => void }[]): Promise<void> {
    const events: PushEvent[] = [];
    let results: ApiResult<unknown>[] = [];
    this.deferred = events;
    try {
      this.db.transaction(() => {
        results = batch.map((w) => {
          try {
            return this.db.transaction(() => {
              const r = this.invokeSync(w.method, w.raw, w.ctx);
              if (!r.ok) throw new Refused(r);
              return r;
            })();
          } catch (e) {
            if (e instanceof Refused) return e.result;
            throw e;
          }
        });
      })();
    } catch (e) {
      // The commit itself failed (disk full, I/O error): none of the batch was written.
      console.error('cityops core: group commit failed:', e);
      results = batch.map(() => ({
        ok: false as const,
        error: { code: 'INTERNAL' as const, message: `the write could not be committed: ${(e as Error).message}` },
      }));
      events.length = 0;
      this.dropCaches();
    } finally {
      this.deferred = null;
    }
    // Sync replication: the callers hear back only once the replica has stored the commit (or the centre has
    // degraded to async because the replica cannot be reached).
    const rep = this.replicator;
    if (rep) {
      rep.notify();
      if (rep.mode === 'sync' && results.some((r) => r.ok)) await rep.waitFor(this.changelog.head().seq);
    }
    // Handlers that finish asynchronously (replication console) are awaited here.
    results = await Promise.all(results.map((r) => this.settle(r)));
    batch.forEach((w, i) => w.resolve(results[i]));
    for (const ev of events) this.emit(ev);
  }

  /** Waits for a handler's promised result and turns a rejection into an error result. */
  private async settle(r: ApiResult<unknown>): Promise<ApiResult<unknown>> {
    if (!r.ok || !(r.result instanceof Promise)) return r;
    try {
      return { ok: true, result: await r.result };
    } catch (e) {
      if (e instanceof ApiError) return { ok: false, error: e.toData() };
      const msg = (e as Error).message;
      const status = (e as { status?: number }).status;
      // Replica errors carry an HTTP-like status: the caller's mistake or the replica's state, not ours.
      if (typeof status === 'number')
        return { ok: false, error: { code: status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'BAD_INPUT', message: msg } };
      console.error('cityops core: async handler failed:', e);
      return { ok: false, error: { code: 'INTERNAL', message: msg } };
    }
  }

  /** Starts shipping the change log to a replica (URL of `cityops replica`, or a folder). */
  startReplication(cfg: { target: string; token?: string; mode: 'sync' | 'async' } & Partial<ReplicatorOptions>): Replicator {
    if (this.replicator) throw new Error('replication is already running');
    const client = replicaClient(cfg.target, cfg.token, { create: true });
    this.replicator = new Replicator(
      this.db,
      this.changelog,
      client,
      {
        ...cfg,
        onChange: (status, alert) => {
          this.emit({ type: 'replication.status', payload: { status, alert } });
          if (alert) console.error(`cityops: ${alert}`);
        },
      },
      this.now,
    );
    this.replicator.start();
    return this.replicator;
  }

  async stopReplication(): Promise<void> {
    const r = this.replicator;
    this.replicator = null;
    await r?.stop();
  }

  /** Starts replication from the centre's stored configuration (desktop settings), if any. */
  startReplicationFromSettings(): void {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'replication'").get() as { value: string } | undefined;
    const cfg = row ? (JSON.parse(row.value) as { target?: string; token?: string; mode: 'sync' | 'async' }) : null;
    if (cfg?.target) this.startReplication({ target: cfg.target, token: cfg.token, mode: cfg.mode });
  }

  replicationStatus(): ReplicationStatus {
    if (this.replicator) return this.replicator.status();
    const head = this.changelog.head().seq;
    return {
      configured: false,
      target: null,
      mode: null,
      state: 'off',
      connected: false,
      headSeq: head,
      ackedSeq: 0,
      lagChanges: 0,
      lagMs: 0,
      lastSnapshot: null,
      storeBytes: null,
      lastError: null,
      history: [],
    };
  }

  private requireReplicator(): Replicator {
    if (!this.replicator) throw new ApiError('CONFLICT', 'off-site replication is not configured on this centre');
    return this.replicator;
  }

  /** Forgets every in-memory copy of database state (after a failed commit). */
  private dropCaches(): void {
    this.cases.invalidateCounts();
    this.cases.invalidateCalendar();
    this.settings.invalidate();
    this.components.invalidate();
    this.grid.invalidate();
    this.asOfView = null;
  }

  /** Synchronous form of invoke (the core is synchronous inside; used by the worker host and benchmarks).
   * Checks the caller first (login, then role), then validates the input, then runs the handler. */
  invokeSync(method: string, raw: unknown, ctx: CallContext): ApiResult<unknown> {
    try {
      const def = contract[method as MethodName];
      if (!def) throw new ApiError('UNKNOWN_METHOD', `unknown method: ${String(method).slice(0, 80)}`);
      const access = def.access ?? 'user';
      const user = ctx.user ?? (ctx.token ? this.auth.resolve(ctx.token, this.now()) : null);
      if (access !== 'public') {
        if (!user) throw new ApiError('UNAUTHENTICATED', `${method} needs a logged-in user; log in first (auth.login)`);
        if (access !== 'user' && user.role !== 'admin' && !access.includes(user.role)) {
          throw new ApiError('FORBIDDEN', `${method} is not allowed for the role ${user.role}; it needs ${access.join(' or ')}`);
        }
      }
      const input = parseInput(method, raw);
      const handler = this.handlers[method as MethodName] as (i: unknown, c: HandlerContext) => unknown;
      const hctx: HandlerContext = { ...ctx, actor: user?.name ?? ctx.actor, user };
      return { ok: true, result: handler(input, hctx) };
    } catch (e) {
      if (e instanceof ApiError) return { ok: false, error: e.toData() };
      console.error(`cityops core: ${method} failed:`, e);
      return { ok: false, error: { code: 'INTERNAL', message: `${method}: internal error: ${(e as Error).message}` } };
    }
  }

  subscribe(listener: (ev: PushEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(ev: PushEvent): void {
    // Inside a group commit, events wait until the data they announce is committed.
    if (this.deferred) {
      this.deferred.push(ev);
      return;
    }
    for (const l of this.listeners) l(ev);
  }

  info(): AppInfo {
    const meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    const count = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      version: CITYOPS_VERSION,
      districtName: meta.get('district_name') ?? '',
      adminCode: meta.get('admin_code') ?? '',
      bounds: this.bounds,
      gridCells: count('SELECT count(*) AS n FROM grid_cells WHERE retired_at IS NULL'),
      components: count('SELECT count(*) AS n FROM components WHERE retired_at IS NULL'),
      departments: count('SELECT count(*) AS n FROM departments'),
      cases: count('SELECT count(*) AS n FROM cases'),
      schemaVersion: schemaVersion(this.db),
    };
  }

  private hasDepartments(): boolean {
    return !!this.db.prepare('SELECT 1 FROM departments LIMIT 1').get();
  }

  /** Starts the periodic work: the overdue sweep and SMS delivery. */
  startTimers(opts: { sweepMs?: number; smsMs?: number } = {}): void {
    this.stopTimers();
    const sweep = () => {
      try {
        const raised = this.alerts.sweep(this.now());
        if (raised.length) this.emit({ type: 'alerts.raised', payload: raised });
      } catch (e) {
        console.error('cityops core: overdue sweep failed:', e);
      }
    };
    let sending = false;
    const deliver = async () => {
      if (sending) return;
      sending = true;
      try {
        const n = await this.alerts.deliver(this.settings.get().sms, this.now());
        if (n) this.emit({ type: 'sms.changed', payload: { count: n } });
      } catch (e) {
        console.error('cityops core: SMS delivery failed:', e);
      } finally {
        sending = false;
      }
    };
    sweep();
    this.timers.push(
      setInterval(sweep, opts.sweepMs ?? 15_000),
      setInterval(() => void deliver(), opts.smsMs ?? 5_000),
    );
    for (const t of this.timers) t.unref();
  }

  stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private requireInCity(lon: number, lat: number): void {
    const b = this.bounds;
    if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) {
      throw new ApiError('OUTSIDE_CITY', `point (${lon}, ${lat}) is outside the city (${b.join(', ')})`, { field: 'lon' });
    }
  }

  close(): void {
    void this.replicator?.stop();
    this.replicator = null;
    this.stopTimers();
    this.listeners.clear();
    this.uploads.close();
    this.db.close();
  }
}
