// Administrators' view of the accounts: every account with its state and live sessions; disable and enable, reset a
// password (the generated one is shown here once and never again), edit role and placement, log a user out
// everywhere. Disabling and resetting ask first, with an optional reason for the audit.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import { AccountEditor } from './AccountEditor.tsx';
import type { Account } from '../../../shared/contract/auth.ts';
import type { InputOf } from '../../../shared/contract/index.ts';
import type { Department, Street, User } from '../../../shared/model.ts';

type Pending = { kind: 'disable' | 'reset'; account: Account };

/** Modal dialog of the centre's accounts. */
export function UsersAdmin({ me, onClose }: { me: User; onClose(): void }) {
  const { t } = useTranslation();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [streets, setStreets] = useState<Street[]>([]);
  const [editing, setEditing] = useState<number | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [reason, setReason] = useState('');
  const [revealed, setRevealed] = useState<{ name: string; password: string } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => call('users.accounts', {}).then(setAccounts), []);
  useEffect(() => {
    void reload().catch((e: Error) => setError(e.message));
    void call('catalog.departments', {}).then(setDepartments);
    void call('grid.streets', {}).then(setStreets);
  }, [reload]);

  /** Runs an action, then shows the fresh list; a refusal shows the core's message. */
  const act = async (fn: () => Promise<string | null>) => {
    setError(null);
    setMessage(null);
    try {
      setMessage(await fn());
      await reload();
    } catch (e) {
      setError(t('accounts.failed', { msg: e instanceof CoreError ? e.message : String(e) }));
    }
  };
  const why = () => (reason.trim() ? { reason: reason.trim() } : {});
  const confirm = (p: Pending) =>
    act(async () => {
      setPending(null);
      setReason('');
      if (p.kind === 'disable') {
        await call('users.disable', { id: p.account.id, ...why() });
        return null;
      }
      const r = await call('users.resetPassword', { id: p.account.id, ...why() });
      setRevealed({ name: r.account.name, password: r.password });
      return null;
    });
  const update = (id: number, change: Omit<InputOf<'users.update'>, 'id'>) =>
    act(async () => {
      setEditing(null);
      if (Object.keys(change).length) await call('users.update', { id, ...change });
      return null;
    });
  const state = (a: Account) => (a.disabled ? t('accounts.disabled') : a.mustChangePassword ? t('accounts.mustChange') : t('accounts.active'));
  const deptName = (code: string | null) => (code ? (departments.find((d) => d.code === code)?.name ?? code) : '');
  const streetName = (code: string | null) => (code ? (streets.find((s) => s.code === code)?.name ?? code) : '');

  return (
    <div className="modal-backdrop">
      <div className="modal wide" role="dialog" aria-label={t('accounts.admin')} data-testid="users-admin">
        <h3>{t('accounts.admin')}</h3>
        {revealed && (
          <fieldset data-testid="reset-result">
            <p>{t('accounts.newPasswordOnce', { name: revealed.name })}</p>
            <div className="row">
              <code data-testid="reset-password">{revealed.password}</code>
              <button onClick={() => void navigator.clipboard?.writeText(revealed.password).then(() => setMessage(t('accounts.copied')))}>
                {t('accounts.copy')}
              </button>
              <button onClick={() => setRevealed(null)}>{t('accounts.close')}</button>
            </div>
          </fieldset>
        )}
        {pending && (
          <fieldset data-testid="confirm-action">
            <p>{t(pending.kind === 'disable' ? 'accounts.confirmDisable' : 'accounts.confirmReset', { name: pending.account.name })}</p>
            <div className="row">
              <input type="text" placeholder={t('accounts.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
              <button className="primary" data-testid="confirm-ok" onClick={() => void confirm(pending)}>
                {t(pending.kind === 'disable' ? 'accounts.disable' : 'accounts.reset')}
              </button>
              <button onClick={() => setPending(null)}>{t('accounts.cancel')}</button>
            </div>
          </fieldset>
        )}
        {message && <p data-testid="users-message">{message}</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <table className="accounts">
          <thead>
            <tr>
              <th>{t('accounts.name')}</th>
              <th>{t('accounts.displayName')}</th>
              <th>{t('accounts.role')}</th>
              <th>{t('accounts.department')}</th>
              <th>{t('accounts.street')}</th>
              <th>{t('accounts.state')}</th>
              <th>{t('accounts.sessions')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) =>
              editing === a.id ? (
                <tr key={a.id}>
                  <td>{a.name}</td>
                  <td colSpan={7}>
                    <AccountEditor
                      account={a}
                      departments={departments}
                      streets={streets}
                      onSave={(c) => void update(a.id, c)}
                      onCancel={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={a.id} data-testid={`account-${a.name}`} className={a.disabled ? 'muted' : ''}>
                  <td>{a.name}</td>
                  <td>{a.displayName}</td>
                  <td>{t(`role.${a.role}`)}</td>
                  <td>{deptName(a.department)}</td>
                  <td>{streetName(a.streetCode)}</td>
                  <td data-testid="account-state">{state(a)}</td>
                  <td>{a.sessions}</td>
                  <td className="row">
                    <button onClick={() => setEditing(a.id)}>{t('accounts.edit')}</button>
                    {a.id !== me.id &&
                      (a.disabled ? (
                        <button data-testid="enable" onClick={() => void act(async () => (await call('users.enable', { id: a.id }), null))}>
                          {t('accounts.enable')}
                        </button>
                      ) : (
                        <button data-testid="disable" onClick={() => setPending({ kind: 'disable', account: a })}>
                          {t('accounts.disable')}
                        </button>
                      ))}
                    {a.id !== me.id && (
                      <button data-testid="reset" onClick={() => setPending({ kind: 'reset', account: a })}>
                        {t('accounts.reset')}
                      </button>
                    )}
                    <button
                      data-testid="revoke"
                      disabled={a.sessions === 0}
                      onClick={() => void act(async () => t('accounts.revoked', { count: (await call('users.revokeSessions', { id: a.id })).revoked }))}
                    >
                      {t('accounts.revoke')}
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        <div className="actions">
          <button onClick={onClose}>{t('accounts.close')}</button>
        </div>
      </div>
    </div>
  );
}
