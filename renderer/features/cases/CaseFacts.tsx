// The facts of a case: class, description, place, grid, the cited component, channel, reporter, departments, dates.
import { useTranslation } from 'react-i18next';
import type { CaseDetail as Detail, ChannelInfo, Component } from '../../../shared/model.ts';
import { fullTime } from './format.ts';

export interface CaseFactsProps {
  c: Detail;
  /** The cited component as read now (null while it loads, or when the case cites none). */
  component: Component | null;
  channels: ChannelInfo[];
  deptName(code: string | null): string;
  onLocate(lon: number, lat: number): void;
}

export function CaseFacts({ c, component, channels, deptName, onLocate }: CaseFactsProps) {
  const { t } = useTranslation();
  return (
    <table>
      <tbody>
        <tr>
          <th>{t('cases.class')}</th>
          <td>
            {c.classCode} {c.className} ({c.kind === 'component' ? t('intake.component') : t('intake.event')})
          </td>
        </tr>
        <tr>
          <th>{t('cases.description')}</th>
          <td data-testid="case-description">{c.description}</td>
        </tr>
        <tr>
          <th>{t('cases.place')}</th>
          <td>
            {c.address ?? ''}{' '}
            <button className="link" onClick={() => onLocate(c.lon, c.lat)}>
              {t('cases.locate')}
            </button>
          </td>
        </tr>
        <tr>
          <th>{t('cases.grid')}</th>
          <td className="mono">{c.gridCode}</td>
        </tr>
        {c.componentCode && (
          <tr>
            <th>{t('cases.component')}</th>
            <td>
              <span className="mono">{c.componentCode}</span>
              {component && (
                <span data-testid="case-component" className="small">
                  {' '}
                  · {component.name} · <span className={`state s-${component.state}`}>{component.state}</span> · {t('panel.grid')}{' '}
                  <span className="mono">{component.gridCode}</span> · v{component.version}
                </span>
              )}
            </td>
          </tr>
        )}
        <tr>
          <th>{t('cases.channel')}</th>
          <td>{channels.find((x) => x.code === c.channel)?.name ?? c.channel}</td>
        </tr>
        {(c.reporterName || c.reporterPhone) && (
          <tr>
            <th>{t('cases.reporter')}</th>
            <td>
              {c.reporterName ?? ''} {c.reporterPhone ?? ''} {c.callback ? `（${t('cases.callback')}）` : ''}
            </td>
          </tr>
        )}
        <tr>
          <th>{t('cases.dept')}</th>
          <td data-testid="case-dept">
            {deptName(c.deptCode)}
            {c.assigneeDept && c.assigneeDept !== c.deptCode ? ` → ${deptName(c.assigneeDept)}` : ''}
          </td>
        </tr>
        <tr>
          <th>{t('cases.created')}</th>
          <td>{fullTime(c.createdAt)}</td>
        </tr>
        {c.closeType && (
          <tr>
            <th>{t('cases.closeType')}</th>
            <td>{t(`cases.close_${c.closeType}`)}</td>
          </tr>
        )}
        <tr>
          <th />
          <td className="muted small">{t('cases.counts', { rework: c.reworkCount, ext: c.extensionCount, ret: c.returnCount, urge: c.urgeCount })}</td>
        </tr>
      </tbody>
    </table>
  );
}
