// The composition root: opens the database, migrates it, and builds every service over it. Handlers receive the
// App; the Core (core.ts) adds the invoker, the group commit and the transports' interface on top.
import { existsSync } from 'node:fs';
import { openDatabase, type Db } from './db/connection.ts';
import { migrate } from './db/migrate.ts';
import { EventBus } from './bus.ts';
import { MetaService } from './meta/service.ts';
import { CatalogService } from './catalog/service.ts';
import { GridService } from './grid/service.ts';
import { ComponentService } from './components/service.ts';
import { SearchService } from './search/service.ts';
import { SettingsService } from './settings/service.ts';
import { AuthService } from './auth/service.ts';
import type { PasswordCost } from './auth/passwords.ts';
import { CaseService } from './cases/service.ts';
import { loadReferenceData } from './cases/reference.ts';
import { AlertService } from './alerts/service.ts';
import { Open311Facade } from './open311/service.ts';
import { ChangeLog } from './replication/changelog.ts';
import { DrService } from './replication/dr.ts';
import { ReplicationManager } from './replication/manager.ts';
import { EditService } from './editing/service.ts';
import { GridEditor } from './editing/grid.ts';
import { AsOfViews } from './editing/asOf.ts';
import { UploadStore } from './gis/uploads.ts';
import { SessionFeeds } from './auth/feeds.ts';

/** Options for opening a centre. */
export interface CoreOptions {
  dbPath: string;
  /** Refuse to start on a database without the sample city or a real centre (default true). */
  requireSeeded?: boolean;
  /** The clock (epoch ms); tests move it to make deadlines pass. */
  clock?: () => number;
  /** The password hashing cost; tests take a cheap one (in process only: no option or variable sets it). */
  passwordCost?: PasswordCost;
  /** Replica targets (URLs, folders) replication.configure may point at; set on the server, never through the API.
   * CITYOPS_REPLICA_ALLOW (comma-separated) adds to it. */
  replicaAllow?: string[];
}

/** Every service of an open centre. */
export interface App {
  readonly db: Db;
  /** The database file. */
  readonly file: string;
  /** The core's clock (epoch ms). */
  readonly now: () => number;
  /** The district's administrative code (meta.adminCode). */
  readonly adminCode: string;
  readonly bus: EventBus;
  readonly meta: MetaService;
  readonly catalog: CatalogService;
  readonly grid: GridService;
  readonly components: ComponentService;
  readonly search: SearchService;
  readonly settings: SettingsService;
  readonly auth: AuthService;
  readonly cases: CaseService;
  readonly alerts: AlertService;
  readonly open311: Open311Facade;
  readonly changelog: ChangeLog;
  readonly replication: ReplicationManager;
  readonly dr: DrService;
  readonly edits: EditService;
  readonly gridEditor: GridEditor;
  readonly asOf: AsOfViews;
  readonly uploads: UploadStore;
  /** Push events per session, scoped to what each user may see. */
  readonly feeds: SessionFeeds;
}

/** Opens a centre's database and builds its services. */
export function openApp(opts: CoreOptions): App {
  const file = opts.dbPath;
  if (!existsSync(file)) throw new Error(`database ${file} does not exist (create it with: cityops seed --db ${file})`);
  const db = openDatabase(file);
  const now = opts.clock ?? Date.now;
  // The change log's SQL functions must exist before migrations run (its triggers live in the file).
  const changelog = new ChangeLog(db, now);
  migrate(db);
  changelog.installTriggers();
  // Planner statistics for the case indexes: cheap (sampled), and only tables whose stats are stale are analysed.
  db.pragma('analysis_limit = 400');
  db.pragma('optimize = 0x10002');
  if (opts.requireSeeded !== false && !db.prepare('SELECT 1 FROM grid_cells LIMIT 1').get()) {
    throw new Error(`database ${file} has no unit grid; seed it first (cityops seed --db FILE)`);
  }
  if (opts.requireSeeded !== false || db.prepare('SELECT 1 FROM departments LIMIT 1').get()) loadReferenceData(db);
  const bus = new EventBus();
  const meta = new MetaService(db);
  const catalog = new CatalogService(db);
  const grid = new GridService(db);
  const components = new ComponentService(db, catalog);
  const settings = new SettingsService(db);
  const auth = new AuthService(db, opts.passwordCost);
  const cases = new CaseService(db, catalog, grid, components, settings);
  const edits = new EditService(db, catalog, grid, components, { adminCode: meta.adminCode, bounds: meta.bounds, now });
  const gridEditor = new GridEditor(db, grid, edits, meta.adminCode, now);
  const app: Omit<App, 'feeds'> & { feeds?: SessionFeeds } = {
    db,
    file,
    now,
    adminCode: meta.adminCode,
    bus,
    meta,
    catalog,
    grid,
    components,
    search: new SearchService(db),
    settings,
    auth,
    cases,
    alerts: new AlertService(db),
    open311: new Open311Facade(db, cases, auth, catalog, settings),
    changelog,
    replication: new ReplicationManager(db, changelog, bus, now, [
      ...(opts.replicaAllow ?? []),
      ...(process.env.CITYOPS_REPLICA_ALLOW ?? '').split(',').filter((t) => t.trim()),
    ]),
    dr: new DrService(db, file, now),
    edits,
    gridEditor,
    asOf: new AsOfViews(db, edits, gridEditor, components, grid),
    uploads: new UploadStore({ now }),
  };
  app.feeds = new SessionFeeds(app as App);
  return app as App;
}

/** Forgets every in-memory copy of database state (after a commit that failed and rolled back). */
export function dropCaches(app: App): void {
  app.cases.counts.invalidate();
  app.cases.clocks.invalidate();
  app.settings.invalidate();
  app.components.invalidate();
  app.grid.invalidate();
  app.asOf.forget();
}
