/**
 * The query statements of a file, for the extension's "▶ Run" / "SQL" lenses:
 * select(...) / update(...) / insert(...) / deleteFrom(...) chains whose free
 * names are all module-level (imports and top-level declarations), so the
 * statement can be evaluated on its own.
 */
import * as ts from "typescript";
import { calleeName } from "./find-models";

export type StatementKind = "select" | "update" | "insert" | "delete";
export interface Statement {
  readonly kind: StatementKind;
  /** Offsets of the whole chain. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The top-level const it is assigned to, if any (the runner can import it by name). */
  readonly variable?: string;
}

const ROOTS: Record<string, StatementKind> = { select: "select", update: "update", insert: "insert", deleteFrom: "delete" };

/** The root call of a method chain: `select(User).where(x).limit(1)` → `select(User)`. */
function rootCall(expr: ts.Expression): ts.CallExpression | undefined {
  let e: ts.Expression = expr;
  for (;;) {
    if (ts.isCallExpression(e)) {
      if (ts.isPropertyAccessExpression(e.expression)) { e = e.expression.expression; continue; }
      return e;
    }
    if (ts.isPropertyAccessExpression(e)) { e = e.expression; continue; }
    return undefined;
  }
}

function topLevelNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>(["undefined", "null", "true", "false", "Math", "Date", "JSON", "Number", "String", "Boolean", "Array", "Object"]);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && st.importClause) {
      if (st.importClause.name) names.add(st.importClause.name.text);
      const b = st.importClause.namedBindings;
      if (b && ts.isNamedImports(b)) for (const el of b.elements) names.add(el.name.text);
      if (b && ts.isNamespaceImport(b)) names.add(b.name.text);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    } else if ((ts.isClassDeclaration(st) || ts.isFunctionDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
      names.add(st.name.text);
    }
  }
  return names;
}

function freeNamesAreModuleLevel(node: ts.Node, top: Set<string>): boolean {
  let ok = true;
  const visit = (n: ts.Node) => {
    if (!ok) return;
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      const isMember = (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || ts.isShorthandPropertyAssignment(p) && false;
      if (!isMember && !top.has(n.text)) ok = false;
      return;
    }
    if (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) { ok = false; return; }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return ok;
}

export function findStatements(sf: ts.SourceFile): Statement[] {
  const top = topLevelNames(sf);
  const out: Statement[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) || ts.isPropertyAccessExpression(n)) {
      // Only the outermost expression of a chain.
      const parent = n.parent;
      const isInner = (ts.isPropertyAccessExpression(parent) && parent.expression === n) || (ts.isCallExpression(parent) && parent.expression === n);
      if (!isInner) {
        const root = rootCall(n);
        const kind = root ? ROOTS[calleeName(root.expression) ?? ""] : undefined;
        if (root && kind && ts.isIdentifier(root.expression) && ts.isCallExpression(n) && freeNamesAreModuleLevel(n, top)) {
          const decl = parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && ts.isVariableStatement(parent.parent.parent) && parent.parent.parent.parent === sf ? parent.name.text : undefined;
          out.push({ kind, start: n.getStart(sf), end: n.getEnd(), text: n.getText(sf), ...(decl ? { variable: decl } : {}) });
          return;
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
