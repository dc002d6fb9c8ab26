// One account's role and placement, as an administrator edits them: a department for department users, a street
// (patrol area) for anyone who has one; the core checks that they exist and fit the role, as at creation.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../../../shared/roles.ts';
import type { Account } from '../../../shared/contract/auth.ts';
import type { InputOf } from '../../../shared/contract/index.ts';
import type { Department, Street } from '../../../shared/model.ts';

/** The edit row; `onSave` gets only what changed. */
export function AccountEditor(p: {
  account: Account;
  departments: Department[];
  streets: Street[];
  onSave(change: Omit<InputOf<'users.update'>, 'id'>): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const a = p.account;
  const [role, setRole] = useState<Role>(a.role);
  const [department, setDepartment] = useState(a.department ?? '');
  const [street, setStreet] = useState(a.streetCode ?? '');
  const [displayName, setDisplayName] = useState(a.displayName);
  const save = () => {
    const dept = role === 'department' ? department || null : null;
    p.onSave({
      ...(role !== a.role ? { role } : {}),
      ...(dept !== a.department ? { department: dept } : {}),
      ...((street || null) !== a.streetCode ? { streetCode: street || null } : {}),
      ...(displayName.trim() !== a.displayName ? { displayName: displayName.trim() } : {}),
    });
  };
  return (
    <div className="row" data-testid="account-editor">
      <label className="stack">
        {t('accounts.displayName')}
        <input type="text" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label className="stack">
        {t('accounts.role')}
        <select data-testid="edit-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      {role === 'department' && (
        <label className="stack">
          {t('accounts.department')}
          <select data-testid="edit-department" value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">—</option>
            {p.departments.map((d) => (
              <option key={d.code} value={d.code}>
                {'　'.repeat(d.level - 2)}
                {d.code} {d.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="stack">
        {t('accounts.street')}
        <select data-testid="edit-street" value={street} onChange={(e) => setStreet(e.target.value)}>
          <option value="">{t('accounts.none')}</option>
          {p.streets.map((s) => (
            <option key={s.code} value={s.code}>
              {s.code} {s.name}
            </option>
          ))}
        </select>
      </label>
      <button className="primary" data-testid="edit-save" onClick={save}>
        {t('accounts.save')}
      </button>
      <button onClick={p.onCancel}>{t('accounts.cancel')}</button>
    </div>
  );
}
