// The command-hall window. Login first; then the header (search, user, language, settings), the left panel
// (case queues, layers), the map with the cases layer, the right panel (case detail, intake form, or the
// component/cell panel) and the status bar (alerts, connection).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, onConnection, onSession, sessionToken, setSessionToken, subscribe } from './api/client.ts';
import { setLanguage } from './i18n/index.ts';
import { MapView } from './map/MapView.tsx';
import type { MapController, MapStatus, Selection } from './map/controller.ts';
import { hasWebGL } from './map/webgl.ts';
import { LayerTree } from './features/layers/LayerTree.tsx';
import { DetailPanel } from './features/components/DetailPanel.tsx';
import { SearchBox } from './features/search/SearchBox.tsx';
import { SettingsDialog } from './features/settings/SettingsDialog.tsx';
import { StatusBar } from './features/status/StatusBar.tsx';
import { LoginScreen } from './features/auth/LoginScreen.tsx';
import { CasesPanel } from './features/cases/CasesPanel.tsx';
import { CaseDetail } from './features/cases/CaseDetail.tsx';
import { IntakeForm } from './features/cases/IntakeForm.tsx';
import { AlertsDialog } from './features/alerts/AlertsDialog.tsx';
import { typingOrModified } from './features/keys.ts';
import { DrConsole } from './features/dr/DrConsole.tsx';
import { Draft } from './features/editing/draft.ts';
import { EditPanel } from './features/editing/EditPanel.tsx';
import { CommitLog } from './features/editing/History.tsx';
import { ImportExportDialog } from './features/editing/ImportExport.tsx';
import type { EditCallbacks } from './map/editing.ts';
import { mayCall } from '../shared/access.ts';
import type {
  AppInfo,
  ChannelInfo,
  ClassCount,
  ComponentClass,
  Department,
  EventClass,
  ReplicationStatus,
  SearchHit,
  Settings,
  Street,
  User,
} from '../shared/model.ts';

/** Roles that take in cases (the contract's access list for cases.intake). */
/** Roles that edit the component and grid layers (the contract's access list for components.commit). */

/** Login gate: restores the tab's session, or shows the login screen. */
export function App() {
  const { t } = useTranslation();
  const [user, setUser] = useState<User | null>(null);
  const [checked, setChecked] = useState(false);
  const [progress, setProgress] = useState<{ phase: string; fraction: number } | null>(null);
  useEffect(() => window.cityops?.onProgress((p) => setProgress(p.fraction >= 1 ? null : p)), []);
  useEffect(() => {
    if (!sessionToken()) return setChecked(true);
    call('auth.me', {})
      .then(setUser)
      .catch(() => setSessionToken(null))
      .finally(() => setChecked(true));
  }, []);
  useEffect(
    () =>
      onSession((inside) => {
        if (!inside) setUser(null);
      }),
    [],
  );
  if (!checked)
    return (
      <div className="splash">
        <h1>{t('app.title')}</h1>
        <p>{t('status.loading')}</p>
      </div>
    );
  if (!user) {
    return (
      <>
        {progress && (
          <div className="splash top-progress" data-testid="splash">
            <p>{t('status.seeding', { phase: progress.phase, pct: Math.round(progress.fraction * 100) })}</p>
            <progress max={1} value={progress.fraction} />
          </div>
        )}
        <LoginScreen onLogin={setUser} />
      </>
    );
  }
  return <Workspace user={user} />;
}

interface Loaded {
  info: AppInfo;
  classes: ComponentClass[];
  counts: ClassCount[];
  settings: Settings;
  eventClasses: EventClass[];
  departments: Department[];
  channels: ChannelInfo[];
  streets: Street[];
}

