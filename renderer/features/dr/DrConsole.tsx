// The DR console (容灾操作员): replica status, lag over the last hour, verify, restore drills with their history,
// a snapshot on demand, and a read-only view of the warm standby.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import type { StandbySummary, VerifyReport } from '../../../shared/model.ts';
import type { DrillResult, ReplicationStatus } from '../../../shared/model.ts';
import { fullTime } from '../cases/format.ts';

const mb = (n: number | null | undefined) => (n == null ? '—' : `${(n / 1e6).toFixed(1)} MB`);

/** Lag (changes) over time as an SVG line; the seconds axis is the last hour. */
function LagChart({ history }: { history: ReplicationStatus['history'] }) {
  const { t } = useTranslation();
  const w = 560,
    h = 120;
  if (history.length < 2) return <p className="muted small">{t('dr.noHistory')}</p>;
  const t0 = history[0].t,
    t1 = history.at(-1)!.t;
  const max = Math.max(1, ...history.map((p) => p.lagChanges));
  const x = (tt: number) => ((tt - t0) / Math.max(1, t1 - t0)) * (w - 40) + 36;
  const y = (v: number) => h - 18 - (v / max) * (h - 30);
  const pts = history.map((p) => `${x(p.t).toFixed(1)},${y(p.lagChanges).toFixed(1)}`).join(' ');
  return (
    <svg className="lag-chart" width={w} height={h} data-testid="lag-chart" role="img" aria-label={t('dr.lagChart')}>
      <line x1={36} y1={h - 18} x2={w - 4} y2={h - 18} stroke="#adb5bd" />
      <line x1={36} y1={8} x2={36} y2={h - 18} stroke="#adb5bd" />
      <text x={2} y={14} fontSize={10}>
        {max}
      </text>
      <text x={2} y={h - 18} fontSize={10}>
        0
      </text>
      <text x={36} y={h - 4} fontSize={10}>
        {fullTime(t0).slice(11)}
      </text>
      <text x={w - 40} y={h - 4} fontSize={10}>
        {fullTime(t1).slice(11)}
      </text>
      <polyline points={pts} fill="none" stroke="#1c64b4" strokeWidth={1.5} />
    </svg>
  );
}

