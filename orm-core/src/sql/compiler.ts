/**
 * The SQL compiler: a visitor with one method per node kind. `appendValue` is
 * the only way a value reaches SQL (it pushes a parameter and writes `?`);
 * `quoteIdentifier` is the only way a name does. Output: a frozen CompiledQuery.
 * SQLite is the only dialect; its quirks are marked where they occur.
 */
import { ArgumentError } from "../errors/errors";
import type { CompiledQuery } from "../engine/engine";
import { checkBindable } from "./coerce";
import type {
  AnyNode, BinaryNode, ExprNode, FromNode, InsertNode, UpdateNode, DeleteNode, SelectNode, AliasNode, TableNode, JoinClause, CompoundNode,
} from "./nodes";

// Words SQLite (and SQLAlchemy's SQLite dialect) would misread as keywords.
const RESERVED = new Set(`abort action add after all alter always analyze and as asc attach autoincrement before begin between by cascade case cast
check collate column commit conflict constraint create cross current current_date current_time current_timestamp database default deferrable
deferred delete desc detach distinct do drop each else end escape except exclude exclusive exists explain fail filter first following for
foreign from full generated glob group groups having if ignore immediate in index indexed initially inner insert instead intersect into is
isnull join key last left like limit match materialized natural no not nothing notnull null nulls of offset on or order others outer over
partition plan pragma preceding primary query raise range recursive references regexp reindex release rename replace restrict returning
right rollback row rows savepoint select set table temp temporary then ties to transaction trigger unbounded union unique update using
vacuum values view virtual when where window with without user`.split(/\s+/));

