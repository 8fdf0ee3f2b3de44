/**
 * Turns the user's arguments (`User.name`, `"Alice"`, `null`, `{ name: "Alice" }`)
 * into nodes. The only place that rejects bad operands, so builders stay thin.
 */
import { ArgumentError } from "../errors/errors";
import { NullType, typeForValue, Boolean as BooleanType, type TypeEngine } from "../schema/types";
import type { BindNode, ExprNode, FromNode, LiteralNode } from "./nodes";

/** Objects that stand for an expression (mapped classes, attributes, columns) implement this. */
export const clauseElement: unique symbol = Symbol.for("orm-core.clauseElement") as never;
/** Objects that can stand in a FROM clause (tables, mapped classes, subqueries) implement this. */
export const fromElement: unique symbol = Symbol.for("orm-core.fromElement") as never;

export interface HasClauseElement { [clauseElement](): ExprNode }
export interface HasFromElement { [fromElement](): FromNode }

export const NULL: LiteralNode = Object.freeze({ kind: "literal", sql: "NULL", type: NullType });

export function hasClauseElement(x: unknown): x is HasClauseElement {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as any)[clauseElement] === "function";
}
export function hasFromElement(x: unknown): x is HasFromElement {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as any)[fromElement] === "function";
}

export function describe(x: unknown): string {
  if (x === undefined) return "undefined";
  if (typeof x === "function") return `function ${(x as any).name || "(anonymous)"}`;
  if (typeof x === "symbol") return x.toString();
  if (typeof x === "bigint") return `${x}n`;
  try {
    const s = JSON.stringify(x);
    return s === undefined ? String(x) : s.length > 60 ? s.slice(0, 57) + "..." : s;
  } catch {
    return Object.prototype.toString.call(x);
  }
}

const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;
/**
 * The last check before a value reaches SQLite (after the column type converted it): only
 * null, numbers, strings, 64-bit bigints and bytes can be bound. Anything else is the caller's
 * mistake, reported as ArgumentError before any SQL runs.
 */
export function checkBindable(v: unknown, where: string): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "string": case "number": return v;
    case "boolean": return v ? 1 : 0;
    case "bigint":
      if (v < INT64_MIN || v > INT64_MAX) throw new ArgumentError(`${where}: ${v}n does not fit SQLite's 64-bit integers; store it as a String or Numeric.`);
      return v;
    case "object":
      if (v instanceof Uint8Array) return v;
      break;
  }
  throw new ArgumentError(`${where}: can't store ${describe(v)} (${v instanceof Date ? "a Date needs a DateTime or Date column" : typeof v}); the column's type takes strings, numbers, booleans, bigints or bytes — use a JSON column for objects.`);
}

export function bind(value: unknown, type: TypeEngine = typeForValue(value)): BindNode {
  return { kind: "bind", value, type };
}

/**
 * A value or expression as an operand. `type` is the other side's type, so a
 * literal compared with a column is bound (and converted) as that column's type.
 */
export function toExpr(x: unknown, type?: TypeEngine, where = "expression"): ExprNode {
  if (hasClauseElement(x)) return x[clauseElement]();
  if (x === null) return NULL;
  switch (typeof x) {
    case "string":
    case "number":
    case "bigint":
    case "boolean":
      if (typeof x === "number" && Number.isNaN(x) && type?.typeName !== "Float") {
        throw new ArgumentError(`invalid operand for ${where}: NaN. Pass a real number or null.`);
      }
      return bind(x, type && type !== NullType ? type : typeForValue(x));
    case "object":
      if (x instanceof Date || x instanceof Uint8Array) return bind(x, type && type !== NullType ? type : typeForValue(x));
      if (type?.typeName === "JSON") return bind(x, type);
      break;
  }
  throw new ArgumentError(`invalid operand for ${where}: ${describe(x)}. Pass a value (string, number, boolean, Date, null) or a column expression such as User.name.`);
}

/** A condition for where()/having()/and()/or(). */
export function toCondition(x: unknown, where: string): ExprNode {
  if (hasClauseElement(x)) return x[clauseElement]();
  if (x === true || x === false) return bind(x, BooleanType);
  throw new ArgumentError(`${where} takes conditions such as User.name.eq("Alice"), got ${describe(x)}.`);
}

export function toFrom(x: unknown, where: string): FromNode {
  if (hasFromElement(x)) return x[fromElement]();
  throw new ArgumentError(`${where} takes a table, a mapped class or a subquery, got ${describe(x)}.`);
}

/** What a DML statement or filterBy() needs of its target: the table and attribute → column. */
export interface TableTarget {
  readonly table: import("../schema/table").TableObject;
  readonly from: FromNode;
  /** The class or table, for messages. */
  readonly label: string;
  /** The column (or expression) for an attribute key, or undefined. */
  columnFor(key: string): import("../schema/table").TableColumn | undefined;
  expressionFor(key: string): ExprNode | undefined;
  keys(): string[];
  /** The mapped class when the target is one. */
  readonly entity?: unknown;
}
/** Mapped classes and tables implement this to be targets of insert/update/deleteFrom/filterBy. */
export const tableTarget: unique symbol = Symbol.for("orm-core.tableTarget") as never;
export function toTableTarget(x: unknown, where: string): TableTarget {
  if ((typeof x === "object" || typeof x === "function") && x !== null && typeof (x as any)[tableTarget] === "function") return (x as any)[tableTarget]();
  throw new ArgumentError(`${where} takes a mapped class or a Table, got ${describe(x)}.`);
}

/** What join() needs of `User.posts`: the target and the ON clause, from the relationship. */
export interface JoinSpec { readonly target: FromNode; readonly on: ExprNode; readonly left?: FromNode; readonly entity?: unknown }
export const joinElement: unique symbol = Symbol.for("orm-core.joinElement") as never;
export function asJoinSpec(x: unknown): JoinSpec | undefined {
  if ((typeof x === "object" || typeof x === "function") && x !== null && typeof (x as any)[joinElement] === "function") return (x as any)[joinElement]();
  return undefined;
}