export function DrConsole({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const [st, setSt] = useState<ReplicationStatus | null>(null);
  const [drills, setDrills] = useState<DrillResult[]>([]);
  const [verify, setVerify] = useState<VerifyReport | null>(null);
  const [standby, setStandby] = useState<StandbySummary | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    call('replication.status', {})
      .then(setSt)
      .catch((e) => setError(String(e.message)));
    call('replication.drills', {})
      .then(setDrills)
      .catch(() => {});
  };
  useEffect(() => {
    load();
    const timer = setInterval(
      () =>
        call('replication.status', {})
          .then(setSt)
          .catch(() => {}),
      2000,
    );
    return () => clearInterval(timer);
  }, []);
  const run = async <T,>(label: string, fn: () => Promise<T>, then: (r: T) => void) => {
    setBusy(label);
    setError(null);
    try {
      then(await fn());
    } catch (e) {
      setError(e instanceof CoreError ? e.data.message : String(e));
    } finally {
      setBusy(null);
      load();
    }
  };
  const stateCls = st?.state === 'ok' ? 'ok' : st?.state === 'catching_up' ? 'soon' : 'bad';
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal wide dr" role="dialog" aria-label={t('dr.title')} data-testid="dr-console">
        <div className="row">
          <h3>{t('dr.title')}</h3>
          <span className="grow" />
          <button onClick={onClose}>{t('panel.close')}</button>
        </div>
        {st && !st.configured && <p className="notice">{t('dr.notConfigured')}</p>}
        {st?.configured && (
          <div className="dr-cards" data-testid="dr-status">
            <div>
              <span className="muted">{t('dr.replica')}</span>
              <strong className="mono">{st.target}</strong>
            </div>
            <div>
              <span className="muted">{t('dr.state')}</span>
              <strong className={`dr-state ${stateCls}`} data-testid="dr-state">
                {t(`dr.states.${st.state}`)}
              </strong>
            </div>
            <div>
              <span className="muted">{t('dr.mode')}</span>
              <strong>{st.mode === 'sync' ? t('dr.sync') : t('dr.async')}</strong>
            </div>
            <div>
              <span className="muted">{t('dr.acked')}</span>
              <strong className="mono">
                {st.ackedSeq} / {st.headSeq}
              </strong>
            </div>
            <div>
              <span className="muted">{t('dr.lag')}</span>
              <strong>{t('dr.lagValue', { n: st.lagChanges, s: (st.lagMs / 1000).toFixed(1) })}</strong>
            </div>
            <div>
              <span className="muted">{t('dr.lastSnapshot')}</span>
              <strong>{st.lastSnapshot ? `#${st.lastSnapshot.seq} · ${fullTime(st.lastSnapshot.createdAt)} · ${mb(st.lastSnapshot.bytes)}` : '—'}</strong>
            </div>
            <div>
              <span className="muted">{t('dr.store')}</span>
              <strong>{mb(st.storeBytes)}</strong>
            </div>
            {st.lastError && (
              <div className="wide-card">
                <span className="muted">{t('dr.lastError')}</span>
                <strong className="error">{st.lastError}</strong>
              </div>
            )}
          </div>
        )}
        {st?.configured && (
          <>
            <h4>{t('dr.lagChart')}</h4>
            <LagChart history={st.history} />
          </>
        )}
        <div className="row">
          <button
            data-testid="dr-verify"
            disabled={!!busy || !st?.configured}
            onClick={() => void run('verify', () => call('replication.verify', {}), setVerify)}
          >
            {busy === 'verify' ? '…' : t('dr.verify')}
          </button>
          <button
            data-testid="dr-drill"
            className="primary"
            disabled={!!busy || !st?.configured}
            onClick={() =>
              void run(
                'drill',
                () => call('replication.drill', {}),
                () => {},
              )
            }
          >
            {busy === 'drill' ? t('dr.drilling') : t('dr.drill')}
          </button>
          <button
            disabled={!!busy || !st?.configured}
            onClick={() =>
              void run(
                'snapshot',
                () => call('replication.snapshot', {}),
                () => {},
              )
            }
          >
            {busy === 'snapshot' ? '…' : t('dr.snapshot')}
          </button>
          <button disabled={!!busy || !st?.configured} onClick={() => void run('standby', () => call('replication.standby', {}), setStandby)}>
            {t('dr.standby')}
          </button>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {verify && (
          <p data-testid="dr-verify-result" className={verify.ok ? 'ok' : 'error'}>
            {verify.ok
              ? t('dr.verifyOk', { snaps: verify.snapshots, segs: verify.segments, last: verify.lastSeq })
              : t('dr.verifyBad', { file: verify.problems[0]?.file, seq: verify.problems[0]?.seq ?? '—', problem: verify.problems[0]?.problem })}
          </p>
        )}
        {standby && (
          <div className="standby" data-testid="dr-standby">
            <h4>{t('dr.standbyTitle', { seq: standby.seq })}</h4>
            <p className="small">
              {Object.entries(standby.counts)
                .map(([k, v]) => `${k} ${v.toLocaleString()}`)
                .join(' · ')}
            </p>
            <ul className="small">
              {standby.recentCases.slice(0, 8).map((c) => (
                <li key={c.caseNo}>
                  <span className="mono">{c.caseNo}</span> {t(`state.${c.status}`)} · {c.description}
                </li>
              ))}
            </ul>
          </div>
        )}
        <h4>{t('dr.drills')}</h4>
        <table className="sms" data-testid="dr-drills">
          <thead>
            <tr>
              <th>{t('alerts.at')}</th>
              <th>{t('dr.result')}</th>
              <th>{t('dr.seq')}</th>
              <th>{t('dr.duration')}</th>
              <th>{t('dr.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {drills.map((d) => (
              <tr key={d.id}>
                <td>{fullTime(d.at)}</td>
                <td className={d.ok ? 'ok' : 'error'}>{d.ok ? t('dr.pass') : t('dr.fail')}</td>
                <td className="mono">{d.seq ?? '—'}</td>
                <td>{(d.durationMs / 1000).toFixed(1)} s</td>
                <td className="small">
                  {d.error ??
                    `${d.tables.length} ${t('dr.tables')} · cases ${d.tables.find((x) => x.table === 'cases')?.restored ?? '—'}${
                      d.tables.some((x) => !x.same)
                        ? ` · ≠ ${d.tables
                            .filter((x) => !x.same)
                            .map((x) => x.table)
                            .join(', ')}`
                        : ''
                    }`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
