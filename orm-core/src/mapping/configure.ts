/**
 * configure(): turns the registry's mappers into configured ones — resolves
 * relationship targets, derives direction and key pairs, links backrefs,
 * parses cascades — after validateMapping() found no error.
 * TEMPORARY derivation until mapping/derive.ts lands (then this calls it).
 */
import { ArgumentError } from "../errors/errors";
import { RelationshipProperty, relationship, type CascadeSet, type RelationshipOptions } from "../orm/relationship";
import { instrumentRelationship } from "../orm/attributes";
import { RelationshipAttribute, type Mapper } from "../orm/mapper";
import type { Registry } from "./declarative";
import { relationshipSpecsOf } from "./declarative";
import type { TableColumn } from "../schema/table";
import { toExpr } from "../sql/coerce";

function parseCascadeTmp(s: string | undefined): CascadeSet {
  const set: CascadeSet = { saveUpdate: true, merge: true, expunge: false, delete: false, deleteOrphan: false, refreshExpire: false };
  if (s === undefined) return set;
  set.saveUpdate = false; set.merge = false;
  for (const w of s.split(",").map((x) => x.trim()).filter(Boolean)) {
    if (w === "all") Object.assign(set, { saveUpdate: true, merge: true, expunge: true, delete: true, refreshExpire: true });
    else if (w === "save-update") set.saveUpdate = true;
    else if (w === "merge") set.merge = true;
    else if (w === "delete") set.delete = true;
    else if (w === "delete-orphan") set.deleteOrphan = true;
    else if (w === "expunge") set.expunge = true;
    else if (w === "refresh-expire") set.refreshExpire = true;
    else if (w !== "none") throw new ArgumentError(`Unknown cascade ${JSON.stringify(w)} [ORM109]`, { code: "ORM109" });
  }
  return set;
}

export function configureRegistry(registry: Registry): void {
  const mappers = [...registry.mappers.values()];
  // Create relationship properties (including backrefs).
  for (const mapper of mappers) {
    for (const [key, spec] of relationshipSpecsOf(mapper)) {
      if (!mapper.relationships.has(key)) mapper.relationships.set(key, new RelationshipProperty(mapper, key, spec));
    }
  }
  for (const mapper of mappers) {
    for (const rel of [...mapper.relationships.values()]) {
      if (rel.target) continue;
      const target = registry.resolve(rel.spec.target);
      if (!target) throw new ArgumentError(`relationship ${rel.name} names ${JSON.stringify(rel.spec.target)}, which is not a mapped class. [ORM101]`, { code: "ORM101" });
      rel.target = target;
      derive(rel, registry);
    }
  }
  for (const mapper of mappers) {
    for (const rel of [...mapper.relationships.values()]) {
      const o = rel.spec.options;
      if (o.backref && !rel.back) {
        const [name, opts] = typeof o.backref === "string" ? [o.backref, {} as RelationshipOptions] : o.backref;
        const backRel = new RelationshipProperty(rel.target, name, relationship(() => mapper.cls, { ...opts, backPopulates: rel.key, ...(rel.secondary ? { secondary: rel.secondary } : {}) }));
        backRel.target = mapper;
        rel.target.relationships.set(name, backRel);
        (rel.target.relationshipKeys as string[]).push(name);
        instrumentRelationship(Object.getPrototypeOf(rel.target.cls).prototype, name);
        // The class-level attribute too (type it with `declare static subordinates: RelationshipAttribute<Employee[]>`).
        Object.defineProperty(rel.target.cls, name, { value: new RelationshipAttribute(rel.target, name), configurable: true });
        deriveBackref(backRel, rel);
        rel.back = backRel; backRel.back = rel;
      } else if (o.backPopulates) {
        const other = rel.target.relationships.get(o.backPopulates);
        if (!other) throw new ArgumentError(`backPopulates: "${o.backPopulates}" on ${rel.name} names no attribute of ${rel.target.name}. [ORM102]`, { code: "ORM102" });
        rel.back = other;
      }
    }
  }
}

