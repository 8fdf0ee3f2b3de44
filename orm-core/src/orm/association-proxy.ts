/**
 * associationProxy() (sqlalchemy.ext.associationproxy): an attribute that shows one attribute of
 * the objects behind a relationship. Through a collection, `user.keywordNames` is a live list of
 * `keyword.keyword` values (push("x") creates the association object); through a many-to-one, it
 * is the target's attribute. At class level, `User.keywordNames.contains("x")` / `.any()` /
 * `.eq()` / `.has()` are EXISTS criteria built on RelationshipAttribute.any() / has().
 * Declared among Base.model() attributes; @mapped (declarative.ts) installs it.
 */
import { ormKind } from "../util/kind";
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import { ColumnElement, not, or } from "../sql/expressions";
import { describe } from "../sql/coerce";
import { RelationshipAttribute, type Mapper } from "./mapper";
import type { RelationshipProperty } from "./relationship";
import { isWriteOnly } from "./writeonly";
import { proxyLists } from "./collections";

export interface AssociationProxyOptions<V = any> {
  /**
   * Makes the target object for a new value (push(), assignment). Default:
   * `new Target({ [attr]: value })`.
   */
  creator?: (value: V) => object;
}

/**
 * What associationProxy() returns inside Base.model(...). `V` is the proxied value type (an
 * array type such as `string[]` for a collection); `K` and `Attr` are the relationship and
 * attribute names when inferred.
 */
export interface AssociationProxySpec<V = unknown, K extends string = string, Attr extends string = string> {
  readonly [ormKind]: "AssociationProxySpec";
  /** The relationship the proxy goes through. */
  readonly targetCollection: K;
  /** The attribute of the related objects it shows. */
  readonly valueAttr: Attr;
  readonly options: Readonly<AssociationProxyOptions>;
  readonly __type?: V;
}

/** Marker for "no value type given": the type is read from the target attribute. */
declare const inferMarker: unique symbol;
export interface InferProxied { readonly [inferMarker]: true }

/** What a creator receives: one value (the element of an array type); anything when the type is inferred. */
type CreatorArg<V> = [V] extends [InferProxied] ? any : V extends readonly (infer E)[] ? E : V;

/**
 * Proxy an attribute of the objects behind a relationship.
 * @example
 *   keywords: relationship<UserKeyword[]>("UserKeyword", { cascade: "all, delete-orphan" }),
 *   keywordNames: associationProxy("keywords", "keyword"),                 // typed from UserKeyword.keyword
 *   tagNames: associationProxy<string[]>("tags", "name", { creator: (name) => new Tag({ name }) }),
 *   authorName: associationProxy<string>("author", "name"),                // through a many-to-one
 */
export function associationProxy<V = InferProxied, const K extends string = string, const Attr extends string = string>(
  targetCollection: K, attr: Attr, options: AssociationProxyOptions<CreatorArg<V>> = {},
): AssociationProxySpec<NoInfer<V>, K, Attr> {
  // NoInfer: inside Base.model({...}) the expected AttributeSpec would otherwise infer V as any.
  if (typeof targetCollection !== "string" || !targetCollection) throw new ArgumentError(`associationProxy() takes the relationship's name first: associationProxy("keywords", "keyword"), got ${describe(targetCollection)}.`);
  if (typeof attr !== "string" || !attr) throw new ArgumentError(`associationProxy(${JSON.stringify(targetCollection)}, ...) needs the name of the related objects' attribute second, got ${describe(attr)}.`);
  if (options === null || typeof options !== "object") throw new ArgumentError(`associationProxy() options must be an object such as { creator: (value) => new Keyword({ keyword: value }) }, got ${describe(options)}.`);
  if (options.creator !== undefined && typeof options.creator !== "function") throw new ArgumentError(`associationProxy() creator must be a function (value) => object, got ${describe(options.creator)}.`);
  return Object.freeze({ [ormKind]: "AssociationProxySpec" as const, targetCollection, valueAttr: attr, options: Object.freeze({ ...options }) });
}
export function isAssociationProxySpec(x: unknown): x is AssociationProxySpec {
  return typeof x === "object" && x !== null && (x as any)[ormKind] === "AssociationProxySpec";
}

/** The relationship behind a proxy, checked (configure() reports a bad one first). */
function proxiedRelationship(mapper: Mapper, key: string, spec: AssociationProxySpec): RelationshipProperty {
  mapper.registry.configure();
  const rel = mapper.relationships.get(spec.targetCollection);
  if (!rel) throw new InvalidRequestError(`${mapper.name}.${key}: associationProxy(${JSON.stringify(spec.targetCollection)}, ...) names no relationship of ${mapper.name}.`);
  if (isWriteOnly(rel)) throw new InvalidRequestError(`${mapper.name}.${key} proxies ${rel.name}, a ${rel.lazy === "dynamic" ? "dynamic" : "write-only"} collection that is never loaded; an association proxy needs a loadable relationship.`);
  return rel;
}

