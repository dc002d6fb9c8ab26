// The logged-in user's own account: who they are and a password change.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';
import type { User } from '../../../shared/model.ts';

/** Modal dialog of one's own account. */
export function AccountDialog({ user, onClose }: { user: User; onClose(): void }) {
  const { t } = useTranslation();
  const [done, setDone] = useState(false);
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-label={t('accounts.my')} data-testid="account-dialog">
        <h3>{t('accounts.my')}</h3>
        <p>
          {user.name} · {user.displayName} · {t(`role.${user.role}`)}
        </p>
        <fieldset>
          <legend>{t('accounts.changePassword')}</legend>
          {done ? (
            <p data-testid="pw-changed">{t('accounts.changed')}</p>
          ) : (
            <ChangePasswordForm userName={user.name} onDone={() => setDone(true)} onCancel={onClose} />
          )}
        </fieldset>
        {done && (
          <div className="actions">
            <button onClick={onClose}>{t('accounts.close')}</button>
          </div>
        )}
      </div>
    </div>
  );
}
