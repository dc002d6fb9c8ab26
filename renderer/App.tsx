// The command-hall window: header (search, language, settings), left panel (layers; case queues come next),
// the map in the centre, the detail panel on the right, the status bar at the bottom.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, onConnection, subscribe } from './api/client.ts';
import { setLanguage } from './i18n/index.ts';
import { MapView } from './map/MapView.tsx';
import type { MapController, MapStatus, Selection } from './map/controller.ts';
import { hasWebGL } from './map/webgl.ts';
import { LayerTree } from './features/layers/LayerTree.tsx';
import { DetailPanel } from './features/components/DetailPanel.tsx';
import { SearchBox } from './features/search/SearchBox.tsx';
import { SettingsDialog } from './features/settings/SettingsDialog.tsx';
import { StatusBar } from './features/status/StatusBar.tsx';
import type { AppInfo, ClassCount, ComponentClass, SearchHit, Settings } from '../shared/model.ts';

interface Loaded {
  info: AppInfo;
  classes: ComponentClass[];
  counts: ClassCount[];
  settings: Settings;
}

/** The application root. */
export function App() {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ phase: string; fraction: number } | null>(null);
  const [selection, setSelection] = useState<Selection>(null);
  const [cursor, setCursor] = useState<[number, number] | null>(null);
  const [status, setStatus] = useState<MapStatus>({ shown: 0, total: 0, decimated: false, loading: true });
  const [visible, setVisible] = useState<Set<string>>(new Set());
  const [grid, setGrid] = useState(true);
  const [boundaries, setBoundaries] = useState(true);
  const [online, setOnline] = useState(true);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const ctl = useRef<MapController | null>(null);
  const webgl = useMemo(() => hasWebGL(), []);

  useEffect(() => window.cityops?.onProgress((p) => setProgress(p)), []);
  useEffect(() => {
    (async () => {
      // The map needs only the bounds and the class table; counts for the layer tree follow.
      const [info, classes, settings] = await Promise.all([call('app.info', {}), call('catalog.componentClasses', {}), call('settings.get', {})]);
      setVisible(new Set(classes.map((c) => c.code)));
      setData({ info, classes, counts: [], settings });
      setProgress(null);
      const counts = await call('components.stats', {});
      setData((d) => (d ? { ...d, counts } : d));
    })().catch((e) => setError(String(e?.message ?? e)));
  }, []);
  useEffect(() => onConnection(setOnline), []);
  useEffect(
    () =>
      subscribe((ev) => {
        // The effect below applies the new base layer to the map.
        if (ev.type === 'settings.changed') setData((d) => (d ? { ...d, settings: ev.payload } : d));
      }),
    [],
  );

  const onReady = useCallback((c: MapController) => {
    ctl.current = c;
  }, []);
  useEffect(() => {
    if (data && ctl.current) ctl.current.setBaseLayer(data.settings.baseLayer);
  }, [data?.settings, ctl.current]);

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

  if (error) return <div className="fatal" role="alert">{error}</div>;
  if (!data) {
    return (
      <div className="splash" data-testid="splash">
        <h1>{t('app.title')}</h1>
        <p>{progress ? t('status.seeding', { phase: progress.phase, pct: Math.round(progress.fraction * 100) }) : t('status.loading')}</p>
        {progress && <progress max={1} value={progress.fraction} />}
      </div>
    );
  }
  return (
    <div className="app">
      <header className="top">
        <div className="brand">
          <strong>{t('app.short')}</strong> <span>{t('app.title')}</span> <span className="district">{data.info.districtName}</span>
        </div>
        <SearchBox onPick={(h) => void pick(h)} />
        <div className="tools">
          <button data-testid="lang-switch" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>{t('lang.switch')}</button>
          <button data-testid="open-settings" onClick={() => setSettingsOpen(true)}>{t('settings.title')}</button>
        </div>
      </header>
      <aside className="left">
        <LayerTree
          classes={data.classes}
          counts={data.counts}
          visible={visible}
          onVisible={applyVisible}
          grid={grid}
          onGrid={(v) => { setGrid(v); ctl.current?.setGridVisible(v); }}
          boundaries={boundaries}
          onBoundaries={(v) => { setBoundaries(v); ctl.current?.setBoundariesVisible(v); }}
        />
        <section className="queue-slot">
          <h3>{t('queue.title')}</h3>
          <p className="muted">{t('queue.soon')}</p>
        </section>
      </aside>
      <main className="centre">
        <MapView
          bounds={data.info.bounds}
          classes={data.classes}
          webgl={webgl}
          onReady={onReady}
          onSelect={setSelection}
          onCursor={setCursor}
          onStatus={setStatus}
        />
      </main>
      <aside className="right">
        <DetailPanel selection={selection} onClose={() => ctl.current?.select(null)} onGrid={(c) => void showCell(c)} />
      </aside>
      <StatusBar webgl={webgl} cursor={cursor} status={status} online={online} />
      {settingsOpen && <SettingsDialog settings={data.settings} onClose={() => setSettingsOpen(false)} />}
    </div>
  );
}
