/**
 * configure(): builds the MappingModel of the registry, runs validateMapping()
 * (throwing the first error with its ORM code), then links every relationship
 * from deriveRelationship(): target mapper, direction, key columns, cascade,
 * the other side (backPopulates / backref). Called by Registry.configure().
 */
import {
  AmbiguousForeignKeysError, ArgumentError, InvalidRequestError, NoForeignKeysError, UnmappedClassError, type OrmError,
} from "../errors/errors";
import { RelationshipProperty, relationship, type RelationshipOptions } from "../orm/relationship";
import { instrumentRelationship } from "../orm/attributes";
import { RelationshipAttribute, type Mapper } from "../orm/mapper";
import type { TableColumn } from "../schema/table";
import { toCondition, toExpr } from "../sql/coerce";
import type { ExprNode } from "../sql/nodes";
import { validateMapping } from "./validate/index";
import { adaptToFrom } from "../sql/adapt";
import { deriveRelationship, type ColumnRef } from "./derive";
import { parseCascade } from "./cascade";
import { relationshipsOf, type MappingIssue, type RelationshipInfo } from "./model";
import { modelFromRegistry } from "./from-classes";
import { relationshipSpecsOf, type Registry } from "./declarative";
import { checkProxies } from "../orm/association-proxy";
import { suggest } from "../util/suggest";

/** The SQLAlchemy exception class for each mapping code. */
function errorFor(issue: MappingIssue): OrmError {
  const opts = { code: issue.code };
  switch (issue.code) {
    case "ORM106": return new NoForeignKeysError(issue.message, opts);
    case "ORM107": return new AmbiguousForeignKeysError(issue.message, opts);
    case "ORM101": return new InvalidRequestError(issue.message, opts);
    case "ORM115": return new UnmappedClassError(issue.message, opts);
    default: return new ArgumentError(issue.message, opts);
  }
}

const warned = new Set<string>();

