// The header bar: the district, the search box, who is logged in, the language switch, editing on/off, the
// buttons that open the dialogs (only those the user's role may use) and logout.
import { useTranslation } from 'react-i18next';
import { call, setSessionToken } from '../api/client.ts';
import { setLanguage } from '../i18n/index.ts';
import { SearchBox } from '../features/search/SearchBox.tsx';
import type { DialogName } from './WorkspaceDialogs.tsx';
import { mayCall } from '../../shared/access.ts';
import type { Department, SearchHit, User } from '../../shared/model.ts';

export interface HeaderBarProps {
  user: User;
  districtName: string;
  departments: Department[];
  /** The user may edit the component and grid layers. */
  canEdit: boolean;
  editing: boolean;
  onToggleEditing(): void;
  onPick(hit: SearchHit): void;
  onOpen(dialog: DialogName): void;
}

export function HeaderBar({ user, districtName, departments, canEdit, editing, onToggleEditing, onPick, onOpen }: HeaderBarProps) {
  const { t, i18n } = useTranslation();
  const logout = async () => {
    await call('auth.logout', {}).catch(() => {});
    setSessionToken(null);
  };
  return (
    <header className="top">
      <div className="brand">
        <strong>{t('app.short')}</strong> <span>{t('app.title')}</span> <span className="district">{districtName}</span>
      </div>
      <SearchBox onPick={onPick} />
      <div className="tools">
        <span className="who" data-testid="who">
          {user.displayName} · {t(`role.${user.role}`)}
          {user.department ? ` · ${departments.find((d) => d.code === user.department)?.name ?? user.department}` : ''}
        </span>
        <button data-testid="lang-switch" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
          {t('lang.switch')}
        </button>
        {canEdit && (
          <button data-testid="toggle-editing" className={editing ? 'active' : ''} onClick={onToggleEditing}>
            {editing ? t('edit.stop') : t('edit.start')}
          </button>
        )}
        <button data-testid="open-commits" onClick={() => onOpen('commits')}>
          {t('edit.commits')}
        </button>
        <button data-testid="open-io" onClick={() => onOpen('io')}>
          {t('io.title')}
        </button>
        {mayCall(user, 'replication.drill') && (
          <button data-testid="open-dr" onClick={() => onOpen('dr')}>
            {t('dr.open')}
          </button>
        )}
        {mayCall(user, 'settings.set') && (
          <button data-testid="open-settings" onClick={() => onOpen('settings')}>
            {t('settings.title')}
          </button>
        )}
        <button data-testid="logout" onClick={() => void logout()}>
          {t('auth.logout')}
        </button>
      </div>
    </header>
  );
}
