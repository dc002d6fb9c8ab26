// The grid slice of the contract: streets, communities, outlines, cells (today's or as of a past time), location.
import type { gridContract } from '../../../shared/contract/grid.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of the grid reads. */
export function gridHandlers(app: App): HandlersOf<typeof gridContract> {
  const { grid } = app;
  return {
    'grid.streets': () => grid.streets(),
    'grid.communities': () => grid.communities(),
    'grid.boundaries': (i) => grid.boundaries(i.kind),
    'grid.cells': (i) => (i.asOf ? app.asOf.cells(Date.parse(i.asOf), i.bbox) : grid.cells(i.bbox)),
    'grid.cell': (i) => grid.cell(i.code),
    'grid.locate': (i) => grid.locate(i.lon, i.lat),
  };
}
