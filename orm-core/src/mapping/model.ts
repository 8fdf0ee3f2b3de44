/**
 * The mapping model: plain, JSON-serializable facts about mapped classes and
 * tables. Built from live classes at run time (from-classes.ts) and from
 * TypeScript source by the language server; validateMapping() and
 * deriveRelationship() read only this, so both sides share every rule.
 */

/** Opaque id of the thing an issue is about; the language server maps it to a source range. */
export type SubjectId = string;

export const subjects = {
  /** A class as a whole (its name in source). */
  cls: (cls: string): SubjectId => `class:${cls}`,
  /** An attribute (its property name in source). */
  attr: (cls: string, attr: string): SubjectId => `attr:${cls}.${attr}`,
  /** An option of a relationship (its string value in source; "target" is the first argument). */
  option: (cls: string, attr: string, option: RelationshipOptionName): SubjectId => `option:${cls}.${attr}.${option}`,
  /** A table (its name string in Base.model("t") / Table("t")). */
  table: (table: string): SubjectId => `table:${table}`,
  /** A column of a table. */
  column: (table: string, column: string): SubjectId => `column:${table}.${column}`,
  /** The n-th ForeignKey("...") of a column (its string). */
  fk: (table: string, column: string, index: number): SubjectId => `fk:${table}.${column}#${index}`,
};

export type RelationshipOptionName =
  | "target" | "backPopulates" | "backref" | "secondary" | "remoteSide" | "foreignKeys" | "orderBy" | "cascade" | "lazy" | "uselist";

export interface TypeInfo {
  /** SQLAlchemy's type class name: "Integer", "String", ... */
  readonly name: string;
  readonly length?: number;
}

export interface ForeignKeyInfo {
  /** "table.column" as written. */
  readonly target: string;
  readonly subject: SubjectId;
}

export interface ColumnInfo {
  /** SQL name. */
  readonly name: string;
  /** Attribute key on the class, when mapped by a class. */
  readonly attribute?: string;
  readonly type: TypeInfo;
  readonly primaryKey: boolean;
  readonly nullable: boolean;
  readonly foreignKeys: readonly ForeignKeyInfo[];
  readonly subject: SubjectId;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
  /** Base.model() of a class, or Table(...). */
  readonly definedBy: "class" | "table";
  readonly subject: SubjectId;
}

export interface RelationshipInfo {
  readonly owner: string;
  readonly attribute: string;
  /** Class name (a thunk is resolved to its class's name by the builder). */
  readonly target: string;
  /** From the TypeScript type argument when the source is read (Post[] → true); unknown at run time. */
  readonly declaredCollection?: boolean;
  readonly uselist?: boolean;
  readonly backPopulates?: string;
  readonly backref?: string;
  readonly secondary?: string;
  readonly remoteSide?: readonly string[];
  readonly foreignKeys?: readonly string[];
  /** Attribute names of the target, optionally followed by " desc" / " asc". Expressions are left out. */
  readonly orderBy?: readonly string[];
  readonly cascade?: string;
  readonly lazy?: string;
  readonly singleParent?: boolean;
  readonly viewonly?: boolean;
  readonly passiveDeletes?: boolean;
  /** A custom primaryJoin was given (derivation still reads the foreign keys). */
  readonly customJoin?: boolean;
  /** Created by the other side's `backref` (not written in source). */
  readonly implicit?: boolean;
  readonly subject: SubjectId;
}

export interface ClassSpec {
  readonly name: string;
  /** The class's own table (a single-table inheritance subclass: its parent's). */
  readonly tableName: string;
  /** Base.inherit(Parent, ...): the parent class's name. */
  readonly inherits?: string;
  /** @mapped applied. */
  readonly decorated: boolean;
  readonly columns: readonly { readonly attribute: string; readonly column: string }[];
  readonly relationships: readonly RelationshipInfo[];
  /** Other members (methods, hybrids, getters): a backref must not collide with them either. */
  readonly otherAttributes: readonly string[];
  readonly subject: SubjectId;
}

export interface MappingModel {
  readonly classes: readonly ClassSpec[];
  readonly tables: readonly TableSpec[];
}

export type OrmCode =
  | "ORM101" | "ORM102" | "ORM103" | "ORM104" | "ORM105" | "ORM106" | "ORM107" | "ORM108"
  | "ORM109" | "ORM110" | "ORM111" | "ORM112" | "ORM113" | "ORM114" | "ORM115" | "ORM116" | "ORM117" | "ORM201";

export interface MappingIssue {
  readonly code: OrmCode;
  readonly severity: "error" | "warning";
  /** Names the problem, where it is, and the fix; ends with [ORMxxx]. */
  readonly message: string;
  readonly subject: SubjectId;
  /** A replacement for the subject's text (did-you-mean), when there is one. */
  readonly suggestion?: string;
  /** Other places involved (the other side of a pair, the first of two duplicates). */
  readonly related?: readonly SubjectId[];
}

// ---- lookups shared by the rules ---------------------------------------------------

export function findClass(model: MappingModel, name: string): ClassSpec | undefined {
  return model.classes.find((c) => c.name === name && c.decorated) ?? model.classes.find((c) => c.name === name);
}
export function findTable(model: MappingModel, name: string): TableSpec | undefined {
  return model.tables.find((t) => t.name === name);
}
export function columnOfAttribute(model: MappingModel, cls: ClassSpec, attribute: string): ColumnInfo | undefined {
  const mapping = cls.columns.find((c) => c.attribute === attribute);
  if (!mapping) return undefined;
  return findTable(model, cls.tableName)?.columns.find((c) => c.name === mapping.column);
}
/** Every relationship of a class, including those the other side's backref creates. */
export function relationshipsOf(model: MappingModel, cls: ClassSpec): RelationshipInfo[] {
  const out = [...cls.relationships];
  for (const other of model.classes) {
    for (const rel of other.relationships) {
      if (rel.backref && rel.target === cls.name && !out.some((r) => r.attribute === rel.backref)) {
        out.push({
          owner: cls.name, attribute: rel.backref, target: other.name, backPopulates: rel.attribute, implicit: true,
          ...(rel.secondary ? { secondary: rel.secondary } : {}),
          subject: subjects.option(other.name, rel.attribute, "backref"),
        });
      }
    }
  }
  return out;
}

// ---- inheritance: what a subclass has from its parents (Base.inherit) -------------------------

/** The class and its parents, nearest first. */
export function lineageOf(model: MappingModel, cls: ClassSpec): ClassSpec[] {
  const out: ClassSpec[] = [];
  for (let c: ClassSpec | undefined = cls; c && !out.includes(c); c = c.inherits ? findClass(model, c.inherits) : undefined) out.push(c);
  return out;
}
/** Every relationship an instance of the class has: its own, then those it inherits. */
export function inheritedRelationshipsOf(model: MappingModel, cls: ClassSpec): RelationshipInfo[] {
  const out: RelationshipInfo[] = [];
  for (const c of lineageOf(model, cls)) for (const r of relationshipsOf(model, c)) if (!out.some((o) => o.attribute === r.attribute)) out.push(r);
  return out;
}
/** The column behind an attribute of the class or of a parent, with the class that maps it. */
export function inheritedColumnOfAttribute(model: MappingModel, cls: ClassSpec, attribute: string): { column: ColumnInfo; owner: ClassSpec } | undefined {
  for (const c of lineageOf(model, cls)) {
    const column = columnOfAttribute(model, c, attribute);
    if (column) return { column, owner: c };
  }
  return undefined;
}
