/**
 * Per-instance ORM bookkeeping: identity, session membership, loaded and
 * committed values, expired attributes, relationship history. Stored on the
 * instance under a symbol so user objects stay plain.
 * Used by attributes.ts (reads/writes), session.ts, unit-of-work.ts, loading.ts.
 */
import type { Mapper } from "./mapper";
import type { Session } from "./session";
import { dispatchInstance, listening } from "../events/registry";
import type { IdentityKey } from "./identity-map";

export const stateKey: unique symbol = Symbol.for("orm-core.state") as never;

export interface RelHistory { added: Set<object>; removed: Set<object> }

/**
 * Parent of the attribute dictionaries: no inherited names (like Object.create(null)), but V8 keeps
 * objects with a prototype in fast mode, where Object.create(null) makes slow dictionaries.
 */
const NO_NAMES: object = Object.freeze(Object.create(null));
export function emptyDict(): Record<string, unknown> { return Object.create(NO_NAMES); }
/**
 * A constructor of one mapped class's attribute dictionaries (same parent, NO_NAMES): V8 sizes the
 * objects of each constructor to the properties they get, so a class's values sit inside its
 * dictionaries (objects made by Object.create hold four, then spill into a second array).
 */
export function dictMaker(): new () => Record<string, unknown> {
  const Dict = function Dict() {} as unknown as new () => Record<string, unknown>;
  Dict.prototype = NO_NAMES;
  return Dict;
}
/** The old value of an attribute that was never loaded before it was set. */
export const NEVER_LOADED: unique symbol = Symbol("NEVER_LOADED");

/**
 * Shared by every state that has no snapshot / nothing expired (most loaded objects): a state gets
 * its own on its first change or expiry (snapshot(), markExpired()), so loading allocates less.
 */
const NO_SNAPSHOT: Record<string, unknown> = Object.freeze(emptyDict());
class NothingExpired extends Set<string> {
  override add(): this { throw new Error("internal: use InstanceState.markExpired()"); }
}
const NOTHING_EXPIRED: Set<string> = new NothingExpired();

const ALL_EXPIRED = 1, DELETED = 2, WAS_DELETED = 4, MODIFIED = 8;
/** The flags take the low bits of `flags`; the bits above hold `changedSlot`. */
const FLAG_BITS = 4, FLAG_MASK = (1 << FLAG_BITS) - 1;
/** Slots fit the bits above the flags of a 32-bit integer. */
export const MAX_CHANGED_SLOT = 2 ** (31 - FLAG_BITS) - 1;

/** The rarely used parts of an instance state, apart so that every state stays small. */
interface StateExtras {
  /** Primary key values behind `key` when the key is not the value itself (composite keys, dates). */
  identityValues?: unknown[] | undefined;
  /** Relationship changes since the last flush, by attribute key. */
  relHistory?: Map<string, RelHistory> | undefined;
  /** Eager/lazy loader options attached by the query that loaded it (path-aware loading). */
  loadOptions?: unknown;
}

export class InstanceState {
  /** Current values by attribute key (columns and loaded relationships). */
  dict: Record<string, unknown>;
  /**
   * The database's value of each column changed since the last load or flush (SQLAlchemy's
   * committed_state): copy-on-write, so a loaded object costs one dictionary, not two.
   */
  committed: Record<string, unknown> = NO_SNAPSHOT;
  /** Attribute keys to reload on next access; `allExpired` means every column. */
  expired: Set<string> = NOTHING_EXPIRED;
  /** Identity key once persistent (within its class hierarchy: identity-map.ts). */
  key: IdentityKey | undefined;
  session: Session | undefined;
  /** What few objects need (see StateExtras), made on first use. */
  private extras: StateExtras | undefined;
  /**
   * allExpired, deleted, wasDeleted, modified (and changedSlot) in one field: every loaded object has a
   * state that outlives many scavenges, so each field it saves counts.
   */
  private flags = 0;
  /** `dict`: the values, when the object is made from them (a query row: loading.ts). */
  constructor(readonly obj: object, readonly mapper: Mapper, dict?: Record<string, unknown>) {
    this.dict = dict ?? new mapper.Dict();
  }

  /** Every column is to reload on next access (`expired` lists single attributes). */
  get allExpired(): boolean { return (this.flags & ALL_EXPIRED) !== 0; }
  set allExpired(on: boolean) { this.flags = on ? this.flags | ALL_EXPIRED : this.flags & ~ALL_EXPIRED; }
  /** Set by session.delete() until flushed. */
  get deleted(): boolean { return (this.flags & DELETED) !== 0; }
  set deleted(on: boolean) { this.flags = on ? this.flags | DELETED : this.flags & ~DELETED; }
  /** The row was deleted by a flush (object is detached and knows it). */
  get wasDeleted(): boolean { return (this.flags & WAS_DELETED) !== 0; }
  set wasDeleted(on: boolean) { this.flags = on ? this.flags | WAS_DELETED : this.flags & ~WAS_DELETED; }
  /** Columns set by the user since the last flush (for UPDATE of changed columns only). */
  get modified(): boolean { return (this.flags & MODIFIED) !== 0; }
  set modified(on: boolean) { this.flags = on ? this.flags | MODIFIED : this.flags & ~MODIFIED; }
  /** Position + 1 in its session's list of changed states, 0 when not in it (changed-states.ts). */
  get changedSlot(): number { return this.flags >>> FLAG_BITS; }
  set changedSlot(slot: number) { this.flags = (this.flags & FLAG_MASK) | (slot << FLAG_BITS); }

