/**
 * Type-level rules: from Base.model()'s attributes to the instance type and the
 * class-level attributes. One place, tested by test/types/*.ts with tsc.
 */
import type { ColumnSpec } from "../schema/column";
import type { RelationshipSpec } from "../orm/relationship";
import type { InstrumentedAttribute, RelationshipAttribute } from "../orm/mapper";
import type { TableObject } from "../schema/table";

export type AttributeSpec = ColumnSpec<any, any> | RelationshipSpec<any>;
export type Attributes = Record<string, AttributeSpec>;

/** A column's instance type: T when NOT NULL (primary key or nullable: false), else T | null. */
export type ColumnValue<S> = S extends ColumnSpec<infer T, infer NN> ? ([NN] extends [true] ? T : T | null) : never;
/**
 * A relationship's instance type: `Post[]` stays an array type (so `user.posts = [...]` type-checks:
 * a mapped type can't give a property different read and write types); at run time it is an
 * instrumented array that also has Python's `remove(item)`, reachable typed via `asCollection()`.
 */
export type RelationshipValue<S> = S extends RelationshipSpec<infer R> ? (R extends readonly unknown[] ? R : R | null) : never;
/** The instrumented collection behind a relationship array. */
export type Collection<T> = T[] & { remove(item: T): void; clear(): void };

export type InstanceOf<A extends Attributes> = {
  -readonly [K in keyof A]: A[K] extends ColumnSpec<any, any> ? ColumnValue<A[K]> : RelationshipValue<A[K]>;
};

export type ClassAttributes<A extends Attributes> = {
  readonly [K in keyof A]: A[K] extends ColumnSpec<infer T, infer NN>
    ? InstrumentedAttribute<[NN] extends [true] ? T : T | null>
    : A[K] extends RelationshipSpec<infer R> ? RelationshipAttribute<R> : never;
};

/** What `new User({...})` accepts: any subset of the attributes. */
export type InitOf<A extends Attributes> = Partial<InstanceOf<A>>;

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
