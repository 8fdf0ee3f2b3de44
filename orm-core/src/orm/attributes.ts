/**
 * Instance attributes: the getters/setters installed on mapped classes.
 * Column reads load expired values; relationship reads lazy-load; writes keep
 * backrefs in step, record history for the flush and cascade save-update.
 */
import { DetachedInstanceError, InvalidRequestError, ObjectDeletedError, UnmappedClassError } from "../errors/errors";
import { InstanceState, stateKey, stateOf, statelessDict } from "./instance-state";
import { makeCollection, quiet, type CollectionEvents, type InstrumentedList } from "./collections";
import type { Mapper } from "./mapper";
import type { RelationshipProperty } from "./relationship";
import { dispatchAttributeSet, dispatchCollection, dispatchInstance, listening } from "../events/registry";
import { loadExpiredAttributes, lazyLoad } from "./loading";
import { DynamicCollection, WriteOnlyCollection, isWriteOnly, pendingAdded } from "./writeonly";

export function requireState(obj: object, what = "this operation"): InstanceState {
  const st = stateOf(obj);
  if (!st) {
    const name = (obj as any)?.constructor?.name ?? typeof obj;
    throw new UnmappedClassError(`Class ${name} is not mapped, so ${what} can't use it: decorate the class with @mapped (and extend Base.model(...)). [ORM115]`, { code: "ORM115" });
  }
  return st;
}

export function readColumn(st: InstanceState, key: string): unknown {
  const d = st.dict;
  if (key in d) return d[key];
  // A persistent object without the value: expired, or a deferred column not loaded yet.
  if (st.key !== undefined) {
    if (st.wasDeleted) throw new ObjectDeletedError(`Instance ${describeState(st)} has been deleted; its attributes can't be loaded.`);
    if (!st.session) throw new DetachedInstanceError(`Instance ${describeState(st)} is not bound to a Session; attribute refresh operation cannot proceed. Add it to a session (session.add(obj)) or keep the session open while reading.`);
    loadExpiredAttributes(st, st.mapper.loadGroupOf(key));
    if (key in st.dict) return st.dict[key];
  }
  return null;
}

export function writeColumn(st: InstanceState, key: string, value: unknown): void {
  const validator = st.mapper.validators.get(key);
  if (validator) value = validator(st.obj, value, key);
  if (listening.set) value = dispatchAttributeSet(st.mapper, key, st.obj, value, st.dict[key] ?? null);
  if (value === undefined) value = null;
  if (st.key !== undefined) st.snapshot(key);
  st.dict[key] = value;
  st.expired.delete(key);
  st.modified = true;
  if (st.session && st.key !== undefined) st.session.noteChange(st);
}

// ---- relationships -----------------------------------------------------------

export function readRelationship(st: InstanceState, rel: RelationshipProperty): unknown {
  // Write-only / dynamic: a view that never loads; its changes live in the relationship history.
  if (isWriteOnly(rel)) return rel.lazy === "dynamic" ? new DynamicCollection(st, rel) : new WriteOnlyCollection(st, rel);
  const d = st.dict;
  if (rel.key in d) return d[rel.key];
  if (st.key !== undefined && !st.wasDeleted) {
    if (!st.session) {
      throw new DetachedInstanceError(`Parent instance ${describeState(st)} is not bound to a Session; lazy load operation of attribute '${rel.key}' cannot proceed. Load it eagerly (selectinload(${rel.name})) or keep the session open.`);
    }
    const loaded = lazyLoad(st, rel);
    if (loaded === NO_VALUE) return rel.uselist ? emptyCollection(st, rel) : null;
    setLoaded(st, rel, loaded as object | object[] | null);
    return d[rel.key];
  }
  if (rel.uselist) return emptyCollection(st, rel);
  return null;
}
export const NO_VALUE = Symbol("NO_VALUE");

function emptyCollection(st: InstanceState, rel: RelationshipProperty): InstrumentedList {
  const list = makeCollection(st, rel, collectionEvents);
  st.dict[rel.key] = list;
  return list;
}

