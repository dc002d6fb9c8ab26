// The case's history: who took which action, the state it moved to, and what the step carried (department, result, merge).
import { useTranslation } from 'react-i18next';
import type { CaseHistoryEntry } from '../../../shared/model.ts';
import { fullTime } from './format.ts';

export interface CaseTimelineProps {
  history: CaseHistoryEntry[];
  /** Blob URLs of the photos loaded so far, by photo id. */
  photos: Record<number, string>;
  deptName(code: string | null): string;
}

export function CaseTimeline({ history, photos, deptName }: CaseTimelineProps) {
  const { t } = useTranslation();
  return (
    <>
      <h4>{t('cases.history')}</h4>
      <ol className="timeline" data-testid="timeline">
        {history.map((h) => (
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
    </>
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
