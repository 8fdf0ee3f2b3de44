/**
 * Mapper: a mapped class's columns ↔ attributes, primary key, relationships,
 * identity keys; and the class-level attributes (`User.name`, `User.posts`)
 * that are SQL expressions and join/loader targets.
 */
import { ormKind } from "../util/kind";
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import type { TableColumn, TableObject } from "../schema/table";
import { ColumnElement, allOf, eqNode } from "../sql/expressions";
import { clauseElement, fromElement, joinElement, tableTarget, type JoinSpec, type TableTarget } from "../sql/coerce";
import type { AliasNode, ColumnNode, EntityNode, ExprNode, FromNode, TableNode } from "../sql/nodes";
import { Integer } from "../schema/types";
import type { RelationshipProperty } from "./relationship";
import type { Registry } from "../mapping/declarative";
import type { AssociationProxySpec } from "./association-proxy";
import type { ColumnExpressionProp } from "./column-property";
import { identityKeyOf, type IdentityKey } from "./identity-map";
import { dictMaker, lazySessionKey, stateKey } from "./instance-state";

export interface ColumnProp { readonly key: string; readonly column: TableColumn }

/** `User.name`: a column expression that knows its class (for loaders and messages). */
export class InstrumentedAttribute<T = unknown> extends ColumnElement<T> {
  constructor(readonly mapper: Mapper, readonly key: string, readonly column: TableColumn<T>, node: ExprNode = column.node) {
    // A subclass's attribute remembers its class: select(Engineer.name) joins engineers, as SQLAlchemy does.
    super(mapper.inherits && node === column.node ? { ...(node as ColumnNode), parentEntity: mapper } : node);
  }
  override get [ormKind](): any { return "InstrumentedAttribute"; }
  get class(): Function { return this.mapper.cls; }
  override toString(): string { return `${this.mapper.name}.${this.key}`; }
}

/** `User.posts`: a join target, a loader option path, and `any()` / `has()` criteria. */
export class RelationshipAttribute<T = unknown> {
  declare readonly __value?: T;
  constructor(readonly mapper: Mapper, readonly key: string, private readonly from?: TableNode | AliasNode) {}
  get [ormKind](): "RelationshipAttribute" { return "RelationshipAttribute"; }
  get property(): RelationshipProperty {
    this.mapper.registry.configure();
    return this.mapper.relationships.get(this.key)!;
  }
  get class(): Function { return this.mapper.cls; }

  [joinElement](): JoinSpec {
    const rel = this.property;
    const parentFrom = this.from ?? this.mapper.baseNode;
    const target = rel.target;
    const targetFrom: TableNode | AliasNode = rel.selfReferential ? target.table.alias().node : target.table.node;
    if (rel.secondary) {
      const sec = rel.secondary.node;
      const [onSec, onTarget] = rel.secondaryConditions(parentFrom, sec, targetFrom);
      // join(User.tags) through an association table: users JOIN post_tags ON ... JOIN tags ON ...
      return {
        target: { kind: "join", left: sec, right: targetFrom, on: onTarget, isOuter: false },
        on: onSec, left: parentFrom, entity: target.aliasFor(targetFrom),
      };
    }
    if (target.inherits && !rel.selfReferential) {
      // A subclass target: its tables joined on their keys, and (single-table) only its rows.
      let from: FromNode = target.baseNode;
      for (let m: Mapper | undefined = target, chain: Mapper[] = []; ; m = m.inherits) {
        if (m && m.inheritJoin.length) chain.unshift(m);
        if (!m) { for (const c of chain) from = { kind: "join", left: from, right: c.table.node, on: allOf(c.inheritJoin.map(([child, parent]) => eqNode(child.node, parent.node))), isOuter: false }; break; }
      }
      const on = [rel.joinCondition(parentFrom, target.baseNode), ...(target.needsDiscriminatorFilter ? [target.discriminatorFilter()] : [])];
      return { target: from, on: allOf(on), left: parentFrom, entity: target.cls };
    }
    return { target: targetFrom, on: rel.joinCondition(parentFrom, targetFrom), left: parentFrom, entity: target.aliasFor(targetFrom) };
  }

