/**
 * event.listen / listensFor / remove, and dispatch at the named points the
 * session, unit of work and attributes call. Names and signatures: catalog.ts.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { suggest } from "../util/suggest";
import { describe } from "../sql/coerce";
import { ATTRIBUTE_EVENTS, ENGINE_EVENTS, INSTANCE_EVENTS, MAPPER_EVENTS, SESSION_EVENTS, type AttributeEvents, type EngineEvents, type InstanceEvents, type MapperEvents, type SessionEvents } from "./catalog";

type Listener = (...args: any[]) => unknown;
interface Entry { fn: Listener; retval: boolean; once: boolean }

/** Listeners by target object (class, session, sessionmaker, Session, attribute) and event name. */
const listeners = new WeakMap<object, Map<string, Entry[]>>();
/** Listeners registered at all: dispatch is free while there are none (the flush calls it per row). */
let registered = 0;
/**
 * Listeners per event name (any target): hot paths (hydration, collection changes, expiry) read
 * `listening.load` etc. once and skip dispatch entirely while it is 0.
 */
export const listening: Record<string, number> = { set: 0, load: 0, refresh: 0, init: 0, expire: 0, append: 0, remove: 0, after_attach: 0, pending_to_persistent: 0, persistent_to_deleted: 0, after_bulk_update: 0, after_bulk_delete: 0 };
/** Bumped on every listen/remove: per-mapper caches (instanceEventsOf) recompute when it moves. */
let version = 0;
function counted(name: string, delta: number): void { listening[name] = (listening[name] ?? 0) + delta; version++; }

type Kind = "mapper" | "session" | "attribute" | "engine";
function kindOf(target: unknown): Kind {
  const k = (target as any)?.[ormKind];
  if (k === "Engine") return "engine";
  if (k === "MappedClass") return "mapper";
  if (k === "InstrumentedAttribute" || k === "RelationshipAttribute") return "attribute";
  if (k === "Session" || k === "SessionMaker" || (target as any)?.__isSessionClass) return "session";
  throw new ArgumentError(`event.listen() target must be a mapped class, a session, a sessionmaker, Session, an engine, or a class attribute such as User.name; got ${describe(target)}.`);
}

function checkName(kind: Kind, name: string): void {
  const names: readonly string[] = kind === "mapper" ? [...MAPPER_EVENTS, ...INSTANCE_EVENTS] : kind === "session" ? SESSION_EVENTS : kind === "engine" ? ENGINE_EVENTS : ATTRIBUTE_EVENTS;
  if (!names.includes(name)) {
    const hint = suggest(String(name), names);
    throw new ArgumentError(`No ${kind} event named ${JSON.stringify(name)}.${hint ? ` Did you mean ${JSON.stringify(hint)}?` : ""} ${kind[0]!.toUpperCase() + kind.slice(1)} events: ${names.join(", ")}.`);
  }
}

type NameFor<T> = T extends { [ormKind]: "InstrumentedAttribute" } ? keyof AttributeEvents : T extends Function & { __isSessionClass?: true } ? keyof SessionEvents : string;

function listen(target: object, name: string, fn: Listener, options: { retval?: boolean; once?: boolean } = {}): void {
  if (typeof fn !== "function") throw new ArgumentError(`event.listen(target, ${JSON.stringify(name)}, fn) needs a listener function.`);
  const kind = kindOf(target);
  checkName(kind, name);
  if (kind === "engine") {
    // Engine events ride on the engine's statement hook.
    const hook = (sql: string, params: readonly unknown[]) => { fn(null, null, sql, params, null, false); };
    (hook as any).__listener = fn;
    (target as any).listeners.push(hook);
    return;
  }
  if (kind === "attribute" && name !== "set" && !(target as any).mapper.relationshipKeys?.includes((target as any).key)) {
    throw new ArgumentError(`"${name}" events are for relationship collections such as User.posts; ${describe(target)} is a column attribute (listen for "set").`);
  }
  if (kind === "attribute" && name === "set" && (target as any)[ormKind] === "RelationshipAttribute") {
    throw new ArgumentError(`"set" events are for column attributes; ${describe(target)} is a relationship (listen for "append" / "remove" on a collection).`);
  }
  const key = kind === "attribute" ? (target as any).mapper.cls : target;
  const evName = kind === "attribute" ? `${name}:${(target as any).key}` : name;
  let byName = listeners.get(key);
  if (!byName) listeners.set(key, (byName = new Map()));
  const list = byName.get(evName) ?? [];
  list.push({ fn, retval: !!options.retval, once: !!options.once });
  byName.set(evName, list);
  registered++;
  counted(name, 1);
}

