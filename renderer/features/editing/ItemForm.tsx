// The attribute form of one draft item: the component's fields, departments, state, dates, the class's own
// attributes (from the class attribute table) and photos. Every change goes straight into the draft.
import { useTranslation } from 'react-i18next';
import { COMPONENT_STATES, DATA_SOURCES, type ComponentClass, type Department } from '../../../shared/model.ts';
import type { ClassAttribute, ComponentFields } from '../../../shared/editing.ts';
import type { Draft, DraftItem } from './draft.ts';
import { readPhoto } from '../cases/format.ts';

/** The attribute form of one draft item, generated from its class and the class attribute table. */
export function ItemForm({
  item,
  cls,
  attrs,
  departments,
  draft,
}: {
  item: DraftItem;
  cls: ComponentClass | undefined;
  attrs: ClassAttribute[];
  departments: Department[];
  draft: Draft;
}) {
  const { t } = useTranslation();
  const value = <K extends keyof ComponentFields>(k: K): ComponentFields[K] | undefined =>
    (k in item.fields ? item.fields[k] : item.base?.[k]) as ComponentFields[K] | undefined;
  const set = (patch: Partial<ComponentFields>) => draft.setFields(item.key, patch);
  const attrValues = value('attrs') ?? {};
  const dept = (k: 'dept1' | 'dept2' | 'dept3', label: string, required = false) => (
    <label className="field">
      <span>
        {label}
        {required && <em> *</em>}
      </span>
      <select data-testid={`f-${k}`} value={value(k) ?? ''} onChange={(e) => set({ [k]: e.target.value || null })}>
        <option value="">{required ? `（${cls?.defaultDept ?? ''}）` : '—'}</option>
        {departments.map((d) => (
          <option key={d.code} value={d.code}>
            {'　'.repeat(d.level - 2)}
            {d.name} ({d.code})
          </option>
        ))}
      </select>
    </label>
  );
  if (item.op === 'retire') {
    return (
      <div className="item-form">
        <p>
          {t('edit.ops.retire')} <span className="mono">{item.key}</span>
        </p>
        <button onClick={() => draft.remove([item.key])}>{t('edit.remove')}</button>
      </div>
    );
  }
  return (
    <div className="item-form" data-testid="item-form">
      <p className="small">
        <span className="mono">{item.key}</span> · {cls?.code} {cls?.name}
        {item.baseVersion ? ` · ${t('edit.version', { v: item.baseVersion })}` : ''}
      </p>
      {dept('dept1', t('panel.dept1'), true)}
      {dept('dept2', t('panel.dept2'))}
      {dept('dept3', t('panel.dept3'))}
      <label className="field">
        {t('panel.state')}
        <select data-testid="f-state" value={value('state') ?? '完好'} onChange={(e) => set({ state: e.target.value as ComponentFields['state'] })}>
          {COMPONENT_STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('panel.orDate')}
        <input type="date" value={value('orDate') ?? ''} onChange={(e) => set({ orDate: e.target.value })} />
      </label>
      <label className="field">
        {t('panel.chDate')}
        <input type="date" value={value('chDate') ?? ''} onChange={(e) => set({ chDate: e.target.value || null })} />
      </label>
      <label className="field">
        {t('panel.dataSource')}
        <select value={value('dataSource') ?? '实测'} onChange={(e) => set({ dataSource: e.target.value })}>
          {DATA_SOURCES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('panel.note')}
        <input data-testid="f-note" value={value('note') ?? ''} maxLength={500} onChange={(e) => set({ note: e.target.value || null })} />
      </label>
      {attrs.length > 0 && <strong className="small">{t('edit.attrs')}</strong>}
      {attrs.map((a) => {
        const v = attrValues[a.key];
        const put = (x: string) => {
          const next = { ...attrValues };
          if (x === '') delete next[a.key];
          else next[a.key] = a.type === 'number' && x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : x;
          set({ attrs: Object.keys(next).length ? next : null });
        };
        return (
          <label key={a.key} className="field">
            <span>
              {a.label}
              {a.required && <em> *</em>}
            </span>
            {a.type === 'choice' ? (
              <select data-testid={`a-${a.key}`} value={v === undefined ? '' : String(v)} onChange={(e) => put(e.target.value)}>
                <option value="">—</option>
                {a.options?.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : (
              <input
                data-testid={`a-${a.key}`}
                type={a.type === 'date' ? 'date' : a.type === 'number' ? 'number' : 'text'}
                value={v === undefined ? '' : String(v)}
                onChange={(e) => put(e.target.value)}
              />
            )}
          </label>
        );
      })}
      <label className="field">
        {t('edit.photos')}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          onChange={async (e) => {
            const files = [...(e.target.files ?? [])].slice(0, 4);
            draft.setPhotos(item.key, await Promise.all(files.map(readPhoto)));
          }}
        />
      </label>
      <div className="row">
        {item.op !== 'add' && (
          <button data-testid="retire" onClick={() => draft.retire(item.key)}>
            {t('edit.retire')}
          </button>
        )}
        <button onClick={() => draft.remove([item.key])}>{t('edit.remove')}</button>
      </div>
    </div>
  );
}
