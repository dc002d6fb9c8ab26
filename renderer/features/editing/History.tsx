// Component history (every version: who, when, commit message, what changed) and the commit log with revert.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import { RECORD_FIELDS, differingFields, type CommitDetail, type CommitInfo, type ComponentVersion, type EditConflict } from '../../../shared/editing.ts';
import { fullTime } from '../cases/format.ts';
import { FIELD_LABELS, fieldText } from './ConflictDialog.tsx';

/** Versions of one component, newest first (refreshed with `refreshKey`). */
export function ComponentHistory({ code, refreshKey }: { code: string; refreshKey: number }) {
  const { t } = useTranslation();
  const [versions, setVersions] = useState<ComponentVersion[] | null>(null);
  useEffect(
    () =>
      void call('components.history', { code })
        .then(setVersions)
        .catch(() => setVersions([])),
    [code, refreshKey],
  );
  if (!versions) return null;
  return (
    <div className="history" data-testid="component-history">
      <strong>{t('edit.history')}</strong>
      <ol>
        {versions.map((v) => (
          <li key={v.version}>
            <span className="mono">v{v.version}</span> {v.op === 'census' ? t('edit.census') : t(`edit.ops.${v.op}`)}
            {v.commit && (
              <>
                {' '}
                · {v.commit.actor} · {fullTime(v.commit.at)} · #{v.commit.id} {v.commit.message}
              </>
            )}
            {v.before && (
              <ul className="small">
                {differingFields(v.before, v.after)
                  .filter((f) => f !== 'lat')
                  .map((f) => (
                    <li key={f}>
                      {t(FIELD_LABELS[f] ?? f)}: {fieldText(v.before, f as never)} → {fieldText(v.after, f as never)}
                    </li>
                  ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Photos of a component (added in edits), shown from blob URLs. */
export function ComponentPhotos({ code, refreshKey }: { code: string; refreshKey: number }) {
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    (async () => {
      const { photoIds } = await call('components.record', { code });
      for (const id of photoIds) {
        const bytes = await call('components.photo', { id });
        made.push(URL.createObjectURL(new Blob([bytes as BlobPart])));
      }
      if (live) setUrls(made);
    })().catch(() => {});
    return () => {
      live = false;
      for (const u of made) URL.revokeObjectURL(u);
    };
  }, [code, refreshKey]);
  if (!urls.length) return null;
  return (
    <div className="photos" data-testid="component-photos">
      {urls.map((u) => (
        <img key={u} src={u} alt="" />
      ))}
    </div>
  );
}

/** The commit log: newest first, each with what it changed and (for editors) revert. */
export function CommitLog({ canRevert, refreshKey, onClose, onToast }: { canRevert: boolean; refreshKey: number; onClose(): void; onToast(m: string): void }) {
  const { t } = useTranslation();
  const [commits, setCommits] = useState<CommitInfo[]>([]);
  const [open, setOpen] = useState<CommitDetail | null>(null);
  const [conflicts, setConflicts] = useState<{ id: number; list: EditConflict[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    void call('components.commits', { limit: 200 })
      .then(setCommits)
      .catch((e) => setError(String(e.message)));
  useEffect(load, [refreshKey]);
  const revert = async (id: number, opts: { force?: string[]; skip?: string[] } = {}) => {
    setError(null);
    try {
      const r = await call('components.revert', { id, ...opts });
      setConflicts(null);
      onToast(t('edit.revertDone', { id: r.commit.id }));
      load();
    } catch (e) {
      const list = (e as CoreError).data?.details?.conflicts as EditConflict[] | undefined;
      if (list?.length) setConflicts({ id, list });
      else setError((e as Error).message);
    }
  };
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal wide" role="dialog" aria-modal="true" data-testid="commit-log">
        <div className="detail-head">
          <h3>{t('edit.commits')}</h3>
          <button onClick={onClose} aria-label={t('panel.close')}>
            ×
          </button>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {conflicts && (
          <div className="warn" data-testid="revert-conflicts">
            {t('edit.revertConflict', { n: conflicts.list.length })} <span className="mono">{conflicts.list.map((c) => c.code).join(', ')}</span>
            <button onClick={() => void revert(conflicts.id, { force: conflicts.list.map((c) => c.code) })}>{t('edit.force')}</button>
            <button onClick={() => void revert(conflicts.id, { skip: conflicts.list.map((c) => c.code) })}>{t('edit.skip')}</button>
          </div>
        )}
        <table className="log">
          <tbody>
            {commits.map((c) => (
              <tr key={c.id} data-testid={`commit-${c.id}`}>
                <td className="mono">#{c.id}</td>
                <td>{fullTime(c.at)}</td>
                <td>{c.actor}</td>
                <td>
                  <a
                    href="#"
                    onClick={(e) => {
                      e.preventDefault();
                      void call('components.commitDetail', { id: c.id }).then(setOpen);
                    }}
                  >
                    {c.message}
                  </a>
                </td>
                <td className="small">
                  +{c.added} ~{c.updated} −{c.retired}
                  {c.cells ? ` ▦${c.cells}` : ''}
                </td>
                <td>
                  {c.revertedBy ? (
                    <span className="muted small">{t('edit.reverted', { id: c.revertedBy })}</span>
                  ) : (
                    canRevert && (
                      <button data-testid={`revert-${c.id}`} onClick={() => void revert(c.id)}>
                        {t('edit.revert')}
                      </button>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {open && (
          <div className="commit-detail" data-testid="commit-detail">
            <h4>
              #{open.commit.id} {open.commit.message}
            </h4>
            <ul className="small">
              {open.components.slice(0, 300).map((v) => (
                <li key={`${v.code}-${v.version}`}>
                  <span className="mono">{v.code}</span> {t(`edit.ops.${v.op}`)} v{v.version}
                  {v.before &&
                    ': ' +
                      RECORD_FIELDS.filter((f) => f !== 'lat' && fieldText(v.before, f) !== fieldText(v.after, f))
                        .map((f) => `${t(FIELD_LABELS[f] ?? f)} ${fieldText(v.before, f)} → ${fieldText(v.after, f)}`)
                        .join('；')}
                </li>
              ))}
              {open.cells.map((v) => (
                <li key={`c${v.code}-${v.version}`}>
                  <span className="mono">{v.code}</span> {t(`edit.ops.${v.op}`)} {Math.round(v.after.areaM2)} m²
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
