/**
 * Compound selects (UNION / UNION ALL / INTERSECT / EXCEPT) and CTEs, after SQLAlchemy's
 * CompoundSelect and CTE. SQLite syntax: members are not parenthesized; ORDER BY / LIMIT / OFFSET
 * belong to the whole compound and name the first SELECT's columns. A member with its own
 * ORDER BY / LIMIT (or a nested compound) is wrapped as `SELECT * FROM (...)` by the compiler.
 */
import { ArgumentError } from "../errors/errors";
import { Integer } from "../schema/types";
import { suggest } from "../util/suggest";
import { bind, clauseElement, describe, fromElement, toExpr } from "./coerce";
import { ColumnElement } from "./expressions";
import { SqlCompiler, quoteIdentifier } from "./compiler";
import { Select } from "./select";
import type { CompiledQuery } from "../engine/engine";
import { emptySelect, type AliasNode, type CompoundNode, CompoundOp, CteInfo, ExprNode, FromNode, SelectNode } from "./nodes";

type Member = Select<any> | CompoundSelect<any>;

/** Hook set by the ORM so `compile()` shows the SQL the session would run (entity columns planned). */
let ormCompile: ((s: CompoundSelect<any>) => CompiledQuery) | undefined;
/** @internal */ export function setCompoundOrmCompiler(fn: (s: CompoundSelect<any>) => CompiledQuery): void { ormCompile = fn; }

/** The columns a select or compound exports, by name, with their types (the first SELECT's, for a compound). */
export function exportedColumns(node: SelectNode | CompoundNode): { name: string; type: ExprNode["type"] }[] {
  if (node.kind === "compound") return exportedColumns(node.selects[0]!);
  const out: { name: string; type: ExprNode["type"] }[] = [];
  for (const col of node.columns) {
    if (col.kind === "entity") { for (const c of col.columns) out.push({ name: c.column.name, type: c.type }); continue; }
    const name = col.kind === "label" || col.kind === "subquery_column" ? col.name : col.kind === "column" ? col.column.name : undefined;
    if (name !== undefined) out.push({ name, type: col.type });
  }
  return out;
}

function asMember(x: unknown, where: string): Member {
  if (x instanceof Select || x instanceof CompoundSelect) return x;
  throw new ArgumentError(`${where} takes select() statements, got ${describe(x)}.`);
}

function make<R extends readonly unknown[]>(op: CompoundOp, members: readonly unknown[], where: string): CompoundSelect<R> {
  if (members.length < 2) throw new ArgumentError(`${where} needs at least two selects, e.g. ${where.replace("()", "")}(select(User.name), select(Address.email)).`);
  const ms = members.map((m) => asMember(m, where));
  checkWidths(ms.map((m) => m.node), where);
  return new CompoundSelect<R>(op, ms, [], undefined, undefined);
}

function checkWidths(nodes: readonly (SelectNode | CompoundNode)[], where: string): void {
  const widths = nodes.map(exportedWidth);
  if (widths.some((w) => w !== widths[0])) {
    throw new ArgumentError(`${where}: every SELECT of a compound must have the same number of columns; got ${widths.join(", ")}.`);
  }
}

function exportedWidth(node: SelectNode | CompoundNode): number {
  if (node.kind === "compound") return exportedWidth(node.selects[0]!);
  return node.columns.reduce((n, c) => n + (c.kind === "entity" ? c.columns.length : 1), 0);
}

