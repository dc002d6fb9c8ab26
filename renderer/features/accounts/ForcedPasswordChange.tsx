// After a login whose password must change (a reset, or the desktop's first administrator): nothing else answers
// until it has, so this screen stands in for the workspace, in the login screen's place. Logging out stays possible.
import { useTranslation } from 'react-i18next';
import { call, setSessionToken } from '../../api/client.ts';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';
import type { User } from '../../../shared/model.ts';

/** The forced password change; `onDone` once the core accepted the new password. */
export function ForcedPasswordChange({ user, onDone }: { user: User; onDone(): void }) {
  const { t } = useTranslation();
  const logout = async () => {
    await call('auth.logout', {}).catch(() => {});
    setSessionToken(null);
  };
  return (
    <div className="login" data-testid="forced-password-change">
      <ChangePasswordForm
        userName={user.name}
        onDone={onDone}
        header={
          <>
            <h1>{t('accounts.forcedTitle')}</h1>
            <p className="muted small">{t('accounts.forcedHint')}</p>
            <p>
              {user.name} · {t(`role.${user.role}`)}
            </p>
          </>
        }
        extra={
          <button type="button" data-testid="forced-logout" onClick={() => void logout()}>
            {t('auth.logout')}
          </button>
        }
      />
    </div>
  );
}