function remove(target: object, name: string, fn: Listener): void {
  const kind = kindOf(target);
  if (kind === "engine") {
    const hooks = (target as any).listeners as ((...a: unknown[]) => void)[];
    const i = hooks.findIndex((h) => (h as any).__listener === fn);
    if (i < 0) throw new ArgumentError(`No listener ${fn.name || "(anonymous)"} for ${JSON.stringify(name)} on the engine to remove.`);
    hooks.splice(i, 1);
    return;
  }
  const key = kind === "attribute" ? (target as any).mapper.cls : target;
  const evName = kind === "attribute" ? `${name}:${(target as any).key}` : name;
  const list = listeners.get(key)?.get(evName);
  const i = list?.findIndex((e) => e.fn === fn) ?? -1;
  if (i < 0 || !list) throw new ArgumentError(`No listener ${fn.name || "(anonymous)"} for ${JSON.stringify(name)} on ${describe(target)} to remove.`);
  list.splice(i, 1);
  counted(name, -1);
}

function run(key: object, name: string, args: unknown[]): void {
  const list = listeners.get(key)?.get(name);
  if (!list || list.length === 0) return;
  for (const e of [...list]) {
    if (e.once) { list.splice(list.indexOf(e), 1); counted(name.replace(/:.*/, ""), -1); }
    e.fn(...args);
  }
}

/**
 * SQLAlchemy's event API.
 * @example
 *   event.listen(User, "before_insert", (mapper, connection, target) => { target.created = new Date(); });
 *   event.listensFor(Session, "after_commit")((session) => console.log("committed"));
 */
export const event = {
  listen: listen as {
    <C extends abstract new (...a: any) => any, K extends keyof MapperEvents>(target: C, name: K, fn: (mapper: unknown, connection: Parameters<MapperEvents[K]>[1], target: InstanceType<C>) => void, options?: { once?: boolean }): void;
    <C extends abstract new (...a: any) => any, K extends keyof InstanceEvents>(target: C, name: K, fn: InstanceEvents<InstanceType<C>>[K], options?: { once?: boolean }): void;
    <K extends keyof SessionEvents>(target: object, name: K, fn: SessionEvents[K], options?: { once?: boolean }): void;
    (target: object, name: "set", fn: AttributeEvents["set"], options?: { retval?: boolean; once?: boolean }): void;
    (target: object, name: "append", fn: AttributeEvents["append"], options?: { retval?: boolean; once?: boolean }): void;
    (target: object, name: "remove", fn: AttributeEvents["remove"], options?: { once?: boolean }): void;
    (target: object, name: "before_cursor_execute", fn: EngineEvents["before_cursor_execute"]): void;
  },
  listensFor(target: object, name: string, options?: { retval?: boolean; once?: boolean }) {
    return <F extends Listener>(fn: F, _context?: unknown): F => { listen(target, name, fn, options); return fn; };
  },
  remove,
  contains(target: object, name: string, fn: Listener): boolean {
    const kind = kindOf(target);
    const key = kind === "attribute" ? (target as any).mapper.cls : target;
    return !!listeners.get(key)?.get(kind === "attribute" ? `${name}:${(target as any).key}` : name)?.some((e) => e.fn === fn);
  },
};
void (null as unknown as NameFor<unknown>);

