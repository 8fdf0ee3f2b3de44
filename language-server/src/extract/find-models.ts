/**
 * TypeScript source → the parts of orm-core's MappingModel a file declares:
 * `@mapped class X extends Base.model("t", { ... })`, its subclasses
 * `Base.inherit(X, ["t",] { ... }, { ... })` and `Table("t", ...)`, with the
 * source range of every subject. Reads syntax only; never runs code.
 * Half-typed code still yields what can be read. A single-table subclass's
 * table is its parent's, which may live in another file: its columns are
 * left pending here and placed by analysis.ts (see inheritance.ts).
 */
import * as ts from "typescript";
import { subjects, type ClassSpec, type ColumnInfo, type RelationshipInfo, type SubjectId, type TableSpec } from "orm-core";
import { spanOf, type Span } from "./spans";

/** A relationship as read from source, with what the model can't hold (for completion and fixes). */
export interface RelationshipSite {
  readonly info: RelationshipInfo;
  /** The options object literal, if any (code actions insert into it). */
  readonly optionsNode?: ts.ObjectLiteralExpression;
  readonly call: ts.CallExpression;
}

export interface ClassSite {
  readonly spec: ClassSpec;
  readonly node: ts.ClassDeclaration;
  /** The attributes object literal of Base.model(...) / Base.inherit(...). */
  readonly attributes: ts.ObjectLiteralExpression | undefined;
  readonly relationships: RelationshipSite[];
  /**
   * Single-table inheritance: the class's own columns, for its parent's table (unknown until the
   * files are merged). Their subjects name the table `pendingTable(class)`; spec.tableName is "".
   */
  readonly pendingColumns?: readonly ColumnInfo[];
}

/** The stand-in table name of a single-table subclass's columns until its parent's table is known. */
export const pendingTable = (cls: string): string => `<table of ${cls}>`;

export interface FileExtract {
  readonly uri: string;
  readonly sourceFile: ts.SourceFile;
  readonly classes: ClassSite[];
  readonly tables: TableSpec[];
  /** Table(...) assigned to a variable: variable name → table name (to resolve `secondary: postTags`). */
  readonly tableVariables: Map<string, string>;
  readonly spans: Map<SubjectId, Span>;
  /** Every string literal the model reads, with the subject it belongs to (for rename and definition). */
  readonly strings: { span: Span; subject: SubjectId; value: string }[];
}

const TYPE_NAMES = new Set(["Integer", "BigInteger", "SmallInteger", "String", "Text", "Boolean", "Float", "Numeric", "DateTime", "Date", "Time", "JSON", "LargeBinary", "Enum", "Uuid"]);

/** The last name of a callee: `Column`, `sa.Column` → "Column". */
export function calleeName(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  return undefined;
}
function stringValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}
function boolValue(node: ts.Node | undefined): boolean | undefined {
  if (!node) return undefined;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  return undefined;
}
function propName(p: ts.ObjectLiteralElementLike): string | undefined {
  if (!p.name) return undefined;
  if (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name)) return p.name.text;
  return undefined;
}
function props(obj: ts.ObjectLiteralExpression | undefined): Map<string, ts.PropertyAssignment> {
  const out = new Map<string, ts.PropertyAssignment>();
  for (const p of obj?.properties ?? []) if (ts.isPropertyAssignment(p)) { const n = propName(p); if (n) out.set(n, p); }
  return out;
}

/** `@mapped` (or `@sa.mapped`, `@mapped()`) among the class's decorators. */
function isDecoratedMapped(node: ts.ClassDeclaration): boolean {
  const decorators = ts.canHaveDecorators(node) ? ts.getDecorators(node) ?? [] : [];
  return decorators.some((d) => {
    const e = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    return calleeName(e) === "mapped";
  });
}

/** What a mapped class extends: `Base.model("t", attrs)` or `Base.inherit(Parent, ["t",] attrs, options)`. */
export interface BaseCall {
  readonly call: ts.CallExpression;
  /** Base.inherit: the parent class's name (`Employee`, `models.Employee` → "Employee"; "" when unreadable). */
  readonly parent?: string;
  /** Base.inherit without a table name: the columns go into the parent's table. */
  readonly single: boolean;
  /** The table name argument (Base.model, joined-table Base.inherit). */
  readonly tableNode?: ts.Expression;
  readonly attributes?: ts.ObjectLiteralExpression;
}