function colByAttr(m: Mapper, key: string): TableColumn {
  const p = m.columnPropByKey.get(key);
  if (!p) throw new ArgumentError(`${m.name} has no column attribute ${key} [ORM116]`, { code: "ORM116" });
  return p.column;
}

function derive(rel: RelationshipProperty, registry: Registry): void {
  const o = rel.spec.options;
  const parent = rel.parent, target = rel.target;
  rel.cascade = parseCascadeTmp(o.cascade);
  if (o.secondary) {
    const sec = typeof o.secondary === "string" ? registry.metadata.tables.get(o.secondary) : o.secondary;
    if (!sec) throw new ArgumentError(`secondary ${o.secondary} unknown [ORM108]`, { code: "ORM108" });
    rel.secondary = sec;
    rel.direction = "MANYTOMANY";
    for (const fk of sec.foreignKeys) {
      if (fk.column.table === parent.table) rel.secondaryLocal.push([fk.column, fk.parent]);
      else if (fk.column.table === target.table) rel.secondaryRemote.push([fk.column, fk.parent]);
    }
    rel.uselist = o.uselist ?? true;
  } else {
    const fkCols = o.foreignKeys ? [o.foreignKeys].flat().map((k) => colByAttr(parent, k as string)) : undefined;
    const remoteSide = o.remoteSide ? [o.remoteSide].flat().map((k) => colByAttr(parent, k as string)) : undefined;
    // parent → target (many-to-one): FK on parent table pointing to target
    const m2o = parent.table.foreignKeys.filter((fk) => fk.column.table === target.table && (!fkCols || fkCols.includes(fk.parent)));
    const o2m = target.table.foreignKeys.filter((fk) => fk.column.table === parent.table && (!fkCols || fkCols.includes(fk.parent)));
    if (parent.table === target.table) {
      const fks = m2o;
      if (remoteSide && fks.some((fk) => remoteSide.includes(fk.column))) {
        rel.direction = "MANYTOONE";
        rel.pairs = fks.map((fk) => [fk.parent, fk.column] as const);
      } else {
        rel.direction = "ONETOMANY";
        rel.pairs = fks.map((fk) => [fk.column, fk.parent] as const);
      }
    } else if (m2o.length && !o2m.length) {
      rel.direction = "MANYTOONE";
      rel.pairs = m2o.map((fk) => [fk.parent, fk.column] as const);
    } else if (o2m.length && !m2o.length) {
      rel.direction = "ONETOMANY";
      rel.pairs = o2m.map((fk) => [fk.column, fk.parent] as const);
    } else {
      throw new ArgumentError(`no/ambiguous FK path for ${rel.name} [ORM106]`, { code: "ORM106" });
    }
    rel.uselist = o.uselist ?? rel.direction !== "MANYTOONE";
  }
  rel.orderBy = orderByNodes(rel);
}

function orderByNodes(rel: RelationshipProperty) {
  const ob = rel.spec.options.orderBy;
  if (ob === undefined) return [];
  const list = typeof ob === "function" ? [ob()].flat() : [ob].flat();
  return list.map((item) => {
    if (typeof item === "string") {
      const [attr, dir] = item.trim().split(/\s+/);
      const col = colByAttr(rel.target, attr!);
      return dir?.toLowerCase() === "desc" ? col.desc().node : col.node;
    }
    return toExpr(item);
  });
}

function deriveBackref(back: RelationshipProperty, rel: RelationshipProperty): void {
  back.cascade = parseCascadeTmp(back.spec.options.cascade);
  if (rel.direction === "MANYTOMANY") {
    back.direction = "MANYTOMANY";
    back.secondary = rel.secondary;
    back.secondaryLocal = rel.secondaryRemote;
    back.secondaryRemote = rel.secondaryLocal;
    back.uselist = back.spec.options.uselist ?? true;
  } else {
    back.direction = rel.direction === "ONETOMANY" ? "MANYTOONE" : "ONETOMANY";
    back.pairs = rel.pairs.map(([a, b]) => [b, a] as const);
    back.uselist = back.spec.options.uselist ?? back.direction !== "MANYTOONE";
  }
}
