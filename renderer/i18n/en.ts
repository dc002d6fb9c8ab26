import type { zhCN } from './zh-CN.ts';

/** English UI strings. */
export const en: typeof zhCN = {
  app: { title: 'Digital City Management Centre', short: 'CityOps' },
  layers: {
    title: 'Layers', grid: 'Unit grid', boundaries: 'Street/community boundaries', components: 'Components', all: 'All', none: 'None',
    legend: 'Legend', count: '{{count}}', base: 'Base map',
  },
  panel: {
    component: 'Component', cell: 'Grid cell', close: 'Close', empty: 'Click a component or a grid cell on the map',
    code: 'Code', name: 'Name', class: 'Class', major: 'Major class', dept1: 'Competent dept.', dept2: 'Owner', dept3: 'Maintainer',
    grid: 'Grid cell', state: 'State', orDate: 'Initial date', chDate: 'Change date', dataSource: 'Data source', note: 'Note',
    lonlat: 'Lon/lat', version: 'Version', street: 'Street', community: 'Community', area: 'Area', components: 'Components',
  },
  search: { placeholder: 'Search a grid code, component code, street or community', none: 'Nothing found for “{{q}}”', go: 'Search' },
  status: {
    renderer: 'Renderer', webgl: 'WebGL', canvas: 'Canvas (fallback: no WebGL)', cursor: 'Lon/lat', gk: 'CGCS2000 3° GK CM 120E',
    visible: 'Components shown {{shown}} / {{total}}', decimated: ' (decimated)', online: 'Connected', offline: 'Disconnected', loading: 'Loading…',
    seeding: 'First start: building the sample city {{phase}} {{pct}}%',
  },
  settings: {
    title: 'Settings', baseLayer: 'Base map', none: 'None (offline)', xyz: 'XYZ tiles', tianditu: 'Tianditu', url: 'Tile URL', key: 'Tianditu key',
    layer: 'Layer', vec: 'Vector', img: 'Imagery', opacity: 'Opacity', save: 'Save', cancel: 'Cancel', saved: 'Saved',
    gcjWarning: 'Note: Amap and Tencent tiles use the GCJ-02 datum and sit a few hundred metres off CGCS2000 data; Baidu uses BD-09. Use WGS84/CGCS2000 tiles (e.g. Tianditu).',
  },
  lang: { switch: '中文' },
  queue: { title: 'Case queue', soon: 'Case intake and dispatch appear here' },
};
