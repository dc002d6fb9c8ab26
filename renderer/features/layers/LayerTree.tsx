// Layer tree: grid, boundaries, and components per major class (大类) and minor class (小类), with legend and counts.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_COLOURS } from '../../map/layers/cases.ts';
import type { ClassCount, ComponentClass } from '../../../shared/model.ts';
import { MAJOR_COLORS, OTHER_COLOR } from '../../map/styles.ts';

/** English names of the national major classes (the Chinese names are data the centre may edit). */
const EN_MAJORS: Record<string, string> = {
  '01': 'Public utilities',
  '02': 'Roads & traffic',
  '03': 'City appearance',
  '04': 'Landscaping',
  '05': 'Housing & land',
  '06': 'Other facilities',
};

/** Props of the layer tree. */
export interface LayerTreeProps {
  classes: ComponentClass[];
  counts: ClassCount[];
  visible: Set<string>;
  onVisible(next: Set<string>): void;
  grid: boolean;
  onGrid(v: boolean): void;
  boundaries: boolean;
  onBoundaries(v: boolean): void;
  cases: boolean;
  onCases(v: boolean): void;
  /** The component layer as of this local date-time (history view), or '' for today. */
  asOf: string;
  onAsOf(v: string): void;
}

/** The left-panel layer tree. */
export function LayerTree(p: LayerTreeProps) {
  const { t, i18n } = useTranslation();
  const majorName = (code: string, name: string) => (i18n.language === 'en' && EN_MAJORS[code] ? `${EN_MAJORS[code]} ${name}` : name);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const count = useMemo(() => new Map(p.counts.map((c) => [c.classCode, c.count])), [p.counts]);
  const majors = useMemo(() => {
    const m = new Map<string, { name: string; classes: ComponentClass[] }>();
    for (const c of p.classes) {
      if (!m.has(c.major)) m.set(c.major, { name: c.majorName, classes: [] });
      m.get(c.major)!.classes.push(c);
    }
    return [...m.entries()];
  }, [p.classes]);
  const total = p.counts.reduce((s, c) => s + c.count, 0);
  const toggle = (codes: string[], on: boolean) => {
    const next = new Set(p.visible);
    for (const c of codes) {
      if (on) next.add(c);
      else next.delete(c);
    }
    p.onVisible(next);
  };
  const fmt = (n: number) => n.toLocaleString();
  return (
    <div className="layer-tree" data-testid="layer-tree">
      <h3>{t('layers.title')}</h3>
      <label className="row">
        <input type="checkbox" checked={p.grid} onChange={(e) => p.onGrid(e.target.checked)} data-testid="toggle-grid" />
        <span className="swatch cell" /> {t('layers.grid')}
      </label>
      <label className="row">
        <input type="checkbox" checked={p.boundaries} onChange={(e) => p.onBoundaries(e.target.checked)} data-testid="toggle-boundaries" />
        <span className="swatch line" /> {t('layers.boundaries')}
      </label>
      <label className="row">
        <input type="checkbox" checked={p.cases} onChange={(e) => p.onCases(e.target.checked)} data-testid="toggle-cases" />
        <span className="swatch" style={{ background: CASE_COLOURS.handling }} /> {t('layers.cases')}
      </label>
      <div className="case-legend">
        {(['pending_accept', 'pending_dispatch', 'handling', 'pending_check', 'suspended'] as const).map((s) => (
          <span key={s}>
            <span className="dot" style={{ background: CASE_COLOURS[s] }} />
            {t(`state.${s}`)}
          </span>
        ))}
        <span>
          <span className="dot" style={{ background: CASE_COLOURS.overdue }} />
          {t('cases.overdue')}
        </span>
        <span>
          <span className="dot ring" style={{ background: CASE_COLOURS.overdue3x }} />
          {t('cases.overdue3x')}
        </span>
      </div>
      <label className="row as-of">
        {t('edit.asOf')}
        <input type="datetime-local" data-testid="as-of" value={p.asOf} onChange={(e) => p.onAsOf(e.target.value)} />
        {p.asOf && <button onClick={() => p.onAsOf('')}>{t('edit.asOfNow')}</button>}
      </label>
      <div className="row head">
        <span>{t('layers.components')}</span>
        <span className="count">{fmt(total)}</span>
      </div>
      <div className="row small">
        <button onClick={() => p.onVisible(new Set(p.classes.map((c) => c.code)))}>{t('layers.all')}</button>
        <button onClick={() => p.onVisible(new Set())}>{t('layers.none')}</button>
      </div>
      <ul className="majors">
        {majors.map(([major, m]) => {
          const codes = m.classes.map((c) => c.code);
          const on = codes.filter((c) => p.visible.has(c)).length;
          const sum = codes.reduce((s, c) => s + (count.get(c) ?? 0), 0);
          const isOpen = open.has(major);
          return (
            <li key={major} data-major={major}>
              <div className="row">
                <button
                  className="caret"
                  aria-expanded={isOpen}
                  onClick={() => {
                    const n = new Set(open);
                    if (isOpen) n.delete(major);
                    else n.add(major);
                    setOpen(n);
                  }}
                >
                  {isOpen ? '▾' : '▸'}
                </button>
                <input
                  type="checkbox"
                  data-testid={`major-${major}`}
                  checked={on === codes.length}
                  ref={(el) => {
                    if (el) el.indeterminate = on > 0 && on < codes.length;
                  }}
                  onChange={(e) => toggle(codes, e.target.checked)}
                />
                <span className="swatch" style={{ background: MAJOR_COLORS[major] ?? OTHER_COLOR }} />
                <span className="name">
                  {major} {majorName(major, m.name)}
                </span>
                <span className="count">{fmt(sum)}</span>
              </div>
              {isOpen && (
                <ul className="minors">
                  {m.classes.map((c) => (
                    <li key={c.code}>
                      <label className="row">
                        <input
                          type="checkbox"
                          data-testid={`class-${c.code}`}
                          checked={p.visible.has(c.code)}
                          onChange={(e) => toggle([c.code], e.target.checked)}
                        />
                        <span className="code">{c.code}</span>
                        <span className="name">{c.name}</span>
                        <span className="count">{fmt(count.get(c.code) ?? 0)}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
      <div className="legend" data-testid="legend">
        <h4>{t('layers.legend')}</h4>
        {majors.map(([major, m]) => (
          <div key={major} className="row">
            <span className="dot" style={{ background: MAJOR_COLORS[major] ?? OTHER_COLOR }} />
            {majorName(major, m.name)}
          </div>
        ))}
      </div>
    </div>
  );
}
