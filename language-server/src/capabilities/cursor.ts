/**
 * What the cursor is on: the deepest syntax node at an offset, and the
 * relationship / Column / ForeignKey / event call around a string literal.
 */
import * as ts from "typescript";
import { baseCall, calleeName } from "../extract/find-models";

export function nodeAt(sf: ts.SourceFile, offset: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node) => {
    if (offset >= n.getStart(sf) && offset <= n.getEnd()) {
      found = n;
      ts.forEachChild(n, visit);
    }
  };
  visit(sf);
  return found;
}

/** The string literal the cursor is in (between its quotes), or undefined. */
export function stringAt(sf: ts.SourceFile, offset: number): ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | undefined {
  const n = nodeAt(sf, offset);
  if (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n))) {
    const start = n.getStart(sf);
    if (offset > start && (offset < n.getEnd() || !isTerminated(n, sf))) return n;
  }
  return undefined;
}
function isTerminated(n: ts.Node, sf: ts.SourceFile): boolean {
  const text = n.getText(sf);
  return text.length >= 2 && text[text.length - 1] === text[0];
}

export type StringRole =
  | { kind: "relationship-target"; owner?: string }
  | { kind: "relationship-option"; option: string; owner?: string; target?: string; arrayElement: boolean }
  | { kind: "foreign-key" }
  | { kind: "event-name"; targetText: string }
  | { kind: "other" };

/** The class declaration (by name) that encloses a node, when it extends Base.model(...) or Base.inherit(...). */
export function enclosingModelClass(n: ts.Node): string | undefined {
  for (let p: ts.Node | undefined = n; p; p = p.parent) if (ts.isClassDeclaration(p) && p.name && baseCall(p)) return p.name.text;
  return undefined;
}

function relationshipTarget(call: ts.CallExpression): string | undefined {
  const a = call.arguments[0];
  if (a && ts.isStringLiteral(a)) return a.text;
  if (a && ts.isArrowFunction(a) && ts.isIdentifier(a.body)) return a.body.text;
  return undefined;
}

export function roleOf(str: ts.Node): StringRole {
  let node: ts.Node = str;
  let arrayElement = false;
  if (ts.isArrayLiteralExpression(node.parent)) { node = node.parent; arrayElement = true; }
  const parent = node.parent;
  if (parent && ts.isCallExpression(parent) && parent.arguments[0] === node) {
    const name = calleeName(parent.expression);
    if (name === "relationship") return { kind: "relationship-target", ...opt("owner", enclosingModelClass(parent)) };
    if (name === "ForeignKey") return { kind: "foreign-key" };
  }
  if (parent && ts.isCallExpression(parent) && parent.arguments[1] === node) {
    const name = calleeName(parent.expression);
    if ((name === "listen" || name === "listensFor") && parent.arguments[0]) return { kind: "event-name", targetText: parent.arguments[0].getText() };
  }
  if (parent && ts.isPropertyAssignment(parent) && parent.initializer === node && ts.isObjectLiteralExpression(parent.parent)) {
    const call = parent.parent.parent;
    if (call && ts.isCallExpression(call) && calleeName(call.expression) === "relationship") {
      return { kind: "relationship-option", option: parent.name.getText(), arrayElement, ...opt("owner", enclosingModelClass(call)), ...opt("target", relationshipTarget(call)) };
    }
  }
  // backref: ["name", { ... }]
  if (arrayElement && parent && ts.isPropertyAssignment(parent) && parent.name.getText() === "backref") {
    const call = parent.parent.parent;
    if (call && ts.isCallExpression(call)) return { kind: "relationship-option", option: "backref", arrayElement: false, ...opt("owner", enclosingModelClass(call)), ...opt("target", relationshipTarget(call)) };
  }
  return { kind: "other" };
}
function opt<K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> { return v === undefined ? {} : ({ [k]: v } as Record<K, string>); }
