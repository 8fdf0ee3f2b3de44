/**
 * Table and its columns: what the database holds. `Table(name, metadata, ...)`
 * for association tables; Base.model() builds one per mapped class.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { ColumnElement } from "../sql/expressions";
import { clauseElement, describe, fromElement, tableTarget, type TableTarget } from "../sql/coerce";
import type { AliasNode, ColumnNode, ExprNode, FromNode, TableNode } from "../sql/nodes";
import { isColumnSpec, type ColumnSpec } from "./column";
import { isConstraintSpec, type ConstraintSpec, type ForeignKeyObj, type ForeignKeyOptions } from "./constraints";
import type { TypeEngine } from "./types";
import type { MetaData } from "./metadata";

/** A column that belongs to a table: an SQL expression, and the facts DDL and the ORM need. */
export class TableColumn<T = unknown> extends ColumnElement<T> {
  readonly table: TableObject;
  /** SQL name. */
  readonly name: string;
  /** Attribute key (the mapped attribute's name, or the SQL name). */
  readonly key: string;
  readonly spec: ColumnSpec<T>;
  readonly foreignKeys: ForeignKeyObj[] = [];
  constructor(table: TableObject, key: string, spec: ColumnSpec<T>) {
    super(undefined as never);
    this.table = table;
    this.key = key;
    this.name = spec.name ?? key;
    this.spec = spec;
    const node: ColumnNode = { kind: "column", column: this as TableColumn, from: table.node, type: spec.type };
    (this as { node: ExprNode }).node = node;
  }
  override get [ormKind](): any { return "Column"; }
  override get type(): TypeEngine<T> { return this.spec.type; }
  get primaryKey(): boolean { return !!this.spec.options.primaryKey; }
  /** Primary keys are NOT NULL unless said otherwise, as in SQLAlchemy. */
  get nullable(): boolean { return this.spec.options.nullable ?? !this.primaryKey; }
  get default(): unknown { return this.spec.options.default; }
  get onupdate(): unknown { return this.spec.options.onupdate; }
  get serverDefault(): string | number | undefined { return this.spec.options.serverDefault; }
  get unique(): boolean { return !!this.spec.options.unique; }
  get index(): boolean { return !!this.spec.options.index; }
  /** "table.column" */
  get fullname(): string { return `${this.table.name}.${this.name}`; }
  /** The same column seen through an alias of its table. */
  through(from: TableNode | AliasNode): ColumnNode { return { kind: "column", column: this as TableColumn, from, type: this.spec.type }; }
  override toString(): string { return this.fullname; }
}

export type TableItem = ColumnSpec<any, any> | ConstraintSpec;

export class TableObject {
  readonly name: string;
  readonly metadata: MetaData;
  readonly columns: TableColumn[] = [];
  /** Columns by key: `table.c.user_id`. */
  readonly c: Record<string, TableColumn> = Object.create(null);
  readonly constraints: ConstraintSpec[] = [];
  readonly node: TableNode;
  /** Set by Base.model(): the mapped class's name, for messages. */
  mappedBy?: string;
  private aliasCount = 0;

  constructor(name: string, metadata: MetaData, items: readonly (readonly [string | undefined, TableItem])[]) {
    if (typeof name !== "string" || !name) throw new ArgumentError(`Table() needs a name first: Table("post_tags", Base.metadata, ...).`);
    this.name = name;
    this.metadata = metadata;
    this.node = Object.freeze({ kind: "table", table: this });
    for (const [key, item] of items) {
      if (isColumnSpec(item)) this.addColumn(key ?? item.name, item);
      else if (isConstraintSpec(item)) this.constraints.push(item);
      else throw new ArgumentError(`Table(${JSON.stringify(name)}) takes Column(...)s and constraints, got ${describe(item)}.`);
    }
    for (const cons of this.constraints) {
      if (cons.kind !== "check") for (const col of cons.columns) this.resolveColumn(col, cons.kind === "index" ? `Index(${JSON.stringify(cons.name)})` : "UniqueConstraint");
    }
  }
  get [ormKind](): "Table" { return "Table"; }
  [fromElement](): FromNode { return this.node; }
  [tableTarget](): TableTarget {
    return {
      table: this, from: this.node, label: `table ${JSON.stringify(this.name)}`,
      columnFor: (key) => this.c[key], expressionFor: (key) => this.c[key]?.node, keys: () => Object.keys(this.c),
    };
  }