/** Puts loaded relationship contents into the instance (no history, no events). */
export function setLoaded(st: InstanceState, rel: RelationshipProperty, value: object | object[] | null): void {
  st.dict[rel.key] = rel.uselist ? makeCollection(st, rel, collectionEvents, (value as object[] | null) ?? []) : value;
}

export function writeRelationship(st: InstanceState, rel: RelationshipProperty, value: unknown): void {
  if (rel.viewonly) throw new InvalidRequestError(`${rel.name} is viewonly; it can't be assigned.`);
  if (isWriteOnly(rel)) return writeWriteOnly(st, rel, value);
  if (rel.uselist) {
    if (value === null || value === undefined) value = [];
    if (!Array.isArray(value) && !(typeof value === "object" && Symbol.iterator in (value as object))) {
      throw new InvalidRequestError(`${rel.name} is a collection: assign an array of ${rel.target.name} objects, got ${typeof value}.`);
    }
    const items = [...(value as Iterable<object>)];
    for (const item of items) checkTarget(rel, item);
    const old = st.key !== undefined && !(rel.key in st.dict) && st.session ? (readRelationship(st, rel) as object[]) : ((st.dict[rel.key] as object[] | undefined) ?? []);
    const oldItems = old ? quiet.raw(old as InstrumentedList) : [];
    const newSet = new Set(items);
    const oldSet = new Set(oldItems);
    st.dict[rel.key] = makeCollection(st, rel, collectionEvents, items);
    for (const item of oldItems) if (!newSet.has(item)) collectionEvents.removed(st, rel, item, false);
    for (const item of items) if (!oldSet.has(item)) collectionEvents.appended(st, rel, item, false);
    return;
  }
  if (value !== null && value !== undefined) checkTarget(rel, value as object);
  setScalar(st, rel, (value ?? null) as object | null, false);
}

/**
 * Assigning a write-only collection: allowed while the parent is transient or pending (its added
 * items are replaced); a persistent parent's would have to be loaded, so SQLAlchemy refuses it.
 * A "dynamic" collection loads the current members and replaces them.
 */
function writeWriteOnly(st: InstanceState, rel: RelationshipProperty, value: unknown): void {
  if (value instanceof WriteOnlyCollection && value.state === st && value.property === rel) return; // user.posts = user.posts
  if (value === null || value === undefined) value = [];
  if (typeof value !== "object" || !(Symbol.iterator in (value as object))) {
    throw new InvalidRequestError(`${rel.name} is a write-only collection: assign an array of ${rel.target.name} objects (only before the parent is flushed), got ${typeof value}.`);
  }
  const items = [...(value as Iterable<object>)];
  for (const item of items) checkTarget(rel, item);
  let old: object[];
  if (st.key !== undefined) {
    if (rel.lazy !== "dynamic") {
      throw new InvalidRequestError(`Collection "${rel.name}" is write-only: it can't be replaced once its ${st.mapper.name} is persistent, as that would need to load it. Use ${rel.key}.add(obj) / ${rel.key}.remove(obj), or run ${rel.key}.update() / ${rel.key}.delete() statements.`);
    }
    old = [...(readRelationship(st, rel) as DynamicCollection)];
    for (const item of pendingAdded(st, rel)) if (!old.includes(item)) old.push(item);
  } else old = pendingAdded(st, rel);
  const newSet = new Set(items);
  const oldSet = new Set(old);
  for (const item of items) if (!oldSet.has(item)) collectionEvents.appended(st, rel, item, false);
  for (const item of old) if (!newSet.has(item)) collectionEvents.removed(st, rel, item, false);
}

