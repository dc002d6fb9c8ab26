// Photos of components, stored with the edit that added them and listed in the component's record.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';

/** Reads of component_photos. */
export class ComponentPhotos {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      ids: db.prepare('SELECT id FROM component_photos WHERE component_id = ? ORDER BY id').pluck(),
      bytes: db.prepare('SELECT data FROM component_photos WHERE id = ?').pluck(),
    };
  }

  /** The photo ids of a component, oldest first. */
  ids(componentId: number): number[] {
    return this.q.ids.all(componentId) as number[];
  }

  /** One photo's bytes. */
  bytes(id: number): Uint8Array {
    const data = this.q.bytes.get(id) as Buffer | undefined;
    if (!data) throw new ApiError('NOT_FOUND', `no component photo ${id}`, { field: 'id' });
    return new Uint8Array(data);
  }
}
