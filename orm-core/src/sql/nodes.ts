/**
 * The statement tree: small immutable node kinds, plain data with a `kind`.
 * Builders (expressions.ts, select.ts, dml.ts) create them; the compiler
 * (compiler.ts) is the only reader that turns them into SQL. Kept in one file
 * because each kind is a few lines; the compiler's visit table lists them all.
 */
import type { TypeEngine } from "../schema/types";
import type { TableObject, TableColumn } from "../schema/table";

export type FromNode = TableNode | AliasNode | JoinNode;

export interface TableNode { readonly kind: "table"; readonly table: TableObject }
/** A named subquery or an aliased table: `(SELECT ...) AS name`, `users AS users_1`. */
export interface AliasNode {
  readonly kind: "alias"; readonly name: string; readonly element: SelectNode | TableNode | CompoundNode;
  /** A CTE: rendered by name where used, its body hoisted into the top-level WITH (compiler.ts). */
  readonly cte?: CteInfo;
}
export interface CteInfo { readonly recursive: boolean; readonly columns: readonly string[] }
export interface JoinNode { readonly kind: "join"; readonly left: FromNode; readonly right: FromNode; readonly on: ExprNode; readonly isOuter: boolean }

export interface ColumnNode {
  readonly kind: "column"; readonly column: TableColumn; readonly from: TableNode | AliasNode; readonly type: TypeEngine;
  /** The mapped subclass it was read from (`Engineer.name`): selecting it brings that class's tables and filter. */
  readonly parentEntity?: unknown;
}
/** A column of a subquery, by its exported name. */
export interface SubqueryColumnNode { readonly kind: "subquery_column"; readonly name: string; readonly from: AliasNode; readonly type: TypeEngine }
export interface BindNode { readonly kind: "bind"; readonly value: unknown; readonly type: TypeEngine }
export interface LiteralNode { readonly kind: "literal"; readonly sql: "NULL" | "1" | "0" | "*"; readonly type: TypeEngine }
export interface BinaryNode { readonly kind: "binary"; readonly op: string; readonly left: ExprNode; readonly right: ExprNode; readonly type: TypeEngine }
/** Prefix (`NOT x`, `EXISTS x`, `-x`) or postfix (`x DESC`, `x IS NULL`) operator. */
export interface UnaryNode { readonly kind: "unary"; readonly prefix?: string; readonly postfix?: string; readonly element: ExprNode; readonly type: TypeEngine }
export interface ClauseListNode { readonly kind: "clauselist"; readonly op: "AND" | "OR" | ","; readonly clauses: readonly ExprNode[]; readonly type: TypeEngine }
export interface GroupingNode { readonly kind: "grouping"; readonly element: ExprNode; readonly type: TypeEngine }
export interface FunctionNode { readonly kind: "function"; readonly name: string; readonly args: readonly ExprNode[]; readonly type: TypeEngine; readonly distinct?: boolean }
export interface LabelNode { readonly kind: "label"; readonly name: string; readonly element: ExprNode; readonly type: TypeEngine }
export interface CastNode { readonly kind: "cast"; readonly element: ExprNode; readonly type: TypeEngine }
export interface CaseNode { readonly kind: "case"; readonly whens: readonly (readonly [ExprNode, ExprNode])[]; readonly else?: ExprNode; readonly type: TypeEngine }
export interface ScalarSubqueryNode { readonly kind: "scalar_subquery"; readonly select: SelectNode; readonly type: TypeEngine }
export interface ExistsNode { readonly kind: "exists"; readonly select: SelectNode; readonly type: TypeEngine }
export interface TextNode { readonly kind: "text"; readonly sql: string; readonly type: TypeEngine }
/** A mapped class in a select's column list; the ORM reads `entity`, the compiler expands `columns`. */
export interface EntityNode { readonly kind: "entity"; readonly entity: unknown; readonly from: TableNode | AliasNode; readonly columns: readonly ColumnNode[]; readonly type: TypeEngine }

export type ExprNode =
  | ColumnNode | SubqueryColumnNode | BindNode | LiteralNode | BinaryNode | UnaryNode | ClauseListNode | GroupingNode
  | FunctionNode | LabelNode | CastNode | CaseNode | ScalarSubqueryNode | ExistsNode | TextNode | EntityNode;

export interface JoinClause { readonly target: FromNode; readonly on: ExprNode; readonly isOuter: boolean; readonly left?: FromNode }

export interface SelectNode {
  readonly kind: "select";
  readonly columns: readonly ExprNode[];
  readonly froms: readonly FromNode[];
  readonly joins: readonly JoinClause[];
  readonly where: readonly ExprNode[];
  readonly groupBy: readonly ExprNode[];
  readonly having: readonly ExprNode[];
  readonly orderBy: readonly ExprNode[];
  readonly limit?: ExprNode;
  readonly offset?: ExprNode;
  readonly distinct: boolean;
  readonly forUpdate?: boolean;
  /** As a subquery: correlate only these enclosing FROMs (`correlate()`), or all but these (`correlateExcept()`). */
  readonly correlate?: readonly FromNode[];
  readonly correlateExcept?: readonly FromNode[];
}

export interface InsertNode {
  readonly kind: "insert";
  readonly table: TableObject;
  /** Column names, in order, and one row of value nodes per row. */
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly ExprNode[])[];
  readonly select?: SelectNode;
  readonly onConflict?: { readonly target: readonly TableColumn[]; readonly set?: readonly (readonly [TableColumn, ExprNode])[]; readonly where?: ExprNode };
  readonly returning: readonly ExprNode[];
  readonly defaultValues: boolean;
}
export interface UpdateNode {
  readonly kind: "update";
  readonly table: TableObject;
  readonly set: readonly (readonly [TableColumn, ExprNode])[];
  readonly where: readonly ExprNode[];
  readonly returning: readonly ExprNode[];
}
export interface DeleteNode {
  readonly kind: "delete";
  readonly table: TableObject;
  readonly where: readonly ExprNode[];
  readonly returning: readonly ExprNode[];
}
export type CompoundOp = "UNION" | "UNION ALL" | "INTERSECT" | "EXCEPT";
/** `SELECT ... UNION SELECT ...`: ORDER BY / LIMIT / OFFSET apply to the whole compound (compound.ts). */
export interface CompoundNode {
  readonly kind: "compound";
  readonly op: CompoundOp;
  readonly selects: readonly (SelectNode | CompoundNode)[];
  readonly orderBy: readonly ExprNode[];
  readonly limit?: ExprNode;
  readonly offset?: ExprNode;
}
export type StatementNode = SelectNode | CompoundNode | InsertNode | UpdateNode | DeleteNode;
export type AnyNode = ExprNode | StatementNode | FromNode;

export function emptySelect(): SelectNode {
  return { kind: "select", columns: [], froms: [], joins: [], where: [], groupBy: [], having: [], orderBy: [], distinct: false };
}
