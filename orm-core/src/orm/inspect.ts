/** inspect(obj): the object's state (transient / pending / persistent / deleted / detached) and identity. */
import { ArgumentError } from "../errors/errors";
import { ormKind } from "../util/kind";
import type { Engine } from "../engine/engine";
import { stateOf } from "./instance-state";
import { mapperOf } from "./mapper";

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
  const all = [...st.mapper.columnPropByKey.keys(), ...st.mapper.relationshipKeys];
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
  };
}