/** `SELECT ... UNION SELECT ...`. @example union(select(User.name).where(a), select(User.name).where(b)).orderBy("name") */
export function union<R extends readonly unknown[]>(first: Select<R> | CompoundSelect<R>, ...rest: Member[]): CompoundSelect<R> { return make("UNION", [first, ...rest], "union()"); }
/** `UNION ALL`: keeps duplicate rows. */
export function unionAll<R extends readonly unknown[]>(first: Select<R> | CompoundSelect<R>, ...rest: Member[]): CompoundSelect<R> { return make("UNION ALL", [first, ...rest], "unionAll()"); }
/** `INTERSECT`: rows every SELECT returns. */
export function intersect<R extends readonly unknown[]>(first: Select<R> | CompoundSelect<R>, ...rest: Member[]): CompoundSelect<R> { return make("INTERSECT", [first, ...rest], "intersect()"); }
/** `EXCEPT`: rows of the first SELECT the others don't return (SQLAlchemy's except_). */
export function except_<R extends readonly unknown[]>(first: Select<R> | CompoundSelect<R>, ...rest: Member[]): CompoundSelect<R> { return make("EXCEPT", [first, ...rest], "except_()"); }

export class CompoundSelect<R extends readonly unknown[] = unknown[]> {
  declare readonly __result?: R;
  readonly node: CompoundNode;
  /** @internal */ constructor(readonly op: CompoundOp, readonly members: readonly Member[], orderBy: readonly ExprNode[], limit: ExprNode | undefined, offset: ExprNode | undefined) {
    this.node = Object.freeze({
      kind: "compound", op, selects: members.map((m) => m.node), orderBy,
      ...(limit ? { limit } : {}), ...(offset ? { offset } : {}),
    });
  }

  /** The result column names: the first SELECT's. */
  get columnNames(): string[] { return exportedColumns(this.node).map((c) => c.name); }

  /**
   * ORDER BY for the whole compound, by the first SELECT's column names: `orderBy("name")`,
   * `orderBy(User.name.desc())` (a column is written by its bare name, as SQLite requires).
   */
  orderBy(...clauses: unknown[]): CompoundSelect<R> {
    const names = this.columnNames;
    const order = clauses.map((c) => {
      if (typeof c === "string") {
        if (!names.includes(c)) {
          const hint = suggest(c, names);
          throw new ArgumentError(`orderBy(): this compound select has no column ${JSON.stringify(c)}.${hint ? ` Did you mean ${JSON.stringify(hint)}?` : ""} Its columns are ${names.join(", ")}.`);
        }
        return { kind: "text", sql: quoteIdentifier(c), type: Integer } as ExprNode;
      }
      return bare(toExpr(c, undefined, "orderBy()"));
    });
    return new CompoundSelect<R>(this.op, this.members, [...this.node.orderBy, ...order], this.node.limit, this.node.offset);
  }
  limit(n: number | null): CompoundSelect<R> { return new CompoundSelect<R>(this.op, this.members, this.node.orderBy, n === null ? undefined : count(n, "limit"), this.node.offset); }
  offset(n: number | null): CompoundSelect<R> { return new CompoundSelect<R>(this.op, this.members, this.node.orderBy, this.node.limit, n === null ? undefined : count(n, "offset")); }

  union(...others: Member[]): CompoundSelect<R> { return this.extend("UNION", others, "union()"); }
  unionAll(...others: Member[]): CompoundSelect<R> { return this.extend("UNION ALL", others, "unionAll()"); }
  intersect(...others: Member[]): CompoundSelect<R> { return this.extend("INTERSECT", others, "intersect()"); }
  except_(...others: Member[]): CompoundSelect<R> { return this.extend("EXCEPT", others, "except_()"); }
  private extend(op: CompoundOp, others: readonly Member[], where: string): CompoundSelect<R> {
    // Same operator, nothing applied to the whole yet: one flat compound, as SQL reads left to right.
    const flat = op === this.op && !this.node.orderBy.length && !this.node.limit && !this.node.offset;
    return make<R>(op, flat ? [...this.members, ...others] : [this, ...others], where);
  }

  /** A named subquery of the compound: `const u = union(a, b).subquery("u"); select(u.c.name)`. */
  subquery(name?: string): NamedSelect { return new NamedSelect(this.node, name ?? `anon_${++anonCount}`); }
  /** A CTE of the compound. */
  cte(name?: string, options: { recursive?: boolean } = {}): CTE { return new CTE(this.node, name ?? `anon_${++anonCount}`, !!options.recursive); }

