/**
 * declarativeBase(), Base.model(table, attrs) and @mapped: how classes become
 * mapped. The Registry resolves class names late (so classes may refer to each
 * other in any order) and configures all mappers at first use.
 */
import { ormKind } from "../util/kind";
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import { describe } from "../sql/coerce";
import { MetaData } from "../schema/metadata";
import { TableObject, type TableItem } from "../schema/table";
import { isColumnSpec } from "../schema/column";
import { isConstraintSpec } from "../schema/constraints";
import { clauseElement, fromElement, tableTarget } from "../sql/coerce";
import { isRelationshipSpec, type RelationshipSpec } from "../orm/relationship";
import { AssociationProxyAttribute, instrumentProxy, isAssociationProxySpec } from "../orm/association-proxy";
import { InstrumentedAttribute, Mapper, RelationshipAttribute, mapperOf, setMapper } from "../orm/mapper";
import { initInstance, instrumentClass } from "../orm/attributes";
import { applyClassDecorations } from "../orm/hybrid";
import { installColumnProperties, isColumnPropertySpec } from "../orm/column-property";
import { installSynonyms, isSynonymSpec } from "../orm/synonym";
import type { Attributes, InheritedClass, ModelClass } from "../types/infer";
import { configureRegistry } from "./configure";

// TS 5 decorators keep per-class metadata only where Symbol.metadata exists (Node 20 lacks it).
(Symbol as any).metadata ??= Symbol.for("Symbol.metadata");

export interface ModelOptions {
  /** Table-level constraints: UniqueConstraint, Index, CheckConstraint. */
  tableArgs?: readonly TableItem[];
  /**
   * An integer column (by attribute name) that counts the row's versions: every UPDATE sets it
   * to old + 1 and matches the old value, so a concurrent change raises StaleDataError instead
   * of being overwritten (SQLAlchemy's version_id_col).
   */
  versionIdCol?: string;
  /**
   * Inheritance: the column (by attribute name) whose value says which class a row is
   * (SQLAlchemy's polymorphic_on). Given on the base class of a hierarchy.
   */
  polymorphicOn?: string;
  /** The value of the polymorphicOn column that marks rows of this class. */
  polymorphicIdentity?: string | number;
}

/** Options of a subclass in an inheritance hierarchy (Base.inherit). */
export interface InheritOptions {
  /** The value of the base class's polymorphicOn column that marks rows of this class. */
  polymorphicIdentity?: string | number;
}

/** What Base.model() recorded for the class it returned. */
export interface ModelBaseInfo {
  readonly tableName: string;
  readonly attrs: Attributes;
  readonly table: TableObject;
  readonly registry: Registry;
  readonly options: ModelOptions;
  /** Base.inherit(): the parent class's mapper; `single` when the subclass shares its table. */
  readonly inherits?: { readonly parent: Mapper; readonly single: boolean };
  mappedBy?: Function;
}
const modelBases = new WeakMap<Function, ModelBaseInfo>();

export class Registry {
  readonly mappers = new Map<string, Mapper>();
  /** Classes registered under a name already taken (ORM111 at configure). */
  readonly duplicateNames: { name: string; cls: Function }[] = [];
  /** Every Base.model() call, to find classes left without @mapped (ORM115). */
  readonly modelBases: ModelBaseInfo[] = [];
  configured = false;
  private configuring = false;
  constructor(readonly metadata: MetaData) {}

  register(mapper: Mapper): void {
    if (this.mappers.has(mapper.name)) this.duplicateNames.push({ name: mapper.name, cls: mapper.cls });
    else this.mappers.set(mapper.name, mapper);
    this.configured = false;
  }
  /** Resolves `relationship("Post")` or a thunk to a mapper. */
  resolve(target: string | (() => unknown)): Mapper | undefined {
    if (typeof target === "string") return this.mappers.get(target);
    const cls = target();
    return mapperOf(cls);
  }
  /** Configures every mapper once (derives relationships, validates the mapping); throws the first error. */
  configure(): void {
    if (this.configured || this.configuring) return;
    this.configuring = true;
    try {
      configureRegistry(this);
      this.configured = true;
    } finally {
      this.configuring = false;
    }
  }
}

