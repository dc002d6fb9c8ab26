// The GIS editor's panel (部件在线更新): tools, the draft with undo/redo, the attribute form generated from the
// class, validation with a clickable problem list, commit with a message, and the conflict dialog.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import { COMPONENT_STATES, DATA_SOURCES, type ComponentClass, type Department, type LonLat } from '../../../shared/model.ts';
import type { ClassAttribute, ComponentFields, EditConflict, EditProblem } from '../../../shared/editing.ts';
import type { MapController } from '../../map/controller.ts';
import type { EditCallbacks, EditTool } from '../../map/editing.ts';
import { Draft, type DraftItem } from './draft.ts';
import { ConflictDialog } from './ConflictDialog.tsx';
import { readPhoto } from '../cases/format.ts';

export interface EditPanelProps {
  draft: Draft;
  classes: ComponentClass[];
  departments: Department[];
  ctl: MapController | null;
  /** The panel registers its map callbacks here (the map is created once, with a proxy to them). */
  register(cb: EditCallbacks | null): void;
  onToast(msg: string): void;
}

const TOOLS: EditTool[] = ['select', 'point', 'line', 'polygon', 'split', 'merge'];
/** Keyboard shortcut of each tool (outside text fields). */
const TOOL_KEYS: Record<EditTool, string> = { select: 'v', point: 'p', line: 'l', polygon: 'g', split: 's', merge: 'm' };

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
      <div className="edit-tools" role="toolbar">
        {TOOLS.map((k) => (
          <button key={k} data-testid={`tool-${k}`} className={tool === k ? 'active' : ''} aria-pressed={tool === k} onClick={() => setTool(k)}>
            {t(`edit.${k}`)}
            <kbd>{TOOL_KEYS[k].toUpperCase()}</kbd>
          </button>
        ))}
      </div>
      {(tool === 'point' || tool === 'line' || tool === 'polygon') && (
        <label className="field">
          {t('edit.classToAdd')}
          <select data-testid="add-class" value={addClass} onChange={(e) => setAddClass(e.target.value)}>
            {p.classes
              .filter((c) => (tool === 'point' ? c.geometry === 'point' : c.geometry === tool))
              .map((c) => (
                <option key={c.code} value={c.code}>
                  {c.code} {c.name}
                </option>
              ))}
          </select>
        </label>
      )}
      {tool === 'merge' && (
        <div className="field">
          {t('edit.picked')}
          <span className="mono" data-testid="picked-cells">
            {cells.join(', ')}
          </span>
          <button data-testid="merge-cells" disabled={cells.length < 2} onClick={() => void merge()}>
            {t('edit.mergeCells')}
          </button>
        </div>
      )}
      {snap && (
        <p className="muted small" data-testid="snap-info">
          {t('edit.snap', snap)}
        </p>
      )}
      <div className="edit-draft-head">
        <strong>{t('edit.draft')}</strong>
        <button data-testid="undo" disabled={!draft.canUndo} onClick={() => draft.undo()} title="Ctrl+Z">
          {t('edit.undo')}
        </button>
        <button data-testid="redo" disabled={!draft.canRedo} onClick={() => draft.redo()} title="Ctrl+Y">
          {t('edit.redo')}
        </button>
        <button
          disabled={!items.length}
          onClick={() => {
            draft.clear();
            setActive(null);
            setProblems(null);
          }}
        >
          {t('edit.discard')}
        </button>
      </div>
      {items.length === 0 ? (
        <p className="muted small">{t('edit.empty')}</p>
      ) : (
        <ul className="draft-list" data-testid="draft-list">
          {items.map((i) => (
            <li
              key={i.key}
              className={`${i.key === active ? 'active' : ''} ${Draft.isChange(i) ? '' : 'muted'}`}
              onClick={() => {
                setActive(i.key);
                ctl?.edit?.select([i.key]);
              }}
            >
              <span className={`op op-${i.op}`}>{t(`edit.ops.${i.op}`)}</span> <span className="mono">{i.key}</span> {klass.get(i.classCode)?.name}
            </li>
          ))}
        </ul>
      )}
      {selected.filter((k) => draft.get(k)).length > 1 && <p className="small">{t('edit.selected', { n: selected.filter((k) => draft.get(k)).length })}</p>}
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

