/**
 * Runtime brands. The query-lens child loads the user's copy of orm-core while
 * the extension ships its own, so `instanceof` across copies lies; a brand
 * under a registered symbol does not.
 */
export const ormKind: unique symbol = Symbol.for("orm-core.kind") as never;

export type OrmKind =
  | "Table" | "Column" | "ColumnElement" | "Select" | "Insert" | "Update" | "Delete"
  | "MappedClass" | "InstrumentedAttribute" | "RelationshipAttribute" | "Engine" | "Session"
  | "LoaderOption" | "Subquery" | "TypeEngine" | "ForeignKey" | "Constraint" | "Text" | "ColumnSpec" | "RelationshipSpec" | "MetaData"
  | "AssociationProxySpec" | "AssociationProxyAttribute";

export function is(x: unknown, kind: OrmKind): boolean {
  return (typeof x === "object" || typeof x === "function") && x !== null && (x as any)[ormKind] === kind;
}

export function brand<T extends object>(x: T, kind: OrmKind): T {
  Object.defineProperty(x, ormKind, { value: kind, enumerable: false });
  return x;
}
