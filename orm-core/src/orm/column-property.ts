/**
 * columnProperty(): a read-only mapped attribute whose value is a SQL expression, selected
 * (labelled with the attribute key) together with the entity's columns (SQLAlchemy's
 * column_property). Declared among Base.model()'s attributes; installed by @mapped
 * (declarative.ts); loaded by loading.ts through the hooks at the end of this file; expired
 * after its object takes part in a flush (persistence.ts).
 *
 * Unlike SQLAlchemy, which lets you assign a value that is then never flushed, assignment
 * raises: the value can only come from the database.
 */
import { ormKind } from "../util/kind";
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import { clauseElement, describe, hasClauseElement } from "../sql/coerce";
import { ColumnElement } from "../sql/expressions";
import { adaptToFrom } from "../sql/adapt";
import type { Select } from "../sql/select";
import type { AliasNode, ExprNode, LabelNode, TableNode } from "../sql/nodes";
import type { InstanceState } from "./instance-state";
import { stateOf } from "./instance-state";
import { readColumn, requireState } from "./attributes";
import type { ColumnLoaderOption } from "./strategy-options";
import type { Mapper } from "./mapper";

export interface ColumnPropertyOptions {
  /** Leave it out of the entity's SELECT; load it (one SELECT by primary key) when first read. */
  deferred?: boolean;
  /**
   * Expire the value when its object is INSERTed or UPDATEd by a flush, so the next read
   * reloads what the database now computes (default true, as SQLAlchemy's expire_on_flush).
   */
  expireOnFlush?: boolean;
}

/** What columnProperty() returns: a declaration for Base.model(), typed by its value. */
export interface ColumnPropertySpec<T = unknown> {
  readonly [ormKind]: "ColumnPropertySpec";
  readonly expression: (cls: any) => unknown;
  readonly options: Readonly<ColumnPropertyOptions>;
  /** phantom */
  readonly __value?: T;
}

/**
 * A read-only attribute computed by SQL and loaded with the object. The function receives the
 * mapped class and is called once, at first use, so it may name classes declared later.
 * Within a class's own Base.model(...), reach its columns through the parameter (`cls.first`):
 * naming the class itself there is a circular reference to TypeScript.
 * @example
 *   fullName: columnProperty<string>((cls) => cls.first.concat(" ").concat(cls.last)),
 *   postCount: columnProperty((cls) => select(func.count(Post.id)).where(Post.user_id.eq(cls.id)).scalarSubquery()),
 *   bio: columnProperty<string>((cls) => cls.about.concat("!"), { deferred: true }),
 */
export function columnProperty<T>(expression: (cls: any) => ColumnElement<T> | Select<[T]>, options: ColumnPropertyOptions = {}): ColumnPropertySpec<T> {
  if (typeof expression !== "function") {
    throw new ArgumentError(`columnProperty() takes a function returning a SQL expression, e.g. columnProperty((cls) => cls.first.concat(" ").concat(cls.last)); got ${describe(expression)}.`);
  }
  if (options === null || typeof options !== "object") throw new ArgumentError(`columnProperty() options must be an object such as { deferred: true }, got ${describe(options)}.`);
  for (const k of Object.keys(options)) {
    if (k !== "deferred" && k !== "expireOnFlush") throw new ArgumentError(`columnProperty() has no option ${JSON.stringify(k)}; its options are deferred and expireOnFlush.`);
  }
  return Object.freeze({ [ormKind]: "ColumnPropertySpec" as const, expression, options: Object.freeze({ ...options }) });
}

export function isColumnPropertySpec(x: unknown): x is ColumnPropertySpec {
  return typeof x === "object" && x !== null && (x as any)[ormKind] === "ColumnPropertySpec";
}

/** `User.postCount`: the property's SQL expression, usable in where() / orderBy() / select(). */
export class ColumnPropertyAttribute<T = unknown> extends ColumnElement<T> {
  constructor(readonly mapper: Mapper, readonly key: string, node: ExprNode) { super(node); }
  get class(): Function { return this.mapper.cls; }
  override toString(): string { return `${this.mapper.name}.${this.key}`; }
}