  /** EXISTS criteria: any related object (optionally matching `criterion`) — for collections. */
  any(criterion?: unknown): ColumnElement<boolean> { return this.existsCriterion(criterion, "any"); }
  /** EXISTS criteria for a many-to-one: the related object matches `criterion`. */
  has(criterion?: unknown): ColumnElement<boolean> { return this.existsCriterion(criterion, "has"); }
  private existsCriterion(criterion: unknown, name: string): ColumnElement<boolean> {
    const rel = this.property;
    if (name === "any" && !rel.uselist) throw new InvalidRequestError(`${rel.name}.any() is for collections; use ${rel.name}.has() for a many-to-one.`);
    if (name === "has" && rel.uselist) throw new InvalidRequestError(`${rel.name}.has() is for many-to-one; use ${rel.name}.any() for a collection.`);
    const parentFrom = this.from ?? this.mapper.baseNode;
    const targetFrom: TableNode | AliasNode = rel.selfReferential ? rel.target.table.alias().node : rel.target.baseNode;
    const where: ExprNode[] = [];
    const froms: FromNode[] = [targetFrom];
    if (rel.target.inherits && !rel.selfReferential) {
      // A subclass target: its other tables, joined on their keys; single-table: only its rows.
      for (let m: Mapper | undefined = rel.target; m; m = m.inherits) {
        if (m.inheritJoin.length) { froms.push(m.table.node); where.push(...m.inheritJoin.map(([child, parent]) => eqNode(child.node, parent.node))); }
      }
      if (rel.target.needsDiscriminatorFilter) where.push(rel.target.discriminatorFilter());
    }
    if (rel.secondary) {
      const [a, b] = rel.secondaryConditions(parentFrom, rel.secondary.node, targetFrom);
      where.push(a, b);
      froms.push(rel.secondary.node);
    } else where.push(rel.joinCondition(parentFrom, targetFrom));
    if (criterion !== undefined) where.push((criterion as any)[clauseElement]());
    const node: ExprNode = { kind: "exists", select: { kind: "select", columns: [{ kind: "literal", sql: "1", type: Integer }], froms, joins: [], where, groupBy: [], having: [], orderBy: [], distinct: false }, type: Integer };
    return new ColumnElement(node);
  }
  /** `Post.author.eq(user)` / `User.posts.contains(post)`: compare by the related object's key. */
  eq(other: object | null): ColumnElement<boolean> {
    const rel = this.property;
    if (rel.uselist || rel.direction !== "MANYTOONE") throw new InvalidRequestError(`${rel.name}.eq() compares a many-to-one; for collections use ${rel.name}.contains(obj) or any().`);
    const conds = rel.pairs.map(([local, remote]) => {
      const value = other === null ? null : (other as any)[rel.target.keyOfColumn(remote)];
      return new ColumnElement(local.through(this.from ?? this.mapper.table.node)).eq(value);
    });
    return conds.length === 1 ? conds[0]! : new ColumnElement({ kind: "clauselist", op: "AND", clauses: conds.map((c) => c.node), type: Integer });
  }
  contains(other: object): ColumnElement<boolean> {
    const rel = this.property;
    const target = rel.target;
    const pk = target.primaryKeyProps.map((p) => new ColumnElement<any>(p.column.node).eq((other as any)[p.key]));
    const conds = pk.map((c) => c.node);
    return this.any(new ColumnElement(conds.length === 1 ? conds[0]! : { kind: "clauselist", op: "AND", clauses: conds, type: Integer }));
  }
  toString(): string { return `${this.mapper.name}.${this.key}`; }
}

