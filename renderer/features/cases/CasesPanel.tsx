// Case queues per role with counts, the case list of the chosen queue, full-text search and filters.
// Keyboard: ↑/↓ move the selection, Enter opens it (the detail panel follows the selection), N starts a new case.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/client.ts';
import { ROLE_QUEUES, type QueueName } from '../../../shared/queues.ts';
import type { CasePage, ChannelInfo, Department, EventClass, Street, User } from '../../../shared/model.ts';
import { clockBadge, fullTime } from './format.ts';
import { typingOrModified } from '../keys.ts';
import { departmentScoped } from '../../../shared/access.ts';

export interface CasesPanelProps {
  user: User;
  /** Bumped on every pushed case change: counts and list reload. */
  refreshKey: number;
  selectedId: number | null;
  onSelect(id: number): void;
  onNew(): void;
  channels: ChannelInfo[];
  eventClasses: EventClass[];
  streets: Street[];
  departments: Department[];
  /** The user's role may take in cases. */
  canIntake: boolean;
}

export function CasesPanel(p: CasesPanelProps) {
  const { t, i18n } = useTranslation();
  const queues = ROLE_QUEUES[p.user.role];
  const [queue, setQueue] = useState<QueueName>(queues[0]);
  const [counts, setCounts] = useState<Partial<Record<QueueName, number>>>({});
  const [page, setPage] = useState<CasePage>({ total: 0, items: [] });
  const [q, setQ] = useState('');
  const [classCode, setClassCode] = useState('');
  const [channel, setChannel] = useState('');
  const [street, setStreet] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [deptCode, setDeptCode] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [limit, setLimit] = useState(50);
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const reqNo = useRef(0);

  useEffect(() => {
    const no = ++reqNo.current;
    const timer = setTimeout(
      () => {
        Promise.all([
          call('cases.counts', {}),
          call('cases.list', {
            queue,
            limit,
            q: q.trim() || undefined,
            classCode: classCode || undefined,
            channel: channel || undefined,
            streetCode: street || undefined,
            overdue: overdue || undefined,
            deptCode: deptCode || undefined,
            // Dates are civil days in China Standard Time; "to" includes its whole day.
            from: from ? Date.parse(`${from}T00:00:00+08:00`) : undefined,
            to: to ? Date.parse(`${to}T00:00:00+08:00`) + 86_400_000 : undefined,
          }),
        ])
          .then(([c, l]) => {
            if (no !== reqNo.current) return;
            setCounts(c);
            setPage(l);
            setError(null);
          })
          .catch((e) => setError(String(e.message)));
      },
      q ? 150 : 0,
    ); // typing settles before the search runs
    return () => clearTimeout(timer);
  }, [queue, q, classCode, channel, street, overdue, deptCode, from, to, limit, p.refreshKey]);

  // Arrow keys move the selection when the focus is not in a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typingOrModified(e)) return;
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      e.preventDefault();
      const ids = page.items.map((x) => x.id);
      if (!ids.length) return;
      const i = p.selectedId == null ? -1 : ids.indexOf(p.selectedId);
      const next = e.key === 'ArrowDown' ? Math.min(ids.length - 1, i + 1) : Math.max(0, i - 1);
      p.onSelect(ids[next]);
      listRef.current?.querySelector(`[data-id="${ids[next]}"]`)?.scrollIntoView({ block: 'nearest' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [page, p.selectedId, p.onSelect]);

  return (
    <section className="cases-panel" data-testid="cases-panel">
      <div className="queue-tabs" role="tablist">
        {queues.map((name) => (
          <button
            key={name}
            role="tab"
            aria-selected={queue === name}
            data-testid={`queue-${name}`}
            className={`${queue === name ? 'active' : ''} ${name === 'overdue' && (counts.overdue ?? 0) > 0 ? 'alarm' : ''}`}
            onClick={() => {
              setQueue(name);
              setLimit(50);
            }}
          >
            {t(`queues.${name}`)}{' '}
            <span className="n" data-testid={`count-${name}`}>
              {counts[name] ?? 0}
            </span>
          </button>
        ))}
      </div>
      <div className="case-filters">
        <input data-testid="case-search" placeholder={t('cases.search')} value={q} onChange={(e) => setQ(e.target.value)} />
        <div className="row">
          <select aria-label={t('cases.filterClass')} value={classCode} onChange={(e) => setClassCode(e.target.value)}>
            <option value="">
              {t('cases.filterClass')}: {t('cases.any')}
            </option>
            {p.eventClasses.map((c) => (
              <option key={c.code} value={c.code}>
                {c.code} {c.name}
              </option>
            ))}
          </select>
          <select aria-label={t('cases.filterChannel')} value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">
              {t('cases.filterChannel')}: {t('cases.any')}
            </option>
            {p.channels.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="row">
          <select aria-label={t('cases.filterStreet')} value={street} onChange={(e) => setStreet(e.target.value)}>
            <option value="">
              {t('cases.filterStreet')}: {t('cases.any')}
            </option>
            {p.streets.map((s) => (
              <option key={s.code} value={s.code}>
                {s.name}
              </option>
            ))}
          </select>
          {!departmentScoped(p.user) && (
            <select aria-label={t('cases.dept')} data-testid="filter-dept" value={deptCode} onChange={(e) => setDeptCode(e.target.value)}>
              <option value="">
                {t('cases.dept')}: {t('cases.any')}
              </option>
              {p.departments
                .filter((d) => d.level === 2)
                .map((d) => (
                  <option key={d.code} value={d.code}>
                    {d.name}
                  </option>
                ))}
            </select>
          )}
        </div>
        <div className="row">
          <input type="date" aria-label={t('cases.from')} value={from} onChange={(e) => setFrom(e.target.value)} />
          <span className="muted">–</span>
          <input type="date" aria-label={t('cases.to')} value={to} onChange={(e) => setTo(e.target.value)} />
          <label className="check">
            <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} />
            {t('cases.onlyOverdue')}
          </label>
        </div>
      </div>
      {error && <p className="error">{error}</p>}
      <div className="muted small list-head">
        {p.canIntake && (
          <button className="primary" data-testid="new-case" onClick={p.onNew}>
            {t('cases.newCase')}
          </button>
        )}
        <span data-testid="case-total">{t('cases.total', { n: page.total >= 10000 ? '10000+' : page.total })}</span>
        <span>{t('cases.keys')}</span>
      </div>
      <ul className="case-list" ref={listRef} data-testid="case-list">
        {page.items.length === 0 && <li className="muted none">{t('cases.none')}</li>}
        {page.items.map((c) => {
          const b = clockBadge(c.clock, i18n.language);
          return (
            <li key={c.id} data-id={c.id} data-testid="case-row" className={p.selectedId === c.id ? 'selected' : ''} onClick={() => p.onSelect(c.id)}>
              <div className="line1">
                <span className="mono">{c.caseNo}</span>
                <span className={`badge s-${c.status}`}>{t(`state.${c.status}`)}</span>
                <span className={b.cls} title={t('cases.left')}>
                  {b.text}
                </span>
              </div>
              <div className="line2">
                <strong>{c.className}</strong> · {c.description}
              </div>
              <div className="line3 muted">
                {fullTime(c.createdAt)} · {p.channels.find((x) => x.code === c.channel)?.name ?? c.channel}
                {c.urgeCount ? ` · 督办×${c.urgeCount}` : ''}
              </div>
            </li>
          );
        })}
        {page.items.length < page.total && (
          <li>
            <button onClick={() => setLimit((l) => Math.min(200, l + 50))}>{t('cases.more')}</button>
          </li>
        )}
      </ul>
    </section>
  );
}
