/**
 * Base.inherit across files. A single-table subclass maps its parent's table, which only the
 * merged workspace knows (the parent may be declared in another file). Called only by
 * analysis.ts. Mirrors the runtime: Base.inherit appends the subclass's columns to that table
 * (declarative.ts), and its ClassSpec lists the columns of that table it maps, its parent's
 * first (from-classes.ts). Joined-table subclasses need nothing here: they name their own table.
 */
import { findClass, type ClassSpec, type ColumnInfo, type MappingModel, type SubjectId, type TableSpec } from "orm-core";
import { pendingTable, type ClassSite } from "./extract/find-models";

export interface Placed {
  /** The class specs, in the given order, single-table subclasses with their table and columns. */
  readonly classes: ClassSpec[];
  /** The tables, with the single-table subclasses' columns appended to their parents'. */
  readonly tables: TableSpec[];
  /** Stand-in subject (`column:<table of Manager>.budget`) → real one (`column:employees.budget`). */
  readonly subject: (s: SubjectId) => SubjectId;
}

const STAND_IN = /^(column|fk):(<table of [^>]*>)\.(.*)$/s;

/** `specs[i]` is the spec of `sites[i]` (analysis.ts has already resolved its secondary tables). */
export function placeSingleTableColumns(sites: readonly ClassSite[], specs: readonly ClassSpec[], tables: readonly TableSpec[]): Placed {
  const model: MappingModel = { classes: specs, tables };
  const pending = new Map<ClassSpec, readonly ColumnInfo[]>();
  specs.forEach((spec, i) => { const cols = sites[i]!.pendingColumns; if (cols) pending.set(spec, cols); });
  if (!pending.size) return { classes: [...specs], tables: [...tables], subject: (s) => s };

  const resolved = new Map<ClassSpec, ClassSpec>();
  const resolve = (spec: ClassSpec, seen: Set<ClassSpec>): ClassSpec => {
    if (!pending.has(spec)) return spec;
    const done = resolved.get(spec);
    if (done) return done;
    const parentSpec = spec.inherits ? findClass(model, spec.inherits) : undefined;
    // An unknown parent (or a cycle) leaves the class without a table, as a half-typed Base.model does.
    let out: ClassSpec = spec;
    if (parentSpec && !seen.has(parentSpec)) {
      const parent = resolve(parentSpec, new Set([...seen, spec]));
      if (parent.tableName) {
        const own = new Set(spec.columns.map((c) => c.attribute));
        out = { ...spec, tableName: parent.tableName, columns: [...parent.columns.filter((c) => !own.has(c.attribute)), ...spec.columns] };
      }
    }
    resolved.set(spec, out);
    return out;
  };
  const classes = specs.map((s) => resolve(s, new Set()));

  const tableOf = new Map<string, string>();
  for (const [spec] of pending) { const t = resolved.get(spec)!.tableName; if (t) tableOf.set(pendingTable(spec.name), t); }
  const subject = (s: SubjectId): SubjectId => {
    const m = STAND_IN.exec(s);
    const table = m && tableOf.get(m[2]!);
    return m && table ? `${m[1]}:${table}.${m[3]}` : s;
  };
  // Appended in declaration order, as Base.inherit does when the modules load; a name already in
  // the table is a definition-time error at run time (not a mapping issue): the first one stays.
  const added = new Map<string, ColumnInfo[]>();
  for (const [spec, cols] of pending) {
    const table = tableOf.get(pendingTable(spec.name));
    if (!table) continue;
    const list = added.get(table) ?? [];
    const existing = new Set([...(tables.find((t) => t.name === table)?.columns ?? []), ...list].map((c) => c.name));
    for (const c of cols) {
      if (existing.has(c.name)) continue;
      existing.add(c.name);
      list.push({ ...c, subject: subject(c.subject), foreignKeys: c.foreignKeys.map((f) => ({ ...f, subject: subject(f.subject) })) });
    }
    added.set(table, list);
  }
  return {
    classes,
    tables: tables.map((t) => (added.get(t.name)?.length ? { ...t, columns: [...t.columns, ...added.get(t.name)!] } : t)),
    subject,
  };
}

/** A class and its ancestors, nearest first (Base.inherit's parents; a cycle or unknown parent ends it). */
export function lineage(model: MappingModel, cls: ClassSpec): ClassSpec[] {
  const out = [cls];
  for (let c = cls; c.inherits !== undefined;) {
    const parent = findClass(model, c.inherits);
    if (!parent || out.includes(parent)) break;
    out.push(parent);
    c = parent;
  }
  return out;
}

/** How a class maps its table: its own, or (single-table inheritance) its parent's. */
export function inheritanceOf(model: MappingModel, cls: ClassSpec): { parent: string; single: boolean } | undefined {
  if (cls.inherits === undefined) return undefined;
  const parent = findClass(model, cls.inherits);
  return { parent: cls.inherits, single: !!parent && parent.tableName === cls.tableName };
}
