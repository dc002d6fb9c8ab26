// Changing one's own password: the current one, the new one twice. The policy (shared with the core) is checked as
// the user types; the core's refusal names the rule it broke, shown in the user's language.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError } from '../../api/client.ts';
import { PASSWORD_MIN, passwordProblem } from '../../../shared/contract/auth.ts';

/** The message of a refused change, in the UI's language. */
export function changeError(t: (k: string, o?: Record<string, unknown>) => string, err: unknown): string {
  const e = err instanceof CoreError ? err.data : null;
  const rule = e?.details?.rule;
  if (typeof rule === 'string' && ['length', 'name', 'same', 'current'].includes(rule)) return t(`accounts.rules.${rule}`, { min: PASSWORD_MIN });
  if (e?.code === 'RATE_LIMITED') return t('accounts.throttled', { minutes: Math.ceil(Number(e.details?.retryAfterMs ?? 60_000) / 60_000) });
  return t('accounts.failed', { msg: (err as Error).message });
}

/** The form; `onDone` after the core accepted the new password. `header` and `extra` (more buttons) go inside it. */
export function ChangePasswordForm(p: { userName: string; onDone(): void; onCancel?(): void; header?: ReactNode; extra?: ReactNode }) {
  const { userName, onDone, onCancel } = p;
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rule = password ? passwordProblem(userName, password) : null;
  const hint = rule ? t(`accounts.rules.${rule}`, { min: PASSWORD_MIN }) : again && again !== password ? t('accounts.mismatch') : null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('auth.changePassword', { current, password });
      onDone();
    } catch (err) {
      setError(changeError(t, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" data-testid="change-password" onSubmit={(e) => void submit(e)}>
      {p.header}
      <label className="stack">
        {t('accounts.current')}
        <input data-testid="pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label className="stack">
        {t('accounts.newPassword')}
        <input data-testid="pw-new" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <label className="stack">
        {t('accounts.confirm')}
        <input data-testid="pw-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
      </label>
      <small className="muted">{t('accounts.policy', { min: PASSWORD_MIN })}</small>
      {(error ?? hint) && (
        <p className="error" role="alert">
          {error ?? hint}
        </p>
      )}
      <div className="actions">
        {p.extra}
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('accounts.cancel')}
          </button>
        )}
        <button className="primary" data-testid="pw-save" disabled={busy || !current || !password || !!rule || again !== password}>
          {t('accounts.save')}
        </button>
      </div>
    </form>
  );
}
