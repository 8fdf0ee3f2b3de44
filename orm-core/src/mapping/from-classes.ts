/**
 * Live classes → MappingModel, at configure time. The language server builds
 * the same model from source; validateMapping() then judges both alike.
 */
import { isTable, type TableObject } from "../schema/table";
import { mapperOf } from "../orm/mapper";
import type { RelationshipSpec } from "../orm/relationship";
import { subjects, type ClassSpec, type MappingModel, type RelationshipInfo, type TableSpec } from "./model";
import { relationshipSpecsOf, type Registry } from "./declarative";

const list = (v: string | readonly string[] | undefined): string[] | undefined => (v === undefined ? undefined : typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : [...v]);

/** The class name a relationship target stands for (thunks are called; a failing thunk keeps a marker). */
export function targetName(target: RelationshipSpec["target"]): string {
  if (typeof target === "string") return target;
  try {
    const cls = target();
    return mapperOf(cls)?.name ?? (typeof cls === "function" ? cls.name : String(cls));
  } catch {
    return "<unresolved thunk>";
  }
}

function tableSpec(table: TableObject, definedBy: "class" | "table"): TableSpec {
  return {
    name: table.name,
    definedBy,
    subject: subjects.table(table.name),
    columns: table.columns.map((c) => ({
      name: c.name,
      ...(c.key !== c.name ? { attribute: c.key } : {}),
      type: { name: c.type.typeName, ...(c.type.params.length !== undefined ? { length: c.type.params.length } : {}) },
      primaryKey: c.primaryKey,
      nullable: c.nullable,
      foreignKeys: c.spec.foreignKeys.map((fk, i) => ({ target: typeof fk.target === "string" ? fk.target : fk.target.fullname, subject: subjects.fk(table.name, c.name, i) })),
      subject: subjects.column(table.name, c.name),
    })),
  };
}

function relationshipInfo(owner: string, attribute: string, spec: RelationshipSpec): RelationshipInfo {
  const o = spec.options;
  const orderBy = typeof o.orderBy === "function" ? undefined : list(o.orderBy as string | readonly string[] | undefined);
  const backref = o.backref === undefined ? undefined : typeof o.backref === "string" ? o.backref : o.backref[0];
  const secondary = o.secondary === undefined ? undefined : isTable(o.secondary) ? o.secondary.name : String(o.secondary);
  const remoteSide = list(o.remoteSide), foreignKeys = list(o.foreignKeys);
  return {
    owner, attribute, target: targetName(spec.target), subject: subjects.attr(owner, attribute),
    ...(o.uselist !== undefined ? { uselist: o.uselist } : {}),
    ...(o.backPopulates !== undefined ? { backPopulates: o.backPopulates } : {}),
    ...(backref !== undefined ? { backref } : {}),
    ...(secondary !== undefined ? { secondary } : {}),
    ...(remoteSide ? { remoteSide } : {}),
    ...(foreignKeys ? { foreignKeys } : {}),
    ...(orderBy ? { orderBy } : {}),
    ...(o.cascade !== undefined ? { cascade: o.cascade } : {}),
    ...(o.lazy !== undefined ? { lazy: o.lazy } : {}),
    ...(o.singleParent ? { singleParent: true } : {}),
    ...(o.viewonly ? { viewonly: true } : {}),
    ...(o.passiveDeletes ? { passiveDeletes: true } : {}),
    ...(o.primaryJoin ? { customJoin: true } : {}),
  };
}

export function modelFromRegistry(registry: Registry): MappingModel {
  const classes: ClassSpec[] = [];
  const modelTables = new Set(registry.modelBases.map((b) => b.table));
  const mapperList = [...registry.mappers.values()];
  for (const d of registry.duplicateNames) { const m = mapperOf(d.cls); if (m) mapperList.push(m); }
  for (const mapper of mapperList) {
    const proto = mapper.cls.prototype;
    const other = Object.getOwnPropertyNames(proto).filter((k) => k !== "constructor");
    classes.push({
      name: mapper.name,
      tableName: mapper.table.name,
      ...(mapper.inherits ? { inherits: mapper.inherits.name } : {}),
      decorated: true,
      subject: subjects.cls(mapper.name),
      // The attributes of the class's own table (a joined subclass's inherited ones live in its parent's).
      columns: mapper.table.columns.flatMap((c) => { const k = mapper.keyOfColumnOrUndefined(c); return k === undefined ? [] : [{ attribute: k, column: c.name }]; }),
      relationships: [...relationshipSpecsOf(mapper)].map(([k, spec]) => relationshipInfo(mapper.name, k, spec)),
      otherAttributes: [...other, ...mapper.hybrids, ...mapper.proxies.keys(), ...mapper.synonyms.keys(), ...(mapper.columnExpressions?.keys() ?? [])],
    });
  }
  for (const base of registry.modelBases) {
    if (base.mappedBy) continue;
    // Not decorated: the subclass's name is unknown at run time; the table names it.
    const name = `<class of Base.model("${base.tableName}")>`;
    classes.push({ name, tableName: base.tableName, decorated: false, subject: subjects.cls(name), columns: [], relationships: [], otherAttributes: [] });
  }
  const tables = [...registry.metadata.tables.values()].map((t) => tableSpec(t, modelTables.has(t) ? "class" : "table"));
  return { classes, tables };
}