/** Quotes a name when SQLite needs it (keywords, capitals, spaces, quotes, unicode), as SQLAlchemy does. */
export function quoteIdentifier(name: string): string {
  if (typeof name !== "string" || name.length === 0) throw new ArgumentError(`An SQL name must be a non-empty string, got ${JSON.stringify(name)}.`);
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

type Froms = readonly FromNode[];

/** Operator precedence (higher binds tighter), after SQLAlchemy's operators._PRECEDENCE. */
const PREC: Record<string, number> = {
  "*": 8, "/": 8, "%": 8, "||": 7, "+": 7, "-": 7,
  CMP: 5, "=": 5, "!=": 5, "<": 5, "<=": 5, ">": 5, ">=": 5, LIKE: 5, "NOT LIKE": 5, IN: 5, "NOT IN": 5, IS: 5, "IS NOT": 5, BETWEEN: 5, ESCAPE: 5,
  NOT: 4, AND: 3, OR: 2, UNARY: 9,
};
const ASSOCIATIVE = new Set(["+", "*", "||", "AND", "OR"]);
function precedence(n: ExprNode): number {
  switch (n.kind) {
    case "binary": return PREC[n.op] ?? PREC.CMP!;
    case "clauselist": return n.clauses.length < 2 ? 100 : n.op === "AND" ? PREC.AND! : n.op === "OR" ? PREC.OR! : 100;
    case "unary": return n.prefix === "NOT" ? PREC.NOT! : n.postfix && !n.prefix ? PREC.CMP! : 100;
    default: return 100;
  }
}

export class SqlCompiler {
  private sql = "";
  private readonly params: unknown[] = [];
  /** FROMs of the enclosing selects, for correlating subqueries. */
  private enclosing: Enclosing[] = [];
  /** CTEs met while writing the current text, by name (a recursive CTE's later, compound form wins). */
  private cteRefs: string[] = [];
  private readonly ctes = new Map<string, AliasNode>();

  static compile(node: AnyNode): CompiledQuery {
    const c = new SqlCompiler();
    c.visit(node);
    if (c.ctes.size) return c.withCtes();
    return Object.freeze({ sql: c.sql, parameters: Object.freeze(c.params) });
  }

  /** Hoists every CTE into one top-level WITH, each after the CTEs its body uses (SQLAlchemy's nesting rule). */
  private withCtes(): CompiledQuery {
    const main = { sql: this.sql, params: [...this.params], refs: this.cteRefs };
    const done = new Set<string>();
    const out: { name: string; sql: string; params: unknown[] }[] = [];
    const emit = (name: string): void => {
      if (done.has(name)) return;
      done.add(name);
      const cte = this.ctes.get(name)!;
      this.sql = ""; this.params.length = 0; this.cteRefs = []; this.enclosing = [];
      this.visit(cte.element);
      const body = { name, sql: this.sql, params: [...this.params] };
      const refs = this.cteRefs;
      for (const r of refs) emit(r);
      out.push(body);
    };
    for (const r of main.refs) emit(r);
    const recursive = [...this.ctes.values()].some((c) => c.cte!.recursive);
    const parts = out.map((o) => {
      const info = this.ctes.get(o.name)!.cte!;
      const cols = info.recursive && info.columns.length ? `(${info.columns.map(quoteIdentifier).join(", ")})` : "";
      return `${quoteIdentifier(o.name)}${cols} AS \n(${o.sql})`;
    });
    const sql = `WITH ${recursive ? "RECURSIVE " : ""}${parts.join(", \n")}\n ${main.sql}`;
    return Object.freeze({ sql, parameters: Object.freeze([...out.flatMap((o) => o.params), ...main.params]) });
  }

  private noteCte(node: AliasNode): void {
    const seen = this.ctes.get(node.name);
    if (seen && seen !== node && seen.element !== node.element && !grows(seen, node) && !grows(node, seen)) {
      throw new ArgumentError(`Two different CTEs are named ${JSON.stringify(node.name)} in one statement: give them distinct names, cte("other_name").`);
    }
    if (!seen || grows(seen, node)) this.ctes.set(node.name, node);
    if (!this.cteRefs.includes(node.name)) this.cteRefs.push(node.name);
  }

  private write(s: string): void { this.sql += s; }

  /** The only way a value enters the SQL text: as a bound parameter. */
  private appendValue(value: unknown, bind: ((v: any) => unknown) | undefined): void {
    let v = value;
    if (v !== null && v !== undefined && bind) v = bind(v);
    this.params.push(checkBindable(v, "bound value"));
    this.write("?");
  }

  visit(node: AnyNode): void {
    switch (node.kind) {
      case "select": return this.visitSelect(node, false);
      case "compound": return this.visitCompound(node);
      case "insert": return this.visitInsert(node);
      case "update": return this.visitUpdate(node);
      case "delete": return this.visitDelete(node);
      case "table": return this.write(quoteIdentifier(node.table.name));
      case "alias": return this.visitAlias(node);
      case "join": return this.visitJoinNode(node.left, [{ target: node.right, on: node.on, isOuter: node.isOuter }]);
      case "column": return this.write(`${this.fromName(node.from)}.${quoteIdentifier(node.column.name)}`);
      case "subquery_column": return this.write(`${quoteIdentifier(node.from.name)}.${quoteIdentifier(node.name)}`);
      case "bind": return this.appendValue(node.value, node.type.bind);
      case "literal": return this.write(node.sql);
      case "binary": return this.visitBinary(node);
      case "unary":
        if (node.prefix) this.write(node.prefix === "-" ? "-" : `${node.prefix} `);
        this.visitOperand(node.element, node.prefix === "NOT" ? PREC.NOT : PREC.UNARY);
        if (node.postfix) this.write(` ${node.postfix}`);
        return;
      case "clauselist": return this.visitList(node.clauses, node.op === "," ? ", " : ` ${node.op} `, node.op !== ",");
      case "grouping": this.write("("); this.visit(node.element); this.write(")"); return;
      case "function":
        this.write(`${node.name}(`);
        if (node.distinct) this.write("DISTINCT ");
        this.visitList(node.args, ", ", false);
        this.write(")");
        return;
      case "label": this.visit(node.element); this.write(` AS ${quoteIdentifier(node.name)}`); return;
      case "cast": this.write("CAST("); this.visit(node.element); this.write(` AS ${node.type.ddl()})`); return;
      case "case":
        this.write("CASE");
        for (const [when, then] of node.whens) { this.write(" WHEN "); this.visit(when); this.write(" THEN "); this.visit(then); }
        if (node.else) { this.write(" ELSE "); this.visit(node.else); }
        this.write(" END");
        return;
      case "scalar_subquery": this.write("("); this.visitSelect(node.select, true); this.write(")"); return;
      case "exists": this.write("EXISTS ("); this.visitSelect(node.select, true); this.write(")"); return;
      case "text": return this.write(node.sql);
      case "entity": return this.visitList(node.columns, ", ", false);
    }
  }

  private visitList(nodes: readonly ExprNode[], sep: string, group: boolean): void {
    const prec = sep === " AND " ? PREC.AND : sep === " OR " ? PREC.OR : 0;
    nodes.forEach((n, i) => {
      if (i) this.write(sep);
      if (group) this.visitOperand(n, prec, i > 0); else this.visit(n);
    });
  }

  /** Parenthesizes an operand that binds more loosely than its operator, as SQLAlchemy does. */
  private visitOperand(n: ExprNode, parent: number, right = false, associative = true): void {
    const p = precedence(n);
    const needs = p < parent || (p === parent && right && !associative);
    if (needs) { this.write("("); this.visit(n); this.write(")"); } else this.visit(n);
  }

  private visitBinary(node: BinaryNode): void {
    const p = PREC[node.op] ?? PREC.CMP;
    if (node.op === "BETWEEN") {
      const [lo, hi] = (node.right as any).clauses as ExprNode[];
      this.visitOperand(node.left, p); this.write(" BETWEEN "); this.visitOperand(lo!, p, true, false); this.write(" AND "); this.visitOperand(hi!, p, true, false);
      return;
    }
    if ((node.op === "IN" || node.op === "NOT IN") && (node.right as { kind: string }).kind === "select") {
      this.visitOperand(node.left, p); this.write(` ${node.op} (`); this.visitSelect(node.right as unknown as SelectNode, true); this.write(")");
      return;
    }
    this.visitOperand(node.left, p);
    this.write(` ${node.op} `);
    this.visitOperand(node.right, p, true, ASSOCIATIVE.has(node.op));
  }

  private fromName(from: TableNode | AliasNode): string {
    return quoteIdentifier(from.kind === "table" ? from.table.name : from.name);
  }

  private visitAlias(node: AliasNode): void {
    if (node.cte) { this.noteCte(node); this.write(quoteIdentifier(node.name)); return; }
    if (node.element.kind === "compound") {
      this.write("(");
      this.visitCompound(node.element);
      this.write(`) AS ${quoteIdentifier(node.name)}`);
    } else if (node.element.kind === "table") {
      this.write(`${quoteIdentifier(node.element.table.name)} AS ${quoteIdentifier(node.name)}`);
    } else {
      this.write("(");
      this.visitSelect(node.element, true);
      this.write(`) AS ${quoteIdentifier(node.name)}`);
    }
  }

  private visitJoinNode(left: FromNode, joins: readonly JoinClause[]): void {
    this.visit(left);
    for (const j of joins) this.visitJoinClause(j.target, j.on, j.isOuter);
  }
  /**
   * ` JOIN target ON on`. A target that is itself a join (an association table and the target, a
   * subclass's tables) is written flat, as SQLAlchemy does: JOIN a ON on JOIN b ON a-to-b.
   */
  private visitJoinClause(target: FromNode, on: ExprNode, isOuter: boolean): void {
    if (target.kind === "join") {
      this.visitJoinClause(target.left, on, isOuter);
      this.visitJoinClause(target.right, target.on, target.isOuter);
      return;
    }
    this.write(isOuter ? " LEFT OUTER JOIN " : " JOIN ");
    this.visit(target);
    this.write(" ON ");
    this.visit(on);
  }

  // ---- SELECT ---------------------------------------------------------------

  private visitSelect(node: SelectNode, nested: boolean): void {
    if (node.columns.length === 0) throw new ArgumentError("This select() has no columns: pass a mapped class, columns or expressions, e.g. select(User) or select(User.name).");
    const froms = resolveFroms(node, this.enclosing[this.enclosing.length - 1]);
    // A subquery correlates with every FROM of this select, joined ones included (as SQLAlchemy's).
    const roots = new Set(froms.flatMap(flattenFrom).map(fromKey));
    this.enclosing.push({ roots, all: node.joins.length ? new Set([...roots, ...node.joins.flatMap((j) => flattenFrom(j.target)).map(fromKey)]) : roots });
    this.write("SELECT ");
    if (node.distinct) this.write("DISTINCT ");
    this.visitList(node.columns, ", ", false);
    if (froms.length) {
      this.write(" \nFROM ");
      froms.forEach((f, i) => {
        if (i) this.write(", ");
        const joins = node.joins.filter((j) => joinRoot(node, j, froms) === f);
        this.visitJoinNode(f, joins);
      });
    }
    if (node.where.length) { this.write(" \nWHERE "); this.visitList(node.where, " AND ", true); }
    if (node.groupBy.length) { this.write(" GROUP BY "); this.visitList(node.groupBy, ", ", false); }
    if (node.having.length) { this.write(" \nHAVING "); this.visitList(node.having, " AND ", true); }
    if (node.orderBy.length) { this.write(" ORDER BY "); this.visitList(node.orderBy, ", ", false); }
    if (node.limit || node.offset) {
      // SQLite needs a LIMIT before OFFSET: LIMIT -1 means none.
      this.write("\n LIMIT ");
      if (node.limit) this.visit(node.limit); else this.write("-1");
      if (node.offset) { this.write(" OFFSET "); this.visit(node.offset); }
    }
    this.enclosing.pop();
    void nested;
  }

  /**
   * SQLite's compound: members unparenthesized; a member that is itself a compound, or has its own
   * ORDER BY / LIMIT, is read through `SELECT * FROM (...)` (SQLite refuses those as members).
   */
  private visitCompound(node: CompoundNode): void {
    const outer = this.enclosing;
    this.enclosing = [];
    node.selects.forEach((m, i) => {
      if (i) this.write(` ${node.op} `);
      if (m.kind === "compound" || m.orderBy.length || m.limit || m.offset) {
        this.write("SELECT * FROM (");
        if (m.kind === "compound") this.visitCompound(m); else this.visitSelect(m, true);
        this.write(")");
      } else this.visitSelect(m, true);
    });
    this.enclosing = outer;
    if (node.orderBy.length) { this.write(" ORDER BY "); this.visitList(node.orderBy, ", ", false); }
    if (node.limit || node.offset) {
      this.write("\n LIMIT ");
      if (node.limit) this.visit(node.limit); else this.write("-1");
      if (node.offset) { this.write(" OFFSET "); this.visit(node.offset); }
    }
  }

  // ---- DML ------------------------------------------------------------------

  private visitInsert(node: InsertNode): void {
    this.write(`INSERT INTO ${quoteIdentifier(node.table.name)}`);
    if (node.select) {
      this.write(` (${node.columns.map((c) => quoteIdentifier(c.name)).join(", ")}) `);
      this.visitSelect(node.select, true);
    } else if (node.defaultValues || node.columns.length === 0) {
      this.write(" DEFAULT VALUES");
    } else {
      this.write(` (${node.columns.map((c) => quoteIdentifier(c.name)).join(", ")}) VALUES `);
      node.rows.forEach((row, i) => {
        if (i) this.write(", ");
        this.write("(");
        this.visitList(row, ", ", false);
        this.write(")");
      });
    }
    if (node.onConflict) {
      const oc = node.onConflict;
      this.write(" ON CONFLICT");
      if (oc.target.length) this.write(` (${oc.target.map((c) => quoteIdentifier(c.name)).join(", ")})`);
      if (!oc.set || oc.set.length === 0) this.write(" DO NOTHING");
      else {
        this.write(" DO UPDATE SET ");
        oc.set.forEach(([col, value], i) => { if (i) this.write(", "); this.write(`${quoteIdentifier(col.name)} = `); this.visit(value); });
        if (oc.where) { this.write(" WHERE "); this.visit(oc.where); }
      }
    }
    this.visitReturning(node.returning);
  }

  private visitUpdate(node: UpdateNode): void {
    if (node.set.length === 0) throw new ArgumentError(`update(${node.table.name}) has no values: add .values({ column: value }).`);
    this.write(`UPDATE ${quoteIdentifier(node.table.name)} SET `);
    node.set.forEach(([col, value], i) => { if (i) this.write(", "); this.write(`${quoteIdentifier(col.name)}=`); this.visit(value); });
    if (node.where.length) { this.write(" WHERE "); this.visitList(node.where, " AND ", true); }
    this.visitReturning(node.returning);
  }

  private visitDelete(node: DeleteNode): void {
    this.write(`DELETE FROM ${quoteIdentifier(node.table.name)}`);
    if (node.where.length) { this.write(" WHERE "); this.visitList(node.where, " AND ", true); }
    this.visitReturning(node.returning);
  }

  private visitReturning(cols: readonly ExprNode[]): void {
    if (cols.length) { this.write(" RETURNING "); this.visitList(cols, ", ", false); }
  }
}

/** Whether CTE `b` is `a` extended by unionAll() (the recursive pattern): `b`'s body starts with `a`'s. */
function grows(a: AliasNode, b: AliasNode): boolean {
  for (let e = b.element; e.kind === "compound"; e = e.selects[0]!) if (e.selects[0] === a.element) return true;
  return false;
}

// ---- FROM inference -----------------------------------------------------------

function fromKey(f: FromNode): unknown { return f.kind === "table" ? f.table : f; }
function flattenFrom(f: FromNode): FromNode[] { return f.kind === "join" ? [...flattenFrom(f.left), ...flattenFrom(f.right)] : [f]; }

/** Collects the FROMs an expression refers to, without entering subqueries. */
export function collectFroms(node: ExprNode | undefined, out: Map<unknown, FromNode>): void {
  if (!node) return;
  switch (node.kind) {
    case "column": if (!out.has(fromKey(node.from))) out.set(fromKey(node.from), node.from); return;
    case "subquery_column": if (!out.has(node.from)) out.set(node.from, node.from); return;
    case "entity": if (!out.has(fromKey(node.from))) out.set(fromKey(node.from), node.from); return;
    case "binary": collectFroms(node.left, out); if ((node.right as any).kind !== "select") collectFroms(node.right, out); return;
    case "unary": case "grouping": case "label": case "cast": collectFroms(node.element, out); return;
    case "clauselist": node.clauses.forEach((c) => collectFroms(c, out)); return;
    case "function": node.args.forEach((c) => collectFroms(c, out)); return;
    case "case": node.whens.forEach(([a, b]) => { collectFroms(a, out); collectFroms(b, out); }); collectFroms(node.else, out); return;
    default: return;
  }
}

/**
 * The FROM list: explicit froms, then those the columns and criteria name;
 * tables that are the target of a join are rendered inside that join; in a
 * subquery, tables of the enclosing query are correlated (left out).
 */
/** What a subquery may correlate with: the enclosing select's own FROMs, and those plus its joined ones. */
interface Enclosing { readonly roots: Set<unknown>; readonly all: Set<unknown> }

function resolveFroms(node: SelectNode, enclosing: Enclosing | undefined): FromNode[] {
  const found = new Map<unknown, FromNode>();
  for (const f of node.froms) found.set(fromKey(f), f);
  for (const list of [node.columns, node.where, node.groupBy, node.having, node.orderBy]) for (const n of list) collectFroms(n, found);
  const joined = new Set<unknown>();
  for (const j of node.joins) for (const f of flattenFrom(j.target)) joined.add(fromKey(f));
  let froms = [...found.entries()].filter(([k]) => !joined.has(k)).map(([, f]) => f);
  if (enclosing && froms.length > 1 || (enclosing && froms.length === 1 && node.froms.length === 0)) {
    let uncorrelated = froms.filter((f) => !correlates(node, f, enclosing.all));
    // Correlating everything would leave no FROM (SQLAlchemy raises there): correlate the enclosing
    // select's own FROMs only, as before joined ones counted, else nothing.
    if (uncorrelated.length === 0 && node.joins.length === 0 && enclosing.all !== enclosing.roots) uncorrelated = froms.filter((f) => !correlates(node, f, enclosing.roots));
    if (uncorrelated.length > 0 || node.joins.length > 0) froms = uncorrelated;
  }
  if (froms.length === 0 && node.joins.length > 0) {
    throw new ArgumentError("join() needs something to join from: select an entity or column of the left side first, or use selectFrom().");
  }
  return froms;
}

/** Whether a subquery leaves `f` to its enclosing query: auto-correlation, narrowed by correlate() / correlateExcept(). */
function correlates(node: SelectNode, f: FromNode, enclosing: Set<unknown>): boolean {
  const key = fromKey(f);
  if (!enclosing.has(key) || node.froms.includes(f)) return false;
  if (node.correlate) return node.correlate.some((c) => fromKey(c) === key);
  if (node.correlateExcept) return !node.correlateExcept.some((c) => fromKey(c) === key);
  return true;
}

/** Which FROM a join hangs on: its explicit left, else the FROM that its ON clause refers to, else the first. */
function joinRoot(node: SelectNode, j: JoinClause, froms: Froms): FromNode {
  if (j.left) {
    const key = fromKey(j.left);
    const hit = froms.find((f) => flattenFrom(f).some((x) => fromKey(x) === key));
    if (hit) return hit;
  }
  if (froms.length > 1) {
    const refs = new Map<unknown, FromNode>();
    collectFroms(j.on, refs);
    const hit = froms.find((f) => refs.has(fromKey(f)));
    if (hit) return hit;
    // An earlier join's target may be the left side: hang on the same root.
    const idx = node.joins.indexOf(j);
    for (let i = idx - 1; i >= 0; i--) {
      const prev = node.joins[i]!;
      if (flattenFrom(prev.target).some((x) => refs.has(fromKey(x)))) return joinRoot(node, prev, froms);
    }
  }
  return froms[0]!;
}
