// The workspace after login: the header, the left panel (case queues, layers), the map with the cases layer, the
// right panel (edit panel; case detail, intake form, or the component/cell panel), the status bar and the dialogs.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/client.ts';
import { MapView } from '../map/MapView.tsx';
import type { MapController, MapStatus, Selection } from '../map/controller.ts';
import { hasWebGL } from '../map/webgl.ts';
import type { EditCallbacks } from '../map/editing.ts';
import { StatusBar } from '../features/status/StatusBar.tsx';
import { typingOrModified } from '../features/keys.ts';
import { Draft } from '../features/editing/draft.ts';
import { useWorkspaceData } from './useWorkspaceData.ts';
import { HeaderBar } from './HeaderBar.tsx';
import { LeftPanel } from './LeftPanel.tsx';
import { RightPanel } from './RightPanel.tsx';
import { NO_DIALOGS, WorkspaceDialogs, type DialogName, type OpenDialogs } from './WorkspaceDialogs.tsx';
import { mayCall } from '../../shared/access.ts';
import type { SearchHit, User } from '../../shared/model.ts';

/** The workspace of a logged-in user; the map is created once and reached through `ctl` once it is ready. */
export function Workspace({ user }: { user: User }) {
  const { t } = useTranslation();
  const [selection, setSelection] = useState<Selection>(null);
  const [caseId, setCaseId] = useState<number | null>(null);
  const [intake, setIntake] = useState(false);
  const [cursor, setCursor] = useState<[number, number] | null>(null);
  const [status, setStatus] = useState<MapStatus>({ shown: 0, total: 0, decimated: false, loading: true });
  const [dialogs, setDialogs] = useState<OpenDialogs>(NO_DIALOGS);
  const [editing, setEditing] = useState(false);
  const [asOf, setAsOf] = useState('');
  const ctl = useRef<MapController | null>(null);
  const webgl = useMemo(() => hasWebGL(), []);
  const canEdit = mayCall(user, 'components.commit');
  // The editor's draft lives on this workstation (and in localStorage) until it is committed.
  const draft = useMemo(() => new Draft(`cityops.draft.${user.name}`, window.localStorage), [user.name]);
  const editHandlers = useRef<EditCallbacks | null>(null);
  // The map is created once; its editing callbacks go to whatever the open edit panel registered.
  const editProxy = useMemo<EditCallbacks | undefined>(() => {
    if (!canEdit) return undefined;
    const to = <K extends keyof EditCallbacks>(k: K) =>
      ((...a: Parameters<EditCallbacks[K]>) => (editHandlers.current?.[k] as (...x: unknown[]) => void)?.(...a)) as EditCallbacks[K];
    return {
      onPoint: to('onPoint'),
      onShape: to('onShape'),
      onModified: to('onModified'),
      onTranslated: to('onTranslated'),
      onBox: to('onBox'),
      onSplitLine: to('onSplitLine'),
      onPickCell: to('onPickCell'),
      onSelection: to('onSelection'),
      onSnapIndex: to('onSnapIndex'),
    };
  }, [canEdit]);
  const { data, error, online, replication, alertCount, setAlertCount, toast, setToast, refreshKey, setRefreshKey, componentsKey } = useWorkspaceData(
    user,
    ctl,
    setSelection,
  );

  const onReady = useCallback((c: MapController) => {
    ctl.current = c;
  }, []);

  const openCase = useCallback((id: number) => {
    setIntake(false);
    setCaseId(id);
    ctl.current?.selectCase(id);
  }, []);
  const canIntake = mayCall(user, 'cases.intake');
  // N starts a new case from anywhere outside a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typingOrModified(e)) return;
      if (e.key.toLowerCase() === 'n' && canIntake && !intake) {
        e.preventDefault();
        setIntake(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canIntake, intake]);

  const pick = async (h: SearchHit) => {
    ctl.current?.fit(h.bbox, h.kind === 'component' ? 19 : h.kind === 'cell' ? 18 : 16);
    if (h.kind === 'component') ctl.current?.select({ kind: 'component', component: await call('components.get', { code: h.code }) });
    if (h.kind === 'cell') ctl.current?.select({ kind: 'cell', cell: await call('grid.cell', { code: h.code }) });
  };
  const showCell = async (code: string) => {
    const cell = await call('grid.cell', { code });
    ctl.current?.fit(cell.bbox, 18);
    ctl.current?.select({ kind: 'cell', cell });
  };
  const showDialog = (name: DialogName, open: boolean) => setDialogs((d) => (d[name] === open ? d : { ...d, [name]: open }));

  if (error)
    return (
      <div className="fatal" role="alert">
        {error}
      </div>
    );
  if (!data)
    return (
      <div className="splash" data-testid="splash">
        <h1>{t('app.title')}</h1>
        <p>{t('status.loading')}</p>
      </div>
    );
  return (
    <div className="app">
      <HeaderBar
        user={user}
        districtName={data.info.districtName}
        departments={data.departments}
        canEdit={canEdit}
        editing={editing}
        onToggleEditing={() => setEditing((v) => !v)}
        onPick={(h) => void pick(h)}
        onOpen={(name) => showDialog(name, true)}
      />
      <LeftPanel
        user={user}
        data={data}
        ctl={ctl}
        refreshKey={refreshKey}
        caseId={caseId}
        onOpenCase={openCase}
        onNew={() => setIntake(true)}
        canIntake={canIntake}
        asOf={asOf}
        onAsOf={setAsOf}
      />
      <main className="centre">
        <MapView
          bounds={data.info.bounds}
          classes={data.classes}
          webgl={webgl}
          onReady={onReady}
          onSelect={(s) => {
            setSelection(s);
            if (s) {
              setCaseId(null);
              setIntake(false);
              ctl.current?.selectCase(null);
            }
          }}
          onCursor={setCursor}
          onStatus={setStatus}
          onCase={openCase}
          edit={editProxy}
        />
        {asOf && (
          <div className="as-of-banner" data-testid="as-of-banner">
            {t('edit.asOfShown', { at: asOf.replace('T', ' ') })}
          </div>
        )}
        {toast && (
          <div className="toast" role="status" data-testid="toast" onClick={() => showDialog('alerts', true)}>
            {toast}
          </div>
        )}
      </main>
      <RightPanel
        user={user}
        data={data}
        ctl={ctl}
        editing={editing}
        draft={draft}
        register={(cb) => {
          editHandlers.current = cb;
        }}
        onToast={setToast}
        intake={intake}
        onIntakeClose={() => setIntake(false)}
        caseId={caseId}
        onCaseClose={() => setCaseId(null)}
        onOpenCase={openCase}
        refreshKey={refreshKey}
        onRefresh={() => setRefreshKey((k) => k + 1)}
        componentsKey={componentsKey}
        selection={selection}
        onShowCell={(c) => void showCell(c)}
      />
      <StatusBar webgl={webgl} cursor={cursor} status={status} online={online}>
        {replication?.configured && (
          <span data-testid="replication-state" className={replication.state === 'ok' ? 'ok' : replication.state === 'catching_up' ? '' : 'bad'}>
            {replication.lagChanges > 0
              ? t('dr.statusLag', { state: t(`dr.states.${replication.state}`), n: replication.lagChanges })
              : t('dr.status', { state: t(`dr.states.${replication.state}`) })}
          </span>
        )}
        {mayCall(user, 'alerts.list') && (
          <button className={alertCount ? 'alarm' : ''} data-testid="alerts-button" onClick={() => showDialog('alerts', true)}>
            {t('alerts.count', { n: alertCount })}
          </button>
        )}
      </StatusBar>
      <WorkspaceDialogs
        open={dialogs}
        onClose={(name) => showDialog(name, false)}
        user={user}
        settings={data.settings}
        replication={replication}
        canEdit={canEdit}
        refreshKey={refreshKey}
        componentsKey={componentsKey}
        onOpenCase={openCase}
        onToast={setToast}
        onAlertCount={setAlertCount}
      />
    </div>
  );
}