/** An entity seen through an alias (aliased(User), self-referential joins). */
export class AliasedClass {
  constructor(readonly mapper: Mapper, readonly from: TableNode | AliasNode) {
    for (const prop of mapper.columnProps) {
      Object.defineProperty(this, prop.key, { value: new InstrumentedAttribute(mapper, prop.key, prop.column, prop.column.through(from)), enumerable: true });
    }
    for (const key of mapper.relationshipKeys) Object.defineProperty(this, key, { value: new RelationshipAttribute(mapper, key, from), enumerable: true });
    if (mapper.columnExpressions) for (const [key, p] of mapper.columnExpressions) Object.defineProperty(this, key, { get: () => p.attributeFor(from), enumerable: true });
    for (const [key, target] of mapper.synonyms) Object.defineProperty(this, key, { value: (this as any)[target], enumerable: true });
  }
  [clauseElement](): ExprNode { return this.mapper.entityNode(this.from, this); }
  [fromElement](): FromNode { return this.from; }
  [tableTarget](): TableTarget { return this.mapper.tableTarget(this.from, this); }
}

export class Mapper {
  readonly columnProps: ColumnProp[] = [];
  readonly columnPropByKey = new Map<string, ColumnProp>();
  private readonly keyByColumn = new Map<TableColumn, string>();
  readonly relationships = new Map<string, RelationshipProperty>();
  readonly relationshipKeys: string[];
  /** Validators from @validates, by attribute key. */
  readonly validators = new Map<string, (target: object, value: unknown, key: string) => unknown>();
  readonly hybrids = new Set<string>();
  /** associationProxy() attributes, by key (set by @mapped). */
  readonly proxies = new Map<string, AssociationProxySpec>();
  /** synonym() attributes: their key → the column attribute they name (set by @mapped). */
  readonly synonyms = new Map<string, string>();
  /** Column properties (columnProperty()) by key; undefined when the class has none (the common, fast case). */
  columnExpressions: Map<string, ColumnExpressionProp> | undefined = undefined;
  /** The version counter column (versionIdCol): UPDATE and DELETE check it, UPDATE increments it. */
  versionProp: ColumnProp | undefined;
  private readonly entity: EntityNode;

  // ---- inheritance -------------------------------------------------------------
  /** The tables a row of this class lives in, base first: one, or one per class of a joined-table hierarchy. */
  readonly tables: readonly TableObject[];
  /** The top of the hierarchy (this mapper when it inherits from none): one identity map per root. */
  readonly root: Mapper;
  /** Joined-table inheritance: [this table's column, the parent table's column] pairs that join the two. */
  readonly inheritJoin: readonly (readonly [TableColumn, TableColumn])[];
  /** The column whose value names the class of a row (root mapper only; see polymorphicOnProp). */
  private polyOn: ColumnProp | undefined;
  readonly polymorphicIdentity: string | number | undefined;
  /** Identity → mapper, for every class of the hierarchy (root mapper only). */
  readonly polymorphicMap = new Map<string | number, Mapper>();
  /** Every class below this one, nearest first. */
  readonly descendants: Mapper[] = [];
  /**
   * `new Blank(state)`, or `new Blank(dictionary, session)` for an object without a state yet
   * (instance-state.ts): an instance of the class without running its constructor (for loaded
   * rows). A function of its own rather than Object.create(prototype), which sets both properties
   * itself, so V8 sizes these objects to them.
   */
  readonly Blank: new (state: object | undefined, session?: object) => object;
  /** Makes this class's attribute dictionaries (instance-state.ts). */
  readonly Dict = dictMaker();

