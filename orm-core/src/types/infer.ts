/**
 * Type-level rules: from Base.model()'s attributes to the instance type and the
 * class-level attributes. One place, tested by test/types/*.ts with tsc.
 */
import type { ColumnSpec } from "../schema/column";
import type { RelationshipSpec } from "../orm/relationship";
import type { InstrumentedAttribute, RelationshipAttribute } from "../orm/mapper";
import type { TableObject } from "../schema/table";
import type { ColumnPropertyAttribute, ColumnPropertySpec } from "../orm/column-property";

export type AttributeSpec = ColumnSpec<any, any> | RelationshipSpec<any> | ColumnPropertySpec<any>;
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

/** Attribute keys that are columnProperty(): read-only on instances, not accepted by the constructor. */
type ComputedKeys<A extends Attributes> = { [K in keyof A]: A[K] extends ColumnPropertySpec<any> ? K : never }[keyof A];

export type InstanceOf<A extends Attributes> = {
  -readonly [K in Exclude<keyof A, ComputedKeys<A>>]: A[K] extends ColumnSpec<any, any> ? ColumnValue<A[K]> : RelationshipValue<A[K]>;
} & {
  readonly [K in ComputedKeys<A>]: A[K] extends ColumnPropertySpec<infer T> ? T : never;
};

export type ClassAttributes<A extends Attributes> = {
  readonly [K in keyof A]: A[K] extends ColumnSpec<infer T, infer NN>
    ? InstrumentedAttribute<[NN] extends [true] ? T : T | null>
    : A[K] extends RelationshipSpec<infer R> ? RelationshipAttribute<R>
    : A[K] extends ColumnPropertySpec<infer T> ? ColumnPropertyAttribute<T> : never;
};

/** What `new User({...})` accepts: any subset of the attributes (column properties are computed, not given). */
export type InitOf<A extends Attributes> = Partial<Omit<InstanceOf<A>, ComputedKeys<A>>>;

export interface ModelStatics {
  /** The mapped table. */
  readonly __table__: TableObject;
}

/** The class Base.model() returns, to be extended and decorated with @mapped. */
export type ModelClass<A extends Attributes> = (new (init?: InitOf<A>) => InstanceOf<A>) & ClassAttributes<A> & ModelStatics;
