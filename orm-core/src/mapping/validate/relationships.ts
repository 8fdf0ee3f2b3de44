/**
 * Relationship rules: target (ORM101), backPopulates (ORM102, ORM103), join
 * condition (ORM106–ORM108, from derive.ts), cascade (ORM109), collection vs
 * direction (ORM112), backref collisions (ORM113), remoteSide / orderBy /
 * foreignKeys names (ORM116).
 */
import { suggest } from "../../util/suggest";
import { parseCascade } from "../cascade";
import { deriveRelationship } from "../derive";
import {
  findClass, inheritedColumnOfAttribute, inheritedRelationshipsOf, lineageOf, subjects, type ClassSpec, type MappingIssue, type MappingModel, type RelationshipInfo,
} from "../model";

const err = (code: MappingIssue["code"], subject: string, message: string, extra: Partial<MappingIssue> = {}): MappingIssue =>
  ({ code, severity: "error", subject, message: `${message} [${code}]`, ...extra });

export function checkRelationships(model: MappingModel): MappingIssue[] {
  const out: MappingIssue[] = [];
  const mapped = model.classes.filter((c) => c.decorated);
  for (const cls of mapped) {
    for (const rel of cls.relationships) out.push(...checkOne(model, cls, rel));
  }
  return out;
}

