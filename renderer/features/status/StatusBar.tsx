// Bottom status bar: renderer in use, cursor position in lon/lat and in CGCS2000 GK (EPSG:4549), counts, link state.
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { crsConverter } from '../../../shared/crs.ts';
import type { MapStatus } from '../../map/controller.ts';

/** Props of the status bar. */
export interface StatusBarProps {
  webgl: boolean;
  cursor: [number, number] | null;
  status: MapStatus;
  online: boolean;
  /** Extra items (alerts) before the connection state. */
  children?: ReactNode;
}

/** The status bar. */
export function StatusBar({ webgl, cursor, status, online, children }: StatusBarProps) {
  const { t } = useTranslation();
  const toGK = useMemo(() => crsConverter('EPSG:4490', 'EPSG:4549'), []);
  const gk = cursor ? toGK(cursor) : null;
  return (
    <footer className="status" data-testid="status">
      <span data-testid="renderer">
        {t('status.renderer')}: {webgl ? t('status.webgl') : t('status.canvas')}
      </span>
      <span data-testid="cursor" className="mono">
        {cursor ? `${t('status.cursor')} ${cursor[0].toFixed(6)}, ${cursor[1].toFixed(6)}` : '—'}
      </span>
      <span data-testid="cursor-gk" className="mono">
        {gk ? `${t('status.gk')} X ${gk[0].toFixed(2)} Y ${gk[1].toFixed(2)}` : ''}
      </span>
      <span className="grow" />
      <span data-testid="visible-count">
        {status.loading ? t('status.loading') : t('status.visible', { shown: status.shown.toLocaleString(), total: status.total.toLocaleString() })}
        {!status.loading && status.decimated ? t('status.decimated') : ''}
      </span>
      {children}
      <span className={online ? 'ok' : 'bad'}>{online ? t('status.online') : t('status.offline')}</span>
    </footer>
  );
}
