/**
 * `Column(...)`: a column declaration, not yet part of a table. Base.model()
 * and Table() turn declarations into TableColumns (table.ts). The type
 * parameters carry the facts the instance type is inferred from.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { describe } from "../sql/coerce";
import { isTypeEngine, type TypeEngine } from "./types";
import { isForeignKeySpec, type ForeignKeySpec } from "./constraints";

export interface ColumnOptions {
  primaryKey?: boolean;
  nullable?: boolean;
  /** A value or a function called at INSERT when the attribute was not set. */
  default?: unknown;
  /** SQL text for the DDL's DEFAULT clause (a string literal unless it looks like an expression). */
  serverDefault?: string | number;
  unique?: boolean;
  index?: boolean;
  /** A value or a function used at UPDATE when the attribute was not changed. */
  onupdate?: unknown;
  autoincrement?: boolean;
  comment?: string;
  /** Not loaded by queries of the class until first accessed (SQLAlchemy's deferred()). */
  deferred?: boolean;
  /** Deferred columns of one group load together when any of them is accessed. */
  deferredGroup?: string;
}

/** Whether the column can hold NULL, as SQLAlchemy decides it: primary keys and `nullable: false` cannot. */
export type NotNullOf<O> = O extends { primaryKey: true } ? true : O extends { nullable: false } ? true : false;

export interface ColumnSpec<T = unknown, NN extends boolean = boolean> {
  readonly [ormKind]: "ColumnSpec";
  /** SQL name when it differs from the attribute name. */
  readonly name: string | undefined;
  readonly type: TypeEngine<T>;
  readonly foreignKeys: readonly ForeignKeySpec[];
  readonly options: Readonly<ColumnOptions>;
  /** phantom */
  readonly __notNull?: NN;
}

type FK = ForeignKeySpec;

/**
 * Declare a column.
 * @example
 *   id: Column(Integer, { primaryKey: true })
 *   user_id: Column(Integer, ForeignKey("users.id"), { nullable: false })
 *   Column("post_id", Integer, ForeignKey("posts.id"), { primaryKey: true })  // in Table(...)
 */
export function Column<T, const O extends ColumnOptions = {}>(type: TypeEngine<T>, options?: O): ColumnSpec<T, NotNullOf<O>>;
export function Column<T, const O extends ColumnOptions = {}>(type: TypeEngine<T>, fk: FK, options?: O): ColumnSpec<T, NotNullOf<O>>;
export function Column<T, const O extends ColumnOptions = {}>(type: TypeEngine<T>, fk: FK, fk2: FK, options?: O): ColumnSpec<T, NotNullOf<O>>;
export function Column<T, const O extends ColumnOptions = {}>(name: string, type: TypeEngine<T>, options?: O): ColumnSpec<T, NotNullOf<O>>;
export function Column<T, const O extends ColumnOptions = {}>(name: string, type: TypeEngine<T>, fk: FK, options?: O): ColumnSpec<T, NotNullOf<O>>;
export function Column<T, const O extends ColumnOptions = {}>(name: string, type: TypeEngine<T>, fk: FK, fk2: FK, options?: O): ColumnSpec<T, NotNullOf<O>>;
export function Column(...args: unknown[]): ColumnSpec<unknown, boolean> {
  let name: string | undefined;
  if (typeof args[0] === "string") {
    name = args.shift() as string;
    if (!name) throw new ArgumentError(`Column() name must not be empty.`);
  }
  const type = args.shift();
  if (!isTypeEngine(type)) {
    throw new ArgumentError(`Column() needs a type first (Integer, String(50), ...), got ${describe(type)}. Example: Column(Integer, { primaryKey: true }).`);
  }
  const foreignKeys: ForeignKeySpec[] = [];
  let options: ColumnOptions = {};
  args.forEach((a, i) => {
    if (isForeignKeySpec(a)) foreignKeys.push(a);
    else if (i === args.length - 1 && a !== null && typeof a === "object" && !(ormKind in (a as object))) options = a as ColumnOptions;
    else if (a !== undefined) throw new ArgumentError(`Column() takes a type, ForeignKey(...)s, then an options object; got ${describe(a)} in position ${i + 1}.`);
  });
  const known = new Set(["primaryKey", "nullable", "default", "serverDefault", "unique", "index", "onupdate", "autoincrement", "comment", "deferred", "deferredGroup"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new ArgumentError(`Column() option ${JSON.stringify(key)} is unknown; the options are ${[...known].join(", ")}.`);
  }
  return Object.freeze({ [ormKind]: "ColumnSpec" as const, name, type: type as TypeEngine, foreignKeys, options: Object.freeze({ ...options }), __notNull: undefined });
}

export function isColumnSpec(x: unknown): x is ColumnSpec {
  return typeof x === "object" && x !== null && (x as any)[ormKind] === "ColumnSpec";
}