/** A configured column property of one mapper. */
export class ColumnExpressionProp {
  private resolved: ExprNode | undefined;
  private own: ExprNode | undefined;
  private attr: ColumnPropertyAttribute | undefined;
  /** Labelled select-list columns, per FROM (the table, or an alias of it). */
  private readonly columns = new WeakMap<object, ExprNode>();
  readonly deferred: boolean;
  readonly expireOnFlush: boolean;

  constructor(readonly mapper: Mapper, readonly key: string, readonly spec: ColumnPropertySpec) {
    this.deferred = spec.options.deferred === true;
    this.expireOnFlush = spec.options.expireOnFlush !== false;
  }
  get name(): string { return `${this.mapper.name}.${this.key}`; }

  /** The expression against the mapped table, from the user's function (called once). */
  get node(): ExprNode {
    if (this.resolved) return this.resolved;
    let x: unknown;
    try {
      x = this.spec.expression(this.mapper.cls);
    } catch (e) {
      throw new InvalidRequestError(`The expression function of columnProperty ${this.name} threw: ${(e as Error)?.message ?? e}`, { cause: e });
    }
    let node = hasClauseElement(x) && typeof x !== "function" ? x[clauseElement]() : undefined;
    if (!node || node.kind === "entity") {
      throw new InvalidRequestError(`The function of columnProperty ${this.name} must return a SQL expression (e.g. cls.first.concat(" ")) or a select() of one column, got ${describe(x)}.`);
    }
    if (node.kind === "label") node = node.element; // labelled with the attribute key where selected
    return (this.resolved = node);
  }
  /**
   * The expression through `from` (the table itself, or an alias such as aliased(User) or a joined
   * load's). Its subqueries correlate with `from` alone unless they say otherwise (see correlateTo).
   */
  expressionFor(from: TableNode | AliasNode): ExprNode {
    if (from === this.mapper.table.node) return (this.own ??= correlateTo(this.node, from));
    return correlateTo(adaptToFrom(this.node, this.mapper.table, from), from);
  }
  /** The select-list column: the expression through `from`, labelled with the attribute key. */
  columnFor(from: TableNode | AliasNode): ExprNode {
    let col = this.columns.get(from);
    if (!col) {
      const element = this.expressionFor(from);
      const label: LabelNode = { kind: "label", name: this.key, element, type: element.type };
      this.columns.set(from, (col = Object.freeze(label)));
    }
    return col;
  }
  /** The class-level attribute. */
  get attribute(): ColumnPropertyAttribute { return (this.attr ??= new ColumnPropertyAttribute(this.mapper, this.key, this.expressionFor(this.mapper.table.node))); }
  attributeFor(from: TableNode | AliasNode): ColumnPropertyAttribute {
    return from === this.mapper.table.node ? this.attribute : new ColumnPropertyAttribute(this.mapper, this.key, this.expressionFor(from));
  }
  /** The JS value of a database result. */
  value(raw: unknown): unknown {
    if (raw === null || raw === undefined) return null;
    const r = this.node.type.result;
    return r ? r(raw) : raw;
  }
}

/**
 * Subqueries of a column property are about the entity's row: they correlate with its table (or
 * alias) and nothing else, so `posts` stays in a count's own FROM even when the enclosing query
 * selects or joins posts. SQLAlchemy auto-correlates with every enclosing table and documents
 * `correlate_except()` as the cure; explicit correlate() / correlateExcept() are kept as written.
 */
function correlateTo(node: ExprNode, from: TableNode | AliasNode): ExprNode {
  switch (node.kind) {
    case "scalar_subquery": case "exists":
      if (node.select.correlate || node.select.correlateExcept) return node;
      return { ...node, select: { ...node.select, correlate: [from] } };
    case "binary": return (node.right as { kind: string }).kind === "select" ? { ...node, left: correlateTo(node.left, from) } : { ...node, left: correlateTo(node.left, from), right: correlateTo(node.right, from) };
    case "unary": case "grouping": case "label": case "cast": return { ...node, element: correlateTo(node.element, from) } as ExprNode;
    case "clauselist": return { ...node, clauses: node.clauses.map((c) => correlateTo(c, from)) };
    case "function": return { ...node, args: node.args.map((c) => correlateTo(c, from)) };
    case "case": return { ...node, whens: node.whens.map(([w, t]) => [correlateTo(w, from), correlateTo(t, from)] as const), ...(node.else ? { else: correlateTo(node.else, from) } : {}) };
    default: return node;
  }
}