/** Checks every proxy of a mapper against its configured relationships (called by configure). */
export function checkProxies(mapper: Mapper, suggest: (word: string, candidates: Iterable<string>) => string | undefined): void {
  for (const [key, spec] of mapper.proxies) {
    const rel = mapper.relationships.get(spec.targetCollection);
    if (!rel) {
      const hint = suggest(spec.targetCollection, mapper.relationships.keys());
      throw new ArgumentError(`${mapper.name}.${key}: associationProxy(${JSON.stringify(spec.targetCollection)}, ${JSON.stringify(spec.valueAttr)}) names no relationship of ${mapper.name}.${hint ? ` Did you mean ${JSON.stringify(hint)}?` : ` Its relationships: ${[...mapper.relationships.keys()].join(", ") || "none"}.`}`);
    }
    const target = rel.target;
    if (!target.isAttribute(spec.valueAttr) && !target.proxies.has(spec.valueAttr) && !(spec.valueAttr in target.cls.prototype)) {
      const names = [...target.columnPropByKey.keys(), ...target.relationshipKeys, ...target.proxies.keys()];
      const hint = suggest(spec.valueAttr, names);
      throw new ArgumentError(`${mapper.name}.${key}: associationProxy(${JSON.stringify(spec.targetCollection)}, ${JSON.stringify(spec.valueAttr)}): ${target.name} has no attribute ${JSON.stringify(spec.valueAttr)}.${hint ? ` Did you mean ${JSON.stringify(hint)}?` : ` Its attributes: ${names.join(", ")}.`}`);
    }
  }
}

function creatorFor(rel: RelationshipProperty, spec: AssociationProxySpec): (value: unknown) => object {
  if (spec.options.creator) return spec.options.creator;
  const cls = rel.target.cls as new (init: Record<string, unknown>) => object;
  return (value) => new cls({ [spec.valueAttr]: value });
}

// ---- instances -------------------------------------------------------------------

const lists = new WeakMap<object, Map<string, unknown[]>>();

/** Installs `key` on the prototype of a mapped class. */
export function instrumentProxy(proto: object, mapper: Mapper, key: string, spec: AssociationProxySpec): void {
  Object.defineProperty(proto, key, {
    get(this: object) { return readProxy(this, mapper, key, spec); },
    set(this: object, v: unknown) { writeProxy(this, mapper, key, spec, v); },
    enumerable: false, configurable: true,
  });
}

function readProxy(obj: object, mapper: Mapper, key: string, spec: AssociationProxySpec): unknown {
  const rel = proxiedRelationship(mapper, key, spec);
  if (!rel.uselist) {
    const target = (obj as any)[rel.key] as object | null;
    return target ? ((target as any)[spec.valueAttr] ?? null) : null;
  }
  let byKey = lists.get(obj);
  if (!byKey) lists.set(obj, (byKey = new Map()));
  let list = byKey.get(key);
  if (!list) {
    byKey.set(key, (list = proxyList(obj, rel, spec, `${mapper.name}.${key}`)));
    proxyLists.add(list);
  }
  return list;
}

function writeProxy(obj: object, mapper: Mapper, key: string, spec: AssociationProxySpec, value: unknown): void {
  const rel = proxiedRelationship(mapper, key, spec);
  const creator = creatorFor(rel, spec);
  if (!rel.uselist) {
    // The target's attribute is set; with no target, one is created (nothing for null).
    const target = (obj as any)[rel.key] as object | null;
    if (target) (target as any)[spec.valueAttr] = value;
    else if (value !== null && value !== undefined) (obj as any)[rel.key] = creator(value);
    return;
  }
  if (value === lists.get(obj)?.get(key)) return; // user.keywordNames = user.keywordNames
  if (value === null || value === undefined) value = [];
  if (typeof value !== "object" || !(Symbol.iterator in (value as object)) || typeof value === "string") {
    throw new InvalidRequestError(`${mapper.name}.${key} proxies a collection: assign an array of values, got ${describe(value)}.`);
  }
  // SQLAlchemy clears the collection and appends a new object per value.
  const values = [...(value as Iterable<unknown>)];
  (obj as any)[rel.key] = values.map(creator);
}

const INDEX = /^(0|[1-9]\d*)$/;
const UNSUPPORTED = new Set<PropertyKey>(["sort", "reverse", "fill", "copyWithin"]);