/** The related objects a cascade walks now: loaded contents, or a write-only collection's pending additions. */
export function cascadeItems(st: InstanceState, rel: RelationshipProperty): readonly object[] {
  if (isWriteOnly(rel)) return pendingAdded(st, rel);
  if (!(rel.key in st.dict)) return NO_ITEMS;
  const v = st.dict[rel.key];
  if (!rel.uselist) return v ? [v as object] : NO_ITEMS;
  const list = quiet.raw(v as InstrumentedList);
  return list.length ? [...list] : NO_ITEMS;
}
/** What cascadeItems() gives for nothing: one array for all (a save-update cascade asks for every new object). */
const NO_ITEMS: readonly object[] = Object.freeze([]);

function checkTarget(rel: RelationshipProperty, item: unknown): void {
  const ist = typeof item === "object" && item !== null ? stateOf(item) : undefined;
  if (!ist || (ist.mapper !== rel.target && !isSubMapper(ist.mapper, rel.target))) {
    const got = typeof item === "object" && item !== null ? (item as any).constructor?.name : typeof item;
    throw new InvalidRequestError(`${rel.name} holds ${rel.target.name} objects; got ${got}.`);
  }
}
function isSubMapper(m: Mapper, target: Mapper): boolean { return m.cls.prototype instanceof target.cls; }

function setScalar(st: InstanceState, rel: RelationshipProperty, value: object | null, fromBackref: boolean): void {
  const had = rel.key in st.dict;
  let old = had ? (st.dict[rel.key] as object | null) : undefined;
  if (!had && st.key !== undefined && st.session && !fromBackref && rel.back) {
    // The old value is needed to take this object out of its collection.
    old = readRelationship(st, rel) as object | null;
  }
  if (old === value && had) return;
  if (rel.spec.options.singleParent) {
    if (value) claimSingleParent(st, rel, value);
    if (old) releaseSingleParent(st, rel, old);
  }
  st.dict[rel.key] = value;
  const h = st.history(rel.key);
  if (st.session && st.key !== undefined) st.session.noteChange(st);
  if (old) { if (h.added.has(old)) h.added.delete(old); else h.removed.add(old); }
  if (value) { h.removed.delete(value); h.added.add(value); }
  if (!value && !old) h.removed.add(NULL_MARK);
  if (!fromBackref && rel.back) {
    if (old) backrefRemove(old, rel.back, st.obj);
    if (value) backrefAppend(value, rel.back, st.obj);
  }
  if (value) cascadeAdd(st, rel, value);
}
/** Marks "set to None" on a scalar that had no loaded value. */
export const NULL_MARK: object = Object.freeze({});

function backrefAppend(target: object, backRel: RelationshipProperty, item: object): void {
  const tst = stateOf(target);
  if (!tst) return;
  if (isWriteOnly(backRel)) { backrefEvent(tst, backRel, "append", item); recordAppend(tst, backRel, item); return; }
  if (backRel.uselist) {
    if (!(backRel.key in tst.dict)) {
      // Unloaded collection of a persistent object: it will load (after autoflush) with the item in it.
      if (tst.key !== undefined) { backrefEvent(tst, backRel, "append", item); recordAppend(tst, backRel, item); return; }
      emptyCollection(tst, backRel);
    }
    const list = tst.dict[backRel.key] as InstrumentedList;
    if (!quiet.raw(list).includes(item)) {
      backrefEvent(tst, backRel, "append", item);
      quiet.append(list, item);
      recordAppend(tst, backRel, item);
    }
  } else {
    setScalar(tst, backRel, item, true);
  }
}
function backrefRemove(target: object, backRel: RelationshipProperty, item: object): void {
  const tst = stateOf(target);
  if (!tst) return;
  if (isWriteOnly(backRel)) {
    if (tst.key !== undefined || tst.relHistory?.get(backRel.key)?.added.has(item)) { backrefEvent(tst, backRel, "remove", item); recordRemove(tst, backRel, item); }
    return;
  }
  if (backRel.uselist) {
    if (!(backRel.key in tst.dict)) { if (tst.key !== undefined) { backrefEvent(tst, backRel, "remove", item); recordRemove(tst, backRel, item); } return; }
    const list = tst.dict[backRel.key] as InstrumentedList;
    if (quiet.raw(list).includes(item)) { backrefEvent(tst, backRel, "remove", item); quiet.remove(list, item); recordRemove(tst, backRel, item); }
  } else if (tst.dict[backRel.key] === item) {
    setScalar(tst, backRel, null, true);
  }
}