  /** Adds a column after the table was made: a single-table inheritance subclass's own columns. */
  appendColumn(key: string, spec: ColumnSpec): TableColumn {
    this.addColumn(key, spec);
    return this.c[key]!;
  }

  private addColumn(key: string | undefined, spec: ColumnSpec): void {
    if (!key) throw new ArgumentError(`A column of Table(${JSON.stringify(this.name)}) has no name: write Column("name", Integer, ...).`);
    if (key in this.c) throw new ArgumentError(`Table ${JSON.stringify(this.name)} has two columns named ${JSON.stringify(key)}.`);
    const column = new TableColumn(this, key, spec);
    this.pkColumns = undefined;
    this.columns.push(column);
    this.c[key] = column;
    for (const fk of spec.foreignKeys) column.foreignKeys.push(makeForeignKey(column, fk.target, fk.options));
  }

  resolveColumn(col: string | TableColumn, where: string): TableColumn {
    if (typeof col !== "string") return col;
    const found = this.c[col] ?? this.columns.find((c) => c.name === col);
    if (!found) throw new ArgumentError(`${where} on table ${JSON.stringify(this.name)} names column ${JSON.stringify(col)}, which the table does not have.`);
    return found;
  }

  private pkColumns: TableColumn[] | undefined;
  /** The primary key columns (cached: the flush reads them per row). */
  get primaryKey(): TableColumn[] { return (this.pkColumns ??= this.columns.filter((c) => c.primaryKey)); }
  get foreignKeys(): ForeignKeyObj[] { return this.columns.flatMap((c) => c.foreignKeys); }

  /** `users AS users_1`: the same table under another name, for self-joins. */
  alias(name?: string): TableAlias {
    return new TableAlias(this, name ?? `${this.name}_${++this.aliasCount}`);
  }
  toString(): string { return this.name; }
}

export class TableAlias {
  readonly node: AliasNode;
  readonly c: Record<string, ColumnElement>;
  constructor(readonly table: TableObject, readonly name: string) {
    this.node = Object.freeze({ kind: "alias", name, element: table.node });
    this.c = Object.create(null);
    for (const col of table.columns) this.c[col.key] = new ColumnElement(col.through(this.node));
  }
  [fromElement](): FromNode { return this.node; }
}

function makeForeignKey(parent: TableColumn, target: string | TableColumn, options: ForeignKeyOptions): ForeignKeyObj {
  const targetFullname = typeof target === "string" ? target : target.fullname;
  let resolved: TableColumn | undefined = typeof target === "string" ? undefined : target;
  return {
    parent,
    targetFullname,
    options,
    get column(): TableColumn {
      if (resolved) return resolved;
      const [tname, cname] = targetFullname.split(".") as [string, string];
      const table = parent.table.metadata.tables.get(tname);
      if (!table) {
        throw new ArgumentError(`ForeignKey("${targetFullname}") on ${parent.fullname} names table "${tname}", which is not in this MetaData. Define that table, or fix the name. [ORM104]`, { code: "ORM104" });
      }
      const col = table.columns.find((c) => c.name === cname);
      if (!col) {
        throw new ArgumentError(`ForeignKey("${targetFullname}") on ${parent.fullname} names column "${cname}", which table "${tname}" does not have (it has ${table.columns.map((c) => c.name).join(", ")}). [ORM105]`, { code: "ORM105" });
      }
      return (resolved = col);
    },
  };
}

/**
 * `Table(name, metadata, ...columns, ...constraints)`, for association tables.
 * @example
 *   const postTags = Table("post_tags", Base.metadata,
 *     Column("post_id", Integer, ForeignKey("posts.id"), { primaryKey: true }),
 *     Column("tag_id", Integer, ForeignKey("tags.id"), { primaryKey: true }));
 */
export function Table(name: string, metadata: MetaData, ...items: TableItem[]): TableObject {
  if (!metadata || (metadata as any)[ormKind] !== "MetaData") {
    throw new ArgumentError(`Table(${JSON.stringify(name)}, ...) needs a MetaData second: Table("post_tags", Base.metadata, ...).`);
  }
  const table = new TableObject(name, metadata, items.map((i) => [undefined, i] as const));
  metadata.add(table);
  return table;
}
export type Table = TableObject;

export function isTable(x: unknown): x is TableObject {
  return (typeof x === "object") && x !== null && (x as any)[ormKind] === "Table";
}
void clauseElement;