export interface DeclarativeBase {
  readonly metadata: MetaData;
  readonly registry: Registry;
  /**
   * The class to extend for a mapped table.
   * @example
   *   @mapped class User extends Base.model("users", { id: Column(Integer, { primaryKey: true }) }) {}
   */
  model<const A extends Attributes>(tableName: string, attributes: A, options?: ModelOptions): ModelClass<A>;
  /**
   * The class to extend for a subclass of a mapped class. With a table name: joined-table
   * inheritance (the subclass's own columns live in their own table, joined on the primary key);
   * without: single-table inheritance (its columns are added to the parent's table).
   * The base class names the discriminator: Base.model("employees", {...}, { polymorphicOn: "type" }).
   * @example
   *   @mapped class Engineer extends Base.inherit(Employee, "engineers", {
   *     id: Column(Integer, ForeignKey("employees.id"), { primaryKey: true }),
   *     language: Column(String(30)),
   *   }, { polymorphicIdentity: "engineer" }) {}
   *   @mapped class Manager extends Base.inherit(Employee, { budget: Column(Integer) }, { polymorphicIdentity: "manager" }) {}
   */
  inherit<P extends abstract new (...args: any) => any, const A extends Attributes>(parent: P, tableName: string, attributes: A, options?: InheritOptions): InheritedClass<P, A>;
  inherit<P extends abstract new (...args: any) => any, const A extends Attributes>(parent: P, attributes: A, options?: InheritOptions): InheritedClass<P, A>;
}

/**
 * A new declarative base: one MetaData and one class registry.
 * @example const Base = declarativeBase();
 */
