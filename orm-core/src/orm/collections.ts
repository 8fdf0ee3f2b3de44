/**
 * Instrumented collections: arrays that tell the ORM about membership changes
 * (push, unshift, splice, pop, shift, remove(), index assignment), so backrefs
 * stay in step and the flush knows what to insert, unlink or delete.
 * Created by attributes.ts; read by unit-of-work.ts through relationship history.
 */
import type { InstanceState } from "./instance-state";
import type { RelationshipProperty } from "./relationship";

export interface CollectionEvents {
  appended(owner: InstanceState, rel: RelationshipProperty, item: object, fromBackref: boolean): void;
  removed(owner: InstanceState, rel: RelationshipProperty, item: object, fromBackref: boolean): void;
}

const metaKey: unique symbol = Symbol("collection");
/** What a collection knows of itself: the array behind the Proxy, its owner and relationship. */
interface CollectionMeta { readonly raw: InstrumentedList<any>; readonly owner: InstanceState; readonly rel: RelationshipProperty; readonly events: CollectionEvents }

/** An array subclass; always used through the Proxy made by makeCollection(). */
export class InstrumentedList<T extends object = object> extends Array<T> {
  declare [metaKey]: CollectionMeta;
  static override get [Symbol.species]() { return Array; }

  private fire(kind: "appended" | "removed", items: readonly T[]): void {
    const m = this[metaKey];
    for (const item of items) m.events[kind](m.owner, m.rel, item, false);
  }
  override push(...items: T[]): number {
    const raw = this[metaKey].raw;
    const n = Array.prototype.push.apply(raw, items);
    this.fire("appended", items);
    return n;
  }
  override unshift(...items: T[]): number {
    const raw = this[metaKey].raw;
    const n = Array.prototype.unshift.apply(raw, items);
    this.fire("appended", items);
    return n;
  }
  override pop(): T | undefined {
    const raw = this[metaKey].raw;
    const item = Array.prototype.pop.call(raw) as T | undefined;
    if (item !== undefined) this.fire("removed", [item]);
    return item;
  }
  override shift(): T | undefined {
    const raw = this[metaKey].raw;
    const item = Array.prototype.shift.call(raw) as T | undefined;
    if (item !== undefined) this.fire("removed", [item]);
    return item;
  }
  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    const raw = this[metaKey].raw;
    const removed = (deleteCount === undefined ? (Array.prototype.splice as Function).call(raw, start) : Array.prototype.splice.call(raw, start, deleteCount, ...items)) as T[];
    this.fire("removed", removed);
    this.fire("appended", items);
    return Array.from(removed);
  }
  /** Python's list.remove(): removes the first occurrence; throws if absent. */
  remove(item: T): void {
    const raw = this[metaKey].raw;
    const i = Array.prototype.indexOf.call(raw, item);
    if (i < 0) throw new RangeError("remove(): the object is not in this collection.");
    Array.prototype.splice.call(raw, i, 1);
    this.fire("removed", [item]);
  }
  /** Replaces the whole contents (firing removes and appends for the difference). */
  clear(): void { this.splice(0, this[metaKey].raw.length); }
}

/** One handler for every collection (it reads the collection's own meta): index assignment and truncation fire events. */
const handler: ProxyHandler<InstrumentedList<any>> = {
  set(target, prop, value, receiver) {
    if (typeof prop === "string" && prop.length && prop.charCodeAt(0) >= 48 && prop.charCodeAt(0) <= 57 && /^\d+$/.test(prop)) {
      const { owner, rel, events } = target[metaKey];
      const old = target[prop as any];
      target[prop as any] = value;
      if (old !== value) {
        if (old !== undefined) events.removed(owner, rel, old as object, false);
        if (value !== undefined) events.appended(owner, rel, value as object, false);
      }
      return true;
    }
    if (prop === "length" && typeof value === "number" && value < target.length) {
      const { owner, rel, events } = target[metaKey];
      const removed = Array.prototype.slice.call(target, value) as object[];
      target.length = value;
      for (const item of removed) events.removed(owner, rel, item, false);
      return true;
    }
    return Reflect.set(target, prop, value, receiver);
  },
};

/** Makes an instrumented collection holding `items` (no events for the initial items). */
export function makeCollection<T extends object>(owner: InstanceState, rel: RelationshipProperty, events: CollectionEvents, items: readonly T[] = []): InstrumentedList<T> {
  // A copy given the subclass's prototype: cheaper than `new InstrumentedList()` and push.apply, whose
  // generic path (a subclass instance) ran at ~1 µs per collection in a lazy load.
  const raw = items.slice() as InstrumentedList<T>;
  Object.setPrototypeOf(raw, InstrumentedList.prototype);
  // One hidden property (a symbol, not enumerable): the list compares and prints as its items.
  Object.defineProperty(raw, metaKey, { value: { raw, owner, rel, events } satisfies CollectionMeta });
  return new Proxy(raw, handler) as InstrumentedList<T>;
}

/** Changes a collection without firing events (used by backrefs and loaders). */
export const quiet = {
  append<T extends object>(list: InstrumentedList<T>, item: T): void {
    const raw = list[metaKey]?.raw ?? list;
    if (!Array.prototype.includes.call(raw, item)) Array.prototype.push.call(raw, item);
  },
  remove<T extends object>(list: InstrumentedList<T>, item: T): void {
    const raw = list[metaKey]?.raw ?? list;
    const i = Array.prototype.indexOf.call(raw, item);
    if (i >= 0) Array.prototype.splice.call(raw, i, 1);
  },
  raw<T extends object>(list: InstrumentedList<T>): T[] { return (list[metaKey]?.raw ?? list) as T[]; },
};

/** The live lists of association proxies (association-proxy.ts), which asCollection() also takes. */
export const proxyLists = new WeakSet<object>();

/**
 * The typed view of a relationship array (or an association proxy's list), for Python's `remove(item)`.
 * @example asCollection(user.posts).remove(post); asCollection(user.keywordNames).remove("py")
 */
export function asCollection<T>(list: T[]): T[] & { remove(item: T): void; clear(): void } {
  if (!(list instanceof InstrumentedList) && !proxyLists.has(list)) throw new TypeError("asCollection() takes a relationship collection such as user.posts, or an association proxy's list.");
  return list as never;
}
