/**
 * The identity map: one object per primary key per session.
 *
 * Strong references, on purpose: a JavaScript WeakRef keeps its target alive
 * until the current synchronous job ends, and this ORM is synchronous, so a
 * weak map would not free anything while a loop runs. Instead a streamed
 * result (yieldPer) releases the clean objects of each batch it has passed
 * (`releaseClean`); an object changed later rejoins the map (`keep`), so no
 * change is lost and memory stays bounded however many rows are iterated.
 */
import { stateOf } from "./instance-state";

export class IdentityMap {
  private readonly map = new Map<string, object>();

  get(key: string): object | undefined { return this.map.get(key); }
  has(key: string): boolean { return this.map.has(key); }
  set(key: string, obj: object): void { this.map.set(key, obj); }
  delete(key: string): boolean { return this.map.delete(key); }
  clear(): void { this.map.clear(); }
  values(): IterableIterator<object> { return this.map.values(); }
  get size(): number { return this.map.size; }

  /** A changed object is (again) in the map, so the flush finds it. */
  keep(obj: object): void {
    const st = stateOf(obj);
    if (st?.key !== undefined && !this.map.has(st.key)) this.map.set(st.key, obj);
  }
  /** Lets go of objects with nothing to flush (they stay usable; a change brings them back). */
  releaseClean(objs: Iterable<object>): void {
    for (const obj of objs) {
      const st = stateOf(obj);
      if (!st || st.key === undefined || this.map.get(st.key) !== obj) continue;
      if (st.modified || st.deleted || st.relHistory?.size) continue;
      this.map.delete(st.key);
    }
  }
}