/** Called by @mapped: records the column properties on the mapper and installs their accessors. */
export function installColumnProperties(cls: Function, proto: object, mapper: Mapper, attrs: Readonly<Record<string, unknown>>): void {
  let props: Map<string, ColumnExpressionProp> | undefined;
  for (const [key, spec] of Object.entries(attrs)) {
    if (isColumnPropertySpec(spec)) (props ??= new Map()).set(key, new ColumnExpressionProp(mapper, key, spec));
  }
  if (!props) return;
  mapper.columnExpressions = props;
  for (const [key, prop] of props) {
    Object.defineProperty(cls, key, { get: () => prop.attribute, configurable: true, enumerable: false });
    Object.defineProperty(proto, key, {
      // Read like a column: loaded, or (expired / deferred / after a flush) loaded now by primary key.
      get(this: object) { return readColumn(requireState(this, `reading ${key}`), key); },
      set(this: object) {
        throw new InvalidRequestError(`${prop.name} is a columnProperty: a read-only value the database computes with the object's SELECT, so it can't be assigned. Change the columns it is computed from; it reloads after the next flush.`);
      },
      enumerable: true, configurable: true,
    });
  }
}

// ---- loading hooks (loading.ts, persistence.ts, session.ts) ----------------------------------

/**
 * The column properties a query of `mapper` loads with the entity: all but the deferred ones,
 * changed by loadOnly / defer / undefer options naming them; undefined when none.
 */
export function loadedColumnExpressions(mapper: Mapper, options: readonly unknown[]): ColumnExpressionProp[] | undefined {
  const props = mapper.columnExpressions;
  if (!props) return undefined;
  let loaded = new Set([...props.values()].filter((p) => !p.deferred));
  for (const opt of options) {
    const o = opt as ColumnLoaderOption; // relationship loader options have no mapper
    if (o.mapper !== mapper || !Array.isArray(o.keys)) continue;
    const named = o.keys.flatMap((k) => { const p = props.get(k); return p ? [p] : []; });
    if (o.kind === "loadOnly") loaded = new Set(named);
    else if (o.kind === "defer") for (const p of named) loaded.delete(p);
    else if (o.kind === "undefer") for (const p of named) loaded.add(p);
  }
  return loaded.size ? [...props.values()].filter((p) => loaded.has(p)) : undefined;
}

/**
 * Puts the values of `exprs` (at `start` in the row) into the object: those not loaded yet, or
 * all with populateExisting. A loaded value is kept, as columns of an unexpired object are.
 */
export function populateColumnExpressions(obj: object, exprs: readonly ColumnExpressionProp[], row: readonly unknown[], start: number, populateExisting: boolean): void {
  const st = stateOf(obj)!;
  const d = st.dict;
  for (let j = 0; j < exprs.length; j++) {
    const p = exprs[j]!;
    if (populateExisting || !(p.key in d)) {
      d[p.key] = p.value(row[start + j]);
      if (st.expired.size) st.expired.delete(p.key);
    }
  }
}

/** The column properties a reload by primary key must select: read now, expired, or all loaded ones after a full expiry. */
export function columnExpressionsToReload(st: InstanceState, also: readonly string[]): ColumnExpressionProp[] | undefined {
  const props = st.mapper.columnExpressions;
  if (!props) return undefined;
  const out = [...props.values()].filter((p) => also.includes(p.key) || st.expired.has(p.key) || (st.allExpired && !p.deferred));
  return out.length ? out : undefined;
}

/** After the object's INSERT or UPDATE: its computed values may have changed; reload them on next read. */
export function expireColumnExpressions(st: InstanceState): void {
  for (const p of st.mapper.columnExpressions!.values()) if (p.expireOnFlush && p.key in st.dict) delete st.dict[p.key];
}
