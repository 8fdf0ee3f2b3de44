/**
 * Write-only collections (SQLAlchemy 2.0's WriteOnlyMapped / relationship(lazy="write_only")) and
 * the legacy "dynamic" collection. Reading `user.posts` gives a WriteOnlyCollection that never
 * loads: add() / addAll() / remove() are queued in the relationship history and applied by the
 * flush (unit-of-work.ts, like changes to an unloaded collection); select() / insert() / update()
 * / delete() build statements for this parent's members. attributes.ts creates the objects and
 * keeps the history; unit-of-work.ts reads it, and loads the members only when deleting the parent.
 */
import { InvalidRequestError, DetachedInstanceError } from "../errors/errors";
import type { TableColumn } from "../schema/table";
import { Integer } from "../schema/types";
import { ColumnElement, allOf, eqNode } from "../sql/expressions";
import { select, Select } from "../sql/select";
import { insert, update, deleteFrom, type Insert, type Update, type Delete } from "../sql/dml";
import { func } from "../sql/functions";
import type { ExprNode, SelectNode } from "../sql/nodes";
import type { InstanceState } from "./instance-state";
import type { RelationshipProperty } from "./relationship";
import { collectionEvents, NULL_MARK, requireState } from "./attributes";

/** Whether a relationship is read through a WriteOnlyCollection (lazy "write_only" or "dynamic"). */
export function isWriteOnly(rel: RelationshipProperty): boolean { return rel.lazy === "write_only" || rel.lazy === "dynamic"; }

/** Items added since the last flush (pending members that no SELECT can see yet). */
export function pendingAdded(st: InstanceState, rel: RelationshipProperty): object[] {
  const h = st.relHistory?.get(rel.key);
  return h ? [...h.added].filter((x) => x !== NULL_MARK) : [];
}

/** A column value of the parent, as the database has it (or will, once it is flushed). */
function parentValue(st: InstanceState, col: TableColumn): unknown {
  const key = st.mapper.keyOfColumn(col);
  if (key in st.dict) return st.dict[key] ?? null;
  if (st.key !== undefined && col.primaryKey) return st.identityValue(st.mapper.primaryKeyProps.findIndex((p) => p.key === key)) ?? null;
  if (st.key === undefined) return null;
  return (st.obj as any)[key] ?? null;
}

/** A bound parameter read when the statement is compiled: the parent may get its key at the autoflush before. */
function parentBind(st: InstanceState, col: TableColumn): ExprNode {
  const node = { kind: "bind", type: col.type } as { kind: "bind"; type: typeof col.type; value: unknown };
  Object.defineProperty(node, "value", { get: () => parentValue(st, col), enumerable: true });
  return node;
}
const tuple = (cs: ExprNode[]): ExprNode => (cs.length === 1 ? cs[0]! : { kind: "grouping", element: { kind: "clauselist", op: ",", clauses: cs, type: Integer }, type: Integer });
const sub = (columns: ExprNode[], where: ExprNode[], froms: SelectNode["froms"] = []): SelectNode =>
  ({ kind: "select", columns, froms, joins: [], where, groupBy: [], having: [], orderBy: [], distinct: false });
const wrap = (n: ExprNode) => new ColumnElement(n);

/**
 * The WHERE criteria that pick this parent's members. `forDml`: a single-table form (an UPDATE or
 * DELETE names only the target table), else the form a SELECT uses (it may add the association table).
 */
function memberCriteria(st: InstanceState, rel: RelationshipProperty, forDml: boolean): ExprNode[] {
  const target = rel.target;
  if (rel.customJoin) {
    if (rel.selfReferential) throw new InvalidRequestError(`${rel.name} is a write-only collection with a primaryJoin to its own table; select its members with an aliased query instead.`);
    const parentPk = st.mapper.primaryKeyProps.map((p) => eqNode(p.column.node, parentBind(st, p.column)));
    const criteria = [rel.customJoin(st.mapper.table.node, target.table.node), ...parentPk];
    if (!forDml) return criteria;
    const pk = target.primaryKeyProps.map((p) => p.column.node);
    return [{ kind: "binary", op: "IN", left: tuple(pk), right: sub(pk, criteria, [target.table.node]) as never, type: Integer }];
  }
  if (rel.secondary) {
    const sec = rel.secondary.node;
    const local = rel.secondaryLocal.map(([p, s]) => eqNode(s.through(sec), parentBind(st, p)));
    if (!forDml) return [...rel.secondaryRemote.map(([t, s]) => eqNode(t.node, s.through(sec))), ...local];
    // (tags.id) IN (SELECT post_tags.tag_id FROM post_tags WHERE post_tags.post_id = ?)
    return [{ kind: "binary", op: "IN", left: tuple(rel.secondaryRemote.map(([t]) => t.node)), right: sub(rel.secondaryRemote.map(([, s]) => s.through(sec)), local) as never, type: Integer }];
  }
  return rel.pairs.map(([local, remote]) => eqNode(remote.node, parentBind(st, local)));
}

/**
 * `user.posts` for `relationship<WriteOnlyCollection<Post>>("Post", { lazy: "write_only" })`: a
 * collection that is never loaded. Changes are queued and written by the next flush; reads are
 * statements: `session.scalars(user.posts.select().where(Post.title.like("a%")))`.
 */