/** The Base.model / Base.inherit call in a class's extends clause. */
export function baseCall(node: ts.ClassDeclaration): BaseCall | undefined {
  for (const h of node.heritageClauses ?? []) {
    if (h.token !== ts.SyntaxKind.ExtendsKeyword) continue;
    const e = h.types[0]?.expression;
    if (!e || !ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) continue;
    const objectArg = (a: ts.Expression | undefined) => (a && ts.isObjectLiteralExpression(a) ? a : undefined);
    const [a0, a1, a2] = e.arguments;
    const kind = e.expression.name.text;
    if (kind === "model") return { call: e, single: false, ...opt("tableNode", a0), ...opt("attributes", objectArg(a1)) };
    if (kind === "inherit") {
      const parent = (a0 && (ts.isIdentifier(a0) || ts.isPropertyAccessExpression(a0)) ? calleeName(a0) : undefined) ?? "";
      // As at run time: a second argument that is not a table name makes it single-table.
      const single = !a1 || ts.isObjectLiteralExpression(a1);
      return single
        ? { call: e, single, parent, ...opt("attributes", objectArg(a1)) }
        : { call: e, single, parent, tableNode: a1, ...opt("attributes", objectArg(a2)) };
    }
  }
  return undefined;
}
function opt<K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> { return v === undefined ? {} : ({ [k]: v } as Record<K, V>); }

interface ColumnRead { name?: string; nameNode?: ts.Node; type: { name: string; length?: number }; primaryKey: boolean; nullable?: boolean; fks: { target: string; node: ts.Node }[] }

function readType(node: ts.Expression | undefined): { name: string; length?: number } | undefined {
  if (!node) return undefined;
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
    const n = calleeName(node);
    return n && TYPE_NAMES.has(n) ? { name: n } : undefined;
  }
  if (ts.isCallExpression(node)) {
    const n = calleeName(node.expression);
    if (!n || !TYPE_NAMES.has(n)) return undefined;
    if (n === "String" && node.arguments[0] && ts.isNumericLiteral(node.arguments[0])) return { name: n, length: Number(node.arguments[0].text) };
    return { name: n };
  }
  return undefined;
}

/** Column("name"?, Type, ForeignKey("t.c")..., { options }) */
function readColumn(call: ts.CallExpression): ColumnRead | undefined {
  const args = [...call.arguments];
  let name: string | undefined;
  let nameNode: ts.Node | undefined;
  if (args[0] && stringValue(args[0]) !== undefined) { nameNode = args.shift()!; name = stringValue(nameNode); }
  const type = readType(args[0]) ?? { name: "NullType" };
  if (readType(args[0])) args.shift();
  const out: ColumnRead = { type, primaryKey: false, fks: [], ...(name !== undefined ? { name, nameNode: nameNode! } : {}) };
  for (const a of args) {
    if (ts.isCallExpression(a) && calleeName(a.expression) === "ForeignKey") {
      const t = a.arguments[0];
      const target = stringValue(t);
      if (target !== undefined && t) out.fks.push({ target, node: t });
      else if (t && ts.isPropertyAccessExpression(t)) out.fks.push({ target: t.getText(), node: t });
    } else if (ts.isObjectLiteralExpression(a)) {
      const p = props(a);
      out.primaryKey = boolValue(p.get("primaryKey")?.initializer) ?? false;
      const nullable = boolValue(p.get("nullable")?.initializer);
      if (nullable !== undefined) out.nullable = nullable;
    }
  }
  return out;
}

function stringList(node: ts.Expression | undefined): { values: string[]; nodes: ts.Node[] } | undefined {
  if (!node) return undefined;
  const s = stringValue(node);
  if (s !== undefined) return { values: s.split(",").map((x) => x.trim()).filter(Boolean), nodes: [node] };
  if (ts.isArrayLiteralExpression(node)) {
    const values: string[] = [], nodes: ts.Node[] = [];
    for (const e of node.elements) { const v = stringValue(e); if (v !== undefined) { values.push(v); nodes.push(e); } }
    return { values, nodes };
  }
  return undefined;
}