/** append / remove events of a collection changed by a backref (no replacement: the other side holds the item). */
function backrefEvent(st: InstanceState, rel: RelationshipProperty, op: "append" | "remove", item: object): void {
  if (listening[op]) dispatchCollection(st.mapper, op, rel.key, st.obj, item, { key: rel.key, op, backref: true });
}
function recordAppend(st: InstanceState, rel: RelationshipProperty, item: object): void {
  if (st.session && st.key !== undefined) st.session.noteChange(st);
  const h = st.history(rel.key);
  if (h.removed.has(item)) h.removed.delete(item); else h.added.add(item);
}
function recordRemove(st: InstanceState, rel: RelationshipProperty, item: object): void {
  if (st.session && st.key !== undefined) st.session.noteChange(st);
  const h = st.history(rel.key);
  if (h.added.has(item)) h.added.delete(item); else h.removed.add(item);
}

/** save-update cascade: an object attached to a session object joins the session. */
function cascadeAdd(st: InstanceState, rel: RelationshipProperty, item: object): void {
  if (st.session && rel.cascade.saveUpdate) {
    const ist = stateOf(item);
    if (ist && !ist.session) st.session.add(item);
  }
}

/**
 * singleParent: which parent each object was last associated with through the relationship (in
 * memory, as SQLAlchemy's "hasparent" flag), so a second parent is refused.
 */
const singleParents = new WeakMap<RelationshipProperty, WeakMap<object, object>>();
function claimSingleParent(owner: InstanceState, rel: RelationshipProperty, item: object): void {
  let parents = singleParents.get(rel);
  if (!parents) singleParents.set(rel, (parents = new WeakMap()));
  const prev = parents.get(item);
  if (prev && prev !== owner.obj) {
    const held = stateOf(prev)?.dict[rel.key];
    const stillHeld = rel.uselist ? !!held && quiet.raw(held as InstrumentedList).includes(item) : held === item;
    if (stillHeld) {
      throw new InvalidRequestError(`Instance ${describeState(stateOf(item)!)} is already associated with an instance of ${rel.parent.name} via its ${rel.name} attribute, and is only allowed a single parent (singleParent: true). Remove it from the other one first.`);
    }
  }
  parents.set(item, owner.obj);
}
function releaseSingleParent(owner: InstanceState, rel: RelationshipProperty, item: object): void {
  const parents = singleParents.get(rel);
  if (parents?.get(item) === owner.obj) parents.delete(item);
}

export const collectionEvents: CollectionEvents = {
  appended(owner, rel, item, fromBackref) {
    if (listening.append) {
      const value = dispatchCollection(owner.mapper, "append", rel.key, owner.obj, item, { key: rel.key, op: "append", backref: fromBackref });
      if (value !== item) {
        // A retval listener's replacement takes the appended item's place in the collection.
        const held = rel.key in owner.dict && !isWriteOnly(rel) ? quiet.raw(owner.dict[rel.key] as InstrumentedList) : undefined;
        const i = held ? held.lastIndexOf(item) : -1;
        if (held && i >= 0) held[i] = value;
        item = value;
      }
    }
    checkTarget(rel, item);
    if (rel.spec.options.singleParent) claimSingleParent(owner, rel, item);
    recordAppend(owner, rel, item);
    if (!fromBackref && rel.back) backrefAppend(item, rel.back, owner.obj);
    cascadeAdd(owner, rel, item);
  },
  removed(owner, rel, item, fromBackref) {
    if (listening.remove) dispatchCollection(owner.mapper, "remove", rel.key, owner.obj, item, { key: rel.key, op: "remove", backref: fromBackref });
    if (rel.spec.options.singleParent) releaseSingleParent(owner, rel, item);
    recordRemove(owner, rel, item);
    if (!fromBackref && rel.back) backrefRemove(item, rel.back, owner.obj);
  },
};