  constructor(
    readonly cls: Function, readonly name: string, readonly table: TableObject, readonly registry: Registry,
    columnKeys: readonly string[], relationshipKeys: readonly string[],
    inheritance: { inherits?: Mapper; single?: boolean; polymorphicOn?: string; polymorphicIdentity?: string | number } = {},
  ) {
    const parent = inheritance.inherits;
    this.inherits = parent;
    const Blank = function Blank(this: any, state: object | undefined, session?: object) {
      this[stateKey] = state;
      this[lazySessionKey] = session;
    } as unknown as new (state: object | undefined, session?: object) => object;
    Blank.prototype = cls.prototype;
    this.Blank = Blank;
    this.root = parent ? parent.root : this;
    this.polymorphicIdentity = inheritance.polymorphicIdentity;
    if (parent) {
      // A subclass maps every attribute of its parent, then its own.
      for (const p of parent.columnProps) { this.columnProps.push(p); this.columnPropByKey.set(p.key, p); }
      for (const [c, k] of parent.keyByColumn) this.keyByColumn.set(c, k);
      for (const [k, v] of parent.validators) this.validators.set(k, v);
      for (const h of parent.hybrids) this.hybrids.add(h);
      this.versionProp = parent.versionProp;
    }
    this.tables = !parent ? [table] : inheritance.single ? parent.tables : [...parent.tables, table];
    this.inheritJoin = parent && !inheritance.single ? joinedInheritancePairs(table, parent) : [];
    for (const key of columnKeys) {
      const column = table.c[key]!;
      if (this.columnPropByKey.has(key)) {
        // Joined inheritance: this table's key column, under the parent's attribute (one value, two columns).
        this.keyByColumn.set(column, key);
        continue;
      }
      const prop = { key, column };
      this.columnProps.push(prop);
      this.columnPropByKey.set(key, prop);
      this.keyByColumn.set(column, key);
    }
    this.relationshipKeys = [...(parent?.relationshipKeys ?? []), ...relationshipKeys.filter((k) => !parent?.relationshipKeys.includes(k))];
    // The identity of a row is the base table's primary key, whichever class maps it.
    this.pkIndexes = parent ? parent.pkIndexes : this.columnProps.flatMap((p, i) => (p.column.primaryKey ? [i] : []));
    if (parent) this.pkProps = parent.primaryKeyProps;
    if (inheritance.polymorphicOn !== undefined) this.polyOn = this.columnPropByKey.get(inheritance.polymorphicOn);
    if (this.polymorphicIdentity !== undefined) {
      const taken = this.root.polymorphicMap.get(this.polymorphicIdentity);
      if (taken) throw new ArgumentError(`${name} and ${taken.name} both have polymorphicIdentity ${JSON.stringify(this.polymorphicIdentity)}; each class of a hierarchy needs its own.`);
      this.root.polymorphicMap.set(this.polymorphicIdentity, this);
    }
    for (let m = parent; m; m = m.inherits) m.descendants.push(this);
    this.entity = Object.freeze({ kind: "entity", entity: cls, from: this.tables[0]!.node, columns: this.columnProps.map((p) => p.column.node as ColumnNode), type: Integer });
  }
  readonly inherits: Mapper | undefined;
  /** The discriminator column of the hierarchy (SQLAlchemy's polymorphic_on), if any. */
  get polymorphicOnProp(): ColumnProp | undefined { return this.root.polyOn; }
  /** The FROM that rows of this class are selected from: the base table (joined tables hang on it). */
  get baseNode(): TableNode { return this.tables[0]!.node; }
  /** Whether a query for this class must look at the discriminator (it has subclasses) or join tables. */
  get isPolymorphic(): boolean { return this.descendants.length > 0 && this.polymorphicOnProp !== undefined; }
  /** The identities of this class and every class below it: single-table subclass queries filter on them. */
  get polymorphicIdentities(): (string | number)[] {
    return [this, ...this.descendants].flatMap((m) => (m.polymorphicIdentity === undefined ? [] : [m.polymorphicIdentity]));
  }
  /** Whether this class's rows share a table with other classes, so its queries filter on the discriminator. */
  get needsDiscriminatorFilter(): boolean { return this.inherits !== undefined && this.polymorphicOnProp !== undefined && this.tables[this.tables.length - 1] === this.inherits.tables[this.inherits.tables.length - 1]; }
  /** `type IN (identities of this class and its subclasses)`: the rows of a single-table subclass. */
  discriminatorFilter(): ExprNode {
    const col = this.polymorphicOnProp!.column;
    const ids = this.polymorphicIdentities;
    return { kind: "binary", op: "IN", left: col.node, right: { kind: "grouping", element: { kind: "clauselist", op: ",", clauses: ids.map((v) => ({ kind: "bind", value: v, type: col.type })), type: Integer }, type: Integer }, type: Integer };
  }
  /** Whether `other` is this mapper or one of its subclasses. */
  isa(other: Mapper): boolean { for (let m: Mapper | undefined = this; m; m = m.inherits) if (m === other) return true; return false; }