  /** Relationship changes since the last flush, by attribute key. */
  get relHistory(): Map<string, RelHistory> | undefined { return this.extras?.relHistory; }
  set relHistory(h: Map<string, RelHistory> | undefined) { this.setExtra("relHistory", h); }
  /** Eager/lazy loader options attached by the query that loaded it (path-aware loading). */
  get loadOptions(): unknown { return this.extras?.loadOptions; }
  set loadOptions(o: unknown) { this.setExtra("loadOptions", o); }
  private get identityValues(): unknown[] | undefined { return this.extras?.identityValues; }
  private set identityValues(v: unknown[] | undefined) { this.setExtra("identityValues", v); }
  /** Sets one of the extras, making the record only for a value. */
  private setExtra<K extends keyof StateExtras>(key: K, value: StateExtras[K]): void {
    if (value !== undefined) (this.extras ??= {})[key] = value;
    else if (this.extras) this.extras[key] = undefined;
  }

  /** Primary key values behind `key` (they survive expiry); undefined until persistent. */
  get identity(): unknown[] | undefined {
    return this.key === undefined ? undefined : this.identityValues ?? [this.key];
  }
  /** One value of `identity`, without making an array. */
  identityValue(i: number): unknown {
    return this.key === undefined ? undefined : this.identityValues ? this.identityValues[i] : i === 0 ? this.key : undefined;
  }
  /** Makes the object's identity `key`, of the primary key values `pk` (undefined: the key is the one value). */
  setIdentity(key: IdentityKey, pk: readonly unknown[] | undefined): void {
    this.key = key;
    this.identityValues = pk === undefined || (pk.length === 1 && pk[0] === key) ? undefined : (pk as unknown[]);
  }
  clearIdentity(): void {
    this.key = undefined;
    this.identityValues = undefined;
  }

  get pending(): boolean { return this.session !== undefined && this.key === undefined; }
  get persistent(): boolean { return this.session !== undefined && this.key !== undefined && !this.deleted; }
  get detached(): boolean { return this.session === undefined && this.key !== undefined; }
  get transient(): boolean { return this.session === undefined && this.key === undefined; }

  history(key: string): RelHistory {
    this.relHistory ??= new Map();
    let h = this.relHistory.get(key);
    if (!h) this.relHistory.set(key, (h = { added: new Set(), removed: new Set() }));
    return h;
  }
  /** Whether any column differs from the committed snapshot, or a relationship changed. */
  isDirty(): boolean {
    if (this.relHistory && this.relHistory.size) return true;
    if (!this.modified) return false;
    for (const k in this.committed) if (!valuesEqual(this.dict[k], this.committed[k])) return true;
    return false;
  }
  /** Nothing is expired any more (Set.clear() would allocate a new table even for an empty set). */
  clearExpired(): void { this.expired = NOTHING_EXPIRED; }
  /** Marks a column to reload on next access. */
  markExpired(key: string): void {
    if (this.expired === NOTHING_EXPIRED) this.expired = new Set();
    this.expired.add(key);
  }
  /** Records the database's value of `key` before its first change since the last flush. */
  snapshot(key: string): void {
    if (key in this.committed) return;
    if (this.committed === NO_SNAPSHOT) this.committed = emptyDict();
    this.committed[key] = key in this.dict ? this.dict[key] : NEVER_LOADED;
  }
  /** The database's value of a column: the snapshot if it changed, else the current one. */
  committedValue(key: string): unknown { return key in this.committed ? this.committed[key] : this.dict[key]; }
  /** After a flush or load: what we hold is what the database holds. */
  commitAll(): void {
    if (this.modified) for (const _ in this.committed) { this.committed = NO_SNAPSHOT; break; }
    this.modified = false;
    this.relHistory = undefined;
  }
  expireAll(): void {
    if (listening.expire) dispatchInstance(this.mapper, "expire", this.obj, null);
    // Fresh objects rather than deletes: deleting keys turns objects into slow dictionaries.
    this.dict = new this.mapper.Dict();
    this.committed = NO_SNAPSHOT;
    this.allExpired = true;
    this.clearExpired();
    this.modified = false;
    this.relHistory = undefined;
  }
  expireKeys(keys: readonly string[]): void {
    if (listening.expire) dispatchInstance(this.mapper, "expire", this.obj, [...keys]);
    for (const k of keys) { delete this.dict[k]; delete this.committed[k]; this.markExpired(k); this.relHistory?.delete(k); }
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((v, i) => v === b[i]);
  if (a && b && typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/**
 * A loaded object may have no state yet (loading.ts, instancesFromDictRows): most loaded objects are
 * only read, and an object fewer per row is much of what loading costs (every one survives
 * scavenges). Such an object is clean, not expired, with every column loaded: under `stateKey` it
 * holds its attribute dictionary, under `lazySessionKey` its session, and stateOf() makes its state
 * on first need, through the maker loading.ts registers.
 */
export const lazySessionKey: unique symbol = Symbol.for("orm-core.lazySession") as never;
let stateMaker: ((obj: object, dict: Record<string, unknown>) => InstanceState) | undefined;
/** @internal */ export function setStateMaker(make: (obj: object, dict: Record<string, unknown>) => InstanceState): void { stateMaker = make; }

export function stateOf(obj: object): InstanceState | undefined {
  const s = (obj as any)[stateKey];
  return s === undefined || s instanceof InstanceState ? s : stateMaker!(obj, s);
}
/** The attribute dictionary of a loaded object that has no state yet (see lazySessionKey), else undefined. */
export function statelessDict(obj: object): Record<string, unknown> | undefined {
  const s = (obj as any)[stateKey];
  return s === undefined || s instanceof InstanceState ? undefined : s;
}
