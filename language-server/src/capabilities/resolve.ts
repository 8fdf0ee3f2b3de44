/** What a string or name at an offset refers to, as a subject of the model (shared by definition, hover, rename). */
import { findClass, subjects, type SubjectId } from "orm-core";
import type { Analysis } from "../analysis";
import { contains, type Span } from "../extract/spans";
import { lineage } from "../inheritance";

export interface Target { readonly subject: SubjectId; readonly span: Span }

/** A string literal of the model under the cursor: its own subject, and what it names. */
export function stringUnder(analysis: Analysis, uri: string, offset: number): { subject: SubjectId; value: string; span: Span } | undefined {
  return analysis.files.get(uri)?.strings.find((s) => contains(s.span, offset));
}

/** The subject a string names (its definition), from the subject the string belongs to. */
export function namedBy(analysis: Analysis, str: { subject: SubjectId; value: string }): SubjectId | undefined {
  const m = /^option:([^.]+)\.([^.]+)\.(\w+)$/.exec(str.subject);
  const model = analysis.model;
  if (m) {
    const [, owner, attr, option] = m as unknown as [string, string, string, string];
    const rel = model.classes.find((c) => c.name === owner)?.relationships.find((r) => r.attribute === attr);
    switch (option) {
      case "target": return subjects.cls(str.value);
      case "backPopulates": return rel ? subjects.attr(rel.target, str.value) : undefined;
      case "secondary": return subjects.table(str.value);
      case "remoteSide": case "foreignKeys": return attrSubject(analysis, owner, str.value);
      case "orderBy": return rel ? attrSubject(analysis, rel.target, str.value.trim().split(/\s+/)[0]!) : undefined;
      default: return undefined;
    }
  }
  if (str.subject.startsWith("fk:")) {
    const [t, c] = str.value.split(".");
    if (!t || !c) return undefined;
    const table = model.tables.find((x) => x.name === t);
    const col = table?.columns.find((x) => x.name === c);
    if (!col) return undefined;
    // A class column is defined at its attribute (in the class that declares it: a single-table
    // subclass maps its parent's columns too); a Table column at its name string.
    for (const cls of model.classes) {
      const mapping = cls.decorated && cls.tableName === t ? cls.columns.find((x) => x.column === c) : undefined;
      if (mapping && analysis.spans.has(subjects.attr(cls.name, mapping.attribute))) return subjects.attr(cls.name, mapping.attribute);
    }
    return col.subject;
  }
  return undefined;
}

/** An attribute of a class, at the class that declares it (a subclass's inherited attribute: its parent's). */
function attrSubject(analysis: Analysis, cls: string, attr: string): SubjectId {
  const spec = findClass(analysis.model, cls);
  for (const c of spec ? lineage(analysis.model, spec) : []) if (analysis.spans.has(subjects.attr(c.name, attr))) return subjects.attr(c.name, attr);
  return subjects.attr(cls, attr);
}

/** The model subject whose *name* is under the cursor (class name, attribute name, table name string). */
export function declarationUnder(analysis: Analysis, uri: string, offset: number): Target | undefined {
  for (const [subject, span] of analysis.spans) {
    if (span.uri === uri && contains(span, offset) && (subject.startsWith("attr:") || subject.startsWith("class:") || subject.startsWith("table:") || subject.startsWith("column:"))) return { subject, span };
  }
  return undefined;
}
