/**
 * The identity map: one object per primary key per session.
 *
 * Keyed per class hierarchy (root mapper) by the key value itself, not by a string built per row:
 * loading 20,000 rows then makes no key strings and hashes numbers (see IdentityKey).
 *
 * Strong references, on purpose: a JavaScript WeakRef keeps its target alive
 * until the current synchronous job ends, and this ORM is synchronous, so a
 * weak map would not free anything while a loop runs. Instead a streamed
 * result (yieldPer) releases the clean objects of each batch it has passed
 * (`releaseClean`); an object changed later rejoins the map (`keep`), so no
 * change is lost and memory stays bounded however many rows are iterated.
 */
import { stateOf, type InstanceState } from "./instance-state";
import type { Mapper } from "./mapper";
import { hasChanges } from "./changed-states";

/**
 * A row's identity within its class hierarchy: the value of a one-column primary key when it is
 * a number or a string (as Map keys 1 and "1" stay apart), else a string of the values.
 */
export type IdentityKey = number | string | bigint;

/** The identity key of primary key values, or undefined when one of them is null. */
export function identityKeyOf(pk: readonly unknown[]): IdentityKey | undefined {
  if (pk.length === 1) return identityKeyOfValue(pk[0]);
  let out = "";
  for (let i = 0; i < pk.length; i++) {
    const v = pk[i];
    if (v === null || v === undefined) return undefined;
    out += (i ? "," : "") + keyPart(v);
  }
  return out;
}
/** The identity key of a one-column primary key's value. */
export function identityKeyOfValue(v: unknown): IdentityKey | undefined {
  if (typeof v === "number" || typeof v === "string") return v;
  if (v === null || v === undefined) return undefined;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  return keyPart(v);
}
/** The identity key of the primary key values in an object's attribute dictionary; undefined when one is missing or null. */
export function identityKeyOfDict(mapper: Mapper, dict: Record<string, unknown>): IdentityKey | undefined {
  const pk = mapper.primaryKeyProps;
  return pk.length === 1 ? identityKeyOfValue(dict[pk[0]!.key]) : identityKeyOf(pk.map((p) => dict[p.key]));
}
/**
 * Gives a state the identity of the primary key values in its dictionary and returns its key;
 * undefined, with nothing set, when one is missing or null. (No array for a key that is its one value.)
 */
