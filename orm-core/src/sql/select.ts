/**
 * select(): the generative SELECT. Every method returns a new statement, so a
 * statement can be kept, reused and extended. The ORM reads `entities` and
 * loader `options`; the compiler reads `node`.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { Integer } from "../schema/types";
import { suggest } from "../util/suggest";
import type { TableColumn } from "../schema/table";
import {
  asJoinSpec, bind, clauseElement, describe, fromElement, hasClauseElement, hasFromElement, tableTarget,
  toCondition, toExpr, toTableTarget, type TableTarget,
} from "./coerce";
import { ColumnElement } from "./expressions";
import { SqlCompiler, collectFroms } from "./compiler";
import type { CompiledQuery } from "../engine/engine";
import { CompoundSelect, CTE, union, unionAll, intersect, except_ } from "./compound";
import { emptySelect, type AliasNode, type ExprNode, type FromNode, type JoinClause, type SelectNode } from "./nodes";

/** The JS value a select() column yields: an entity's instance, or a column's value type. */
export type ResultOf<X> = X extends ColumnElement<infer T> ? T
  : X extends { __instance?: infer I } ? I
  : X extends abstract new (...a: any) => infer I ? I
  : unknown;
export type ResultTuple<A extends readonly unknown[]> = { -readonly [K in keyof A]: ResultOf<A[K]> };

/** Loader options are opaque here; the ORM defines them (strategy-options.ts). */
export interface StatementOption { readonly [ormKind]: "LoaderOption" }

interface SelectState {
  readonly node: SelectNode;
  /** What was passed to select(), in order (classes, attributes, expressions). */
  readonly raw: readonly unknown[];
  /** filterBy() targets: the primary entity, then each joined entity. */
  readonly filterTargets: readonly unknown[];
  readonly options: readonly StatementOption[];
  readonly executionOptions: Readonly<Record<string, unknown>>;
}

/** Hook set by the ORM so `toString()` shows the SQL the session would run (eager joins included). */
let ormCompile: ((s: Select<any>) => CompiledQuery) | undefined;
/** @internal */ export function setOrmCompiler(fn: (s: Select<any>) => CompiledQuery): void { ormCompile = fn; }

function toColumn(x: unknown): ExprNode {
  if (hasClauseElement(x)) return x[clauseElement]();
  if (hasFromElement(x)) throw new ArgumentError(`select() got a table or subquery ${describe(x)}: select its columns (table.c.name) or the mapped class.`);
  throw new ArgumentError(`select() takes mapped classes, columns or SQL expressions, got ${describe(x)}.`);
}

export class Select<R extends readonly unknown[] = unknown[]> {
  declare readonly __result?: R;
  private constructor(private readonly state: SelectState) {}
  get [ormKind](): "Select" { return "Select"; }

  /** @internal */ static create(args: readonly unknown[]): Select<any> {
    const columns: ExprNode[] = [];
    for (const a of args) {
      if (a !== null && (typeof a === "object" || typeof a === "function") && (a as any)[ormKind] === "Table") {
        columns.push(...(a as any).columns.map((c: TableColumn) => c.node));
      } else columns.push(toColumn(a));
    }
    // filterBy() acts on the selected entities, or on the entity of a selected attribute (select(User.name)).
    const hasTarget = (a: unknown) => (typeof a === "function" || typeof a === "object") && a !== null && tableTarget in (a as object);
    const targets: unknown[] = [];
    for (const a of args) {
      const t = hasTarget(a) ? a : hasTarget((a as { class?: unknown })?.class) ? (a as { class: unknown }).class : undefined;
      if (t !== undefined && !targets.includes(t)) targets.push(t);
    }
    return new Select({ node: { ...emptySelect(), columns }, raw: args, filterTargets: targets, options: [], executionOptions: {} });
  }

  get node(): SelectNode { return this.state.node; }
  /** What was passed to select(). */
  get raw(): readonly unknown[] { return this.state.raw; }
  get loaderOptions(): readonly StatementOption[] { return this.state.options; }
  get executionOptionsMap(): Readonly<Record<string, unknown>> { return this.state.executionOptions; }

  private with(node: Partial<SelectNode>, extra: Partial<SelectState> = {}): Select<R> {
    return new Select<R>({ ...this.state, ...extra, node: { ...this.state.node, ...node } });
  }

