/**
 * Column expressions and their operators: `User.age.gt(28)`, `User.name.like("A%")`,
 * `and(...)`, `or(...)`, `not(...)`. Every value becomes a bound parameter.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { Boolean as BooleanType, Integer, NullType, String as StringType, type TypeEngine } from "../schema/types";
import { clauseElement, describe, NULL, toCondition, toExpr } from "./coerce";
import type { ExprNode, BinaryNode, LabelNode, UnaryNode } from "./nodes";

const boolType = BooleanType as TypeEngine<boolean>;

function binary(op: string, left: ExprNode, right: ExprNode, type: TypeEngine = boolType): BinaryNode {
  return { kind: "binary", op, left, right, type };
}
function unary(element: ExprNode, parts: { prefix?: string; postfix?: string }, type: TypeEngine = boolType): UnaryNode {
  return { kind: "unary", element, type, ...parts };
}

/** A SQL expression with a JS value type `T`. Immutable; every operator returns a new expression. */
export class ColumnElement<T = unknown> {
  declare readonly __value?: T;
  constructor(readonly node: ExprNode) {}
  get [ormKind](): "ColumnElement" { return "ColumnElement"; }
  [clauseElement](): ExprNode { return this.node; }
  get type(): TypeEngine<T> { return this.node.type as TypeEngine<T>; }

  private operand(other: unknown, op: string): ExprNode { return toExpr(other, this.node.type, `${op}()`); }
  private cmp(op: string, other: unknown, name: string): ColumnElement<boolean> {
    return new ColumnElement(binary(op, this.node, this.operand(other, name)));
  }

  /** `=`; `eq(null)` renders `IS NULL` as SQLAlchemy's `== None` does. */
  eq(other: T | null | ColumnElement<any>): ColumnElement<boolean> {
    return other === null ? this.isNull() : this.cmp("=", other, "eq");
  }
  ne(other: T | null | ColumnElement<any>): ColumnElement<boolean> {
    return other === null ? this.isNotNull() : this.cmp("!=", other, "ne");
  }
  lt(other: T | ColumnElement<any>) { return this.cmp("<", other, "lt"); }
  le(other: T | ColumnElement<any>) { return this.cmp("<=", other, "le"); }
  gt(other: T | ColumnElement<any>) { return this.cmp(">", other, "gt"); }
  ge(other: T | ColumnElement<any>) { return this.cmp(">=", other, "ge"); }

  in(values: readonly (T | null)[] | { [clauseElement](): ExprNode }): ColumnElement<boolean> { return this.inOp("IN", values); }
  notIn(values: readonly (T | null)[] | { [clauseElement](): ExprNode }): ColumnElement<boolean> { return this.inOp("NOT IN", values); }
  private inOp(op: "IN" | "NOT IN", values: unknown): ColumnElement<boolean> {
    const name = op === "IN" ? "in" : "notIn";
    if (!Array.isArray(values)) {
      if (values !== null && typeof values === "object" && clauseElement in (values as object)) {
        return new ColumnElement(binary(op, this.node, (values as any)[clauseElement]()));
      }
      throw new ArgumentError(`${name}() takes an array of values or a subquery, got ${describe(values)}.`);
    }
    if (values.length === 0) {
      // SQLAlchemy's "empty IN": always false (NOT IN: always true), still valid SQL.
      return new ColumnElement(binary(op === "IN" ? "!=" : "=", { kind: "literal", sql: "1", type: Integer }, { kind: "literal", sql: "1", type: Integer }));
    }
    const items = values.map((v) => this.operand(v, name));
    return new ColumnElement(binary(op, this.node, { kind: "grouping", element: { kind: "clauselist", op: ",", clauses: items, type: NullType }, type: NullType }));
  }