export function configureRegistry(registry: Registry): void {
  const model = modelFromRegistry(registry);
  const issues = validateMapping(model);
  const errors = issues.filter((i) => i.severity === "error");
  // Warnings don't stop the mapping; they are reported once, as SQLAlchemy warns.
  for (const w of issues) if (w.severity === "warning" && !warned.has(w.message)) { warned.add(w.message); process.emitWarning(w.message, { type: "OrmWarning", code: w.code }); }
  if (errors.length) {
    const err = errorFor(errors[0]!);
    if (errors.length > 1) (err as { issues?: MappingIssue[] }).issues = errors;
    throw err;
  }
  const column = (r: ColumnRef): TableColumn => registry.metadata.tables.get(r.table)!.columns.find((c) => c.name === r.column)!;

  for (const mapper of registry.mappers.values()) {
    const cls = model.classes.find((c) => c.name === mapper.name && c.decorated)!;
    const specs = relationshipSpecsOf(mapper);
    for (const info of relationshipsOf(model, cls)) {
      if (mapper.relationships.get(info.attribute)?.target) continue;
      const spec = specs.get(info.attribute) ?? relationship(() => registry.mappers.get(info.target)!.cls, implicitOptions(registry, info));
      const rel = new RelationshipProperty(mapper, info.attribute, spec);
      const derived = deriveRelationship(model, info);
      if (!derived || !derived.ok) throw new ArgumentError(`Could not configure ${mapper.name}.${info.attribute}.`);
      const d = derived.value;
      rel.target = registry.mappers.get(info.target)!;
      rel.direction = d.direction;
      rel.uselist = d.uselist;
      rel.pairs = d.pairs.map(([a, b]) => [column(a), column(b)] as const);
      if (d.secondary) {
        rel.secondary = registry.metadata.tables.get(d.secondary);
        rel.secondaryLocal = d.secondaryLocal.map(([a, b]) => [column(a), column(b)] as const);
        rel.secondaryRemote = d.secondaryRemote.map(([a, b]) => [column(a), column(b)] as const);
      }
      // viewonly relationships write nothing, so they cascade nothing into the session either.
      rel.cascade = parseCascade(info.viewonly ? "none" : info.cascade).set;
      if ((rel.lazy === "write_only" || rel.lazy === "dynamic") && (!rel.uselist || rel.direction === "MANYTOONE")) {
        throw new InvalidRequestError(`On relationship ${rel.name}, '${rel.lazy}' loaders cannot be used with many-to-one/one-to-one relationships and/or uselist: false: a write-only collection is for one-to-many and many-to-many. Drop lazy: "${rel.lazy}" there.`);
      }
      rel.orderBy = orderByNodes(rel);
      const pj = spec.options.primaryJoin;
      if (pj) {
        // Written against the two tables; seen through aliases (joined eager loads) it is adapted.
        let cond: ExprNode | undefined;
        rel.customJoin = (parentFrom, targetFrom) => {
          cond ??= toCondition(pj(mapper.cls, rel.target.cls), `primaryJoin of ${rel.name}`);
          if (rel.selfReferential) return cond; // one table on both sides: nothing tells them apart
          const onParent = parentFrom.kind === "alias" ? adaptToFrom(cond, mapper.table, parentFrom) : cond;
          return targetFrom.kind === "alias" ? adaptToFrom(onParent, rel.target.table, targetFrom) : onParent;
        };
      }
      mapper.relationships.set(info.attribute, rel);
      if (info.implicit) {
        // A backref: the other class gets the attribute, on instances and on the class.
        if (!mapper.relationshipKeys.includes(info.attribute)) (mapper.relationshipKeys as string[]).push(info.attribute);
        instrumentRelationship(Object.getPrototypeOf(mapper.cls).prototype, info.attribute);
        Object.defineProperty(mapper.cls, info.attribute, { value: new RelationshipAttribute(mapper, info.attribute), configurable: true });
      }
    }
  }
  // Subclasses have their parents' relationships (the same ones: the parent is the owner).
  for (const mapper of registry.mappers.values()) {
    if (!mapper.inherits) continue;
    for (const [key, rel] of mapper.inherits.relationships) {
      if (mapper.relationships.has(key)) continue;
      mapper.relationships.set(key, rel);
      if (!mapper.relationshipKeys.includes(key)) (mapper.relationshipKeys as string[]).push(key);
    }
  }
  // Link the two sides of each pair.
  for (const mapper of registry.mappers.values()) {
    for (const rel of mapper.relationships.values()) {
      if (rel.parent !== mapper) continue; // inherited: linked with its owner
      const back = rel.spec.options.backPopulates;
      if (back) rel.back = rel.target.relationships.get(back);
      const backref = rel.spec.options.backref;
      if (backref) {
        const name = typeof backref === "string" ? backref : backref[0];
        rel.back = rel.target.relationships.get(name);
        if (rel.back) rel.back.back = rel;
      }
    }
  }
  // associationProxy() attributes: their relationship and the target's attribute must exist.
  for (const mapper of registry.mappers.values()) checkProxies(mapper, suggest);
}

function implicitOptions(registry: Registry, info: RelationshipInfo): RelationshipOptions {
  // The options given as backref: ["name", { ... }] on the other side.
  const other = registry.mappers.get(info.target)!;
  const spec = relationshipSpecsOf(other).get(info.backPopulates!);
  const br = spec?.options.backref;
  const extra = Array.isArray(br) ? (br[1] as RelationshipOptions) : {};
  return { ...extra, backPopulates: info.backPopulates!, ...(info.secondary ? { secondary: info.secondary } : {}) };
}

function orderByNodes(rel: RelationshipProperty): ExprNode[] {
  const ob = rel.spec.options.orderBy;
  if (ob === undefined) return [];
  const items = typeof ob === "function" ? [ob()].flat() : [ob].flat();
  return items.map((item) => {
    if (typeof item === "string") {
      const [attr, dir] = item.trim().split(/\s+/) as [string, string | undefined];
      const col = rel.target.columnPropByKey.get(attr)!.column;
      return dir?.toLowerCase() === "desc" ? col.desc().node : col.node;
    }
    return toExpr(item, undefined, `orderBy of ${rel.name}`);
  });
}
export type { Mapper };
