/**
 * insert(), update(), deleteFrom(): generative DML on a mapped class or a Table.
 * Values are keyed by attribute (or column key) and bound with the column's type.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { suggest } from "../util/suggest";
import type { TableColumn } from "../schema/table";
import { describe, toCondition, toExpr, toTableTarget, type TableTarget } from "./coerce";
import { SqlCompiler } from "./compiler";
import type { CompiledQuery } from "../engine/engine";
import type { ExprNode, InsertNode, UpdateNode, DeleteNode } from "./nodes";

function columnOf(target: TableTarget, key: string, where: string): TableColumn {
  const col = target.columnFor(key);
  if (!col) {
    const hint = suggest(key, target.keys());
    throw new ArgumentError(`${where}: ${target.label} has no column attribute ${JSON.stringify(key)}.${hint ? ` Did you mean ${JSON.stringify(hint)}?` : ` Its columns are ${target.keys().join(", ")}.`}`);
  }
  return col;
}

function checkValues(v: unknown, where: string): asserts v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Date) throw new ArgumentError(`${where} takes an object of column values, e.g. { name: "Alice" }, got ${describe(v)}.`);
}

/** Python-side column defaults, applied when a row does not give the column (as SQLAlchemy does in Core). */
function defaultFor(col: TableColumn): unknown {
  const d = col.default;
  return typeof d === "function" ? (d as () => unknown)() : d;
}

abstract class DmlBase {
  abstract get node(): InsertNode | UpdateNode | DeleteNode;
  /** The class or Table this statement writes. */
  abstract get target(): TableTarget;
  compile(): CompiledQuery { return SqlCompiler.compile(this.node); }
  toString(): string { return this.compile().sql; }
}

export class Insert extends DmlBase {
  constructor(
    readonly target: TableTarget, private readonly rows: readonly Record<string, unknown>[], private readonly extra: Partial<InsertNode> = {}, readonly returningRaw: readonly unknown[] = [],
    /** Values every row gets, read when the statement is compiled (a write-only collection's parent key). */
    private readonly presets: Readonly<Record<string, () => unknown>> = {},
  ) { super(); }
  get [ormKind](): "Insert" { return "Insert"; }

  /** One object, or a list of objects for a multi-row INSERT. */
  values(values: Record<string, unknown> | readonly Record<string, unknown>[]): Insert {
    const rows = Array.isArray(values) ? values : [values];
    rows.forEach((r) => checkValues(r, "insert().values()"));
    return new Insert(this.target, [...this.rows, ...rows], this.extra, this.returningRaw, this.presets);
  }
  returning(...cols: unknown[]): Insert {
    return new Insert(this.target, this.rows, { ...this.extra, returning: cols.flatMap((c) => returningNodes(c)) }, cols, this.presets);
  }
  /** SQLite upsert: ON CONFLICT (...) DO NOTHING. */
  onConflictDoNothing(opts: { indexElements?: string[] } = {}): Insert {
    return new Insert(this.target, this.rows, { ...this.extra, onConflict: { target: (opts.indexElements ?? []).map((k) => columnOf(this.target, k, "onConflictDoNothing()")) } }, this.returningRaw, this.presets);
  }
  /** SQLite upsert: ON CONFLICT (...) DO UPDATE SET ...; `excluded(key)` refers to the proposed row. */
  onConflictDoUpdate(opts: { indexElements: string[]; set: Record<string, unknown>; where?: unknown }): Insert {
    checkValues(opts?.set, "onConflictDoUpdate({ set })");
    const target = opts.indexElements.map((k) => columnOf(this.target, k, "onConflictDoUpdate()"));
    const set = Object.entries(opts.set).map(([k, v]) => {
      const col = columnOf(this.target, k, "onConflictDoUpdate({ set })");
      return [col, toExpr(v, col.type, `onConflictDoUpdate({ set: ${k} })`)] as const;
    });
    return new Insert(this.target, this.rows, { ...this.extra, onConflict: { target, set, ...(opts.where ? { where: toCondition(opts.where, "onConflictDoUpdate({ where })") } : {}) } }, this.returningRaw, this.presets);
  }
  /**
   * @internal Values given to every row (over the row's own), each read when the statement is
   * compiled: WriteOnlyCollection.insert() presets the parent's key this way.
   */
  withPresets(presets: Record<string, () => unknown>): Insert {
    for (const k of Object.keys(presets)) columnOf(this.target, k, "insert()");
    return new Insert(this.target, this.rows, this.extra, this.returningRaw, { ...this.presets, ...presets });
  }
  /** The values of the rows, as given, with any preset values (the ORM uses these for returning()). */
  get rowValues(): readonly Record<string, unknown>[] {
    const keys = Object.keys(this.presets);
    if (keys.length === 0) return this.rows;
    const fixed: Record<string, unknown> = {};
    for (const k of keys) fixed[k] = this.presets[k]!();
    return (this.rows.length ? this.rows : [{}]).map((r) => ({ ...r, ...fixed }));
  }

