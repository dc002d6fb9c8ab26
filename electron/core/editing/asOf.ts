// The layers as of a past time (历史视图): the component layer, the line/polygon shapes and the grid, rebuilt from
// today's rows with the later versions undone from history. The component view is kept for one time until the
// next commit.
import type { Db } from '../db/connection.ts';
import { boxesMeet, ringBBox } from '../../../shared/geo.ts';
import type { BBox, ComponentShape, PackedCells } from '../../../shared/model.ts';
import { ComponentRenderCache, type RenderRow } from '../components/renderCache.ts';
import type { ComponentService } from '../components/service.ts';
import type { GridService } from '../grid/service.ts';
import type { GridEditor } from './grid.ts';
import { recordBox } from './records.ts';
import type { EditService } from './service.ts';

/** Views of the past. */
export class AsOfViews {
  private view: { t: number; cache: ComponentRenderCache } | null = null;

  constructor(
    private readonly db: Db,
    private readonly edits: EditService,
    private readonly gridEditor: GridEditor,
    private readonly components: ComponentService,
    private readonly grid: GridService,
  ) {}

  /** The render cache of the component layer as of time t. */
  componentLayer(t: number): ComponentRenderCache {
    if (this.view?.t !== t) {
      const rows = () => {
        const out: RenderRow[] = [];
        for (const { id, rec } of this.edits.recordsAsOf(t)) out.push([id, rec.lon, rec.lat, rec.classCode, rec.state]);
        return out;
      };
      this.view = { t, cache: new ComponentRenderCache(this.db, rows) };
    }
    return this.view.cache;
  }

  /** Shapes in a box, today's (t null) or as of time t. */
  shapes(bbox: BBox, limit: number, classes: string[] | undefined, t: number | null): ComponentShape[] {
    const today = this.components.shapes(bbox, limit, classes);
    if (t === null) return today;
    const over = this.edits.asOfOverrides(t);
    const out = today.filter((s) => !over.has(s.id));
    for (const [id, rec] of over) {
      if (!rec?.geometry || rec.retiredAt || (classes && !classes.includes(rec.classCode))) continue;
      if (boxesMeet(recordBox(rec), bbox)) out.push({ id, code: rec.code, classCode: rec.classCode, geometry: rec.geometry });
    }
    return out;
  }

  /** The grid as of time t, the cells meeting a box (all without one). */
  cells(t: number, bbox: BBox | undefined): PackedCells {
    return this.grid.pack(this.gridEditor.cellsAsOf(t).filter((c) => !bbox || boxesMeet(ringBBox(c.ring), bbox)));
  }

  /** Forgets the kept view (a commit changed the past's "today"). */
  forget(): void {
    this.view = null;
  }
}
