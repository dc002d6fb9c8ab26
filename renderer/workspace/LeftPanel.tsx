// The left panel: two tabs, the case queues and the layer tree. The layer switches live here and are passed on
// to the map as they change; the as-of time is lifted to the workspace, which shows its banner over the map.
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { MapController } from '../map/controller.ts';
import { CasesPanel } from '../features/cases/CasesPanel.tsx';
import { LayerTree } from '../features/layers/LayerTree.tsx';
import type { Loaded } from './useWorkspaceData.ts';
import type { User } from '../../shared/model.ts';

export interface LeftPanelProps {
  user: User;
  data: Loaded;
  /** The map, once it is ready. */
  ctl: RefObject<MapController | null>;
  refreshKey: number;
  /** The case open in the right panel. */
  caseId: number | null;
  onOpenCase(id: number): void;
  onNew(): void;
  canIntake: boolean;
  asOf: string;
  onAsOf(v: string): void;
}

export function LeftPanel({ user, data, ctl, refreshKey, caseId, onOpenCase, onNew, canIntake, asOf, onAsOf }: LeftPanelProps) {
  const { t } = useTranslation();
  const [leftTab, setLeftTab] = useState<'cases' | 'layers'>('cases');
  // Every class is shown at first.
  const [visible, setVisible] = useState<Set<string>>(() => new Set(data.classes.map((c) => c.code)));
  const [grid, setGrid] = useState(true);
  const [boundaries, setBoundaries] = useState(true);
  const [casesOn, setCasesOn] = useState(true);
  const applyVisible = (next: Set<string>) => {
    setVisible(next);
    ctl.current?.setVisibleClasses(next.size === data.classes.length ? null : [...next]);
  };
  return (
    <aside className="left">
      <div className="left-tabs" role="tablist">
        <button
          role="tab"
          data-testid="tab-cases"
          aria-selected={leftTab === 'cases'}
          className={leftTab === 'cases' ? 'active' : ''}
          onClick={() => setLeftTab('cases')}
        >
          {t('tabs.cases')}
        </button>
        <button
          role="tab"
          data-testid="tab-layers"
          aria-selected={leftTab === 'layers'}
          className={leftTab === 'layers' ? 'active' : ''}
          onClick={() => setLeftTab('layers')}
        >
          {t('tabs.layers')}
        </button>
      </div>
      {leftTab === 'cases' ? (
        <CasesPanel
          user={user}
          refreshKey={refreshKey}
          selectedId={caseId}
          onSelect={onOpenCase}
          onNew={onNew}
          channels={data.channels}
          eventClasses={data.eventClasses}
          streets={data.streets}
          departments={data.departments}
          canIntake={canIntake}
        />
      ) : (
        <LayerTree
          classes={data.classes}
          counts={data.counts}
          visible={visible}
          onVisible={applyVisible}
          grid={grid}
          onGrid={(v) => {
            setGrid(v);
            ctl.current?.setGridVisible(v);
          }}
          boundaries={boundaries}
          onBoundaries={(v) => {
            setBoundaries(v);
            ctl.current?.setBoundariesVisible(v);
          }}
          cases={casesOn}
          onCases={(v) => {
            setCasesOn(v);
            ctl.current?.setCasesVisible(v);
          }}
          asOf={asOf}
          onAsOf={(v) => {
            onAsOf(v);
            ctl.current?.setAsOf(v ? new Date(v).toISOString() : null);
          }}
        />
      )}
    </aside>
  );
}
