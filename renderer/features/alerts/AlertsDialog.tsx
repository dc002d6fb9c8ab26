// Overdue alerts (acknowledge) and the SMS outbox (delivery status, retry) in one dialog.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/client.ts';
import type { AlertInfo, SmsMessage, User } from '../../../shared/model.ts';
import { fullTime } from '../cases/format.ts';
import { mayCall } from '../../../shared/access.ts';

export function AlertsDialog({ user, refreshKey, onOpenCase, onClose }: { user: User; refreshKey: number; onOpenCase(id: number): void; onClose(): void }) {
  const { t } = useTranslation();
  const canSms = mayCall(user, 'sms.outbox');
  const [tab, setTab] = useState<'alerts' | 'sms'>('alerts');
  const [alerts, setAlerts] = useState<AlertInfo[]>([]);
  const [sms, setSms] = useState<SmsMessage[]>([]);
  const load = () => {
    void call('alerts.list', {}).then(setAlerts);
    if (canSms) void call('sms.outbox', {}).then(setSms);
  };
  useEffect(load, [refreshKey]);
  return (
    <div className="modal-backdrop" onClick={onClose} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal wide" data-testid="alerts-dialog" onClick={(e) => e.stopPropagation()}>
        <div className="row">
          <button className={tab === 'alerts' ? 'active' : ''} onClick={() => setTab('alerts')}>
            {t('alerts.title')} ({alerts.length})
          </button>
          {canSms && (
            <button data-testid="sms-tab" className={tab === 'sms' ? 'active' : ''} onClick={() => setTab('sms')}>
              {t('alerts.sms')}
            </button>
          )}
          <span className="grow" />
          <button onClick={onClose}>{t('panel.close')}</button>
        </div>
        {tab === 'alerts' && (
          <>
            {alerts.length === 0 ? (
              <p className="muted">{t('alerts.none')}</p>
            ) : (
              <ul className="alert-list">
                {alerts.map((a) => (
                  <li key={a.id} className={a.kind}>
                    <span className="when">{fullTime(a.at)}</span>{' '}
                    <button
                      className="link"
                      onClick={() => {
                        onOpenCase(a.caseId);
                        onClose();
                      }}
                    >
                      {a.message}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {alerts.length > 0 && mayCall(user, 'alerts.ack') && (
              <button className="primary" onClick={() => void call('alerts.ack', { ids: alerts.map((a) => a.id).slice(0, 500) }).then(load)}>
                {t('alerts.ack')}
              </button>
            )}
          </>
        )}
        {tab === 'sms' &&
          (sms.length === 0 ? (
            <p className="muted">{t('alerts.smsEmpty')}</p>
          ) : (
            <table className="sms" data-testid="sms-table">
              <thead>
                <tr>
                  <th>{t('alerts.at')}</th>
                  <th>{t('alerts.to')}</th>
                  <th>{t('alerts.body')}</th>
                  <th>{t('alerts.attempts')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {sms.map((m) => (
                  <tr key={m.id}>
                    <td>{fullTime(m.createdAt)}</td>
                    <td className="mono">{m.toPhone}</td>
                    <td>{m.body}</td>
                    <td>
                      {t(`alerts.smsStatus.${m.status}`)} · {m.attempts}
                      {m.lastError ? ` · ${m.lastError}` : ''}
                    </td>
                    <td>
                      {m.status === 'failed' && mayCall(user, 'sms.retry') && (
                        <button onClick={() => void call('sms.retry', { id: m.id }).then(load)}>{t('alerts.retry')}</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </div>
    </div>
  );
}
