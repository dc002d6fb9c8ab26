// Case detail: facts, deadline, photos, timeline, duplicates and only the actions the user may take now.
// Every action has a key (shown on its button); actions that need input open a small form, Enter submits it.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import { RULES, type CaseAction } from '../../../shared/workflow.ts';
import { actionFields, caseActionSchema } from '../../../shared/contract/cases.ts';
import { LIMIT_UNITS, type LimitUnit } from '../../../shared/calendar.ts';
import type { CaseDetail as Detail, ChannelInfo, Component, Department, DuplicateHit, Settings } from '../../../shared/model.ts';
import { clockBadge, fullTime, readPhoto } from './format.ts';
import { typingOrModified } from '../keys.ts';

/** Keyboard shortcut of each action. */
export const ACTION_KEYS: Partial<Record<CaseAction, string>> = {
  accept: 'a',
  sendVerify: 'v',
  verify: 'y',
  register: 'r',
  dispatch: 'd',
  void: 'x',
  subDispatch: 'p',
  subReport: 'b',
  handle: 'h',
  requestReturn: 't',
  approveReturn: 'o',
  refuseReturn: 'f',
  requestExtension: 'e',
  approveExtension: 'g',
  refuseExtension: 'j',
  suspend: 's',
  resume: 'm',
  urge: 'u',
  check: 'k',
  close: 'c',
  rework: 'w',
};

/** Actions that run at once (no form). */
const DIRECT: CaseAction[] = ['accept', 'sendVerify', 'register', 'close', 'resume'];

export interface CaseDetailProps {
  id: number;
  refreshKey: number;
  departments: Department[];
  channels: ChannelInfo[];
  settings: Settings;
  onLocate(lon: number, lat: number): void;
  onClose(): void;
  /** Bumped when components change (a commit somewhere): the cited component is read again. */
  componentsKey?: number;
}

