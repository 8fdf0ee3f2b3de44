/**
 * ORM201: a lazy relationship read inside a loop over query results, when the
 * query has no eager loader for it — one SELECT per row (N+1).
 * Recognizes `for (const u of session.scalars(select(User)...).all())` and
 * `.forEach((u) => ...)` / `.map(...)` over such results.
 */
import * as ts from "typescript";
import { findClass, relationshipsOf, type MappingIssue, type MappingModel } from "orm-core";
import type { FileExtract } from "./find-models";
import { calleeName } from "./find-models";
import type { Span } from "./spans";
import { lineage } from "../inheritance";

/** The class selected by the query expression this loop iterates, and the relationships it loads eagerly. */
function queryOf(expr: ts.Expression): { entity: string; eager: Set<string> } | undefined {
  let entity: string | undefined;
  const eager = new Set<string>();
  let sawQuery = false;
  const walk = (n: ts.Node) => {
    if (ts.isCallExpression(n)) {
      const name = calleeName(n.expression);
      if (name === "select" && n.arguments.length >= 1 && ts.isIdentifier(n.arguments[0]!)) { entity ??= n.arguments[0].text; sawQuery = true; }
      if ((name === "selectinload" || name === "joinedload" || name === "subqueryload" || name === "noload" || name === "raiseload") && n.arguments[0] && ts.isPropertyAccessExpression(n.arguments[0])) {
        eager.add(n.arguments[0].name.text);
      }
      if (name === "scalars" || name === "execute") sawQuery = true;
    }
    ts.forEachChild(n, walk);
  };
  walk(expr);
  return sawQuery && entity ? { entity, eager } : undefined;
}

export function findNPlusOne(file: FileExtract, model: MappingModel): { issue: MappingIssue; span: Span }[] {
  return findInSource(file.uri, file.sourceFile, model);
}

export function findInSource(uri: string, sf: ts.SourceFile, model: MappingModel): { issue: MappingIssue; span: Span }[] {
  const out: { issue: MappingIssue; span: Span }[] = [];
  const check = (loopVar: string, body: ts.Node, query: { entity: string; eager: Set<string> }) => {
    const cls = findClass(model, query.entity);
    if (!cls) return;
    // A subclass has its parents' relationships too (configure.ts copies them at run time).
    const rels = lineage(model, cls).flatMap((c) => relationshipsOf(model, c));
    const visit = (n: ts.Node) => {
      if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === loopVar) {
        const rel = rels.find((r) => r.attribute === n.name.text);
        if (rel && !query.eager.has(rel.attribute) && (rel.lazy === undefined || rel.lazy === "select")) {
          out.push({
            span: { uri, start: n.getStart(sf), end: n.getEnd() },
            issue: {
              code: "ORM201", severity: "warning", subject: `loop:${uri}:${n.getStart(sf)}`,
              message: `${cls.name}.${rel.attribute} is loaded lazily inside a loop over query results: one SELECT per ${cls.name} (N+1). Add .options(selectinload(${cls.name}.${rel.attribute})) to the query. [ORM201]`,
            },
          });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(body);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isForOfStatement(n) && ts.isVariableDeclarationList(n.initializer)) {
      const decl = n.initializer.declarations[0];
      const q = queryOf(n.expression);
      if (decl && ts.isIdentifier(decl.name) && q) check(decl.name.text, n.statement, q);
    } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ["forEach", "map", "filter", "flatMap"].includes(n.expression.name.text)) {
      const fn = n.arguments[0];
      const q = queryOf(n.expression.expression);
      if (q && fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name)) check(fn.parameters[0].name.text, fn.body, q);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
