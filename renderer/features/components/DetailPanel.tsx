// Right panel: all CJ/T 214 attributes of the selected component, or the selected grid cell.
import { useTranslation } from 'react-i18next';
import type { Selection } from '../../map/controller.ts';
import { ComponentHistory, ComponentPhotos } from '../editing/History.tsx';

/** The attribute panel. */
export function DetailPanel({
  selection,
  onClose,
  onGrid,
  onEdit,
  refreshKey = 0,
}: {
  selection: Selection;
  onClose(): void;
  onGrid(code: string): void;
  onEdit?(code: string): void;
  refreshKey?: number;
}) {
  const { t } = useTranslation();
  if (!selection) return <div className="detail empty">{t('panel.empty')}</div>;
  if (selection.kind === 'component') {
    const c = selection.component;
    const dept = (code: string | null, name: string | null) => (code ? `${name ?? ''} (${code})` : '—');
    const rows: [string, React.ReactNode][] = [
      [
        t('panel.code'),
        <span className="mono" data-testid="attr-code">
          {c.code}
        </span>,
      ],
      [t('panel.name'), <span data-testid="attr-name">{c.name}</span>],
      [t('panel.class'), `${c.classCode} · ${c.name}`],
      [t('panel.major'), `${c.classCode.slice(0, 2)} · ${c.majorName}`],
      [t('panel.dept1'), dept(c.dept1Code, c.dept1Name)],
      [t('panel.dept2'), dept(c.dept2Code, c.dept2Name)],
      [t('panel.dept3'), dept(c.dept3Code, c.dept3Name)],
      [
        t('panel.grid'),
        <a
          href="#"
          className="mono"
          onClick={(e) => {
            e.preventDefault();
            onGrid(c.gridCode);
          }}
        >
          {c.gridCode}
        </a>,
      ],
      [t('panel.state'), <span className={`state s-${c.state}`}>{c.state}</span>],
      [t('panel.orDate'), c.orDate],
      [t('panel.chDate'), c.chDate ?? '—'],
      [t('panel.dataSource'), c.dataSource],
      [t('panel.note'), c.note ?? '—'],
      [
        t('panel.lonlat'),
        <span className="mono">
          {c.lon.toFixed(6)}, {c.lat.toFixed(6)}
        </span>,
      ],
      [t('panel.version'), String(c.version)],
    ];
    return (
      <>
        <Table title={t('panel.component')} rows={rows} onClose={onClose} testid="component-panel" />
        <div className="detail">
          {onEdit && (
            <button data-testid="edit-component" onClick={() => onEdit(c.code)}>
              {t('edit.editThis')}
            </button>
          )}
          <ComponentPhotos code={c.code} refreshKey={refreshKey} />
          <ComponentHistory code={c.code} refreshKey={refreshKey} />
        </div>
      </>
    );
  }
  const g = selection.cell;
  const rows: [string, React.ReactNode][] = [
    [
      t('panel.code'),
      <span className="mono" data-testid="attr-cell-code">
        {g.code}
      </span>,
    ],
    [t('panel.street'), `${g.streetName} (${g.streetCode})`],
    [t('panel.community'), `${g.communityName} (${g.communityCode})`],
    [t('panel.area'), `${g.areaM2.toLocaleString()} m²`],
    [t('panel.components'), g.componentCount.toLocaleString()],
  ];
  return <Table title={t('panel.cell')} rows={rows} onClose={onClose} testid="cell-panel" />;
}

function Table({ title, rows, onClose, testid }: { title: string; rows: [string, React.ReactNode][]; onClose(): void; testid: string }) {
  const { t } = useTranslation();
  return (
    <div className="detail" data-testid={testid}>
      <div className="detail-head">
        <h3>{title}</h3>
        <button onClick={onClose} aria-label={t('panel.close')}>
          ×
        </button>
      </div>
      <table>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