  get node(): InsertNode {
    const table = this.target.table;
    const keys: string[] = [];
    const allRows = this.rowValues;
    for (const r of allRows) for (const k of Object.keys(r)) if (r[k] !== undefined && !keys.includes(k)) keys.push(k);
    const cols = keys.map((k) => columnOf(this.target, k, "insert().values()"));
    const withDefaults = table.columns.filter((c) => c.default !== undefined && !cols.includes(c));
    const allCols = [...cols, ...withDefaults];
    const rows: ExprNode[][] = allRows.map((r) => [
      ...keys.map((k, i) => toExpr(r[k] === undefined ? defaultFor(cols[i]!) ?? null : r[k], cols[i]!.type, `insert().values({ ${k} })`)),
      ...withDefaults.map((c) => toExpr(defaultFor(c) ?? null, c.type, `default of ${c.fullname}`)),
    ]);
    return { kind: "insert", table, columns: allCols, rows, returning: [], defaultValues: allCols.length === 0, ...this.extra };
  }
}

export class Update extends DmlBase {
  constructor(readonly target: TableTarget, private readonly state: { set: Record<string, unknown>; where: ExprNode[]; returning: ExprNode[] }, readonly returningRaw: readonly unknown[] = []) { super(); }
  get [ormKind](): "Update" { return "Update"; }
  where(...conditions: unknown[]): Update {
    return new Update(this.target, { ...this.state, where: [...this.state.where, ...conditions.map((c) => toCondition(c, "update().where()"))] }, this.returningRaw);
  }
  filterBy(criteria: Record<string, unknown>): Update {
    checkValues(criteria, "update().filterBy()");
    return this.where(...Object.entries(criteria).map(([k, v]) => columnOf(this.target, k, "update().filterBy()").eq(v as any)));
  }
  values(values: Record<string, unknown>): Update {
    checkValues(values, "update().values()");
    for (const k of Object.keys(values)) columnOf(this.target, k, "update().values()");
    return new Update(this.target, { ...this.state, set: { ...this.state.set, ...values } }, this.returningRaw);
  }
  returning(...cols: unknown[]): Update { return new Update(this.target, { ...this.state, returning: cols.flatMap(returningNodes) }, cols); }
  /** The new values by attribute key (the ORM uses them to synchronize the session). */
  get setValues(): Readonly<Record<string, unknown>> { return this.state.set; }
  get whereNodes(): readonly ExprNode[] { return this.state.where; }
  get node(): UpdateNode {
    const entries = Object.entries(this.state.set).filter(([, v]) => v !== undefined);
    const set = entries.map(([k, v]) => {
      const col = columnOf(this.target, k, "update().values()");
      return [col, toExpr(v, col.type, `update().values({ ${k} })`)] as const;
    });
    for (const col of this.target.table.columns) {
      if (col.onupdate !== undefined && !set.some(([c]) => c === col)) {
        const v = typeof col.onupdate === "function" ? (col.onupdate as () => unknown)() : col.onupdate;
        set.push([col, toExpr(v, col.type, `onupdate of ${col.fullname}`)] as const);
      }
    }
    return { kind: "update", table: this.target.table, set, where: this.state.where, returning: this.state.returning };
  }
}

export class Delete extends DmlBase {
  constructor(readonly target: TableTarget, private readonly state: { where: ExprNode[]; returning: ExprNode[] }, readonly returningRaw: readonly unknown[] = []) { super(); }
  get [ormKind](): "Delete" { return "Delete"; }
  where(...conditions: unknown[]): Delete {
    return new Delete(this.target, { ...this.state, where: [...this.state.where, ...conditions.map((c) => toCondition(c, "deleteFrom().where()"))] }, this.returningRaw);
  }
  filterBy(criteria: Record<string, unknown>): Delete {
    checkValues(criteria, "deleteFrom().filterBy()");
    return this.where(...Object.entries(criteria).map(([k, v]) => columnOf(this.target, k, "deleteFrom().filterBy()").eq(v as any)));
  }
  returning(...cols: unknown[]): Delete { return new Delete(this.target, { ...this.state, returning: cols.flatMap(returningNodes) }, cols); }
  get whereNodes(): readonly ExprNode[] { return this.state.where; }
  get node(): DeleteNode { return { kind: "delete", table: this.target.table, where: this.state.where, returning: this.state.returning }; }
}

function returningNodes(c: unknown): ExprNode[] {
  const n = toExpr(c, undefined, "returning()");
  return n.kind === "entity" ? [...n.columns] : [n];
}

/**
 * INSERT.
 * @example session.execute(insert(User).values([{ name: "A" }, { name: "B" }]))
 */
export function insert(target: unknown): Insert { return new Insert(toTableTarget(target, "insert()"), []); }
/**
 * UPDATE.
 * @example session.execute(update(User).where(User.name.eq("Bob")).values({ age: 31 }))
 */
export function update(target: unknown): Update { return new Update(toTableTarget(target, "update()"), { set: {}, where: [], returning: [] }); }
/**
 * DELETE (named deleteFrom because `delete` is a JavaScript keyword).
 * @example session.execute(deleteFrom(User).where(User.name.eq("Carol")))
 */
export function deleteFrom(target: unknown): Delete { return new Delete(toTableTarget(target, "deleteFrom()"), { where: [], returning: [] }); }