  /** Adds WHERE criteria, AND-ed with any already there. */
  where(...conditions: unknown[]): Select<R> {
    return this.with({ where: [...this.state.node.where, ...conditions.map((c) => toCondition(c, "where()"))] });
  }
  /** SQLAlchemy's legacy name for where(). */
  filter(...conditions: unknown[]): Select<R> { return this.where(...conditions); }

  /** `filterBy({ name: "Alice" })`: equality on attributes of the last joined (or the primary) entity. */
  filterBy(criteria: Record<string, unknown>): Select<R> {
    if (criteria === null || typeof criteria !== "object" || Array.isArray(criteria)) throw new ArgumentError(`filterBy() takes an object of attribute values, e.g. { name: "Alice" }, got ${describe(criteria)}.`);
    const raw = this.state.filterTargets[this.state.filterTargets.length - 1];
    if (raw === undefined) throw new ArgumentError("filterBy() needs an entity to filter: select(User).filterBy({ name: \"Alice\" }).");
    const target: TableTarget = toTableTarget(raw, "filterBy()");
    const conds = Object.entries(criteria).map(([key, value]) => {
      const expr = target.expressionFor(key);
      if (!expr) {
        const hint = suggest(key, target.keys());
        throw new ArgumentError(`filterBy(): ${target.label} has no attribute ${JSON.stringify(key)}.${hint ? ` Did you mean ${JSON.stringify(hint)}?` : ` Its attributes are ${target.keys().join(", ")}.`}`);
      }
      const col = new ColumnElement(expr);
      return col.eq(value as any).node;
    });
    return this.with({ where: [...this.state.node.where, ...conds] });
  }

  orderBy(...clauses: unknown[]): Select<R> {
    return this.with({ orderBy: [...this.state.node.orderBy, ...clauses.map((c) => toExpr(c, undefined, "orderBy()"))] });
  }
  groupBy(...clauses: unknown[]): Select<R> {
    return this.with({ groupBy: [...this.state.node.groupBy, ...clauses.map((c) => toExpr(c, undefined, "groupBy()"))] });
  }
  having(...conditions: unknown[]): Select<R> {
    return this.with({ having: [...this.state.node.having, ...conditions.map((c) => toCondition(c, "having()"))] });
  }
  limit(n: number | null): Select<R> { return this.with({ limit: n === null ? undefined : count(n, "limit") }); }
  offset(n: number | null): Select<R> { return this.with({ offset: n === null ? undefined : count(n, "offset") }); }
  distinct(): Select<R> { return this.with({ distinct: true }); }
  /** Explicit FROM entries (tables, classes, subqueries). */
  selectFrom(...froms: unknown[]): Select<R> {
    return this.with({ froms: [...this.state.node.froms, ...froms.map((f) => fromOf(f, "selectFrom()"))] });
  }

  /** INNER JOIN: `join(User.posts)`, `join(Post)` (ON from foreign keys) or `join(Post, onclause)`. */
  join(target: unknown, onclause?: unknown): Select<R> { return this.addJoin(target, onclause, false); }
  /** LEFT OUTER JOIN, with the same arguments as join(). */
  outerjoin(target: unknown, onclause?: unknown): Select<R> { return this.addJoin(target, onclause, true); }
  /** @deprecated spelling: same as outerjoin(). */
  outerJoin(target: unknown, onclause?: unknown): Select<R> { return this.addJoin(target, onclause, true); }

  private addJoin(target: unknown, onclause: unknown, isOuter: boolean): Select<R> {
    const spec = asJoinSpec(target);
    let clause: JoinClause;
    let entity: unknown = target;
    if (spec && onclause === undefined) {
      clause = { target: spec.target, on: spec.on, isOuter, ...(spec.left ? { left: spec.left } : {}) };
      entity = spec.entity;
    } else {
      const from = fromOf(target, "join()");
      const on = onclause !== undefined ? toCondition(asJoinOn(onclause), "join() ON clause") : inferOn(this.state.node, from);
      clause = { target: from, on, isOuter };
    }
    const targets = entity !== undefined && (typeof entity === "function" || typeof entity === "object") && entity !== null && tableTarget in (entity as object)
      ? [...this.state.filterTargets, entity] : this.state.filterTargets;
    return this.with({ joins: [...this.state.node.joins, clause] }, { filterTargets: targets });
  }