export function extractFile(uri: string, sf: ts.SourceFile): FileExtract {
  const out: FileExtract = { uri, sourceFile: sf, classes: [], tables: [], tableVariables: new Map(), spans: new Map(), strings: [] };
  const span = (n: ts.Node) => spanOf(uri, n, sf);
  const setSpan = (subject: SubjectId, n: ts.Node) => { if (!out.spans.has(subject)) out.spans.set(subject, span(n)); };
  const addString = (n: ts.Node, subject: SubjectId) => { const v = stringValue(n); if (v !== undefined) out.strings.push({ span: span(n), subject, value: v }); };

  const columnInfo = (table: string, key: string | undefined, c: ColumnRead, keyNode: ts.Node): ColumnInfo => {
    const name = c.name ?? key ?? "?";
    const subject = subjects.column(table, name);
    setSpan(subject, keyNode);
    const fks = c.fks.map((fk, i) => {
      const s = subjects.fk(table, name, i);
      setSpan(s, fk.node);
      addString(fk.node, s);
      return { target: fk.target, subject: s };
    });
    return {
      name, ...(key !== undefined && key !== name ? { attribute: key } : key !== undefined ? { attribute: key } : {}),
      type: c.type, primaryKey: c.primaryKey, nullable: c.nullable ?? !c.primaryKey, foreignKeys: fks, subject,
    };
  };

  const visitTable = (call: ts.CallExpression, variable: string | undefined) => {
    const nameNode = call.arguments[0];
    const tname = stringValue(nameNode);
    if (tname === undefined || !nameNode) return;
    setSpan(subjects.table(tname), nameNode);
    addString(nameNode, subjects.table(tname));
    const columns: ColumnInfo[] = [];
    for (const a of call.arguments.slice(2)) {
      if (ts.isCallExpression(a) && calleeName(a.expression) === "Column") {
        const c = readColumn(a);
        if (c?.name && c.nameNode) columns.push(columnInfo(tname, undefined, c, c.nameNode));
      }
    }
    out.tables.push({ name: tname, columns, definedBy: "table", subject: subjects.table(tname) });
    if (variable) out.tableVariables.set(variable, tname);
  };

  const visitClass = (node: ts.ClassDeclaration) => {
    const base = baseCall(node);
    if (!base || !node.name) return;
    const clsName = node.name.text;
    const { tableNode, attributes: attrsNode } = base;
    // A single-table subclass's columns are named under a stand-in table until analysis.ts places them.
    const standIn = base.parent !== undefined && base.single ? pendingTable(clsName) : undefined;
    const tableName = standIn ?? stringValue(tableNode) ?? "";
    setSpan(subjects.cls(clsName), node.name);
    if (tableNode && tableName && !standIn) { setSpan(subjects.table(tableName), tableNode); addString(tableNode, subjects.table(tableName)); }
    const columns: ColumnInfo[] = [];
    const mappedColumns: { attribute: string; column: string }[] = [];
    const relationships: RelationshipSite[] = [];
    const computed: string[] = [];
    for (const p of attrsNode?.properties ?? []) {
      if (!ts.isPropertyAssignment(p)) continue;
      const key = propName(p);
      if (!key || !ts.isCallExpression(p.initializer)) continue;
      const fn = calleeName(p.initializer.expression);
      setSpan(subjects.attr(clsName, key), p.name);
      if (fn === "Column") {
        const c = readColumn(p.initializer);
        if (!c) continue;
        const info = columnInfo(tableName, key, c, p.name);
        columns.push(info);
        mappedColumns.push({ attribute: key, column: info.name });
      } else if (fn === "relationship") {
        relationships.push(readRelationship(clsName, key, p.initializer));
      } else if (fn === "columnProperty" || fn === "associationProxy" || fn === "synonym") {
        computed.push(key); // neither column nor relationship, but a backref must not take the name
      }
    }
    const others: string[] = [...computed];
    for (const m of node.members) {
      if (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) && !(ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.DeclareKeyword))) others.push(m.name.text);
    }
    const spec: ClassSpec = {
      name: clsName, tableName: standIn ? "" : tableName, ...(base.parent !== undefined ? { inherits: base.parent } : {}),
      decorated: isDecoratedMapped(node), subject: subjects.cls(clsName),
      columns: mappedColumns, relationships: relationships.map((r) => r.info), otherAttributes: others,
    };
    out.classes.push({ spec, node, attributes: attrsNode, relationships, ...(standIn ? { pendingColumns: columns } : {}) });
    if (tableName && !standIn) out.tables.push({ name: tableName, columns, definedBy: "class", subject: subjects.table(tableName) });
  };

  const readRelationship = (owner: string, attribute: string, call: ts.CallExpression): RelationshipSite => {
    const opt = (o: Parameters<typeof subjects.option>[2]) => subjects.option(owner, attribute, o);
    const targetNode = call.arguments[0];
    let target = stringValue(targetNode);
    if (target === undefined && targetNode && ts.isArrowFunction(targetNode) && ts.isIdentifier(targetNode.body)) target = targetNode.body.text;
    if (targetNode) { setSpan(opt("target"), targetNode); addString(targetNode, opt("target")); }
    const typeArg = call.typeArguments?.[0];
    let declaredCollection: boolean | undefined;
    if (typeArg) declaredCollection = ts.isArrayTypeNode(typeArg) || (ts.isTypeReferenceNode(typeArg) && ["Array", "ReadonlyArray"].includes(typeArg.typeName.getText(sf)));
    const optionsNode = call.arguments[1] && ts.isObjectLiteralExpression(call.arguments[1]) ? call.arguments[1] : undefined;
    const p = props(optionsNode);
    const info: Record<string, unknown> = { owner, attribute, target: target ?? "", subject: subjects.attr(owner, attribute) };
    if (declaredCollection !== undefined) info.declaredCollection = declaredCollection;
    const str = (key: "backPopulates" | "cascade" | "lazy") => {
      const n = p.get(key)?.initializer;
      const v = stringValue(n);
      if (v !== undefined && n) { info[key] = v; setSpan(opt(key), n); addString(n, opt(key)); }
    };
    str("backPopulates"); str("cascade"); str("lazy");
    const backref = p.get("backref")?.initializer;
    if (backref) {
      const node = ts.isArrayLiteralExpression(backref) ? backref.elements[0] : backref;
      const v = stringValue(node);
      if (v !== undefined && node) { info.backref = v; setSpan(opt("backref"), node); addString(node, opt("backref")); }
    }
    const secondary = p.get("secondary")?.initializer;
    if (secondary) {
      const v = stringValue(secondary) ?? (ts.isIdentifier(secondary) ? `$var:${secondary.text}` : undefined);
      if (v !== undefined) { info.secondary = v; setSpan(opt("secondary"), secondary); addString(secondary, opt("secondary")); }
    }
    for (const key of ["remoteSide", "foreignKeys", "orderBy"] as const) {
      const n = p.get(key)?.initializer;
      const list = stringList(n);
      if (list && n) { info[key] = list.values; setSpan(opt(key), n); list.nodes.forEach((x) => addString(x, opt(key))); }
    }
    for (const key of ["uselist", "singleParent", "viewonly", "passiveDeletes"] as const) {
      const v = boolValue(p.get(key)?.initializer);
      if (v !== undefined) info[key] = v;
    }
    if (p.get("uselist")) setSpan(opt("uselist"), p.get("uselist")!.initializer);
    if (p.has("primaryJoin")) info.customJoin = true;
    return { info: info as unknown as RelationshipInfo, call, ...(optionsNode ? { optionsNode } : {}) };
  };

  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node)) visitClass(node);
    else if (ts.isVariableDeclaration(node) && node.initializer && ts.isCallExpression(node.initializer) && calleeName(node.initializer.expression) === "Table") {
      visitTable(node.initializer, ts.isIdentifier(node.name) ? node.name.text : undefined);
      return;
    } else if (ts.isCallExpression(node) && calleeName(node.expression) === "Table" && !ts.isVariableDeclaration(node.parent)) {
      visitTable(node, undefined);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

export function parse(uri: string, text: string): ts.SourceFile {
  return ts.createSourceFile(uri, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}
