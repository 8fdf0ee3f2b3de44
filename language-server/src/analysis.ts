/**
 * Extracts of all files → one MappingModel → orm-core's validateMapping().
 * The result is what every capability reads. No rule lives here.
 */
import { validateMapping, type MappingIssue, type MappingModel, type RelationshipInfo, type SubjectId, type TableSpec } from "orm-core";
import type { ClassSite, FileExtract } from "./extract/find-models";
import type { Span } from "./extract/spans";
import { findNPlusOne } from "./extract/n-plus-one";
import type { Statement } from "./extract/statements";
import { placeSingleTableColumns } from "./inheritance";

export interface Analysis {
  readonly model: MappingModel;
  readonly issues: readonly MappingIssue[];
  readonly spans: ReadonlyMap<SubjectId, Span>;
  readonly files: ReadonlyMap<string, FileExtract>;
  /** Mapped class sites by class name (first definition wins). */
  readonly classes: ReadonlyMap<string, ClassSite>;
  /** Extra, editor-only issues with their own spans (ORM201). */
  readonly extraIssues: readonly { issue: MappingIssue; span: Span }[];
  readonly statements: ReadonlyMap<string, readonly Statement[]>;
}

export function analyze(extracts: readonly FileExtract[], statementsOf?: (uri: string) => readonly Statement[]): Analysis {
  const tableVars = new Map<string, string>();
  for (const e of extracts) for (const [v, t] of e.tableVariables) if (!tableVars.has(v)) tableVars.set(v, t);

  const sites = extracts.flatMap((e) => e.classes);
  const specs = sites.map((site) => {
    // `secondary: postTags` names a Table variable: resolve it to the table's name.
    const rels = site.spec.relationships.map((r): RelationshipInfo => r.secondary?.startsWith("$var:") ? { ...r, secondary: tableVars.get(r.secondary.slice(5)) ?? r.secondary.slice(5) } : r);
    return { ...site.spec, relationships: rels };
  });
  const declaredTables: TableSpec[] = [];
  const seen = new Set<string>();
  for (const t of extracts.flatMap((e) => e.tables)) if (!seen.has(t.name)) { seen.add(t.name); declaredTables.push(t); }
  // Single-table subclasses join their parent's table, wherever the parent is declared.
  const placed = placeSingleTableColumns(sites, specs, declaredTables);

  const classes = new Map<string, ClassSite>();
  sites.forEach((site, i) => { if (site.spec.decorated && !classes.has(site.spec.name)) classes.set(site.spec.name, { ...site, spec: placed.classes[i]! }); });
  const spans = new Map<SubjectId, Span>();
  for (const e of extracts) for (const [s, sp] of e.spans) { const k = placed.subject(s); if (!spans.has(k)) spans.set(k, sp); }
  const files = new Map(extracts.map((e) => [e.uri, e.classes.some((c) => c.pendingColumns)
    ? { ...e, strings: e.strings.map((s) => ({ ...s, subject: placed.subject(s.subject) })) }
    : e]));

  const model: MappingModel = { classes: placed.classes, tables: placed.tables };
  const issues = validateMapping(model);
  const extraIssues = extracts.flatMap((e) => findNPlusOne(e, model));
  const statements = new Map(extracts.map((e) => [e.uri, statementsOf ? statementsOf(e.uri) : []]));
  return { model, issues, spans, files, classes, extraIssues, statements };
}