/** Whether any listener would see these mapper events (the flush batches rows when none would). */
export function hasMapperListeners(mapper: { cls: Function }, names: readonly (keyof MapperEvents)[]): boolean {
  if (registered === 0) return false;
  for (let c: any = mapper.cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const byName = listeners.get(c);
    if (byName && names.some((n) => byName.get(n)?.length)) return true;
  }
  return false;
}

/** Which instance events a mapper's class (or a mapped superclass) has listeners for; cached on the mapper until listeners change. */
export interface InstanceEventFlags { version: number; load: boolean; refresh: boolean }
const flagsKey: unique symbol = Symbol("instanceEvents");
export function instanceEventsOf(mapper: { cls: Function }): InstanceEventFlags {
  let f = (mapper as any)[flagsKey] as InstanceEventFlags | undefined;
  if (f === undefined || f.version !== version) {
    f = { version, load: hasMapperListeners(mapper, ["load" as never]), refresh: hasMapperListeners(mapper, ["refresh" as never]) };
    (mapper as any)[flagsKey] = f;
  }
  return f;
}
/** Instance events (load, refresh, init, expire): listeners on the class and its mapped superclasses, called with (target, ...args). */
export function dispatchInstance(mapper: { cls: Function }, name: keyof InstanceEvents, target: object, ...args: unknown[]): void {
  if (registered === 0) return;
  for (let c: any = mapper.cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) run(c, name, [target, ...args]);
}
/** Collection `append` / `remove` events of a relationship; an `append` listener with `retval` may replace the item. */
export function dispatchCollection(mapper: { cls: Function }, name: "append" | "remove", key: string, target: object, value: object, initiator: unknown): object {
  if (registered === 0) return value;
  for (let c: any = mapper.cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const list = listeners.get(c)?.get(`${name}:${key}`);
    if (!list) continue;
    for (const e of [...list]) {
      if (e.once) { list.splice(list.indexOf(e), 1); counted(name, -1); }
      const out = e.fn(target, value, initiator);
      if (e.retval && name === "append" && out !== undefined && out !== null) value = out as object;
    }
  }
  return value;
}

/** Mapper events: listeners on the class and on its mapped superclasses. */
export function dispatchMapper(mapper: { cls: Function }, name: keyof MapperEvents, connection: unknown, target: object): void {
  if (registered === 0) return;
  for (let c: any = mapper.cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) run(c, name, [mapper, connection, target]);
}
/** Session events: listeners on the session, its sessionmaker, and the Session class. */
export function dispatchSession(session: { maker?: object; constructor: Function }, name: keyof SessionEvents, ...args: unknown[]): void {
  if (registered === 0) return;
  run(session as object, name, [session, ...args]);
  if (session.maker) run(session.maker, name, [session, ...args]);
  run(session.constructor, name, [session, ...args]);
}
/** Session events whose listeners take one context object (after_bulk_update / after_bulk_delete). */
export function dispatchSessionContext(session: { maker?: object; constructor: Function }, name: "after_bulk_update" | "after_bulk_delete", context: object): void {
  if (registered === 0) return;
  run(session as object, name, [context]);
  if (session.maker) run(session.maker, name, [context]);
  run(session.constructor, name, [context]);
}
/** Attribute `set` events; a `retval` listener may replace the value. */
export function dispatchAttributeSet(mapper: { cls: Function }, key: string, target: object, value: unknown, oldvalue: unknown): unknown {
  if (registered === 0) return value;
  for (let c: any = mapper.cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const list = listeners.get(c)?.get(`set:${key}`);
    if (!list) continue;
    for (const e of [...list]) {
      const out = e.fn(target, value, oldvalue, { key });
      if (e.retval) value = out;
    }
  }
  return value;
}