function checkOne(model: MappingModel, cls: ClassSpec, rel: RelationshipInfo): MappingIssue[] {
  const out: MappingIssue[] = [];
  const where = `${cls.name}.${rel.attribute}`;
  const opt = (o: Parameters<typeof subjects.option>[2]) => subjects.option(cls.name, rel.attribute, o);
  const target = findClass(model, rel.target);
  if (!target || !target.decorated) {
    const hint = suggest(rel.target, model.classes.filter((c) => c.decorated).map((c) => c.name));
    out.push(err("ORM101", opt("target"), `relationship("${rel.target}") on ${where} names no mapped class.${hint ? ` Did you mean "${hint}"?` : target ? ` Class ${rel.target} exists but is not decorated with @mapped.` : ""}`, hint ? { suggestion: hint } : {}));
    return out; // the rest needs the target
  }

  // ORM116: names of attributes in remoteSide (owner), foreignKeys (owner or target) and orderBy (target).
  for (const name of rel.remoteSide ?? []) {
    if (!inheritedColumnOfAttribute(model, cls, name)) out.push(unknownAttr("remoteSide", name, cls, cls, opt("remoteSide"), where, model));
  }
  for (const name of rel.foreignKeys ?? []) {
    if (!inheritedColumnOfAttribute(model, cls, name) && !inheritedColumnOfAttribute(model, target, name)) out.push(unknownAttr("foreignKeys", name, cls, cls, opt("foreignKeys"), where, model));
  }
  for (const item of rel.orderBy ?? []) {
    const name = item.trim().split(/\s+/)[0]!;
    if (!inheritedColumnOfAttribute(model, target, name)) out.push(unknownAttr("orderBy", name, target, cls, opt("orderBy"), where, model));
  }

  // ORM109: cascade words and combinations.
  const cascade = parseCascade(rel.cascade);
  for (const u of cascade.unknown) {
    out.push(err("ORM109", opt("cascade"), `cascade "${rel.cascade}" on ${where}: "${u.word}" is not a cascade.${u.suggestion ? ` Did you mean "${u.suggestion}"?` : ""} Cascades: save-update, merge, expunge, delete, delete-orphan, refresh-expire, all, none.`, u.suggestion ? { suggestion: rel.cascade!.replace(u.word, u.suggestion) } : {}));
  }

  // Join condition and direction.
  const derived = deriveRelationship(model, rel);
  if (derived && !derived.ok) out.push(...derived.issues);
  if (derived?.ok) {
    const d = derived.value;
    if (cascade.set.deleteOrphan && d.direction !== "ONETOMANY" && !rel.singleParent) {
      out.push(err("ORM109", opt("cascade"), `${where} is ${d.direction === "MANYTOONE" ? "many-to-one" : "many-to-many"}: delete-orphan there needs singleParent: true (an object could otherwise have several parents). Add singleParent: true, or put delete-orphan on the one-to-many side.`));
    }
    // relationship<WriteOnlyCollection<Post>>(..., { lazy: "write_only" }) declares no array, yet is a collection.
    const collection = rel.lazy === "write_only" || rel.lazy === "dynamic" ? rel.uselist : rel.declaredCollection ?? rel.uselist;
    if (collection === true && d.direction === "MANYTOONE") {
      out.push(err("ORM112", subjects.attr(cls.name, rel.attribute), `${where} is declared as a collection, but the foreign key makes it many-to-one (each ${cls.name} has one ${target.name}). Declare relationship<${target.name}>(...)${rel.uselist ? " and drop uselist: true" : ""}.`));
    } else if (collection === false && d.direction !== "MANYTOONE" && rel.uselist !== false) {
      out.push(err("ORM112", subjects.attr(cls.name, rel.attribute), `${where} is declared as a single ${target.name}, but the foreign key makes it ${d.direction === "ONETOMANY" ? "one-to-many" : "many-to-many"}. Declare relationship<${target.name}[]>(...), or add uselist: false for a one-to-one.`));
    }
  }

  // backPopulates: the other side must exist and name this one.
  if (rel.backPopulates !== undefined) {
    const others = inheritedRelationshipsOf(model, target);
    const other = others.find((r) => r.attribute === rel.backPopulates);
    const isColumn = target.columns.some((c) => c.attribute === rel.backPopulates);
    if (!other) {
      const hint = suggest(rel.backPopulates, others.map((r) => r.attribute));
      out.push(err("ORM102", opt("backPopulates"), `backPopulates: "${rel.backPopulates}" on ${where} names ${isColumn ? "a column, not a relationship," : "no attribute"} of ${target.name}.${hint ? ` Did you mean "${hint}"?` : ` Add ${rel.backPopulates}: relationship<${cls.name}${derived?.ok && derived.value.direction === "MANYTOONE" ? "[]" : ""}>("${cls.name}", { backPopulates: "${rel.attribute}" }) to ${target.name}.`}`, hint ? { suggestion: hint } : {}));
    } else if (!sameHierarchy(model, cls, other.target)) {
      out.push(err("ORM103", opt("backPopulates"), `backPopulates: "${rel.backPopulates}" on ${where} names ${target.name}.${other.attribute}, which points to ${other.target}, not ${cls.name}. Point it at the relationship of ${target.name} that refers to ${cls.name}.`, { related: [subjects.attr(target.name, other.attribute)] }));
    } else if (other.backPopulates !== undefined && other.backPopulates !== rel.attribute) {
      out.push(err("ORM103", opt("backPopulates"), `${where} and ${target.name}.${other.attribute} don't point back at each other: ${target.name}.${other.attribute} says backPopulates: "${other.backPopulates}". Make it backPopulates: "${rel.attribute}".`, { related: [subjects.option(target.name, other.attribute, "backPopulates")], suggestion: rel.attribute }));
    } else if (other.backPopulates === undefined && !other.implicit) {
      out.push({ code: "ORM103", severity: "warning", subject: opt("backPopulates"), related: [subjects.attr(target.name, other.attribute)], message: `${where} says backPopulates: "${other.attribute}", but ${target.name}.${other.attribute} has no backPopulates, so the two sides won't stay in step. Add backPopulates: "${rel.attribute}" to ${target.name}.${other.attribute}. [ORM103]` });
    }
  }

  // backref: the name must be free on the target.
  if (rel.backref !== undefined) {
    const taken = target.columns.some((c) => c.attribute === rel.backref) || target.relationships.some((r) => r.attribute === rel.backref) || target.otherAttributes.includes(rel.backref);
    if (taken) {
      out.push(err("ORM113", opt("backref"), `backref: "${rel.backref}" on ${where} collides with the existing attribute ${target.name}.${rel.backref}. Choose another name, or declare that attribute as the other side with backPopulates: "${rel.attribute}".`));
    }
  }
  return out;
}

/** Whether class `name` is `cls` or shares an inheritance root with it (SQLAlchemy's common_parent). */
function sameHierarchy(model: MappingModel, cls: ClassSpec, name: string): boolean {
  if (cls.name === name) return true;
  const other = findClass(model, name);
  if (!other) return false;
  const root = (c: ClassSpec) => lineageOf(model, c).at(-1);
  return root(cls) === root(other);
}

function unknownAttr(option: string, name: string, on: ClassSpec, owner: ClassSpec, subject: string, where: string, model: MappingModel): MappingIssue {
  const names = [...new Set(lineageOf(model, on).flatMap((c) => c.columns.map((col) => col.attribute)))];
  const hint = suggest(name, names);
  void owner;
  return err("ORM116", subject, `${option}: "${name}" on ${where} names no column attribute of ${on.name}.${hint ? ` Did you mean "${hint}"?` : ` Its columns: ${names.join(", ")}.`}`, hint ? { suggestion: hint } : {});
}
