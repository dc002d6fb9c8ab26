// Push events: what the core tells every connected client after a commit.
import type { AlertInfo, ReplicationStatus, Settings } from '../model.ts';
import type { ImportPhase } from '../gis.ts';
import type { CaseState } from '../workflow.ts';

/** Event name → payload. */
export interface EventMap {
  'settings.changed': Settings;
  'components.changed': { ids: number[]; codes: string[]; commitId?: number; cells?: string[] };
  'import.progress': { uploadId: string; phase: ImportPhase; done: number; total: number };
  'cases.changed': {
    id: number;
    caseNo: string;
    status: CaseState;
    version: number;
    action: string;
    deptCode: string | null;
    assigneeDept: string | null;
    /** The department that held the case before this change (the same when it did not move). */
    previousAssigneeDept: string | null;
    at: number;
  };
  'alerts.raised': AlertInfo[];
  'sms.changed': { count: number };
  'replication.status': { status: ReplicationStatus; alert: string | null };
}
/** A push event as it crosses a transport. */
export type PushEvent = { [K in keyof EventMap]: { type: K; payload: EventMap[K] } }[keyof EventMap];