  like(pattern: string | ColumnElement<string>, escape?: string) { return this.likeOp("LIKE", pattern, escape); }
  notLike(pattern: string | ColumnElement<string>, escape?: string) { return this.likeOp("NOT LIKE", pattern, escape); }
  /** Case-insensitive LIKE: `lower(x) LIKE lower(?)`, as SQLAlchemy renders it on SQLite. */
  ilike(pattern: string | ColumnElement<string>): ColumnElement<boolean> {
    const lower = (n: ExprNode): ExprNode => ({ kind: "function", name: "lower", args: [n], type: StringType });
    return new ColumnElement(binary("LIKE", lower(this.node), lower(this.operand(pattern, "ilike"))));
  }
  private likeOp(op: string, pattern: unknown, escape?: string): ColumnElement<boolean> {
    if (typeof pattern !== "string" && !(pattern instanceof ColumnElement)) throw new ArgumentError(`invalid operand for ${op.toLowerCase()}(): ${describe(pattern)}. Pass a pattern string such as "A%".`);
    const right = toExpr(pattern, StringType, op.toLowerCase());
    const node = binary(op, this.node, right);
    return new ColumnElement(escape === undefined ? node : binary("ESCAPE", node, toExpr(escape, StringType)));
  }
  /** `x LIKE ? || '%'` with the prefix bound; `%` and `_` in it stay wildcards unless `autoescape`. */
  startswith(prefix: string, opts?: { autoescape?: boolean }) { return this.affix(prefix, false, true, opts?.autoescape, "startswith"); }
  endswith(suffix: string, opts?: { autoescape?: boolean }) { return this.affix(suffix, true, false, opts?.autoescape, "endswith"); }
  contains(part: string, opts?: { autoescape?: boolean }) { return this.affix(part, true, true, opts?.autoescape, "contains"); }
  private affix(value: unknown, before: boolean, after: boolean, autoescape: boolean | undefined, name: string): ColumnElement<boolean> {
    if (typeof value !== "string" && !(value instanceof ColumnElement)) throw new ArgumentError(`invalid operand for ${name}(): ${describe(value)}. Pass a string.`);
    let v = value as unknown;
    if (autoescape && typeof v === "string") v = v.replace(/[/%_]/g, (c) => "/" + c);
    const pct = { kind: "bind", value: "%", type: StringType } as const;
    let right: ExprNode = toExpr(v, StringType, name);
    if (before) right = binary("||", pct, right, StringType);
    if (after) right = binary("||", right, pct, StringType);
    const like = binary("LIKE", this.node, right);
    return new ColumnElement(autoescape ? binary("ESCAPE", like, { kind: "bind", value: "/", type: StringType }) : like);
  }
  between(low: T | ColumnElement<any>, high: T | ColumnElement<any>): ColumnElement<boolean> {
    return new ColumnElement(binary("BETWEEN", this.node, { kind: "clauselist", op: "AND", clauses: [this.operand(low, "between"), this.operand(high, "between")], type: NullType }));
  }
  /** `is(null)` → IS NULL; `is(true)` → IS 1. */
  is(other: T | null): ColumnElement<boolean> { return new ColumnElement(binary("IS", this.node, other === null ? NULL : this.operand(other, "is"))); }
  isNot(other: T | null): ColumnElement<boolean> { return new ColumnElement(binary("IS NOT", this.node, other === null ? NULL : this.operand(other, "isNot"))); }
  isNull(): ColumnElement<boolean> { return new ColumnElement(binary("IS", this.node, NULL)); }
  isNotNull(): ColumnElement<boolean> { return new ColumnElement(binary("IS NOT", this.node, NULL)); }

  add(other: T | ColumnElement<any>): ColumnElement<T> { return new ColumnElement(binary("+", this.node, this.operand(other, "add"), this.node.type)); }
  sub(other: T | ColumnElement<any>): ColumnElement<T> { return new ColumnElement(binary("-", this.node, this.operand(other, "sub"), this.node.type)); }
  mul(other: T | ColumnElement<any>): ColumnElement<T> { return new ColumnElement(binary("*", this.node, this.operand(other, "mul"), this.node.type)); }
  div(other: T | ColumnElement<any>): ColumnElement<T> { return new ColumnElement(binary("/", this.node, this.operand(other, "div"), this.node.type)); }
  mod(other: T | ColumnElement<any>): ColumnElement<T> { return new ColumnElement(binary("%", this.node, this.operand(other, "mod"), this.node.type)); }
  concat(other: string | ColumnElement<any>): ColumnElement<string> { return new ColumnElement(binary("||", this.node, this.operand(other, "concat"), StringType)); }
  neg(): ColumnElement<T> { return new ColumnElement(unary(this.node, { prefix: "-" }, this.node.type)); }

