/**
 * orm-core: the SQLAlchemy ORM for TypeScript on better-sqlite3.
 * The one public entry, grouped by layer: schema → sql → engine → mapping → orm.
 */
// schema
export {
  Integer, BigInteger, SmallInteger, String, Text, Boolean, Float, Numeric, DateTime, Date, Time, JSON, LargeBinary, Enum, Uuid,
  type TypeEngine,
} from "./schema/types";
export { Column, type ColumnSpec, type ColumnOptions } from "./schema/column";
export { ForeignKey, UniqueConstraint, Index, CheckConstraint } from "./schema/constraints";
export { Table, TableColumn, TableObject } from "./schema/table";
export { MetaData } from "./schema/metadata";
export { createTableSql } from "./schema/ddl";
export { ddlForTableSpec } from "./schema/from-spec";
// sql
export { ColumnElement, and, or, not, literal, text, desc, asc, nullsFirst, nullsLast, case_ as case, cast } from "./sql/expressions";
export { select, Select, Subquery } from "./sql/select";
export { union, unionAll, intersect, except_, CompoundSelect, CTE } from "./sql/compound";
export { insert, update, deleteFrom, Insert, Update, Delete } from "./sql/dml";
export { func, exists } from "./sql/functions";
export { quoteIdentifier } from "./sql/compiler";
// engine
export { createEngine, Engine, Connection, type CompiledQuery, type EngineOptions } from "./engine/engine";
export { Result, ScalarResult, MappingResult, type Row, type FrozenResult } from "./engine/result";
// errors
export * from "./errors/errors";
export { is } from "./util/kind";
// mapping
export { declarativeBase, mapped, Registry, type DeclarativeBase, type ModelOptions, type InheritOptions } from "./mapping/declarative";
export type { InstanceOf, ModelClass, InheritedClass, Attributes, Collection } from "./types/infer";
// orm
export { relationship, type RelationshipOptions, type RelationshipSpec } from "./orm/relationship";
export { InstrumentedAttribute, RelationshipAttribute, AliasedClass } from "./orm/mapper";
export { Session, sessionmaker, SessionTransaction, NestedTransaction, type SessionOptions, type SessionMaker } from "./orm/session";
export { makeTransient, makeTransientToDetached } from "./orm/transient";
export { joinedload, selectinload, lazyload, raiseload, noload, containsEager, LoaderOption, loadOnly, defer, undefer, undeferGroup, ColumnLoaderOption } from "./orm/strategy-options";
export { hybridProperty, validates } from "./orm/hybrid";
export { checkHybrids, assertHybridsAgree, HybridMismatchError, type HybridMismatch, type CheckHybridsOptions } from "./orm/hybrid-check";
export { columnProperty, ColumnPropertyAttribute, type ColumnPropertySpec, type ColumnPropertyOptions } from "./orm/column-property";
export { inspect } from "./orm/inspect";
export { aliased, type Aliased } from "./orm/aliased";
export { asCollection } from "./orm/collections";
export { WriteOnlyCollection, DynamicCollection } from "./orm/writeonly";
export { synonym, SynonymAttribute, type SynonymSpec } from "./orm/synonym";
export { associationProxy, AssociationProxyAttribute, type AssociationProxySpec, type AssociationProxyOptions } from "./orm/association-proxy";
// events
export { event } from "./events/registry";
export { EVENT_NAMES } from "./events/catalog";
// shared analysis (pure: used by the language server without a database)
export { validateMapping } from "./mapping/validate/index";
export { deriveRelationship, type DerivedRelationship, type ColumnRef, type Direction } from "./mapping/derive";
export { parseCascade, CASCADE_WORDS, type CascadeSet } from "./mapping/cascade";
export {
  subjects, relationshipsOf, findClass, findTable, columnOfAttribute,
  type MappingModel, type ClassSpec, type TableSpec, type ColumnInfo, type RelationshipInfo, type MappingIssue, type SubjectId, type OrmCode, type TypeInfo,
} from "./mapping/model";
export { ORM_CODES } from "./errors/codes";
export { suggest } from "./util/suggest";