/**
 * The live list behind a collection proxy: a Proxy over an array (so Array.isArray() holds) that
 * reads the relationship's current collection on every access and writes through it.
 */
function proxyList(owner: object, rel: RelationshipProperty, spec: AssociationProxySpec, name: string): unknown[] {
  const attr = spec.valueAttr;
  const coll = () => (owner as any)[rel.key] as object[] & { remove(item: object): void };
  const read = (o: object | undefined) => (o === undefined ? undefined : (o as any)[attr]);
  const snapshot = () => Array.from(coll(), (o) => read(o));
  const create = (v: unknown) => creatorFor(rel, spec)(v);
  const methods: Record<string, (...args: any[]) => unknown> = {
    push: (...values: unknown[]) => coll().push(...values.map(create)),
    unshift: (...values: unknown[]) => coll().unshift(...values.map(create)),
    pop: () => read(coll().pop()),
    shift: () => read(coll().shift()),
    splice: (...args: unknown[]) => {
      const [start, deleteCount, ...values] = args as [number, number | undefined, ...unknown[]];
      const c = coll();
      const removed = args.length < 2 ? c.splice(start) : c.splice(start, deleteCount!, ...values.map(create));
      return removed.map((o) => read(o));
    },
    /** Removes the first object whose attribute equals `value` (RangeError if none). */
    remove: (value: unknown) => {
      const c = coll();
      const i = snapshot().indexOf(value);
      if (i < 0) throw new RangeError(`${name}.remove(): ${describe(value)} is not in the collection.`);
      c.splice(i, 1);
    },
    clear: () => { coll().splice(0); },
  };
  const iterator = function* () { for (const o of [...coll()]) yield read(o); };
  const target: unknown[] = [];
  const sync = () => { const s = snapshot(); target.length = 0; target.push(...s); return target; };
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === "length") return coll().length;
      if (typeof prop === "string" && INDEX.test(prop)) return read(coll()[Number(prop)]);
      if (prop === Symbol.iterator) return iterator;
      if (typeof prop === "string" && Object.prototype.hasOwnProperty.call(methods, prop)) return methods[prop];
      if (UNSUPPORTED.has(prop)) return () => { throw new TypeError(`${name}.${String(prop)}() is not supported on an association proxy; reorder ${rel.name} itself.`); };
      // Everything that only reads (map, filter, includes, indexOf, slice, join, ...) works on a snapshot.
      const snap = sync();
      const v = Reflect.get(snap, prop, snap);
      return typeof v === "function" ? v.bind(snap) : v;
    },
    set(_t, prop, value) {
      if (typeof prop === "string" && INDEX.test(prop)) {
        const i = Number(prop);
        const c = coll();
        // As in SQLAlchemy: assigning an index sets the attribute on the object already there.
        if (i < c.length) (c[i] as any)[attr] = value;
        else if (i === c.length) c.push(create(value));
        else throw new RangeError(`${name}[${i}] = ...: the collection has ${c.length} items.`);
        return true;
      }
      if (prop === "length") {
        const n = Number(value);
        const c = coll();
        if (!Number.isInteger(n) || n < 0 || n > c.length) throw new RangeError(`${name}.length can only be lowered (to remove items), got ${describe(value)}.`);
        if (n < c.length) c.splice(n);
        return true;
      }
      throw new TypeError(`${name} is an association proxy: ${String(prop)} can't be set on it.`);
    },
    has(_t, prop) {
      if (typeof prop === "string" && INDEX.test(prop)) return Number(prop) < coll().length;
      return prop in Array.prototype || prop === "remove" || prop === "clear";
    },
    ownKeys() { return Reflect.ownKeys(sync()); },
    getOwnPropertyDescriptor(_t, prop) { sync(); return Reflect.getOwnPropertyDescriptor(target, prop); },
    deleteProperty(_t, prop) { throw new TypeError(`${name} is an association proxy: use remove() or splice() instead of delete [${String(prop)}].`); },
    defineProperty(_t, prop) { throw new TypeError(`${name} is an association proxy: ${String(prop)} can't be defined on it.`); },
  }) as unknown[];
}

// ---- class level -------------------------------------------------------------------

/**
 * `User.keywordNames`: SQL criteria through the proxy, as EXISTS subqueries on the relationship.
 * Collections: `contains(value)`, `any(criterion)`; many-to-one: `eq(value)`, `has(criterion)`.
 */
