// The editor's tool bar: one button per tool with its key, and what the chosen tool needs — the class to add
// for the drawing tools, the picked cells for a merge — and how long the snap index took to build.
import { useTranslation } from 'react-i18next';
import type { ComponentClass } from '../../../shared/model.ts';
import type { EditTool } from '../../map/editing.ts';

export const TOOLS: EditTool[] = ['select', 'point', 'line', 'polygon', 'split', 'merge'];
/** Keyboard shortcut of each tool (outside text fields). */
export const TOOL_KEYS: Record<EditTool, string> = { select: 'v', point: 'p', line: 'l', polygon: 'g', split: 's', merge: 'm' };

export interface EditToolsProps {
  tool: EditTool;
  onTool(tool: EditTool): void;
  classes: ComponentClass[];
  /** The class the point, line and polygon tools add. */
  addClass: string;
  onAddClass(code: string): void;
  /** Cells picked for a merge. */
  cells: string[];
  onMerge(): void;
  snap: { points: number; ms: number } | null;
}

export function EditTools({ tool, onTool, classes, addClass, onAddClass, cells, onMerge, snap }: EditToolsProps) {
  const { t } = useTranslation();
  return (
    <>
      <div className="edit-tools" role="toolbar">
        {TOOLS.map((k) => (
          <button key={k} data-testid={`tool-${k}`} className={tool === k ? 'active' : ''} aria-pressed={tool === k} onClick={() => onTool(k)}>
            {t(`edit.${k}`)}
            <kbd>{TOOL_KEYS[k].toUpperCase()}</kbd>
          </button>
        ))}
      </div>
      {(tool === 'point' || tool === 'line' || tool === 'polygon') && (
        <label className="field">
          {t('edit.classToAdd')}
          <select data-testid="add-class" value={addClass} onChange={(e) => onAddClass(e.target.value)}>
            {classes
              .filter((c) => (tool === 'point' ? c.geometry === 'point' : c.geometry === tool))
              .map((c) => (
                <option key={c.code} value={c.code}>
                  {c.code} {c.name}
                </option>
              ))}
          </select>
        </label>
      )}
      {tool === 'merge' && (
        <div className="field">
          {t('edit.picked')}
          <span className="mono" data-testid="picked-cells">
            {cells.join(', ')}
          </span>
          <button data-testid="merge-cells" disabled={cells.length < 2} onClick={onMerge}>
            {t('edit.mergeCells')}
          </button>
        </div>
      )}
      {snap && (
        <p className="muted small" data-testid="snap-info">
          {t('edit.snap', snap)}
        </p>
      )}
    </>
  );
}
