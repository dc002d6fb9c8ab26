// Between the login and the workspace: a user whose password must change (after a reset; the desktop's first
// administrator) sees only the forced change until it is done, since the core answers nothing else meanwhile.
// Afterwards the workspace shows, with the account buttons: one's own account, and the users view for administrators.
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/client.ts';
import { mayCall } from '../../../shared/access.ts';
import { AccountDialog } from './AccountDialog.tsx';
import { ForcedPasswordChange } from './ForcedPasswordChange.tsx';
import { UsersAdmin } from './UsersAdmin.tsx';
import type { User } from '../../../shared/model.ts';

/** The forced password change when due, otherwise the children and the account buttons. */
export function AccountGate({ user, children }: { user: User; children: ReactNode }) {
  const { t } = useTranslation();
  // Asked once per login: the flag is set by the core, not by the login screen.
  const [mustChange, setMustChange] = useState<boolean | null>(null);
  const [open, setOpen] = useState<'account' | 'users' | null>(null);
  useEffect(() => {
    setMustChange(null);
    call('auth.me', {})
      .then((me) => setMustChange(me.mustChangePassword))
      .catch(() => setMustChange(false));
  }, [user.id]);
  if (mustChange === null) return null;
  if (mustChange) return <ForcedPasswordChange user={user} onDone={() => setMustChange(false)} />;
  return (
    <>
      {children}
      <div className="account-buttons" style={{ position: 'fixed', right: 10, bottom: 34, zIndex: 40, display: 'flex', gap: 6 }}>
        <button data-testid="open-account" onClick={() => setOpen('account')}>
          {t('accounts.my')}
        </button>
        {mayCall(user, 'users.accounts') && (
          <button data-testid="open-users" onClick={() => setOpen('users')}>
            {t('accounts.admin')}
          </button>
        )}
      </div>
      {open === 'account' && <AccountDialog user={user} onClose={() => setOpen(null)} />}
      {open === 'users' && <UsersAdmin me={user} onClose={() => setOpen(null)} />}
    </>
  );
}
