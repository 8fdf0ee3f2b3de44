/**
 * Re-targets an expression written against a table onto an alias of it (SQLAlchemy's
 * ClauseAdapter): `users.first || ' ' || users.last` → `users_1.first || ' ' || users_1.last`,
 * also inside subqueries, so a correlated subquery correlates with the alias.
 * Used by the ORM for column properties seen through aliased(User) and joined eager loads.
 */
import type { TableObject } from "../schema/table";
import type { AliasNode, ExprNode, FromNode, JoinClause, SelectNode, TableNode } from "./nodes";

/** `node` with every column of `table` (and `table` itself in subquery FROMs) read through `to`. */
export function adaptToFrom(node: ExprNode, table: TableObject, to: TableNode | AliasNode): ExprNode {
  if (to.kind === "table" && to.table === table) return node;
  return new Adapter(table, to).expr(node);
}

class Adapter {
  constructor(private readonly table: TableObject, private readonly to: TableNode | AliasNode) {}

  expr(n: ExprNode): ExprNode {
    switch (n.kind) {
      case "column": return n.from.kind === "table" && n.from.table === this.table ? { ...n, from: this.to } : n;
      case "binary": {
        // `x IN (SELECT ...)` keeps the select node as its right operand.
        const right = (n.right as { kind: string }).kind === "select" ? (this.select(n.right as unknown as SelectNode) as unknown as ExprNode) : this.expr(n.right);
        return { ...n, left: this.expr(n.left), right };
      }
      case "unary": case "grouping": case "label": case "cast": return { ...n, element: this.expr(n.element) } as ExprNode;
      case "clauselist": return { ...n, clauses: n.clauses.map((c) => this.expr(c)) };
      case "function": return { ...n, args: n.args.map((c) => this.expr(c)) };
      case "case": return { ...n, whens: n.whens.map(([w, t]) => [this.expr(w), this.expr(t)] as const), ...(n.else ? { else: this.expr(n.else) } : {}) };
      case "scalar_subquery": case "exists": return { ...n, select: this.select(n.select) };
      default: return n;
    }
  }

  private from(f: FromNode): FromNode {
    if (f.kind === "table") return f.table === this.table ? this.to : f;
    if (f.kind === "join") return { ...f, left: this.from(f.left), right: this.from(f.right), on: this.expr(f.on) };
    return f;
  }

  private select(s: SelectNode): SelectNode {
    const list = (xs: readonly ExprNode[]) => xs.map((x) => this.expr(x));
    return {
      ...s,
      columns: list(s.columns), froms: s.froms.map((f) => this.from(f)),
      joins: s.joins.map((j): JoinClause => ({ ...j, target: this.from(j.target), on: this.expr(j.on), ...(j.left ? { left: this.from(j.left) } : {}) })),
      where: list(s.where), groupBy: list(s.groupBy), having: list(s.having), orderBy: list(s.orderBy),
      ...(s.correlate ? { correlate: s.correlate.map((f) => this.from(f)) } : {}),
      ...(s.correlateExcept ? { correlateExcept: s.correlateExcept.map((f) => this.from(f)) } : {}),
    };
  }
}
