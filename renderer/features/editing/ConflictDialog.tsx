// A commit refused because other editors changed the same components: for each, the fields side by side (base /
// theirs / yours, differences marked) and a choice: keep theirs (drop my change) or reapply mine on their version.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RECORD_FIELDS, type ComponentRecord, type EditConflict } from '../../../shared/editing.ts';
import { fullTime } from '../cases/format.ts';

/** Field (of a record, or of an import) → label key: the panel's attribute names where there is one. */
export const FIELD_LABELS: Record<string, string> = {
  code: 'panel.code',
  classCode: 'panel.class',
  name: 'panel.name',
  communityCode: 'panel.community',
  gridCode: 'panel.grid',
  lon: 'panel.lonlat',
  lat: 'panel.lonlat',
  geometry: 'edit.polygon',
  dept1: 'panel.dept1',
  dept2: 'panel.dept2',
  dept3: 'panel.dept3',
  state: 'panel.state',
  orDate: 'panel.orDate',
  chDate: 'panel.chDate',
  dataSource: 'panel.dataSource',
  note: 'panel.note',
  attrs: 'edit.attrs',
  retiredAt: 'edit.ops.retire',
};

/** A record field as text for the diff. */
export function fieldText(r: ComponentRecord | null, f: keyof ComponentRecord): string {
  if (!r) return '—';
  const v = r[f];
  if (v === null || v === undefined) return '—';
  if (f === 'lon' || f === 'lat') return (v as number).toFixed(7);
  if (f === 'geometry') return `${(v as { type: string }).type} (${JSON.stringify((v as { coordinates: unknown }).coordinates).length} B)`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function ConflictDialog({
  conflicts,
  onResolve,
  onCancel,
}: {
  conflicts: EditConflict[];
  onResolve(choices: Record<string, 'theirs' | 'mine'>): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [choices, setChoices] = useState<Record<string, 'theirs' | 'mine'>>(Object.fromEntries(conflicts.map((c) => [c.code, 'mine'])));
  return (
    <div className="modal-backdrop">
      <div className="modal wide" role="dialog" aria-modal="true" data-testid="conflict-dialog">
        <h3>{t('edit.conflictTitle')}</h3>
        {conflicts.map((c) => (
          <section key={c.code} className="conflict" data-testid={`conflict-${c.code}`}>
            <h4 className="mono">
              {c.code}{' '}
              <span className="muted small">
                v{c.baseVersion} → v{c.theirsVersion}
              </span>
            </h4>
            {c.theirCommit && (
              <p className="small">{t('edit.by', { actor: c.theirCommit.actor, at: fullTime(c.theirCommit.at), message: c.theirCommit.message })}</p>
            )}
            <table className="diff">
              <thead>
                <tr>
                  <th>{t('edit.field')}</th>
                  <th>{t('edit.base')}</th>
                  <th>{t('edit.theirs')}</th>
                  <th>{t('edit.yours')}</th>
                </tr>
              </thead>
              <tbody>
                {RECORD_FIELDS.filter((f) => f !== 'lat').map((f) => {
                  const differs = c.fields.includes(f) || (f === 'lon' && c.fields.includes('lat'));
                  const show = (r: ComponentRecord) => (f === 'lon' ? `${fieldText(r, 'lon')}, ${fieldText(r, 'lat')}` : fieldText(r, f));
                  const changedTheirs = show(c.theirs) !== show(c.base),
                    changedYours = show(c.yours) !== show(c.base);
                  if (!differs && !changedTheirs && !changedYours) return null;
                  return (
                    <tr key={f} className={differs ? 'differs' : ''}>
                      <th>{t(FIELD_LABELS[f] ?? f)}</th>
                      <td>{show(c.base)}</td>
                      <td className={changedTheirs ? 'changed' : ''}>{show(c.theirs)}</td>
                      <td className={changedYours ? 'changed' : ''}>{show(c.yours)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <label>
              <input
                type="radio"
                name={`c-${c.code}`}
                data-testid={`theirs-${c.code}`}
                checked={choices[c.code] === 'theirs'}
                onChange={() => setChoices({ ...choices, [c.code]: 'theirs' })}
              />{' '}
              {t('edit.keepTheirs')}
            </label>
            <label>
              <input
                type="radio"
                name={`c-${c.code}`}
                data-testid={`mine-${c.code}`}
                checked={choices[c.code] === 'mine'}
                onChange={() => setChoices({ ...choices, [c.code]: 'mine' })}
              />{' '}
              {t('edit.reapplyMine')}
            </label>
          </section>
        ))}
        <div className="row">
          <button className="primary" data-testid="resolve-conflicts" onClick={() => onResolve(choices)}>
            {t('edit.applyAndCommit')}
          </button>
          <button onClick={onCancel}>{t('settings.cancel')}</button>
        </div>
      </div>
    </div>
  );
}
