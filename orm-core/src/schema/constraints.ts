/**
 * ForeignKey, UniqueConstraint, Index, CheckConstraint: declarations that a
 * Table resolves against its columns (table.ts) and ddl.ts renders.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { describe } from "../sql/coerce";
import type { TableColumn } from "./table";

export type ReferentialAction = "CASCADE" | "SET NULL" | "SET DEFAULT" | "RESTRICT" | "NO ACTION";
const actions = new Set(["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"]);

export interface ForeignKeyOptions { ondelete?: ReferentialAction; onupdate?: ReferentialAction; name?: string }

/** `ForeignKey("users.id")`: names the SQL table and column, resolved when the tables are known. */
export interface ForeignKeySpec {
  readonly [ormKind]: "ForeignKey";
  /** "table.column" as written, or the referenced column object. */
  readonly target: string | TableColumn;
  readonly options: ForeignKeyOptions;
}

export function ForeignKey(target: string | TableColumn, options: ForeignKeyOptions = {}): ForeignKeySpec {
  if (typeof target === "string") {
    if (!/^[^.]+\.[^.]+$/.test(target)) throw new ArgumentError(`ForeignKey(${JSON.stringify(target)}) must name "table.column", e.g. ForeignKey("users.id").`);
  } else if (!(target && (target as any)[ormKind] === "Column")) {
    throw new ArgumentError(`ForeignKey() takes "table.column" or a table's column, got ${describe(target)}.`);
  }
  for (const key of ["ondelete", "onupdate"] as const) {
    const v = options[key];
    if (v !== undefined && !actions.has(String(v).toUpperCase())) throw new ArgumentError(`ForeignKey ${key}: ${JSON.stringify(v)} is not one of ${[...actions].join(", ")}.`);
  }
  return Object.freeze({ [ormKind]: "ForeignKey" as const, target, options: { ...options } });
}

export function isForeignKeySpec(x: unknown): x is ForeignKeySpec {
  return typeof x === "object" && x !== null && (x as any)[ormKind] === "ForeignKey";
}

/** A foreign key attached to its column; `column` is the referencing column. */
export interface ForeignKeyObj {
  readonly parent: TableColumn;
  /** "table.column" */
  readonly targetFullname: string;
  readonly options: ForeignKeyOptions;
  /** The referenced column; throws ORM104/ORM105-coded errors when it cannot be found. */
  readonly column: TableColumn;
}

export type ConstraintSpec =
  | { readonly [ormKind]: "Constraint"; readonly kind: "unique"; readonly columns: readonly (string | TableColumn)[]; readonly name?: string }
  | { readonly [ormKind]: "Constraint"; readonly kind: "check"; readonly sql: string; readonly name?: string }
  | { readonly [ormKind]: "Constraint"; readonly kind: "index"; readonly name: string; readonly columns: readonly (string | TableColumn)[]; readonly unique: boolean };

function nameOpt(args: unknown[]): { name?: string; unique?: boolean } {
  const last = args[args.length - 1];
  return last && typeof last === "object" && !((last as any)[ormKind]) ? (args.pop() as any) : {};
}
function columnArgs(args: unknown[], what: string): (string | TableColumn)[] {
  if (args.length === 0) throw new ArgumentError(`${what}() needs at least one column.`);
  for (const a of args) if (typeof a !== "string" && (a as any)?.[ormKind] !== "Column") throw new ArgumentError(`${what}() takes column names or columns, got ${describe(a)}.`);
  return args as (string | TableColumn)[];
}

/** `UniqueConstraint("a", "b", { name })` */
export function UniqueConstraint(...args: (string | TableColumn | { name?: string })[]): ConstraintSpec {
  const opts = nameOpt(args);
  return Object.freeze({ [ormKind]: "Constraint" as const, kind: "unique" as const, columns: columnArgs(args, "UniqueConstraint"), ...(opts.name ? { name: opts.name } : {}) });
}
/** `CheckConstraint("age >= 0", { name })`: the SQL text is trusted schema, never user data. */
export function CheckConstraint(sql: string, opts: { name?: string } = {}): ConstraintSpec {
  if (typeof sql !== "string" || !sql.trim()) throw new ArgumentError(`CheckConstraint() takes SQL text such as "age >= 0", got ${describe(sql)}.`);
  return Object.freeze({ [ormKind]: "Constraint" as const, kind: "check" as const, sql, ...(opts.name ? { name: opts.name } : {}) });
}
/** `Index("ix_users_name", "name", { unique })` */
export function Index(name: string, ...args: (string | TableColumn | { unique?: boolean })[]): ConstraintSpec {
  if (typeof name !== "string" || !name) throw new ArgumentError(`Index() needs a name first: Index("ix_users_name", "name").`);
  const opts = nameOpt(args);
  return Object.freeze({ [ormKind]: "Constraint" as const, kind: "index" as const, name, columns: columnArgs(args, "Index"), unique: !!opts.unique });
}
export function isConstraintSpec(x: unknown): x is ConstraintSpec {
  return typeof x === "object" && x !== null && (x as any)[ormKind] === "Constraint";
}