export class WriteOnlyCollection<T extends object = object> {
  readonly #st: InstanceState;
  readonly #rel: RelationshipProperty;
  /** @internal made by the attribute; read `user.posts`. */
  constructor(st: InstanceState, rel: RelationshipProperty) {
    this.#st = st;
    this.#rel = rel;
  }
  /** @internal */ get state(): InstanceState { return this.#st; }
  /** @internal */ get property(): RelationshipProperty { return this.#rel; }
  /** The object that owns this collection. */
  get instance(): object { return this.#st.obj; }

  /** Adds an item: at the next flush its foreign key is set (or an association row inserted). */
  add(item: T): void {
    this.#writable("add");
    collectionEvents.appended(this.#st, this.#rel, item, false);
  }
  /** add() for each item. */
  addAll(items: Iterable<T>): void {
    if (items === null || typeof items !== "object" || !(Symbol.iterator in items)) throw new TypeError(`${this.#rel.name}.addAll() takes an array of ${this.#rel.target.name} objects.`);
    for (const item of [...items]) this.add(item);
  }
  /**
   * Removes an item: at the next flush its foreign key is set to NULL (the row is deleted with
   * cascade "delete-orphan"), or its association row is deleted.
   */
  remove(item: T): void {
    this.#writable("remove");
    if (item === null || typeof item !== "object") throw new InvalidRequestError(`${this.#rel.name}.remove() takes a ${this.#rel.target.name} object.`);
    requireState(item, `${this.#rel.name}.remove()`);
    collectionEvents.removed(this.#st, this.#rel, item, false);
  }

  /** A SELECT of the members (in the relationship's orderBy), to extend and run with session.scalars(). */
  select(): Select<[T]> {
    const rel = this.#rel;
    let stmt = select(rel.target.cls).where(...memberCriteria(this.#st, rel, false).map(wrap));
    if (rel.orderBy.length) stmt = stmt.orderBy(...rel.orderBy.map(wrap));
    return stmt as unknown as Select<[T]>;
  }
  /**
   * An INSERT of new members: each row gets this parent's key (one-to-many only).
   * @example session.execute(user.posts.insert(), [{ title: "a" }, { title: "b" }])
   */
  insert(): Insert {
    const rel = this.#rel;
    if (rel.direction !== "ONETOMANY" || rel.secondary) {
      throw new InvalidRequestError(`${rel.name}.insert(): a write-only bulk INSERT is only supported for one-to-many collections; for many-to-many, insert the ${rel.target.name} rows separately and add them with ${rel.key}.addAll().`);
    }
    const presets: Record<string, () => unknown> = {};
    for (const [local, remote] of rel.pairs) presets[rel.target.keyOfColumn(remote)] = () => parentValue(this.#st, local);
    return insert(rel.target.cls).withPresets(presets);
  }
  /** An UPDATE of the members: add values() and more criteria. */
  update(): Update { return update(this.#rel.target.cls).where(...memberCriteria(this.#st, this.#rel, true).map(wrap)); }
  /** A DELETE of the members' rows (add criteria to delete some). */
  delete(): Delete { return deleteFrom(this.#rel.target.cls).where(...memberCriteria(this.#st, this.#rel, true).map(wrap)); }

  #writable(what: string): void {
    if (this.#rel.viewonly) throw new InvalidRequestError(`${this.#rel.name} is viewonly; ${what}() can't change it.`);
  }
  toString(): string { return `WriteOnlyCollection(${this.#rel.name})`; }
}

// Not iterable (a runtime guard, left out of the type so `for (... of user.posts)` doesn't compile).
Object.defineProperty(WriteOnlyCollection.prototype, Symbol.iterator, {
  value(this: WriteOnlyCollection) {
    throw new TypeError(`WriteOnly collections don't support iteration in-place; to query for collection items, use the select() method to produce a SQL statement and execute it with session.scalars(): session.scalars(obj.${this.property.key}.select()).`);
  },
  configurable: true, writable: true,
});

/**
 * `lazy: "dynamic"` (SQLAlchemy's legacy AppenderQuery): a write-only collection that can also be
 * iterated (running its select(), after an autoflush) and replaced by assignment.
 */
export class DynamicCollection<T extends object = object> extends WriteOnlyCollection<T> {
  /** The members: from the database (pending changes are flushed first), or the added items of an unsaved parent. */
  all(): T[] {
    const st = this.state;
    if (!st.session) {
      if (st.key === undefined) return pendingAdded(st, this.property) as T[];
      throw new DetachedInstanceError(`Parent instance <${st.mapper.name}> is not bound to a Session; the dynamic collection ${this.property.name} can't be read. Add it to a session first.`);
    }
    return st.session.scalars(this.select()).all() as T[];
  }
  [Symbol.iterator](): Iterator<T> { return this.all()[Symbol.iterator](); }
  /** The number of members (SELECT count(*)). */
  count(): number {
    const st = this.state;
    if (!st.session) return this.all().length;
    const rel = this.property;
    return st.session.scalar(select(func.count()).selectFrom(rel.target.cls).where(...memberCriteria(st, rel, false).map(wrap))) as number;
  }
  override toString(): string { return `DynamicCollection(${this.property.name})`; }
}

/** The members of a persistent parent's write-only collection in the database, plus the pending additions. */
export function writeOnlyMembers(st: InstanceState, rel: RelationshipProperty, run: (stmt: Select<any>) => object[]): object[] {
  const out = st.key !== undefined ? run(new WriteOnlyCollection(st, rel).select()) : [];
  for (const item of pendingAdded(st, rel)) if (!out.includes(item)) out.push(item);
  return out;
}
