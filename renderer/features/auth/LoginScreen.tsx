// Login: user name and password; Enter submits. The session token is kept for this tab only.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CoreError, setSessionToken } from '../../api/client.ts';
import type { User } from '../../../shared/model.ts';

export function LoginScreen({ onLogin }: { onLogin(u: User): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await call('auth.login', { name: name.trim(), password });
      setSessionToken(s.token);
      onLogin(s.user);
    } catch (err) {
      const e = err instanceof CoreError ? err.data : null;
      if (e?.code === 'RATE_LIMITED') setError(t('auth.throttled', { minutes: Math.ceil(Number(e.details?.retryAfterMs ?? 60_000) / 60_000) }));
      else if (e?.code === 'UNAUTHENTICATED') setError(t('auth.wrong'));
      else setError(t('auth.failed', { msg: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login" data-testid="login">
      <form onSubmit={(e) => void submit(e)}>
        <h1>{t('app.title')}</h1>
        <label>
          {t('auth.name')}
          <input data-testid="login-name" autoFocus autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('auth.password')}
          <input data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button className="primary" data-testid="login-submit" disabled={busy || !name || !password}>
          {t('auth.submit')}
        </button>
        <p className="muted small">{t('auth.hint')}</p>
      </form>
    </div>
  );
}