  private relList: RelationshipProperty[] | undefined;
  private relListSize = -1;
  /** Relationships as an array (cached: the flush and loaders walk it per object). */
  get relationshipList(): RelationshipProperty[] {
    if (this.relListSize !== this.relationships.size) { this.relList = [...this.relationships.values()]; this.relListSize = this.relationships.size; }
    return this.relList!;
  }
  private pkProps: ColumnProp[] | undefined;
  /** Positions of the primary key among the column properties (hydration reads them per row). */
  readonly pkIndexes: number[];
  private procs: (((v: any) => unknown) | undefined)[] | undefined;
  /** Each column's result processor, in column order (undefined: the value is used as read). */
  get resultProcessors(): (((v: any) => unknown) | undefined)[] { return (this.procs ??= this.columnProps.map((p) => p.column.type.result)); }
  get primaryKeyProps(): ColumnProp[] { return (this.pkProps ??= this.columnProps.filter((p) => p.column.primaryKey)); }
  private rowKeys: readonly string[] | null | undefined;
  private rowKeysRels = 0;
  /**
   * The column names of a query row that can itself become an object's attribute dictionary (see
   * loading.ts): every column attribute named as its column, one table, no inheritance, and no
   * attribute (column, relationship, column expression) named like something Object.prototype has: a
   * row object inherits from it, and dictionaries are asked `key in dict`. null when otherwise.
   */
  get rowDictKeys(): readonly string[] | null {
    // Worked out again when relationships were added since (backrefs, at configure).
    if (this.rowKeys === undefined || this.rowKeysRels !== this.relationships.size) {
      this.rowKeysRels = this.relationships.size;
      const inherited = (key: string) => key in Object.prototype;
      const fits = this.tables.length === 1 && this.polymorphicOnProp === undefined && this.columnProps.every((p) => p.key === p.column.name && !inherited(p.key))
        && !this.relationshipKeys.some(inherited) && ![...this.relationships.keys()].some(inherited) && ![...(this.columnExpressions?.keys() ?? [])].some(inherited);
      this.rowKeys = fits ? this.columnProps.map((p) => p.key) : null;
    }
    return this.rowKeys;
  }
  private deferredIdx: number[] | undefined;
  /** Positions of the columns declared `deferred` (not loaded by queries until read). */
  get deferredIndexes(): number[] { return (this.deferredIdx ??= this.columnProps.flatMap((p, i) => (p.column.spec.options.deferred && !p.column.primaryKey ? [i] : []))); }
  /** The keys loaded together with `key` when it is read unloaded: its deferred group, or itself. */
  loadGroupOf(key: string): string[] {
    const group = this.columnPropByKey.get(key)?.column.spec.options.deferredGroup;
    if (group === undefined) return [key];
    return this.columnProps.filter((p) => p.column.spec.options.deferredGroup === group).map((p) => p.key);
  }
  get hasServerDefaults(): boolean { return this.columnProps.some((p) => p.column.serverDefault !== undefined); }
  /** Attribute keys accepted by the constructor. */
  isAttribute(key: string): boolean { return this.columnPropByKey.has(key) || this.relationships.has(key) || this.relationshipKeys.includes(key); }
  keyOfColumnOrUndefined(column: TableColumn): string | undefined { return this.keyByColumn.get(column); }
  keyOfColumn(column: TableColumn): string {
    const key = this.keyByColumn.get(column);
    if (key === undefined) throw new ArgumentError(`Column ${column.fullname} is not mapped by ${this.name}.`);
    return key;
  }

