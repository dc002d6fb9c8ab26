// The GIS editor's panel (部件在线更新): tools, the draft with undo/redo, the attribute form generated from the
// class, validation with a clickable problem list, commit with a message, and the conflict dialog.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import type { ComponentClass, Department, LonLat } from '../../../shared/model.ts';
import type { ClassAttribute, EditConflict, EditProblem } from '../../../shared/editing.ts';
import type { MapController } from '../../map/controller.ts';
import type { EditCallbacks, EditTool } from '../../map/editing.ts';
import type { Draft } from './draft.ts';
import { ConflictDialog } from './ConflictDialog.tsx';
import { EditTools, TOOL_KEYS, TOOLS } from './EditTools.tsx';
import { DraftList } from './DraftList.tsx';
import { ItemForm } from './ItemForm.tsx';

export interface EditPanelProps {
  draft: Draft;
  classes: ComponentClass[];
  departments: Department[];
  ctl: MapController | null;
  /** The panel registers its map callbacks here (the map is created once, with a proxy to them). */
  register(cb: EditCallbacks | null): void;
  onToast(msg: string): void;
}

/** The editing panel. */
export function EditPanel(p: EditPanelProps) {
  const { t } = useTranslation();
  const { draft, ctl } = p;
  useSyncExternalStore(
    (fn) => draft.subscribe(fn),
    () => draft.version,
  );
  const items = draft.list();
  const [tool, setTool] = useState<EditTool>('select');
  const [addClass, setAddClass] = useState(p.classes.find((c) => c.code === '0101')?.code ?? p.classes[0]?.code ?? '');
  const [active, setActive] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const selectedRef = useRef<string[]>([]);
  selectedRef.current = selected;
  const [message, setMessage] = useState('');
  const [problems, setProblems] = useState<EditProblem[] | null>(null);
  const [conflicts, setConflicts] = useState<EditConflict[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [cells, setCells] = useState<string[]>([]);
  const [snap, setSnap] = useState<{ points: number; ms: number } | null>(null);
  const [attrs, setAttrs] = useState<ClassAttribute[]>([]);
  const klass = useMemo(() => new Map(p.classes.map((c) => [c.code, c])), [p.classes]);

  useEffect(
    () =>
      void call('components.classAttributes', {})
        .then(setAttrs)
        .catch(() => {}),
    [],
  );
  // The tool is on while the panel is open.
  useEffect(() => {
    ctl?.setEditTool(tool);
    return () => ctl?.setEditTool(null);
  }, [ctl, tool]);
  useEffect(() => ctl?.edit?.setDraft(items), [ctl, draft.version]);
  // Editing off: the draft stays (in storage) but leaves the map.
  useEffect(() => () => ctl?.edit?.setDraft([]), [ctl]);
  // The class to add follows the tool: point classes for the point tool, line or polygon classes for drawing.
  useEffect(() => {
    const want = tool === 'line' ? 'line' : tool === 'polygon' ? 'polygon' : tool === 'point' ? 'point' : null;
    if (want && klass.get(addClass)?.geometry !== want) setAddClass(p.classes.find((c) => c.geometry === want)?.code ?? addClass);
  }, [tool]);

  // Map callbacks: the latest closures answer (registered on every render).
  const geometryKind = klass.get(addClass)?.geometry ?? 'point';
  p.register({
    onPoint: ([lon, lat]) => {
      if (geometryKind !== 'point') return;
      setActive(draft.add(addClass, lon, lat));
      setProblems(null);
    },
    onShape: (g) => {
      const want = g.type === 'LineString' ? 'line' : 'polygon';
      const cls = geometryKind === want ? addClass : p.classes.find((c) => c.geometry === want)?.code;
      if (!cls) return;
      const [lon, lat] = g.type === 'Polygon' ? g.coordinates[0][0] : g.coordinates[0];
      setActive(draft.add(cls, lon, lat, g));
    },
    onModified: (key, [lon, lat], g) => (g ? draft.reshape(key, g) : draft.moveTo(key, lon, lat)),
    onTranslated: (keys, dLon, dLat) => draft.moveBy(keys, dLon, dLat),
    onBox: (bbox) => void takeBox(bbox),
    onSplitLine: (line) => void split(line),
    onPickCell: (lonLat) => void pickCell(lonLat),
    onSelection: (keys) => {
      setSelected(keys);
      if (keys.length === 1) setActive(keys[0]);
    },
    onSnapIndex: (i) => {
      setSnap({ points: i.points, ms: Math.round(i.ms) });
      document.body.dataset[i.kind === 'build' ? 'snapBuildMs' : 'snapUpdateMs'] = String(Math.round(i.ms));
    },
  });

  // Ctrl+Z / Ctrl+Y (Ctrl+Shift+Z) outside text fields; tool keys; Delete retires the selection; Esc drops a
  // drawing in progress.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) return;
      // Single keys belong to the case panel's actions while one is open.
      if (!e.ctrlKey && !e.metaKey && !e.altKey && !document.querySelector('[data-testid=case-detail]')) {
        const tk = TOOLS.find((k) => TOOL_KEYS[k] === e.key.toLowerCase());
        if (tk) setTool(tk);
        else if (e.key === 'Escape') ctl?.setEditTool(tool);
        else if (e.key === 'Delete')
          for (const k of selectedRef.current)
            if (draft.get(k)) draft.retire(k);
            else return;
        e.preventDefault();
        return;
      }
      if (e.altKey) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) draft.undo();
      else if (k === 'y' || (k === 'z' && e.shiftKey)) draft.redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [draft, ctl, tool]);

  async function takeBox(bbox: [number, number, number, number]) {
    const found = await call('components.inExtent', { bbox, limit: 500 });
    const records = await Promise.all(found.map((c) => call('components.record', { code: c.code })));
    draft.take(records);
    ctl?.edit?.setDraft(draft.list());
    ctl?.edit?.select(records.map((r) => r.record.code));
  }

  async function split(line: LonLat[]) {
    const mid = line[Math.floor(line.length / 2)];
    setError(null);
    try {
      // The cell the line crosses: the one under its middle point, else under its middle segment.
      const a = line[Math.floor((line.length - 1) / 2)],
        b = line[Math.ceil((line.length - 1) / 2)];
      const cell = await call('grid.locate', { lon: (a[0] + b[0]) / 2, lat: (a[1] + b[1]) / 2 }).catch(() => call('grid.locate', { lon: mid[0], lat: mid[1] }));
      const msg = message.trim() || t('edit.splitCell', { code: cell.code });
      if (!window.confirm(t('edit.splitCell', { code: cell.code }) + '？')) return;
      const r = await call('grid.split', { code: cell.code, line, message: msg });
      p.onToast(t('edit.gridDone', { id: r.commit.id }));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function pickCell([lon, lat]: LonLat) {
    try {
      const cell = await call('grid.locate', { lon, lat });
      setCells((cs) => (cs.includes(cell.code) ? cs.filter((c) => c !== cell.code) : [...cs, cell.code]));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function merge() {
    setError(null);
    try {
      const r = await call('grid.merge', { codes: cells, message: message.trim() || t('edit.mergeCells') });
      setCells([]);
      p.onToast(t('edit.gridDone', { id: r.commit.id }));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function validate() {
    setError(null);
    const r = await call('components.validate', { changes: draft.changes() });
    setProblems(r.problems);
    if (r.conflicts.length) setConflicts(r.conflicts);
  }

  async function commit(msg = message) {
    setBusy(true);
    setError(null);
    try {
      const r = await call('components.commit', { message: msg.trim(), changes: draft.changes() });
      draft.clear();
      setActive(null);
      setMessage('');
      setProblems(r.problems.length ? r.problems : null);
      p.onToast(t('edit.committed', { id: r.commit.id, added: r.commit.added, updated: r.commit.updated, retired: r.commit.retired }));
    } catch (e) {
      const err = e as CoreError;
      const d = err.data?.details as { problems?: EditProblem[]; conflicts?: EditConflict[] } | undefined;
      if (d?.conflicts?.length) setConflicts(d.conflicts);
      if (d?.problems) setProblems(d.problems);
      setError(err.message);
    } finally {
      setBusy(false);
    }
  }

  const zoomTo = (pr: EditProblem) => {
    if (pr.lon !== undefined && pr.lat !== undefined) ctl?.fit([pr.lon - 0.0004, pr.lat - 0.0003, pr.lon + 0.0004, pr.lat + 0.0003], 19);
    if (draft.get(pr.ref)) {
      setActive(pr.ref);
      ctl?.edit?.select([pr.ref]);
    }
  };
  const item = active ? draft.get(active) : undefined;
  const changes = draft.changes().length;

  return (
    <div className="detail edit-panel" data-testid="edit-panel">
      <div className="detail-head">
        <h3>{t('edit.tab')}</h3>
      </div>
      <EditTools
        tool={tool}
        onTool={setTool}
        classes={p.classes}
        addClass={addClass}
        onAddClass={setAddClass}
        cells={cells}
        onMerge={() => void merge()}
        snap={snap}
      />
      <DraftList
        draft={draft}
        items={items}
        active={active}
        selected={selected}
        klass={klass}
        onPick={(key) => {
          setActive(key);
          ctl?.edit?.select([key]);
        }}
        onDiscard={() => {
          draft.clear();
          setActive(null);
          setProblems(null);
        }}
      />
      {item && (
        <ItemForm
          key={item.key}
          item={item}
          cls={klass.get(item.classCode)}
          attrs={attrs.filter((a) => a.classCode === item.classCode)}
          departments={p.departments}
          draft={draft}
        />
      )}
      <div className="edit-commit">
        <input data-testid="commit-message" placeholder={t('edit.message')} value={message} maxLength={500} onChange={(e) => setMessage(e.target.value)} />
        <button data-testid="validate" disabled={!changes || busy} onClick={() => void validate()}>
          {t('edit.validate')}
        </button>
        <button data-testid="commit" className="primary" disabled={!changes || !message.trim() || busy} onClick={() => void commit()}>
          {t('edit.commit')} ({changes})
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="edit-error">
          {error}
        </p>
      )}
      {problems && (
        <div data-testid="problems">
          <strong>{problems.length ? t('edit.problems') : t('edit.noProblems')}</strong>
          <ul className="problems">
            {problems.map((pr, k) => (
              <li key={k} className={`sev-${pr.severity}`} onClick={() => zoomTo(pr)}>
                <span className="sev">{t(`edit.severity.${pr.severity}`)}</span> <span className="mono">{pr.ref}</span> {pr.field}: {pr.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {conflicts && (
        <ConflictDialog
          conflicts={conflicts}
          onCancel={() => setConflicts(null)}
          onResolve={(choices) => {
            for (const c of conflicts) {
              if (choices[c.code] === 'theirs') draft.remove([c.code]);
              else draft.rebase(c.code, c.theirs, c.theirsVersion);
            }
            setConflicts(null);
            if (message.trim() && draft.changes().length) void commit();
          }}
        />
      )}
    </div>
  );
}
