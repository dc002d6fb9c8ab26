// The workspace's dialogs: settings, the DR console, the commit log, import/export and the alerts. Each opens
// from its button (the header, the status bar, a toast) and several may be open at once.
import { call } from '../api/client.ts';
import { mayCall } from '../../shared/access.ts';
import { SettingsDialog } from '../features/settings/SettingsDialog.tsx';
import { DrConsole } from '../features/dr/DrConsole.tsx';
import { CommitLog } from '../features/editing/History.tsx';
import { ImportExportDialog } from '../features/editing/ImportExport.tsx';
import { AlertsDialog } from '../features/alerts/AlertsDialog.tsx';
import type { ReplicationStatus, Settings, User } from '../../shared/model.ts';

export type DialogName = 'settings' | 'dr' | 'commits' | 'io' | 'alerts';
export type OpenDialogs = Record<DialogName, boolean>;
export const NO_DIALOGS: OpenDialogs = { settings: false, dr: false, commits: false, io: false, alerts: false };

export interface WorkspaceDialogsProps {
  open: OpenDialogs;
  onClose(dialog: DialogName): void;
  user: User;
  settings: Settings;
  replication: ReplicationStatus | null;
  /** The user may edit the component and grid layers: revert commits, apply imports. */
  canEdit: boolean;
  refreshKey: number;
  componentsKey: number;
  onOpenCase(id: number): void;
  onToast(msg: string): void;
  /** The number of open alerts, read again when the alerts dialog closes. */
  onAlertCount(n: number): void;
}

export function WorkspaceDialogs(p: WorkspaceDialogsProps) {
  const { open, onClose, user, canEdit, onToast } = p;
  return (
    <>
      {open.settings && <SettingsDialog settings={p.settings} replication={p.replication} onClose={() => onClose('settings')} />}
      {open.dr && <DrConsole onClose={() => onClose('dr')} />}
      {open.commits && <CommitLog canRevert={canEdit} refreshKey={p.componentsKey} onClose={() => onClose('commits')} onToast={onToast} />}
      {open.io && <ImportExportDialog canImport={canEdit} onClose={() => onClose('io')} onToast={onToast} />}
      {open.alerts && (
        <AlertsDialog
          user={user}
          refreshKey={p.refreshKey}
          onOpenCase={p.onOpenCase}
          onClose={() => {
            onClose('alerts');
            if (mayCall(user, 'alerts.list')) void call('alerts.list', {}).then((a) => p.onAlertCount(a.length));
          }}
        />
      )}
    </>
  );
}