export class AssociationProxyAttribute<V = unknown> {
  declare readonly __value?: V;
  constructor(readonly mapper: Mapper, readonly key: string, readonly spec: AssociationProxySpec) {}
  get [ormKind](): "AssociationProxyAttribute" { return "AssociationProxyAttribute"; }
  /** The relationship the proxy goes through. */
  get relationship(): RelationshipProperty { return proxiedRelationship(this.mapper, this.key, this.spec); }
  /** Whether it proxies a many-to-one / one-to-one (a single value) rather than a collection. */
  get scalar(): boolean { return !this.relationship.uselist; }
  get class(): Function { return this.mapper.cls; }

  private get parentAttr(): RelationshipAttribute { return (this.mapper.cls as any)[this.relationship.key] as RelationshipAttribute; }
  /** The target's class-level attribute: a column, a relationship or another proxy. */
  private get remoteAttr(): any {
    const rel = this.relationship;
    const a = (rel.target.cls as any)[this.spec.valueAttr];
    if (a === undefined || a === null || (typeof a !== "object" && typeof a !== "function")) {
      throw new InvalidRequestError(`${this}: ${rel.target.name}.${this.spec.valueAttr} has no SQL expression, so it can't be used in a query.`);
    }
    return a;
  }
  /** EXISTS over the relationship, the related row matching `criterion`. */
  private exists(criterion: unknown): ColumnElement<boolean> {
    return this.scalar ? this.parentAttr.has(criterion) : this.parentAttr.any(criterion);
  }
  /** A criterion on the target for "its value is `value`". */
  private valueIs(value: unknown): unknown {
    const remote = this.remoteAttr;
    if (remote instanceof RelationshipAttribute) return remote.property.uselist ? remote.contains(value as object) : remote.eq(value as object | null);
    if (remote instanceof AssociationProxyAttribute) return remote.scalar ? remote.eq(value) : remote.contains(value);
    if (typeof remote.eq !== "function") throw new InvalidRequestError(`${this}: ${this.relationship.target.name}.${this.spec.valueAttr} can't be compared in SQL.`);
    return remote.eq(value);
  }
  /** A criterion on the target from `criterion` given for the proxied value. */
  private valueCriterion(criterion: unknown): unknown {
    const remote = this.remoteAttr;
    if (remote instanceof RelationshipAttribute) return remote.property.uselist ? remote.any(criterion) : remote.has(criterion);
    if (remote instanceof AssociationProxyAttribute) return remote.scalar ? remote.has(criterion) : remote.any(criterion);
    // A column value: the criterion is on the target object's columns (SQLAlchemy only allows ==).
    return criterion;
  }

  /** Collection: some related object's value is `value`. `User.keywordNames.contains("py")` */
  contains(value: V): ColumnElement<boolean> {
    if (this.scalar) throw new InvalidRequestError(`${this}.contains() is for a proxied collection; ${this.relationship.name} is a single object: use ${this}.eq(value).`);
    return this.exists(this.valueIs(value));
  }
  /** Collection: some related object matches `criterion` (on its columns, or through its relationship). */
  any(criterion?: unknown): ColumnElement<boolean> {
    if (this.scalar) throw new InvalidRequestError(`${this}.any() is for a proxied collection; ${this.relationship.name} is a single object: use ${this}.has().`);
    return this.exists(criterion === undefined ? undefined : this.valueCriterion(criterion));
  }
  /** Many-to-one: the related object matches `criterion`. */
  has(criterion?: unknown): ColumnElement<boolean> {
    if (!this.scalar) throw new InvalidRequestError(`${this}.has() is for a proxied many-to-one; ${this.relationship.name} is a collection: use ${this}.any().`);
    return this.exists(criterion === undefined ? undefined : this.valueCriterion(criterion));
  }
  /**
   * The proxied value equals `value`: EXISTS on the relationship. For a many-to-one, `eq(null)` also
   * matches rows without a related object (as SQLAlchemy's `== None`).
   */
  eq(value: V | null): ColumnElement<boolean> {
    const expr = this.exists(this.valueIs(value));
    if (value !== null || !this.scalar) return expr;
    const rel = this.relationship;
    return or(expr, rel.direction === "MANYTOONE" ? this.parentAttr.eq(null) : not(this.parentAttr.has()));
  }
  /** The proxied value differs from `value` (or, for null, is set). */
  ne(value: V | null): ColumnElement<boolean> {
    const remote = this.remoteAttr;
    if (value === null) return this.exists(typeof remote.ne === "function" ? remote.ne(null) : not(this.valueIs(null)));
    return this.exists(typeof remote.ne === "function" ? remote.ne(value) : not(this.valueIs(value)));
  }
  toString(): string { return `${this.mapper.name}.${this.key}`; }
}
