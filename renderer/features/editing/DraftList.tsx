// The draft: undo, redo and discard, and the list of drafted items (a click selects one on the map and opens its
// form); items whose changes cancelled out are shown muted.
import { useTranslation } from 'react-i18next';
import type { ComponentClass } from '../../../shared/model.ts';
import { Draft, type DraftItem } from './draft.ts';

export interface DraftListProps {
  draft: Draft;
  items: readonly DraftItem[];
  /** The key of the item whose form is open. */
  active: string | null;
  /** Keys selected on the map. */
  selected: string[];
  klass: Map<string, ComponentClass>;
  onPick(key: string): void;
  onDiscard(): void;
}

export function DraftList({ draft, items, active, selected, klass, onPick, onDiscard }: DraftListProps) {
  const { t } = useTranslation();
  return (
    <>
      <div className="edit-draft-head">
        <strong>{t('edit.draft')}</strong>
        <button data-testid="undo" disabled={!draft.canUndo} onClick={() => draft.undo()} title="Ctrl+Z">
          {t('edit.undo')}
        </button>
        <button data-testid="redo" disabled={!draft.canRedo} onClick={() => draft.redo()} title="Ctrl+Y">
          {t('edit.redo')}
        </button>
        <button disabled={!items.length} onClick={onDiscard}>
          {t('edit.discard')}
        </button>
      </div>
      {items.length === 0 ? (
        <p className="muted small">{t('edit.empty')}</p>
      ) : (
        <ul className="draft-list" data-testid="draft-list">
          {items.map((i) => (
            <li key={i.key} className={`${i.key === active ? 'active' : ''} ${Draft.isChange(i) ? '' : 'muted'}`} onClick={() => onPick(i.key)}>
              <span className={`op op-${i.op}`}>{t(`edit.ops.${i.op}`)}</span> <span className="mono">{i.key}</span> {klass.get(i.classCode)?.name}
            </li>
          ))}
        </ul>
      )}
      {selected.filter((k) => draft.get(k)).length > 1 && <p className="small">{t('edit.selected', { n: selected.filter((k) => draft.get(k)).length })}</p>}
    </>
  );
}