/** The attribute form of one draft item, generated from its class and the class attribute table. */
function ItemForm({
  item,
  cls,
  attrs,
  departments,
  draft,
}: {
  item: DraftItem;
  cls: ComponentClass | undefined;
  attrs: ClassAttribute[];
  departments: Department[];
  draft: Draft;
}) {
  const { t } = useTranslation();
  const value = <K extends keyof ComponentFields>(k: K): ComponentFields[K] | undefined =>
    (k in item.fields ? item.fields[k] : item.base?.[k]) as ComponentFields[K] | undefined;
  const set = (patch: Partial<ComponentFields>) => draft.setFields(item.key, patch);
  const attrValues = value('attrs') ?? {};
  const dept = (k: 'dept1' | 'dept2' | 'dept3', label: string, required = false) => (
    <label className="field">
      <span>
        {label}
        {required && <em> *</em>}
      </span>
      <select data-testid={`f-${k}`} value={value(k) ?? ''} onChange={(e) => set({ [k]: e.target.value || null })}>
        <option value="">{required ? `（${cls?.defaultDept ?? ''}）` : '—'}</option>
        {departments.map((d) => (
          <option key={d.code} value={d.code}>
            {'　'.repeat(d.level - 2)}
            {d.name} ({d.code})
          </option>
        ))}
      </select>
    </label>
  );
  if (item.op === 'retire') {
    return (
      <div className="item-form">
        <p>
          {t('edit.ops.retire')} <span className="mono">{item.key}</span>
        </p>
        <button onClick={() => draft.remove([item.key])}>{t('edit.remove')}</button>
      </div>
    );
  }
  return (
    <div className="item-form" data-testid="item-form">
      <p className="small">
        <span className="mono">{item.key}</span> · {cls?.code} {cls?.name}
        {item.baseVersion ? ` · ${t('edit.version', { v: item.baseVersion })}` : ''}
      </p>
      {dept('dept1', t('panel.dept1'), true)}
      {dept('dept2', t('panel.dept2'))}
      {dept('dept3', t('panel.dept3'))}
      <label className="field">
        {t('panel.state')}
        <select data-testid="f-state" value={value('state') ?? '完好'} onChange={(e) => set({ state: e.target.value as ComponentFields['state'] })}>
          {COMPONENT_STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('panel.orDate')}
        <input type="date" value={value('orDate') ?? ''} onChange={(e) => set({ orDate: e.target.value })} />
      </label>
      <label className="field">
        {t('panel.chDate')}
        <input type="date" value={value('chDate') ?? ''} onChange={(e) => set({ chDate: e.target.value || null })} />
      </label>
      <label className="field">
        {t('panel.dataSource')}
        <select value={value('dataSource') ?? '实测'} onChange={(e) => set({ dataSource: e.target.value })}>
          {DATA_SOURCES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('panel.note')}
        <input data-testid="f-note" value={value('note') ?? ''} maxLength={500} onChange={(e) => set({ note: e.target.value || null })} />
      </label>
      {attrs.length > 0 && <strong className="small">{t('edit.attrs')}</strong>}
      {attrs.map((a) => {
        const v = attrValues[a.key];
        const put = (x: string) => {
          const next = { ...attrValues };
          if (x === '') delete next[a.key];
          else next[a.key] = a.type === 'number' && x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : x;
          set({ attrs: Object.keys(next).length ? next : null });
        };
        return (
          <label key={a.key} className="field">
            <span>
              {a.label}
              {a.required && <em> *</em>}
            </span>
            {a.type === 'choice' ? (
              <select data-testid={`a-${a.key}`} value={v === undefined ? '' : String(v)} onChange={(e) => put(e.target.value)}>
                <option value="">—</option>
                {a.options?.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : (
              <input
                data-testid={`a-${a.key}`}
                type={a.type === 'date' ? 'date' : a.type === 'number' ? 'number' : 'text'}
                value={v === undefined ? '' : String(v)}
                onChange={(e) => put(e.target.value)}
              />
            )}
          </label>
        );
      })}
      <label className="field">
        {t('edit.photos')}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          onChange={async (e) => {
            const files = [...(e.target.files ?? [])].slice(0, 4);
            draft.setPhotos(item.key, await Promise.all(files.map(readPhoto)));
          }}
        />
      </label>
      <div className="row">
        {item.op !== 'add' && (
          <button data-testid="retire" onClick={() => draft.retire(item.key)}>
            {t('edit.retire')}
          </button>
        )}
        <button onClick={() => draft.remove([item.key])}>{t('edit.remove')}</button>
      </div>
    </div>
  );
}
