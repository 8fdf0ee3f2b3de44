/**
 * Direction and join condition of a relationship, derived from foreign keys as
 * SQLAlchemy's RelationshipProperty does. Plain data in, plain data out: the
 * runtime maps the column references to its Column objects; the language
 * server shows them in hover.
 */
import {
  columnOfAttribute, findClass, findTable, inheritedColumnOfAttribute, subjects, type ClassSpec, type ColumnInfo, type MappingIssue, type MappingModel,
  type RelationshipInfo, type TableSpec,
} from "./model";

export type Direction = "ONETOMANY" | "MANYTOONE" | "MANYTOMANY";
export interface ColumnRef { readonly table: string; readonly column: string }

export interface DerivedRelationship {
  readonly direction: Direction;
  /**
   * For ONETOMANY / MANYTOONE: [column of the owner's table, column of the target's table]
   * pairs of the join condition (owner.id = target.owner_id, or owner.target_id = target.id).
   */
  readonly pairs: readonly (readonly [ColumnRef, ColumnRef])[];
  /** For MANYTOMANY: the association table and its pairs to each side. */
  readonly secondary?: string;
  /** [owner column, secondary column] */
  readonly secondaryLocal: readonly (readonly [ColumnRef, ColumnRef])[];
  /** [target column, secondary column] */
  readonly secondaryRemote: readonly (readonly [ColumnRef, ColumnRef])[];
  /** Collection (true) or scalar. */
  readonly uselist: boolean;
}

export type DeriveResult = { ok: true; value: DerivedRelationship } | { ok: false; issues: MappingIssue[] };

interface Fk { from: ColumnInfo; table: TableSpec; toTable: string; toColumn: string }

function foreignKeys(table: TableSpec): Fk[] {
  const out: Fk[] = [];
  for (const col of table.columns) {
    for (const fk of col.foreignKeys) {
      const [toTable, toColumn] = fk.target.split(".") as [string, string];
      out.push({ from: col, table, toTable, toColumn });
    }
  }
  return out;
}

const ref = (table: string, column: string): ColumnRef => ({ table, column });
const issue = (code: MappingIssue["code"], subject: string, message: string): MappingIssue => ({ code, severity: "error", subject, message: `${message} [${code}]` });

/** Resolves the names in `foreignKeys` (attributes of the owner, else of the target) to column names. */
function namedColumns(model: MappingModel, owner: ClassSpec, target: ClassSpec, names: readonly string[] | undefined): Set<string> | undefined {
  if (!names) return undefined;
  const out = new Set<string>();
  for (const n of names) {
    // An attribute of the class or of a parent (Base.inherit), in the table of the class that maps it.
    const own = inheritedColumnOfAttribute(model, owner, n);
    const found = own ?? inheritedColumnOfAttribute(model, target, n);
    if (found) out.add(`${found.owner.tableName}.${found.column.name}`);
  }
  return out;
}

