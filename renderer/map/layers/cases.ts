// The cases layer: open cases as points coloured by status, red when overdue and with a heavy ring when 3× overdue.
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import { fromLonLat } from 'ol/proj';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style';
import type { CaseState } from '../../../shared/workflow.ts';

/** One case point as cases.map returns it. */
export interface CasePoint {
  id: number;
  caseNo: string;
  lon: number;
  lat: number;
  status: CaseState;
  overdue: boolean;
  overdue3x: boolean;
}

/** Fill colour per status (overdue overrides). */
export const CASE_COLOURS: Partial<Record<CaseState, string>> & { overdue: string; overdue3x: string } = {
  pending_accept: '#1c7ed6',
  pending_verify: '#15aabf',
  pending_register: '#4c6ef5',
  pending_dispatch: '#f59f00',
  handling: '#7048e8',
  return_requested: '#e8590c',
  pending_check: '#0ca678',
  pending_close: '#2b8a3e',
  suspended: '#868e96',
  overdue: '#e03131',
  overdue3x: '#862e2e',
};

const cache = new Map<string, Style>();
function styleOf(p: CasePoint, selected: boolean): Style {
  const key = `${p.status}${p.overdue ? 1 : 0}${p.overdue3x ? 1 : 0}${selected ? 1 : 0}`;
  let s = cache.get(key);
  if (!s) {
    const fill = p.overdue3x ? CASE_COLOURS.overdue3x : p.overdue ? CASE_COLOURS.overdue : (CASE_COLOURS[p.status] ?? '#495057');
    s = new Style({
      image: new Circle({
        radius: selected ? 9 : 7,
        fill: new Fill({ color: fill }),
        stroke: new Stroke({ color: p.overdue3x ? '#fa5252' : '#fff', width: p.overdue3x ? 4 : 2 }),
      }),
      text: p.overdue ? new Text({ text: '!', fill: new Fill({ color: '#fff' }), font: 'bold 11px sans-serif' }) : undefined,
      zIndex: p.overdue3x ? 3 : p.overdue ? 2 : 1,
    });
    cache.set(key, s);
  }
  return s;
}

export type CasesLayer = VectorLayer<VectorSource<Feature<Point>>>;

export function createCasesLayer(): CasesLayer {
  return new VectorLayer({ source: new VectorSource<Feature<Point>>(), zIndex: 8, properties: { name: 'cases' } });
}

/** Replaces the points; the selected case is drawn larger. */
export function setCasePoints(layer: CasesLayer, points: CasePoint[], selectedId: number | null): void {
  const src = layer.getSource()!;
  src.clear(true);
  src.addFeatures(
    points.map((p) => {
      const f = new Feature({ geometry: new Point(fromLonLat([p.lon, p.lat])) });
      f.setId(p.id);
      f.set('case', p);
      f.setStyle(styleOf(p, p.id === selectedId));
      return f;
    }),
  );
}