export function identifyByDict(st: InstanceState): IdentityKey | undefined {
  const pk = st.mapper.primaryKeyProps;
  if (pk.length === 1) {
    const v = st.dict[pk[0]!.key];
    const key = identityKeyOfValue(v);
    if (key !== undefined) st.setIdentity(key, key === v ? undefined : [v]);
    return key;
  }
  const values = pk.map((p) => st.dict[p.key]);
  const key = identityKeyOf(values);
  if (key !== undefined) st.setIdentity(key, values);
  return key;
}
/** A key value as text that two equal values share (strings quoted, dates by instant, bytes by content). */
function keyPart(v: unknown): string {
  if (v instanceof Date) return `D${v.getTime()}`;
  if (v instanceof Uint8Array) return `B${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}`;
  if (typeof v === "bigint" && Number.isSafeInteger(Number(v))) return String(Number(v));
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** Whole numbers that may index the array (ids of an autoincrement table, mostly). */
const INDEXED_KEYS = 1 << 20;
function isIndex(key: IdentityKey): key is number {
  return typeof key === "number" && key >= 0 && key < INDEXED_KEYS && Math.floor(key) === key;
}
/**
 * How far past twice its count the array may reach: it grows only while dense, so walking it stays
 * proportional to what it holds and a session that gets one row of id 900 makes no 900-slot array.
 */
const SLACK = 16;

/**
 * One class hierarchy's objects by key. Whole-number keys index an array while it stays dense,
 * which V8 reads and grows several times faster than a Map hashes (loading 20,000 rows does
 * 20,000 of each); other keys, and ones far beyond what the array holds, go in a Map.
 */
export class HierarchyMap {
  private readonly indexed: (object | undefined)[] = [];
  private indexedCount = 0;
  /** Made on first use: a session that gets one object by key needs no Map. */
  private other: Map<IdentityKey, object> | undefined;

  get(key: IdentityKey): object | undefined {
    // (Reading past an array's end is a slow lookup in V8: check the length first.)
    if (isIndex(key) && key < this.indexed.length) {
      const obj = this.indexed[key];
      if (obj !== undefined) return obj;
    }
    return this.other?.get(key);
  }
  has(key: IdentityKey): boolean { return this.get(key) !== undefined; }
  set(key: IdentityKey, obj: object): void {
    if (isIndex(key)) {
      if (key < this.indexed.length && this.indexed[key] !== undefined) { this.indexed[key] = obj; return; }
      if (key <= this.indexedCount * 2 + SLACK && !this.other?.has(key)) { this.indexed[key] = obj; this.indexedCount++; return; }
    }
    (this.other ??= new Map()).set(key, obj);
  }
  delete(key: IdentityKey): boolean {
    if (isIndex(key) && key < this.indexed.length && this.indexed[key] !== undefined) {
      this.indexed[key] = undefined; // not `delete`: that would make the array a slow dictionary
      this.indexedCount--;
      return true;
    }
    return this.other?.delete(key) ?? false;
  }
  get size(): number { return this.indexedCount + (this.other?.size ?? 0); }
  /** Calls `fn` with every object held; `fn` must not add or remove objects. */
  forEach(fn: (obj: object) => void): void {
    // An index loop: commit and close run this once over every object, mostly before V8 optimizes
    // it, and for-of in unoptimized code costs an iterator step per object.
    const indexed = this.indexed;
    if (this.indexedCount) for (let i = 0; i < indexed.length; i++) { const obj = indexed[i]; if (obj !== undefined) fn(obj); }
    if (this.other) for (const obj of this.other.values()) fn(obj);
  }
}

export class IdentityMap {
  /**
   * The hierarchy looked up last, and (once a second one is used) every hierarchy's map: most
   * sessions hold one or two classes, and loops over rows of one class skip the Map lookup.
   */
  private lastRoot: Mapper | undefined;
  private lastMap: HierarchyMap | undefined;
  private byRoot: Map<Mapper, HierarchyMap> | undefined;

  /** The objects of `mapper`'s class hierarchy by key. */
  of(mapper: Mapper): HierarchyMap {
    const root = mapper.root;
    return root === this.lastRoot ? this.lastMap! : this.switchTo(root);
  }
  private switchTo(root: Mapper): HierarchyMap {
    let m: HierarchyMap | undefined;
    if (this.lastRoot === undefined) m = new HierarchyMap();
    else {
      this.byRoot ??= new Map([[this.lastRoot, this.lastMap!]]);
      m = this.byRoot.get(root);
      if (!m) this.byRoot.set(root, (m = new HierarchyMap()));
    }
    this.lastRoot = root;
    return (this.lastMap = m);
  }
  private maps(): HierarchyMap[] { return this.byRoot ? [...this.byRoot.values()] : this.lastMap ? [this.lastMap] : []; }
  get(mapper: Mapper, key: IdentityKey): object | undefined { return this.of(mapper).get(key); }
  has(mapper: Mapper, key: IdentityKey): boolean { return this.of(mapper).has(key); }
  set(mapper: Mapper, key: IdentityKey, obj: object): void { this.of(mapper).set(key, obj); }
  delete(mapper: Mapper, key: IdentityKey): boolean { return this.of(mapper).delete(key); }

  /** Whether the map holds this state's object under its key. */
  holds(st: InstanceState): boolean { return st.key !== undefined && this.get(st.mapper, st.key) === st.obj; }
  /** Takes a persistent state's object out, if the map holds it. */
  remove(st: InstanceState): void { if (this.holds(st)) this.delete(st.mapper, st.key!); }

  clear(): void { this.byRoot = undefined; this.lastRoot = this.lastMap = undefined; }
  /** Every object held, as a new array (so the map may change while it is walked). */
  values(): object[] { const out: object[] = []; this.forEach((obj) => out.push(obj)); return out; }
  get size(): number { let n = 0; const maps = this.maps(); for (let i = 0; i < maps.length; i++) n += maps[i]!.size; return n; }

  /** Calls `fn` with every object held; `fn` must not add or remove objects. */
  forEach(fn: (obj: object) => void): void {
    const maps = this.maps();
    for (let i = 0; i < maps.length; i++) maps[i]!.forEach(fn);
  }
  /** Calls `fn` with the state of every object held; `fn` must not add or remove objects. */
  eachState(fn: (st: InstanceState) => void): void { this.forEach((obj) => fn(stateOf(obj)!)); }

  /** A changed object is (again) in the map, so the flush finds it. */
  keep(obj: object): void {
    const st = stateOf(obj);
    if (st?.key !== undefined && !this.has(st.mapper, st.key)) this.set(st.mapper, st.key, obj);
  }
  /** Lets go of objects with nothing to flush (they stay usable; a change brings them back). */
  releaseClean(objs: Iterable<object>): void {
    for (const obj of objs) {
      const st = stateOf(obj);
      if (!st || !this.holds(st)) continue;
      if (st.deleted || hasChanges(st)) continue;
      this.delete(st.mapper, st.key!);
    }
  }
}
