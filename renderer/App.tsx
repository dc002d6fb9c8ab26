// The command-hall window. Login first (the tab's session is restored while it still holds), then the workspace
// (workspace/): the header, the left panel, the map, the right panel, the status bar and the dialogs.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, onSession, sessionToken, setSessionToken } from './api/client.ts';
import { LoginScreen } from './features/auth/LoginScreen.tsx';
import { Workspace } from './workspace/Workspace.tsx';
import { AccountGate } from './features/accounts/AccountGate.tsx';
import type { User } from '../shared/model.ts';

/** Login gate: restores the tab's session, or shows the login screen. */
export function App() {
  const { t } = useTranslation();
  const [user, setUser] = useState<User | null>(null);
  const [checked, setChecked] = useState(false);
  const [progress, setProgress] = useState<{ phase: string; fraction: number } | null>(null);
  useEffect(() => window.cityops?.onProgress((p) => setProgress(p.fraction >= 1 ? null : p)), []);
  useEffect(() => {
    if (!sessionToken()) return setChecked(true);
    call('auth.me', {})
      .then(setUser)
      .catch(() => setSessionToken(null))
      .finally(() => setChecked(true));
  }, []);
  useEffect(
    () =>
      onSession((inside) => {
        if (!inside) setUser(null);
      }),
    [],
  );
  if (!checked)
    return (
      <div className="splash">
        <h1>{t('app.title')}</h1>
        <p>{t('status.loading')}</p>
      </div>
    );
  if (!user) {
    return (
      <>
        {progress && (
          <div className="splash top-progress" data-testid="splash">
            <p>{t('status.seeding', { phase: progress.phase, pct: Math.round(progress.fraction * 100) })}</p>
            <progress max={1} value={progress.fraction} />
          </div>
        )}
        <LoginScreen onLogin={setUser} />
      </>
    );
  }
  return (
    <AccountGate user={user}>
      <Workspace user={user} />
    </AccountGate>
  );
}
