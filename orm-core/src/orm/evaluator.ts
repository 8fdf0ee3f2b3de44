/**
 * Evaluates a WHERE clause (or a SET value) against an in-memory object, for
 * synchronizeSession: "evaluate" — SQLAlchemy's evaluator. Only what can be
 * judged exactly as SQLite would is supported; anything else throws
 * UnevaluatableError so the caller can fall back to "fetch".
 * Used by bulk.ts.
 */
import type { ExprNode } from "../sql/nodes";
import type { Mapper } from "./mapper";

export class UnevaluatableError extends Error {}

/** SQL three-valued logic: true, false or null (unknown). */
type Tri = boolean | null;
/** A compiled evaluator: reads attribute values through `get` (which may refuse an unloaded one). */
export type Evaluator = (get: (key: string) => unknown) => unknown;

const cmp = (op: string, a: any, b: any): Tri => {
  if (a === null || b === null) return null;
  if (a instanceof Date) a = a.getTime();
  if (b instanceof Date) b = b.getTime();
  if (typeof a === "boolean") a = a ? 1 : 0;
  if (typeof b === "boolean") b = b ? 1 : 0;
  if (typeof a !== typeof b && !(typeof a === "number" && typeof b === "bigint") && !(typeof a === "bigint" && typeof b === "number")) {
    throw new UnevaluatableError(`can't compare ${typeof a} with ${typeof b} as SQLite would`);
  }
  if (typeof a === "string" && op !== "=" && op !== "!=" && (/[^\x00-\x7f]/.test(a) || /[^\x00-\x7f]/.test(b))) {
    throw new UnevaluatableError("ordering of non-ASCII text differs between JavaScript and SQLite");
  }
  switch (op) {
    case "=": return a == b; // number/bigint compare by value
    case "!=": return a != b;
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    case ">=": return a >= b;
  }
  throw new UnevaluatableError(op);
};
const and = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === null || b === null ? null : true);
const or = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === null || b === null ? null : false);

/** Compiles `node` for objects of `mapper`; throws UnevaluatableError for what it can't judge. */
export function compileEvaluator(node: ExprNode, mapper: Mapper): Evaluator {
  switch (node.kind) {
    case "column": {
      if (node.from.kind !== "table" || node.from.table !== mapper.table) throw new UnevaluatableError(`column ${node.column.fullname} is not of ${mapper.name}'s table`);
      const key = mapper.keyOfColumn(node.column);
      return (get) => get(key);
    }
    case "bind": {
      const v = node.value ?? null;
      return () => v;
    }
    case "literal":
      if (node.sql === "NULL") return () => null;
      if (node.sql === "1" || node.sql === "0") { const v = Number(node.sql); return () => v; }
      break;
    case "grouping": return compileEvaluator(node.element, mapper);
    case "clauselist": {
      if (node.op === ",") break;
      const parts = node.clauses.map((c) => compileEvaluator(c, mapper));
      const combine = node.op === "AND" ? and : or;
      return (get) => parts.reduce<Tri>((acc, p) => combine(acc, truth(p(get))), node.op === "AND");
    }
    case "unary":
      if (node.prefix === "NOT" && !node.postfix) {
        const inner = compileEvaluator(node.element, mapper);
        return (get) => { const v = truth(inner(get)); return v === null ? null : !v; };
      }
      if (node.prefix === "-" && !node.postfix) {
        const inner = compileEvaluator(node.element, mapper);
        return (get) => { const v = inner(get) as number | null; return v === null ? null : -v; };
      }
      break;
    case "binary": {
      const op = node.op;
      if (op === "IN" || op === "NOT IN") {
        const list = node.right.kind === "grouping" && node.right.element.kind === "clauselist" ? node.right.element.clauses : undefined;
        if (!list) break;
        const left = compileEvaluator(node.left, mapper);
        const items = list.map((c) => compileEvaluator(c, mapper));
        return (get) => {
          const v = left(get);
          let out: Tri = false;
          for (const it of items) out = or(out, cmp("=", v, it(get)));
          return op === "IN" ? out : out === null ? null : !out;
        };
      }
      const left = compileEvaluator(node.left, mapper);
      const right = compileEvaluator(node.right, mapper);
      switch (op) {
        case "=": case "!=": case "<": case "<=": case ">": case ">=":
          return (get) => cmp(op, left(get), right(get));
        case "IS": return (get) => { const a = left(get), b = right(get); return a === null || b === null ? a === b : cmp("=", a, b); };
        case "IS NOT": return (get) => { const a = left(get), b = right(get); return a === null || b === null ? a !== b : !cmp("=", a, b); };
        case "+": case "-": case "*":
          return (get) => {
            const a = left(get) as number | null, b = right(get) as number | null;
            if (a === null || b === null) return null;
            if (typeof a !== "number" || typeof b !== "number") throw new UnevaluatableError(`arithmetic on ${typeof a}`);
            return op === "+" ? a + b : op === "-" ? a - b : a * b;
          };
        case "||":
          return (get) => { const a = left(get), b = right(get); return a === null || b === null ? null : `${a}${b}`; };
      }
      break;
    }
  }
  throw new UnevaluatableError(`${node.kind}${"op" in node ? ` ${node.op}` : ""}`);
}

/** SQL truth of a value: NULL is unknown, numbers are true when non-zero. */
export function truth(v: unknown): Tri {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v;
  if (typeof v === "number" || typeof v === "bigint") return v != 0;
  throw new UnevaluatableError(`truth of ${typeof v}`);
}