function Workspace({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection>(null);
  const [caseId, setCaseId] = useState<number | null>(null);
  const [intake, setIntake] = useState(false);
  const [cursor, setCursor] = useState<[number, number] | null>(null);
  const [status, setStatus] = useState<MapStatus>({ shown: 0, total: 0, decimated: false, loading: true });
  const [visible, setVisible] = useState<Set<string>>(new Set());
  const [grid, setGrid] = useState(true);
  const [boundaries, setBoundaries] = useState(true);
  const [casesOn, setCasesOn] = useState(true);
  const [online, setOnline] = useState(true);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [alertsOpen, setAlertsOpen] = useState(false);
  const [drOpen, setDrOpen] = useState(false);
  const [replication, setReplication] = useState<ReplicationStatus | null>(null);
  const [alertCount, setAlertCount] = useState(0);
  const [toast, setToast] = useState<string | null>(null);
  const [leftTab, setLeftTab] = useState<'cases' | 'layers'>('cases');
  const [refreshKey, setRefreshKey] = useState(0);
  const [componentsKey, setComponentsKey] = useState(0);
  const [editing, setEditing] = useState(false);
  const [logOpen, setLogOpen] = useState(false);
  const [ioOpen, setIoOpen] = useState(false);
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

  useEffect(() => {
    (async () => {
      // The map needs only the bounds and the class table; counts for the layer tree follow.
      const [info, classes, settings, eventClasses, departments, channels, streets] = await Promise.all([
        call('app.info', {}),
        call('catalog.componentClasses', {}),
        call('settings.get', {}),
        call('catalog.eventClasses', {}),
        call('catalog.departments', {}),
        call('cases.channels', {}),
        call('grid.streets', {}),
      ]);
      setVisible(new Set(classes.map((c) => c.code)));
      setData({ info, classes, counts: [], settings, eventClasses, departments, channels, streets });
      const counts = await call('components.stats', {});
      setData((d) => (d ? { ...d, counts } : d));
      setAlertCount((await call('alerts.list', {})).length);
    })().catch((e) => setError(String(e?.message ?? e)));
  }, []);
  useEffect(() => onConnection(setOnline), []);
  // Replication state for the status bar: pushed on changes, polled for the lag.
  useEffect(() => {
    const poll = () =>
      void call('replication.status', {})
        .then(setReplication)
        .catch(() => {});
    poll();
    const timer = setInterval(poll, 5000);
    return () => clearInterval(timer);
  }, []);

  // Pushed changes: one refresh per burst (queues, counts, the open case and the cases layer follow refreshKey).
  const bumpTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () =>
      subscribe((ev) => {
        if (ev.type === 'settings.changed') setData((d) => (d ? { ...d, settings: ev.payload } : d));
        if (ev.type === 'cases.changed' || ev.type === 'alerts.raised' || ev.type === 'sms.changed') {
          if (!bumpTimer.current)
            bumpTimer.current = setTimeout(() => {
              bumpTimer.current = null;
              setRefreshKey((k) => k + 1);
            }, 30);
        }
        if (ev.type === 'components.changed') {
          // A commit anywhere: the map in view, the grid (when cells changed), open panels and counts follow.
          void ctl.current?.refreshComponents();
          if (ev.payload.cells?.length) void ctl.current?.reloadCells();
          setComponentsKey((k) => k + 1);
          setSelection((s) => {
            if (s?.kind === 'component' && ev.payload.codes.includes(s.component.code)) {
              void call('components.get', { code: s.component.code }).then((c) => ctl.current?.select({ kind: 'component', component: c }));
            }
            if (s?.kind === 'cell' && ev.payload.cells?.includes(s.cell.code)) {
              void call('grid.cell', { code: s.cell.code }).then((cell) => ctl.current?.select({ kind: 'cell', cell }));
            }
            return s;
          });
          void call('components.stats', {}).then((counts) => setData((d) => (d ? { ...d, counts } : d)));
        }
        if (ev.type === 'replication.status') {
          setReplication(ev.payload.status);
          if (ev.payload.alert) setToast(ev.payload.alert);
        }
        if (ev.type === 'alerts.raised') {
          setAlertCount((n) => n + ev.payload.length);
          const msg = ev.payload
            .slice(0, 3)
            .map((a) => a.message)
            .join('；');
          setToast(msg);
          if (typeof Notification !== 'undefined' && Notification.permission === 'granted') new Notification(t('alerts.title'), { body: msg });
        }
      }),
    [],
  );
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 8000);
    return () => clearTimeout(timer);
  }, [toast]);

  // The cases layer: all open cases of the district.
  useEffect(() => {
    if (!data) return;
    call('cases.map', { bbox: data.info.bounds, limit: 20_000 })
      .then((pts) => ctl.current?.setCases(pts))
      .catch(() => {});
  }, [data?.info, refreshKey]);

  const onReady = useCallback((c: MapController) => {
    ctl.current = c;
  }, []);
  useEffect(() => {
    if (data && ctl.current) ctl.current.setBaseLayer(data.settings.baseLayer);
  }, [data?.settings, ctl.current]);

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

  const applyVisible = (next: Set<string>) => {
    setVisible(next);
    if (!data) return;
    ctl.current?.setVisibleClasses(next.size === data.classes.length ? null : [...next]);
  };
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
  const logout = async () => {
    await call('auth.logout', {}).catch(() => {});
    setSessionToken(null);
  };

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
      <header className="top">
        <div className="brand">
          <strong>{t('app.short')}</strong> <span>{t('app.title')}</span> <span className="district">{data.info.districtName}</span>
        </div>
        <SearchBox onPick={(h) => void pick(h)} />
        <div className="tools">
          <span className="who" data-testid="who">
            {user.displayName} · {t(`role.${user.role}`)}
            {user.department ? ` · ${data.departments.find((d) => d.code === user.department)?.name ?? user.department}` : ''}
          </span>
          <button data-testid="lang-switch" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
            {t('lang.switch')}
          </button>
          {canEdit && (
            <button data-testid="toggle-editing" className={editing ? 'active' : ''} onClick={() => setEditing((v) => !v)}>
              {editing ? t('edit.stop') : t('edit.start')}
            </button>
          )}
          <button data-testid="open-commits" onClick={() => setLogOpen(true)}>
            {t('edit.commits')}
          </button>
          <button data-testid="open-io" onClick={() => setIoOpen(true)}>
            {t('io.title')}
          </button>
          {mayCall(user, 'replication.drill') && (
            <button data-testid="open-dr" onClick={() => setDrOpen(true)}>
              {t('dr.open')}
            </button>
          )}
          {mayCall(user, 'settings.set') && (
            <button data-testid="open-settings" onClick={() => setSettingsOpen(true)}>
              {t('settings.title')}
            </button>
          )}
          <button data-testid="logout" onClick={() => void logout()}>
            {t('auth.logout')}
          </button>
        </div>
      </header>
      <aside className="left">
        <div className="left-tabs" role="tablist">
          <button
            role="tab"
            data-testid="tab-cases"
            aria-selected={leftTab === 'cases'}
            className={leftTab === 'cases' ? 'active' : ''}
            onClick={() => setLeftTab('cases')}
          >
            {t('tabs.cases')}
          </button>
          <button
            role="tab"
            data-testid="tab-layers"
            aria-selected={leftTab === 'layers'}
            className={leftTab === 'layers' ? 'active' : ''}
            onClick={() => setLeftTab('layers')}
          >
            {t('tabs.layers')}
          </button>
        </div>
        {leftTab === 'cases' ? (
          <CasesPanel
            user={user}
            refreshKey={refreshKey}
            selectedId={caseId}
            onSelect={openCase}
            onNew={() => setIntake(true)}
            channels={data.channels}
            eventClasses={data.eventClasses}
            streets={data.streets}
            departments={data.departments}
            canIntake={canIntake}
          />
        ) : (
          <LayerTree
            classes={data.classes}
            counts={data.counts}
            visible={visible}
            onVisible={applyVisible}
            grid={grid}
            onGrid={(v) => {
              setGrid(v);
              ctl.current?.setGridVisible(v);
            }}
            boundaries={boundaries}
            onBoundaries={(v) => {
              setBoundaries(v);
              ctl.current?.setBoundariesVisible(v);
            }}
            cases={casesOn}
            onCases={(v) => {
              setCasesOn(v);
              ctl.current?.setCasesVisible(v);
            }}
            asOf={asOf}
            onAsOf={(v) => {
              setAsOf(v);
              ctl.current?.setAsOf(v ? new Date(v).toISOString() : null);
            }}
          />
        )}
      </aside>
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
          <div className="toast" role="status" data-testid="toast" onClick={() => setAlertsOpen(true)}>
            {toast}
          </div>
        )}
      </main>
      <aside className="right">
        {editing && (
          <EditPanel
            draft={draft}
            classes={data.classes}
            departments={data.departments}
            ctl={ctl.current}
            register={(cb) => {
              editHandlers.current = cb;
            }}
            onToast={setToast}
          />
        )}
        {intake ? (
          <IntakeForm
            user={user}
            channels={data.channels}
            eventClasses={data.eventClasses}
            componentClasses={data.classes}
            onPick={(fn) => ctl.current?.pickPoint(fn)}
            onDone={(c) => {
              setIntake(false);
              openCase(c.id);
              setRefreshKey((k) => k + 1);
            }}
            onCancel={() => {
              setIntake(false);
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
              setCaseId(null);
              ctl.current?.selectCase(null);
            }}
            componentsKey={componentsKey}
          />
        ) : (
          <DetailPanel
            selection={selection}
            onClose={() => ctl.current?.select(null)}
            onGrid={(c) => void showCell(c)}
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
      <StatusBar webgl={webgl} cursor={cursor} status={status} online={online}>
        {replication?.configured && (
          <span data-testid="replication-state" className={replication.state === 'ok' ? 'ok' : replication.state === 'catching_up' ? '' : 'bad'}>
            {replication.lagChanges > 0
              ? t('dr.statusLag', { state: t(`dr.states.${replication.state}`), n: replication.lagChanges })
              : t('dr.status', { state: t(`dr.states.${replication.state}`) })}
          </span>
        )}
        <button className={alertCount ? 'alarm' : ''} data-testid="alerts-button" onClick={() => setAlertsOpen(true)}>
          {t('alerts.count', { n: alertCount })}
        </button>
      </StatusBar>
      {settingsOpen && <SettingsDialog settings={data.settings} replication={replication} onClose={() => setSettingsOpen(false)} />}
      {drOpen && <DrConsole onClose={() => setDrOpen(false)} />}
      {logOpen && <CommitLog canRevert={canEdit} refreshKey={componentsKey} onClose={() => setLogOpen(false)} onToast={setToast} />}
      {ioOpen && <ImportExportDialog canImport={canEdit} onClose={() => setIoOpen(false)} onToast={setToast} />}
      {alertsOpen && (
        <AlertsDialog
          user={user}
          refreshKey={refreshKey}
          onOpenCase={openCase}
          onClose={() => {
            setAlertsOpen(false);
            void call('alerts.list', {}).then((a) => setAlertCount(a.length));
          }}
        />
      )}
    </div>
  );
}
