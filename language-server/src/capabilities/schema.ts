/**
 * The custom requests: the analyzed schema (for the diagram) and a document's
 * query statements (for the lenses). Shapes in ../protocol.ts.
 */
import { deriveRelationship, relationshipsOf } from "orm-core";
import type { Analysis } from "../analysis";
import type { TextDocumentLike } from "../workspace/documents";
import { toRange } from "../convert";
import type { SchemaResponse, StatementsResponse } from "../protocol";
import { inheritanceOf } from "../inheritance";

type DocFor = (uri: string) => TextDocumentLike | undefined;

export function schema(analysis: Analysis, docFor: DocFor): SchemaResponse {
  const loc = (subject: string) => {
    const span = analysis.spans.get(subject);
    const d = span && docFor(span.uri);
    return span && d ? { uri: span.uri, range: toRange(d, span) } : null;
  };
  const model = analysis.model;
  // A table is mapped by the class that declares it: a single-table subclass shares its parent's.
  const mappedBy = new Map<string, string>();
  for (const c of model.classes) if (c.decorated && !inheritanceOf(model, c)?.single && !mappedBy.has(c.tableName)) mappedBy.set(c.tableName, c.name);
  return {
    tables: model.tables.map((t) => ({
      name: t.name,
      kind: t.definedBy === "table" ? "association" : "model",
      mappedBy: mappedBy.get(t.name) ?? null,
      location: loc(t.subject),
      columns: t.columns.map((c) => ({
        name: c.name, attribute: c.attribute ?? null, type: c.type.length ? `${c.type.name}(${c.type.length})` : c.type.name,
        primaryKey: c.primaryKey, nullable: c.nullable, foreignKeys: c.foreignKeys.map((f) => f.target),
      })),
    })),
    classes: model.classes.filter((c) => c.decorated).map((c) => ({ name: c.name, table: c.tableName, location: loc(c.subject), ...(c.inherits !== undefined ? { inherits: c.inherits } : {}) })),
    relationships: model.classes.filter((c) => c.decorated).flatMap((c) => relationshipsOf(model, c).map((r) => {
      const d = deriveRelationship(model, r);
      return {
        owner: r.owner, attribute: r.attribute, target: r.target,
        direction: d?.ok ? d.value.direction : null,
        uselist: d?.ok ? d.value.uselist : null,
        secondary: d?.ok ? d.value.secondary ?? null : r.secondary ?? null,
        join: d?.ok ? [...d.value.pairs, ...d.value.secondaryLocal, ...d.value.secondaryRemote].map(([a, b]) => `${a.table}.${a.column} = ${b.table}.${b.column}`) : [],
        backPopulates: r.backPopulates ?? null,
        implicit: !!r.implicit,
        location: loc(r.implicit ? r.subject : `attr:${r.owner}.${r.attribute}`),
      };
    })),
    issues: analysis.issues.filter((i) => i.severity === "error").length,
  };
}

export function statements(analysis: Analysis, doc: TextDocumentLike): StatementsResponse {
  return {
    statements: (analysis.statements.get(doc.uri) ?? []).map((s) => ({ kind: s.kind, range: toRange(doc, s), text: s.text, variable: s.variable ?? null })),
  };
}