export function deriveRelationship(model: MappingModel, rel: RelationshipInfo): DeriveResult | undefined {
  const owner = findClass(model, rel.owner);
  const target = findClass(model, rel.target);
  if (!owner || !target) return undefined;
  const ownerTable = findTable(model, owner.tableName);
  const targetTable = findTable(model, target.tableName);
  if (!ownerTable || !targetTable) return undefined;
  const where = `${rel.owner}.${rel.attribute}`;

  if (rel.secondary !== undefined) {
    const sec = findTable(model, rel.secondary);
    const subject = subjects.option(rel.owner, rel.attribute, rel.implicit ? "backref" : "secondary");
    if (!sec) return { ok: false, issues: [issue("ORM108", subject, `secondary: "${rel.secondary}" on ${where} names no table. Define it with Table("${rel.secondary}", Base.metadata, ...)`)] };
    const fks = foreignKeys(sec);
    let local = fks.filter((f) => f.toTable === ownerTable.name);
    let remote = fks.filter((f) => f.toTable === targetTable.name);
    if (ownerTable === targetTable) {
      // Self-referential many-to-many: the first key is this side, the second the other (the backref reverses).
      const half = Math.floor(local.length / 2);
      remote = local.slice(half);
      local = local.slice(0, half);
      if (rel.implicit) [local, remote] = [remote, local];
    }
    if (!local.length || !remote.length) {
      const missing = !local.length ? ownerTable.name : targetTable.name;
      return { ok: false, issues: [issue("ORM108", subject, `secondary table "${sec.name}" of ${where} has no ForeignKey to "${missing}". Add Column("${missing}_id", Integer, ForeignKey("${missing}.id")) to it`)] };
    }
    return {
      ok: true,
      value: {
        direction: "MANYTOMANY", pairs: [], secondary: sec.name,
        secondaryLocal: local.map((f) => [ref(ownerTable.name, f.toColumn), ref(sec.name, f.from.name)] as const),
        secondaryRemote: remote.map((f) => [ref(targetTable.name, f.toColumn), ref(sec.name, f.from.name)] as const),
        uselist: rel.uselist ?? true,
      },
    };
  }

  const chosen = namedColumns(model, owner, target, rel.foreignKeys);
  const keep = (f: Fk) => !chosen || chosen.has(`${f.table.name}.${f.from.name}`);
  const subject = subjects.attr(rel.owner, rel.attribute);
  const done = (direction: Direction, pairs: (readonly [ColumnRef, ColumnRef])[]): DeriveResult => ({
    ok: true, value: { direction, pairs, secondaryLocal: [], secondaryRemote: [], uselist: rel.uselist ?? direction !== "MANYTOONE" },
  });

  if (ownerTable === targetTable) {
    const fks = foreignKeys(ownerTable).filter((f) => f.toTable === ownerTable.name).filter(keep);
    if (!fks.length) return { ok: false, issues: [issue("ORM106", subject, `${where} refers to its own class, but table "${ownerTable.name}" has no ForeignKey to itself. Add e.g. parent_id: Column(Integer, ForeignKey("${ownerTable.name}.id"))`)] };
    if (distinctPaths(fks, targetTable) > 1) return { ok: false, issues: [issue("ORM107", subject, `${where}: table "${ownerTable.name}" has several ForeignKeys to itself (${fks.map((f) => f.from.name).join(", ")}). Say which with foreignKeys: ["${fks[0]!.from.attribute ?? fks[0]!.from.name}"]`)] };
    const remoteSide = new Set((rel.remoteSide ?? []).map((a) => columnOfAttribute(model, owner, a)?.name ?? a));
    const toRemote = fks.some((f) => remoteSide.has(f.toColumn));
    // Adjacency list: remoteSide on the referenced column ("id") makes the many-to-one side.
    return toRemote
      ? done("MANYTOONE", fks.map((f) => [ref(ownerTable.name, f.from.name), ref(ownerTable.name, f.toColumn)] as const))
      : done("ONETOMANY", fks.map((f) => [ref(ownerTable.name, f.toColumn), ref(ownerTable.name, f.from.name)] as const));
  }

  // Inheritance: a subclass's row also lives in its parents' tables; the nearest tables that a
  // foreign key links are the join (Engineer → engineers, else employees).
  let m2o: Fk[] = [], o2m: Fk[] = [];
  let ownerT = ownerTable, targetT = targetTable;
  search: for (const ot of inheritedTables(model, owner)) {
    for (const tt of inheritedTables(model, target)) {
      if (ot === tt) continue;
      m2o = foreignKeys(ot).filter((f) => f.toTable === tt.name).filter(keep);
      o2m = foreignKeys(tt).filter((f) => f.toTable === ot.name).filter(keep);
      if (m2o.length || o2m.length) { ownerT = ot; targetT = tt; break search; }
    }
  }
  if (!m2o.length && !o2m.length) {
    return { ok: false, issues: [issue("ORM106", subject, `${where}: no ForeignKey links "${ownerTable.name}" and "${targetTable.name}", so there is no join condition. Add ${target.name}.${ownerTable.name.replace(/s$/, "")}_id = Column(Integer, ForeignKey("${ownerTable.name}.id")) (or a key the other way), or use secondary for many-to-many`)] };
  }
  const paths = (m2o.length ? distinctPaths(m2o, targetT) : 0) + (o2m.length ? distinctPaths(o2m, ownerT) : 0);
  if (paths > 1) {
    const names = [...m2o, ...o2m].map((f) => `${f.table.name}.${f.from.name}`);
    const first = [...m2o, ...o2m][0]!;
    return { ok: false, issues: [issue("ORM107", subject, `${where}: several ForeignKey paths link "${ownerT.name}" and "${targetT.name}" (${names.join(", ")}). Say which with foreignKeys: ["${first.from.attribute ?? first.from.name}"]`)] };
  }
  return m2o.length
    ? done("MANYTOONE", m2o.map((f) => [ref(ownerT.name, f.from.name), ref(targetT.name, f.toColumn)] as const))
    : done("ONETOMANY", o2m.map((f) => [ref(ownerT.name, f.toColumn), ref(targetT.name, f.from.name)] as const));
}

/** A class's own table, then its parents' (Base.inherit), nearest first. */
function inheritedTables(model: MappingModel, cls: ClassSpec): TableSpec[] {
  const out: TableSpec[] = [];
  const seen = new Set<string>();
  for (let c: ClassSpec | undefined = cls; c && !seen.has(c.name); c = c.inherits ? findClass(model, c.inherits) : undefined) {
    seen.add(c.name);
    const t = findTable(model, c.tableName);
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Several key columns referencing the columns of one composite primary key form one path. */
function distinctPaths(fks: Fk[], referenced: TableSpec): number {
  const pk = referenced.columns.filter((c) => c.primaryKey).map((c) => c.name).sort().join(",");
  const targets = [...new Set(fks.map((f) => f.toColumn))].sort().join(",");
  if (fks.length > 1 && targets === pk && new Set(fks.map((f) => f.toColumn)).size === fks.length) return 1;
  return fks.length;
}