  /** ORM loader options: joinedload(User.posts), selectinload(...), ... */
  options(...opts: StatementOption[]): Select<R> {
    for (const o of opts) if (!o || (o as any)[ormKind] !== "LoaderOption") throw new ArgumentError(`options() takes loader options such as selectinload(User.posts), got ${describe(o)}.`);
    return this.with({}, { options: [...this.state.options, ...opts] });
  }
  executionOptions(opts: Record<string, unknown>): Select<R> {
    return this.with({}, { executionOptions: { ...this.state.executionOptions, ...opts } });
  }

  /**
   * As a subquery, correlate only these FROMs with the enclosing query (the others stay in its own FROM).
   * @example select(func.count(Post.id)).where(Post.user_id.eq(User.id)).correlate(User).scalarSubquery()
   */
  correlate(...froms: unknown[]): Select<R> {
    return this.with({ correlate: [...(this.state.node.correlate ?? []), ...froms.map((f) => fromOf(f, "correlate()"))] });
  }
  /**
   * As a subquery, correlate every enclosing FROM except these: `posts` stays in the subquery's own FROM
   * even when the enclosing query also selects or joins posts.
   * @example select(func.count(Post.id)).where(Post.user_id.eq(User.id)).correlateExcept(Post).scalarSubquery()
   */
  correlateExcept(...froms: unknown[]): Select<R> {
    return this.with({ correlateExcept: [...(this.state.node.correlateExcept ?? []), ...froms.map((f) => fromOf(f, "correlateExcept()"))] });
  }

  /** A named subquery to select from or join: `const sq = select(...).subquery("sq"); sq.c.name`. */
  subquery(name?: string): Subquery { return new Subquery(this, name ?? `anon_${++anonCount}`); }
  /** A common table expression of this select, used like a subquery and written in the top-level WITH. */
  cte(name?: string, options: { recursive?: boolean } = {}): CTE { return new CTE(this.state.node, name ?? `anon_${++anonCount}`, !!options.recursive); }
  /** `this UNION others...`: a CompoundSelect (see compound.ts). */
  union(...others: (Select<any> | CompoundSelect<any>)[]): CompoundSelect<R> { return union(this, ...others); }
  unionAll(...others: (Select<any> | CompoundSelect<any>)[]): CompoundSelect<R> { return unionAll(this, ...others); }
  intersect(...others: (Select<any> | CompoundSelect<any>)[]): CompoundSelect<R> { return intersect(this, ...others); }
  except_(...others: (Select<any> | CompoundSelect<any>)[]): CompoundSelect<R> { return except_(this, ...others); }
  /**
   * SQLAlchemy's `select(User).from_statement(u)`: run the compound `u` and read this select's
   * entities from its rows. Every member of `u` must select the same entities and columns as this select.
   * @example session.scalars(select(User).fromStatement(union(select(User).where(a), select(User).where(b))))
   */
  fromStatement(stmt: CompoundSelect<any>): CompoundSelect<R> {
    if (!(stmt instanceof CompoundSelect)) throw new ArgumentError(`fromStatement() takes a compound select (union(...), ...), got ${describe(stmt)}.`);
    const mine = this.state.node.columns.map(shapeKey);
    const check = (m: Select<any> | CompoundSelect<any>): void => {
      if (m instanceof CompoundSelect) { m.members.forEach(check); return; }
      const theirs = m.node.columns.map(shapeKey);
      if (theirs.length !== mine.length || theirs.some((k, i) => k !== mine[i])) {
        throw new ArgumentError("fromStatement(): every SELECT of the compound must select what this select does (e.g. select(User) in each member for select(User).fromStatement(...)).");
      }
    };
    check(stmt);
    return stmt as CompoundSelect<any>;
  }
  /** `(SELECT ...)` as a value in another statement; correlates with the enclosing FROMs. */
  // Non-generic first: a generic-only signature would take its type from the context (any) instead of R.
  scalarSubquery(): ColumnElement<R[0]>;
  scalarSubquery<T>(): ColumnElement<T>;
  scalarSubquery<T = R[0]>(): ColumnElement<T> {
    return new ColumnElement({ kind: "scalar_subquery", select: this.state.node, type: this.state.node.columns[0]?.type ?? Integer });
  }
  /** `EXISTS (SELECT ...)`. */
  exists(): ColumnElement<boolean> { return new ColumnElement({ kind: "exists", select: this.state.node, type: Integer as any }); }
  [clauseElement](): ExprNode { return { kind: "scalar_subquery", select: this.state.node, type: this.state.node.columns[0]?.type ?? Integer }; }