export function declarativeBase(options: { metadata?: MetaData } = {}): DeclarativeBase {
  const metadata = options.metadata ?? new MetaData();
  const registry = new Registry(metadata);
  return {
    metadata,
    registry,
    model<const A extends Attributes>(tableName: string, attributes: A, opts: ModelOptions = {}): ModelClass<A> {
      if (typeof tableName !== "string" || !tableName) throw new ArgumentError(`Base.model() needs the table name first: Base.model("users", { ... }).`);
      const items: [string | undefined, TableItem][] = columnItems(`Base.model(${JSON.stringify(tableName)})`, attributes);
      for (const cons of opts.tableArgs ?? []) {
        if (!isConstraintSpec(cons)) throw new ArgumentError(`tableArgs takes UniqueConstraint / Index / CheckConstraint, got ${describe(cons)}.`);
        items.push([undefined, cons]);
      }
      const table = new TableObject(tableName, metadata, items);
      metadata.add(table, { deferDuplicate: true });
      if (opts.versionIdCol !== undefined && !isColumnSpec((attributes as Attributes)[opts.versionIdCol])) {
        throw new ArgumentError(`Base.model(${JSON.stringify(tableName)}): versionIdCol ${JSON.stringify(opts.versionIdCol)} must name one of its columns, e.g. version: Column(Integer, { nullable: false }).`);
      }
      if (opts.polymorphicOn !== undefined && !isColumnSpec((attributes as Attributes)[opts.polymorphicOn])) {
        throw new ArgumentError(`Base.model(${JSON.stringify(tableName)}): polymorphicOn ${JSON.stringify(opts.polymorphicOn)} must name one of its columns, e.g. type: Column(String(20)).`);
      }
      const info: ModelBaseInfo = { tableName, attrs: attributes, table, registry, options: opts };
      registry.modelBases.push(info);

      // The class users extend. Its constructor refuses to build instances of unmapped subclasses.
      const ModelBase = class {
        constructor(init?: Record<string, unknown>) {
          const mapper = mapperOf(new.target);
          if (!mapper) {
            throw new InvalidRequestError(`Class ${new.target.name} extends Base.model(${JSON.stringify(tableName)}) but is not mapped: put @mapped above "class ${new.target.name}". [ORM115]`, { code: "ORM115" });
          }
          initInstance(this, mapper, init);
        }
      };
      Object.defineProperty(ModelBase, "name", { value: `Model(${tableName})` });
      Object.defineProperty(ModelBase, "__table__", { value: table });
      modelBases.set(ModelBase, info);
      return ModelBase as unknown as ModelClass<A>;
    },
    inherit(parent: abstract new (...args: any) => any, a: string | Attributes, b?: Attributes | InheritOptions, c?: InheritOptions): any {
      const parentMapper = typeof parent === "function" ? mapperOf(parent) : undefined;
      if (!parentMapper || parentMapper.cls !== parent) throw new ArgumentError(`Base.inherit() takes a @mapped class first: Base.inherit(Employee, { ... }, { polymorphicIdentity: "manager" }), got ${describe(parent)}.`);
      if (parentMapper.registry !== registry) throw new ArgumentError(`Base.inherit(${parentMapper.name}, ...): ${parentMapper.name} belongs to another declarativeBase(); inherit through its own Base.`);
      const single = typeof a !== "string";
      const attributes = (single ? a : b) as Attributes;
      const opts = ((single ? b : c) ?? {}) as InheritOptions;
      const where = single ? `Base.inherit(${parentMapper.name}, ...)` : `Base.inherit(${parentMapper.name}, ${JSON.stringify(a)}, ...)`;
      if (!single && !a) throw new ArgumentError(`${where} needs a table name (joined-table inheritance) or none at all (single-table inheritance).`);
      const items = columnItems(where, attributes);
      if (parentMapper.polymorphicOnProp === undefined) {
        throw new ArgumentError(`${where}: the base class ${parentMapper.root.name} names no discriminator column; add { polymorphicOn: "type" } to its Base.model(...) so rows of each class can be told apart.`);
      }
      if (opts.polymorphicIdentity === undefined) throw new ArgumentError(`${where} needs { polymorphicIdentity: "..." }: the value of ${parentMapper.root.name}.${parentMapper.polymorphicOnProp.key} that marks its rows.`);
      let table: TableObject;
      if (single) {
        // Single-table inheritance: the subclass's columns join its parent's table.
        table = parentMapper.table;
        for (const [key, spec] of items) {
          if (parentMapper.columnPropByKey.has(key!) || key! in table.c) throw new ArgumentError(`${where}: ${JSON.stringify(key)} is already a column of ${table.name}; a single-table subclass adds new columns only.`);
          table.appendColumn(key!, spec as never);
        }
      } else {
        for (const [key, spec] of items) {
          if (!parentMapper.columnPropByKey.has(key!)) continue;
          if (!isColumnSpec(spec) || !spec.options.primaryKey) throw new ArgumentError(`${where}: ${JSON.stringify(key)} is an attribute of ${parentMapper.name}; only the primary key that refers to ${parentMapper.table.name} may repeat a parent's name.`);
        }
        table = new TableObject(a as string, metadata, items);
        metadata.add(table, { deferDuplicate: true });
      }
      const info: ModelBaseInfo = { tableName: table.name, attrs: attributes, table, registry, options: opts, inherits: { parent: parentMapper, single } };
      registry.modelBases.push(info);
      const InheritBase = class extends (parent as new (...args: any) => any) {};
      Object.defineProperty(InheritBase, "name", { value: `Inherit(${parentMapper.name})` });
      Object.defineProperty(InheritBase, "__table__", { value: table });
      modelBases.set(InheritBase, info);
      return InheritBase;
    },
  };
}

/**
 * Maps a class that extends Base.model(...). A standard TS 5 class decorator;
 * `mapped(User)` also works as a plain call.
 * @example @mapped class User extends Base.model("users", { ... }) {}
 */
