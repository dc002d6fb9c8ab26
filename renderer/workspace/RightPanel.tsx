// The right panel: the edit panel while editing, over one of the intake form, the open case's detail, or the
// panel of the component or cell selected on the map.
import type { RefObject } from 'react';
import { call } from '../api/client.ts';
import type { MapController, Selection } from '../map/controller.ts';
import type { EditCallbacks } from '../map/editing.ts';
import { DetailPanel } from '../features/components/DetailPanel.tsx';
import { CaseDetail } from '../features/cases/CaseDetail.tsx';
import { IntakeForm } from '../features/cases/IntakeForm.tsx';
import type { Draft } from '../features/editing/draft.ts';
import { EditPanel } from '../features/editing/EditPanel.tsx';
import type { Loaded } from './useWorkspaceData.ts';
import type { User } from '../../shared/model.ts';

export interface RightPanelProps {
  user: User;
  data: Loaded;
  /** The map, once it is ready. */
  ctl: RefObject<MapController | null>;
  editing: boolean;
  draft: Draft;
  /** The edit panel registers its map callbacks here. */
  register(cb: EditCallbacks | null): void;
  onToast(msg: string): void;
  /** The intake form is open. */
  intake: boolean;
  onIntakeClose(): void;
  /** The case whose detail is open. */
  caseId: number | null;
  onCaseClose(): void;
  onOpenCase(id: number): void;
  refreshKey: number;
  /** Asks the queues, the open case and the cases layer to read again. */
  onRefresh(): void;
  componentsKey: number;
  selection: Selection;
  onShowCell(code: string): void;
}

export function RightPanel(p: RightPanelProps) {
  const { user, data, ctl, editing, draft, intake, caseId, refreshKey, componentsKey, selection } = p;
  return (
    <aside className="right">
      {editing && <EditPanel draft={draft} classes={data.classes} departments={data.departments} ctl={ctl.current} register={p.register} onToast={p.onToast} />}
      {intake ? (
        <IntakeForm
          user={user}
          channels={data.channels}
          eventClasses={data.eventClasses}
          componentClasses={data.classes}
          onPick={(fn) => ctl.current?.pickPoint(fn)}
          onDone={(c) => {
            p.onIntakeClose();
            p.onOpenCase(c.id);
            p.onRefresh();
          }}
          onCancel={() => {
            p.onIntakeClose();
            ctl.current?.pickPoint(null);
          }}
        />
      ) : caseId != null ? (
        <CaseDetail
          id={caseId}
          refreshKey={refreshKey}
          departments={data.departments}
          channels={data.channels}
          settings={data.settings}
          onLocate={(lon, lat) => ctl.current?.selectCase(caseId, [lon, lat])}
          onClose={() => {
            p.onCaseClose();
            ctl.current?.selectCase(null);
          }}
          componentsKey={componentsKey}
        />
      ) : (
        <DetailPanel
          selection={selection}
          onClose={() => ctl.current?.select(null)}
          onGrid={p.onShowCell}
          refreshKey={componentsKey}
          onEdit={
            editing
              ? (code) =>
                  void call('components.record', { code }).then((r) => {
                    draft.take([r]);
                    ctl.current?.edit?.setDraft(draft.list());
                    ctl.current?.edit?.select([code]);
                  })
              : undefined
          }
        />
      )}
    </aside>
  );
}
