/**
 * `func.count()`, `func.max(User.age)`, any SQL function by name; `exists()`.
 */
import { ArgumentError } from "../errors/errors";
import { Float, Integer, NullType, String as StringType, type TypeEngine } from "../schema/types";
import { describe, toCondition, toExpr } from "./coerce";
import { ColumnElement } from "./expressions";
import { emptySelect, type ExprNode, type SelectNode } from "./nodes";

const resultTypes: Record<string, (args: ExprNode[]) => TypeEngine> = {
  count: () => Integer,
  avg: () => Float,
  length: () => Integer,
  lower: () => StringType,
  upper: () => StringType,
  trim: () => StringType,
  group_concat: () => StringType,
  random: () => Integer,
  abs: (a) => a[0]?.type ?? NullType,
};

export interface FunctionElement<T = unknown> extends ColumnElement<T> {}

type FuncFactory = <T = unknown>(...args: unknown[]) => ColumnElement<T>;

interface Func {
  /** `count()` is `count(*)`; `count(User.id)`. */
  count(expr?: unknown): ColumnElement<number>;
  max<T>(expr: ColumnElement<T>): ColumnElement<T>;
  min<T>(expr: ColumnElement<T>): ColumnElement<T>;
  sum<T>(expr: ColumnElement<T>): ColumnElement<T>;
  avg(expr: unknown): ColumnElement<number>;
  lower(expr: unknown): ColumnElement<string>;
  upper(expr: unknown): ColumnElement<string>;
  length(expr: unknown): ColumnElement<number>;
  coalesce<T>(...exprs: (T | ColumnElement<T>)[]): ColumnElement<T>;
  [name: string]: FuncFactory | ((...a: any[]) => ColumnElement<any>);
}

function makeFunction(name: string, args: unknown[]): ColumnElement<any> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ArgumentError(`func.${name}: SQL function names are letters, digits and _.`);
  const nodes: ExprNode[] = name === "count" && args.length === 0
    ? [{ kind: "literal", sql: "*", type: NullType }]
    : args.map((a) => toExpr(a, undefined, `func.${name}()`));
  const type = (resultTypes[name] ?? ((a: ExprNode[]) => a[0]?.type ?? NullType))(nodes);
  return new ColumnElement({ kind: "function", name, args: nodes, type });
}

/**
 * SQL functions by name.
 * @example
 *   select(func.count()).selectFrom(User)
 *   select(User.name, func.max(Post.id)).join(User.posts).groupBy(User.name)
 */
export const func: Func = new Proxy({} as Func, {
  get(_t, name) {
    if (typeof name !== "string") return undefined;
    return (...args: unknown[]) => makeFunction(name, args);
  },
});

/** `exists().where(...)`: EXISTS (SELECT * FROM ... WHERE ...), correlated with the enclosing query. */
export class Exists extends ColumnElement<boolean> {
  constructor(private readonly inner: SelectNode) {
    super({ kind: "exists", select: inner, type: Integer as any });
  }
  where(...conditions: unknown[]): Exists {
    return new Exists({ ...this.inner, where: [...this.inner.where, ...conditions.map((c) => toCondition(c, "exists().where()"))] });
  }
}

/**
 * `exists()` builder, or `exists(select(...))`.
 * @example select(User).where(exists().where(Post.user_id.eq(User.id)))
 */
export function exists(stmt?: { node: SelectNode }): Exists {
  if (stmt === undefined) return new Exists({ ...emptySelect(), columns: [{ kind: "literal", sql: "*", type: NullType }] });
  if (!stmt || typeof stmt !== "object" || (stmt as any).node?.kind !== "select") throw new ArgumentError(`exists() takes a select(), got ${describe(stmt)}.`);
  return new Exists(stmt.node);
}