export function mapped<C extends abstract new (...args: any) => any>(cls: C, _context?: ClassDecoratorContext<C>): C {
  if (typeof cls !== "function") throw new ArgumentError(`@mapped decorates a class, got ${describe(cls)}.`);
  const base = Object.getPrototypeOf(cls);
  const info = modelBases.get(base);
  if (!info) {
    throw new ArgumentError(`@mapped class ${cls.name} must extend Base.model("table", { ... }) directly.`);
  }
  if (info.mappedBy) {
    throw new ArgumentError(`Base.model(${JSON.stringify(info.tableName)}) is already mapped by ${info.mappedBy.name}; each class needs its own Base.model(...). [ORM111]`, { code: "ORM111" });
  }
  info.mappedBy = cls;
  const name = cls.name;
  info.table.mappedBy = name;
  const columnKeys = Object.keys(info.attrs).filter((k) => isColumnSpec(info.attrs[k]));
  const relKeys = Object.keys(info.attrs).filter((k) => isRelationshipSpec(info.attrs[k]));
  const opts = info.options as ModelOptions & InheritOptions;
  const mapper = new Mapper(cls, name, info.table, info.registry, columnKeys, relKeys, {
    ...(info.inherits ? { inherits: info.inherits.parent, single: info.inherits.single } : {}),
    ...(opts.polymorphicOn !== undefined ? { polymorphicOn: opts.polymorphicOn } : {}),
    ...(opts.polymorphicIdentity !== undefined ? { polymorphicIdentity: opts.polymorphicIdentity } : {}),
  });
  if (info.options.versionIdCol !== undefined) mapper.versionProp = mapper.columnPropByKey.get(info.options.versionIdCol);
  setMapper(cls, mapper);

  // Class-level attributes. `name` and `length` are own properties of every function: redefine them.
  for (const prop of mapper.columnProps) {
    Object.defineProperty(cls, prop.key, { value: new InstrumentedAttribute(mapper, prop.key, prop.column), configurable: true, enumerable: false, writable: false });
  }
  for (const key of relKeys) {
    Object.defineProperty(cls, key, { value: new RelationshipAttribute(mapper, key), configurable: true, enumerable: false, writable: false });
  }
  for (const [key, spec] of Object.entries(info.attrs)) {
    if (!isAssociationProxySpec(spec)) continue;
    mapper.proxies.set(key, spec);
    Object.defineProperty(cls, key, { value: new AssociationProxyAttribute(mapper, key, spec), configurable: true, enumerable: false, writable: false });
    instrumentProxy(base.prototype, mapper, key, spec);
  }
  Object.defineProperty(cls, ormKind, { value: "MappedClass" });
  Object.defineProperty(cls, "__mapper__", { value: mapper });
  Object.defineProperty(cls, clauseElement, { value: () => mapper.entityNode(mapper.baseNode, cls) });
  Object.defineProperty(cls, fromElement, { value: () => mapper.baseNode });
  Object.defineProperty(cls, tableTarget, { value: () => mapper.tableTarget() });
  instrumentClass(base.prototype, mapper);
  installColumnProperties(cls, base.prototype, mapper, info.attrs);
  installSynonyms(cls, base.prototype, mapper, info.attrs);
  // Decorator metadata reaches the class only after class decorators ran: read it from the context.
  applyClassDecorations(cls, mapper, (_context?.metadata ?? (cls as any)[(Symbol as any).metadata]) as Record<symbol, unknown> | undefined);
  info.registry.register(mapper);
  return cls;
}

/** Base.model / Base.inherit attributes → the table's column items (relationships are read later). */
function columnItems(where: string, attributes: Attributes): [string, TableItem][] {
  if (attributes === null || typeof attributes !== "object") throw new ArgumentError(`${where} needs an object of attributes: { id: Column(Integer, { primaryKey: true }), ... }.`);
  const items: [string, TableItem][] = [];
  for (const [key, spec] of Object.entries(attributes)) {
    if (isColumnSpec(spec)) items.push([key, spec]);
    else if (!isRelationshipSpec(spec) && !isAssociationProxySpec(spec) && !isColumnPropertySpec(spec) && !isSynonymSpec(spec)) {
      throw new ArgumentError(`${where}: attribute ${JSON.stringify(key)} must be Column(...), relationship(...), columnProperty(...), associationProxy(...) or synonym(...), got ${describe(spec)}.`);
    }
  }
  return items;
}

/** The relationship specs of a mapped class, as written (used by configure and from-classes). */
export function relationshipSpecsOf(mapper: Mapper): Map<string, RelationshipSpec> {
  const info = modelBases.get(Object.getPrototypeOf(mapper.cls))!;
  const out = new Map<string, RelationshipSpec>();
  for (const [k, v] of Object.entries(info.attrs)) if (isRelationshipSpec(v)) out.set(k, v);
  return out;
}
export function modelBaseOf(cls: Function): ModelBaseInfo | undefined { return modelBases.get(Object.getPrototypeOf(cls)); }
