// An edit session (编辑会话): the editor's draft, kept on the workstation (and in localStorage, so a reload or a
// crash of the window loses nothing) until it is committed. Every change goes through one mutate() that records
// the previous state, which is what undo and redo walk (OpenLayers has no undo of its own).
import type { ComponentChange, ComponentFields, ComponentRecord, EditPhoto, ShapeGeometry } from '../../../shared/editing.ts';

/** One component in the draft. */
export interface DraftItem {
  /** The component code, or a ref (new-N) for a component the draft adds. */
  key: string;
  op: 'add' | 'update' | 'retire' | 'restore';
  classCode: string;
  /** The record the draft started from (null for an add) and its version. */
  base: ComponentRecord | null;
  baseVersion: number | null;
  lon: number;
  lat: number;
  geometry: ShapeGeometry | null;
  /** Attribute changes relative to base. */
  fields: Partial<ComponentFields>;
  photos?: EditPhoto[];
}

const MAX_UNDO = 200;

/** The draft with undo/redo; subscribe to hear about every change. */
export class Draft {
  private items: DraftItem[] = [];
  private undos: DraftItem[][] = [];
  private redos: DraftItem[][] = [];
  private next = 1;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every change (React reads it with useSyncExternalStore). */
  version = 0;

  constructor(
    private readonly storageKey: string | null = null,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null = null,
  ) {
    const saved = storageKey && storage?.getItem(storageKey);
    if (saved) {
      try {
        const s = JSON.parse(saved) as { items: DraftItem[]; next: number };
        this.items = s.items;
        this.next = s.next;
      } catch {
        storage!.removeItem(storageKey!);
      }
    }
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  list(): readonly DraftItem[] {
    return this.items;
  }

  get(key: string): DraftItem | undefined {
    return this.items.find((i) => i.key === key);
  }

  get canUndo(): boolean {
    return this.undos.length > 0;
  }
  get canRedo(): boolean {
    return this.redos.length > 0;
  }

  /** Applies a change to a copy of the items, remembering the previous state for undo. */
  private mutate(fn: (items: DraftItem[]) => DraftItem[]): void {
    const before = this.items;
    this.items = fn(structuredClone(before));
    this.undos.push(before);
    if (this.undos.length > MAX_UNDO) this.undos.shift();
    this.redos = [];
    this.changed();
  }

  private changed(): void {
    this.version++;
    if (this.storageKey && this.storage) {
      if (this.items.length) this.storage.setItem(this.storageKey, JSON.stringify({ items: this.items, next: this.next }));
      else this.storage.removeItem(this.storageKey);
    }
    for (const l of this.listeners) l();
  }

  undo(): void {
    const prev = this.undos.pop();
    if (!prev) return;
    this.redos.push(this.items);
    this.items = prev;
    this.changed();
  }

  redo(): void {
    const nxt = this.redos.pop();
    if (!nxt) return;
    this.undos.push(this.items);
    this.items = nxt;
    this.changed();
  }

  /** A new component; returns its ref. */
  add(classCode: string, lon: number, lat: number, geometry: ShapeGeometry | null = null, fields: Partial<ComponentFields> = {}): string {
    const key = `new-${this.next++}`;
    this.mutate((items) => [...items, { key, op: 'add', classCode, base: null, baseVersion: null, lon, lat, geometry, fields }]);
    return key;
  }

  /** Brings existing components into the draft (no change yet: a selection to move or edit). */
  take(records: { record: ComponentRecord; version: number }[]): void {
    const fresh = records.filter((r) => !this.get(r.record.code));
    if (!fresh.length) return;
    this.mutate((items) => [
      ...items,
      ...fresh.map(({ record, version }) => ({
        key: record.code,
        op: (record.retiredAt ? 'restore' : 'update') as DraftItem['op'],
        classCode: record.classCode,
        base: record,
        baseVersion: version,
        lon: record.lon,
        lat: record.lat,
        geometry: record.geometry,
        fields: {},
      })),
    ]);
  }

  /** Moves points by a delta in degrees (multi-select move). */
  moveBy(keys: string[], dLon: number, dLat: number): void {
    this.mutate((items) =>
      items.map((i) => {
        if (!keys.includes(i.key)) return i;
        const g = i.geometry;
        const shift = ([x, y]: [number, number]): [number, number] => [x + dLon, y + dLat];
        return {
          ...i,
          lon: i.lon + dLon,
          lat: i.lat + dLat,
          geometry: !g
            ? null
            : g.type === 'LineString'
              ? { type: 'LineString', coordinates: g.coordinates.map(shift) }
              : { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(shift)) },
        };
      }),
    );
  }