  desc(): ColumnElement<T> { return new ColumnElement(unary(this.node, { postfix: "DESC" }, this.node.type)); }
  asc(): ColumnElement<T> { return new ColumnElement(unary(this.node, { postfix: "ASC" }, this.node.type)); }
  nullsFirst(): ColumnElement<T> { return this.nulls("NULLS FIRST"); }
  nullsLast(): ColumnElement<T> { return this.nulls("NULLS LAST"); }
  /** `x NULLS LAST`, and `x DESC NULLS LAST` for an ordering already given (not `(x DESC) NULLS LAST`). */
  private nulls(which: "NULLS FIRST" | "NULLS LAST"): ColumnElement<T> {
    const n = this.node;
    if (n.kind === "unary" && (n.postfix === "DESC" || n.postfix === "ASC")) return new ColumnElement(unary(n.element, { postfix: `${n.postfix} ${which}` }, n.type));
    return new ColumnElement(unary(n, { postfix: which }, n.type));
  }
  label(name: string): ColumnElement<T> {
    if (typeof name !== "string" || name === "") throw new ArgumentError(`label() needs a non-empty name, got ${describe(name)}.`);
    const node: LabelNode = { kind: "label", name, element: this.node, type: this.node.type };
    return new ColumnElement(node);
  }
  cast<U>(type: TypeEngine<U>): ColumnElement<U> { return new ColumnElement({ kind: "cast", element: this.node, type }); }
  collate(collation: string): ColumnElement<T> {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(collation)) throw new ArgumentError(`collate() takes a collation name such as "NOCASE", got ${describe(collation)}.`);
    return new ColumnElement(unary(this.node, { postfix: `COLLATE ${collation}` }, this.node.type));
  }
}

/** Node builders for the conditions the ORM writes itself (join keys, key matches): `left = right`. */
export function eqNode(left: ExprNode, right: ExprNode): ExprNode { return binary("=", left, right); }
/** The AND of conditions (one condition stays as it is). */
export function allOf(conditions: readonly ExprNode[]): ExprNode {
  return conditions.length === 1 ? conditions[0]! : { kind: "clauselist", op: "AND", clauses: conditions, type: boolType };
}

function conjunction(op: "AND" | "OR", conditions: unknown[]): ColumnElement<boolean> {
  const clauses = conditions.map((c) => toCondition(c, `${op.toLowerCase()}()`));
  if (clauses.length === 1) return new ColumnElement(clauses[0]!);
  return new ColumnElement({ kind: "clauselist", op, clauses, type: boolType });
}
/** `and(a, b, ...)`: all conditions hold. */
export function and(...conditions: unknown[]): ColumnElement<boolean> { return conjunction("AND", conditions); }
/** `or(a, b, ...)`: any condition holds. */
export function or(...conditions: unknown[]): ColumnElement<boolean> { return conjunction("OR", conditions); }
/** `not(cond)`: negation. */
export function not(condition: unknown): ColumnElement<boolean> {
  return new ColumnElement(unary(toCondition(condition, "not()"), { prefix: "NOT" }));
}
/** A literal value as an expression, bound as a parameter. */
export function literal<T>(value: T, type?: TypeEngine<T>): ColumnElement<T> {
  return new ColumnElement(toExpr(value, type, "literal()"));
}
/** Raw SQL text. Never put user input in it: use bound values instead. */
export function text(sql: string): ColumnElement<unknown> {
  if (typeof sql !== "string") throw new ArgumentError(`text() takes a SQL string, got ${describe(sql)}.`);
  return new ColumnElement({ kind: "text", sql, type: NullType });
}
/** `desc(User.name)` / `asc(...)` as functions. */
export function desc<T>(e: ColumnElement<T>): ColumnElement<T> { return e.desc(); }
export function asc<T>(e: ColumnElement<T>): ColumnElement<T> { return e.asc(); }
export function nullsFirst<T>(e: ColumnElement<T>): ColumnElement<T> { return e.nullsFirst(); }
export function nullsLast<T>(e: ColumnElement<T>): ColumnElement<T> { return e.nullsLast(); }
/** CASE WHEN ... THEN ... ELSE ... END */
export function case_<T>(whens: readonly (readonly [unknown, T | ColumnElement<T>])[], opts?: { else?: T | ColumnElement<T> }): ColumnElement<T> {
  const w = whens.map(([c, v]) => [toCondition(c, "case()"), toExpr(v, undefined, "case()")] as const);
  const type = (w[0]?.[1].type ?? NullType) as TypeEngine;
  return new ColumnElement({ kind: "case", whens: w, ...(opts && "else" in opts ? { else: toExpr(opts.else, type, "case()") } : {}), type });
}
export function cast<T>(e: unknown, type: TypeEngine<T>): ColumnElement<T> { return new ColumnElement({ kind: "cast", element: toExpr(e), type }); }