  /** Identity key from primary key values, or undefined if any is null (identity-map.ts). */
  identityKey(pk: readonly unknown[]): IdentityKey | undefined { return identityKeyOf(pk); }

  entityNode(from: TableNode | AliasNode, entity: unknown): EntityNode {
    if (from === this.baseNode && this.entity) return this.entity;
    if (this.tables.length > 1 || this.isPolymorphic && this.descendants.some((d) => d.tables.length > 1)) {
      throw new InvalidRequestError(`${this.name} spans several tables (joined-table inheritance): aliased() of it is not supported; query the class itself.`);
    }
    const columns: ColumnNode[] = this.columnProps.map((p) => p.column.through(from));
    return Object.freeze({ kind: "entity", entity, from, columns, type: Integer });
  }
  tableTarget(from: TableNode | AliasNode = this.baseNode, entity: unknown = this.cls): TableTarget {
    return {
      table: this.table, from, label: this.name, entity,
      columnFor: (key) => this.columnPropByKey.get(key)?.column,
      expressionFor: (key) => {
        const prop = this.columnPropByKey.get(this.synonyms.get(key) ?? key);
        if (prop) return from === this.baseNode ? prop.column.node : prop.column.through(from);
        if (this.hybrids.has(key)) return ((this.cls as any)[key] as ColumnElement)?.node;
        return this.columnExpressions?.get(key)?.expressionFor(from);
      },
      keys: () => [...this.columnPropByKey.keys(), ...this.synonyms.keys(), ...this.hybrids],
    };
  }
  private aliases = new Map<unknown, AliasedClass>();
  /** The class itself for its own table; an AliasedClass for an alias. */
  aliasFor(from: TableNode | AliasNode): unknown {
    if (from === this.table.node || from === this.baseNode) return this.cls;
    let a = this.aliases.get(from);
    if (!a) this.aliases.set(from, (a = new AliasedClass(this, from)));
    return a;
  }
  toString(): string { return `Mapper[${this.name}(${this.table.name})]`; }
}

/**
 * The columns that join a joined-inheritance subclass's table to its parent's: the foreign keys
 * from `table` to a table of the parent (SQLAlchemy's inherit_condition).
 */
function joinedInheritancePairs(table: TableObject, parent: Mapper): (readonly [TableColumn, TableColumn])[] {
  const parentTables = new Set(parent.tables);
  const pairs: (readonly [TableColumn, TableColumn])[] = [];
  for (const col of table.columns) {
    for (const fk of col.foreignKeys) {
      const [tname] = fk.targetFullname.split(".");
      const target = [...parentTables].find((t) => t.name === tname);
      if (target && col.primaryKey) pairs.push([col, fk.column] as const);
    }
  }
  if (pairs.length === 0) {
    const pk = parent.primaryKeyProps[0]?.column;
    throw new ArgumentError(`Table ${JSON.stringify(table.name)} inherits from ${parent.name} (joined-table inheritance) but has no primary key column with a foreign key to ${parent.table.name}: write ${pk?.key ?? "id"}: Column(Integer, ForeignKey("${parent.table.name}.${pk?.name ?? "id"}"), { primaryKey: true }).`);
  }
  return pairs;
}

const mappers = new WeakMap<Function, Mapper>();
export function setMapper(cls: Function, mapper: Mapper): void { mappers.set(cls, mapper); }
/** The mapper of a class (or of an instance's class), or undefined. */
export function mapperOf(clsOrObj: unknown): Mapper | undefined {
  if (typeof clsOrObj === "function") return mappers.get(clsOrObj);
  if (typeof clsOrObj === "object" && clsOrObj !== null) return mappers.get(clsOrObj.constructor);
  return undefined;
}
