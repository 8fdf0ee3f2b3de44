/**
 * Type-level rules: from Base.model()'s attributes to the instance type and the
 * class-level attributes. One place, tested by test/types/*.ts with tsc.
 */
import type { ColumnSpec } from "../schema/column";
import type { RelationshipSpec } from "../orm/relationship";
import type { InstrumentedAttribute, RelationshipAttribute } from "../orm/mapper";
import type { TableObject } from "../schema/table";
import type { WriteOnlyCollection } from "../orm/writeonly";
import type { AssociationProxyAttribute, AssociationProxySpec, InferProxied } from "../orm/association-proxy";
import type { ColumnPropertyAttribute, ColumnPropertySpec } from "../orm/column-property";
import type { SynonymAttribute, SynonymSpec } from "../orm/synonym";

export type AttributeSpec = ColumnSpec<any, any> | RelationshipSpec<any> | AssociationProxySpec<any, any, any> | ColumnPropertySpec<any> | SynonymSpec<string>;
export type Attributes = Record<string, AttributeSpec>;

/** A column's instance type: T when NOT NULL (primary key or nullable: false), else T | null. */
export type ColumnValue<S> = S extends ColumnSpec<infer T, infer NN> ? ([NN] extends [true] ? T : T | null) : never;
/**
 * A relationship's instance type: `Post[]` stays an array type (so `user.posts = [...]` type-checks:
 * a mapped type can't give a property different read and write types); at run time it is an
 * instrumented array that also has Python's `remove(item)`, reachable typed via `asCollection()`.
 * A write-only collection (`relationship<WriteOnlyCollection<Post>>(..., { lazy: "write_only" })`)
 * is that object, never null.
 */
export type RelationshipValue<S> = S extends RelationshipSpec<infer R> ? (R extends WriteOnlyCollection<any> ? R : R extends readonly unknown[] ? R : R | null) : never;
/** The instrumented collection behind a relationship array. */
export type Collection<T> = T[] & { remove(item: T): void; clear(): void };

// ---- association proxies -------------------------------------------------------------

/** The declared type of relationship `K` of attributes `A` (never when K names none). */
type RelTypeOf<A, K> = K extends keyof A ? (A[K] extends RelationshipSpec<infer R> ? R : never) : never;
/** The objects a relationship type holds: `Keyword[]` → Keyword, `User` → User. */
type ElementOf<R> = R extends readonly (infer E)[] ? E : NonNullable<R>;
/** Whether a proxy shows a collection: `associationProxy<string[]>`, or its relationship is an array type. */
type ProxyIsCollection<A, V, K> = [V] extends [readonly unknown[]] ? true
  : [RelTypeOf<A, K>] extends [never] ? false
  : RelTypeOf<A, K> extends readonly unknown[] ? true : false;
/** One proxied value: the type given (an array type's element), else the target attribute's type. */
export type ProxiedValue<A, V, K, Attr> = [V] extends [InferProxied]
  ? (Attr extends keyof ElementOf<RelTypeOf<A, K>> ? ElementOf<RelTypeOf<A, K>>[Attr] : unknown)
  : V extends readonly (infer E)[] ? E : V;
/**
 * An association proxy's instance type: an array of values through a collection (a live view;
 * its `remove(value)` is reachable typed via `asCollection()`), else the value or null.
 */
export type ProxyValue<A, S> = S extends AssociationProxySpec<infer V, infer K, infer Attr>
  ? (ProxyIsCollection<A, V, K> extends true ? ProxiedValue<A, V, K, Attr>[] : ProxiedValue<A, V, K, Attr> | null)
  : never;

/** A synonym's value: the instance type of the column it names. */
export type SynonymValue<A, S> = S extends SynonymSpec<infer K> ? (K extends keyof A ? ColumnValue<A[K]> : never) : never;

/** Attribute keys that are columnProperty(): read-only on instances, not accepted by the constructor. */
type ComputedKeys<A extends Attributes> = { [K in keyof A]: A[K] extends ColumnPropertySpec<any> ? K : never }[keyof A];

export type InstanceOf<A extends Attributes> = {
  -readonly [K in Exclude<keyof A, ComputedKeys<A>>]: A[K] extends ColumnSpec<any, any> ? ColumnValue<A[K]>
    : A[K] extends SynonymSpec<string> ? SynonymValue<A, A[K]>
    : A[K] extends AssociationProxySpec<any, any, any> ? ProxyValue<A, A[K]>
    : RelationshipValue<A[K]>;
} & {
  readonly [K in ComputedKeys<A>]: A[K] extends ColumnPropertySpec<infer T> ? T : never;
};

export type ClassAttributes<A extends Attributes> = {
  readonly [K in keyof A]: A[K] extends ColumnSpec<infer T, infer NN>
    ? InstrumentedAttribute<[NN] extends [true] ? T : T | null>
    : A[K] extends AssociationProxySpec<infer V, infer PK, infer Attr> ? AssociationProxyAttribute<ProxiedValue<A, V, PK, Attr>>
    : A[K] extends RelationshipSpec<infer R> ? RelationshipAttribute<R>
    : A[K] extends ColumnPropertySpec<infer T> ? ColumnPropertyAttribute<T>
    : A[K] extends SynonymSpec<string> ? SynonymAttribute<SynonymValue<A, A[K]>> : never;
};

/**
 * What `new User({...})` accepts: any subset of the attributes; a write-only collection takes an
 * array of its items (allowed while the object is new); column properties are computed, not given.
 */
export type InitOf<A extends Attributes> = {
  [K in Exclude<keyof A, ComputedKeys<A>>]?: A[K] extends RelationshipSpec<infer R> ? (R extends WriteOnlyCollection<infer T> ? readonly T[] : InstanceOf<A>[K]) : InstanceOf<A>[K];
};

export interface ModelStatics {
  /** The mapped table. */
  readonly __table__: TableObject;
}

/** The class Base.model() returns, to be extended and decorated with @mapped. */
export type ModelClass<A extends Attributes> = (new (init?: InitOf<A>) => InstanceOf<A>) & ClassAttributes<A> & ModelStatics;

/**
 * The class Base.inherit() returns: the parent's instances and statics, plus the new attributes.
 * `Omit<P, "prototype">` keeps the parent's class-level attributes (User.name) without its constructor.
 */
export type InheritedClass<P extends abstract new (...args: any) => any, A extends Attributes> =
  (new (init?: NonNullable<ConstructorParameters<P>[0]> & InitOf<A>) => InstanceType<P> & InstanceOf<A>)
  & Omit<P, "prototype"> & ClassAttributes<A> & ModelStatics;