  /** Sets a point's place. */
  moveTo(key: string, lon: number, lat: number): void {
    this.mutate((items) => items.map((i) => (i.key === key ? { ...i, lon, lat } : i)));
  }

  /** Reshapes a line or polygon. */
  reshape(key: string, geometry: ShapeGeometry): void {
    this.mutate((items) => items.map((i) => (i.key === key ? { ...i, geometry } : i)));
  }

  setFields(key: string, patch: Partial<ComponentFields>): void {
    this.mutate((items) => items.map((i) => (i.key === key ? { ...i, fields: { ...i.fields, ...patch } } : i)));
  }

  setPhotos(key: string, photos: EditPhoto[]): void {
    this.mutate((items) => items.map((i) => (i.key === key ? { ...i, photos } : i)));
  }

  /** Retires a component (an added one simply leaves the draft). */
  retire(key: string): void {
    this.mutate((items) => items.flatMap((i) => (i.key !== key ? [i] : i.op === 'add' ? [] : [{ ...i, op: 'retire' as const }])));
  }

  /** Drops a component from the draft (its changes are forgotten). */
  remove(keys: string[]): void {
    this.mutate((items) => items.filter((i) => !keys.includes(i.key)));
  }

  /** After a conflict: reapply this draft's change over the version another editor committed. */
  rebase(key: string, theirs: ComponentRecord, theirsVersion: number): void {
    this.mutate((items) =>
      items.map((i) => {
        if (i.key !== key || !i.base) return i;
        // Keep the draft's own moves and reshapes; otherwise take theirs.
        const moved = i.lon !== i.base.lon || i.lat !== i.base.lat;
        const reshaped = JSON.stringify(i.geometry) !== JSON.stringify(i.base.geometry);
        return {
          ...i,
          base: theirs,
          baseVersion: theirsVersion,
          lon: moved ? i.lon : theirs.lon,
          lat: moved ? i.lat : theirs.lat,
          geometry: reshaped ? i.geometry : theirs.geometry,
        };
      }),
    );
  }

  /** Empties the draft (after a commit, or when the editor discards it). */
  clear(): void {
    if (!this.items.length) return;
    this.mutate(() => []);
    this.undos = [];
  }

  /** True when an item changes something. */
  static isChange(i: DraftItem): boolean {
    if (i.op !== 'update') return true;
    return (
      !!i.base &&
      (i.lon !== i.base.lon ||
        i.lat !== i.base.lat ||
        JSON.stringify(i.geometry) !== JSON.stringify(i.base.geometry) ||
        Object.keys(i.fields).length > 0 ||
        !!i.photos?.length)
    );
  }

  /** The draft as the changes of a commit (untouched selections left out). */
  changes(): ComponentChange[] {
    return this.items.filter(Draft.isChange).map((i): ComponentChange => {
      if (i.op === 'add')
        return {
          op: 'add',
          ref: i.key,
          classCode: i.classCode,
          lon: i.lon,
          lat: i.lat,
          ...(i.geometry ? { geometry: i.geometry } : {}),
          fields: i.fields,
          ...(i.photos?.length ? { photos: i.photos } : {}),
        };
      if (i.op === 'retire' || i.op === 'restore') return { op: i.op, code: i.key, baseVersion: i.baseVersion! };
      const moved = i.lon !== i.base!.lon || i.lat !== i.base!.lat;
      const reshaped = JSON.stringify(i.geometry) !== JSON.stringify(i.base!.geometry);
      return {
        op: 'update',
        code: i.key,
        baseVersion: i.baseVersion!,
        ...(moved && !i.geometry ? { lon: i.lon, lat: i.lat } : {}),
        ...(reshaped && i.geometry ? { geometry: i.geometry } : {}),
        ...(Object.keys(i.fields).length ? { fields: i.fields } : {}),
        ...(i.photos?.length ? { photos: i.photos } : {}),
      };
    });
  }
}
