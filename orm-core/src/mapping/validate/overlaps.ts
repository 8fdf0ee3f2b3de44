/**
 * ORM117: two relationships that write the same foreign-key column without being the two
 * sides of one pair (backPopulates / backref) — each flush could write a different value
 * into it (SQLAlchemy's "relationship X will copy column Y to Z, which conflicts with ...").
 * viewonly relationships write nothing and are left out.
 */
import { deriveRelationship, type ColumnRef } from "../derive";
import { relationshipsOf, subjects, type MappingIssue, type MappingModel, type RelationshipInfo } from "../model";

export function checkOverlaps(model: MappingModel): MappingIssue[] {
  const writers = new Map<string, RelationshipInfo[]>();
  for (const cls of model.classes.filter((c) => c.decorated)) {
    for (const rel of relationshipsOf(model, cls)) {
      if (rel.viewonly) continue;
      const d = deriveRelationship(model, rel);
      if (!d || !d.ok) continue;
      const v = d.value;
      const written: ColumnRef[] = v.direction === "MANYTOONE" ? v.pairs.map(([local]) => local)
        : v.direction === "ONETOMANY" ? v.pairs.map(([, remote]) => remote)
        : [...v.secondaryLocal, ...v.secondaryRemote].map(([, s]) => s);
      for (const c of written) {
        const key = `${c.table}.${c.column}`;
        const list = writers.get(key) ?? [];
        if (!list.includes(rel)) list.push(rel);
        writers.set(key, list);
      }
    }
  }
  const out: MappingIssue[] = [];
  const reported = new Set<string>();
  for (const [column, rels] of writers) {
    for (let i = 0; i < rels.length; i++) {
      for (let j = 0; j < i; j++) {
        const [a, b] = [rels[j]!, rels[i]!];
        if (paired(a, b)) continue;
        const id = `${b.owner}.${b.attribute}|${a.owner}.${a.attribute}`;
        if (reported.has(id)) continue;
        reported.add(id);
        out.push({
          code: "ORM117", severity: "warning", subject: b.implicit ? subjects.attr(a.owner, a.attribute) : subjects.attr(b.owner, b.attribute),
          related: [subjects.attr(a.owner, a.attribute)],
          message: `${b.owner}.${b.attribute} writes ${column}, which ${a.owner}.${a.attribute} also writes, and the two are not paired: a flush may write conflicting values. Pair them (backPopulates on both sides), or mark one viewonly: true. [ORM117]`,
        });
      }
    }
  }
  return out;
}

/** The two sides of one relationship: each names the other (backPopulates or backref). */
function paired(a: RelationshipInfo, b: RelationshipInfo): boolean {
  const names = (r: RelationshipInfo) => [r.backPopulates, r.backref].filter((x): x is string => x !== undefined);
  return (a.target === b.owner && names(a).includes(b.attribute)) || (b.target === a.owner && names(b).includes(a.attribute));
}
