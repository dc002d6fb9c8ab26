// Case detail: facts, deadline, photos, timeline, duplicates and only the actions the user may take now.
// Every action has a key (shown on its button); actions that need input open a small form, Enter submits it.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import type { CaseAction } from '../../../shared/workflow.ts';
import { caseActionSchema } from '../../../shared/contract/cases.ts';
import type { CaseDetail as Detail, ChannelInfo, Component, Department, DuplicateHit, Settings } from '../../../shared/model.ts';
import { clockBadge, fullTime } from './format.ts';
import { typingOrModified } from '../keys.ts';
import { ActionForm } from './ActionForm.tsx';
import { CaseFacts } from './CaseFacts.tsx';
import { CaseTimeline } from './CaseTimeline.tsx';

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
      <CaseFacts c={c} component={component} channels={p.channels} deptName={deptName} onLocate={p.onLocate} />
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
              <a key={id} href={photos[id]} target="_blank" rel="noreferrer" title={c.photoRoles[id] ? t(`cases.photo_${c.photoRoles[id]}`) : undefined}>
                <img src={photos[id]} alt={c.photoRoles[id] ? t(`cases.photo_${c.photoRoles[id]}`) : ''} />
                {c.photoRoles[id] && <span className="photo-role">{t(`cases.photo_${c.photoRoles[id]}`)}</span>}
              </a>
            ) : (
              <span key={id} className="ph" />
            ),
          )}
        </div>
      )}
      <CaseTimeline history={c.history} photos={photos} deptName={deptName} />
    </div>
  );
}