/** Installs the instance accessors of a mapped class on its prototype. */
export function instrumentClass(proto: object, mapper: Mapper): void {
  for (const prop of mapper.columnProps) {
    const key = prop.key;
    Object.defineProperty(proto, key, {
      get(this: object) {
        // A loaded object without a state yet has every column in its dictionary (instance-state.ts).
        const lazy = statelessDict(this);
        return lazy !== undefined ? lazy[key] : readColumn(requireState(this, `reading ${key}`), key);
      },
      set(this: object, v: unknown) { writeColumn(requireState(this, `setting ${key}`), key, v); },
      enumerable: true, configurable: true,
    });
  }
  for (const key of mapper.relationshipKeys) {
    Object.defineProperty(proto, key, {
      get(this: object) { const st = requireState(this, `reading ${key}`); return readRelationship(st, relOf(st, key)); },
      set(this: object, v: unknown) { const st = requireState(this, `setting ${key}`); writeRelationship(st, relOf(st, key), v); },
      enumerable: true, configurable: true,
    });
  }
}

/** Installs an accessor for a relationship created later (backref). */
export function instrumentRelationship(proto: object, key: string): void {
  Object.defineProperty(proto, key, {
    get(this: object) { const st = requireState(this, `reading ${key}`); return readRelationship(st, relOf(st, key)); },
    set(this: object, v: unknown) { const st = requireState(this, `setting ${key}`); writeRelationship(st, relOf(st, key), v); },
    enumerable: true, configurable: true,
  });
}

function relOf(st: InstanceState, key: string): RelationshipProperty {
  st.mapper.registry.configure();
  return st.mapper.relationships.get(key)!;
}

export function describeState(st: InstanceState): string {
  const pk = st.mapper.primaryKeyProps.map((p, i) => st.dict[p.key] ?? st.identityValue(i));
  return `<${st.mapper.name} at ${pk.length ? pk.join(",") : "?"}>`;
}

/** Creates the state of a new (transient) instance and applies constructor keyword values. */
export function initInstance(obj: object, mapper: Mapper, init: Record<string, unknown> | undefined): void {
  const st = new InstanceState(obj, mapper);
  // A symbol key: invisible to Object.keys / JSON.stringify / for-in, and cheaper than defineProperty.
  (obj as any)[stateKey] = st;
  // A class of an inheritance hierarchy marks its rows with its identity from the start.
  if (mapper.polymorphicIdentity !== undefined) st.dict[mapper.polymorphicOnProp!.key] = mapper.polymorphicIdentity;
  if (listening.init) {
    if (init === undefined || init === null) init = {};
    if (typeof init === "object") dispatchInstance(mapper, "init", obj, init);
  }
  if (init === undefined || init === null) return;
  if (typeof init !== "object") throw new TypeError(`new ${mapper.name}() takes an object of attribute values, e.g. new ${mapper.name}({ ... }).`);
  // Column values go straight into the dictionary when no validator or set listener needs the
  // setter: for a transient object that is all writeColumn would do.
  const direct = listening.set === 0 && mapper.validators.size === 0;
  let wrote = false;
  for (const k in init) {
    const v = init[k];
    if (direct && mapper.columnPropByKey.has(k)) {
      st.dict[k] = v === undefined ? null : v;
      wrote = true;
      continue;
    }
    if (!mapper.isAttribute(k) && !(k in obj)) {
      throw new TypeError(`${JSON.stringify(k)} is an invalid keyword argument for ${mapper.name}: its attributes are ${[...mapper.columnPropByKey.keys(), ...mapper.relationshipKeys].join(", ")}.`);
    }
    (obj as any)[k] = v;
  }
  if (wrote) st.modified = true;
}
