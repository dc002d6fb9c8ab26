// Cases (案件): the modules of the case domain over one database, built together. Each is a noun of its own:
// the store (rows, history, photos), clocks, routing, scope (who sees what), counts, reads, queues, duplicates,
// intake and the workflow actions.
import type { Db } from '../db/connection.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { GridService } from '../grid/service.ts';
import type { ComponentService } from '../components/service.ts';
import type { SettingsService } from '../settings/service.ts';
import { Channels } from './channels.ts';
import { CaseClocks } from './clocks.ts';
import { CaseCounts } from './counts.ts';
import { Duplicates } from './duplicates.ts';
import { CaseIntake } from './intake.ts';
import { CaseQueues } from './queues.ts';
import { CaseReads } from './reads.ts';
import { Routing } from './routing.ts';
import { CaseScope } from './scope.ts';
import { CaseStore } from './store.ts';
import { CaseWorkflow } from './workflow.ts';

/** The case domain. */
export class CaseService {
  readonly store: CaseStore;
  readonly channels: Channels;
  readonly clocks: CaseClocks;
  readonly routing: Routing;
  readonly scope: CaseScope;
  readonly counts: CaseCounts;
  readonly reads: CaseReads;
  readonly queues: CaseQueues;
  readonly duplicates: Duplicates;
  readonly workflow: CaseWorkflow;
  readonly intake: CaseIntake;

  constructor(db: Db, catalog: CatalogService, grid: GridService, components: ComponentService, settings: SettingsService) {
    this.store = new CaseStore(db);
    this.channels = new Channels(db);
    this.clocks = new CaseClocks(db, settings);
    this.routing = new Routing(db, this.store, catalog, components);
    this.scope = new CaseScope(this.routing);
    this.counts = new CaseCounts(db);
    this.reads = new CaseReads(this.store, catalog, this.clocks, this.routing, this.scope);
    this.queues = new CaseQueues(this.store, this.scope, this.counts, this.reads);
    this.duplicates = new Duplicates(db, settings);
    this.workflow = new CaseWorkflow(db, this.store, this.reads, this.clocks, this.counts, this.routing);
    this.intake = new CaseIntake(db, this.store, {
      catalog,
      grid,
      components,
      channels: this.channels,
      clocks: this.clocks,
      counts: this.counts,
      reads: this.reads,
      workflow: this.workflow,
    });
  }
}
