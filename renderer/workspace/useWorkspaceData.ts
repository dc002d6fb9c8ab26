// The workspace's data: the catalogues, settings and streets loaded once after login, then kept current by the
// core's push events (settings, cases, alerts, SMS, component commits, replication state), the connection watch
// and a replication poll. The map follows: the cases layer and the base layer.
import { useEffect, useRef, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';
import { useTranslation } from 'react-i18next';
import { call, onConnection, subscribe } from '../api/client.ts';
import type { MapController, Selection } from '../map/controller.ts';
import type {
  AppInfo,
  ChannelInfo,
  ClassCount,
  ComponentClass,
  Department,
  EventClass,
  ReplicationStatus,
  Settings,
  Street,
  User,
} from '../../shared/model.ts';
import { mayCall } from '../../shared/access.ts';

export interface Loaded {
  info: AppInfo;
  classes: ComponentClass[];
  counts: ClassCount[];
  settings: Settings;
  eventClasses: EventClass[];
  departments: Department[];
  channels: ChannelInfo[];
  streets: Street[];
}

export interface WorkspaceData {
  /** Null until the first load answered. */
  data: Loaded | null;
  error: string | null;
  online: boolean;
  replication: ReplicationStatus | null;
  alertCount: number;
  setAlertCount: Dispatch<SetStateAction<number>>;
  toast: string | null;
  setToast: Dispatch<SetStateAction<string | null>>;
  /** Bumped once per burst of case, alert or SMS changes: queues, counts, the open case and the cases layer follow it. */
  refreshKey: number;
  setRefreshKey: Dispatch<SetStateAction<number>>;
  /** Bumped on every component commit: open component and case panels read their component again. */
  componentsKey: number;
}

/** Loads the workspace's data and wires the push events; `ctl` is the map (once ready), `setSelection` its selection. */
export function useWorkspaceData(user: User, ctl: RefObject<MapController | null>, setSelection: Dispatch<SetStateAction<Selection>>): WorkspaceData {
  const { t } = useTranslation();
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [online, setOnline] = useState(true);
  const [replication, setReplication] = useState<ReplicationStatus | null>(null);
  const [alertCount, setAlertCount] = useState(0);
  const [toast, setToast] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [componentsKey, setComponentsKey] = useState(0);

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
      setData({ info, classes, counts: [], settings, eventClasses, departments, channels, streets });
      const counts = await call('components.stats', {});
      setData((d) => (d ? { ...d, counts } : d));
      if (mayCall(user, 'alerts.list')) setAlertCount((await call('alerts.list', {})).length);
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
  // The base layer follows the settings (pushed when they change).
  useEffect(() => {
    if (data && ctl.current) ctl.current.setBaseLayer(data.settings.baseLayer);
  }, [data?.settings, ctl.current]);

  return { data, error, online, replication, alertCount, setAlertCount, toast, setToast, refreshKey, setRefreshKey, componentsKey };
}