  /**
   * As a value: `User.id.in(union(a, b))`, `(SELECT ...)` in a column list. Written
   * `(SELECT * FROM (a UNION b) AS anon_1)`, since SQLite takes no compound in those places otherwise.
   */
  [clauseElement](): ExprNode {
    const from: AliasNode = Object.freeze({ kind: "alias", name: `anon_${++anonCount}`, element: this.node });
    const wrapped: SelectNode = { ...emptySelect(), columns: [{ kind: "literal", sql: "*", type: Integer }], froms: [from] };
    return { kind: "scalar_subquery", select: wrapped, type: exportedColumns(this.node)[0]?.type ?? Integer };
  }

  /** The SQL and parameters this statement compiles to. */
  compile(): CompiledQuery { return ormCompile ? ormCompile(this) : SqlCompiler.compile(this.node); }
  toString(): string { return this.compile().sql; }
}

let anonCount = 0;

/** A subquery of a compound select: `(SELECT ... UNION SELECT ...) AS name`, columns through `.c`. */
export class NamedSelect {
  readonly node: AliasNode;
  readonly c: Record<string, ColumnElement<any>>;
  constructor(element: SelectNode | CompoundNode, readonly name: string, cte?: CteInfo) {
    this.node = Object.freeze({ kind: "alias", name, element, ...(cte ? { cte } : {}) });
    this.c = Object.create(null);
    for (const col of exportedColumns(element)) {
      if (!(col.name in this.c)) this.c[col.name] = new ColumnElement({ kind: "subquery_column", name: col.name, from: this.node, type: col.type });
    }
  }
  [fromElement](): FromNode { return this.node; }
}

/**
 * A common table expression: `WITH name AS (...)`, used like a subquery (`cte.c.id`); every CTE a
 * statement uses, however deeply, is written in the statement's one top-level WITH.
 * @example
 *   let included = select(Part.id).where(Part.id.eq(1)).cte("included", { recursive: true });
 *   included = included.unionAll(select(Part.id).where(Part.parent_id.eq(included.c.id)));
 *   select(included.c.id)
 */
export class CTE extends NamedSelect {
  readonly recursive: boolean;
  constructor(element: SelectNode | CompoundNode, name: string, recursive: boolean) {
    super(element, name, Object.freeze({ recursive, columns: exportedColumns(element).map((c) => c.name) }));
    this.recursive = recursive;
  }
  /** The recursive pattern: this CTE's query UNION ALL the recursive member (which reads `this.c`). */
  unionAll(...others: Member[]): CTE { return this.compound("UNION ALL", others, "unionAll()"); }
  union(...others: Member[]): CTE { return this.compound("UNION", others, "union()"); }
  private compound(op: CompoundOp, others: readonly Member[], where: string): CTE {
    const nodes = [this.node.element as SelectNode | CompoundNode, ...others.map((m) => asMember(m, where).node)];
    checkWidths(nodes, where);
    return new CTE(Object.freeze({ kind: "compound", op, selects: nodes, orderBy: [] }), this.name, this.recursive);
  }
}

function bare(n: ExprNode): ExprNode {
  switch (n.kind) {
    case "column": return { kind: "text", sql: quoteIdentifier(n.column.name), type: n.type };
    case "subquery_column": case "label": return { kind: "text", sql: quoteIdentifier(n.name), type: n.type };
    case "unary": return { ...n, element: bare(n.element) };
    case "entity": throw new ArgumentError("orderBy() of a compound select takes columns, not an entity: orderBy(User.name) or orderBy(\"name\").");
    default: return n;
  }
}

function count(n: unknown, what: string): ExprNode {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new ArgumentError(`${what}() takes a non-negative integer, got ${describe(n)}.`);
  return bind(n, Integer);
}