  /** The SQL and parameters this statement compiles to. */
  compile(): CompiledQuery { return ormCompile ? ormCompile(this) : SqlCompiler.compile(this.state.node); }
  toString(): string { return this.compile().sql; }
}

let anonCount = 0;

export class Subquery {
  readonly node: AliasNode;
  readonly c: Record<string, ColumnElement<any>>;
  constructor(readonly select: Select<any>, readonly name: string) {
    this.node = Object.freeze({ kind: "alias", name, element: select.node });
    this.c = Object.create(null);
    for (const col of select.node.columns) {
      const cname = exportedName(col);
      if (cname) this.c[cname] = new ColumnElement({ kind: "subquery_column", name: cname, from: this.node, type: col.type });
    }
  }
  get [ormKind](): "Subquery" { return "Subquery"; }
  [fromElement](): FromNode { return this.node; }
}

/** What a selected column stands for, to compare two selects' column lists. */
function shapeKey(n: ExprNode): unknown {
  if (n.kind === "entity") return n.entity;
  if (n.kind === "column") return n.column;
  return n.kind;
}

function exportedName(n: ExprNode): string | undefined {
  if (n.kind === "label") return n.name;
  if (n.kind === "column") return n.column.name;
  if (n.kind === "subquery_column") return n.name;
  return undefined;
}

function count(n: unknown, what: string): ExprNode {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new ArgumentError(`${what}() takes a non-negative integer, got ${describe(n)}.`);
  return bind(n, Integer);
}

function fromOf(x: unknown, where: string): FromNode {
  if (hasFromElement(x)) return x[fromElement]();
  if (x instanceof Select) throw new ArgumentError(`${where} got a select(): call .subquery() on it first.`);
  throw new ArgumentError(`${where} takes a mapped class, a Table, an alias or a subquery, got ${describe(x)}.`);
}

/** A relationship attribute given as an ON clause (`join(Post, User.posts)`) stands for its condition. */
function asJoinOn(x: unknown): unknown {
  const spec = asJoinSpec(x);
  return spec ? new ColumnElement(spec.on) : x;
}

/** ON clause from the foreign keys between the target and what the query already selects. */
function inferOn(node: SelectNode, target: FromNode): ExprNode {
  if (target.kind === "join") throw new ArgumentError("join() of a join needs an explicit ON clause.");
  const targetTable = target.kind === "table" ? target.table : target.element.kind === "table" ? target.element.table : undefined;
  const lefts = new Map<unknown, FromNode>();
  for (const f of node.froms) lefts.set(f, f);
  for (const c of node.columns) collectFroms(c, lefts);
  for (const j of node.joins) lefts.set(j.target, j.target);
  if (!targetTable) throw new ArgumentError("join() to a subquery needs an explicit ON clause: join(sq, sq.c.user_id.eq(User.id)).");
  const conds: ExprNode[] = [];
  for (const left of lefts.values()) {
    if (left.kind === "join") continue;
    const leftTable = left.kind === "table" ? left.table : left.element.kind === "table" ? left.element.table : undefined;
    if (!leftTable || leftTable === targetTable) continue;
    for (const fk of targetTable.foreignKeys) if (fk.column.table === leftTable) conds.push({ kind: "binary", op: "=", left: fk.column.through(left as any), right: fk.parent.through(target as any), type: Integer });
    for (const fk of leftTable.foreignKeys) if (fk.column.table === targetTable) conds.push({ kind: "binary", op: "=", left: fk.parent.through(left as any), right: fk.column.through(target as any), type: Integer });
    if (conds.length) break;
  }
  if (conds.length === 0) throw new ArgumentError(`Don't know how to join to ${targetTable.name}: no foreign key links it to the query's tables. Pass the ON clause: join(${targetTable.mappedBy ?? targetTable.name}, <condition>).`, { code: "ORM106" });
  if (conds.length > 1) throw new ArgumentError(`Can't determine which foreign key joins to ${targetTable.name}: there are ${conds.length}. Pass the ON clause, or join along a relationship (join(User.posts)).`, { code: "ORM107" });
  return conds[0]!;
}

/**
 * Start a SELECT.
 * @example
 *   select(User).where(User.name.eq("Alice"))
 *   select(User.name, func.count(Post.id)).join(User.posts).groupBy(User.name)
 */
export function select<const A extends readonly unknown[]>(...entities: A): Select<ResultTuple<A>> {
  if (entities.length === 1 && Array.isArray(entities[0])) return Select.create(entities[0] as unknown[]);
  return Select.create(entities);
}
