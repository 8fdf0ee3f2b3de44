/** inspect(obj): the object's state (transient / pending / persistent / deleted / detached) and identity. */
import { ArgumentError } from "../errors/errors";
import { ormKind } from "../util/kind";
import type { Engine } from "../engine/engine";
import { stateOf, valuesEqual, NEVER_LOADED, type InstanceState } from "./instance-state";
import { mapperOf, type Mapper } from "./mapper";
import { NULL_MARK } from "./attributes";
import { quiet, type InstrumentedList } from "./collections";

export interface InstanceInspection {
  readonly transient: boolean;
  readonly pending: boolean;
  readonly persistent: boolean;
  readonly deleted: boolean;
  readonly detached: boolean;
  readonly identity: readonly unknown[] | null;
  readonly session: unknown;
  /** Keys of attributes not loaded (expired or never loaded). */
  readonly unloaded: ReadonlySet<string>;
  readonly modified: boolean;
  /** True once the object has a row in the database (persistent, deleted or detached). */
  readonly hasIdentity: boolean;
  /** The object was deleted by a flush. */
  readonly wasDeleted: boolean;
  /** Per attribute: its value, the database's value, and its change history (SQLAlchemy's `attrs`). */
  readonly attrs: Readonly<Record<string, AttributeState>>;
  readonly mapper: Mapper;
  readonly object: object;
}

/**
 * Changes of one attribute since it was loaded or last flushed, as SQLAlchemy's History:
 * `added` holds the new value(s), `deleted` the replaced or removed one(s), `unchanged` the rest.
 * A never-loaded attribute has an empty history (reading history never loads anything).
 */
export interface History<T = unknown> {
  readonly added: readonly T[];
  readonly unchanged: readonly T[];
  readonly deleted: readonly T[];
  /** Whether added or deleted is not empty. */
  hasChanges(): boolean;
  /** Whether there is anything at all (added, unchanged or deleted). */
  isEmpty(): boolean;
}

export interface AttributeState {
  readonly key: string;
  /** The current value (loads it if it isn't loaded, as reading the attribute would). */
  readonly value: unknown;
  /** The value last loaded from or flushed to the database; undefined if not loaded. */
  readonly loadedValue: unknown;
  readonly history: History;
}

function history(added: unknown[], unchanged: unknown[], deleted: unknown[]): History {
  return Object.freeze({
    added, unchanged, deleted,
    hasChanges: () => added.length > 0 || deleted.length > 0,
    isEmpty: () => added.length + unchanged.length + deleted.length === 0,
  });
}

/** History of one attribute, without loading anything. */
export function attributeHistory(st: InstanceState, key: string): History {
  const rel = st.mapper.relationships.get(key);
  if (!(key in st.dict)) {
    // Unloaded collection of a persistent object: only the changes recorded through backrefs.
    const h = st.relHistory?.get(key);
    return history(h ? [...h.added].filter((x) => x !== NULL_MARK) : [], [], h ? [...h.removed].filter((x) => x !== NULL_MARK) : []);
  }
  const current = st.dict[key];
  if (!rel) {
    if (st.key === undefined) return history([current], [], []);
    if (!(key in st.committed)) return history([], [current], []);
    const old = st.committed[key];
    if (valuesEqual(old, current)) return history([], [current], []);
    return history([current], [], old === NEVER_LOADED ? [] : [old]);
  }
  const h = st.relHistory?.get(key);
  if (rel.uselist) {
    const items = [...quiet.raw(current as InstrumentedList)];
    if (st.key === undefined) return history(items, [], []);
    const added = h ? items.filter((x) => h.added.has(x)) : [];
    return history(added, items.filter((x) => !h?.added.has(x)), h ? [...h.removed].filter((x) => x !== NULL_MARK) : []);
  }
  const removed = h ? [...h.removed].filter((x) => x !== NULL_MARK) : [];
  if (st.key === undefined) return history(current === null ? [] : [current], [], []);
  if (h && (h.added.size || h.removed.size)) return history([current], [], removed);
  return history([], current === null || current === undefined ? [] : [current], []);
}

/** inspect(engine): what the database holds (SQLAlchemy's Inspector). */
export interface Inspector {
  getTableNames(): string[];
  getColumns(table: string): { name: string; type: string; nullable: boolean; primaryKey: boolean; default: string | null }[];
  getForeignKeys(table: string): { constrainedColumns: string[]; referredTable: string; referredColumns: string[] }[];
}

function inspectEngine(engine: Engine): Inspector {
  const rows = (sql: string, params: unknown[] = []) => {
    const conn = engine.connect();
    try { return conn.execute({ sql, parameters: params }).rows; } finally { conn.close(); }
  };
  return {
    getTableNames: () => rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((r) => r[0] as string),
    getColumns: (table) => rows("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", [table])
      .map((r) => ({ name: r[0] as string, type: r[1] as string, nullable: !r[2], default: (r[3] as string | null) ?? null, primaryKey: (r[4] as number) > 0 })),
    getForeignKeys: (table) => {
      const byId = new Map<number, { constrainedColumns: string[]; referredTable: string; referredColumns: string[] }>();
      for (const r of rows("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)", [table])) {
        const fk = byId.get(r[0] as number) ?? { constrainedColumns: [], referredTable: r[1] as string, referredColumns: [] };
        fk.constrainedColumns.push(r[2] as string);
        fk.referredColumns.push(r[3] as string);
        byId.set(r[0] as number, fk);
      }
      return [...byId.values()];
    },
  };
}

export function inspect(obj: Engine): Inspector;
export function inspect(obj: object): InstanceInspection;
export function inspect(obj: object): InstanceInspection | Inspector {
  if ((obj as any)?.[ormKind] === "Engine") return inspectEngine(obj as Engine);
  const st = stateOf(obj);
  if (!st) {
    const m = mapperOf(obj);
    if (m) return m as never;
    throw new ArgumentError(`inspect() takes a mapped instance, got ${typeof obj}.`);
  }
  const all = [...st.mapper.columnPropByKey.keys(), ...st.mapper.relationshipKeys, ...(st.mapper.columnExpressions?.keys() ?? [])];
  return {
    transient: st.transient,
    pending: st.pending,
    persistent: st.persistent,
    deleted: st.deleted,
    detached: st.detached || (st.session === undefined && st.wasDeleted),
    identity: st.identity ?? null,
    session: st.session ?? null,
    unloaded: new Set(all.filter((k) => !(k in st.dict))),
    modified: st.isDirty(),
    hasIdentity: st.key !== undefined,
    wasDeleted: st.wasDeleted,
    attrs: Object.freeze(Object.fromEntries(all.map((k) => [k, attributeState(st, k)]))),
    mapper: st.mapper,
    object: st.obj,
  };
}

function attributeState(st: InstanceState, key: string): AttributeState {
  return {
    key,
    get value() { return (st.obj as any)[key]; },
    get loadedValue() {
      if (!(key in st.dict)) return undefined;
      return key in st.committed ? (st.committed[key] === NEVER_LOADED ? undefined : st.committed[key]) : st.dict[key];
    },
    get history() { return attributeHistory(st, key); },
  };
}
