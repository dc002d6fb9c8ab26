// The components slice of the contract: the map's packed view, look-ups by code, point and box, shapes, counts.
import type { componentsContract } from '../../../shared/contract/components.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of the component reads. */
export function componentHandlers(app: App): HandlersOf<typeof componentsContract> {
  const { components } = app;
  return {
    'components.view': (i) =>
      components.view(i.bbox, i.resolution, i.maxFeatures ?? 80_000, i.classes, i.asOf ? app.asOf.componentLayer(Date.parse(i.asOf)) : undefined),
    'components.get': (i) => components.get(i.code),
    'components.byId': (i) => components.byId(i.id),
    'components.at': (i) => {
      app.meta.requireInCity(i.lon, i.lat);
      return components.at(i.lon, i.lat, i.radiusM, i.classes);
    },
    'components.inExtent': (i) => components.inExtent(i.bbox, i.limit, i.classes),
    'components.shapes': (i) => app.asOf.shapes(i.bbox, i.limit ?? 5000, i.classes, i.asOf ? Date.parse(i.asOf) : null),
    'components.stats': () => components.stats(),
  };
}