export function CaseDetail(p: CaseDetailProps) {
  const { t, i18n } = useTranslation();
  const [c, setC] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<CaseAction | null>(null);
  const [photos, setPhotos] = useState<Record<number, string>>({});
  const [dups, setDups] = useState<DuplicateHit[]>([]);
  const [busy, setBusy] = useState(false);
  const [component, setComponent] = useState<Component | null>(null);
  useEffect(() => {
    if (!c?.componentCode) return setComponent(null);
    call('components.get', { code: c.componentCode })
      .then(setComponent)
      .catch(() => setComponent(null));
  }, [c?.componentCode, p.componentsKey]);

  const load = () =>
    call('cases.get', { id: p.id })
      .then((d) => {
        setC(d);
        setError(null);
      })
      .catch((e) => setError(String(e.message)));
  useEffect(() => {
    setForm(null);
    setC(null);
    void load();
  }, [p.id]);
  useEffect(() => {
    if (c) void load();
  }, [p.refreshKey]);

  // Photos arrive as bytes through the contract and are shown from blob URLs.
  useEffect(() => {
    if (!c) return;
    let live = true;
    const urls: string[] = [];
    for (const id of c.photoIds) {
      if (photos[id]) continue;
      call('cases.photo', { id })
        .then((bytes) => {
          if (!live) return;
          const url = URL.createObjectURL(new Blob([bytes as BlobPart]));
          urls.push(url);
          setPhotos((m) => ({ ...m, [id]: url }));
        })
        .catch(() => {});
    }
    return () => {
      live = false;
    };
  }, [c?.photoIds.join(',')]);

  // Duplicate suggestions before registration.
  useEffect(() => {
    if (!c || !['pending_accept', 'pending_verify', 'pending_register'].includes(c.status)) return setDups([]);
    call('cases.duplicates', { kind: c.kind, classCode: c.classCode, lon: c.lon, lat: c.lat, excludeId: c.id })
      .then(setDups)
      .catch(() => setDups([]));
  }, [c?.id, c?.status]);

  const act = async (action: CaseAction, extra: Record<string, unknown> = {}) => {
    if (!c) return;
    // The form's values are checked by the contract's own schema of this action before they are sent.
    const input = caseActionSchema.safeParse({ id: c.id, version: c.version, action, ...extra });
    if (!input.success) {
      setError(input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    setBusy(true);
    try {
      const d = await call('cases.act', input.data);
      setC(d);
      setForm(null);
      setError(null);
    } catch (e) {
      setError(e instanceof CoreError ? e.data.message : String(e));
      if (e instanceof CoreError && e.data.code === 'CONFLICT') void load();
    } finally {
      setBusy(false);
    }
  };
  const start = (a: CaseAction) => (DIRECT.includes(a) ? void act(a) : setForm(a));

  // Action keys, when the focus is not in a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!c || busy || typingOrModified(e)) return;
      if (e.key === 'Escape') return setForm(null);
      const a = c.actions.find((x) => ACTION_KEYS[x] === e.key.toLowerCase());
      if (a && !form) {
        e.preventDefault();
        start(a);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [c, form, busy]);

  const deptName = (code: string | null) => (code ? (p.departments.find((d) => d.code === code)?.name ?? code) : '—');
  if (error && !c)
    return (
      <div className="detail case-detail">
        <p className="error">{error}</p>
      </div>
    );
  if (!c) return <div className="detail case-detail muted">…</div>;
  const badge = clockBadge(c.clock, i18n.language);
  return (
    <div className="detail case-detail" data-testid="case-detail" data-status={c.status} data-version={c.version}>
      <div className="detail-head">
        <h3>
          <span className="mono">{c.caseNo}</span>{' '}
          <span className={`badge s-${c.status}`} data-testid="case-status">
            {t(`state.${c.status}`)}
          </span>
        </h3>
        <button onClick={p.onClose}>{t('panel.close')}</button>
      </div>
      <div className="clock-row">
        {c.clock.stage && (
          <span>
            {t('cases.stage')}: {t(`stage.${c.clock.stage}`)}
          </span>
        )}
        <span>
          {t('cases.due')}: {fullTime(c.clock.due)}
        </span>
        <span className={badge.cls} data-testid="case-clock">
          {badge.text}
        </span>
        {c.clock.overdue3x && <span className="clock over3">{t('cases.overdue3x')}</span>}
      </div>
      {c.extensionRequest && (
        <p className="notice">
          {t('cases.extensionPending', { v: c.extensionRequest.value, u: t(`units.${c.extensionRequest.unit}`) })} — {c.extensionRequest.reason}
        </p>
      )}
      <div className="actions-bar" data-testid="case-actions">
        {c.actions
          .filter((a) => a !== 'merge' || dups.length > 0)
          .map((a) => (
            <button key={a} data-testid={`act-${a}`} disabled={busy} className={form === a ? 'active' : ''} onClick={() => start(a)}>
              {t(`action.${a}`)}
              {ACTION_KEYS[a] && <kbd>{ACTION_KEYS[a]!.toUpperCase()}</kbd>}
            </button>
          ))}
      </div>
      {form && (
        <ActionForm
          action={form}
          c={c}
          departments={p.departments}
          dups={dups}
          busy={busy}
          onCancel={() => setForm(null)}
          onSubmit={(x) => void act(form, x)}
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <table>
        <tbody>
          <tr>
            <th>{t('cases.class')}</th>
            <td>
              {c.classCode} {c.className} ({c.kind === 'component' ? t('intake.component') : t('intake.event')})
            </td>
          </tr>
          <tr>
            <th>{t('cases.description')}</th>
            <td data-testid="case-description">{c.description}</td>
          </tr>
          <tr>
            <th>{t('cases.place')}</th>
            <td>
              {c.address ?? ''}{' '}
              <button className="link" onClick={() => p.onLocate(c.lon, c.lat)}>
                {t('cases.locate')}
              </button>
            </td>
          </tr>
          <tr>
            <th>{t('cases.grid')}</th>
            <td className="mono">{c.gridCode}</td>
          </tr>
          {c.componentCode && (
            <tr>
              <th>{t('cases.component')}</th>
              <td>
                <span className="mono">{c.componentCode}</span>
                {component && (
                  <span data-testid="case-component" className="small">
                    {' '}
                    · {component.name} · <span className={`state s-${component.state}`}>{component.state}</span> · {t('panel.grid')}{' '}
                    <span className="mono">{component.gridCode}</span> · v{component.version}
                  </span>
                )}
              </td>
            </tr>
          )}
          <tr>
            <th>{t('cases.channel')}</th>
            <td>{p.channels.find((x) => x.code === c.channel)?.name ?? c.channel}</td>
          </tr>
          {(c.reporterName || c.reporterPhone) && (
            <tr>
              <th>{t('cases.reporter')}</th>
              <td>
                {c.reporterName ?? ''} {c.reporterPhone ?? ''} {c.callback ? `（${t('cases.callback')}）` : ''}
              </td>
            </tr>
          )}
          <tr>
            <th>{t('cases.dept')}</th>
            <td data-testid="case-dept">
              {deptName(c.deptCode)}
              {c.assigneeDept && c.assigneeDept !== c.deptCode ? ` → ${deptName(c.assigneeDept)}` : ''}
            </td>
          </tr>
          <tr>
            <th>{t('cases.created')}</th>
            <td>{fullTime(c.createdAt)}</td>
          </tr>
          {c.closeType && (
            <tr>
              <th>{t('cases.closeType')}</th>
              <td>{t(`cases.close_${c.closeType}`)}</td>
            </tr>
          )}
          <tr>
            <th />
            <td className="muted small">{t('cases.counts', { rework: c.reworkCount, ext: c.extensionCount, ret: c.returnCount, urge: c.urgeCount })}</td>
          </tr>
        </tbody>
      </table>
      {dups.length > 0 && (
        <div className="dups" data-testid="duplicates">
          <h4>{t('cases.duplicates', { r: p.settings.duplicates.radiusM, h: p.settings.duplicates.hours })}</h4>
          {dups.map((d) => (
            <div key={d.id} className="dup">
              <span className="mono">{d.caseNo}</span> {t(`state.${d.status}`)} · {d.distanceM} m · {d.description}
              {c.actions.includes('merge') && (
                <button data-testid="merge" disabled={busy} onClick={() => void act('merge', { mergeInto: d.id })}>
                  {t('cases.mergeHere')}
                </button>
              )}
            </div>
          ))}
        </div>
      )}
      {c.photoIds.length > 0 && (
        <div className="photos">
          {c.photoIds.map((id) =>
            photos[id] ? (
              <a key={id} href={photos[id]} target="_blank" rel="noreferrer">
                <img src={photos[id]} alt="" />
              </a>
            ) : (
              <span key={id} className="ph" />
            ),
          )}
        </div>
      )}
      <h4>{t('cases.history')}</h4>
      <ol className="timeline" data-testid="timeline">
        {c.history.map((h) => (
          <li key={h.id}>
            <div>
              <span className="when">{fullTime(h.at)}</span> <strong>{t(`action.${h.action}`, { defaultValue: h.action })}</strong> · {h.actorName}（
              {t(`role.${h.role}`, { defaultValue: h.role })}）
            </div>
            <div className="muted small">
              {h.fromStatus ? `${t(`state.${h.fromStatus}`)} → ` : ''}
              {t(`state.${h.toStatus}`)}
              {h.reason ? ` · ${h.reason}` : ''}
              {historyNote(h.data, deptName)}
            </div>
            {h.photoIds.length > 0 && <div className="photos small">{h.photoIds.map((id) => photos[id] && <img key={id} src={photos[id]} alt="" />)}</div>}
          </li>
        ))}
      </ol>
    </div>
  );
}

function historyNote(d: Record<string, unknown> | null, dept: (c: string | null) => string): string {
  if (!d) return '';
  const parts: string[] = [];
  if (typeof d.dept === 'string') parts.push(dept(d.dept));
  if (typeof d.to === 'string' && typeof d.from === 'string') parts.push(`${dept(d.from)} → ${dept(d.to)}`);
  if (typeof d.result === 'string') parts.push(d.result);
  if (typeof d.passed === 'boolean') parts.push(d.passed ? '✓' : '✗');
  if (typeof d.mergedInto === 'string') parts.push(`→ ${d.mergedInto}`);
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}

interface ActionFormProps {
  action: CaseAction;
  c: Detail;
  departments: Department[];
  dups: DuplicateHit[];
  busy: boolean;
  onCancel(): void;
  onSubmit(extra: Record<string, unknown>): void;
}

/** The inputs an action needs; Enter submits (Ctrl+Enter inside a text area), Escape cancels. */
function ActionForm({ action, c, departments, dups, busy, onCancel, onSubmit }: ActionFormProps) {
  const { t } = useTranslation();
  const level2 = useMemo(() => departments.filter((d) => d.level === 2), [departments]);
  const children = useMemo(() => departments.filter((d) => d.parent === c.assigneeDept), [departments, c.assigneeDept]);
  const [reason, setReason] = useState('');
  const [dept, setDept] = useState(action === 'subDispatch' ? (children[0]?.code ?? '') : (c.suggestedDept ?? c.deptCode ?? level2[0]?.code ?? ''));
  const [result, setResult] = useState('');
  const [passed, setPassed] = useState(true);
  const [value, setValue] = useState(c.extensionRequest?.value ?? 1);
  const [unit, setUnit] = useState<LimitUnit>(c.extensionRequest?.unit ?? 'work_day');
  const [mergeInto, setMergeInto] = useState(dups[0]?.id ?? 0);
  const [files, setFiles] = useState<File[]>([]);
  const [err, setErr] = useState<string | null>(null);
  const first = useRef<HTMLElement | null>(null);
  useEffect(() => first.current?.focus(), []);
  // What the action carries is the contract's schema of it; whether it needs a reason is the workflow's table.
  const fields = actionFields(action);
  const needs = {
    reason: !!RULES[action].needsReason,
    dept: 'dept' in fields,
    result: 'result' in fields,
    passed: 'passed' in fields,
    extension: 'extension' in fields,
    merge: 'mergeInto' in fields,
    photos: 'photos' in fields,
  };
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    try {
      const extra: Record<string, unknown> = {};
      if (needs.reason || reason.trim()) extra.reason = reason.trim();
      if (needs.dept) extra.dept = dept;
      if (needs.result) extra.result = result.trim();
      if (needs.passed) extra.passed = passed;
      if (needs.extension) extra.extension = { value: Number(value), unit };
      if (needs.merge) extra.mergeInto = Number(mergeInto);
      if (files.length) extra.photos = await Promise.all(files.map(readPhoto));
      onSubmit(extra);
    } catch (x) {
      setErr((x as Error).message);
    }
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') onCancel();
    // Inputs submit natively on Enter; a select submits on Enter, a text area on Ctrl+Enter.
    const tag = (e.target as HTMLElement).tagName;
    if (e.key === 'Enter' && ((tag === 'TEXTAREA' && e.ctrlKey) || tag === 'SELECT')) void submit(e as unknown as FormEvent);
  };
  const options = action === 'subDispatch' ? children : level2;
  return (
    <form className="action-form" data-testid="action-form" onSubmit={(e) => void submit(e)} onKeyDown={onKey}>
      <h4>{t(`action.${action}`)}</h4>
      {needs.dept && (
        <label>
          {t('cases.target')}
          <select
            data-testid="form-dept"
            ref={(el) => {
              if (el && !first.current) first.current = el;
            }}
            value={dept}
            onChange={(e) => setDept(e.target.value)}
          >
            {options.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
                {d.code === c.suggestedDept ? t('cases.suggested') : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {needs.passed && (
        <div className="row">
          <label className="check">
            <input type="radio" checked={passed} onChange={() => setPassed(true)} />
            {action === 'verify' ? t('cases.yes') : t('cases.passed')}
          </label>
          <label className="check">
            <input type="radio" data-testid="form-failed" checked={!passed} onChange={() => setPassed(false)} />
            {action === 'verify' ? t('cases.no') : t('cases.failed')}
          </label>
        </div>
      )}
      {needs.result && (
        <label>
          {t('cases.result')}
          <textarea
            data-testid="form-result"
            ref={(el) => {
              if (el && !first.current) first.current = el;
            }}
            value={result}
            onChange={(e) => setResult(e.target.value)}
            rows={3}
          />
        </label>
      )}
      {needs.extension && (
        <div className="row">
          <label>
            {t('cases.value')}
            <input type="number" min={0.5} step={0.5} value={value} onChange={(e) => setValue(Number(e.target.value))} />
          </label>
          <label>
            {t('cases.unit')}
            <select value={unit} onChange={(e) => setUnit(e.target.value as LimitUnit)}>
              {LIMIT_UNITS.map((u) => (
                <option key={u} value={u}>
                  {t(`units.${u}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {needs.merge && (
        <label>
          {t('cases.mergeInto')}
          <select value={mergeInto} onChange={(e) => setMergeInto(Number(e.target.value))}>
            {dups.map((d) => (
              <option key={d.id} value={d.id}>
                {d.caseNo} · {d.distanceM} m
              </option>
            ))}
          </select>
        </label>
      )}
      {(needs.reason || action === 'urge') && (
        <label>
          {t('cases.reason')}
          <textarea
            data-testid="form-reason"
            ref={(el) => {
              if (el && !first.current) first.current = el;
            }}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={2}
          />
        </label>
      )}
      {needs.photos && (
        <label>
          {t('cases.addPhoto')}
          <input type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => setFiles([...(e.target.files ?? [])].slice(0, 4))} />
        </label>
      )}
      {err && <p className="error">{err}</p>}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t('cases.cancel')}
        </button>
        <button
          className="primary"
          data-testid="form-submit"
          disabled={busy || (needs.reason && !reason.trim()) || (needs.result && !result.trim()) || (needs.dept && !dept)}
        >
          {t('cases.submit')}
        </button>
      </div>
    </form>
  );
}
