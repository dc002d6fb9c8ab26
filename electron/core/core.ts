// The core: owns the database (sole writer), registers one handler per contract method, and publishes push events.
// It never imports 'electron'; the desktop app hosts it in a worker thread, `cityops serve` in-process.
import { existsSync } from 'node:fs';
import { openDatabase, type Db } from './db/connection.ts';
import { migrate, schemaVersion } from './db/migrate.ts';
import { ApiError, type ApiResult } from '../../shared/errors.ts';
import type { MethodName, ParsedInputOf, PushEvent, ResultOf } from '../../shared/contract.ts';
import { parseInput } from '../../shared/validate.ts';
import type { AppInfo, BBox } from '../../shared/model.ts';
import type { CallContext } from './context.ts';
import { GridService } from './grid/service.ts';
import { ComponentService } from './components/service.ts';
import { CatalogService } from './catalog/service.ts';
import { SearchService } from './search/service.ts';
import { SettingsService } from './settings/service.ts';

/** Version reported by app.info. */
export const CITYOPS_VERSION = '0.1.0';

/** One handler per method, typed by the contract: adding a method without a handler does not compile. */
export type Handlers = { [M in MethodName]: (input: ParsedInputOf<M>, ctx: CallContext) => ResultOf<M> };

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
}

/** The in-process core. */
export class Core implements CoreLike {
  readonly db: Db;
  readonly grid: GridService;
  readonly components: ComponentService;
  readonly catalog: CatalogService;
  readonly search: SearchService;
  readonly settings: SettingsService;
  private readonly listeners = new Set<(ev: PushEvent) => void>();
  private readonly handlers: Handlers;
  /** District bounds from meta, read once: a map click checks them and must not count tables to get them. */
  private readonly bounds: BBox;

  constructor(opts: CoreOptions) {
    if (!existsSync(opts.dbPath)) throw new Error(`database ${opts.dbPath} does not exist (create it with: cityops seed --db ${opts.dbPath})`);
    this.db = openDatabase(opts.dbPath);
    migrate(this.db);
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
    this.handlers = {
      'app.info': () => this.info(),
      'catalog.componentClasses': () => this.catalog.componentClasses(),
      'catalog.eventClasses': () => this.catalog.eventClasses(),
      'catalog.departments': () => this.catalog.departments(),
      'grid.streets': () => this.grid.streets(),
      'grid.communities': () => this.grid.communities(),
      'grid.boundaries': (i) => this.grid.boundaries(i.kind),
      'grid.cells': (i) => this.grid.cells(i.bbox as BBox | undefined),
      'grid.cell': (i) => this.grid.cell(i.code),
      'grid.locate': (i) => this.grid.locate(i.lon, i.lat),
      'components.view': (i) => this.components.view(i.bbox as BBox, i.resolution, i.maxFeatures ?? 80_000, i.classes),
      'components.get': (i) => this.components.get(i.code),
      'components.byId': (i) => this.components.byId(i.id),
      'components.at': (i) => {
        this.requireInCity(i.lon, i.lat);
        return this.components.at(i.lon, i.lat, i.radiusM, i.classes);
      },
      'components.inExtent': (i) => this.components.inExtent(i.bbox as BBox, i.limit, i.classes),
      'components.shapes': (i) => this.components.shapes(i.bbox as BBox, i.limit ?? 5000, i.classes),
      'components.stats': () => this.components.stats(),
      'search.query': (i) => this.search.query(i.q, i.limit),
      'settings.get': () => this.settings.get(),
      'settings.set': (i, ctx) => {
        const s = this.settings.set({ baseLayer: i.baseLayer }, ctx);
        this.emit({ type: 'settings.changed', payload: s });
        return s;
      },
    };
  }

  /** Builds the in-memory indexes (component render cache, cell locator) so the first map load does not wait. */
  warmUp(): void {
    this.components.renderCache.warm();
    this.grid.cellLocator();
  }

  /** Validates input against the contract and runs the handler; errors come back as data. */
  async invoke(method: string, raw: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    return this.invokeSync(method, raw, ctx);
  }

  /** Synchronous form of invoke (the core is synchronous inside; used by the worker host and benchmarks). */
  invokeSync(method: string, raw: unknown, ctx: CallContext): ApiResult<unknown> {
    try {
      const input = parseInput(method, raw);
      const handler = this.handlers[method as MethodName] as (i: unknown, c: CallContext) => unknown;
      return { ok: true, result: handler(input, ctx) };
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
    for (const l of this.listeners) l(ev);
  }

  info(): AppInfo {
    const meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    const count = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    const hasCases = !!this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases'").get();
    return {
      version: CITYOPS_VERSION,
      districtName: meta.get('district_name') ?? '',
      adminCode: meta.get('admin_code') ?? '',
      bounds: this.bounds,
      gridCells: count('SELECT count(*) AS n FROM grid_cells'),
      components: count('SELECT count(*) AS n FROM components WHERE retired_at IS NULL'),
      departments: count('SELECT count(*) AS n FROM departments'),
      cases: hasCases ? count('SELECT count(*) AS n FROM cases') : 0,
      schemaVersion: schemaVersion(this.db),
    };
  }

  private requireInCity(lon: number, lat: number): void {
    const b = this.bounds;
    if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) {
      throw new ApiError('OUTSIDE_CITY', `point (${lon}, ${lat}) is outside the city (${b.join(', ')})`, { field: 'lon' });
    }
  }

  close(): void {
    this.listeners.clear();
    this.db.close();
  }
}
