/**
 * checkHybrids() / assertHybridsAgree(): do a class's hybrid properties compute, in JavaScript,
 * what their SQL expressions compute in the database? Public helpers for tests and
 * diagnostics; they run queries through a Session and change nothing.
 *
 * Why this exists: a hybrid with an expression is one rule written twice, once as a getter
 * (run on loaded objects) and once as SQL (run by where() / orderBy()), and nothing keeps the
 * two in step. They drift on the edges: NULL (`${null}` is "null" in JS, `NULL || ' '` is
 * NULL in SQL), integer division, rounding, case, booleans as 1/0. Then a query filtered by
 * the expression returns objects whose getter says otherwise. The only judge is data: this
 * evaluates both sides on real rows and reports each row where they differ. (At mapping
 * time nothing can be checked: there are no rows yet.)
 */
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import { describe } from "../sql/coerce";
import { ColumnElement } from "../sql/expressions";
import { Select } from "../sql/select";
import type { TypeName } from "../schema/types";
import { mapperOf } from "./mapper";
import { hybridsOf } from "./hybrid";
import { stateOf } from "./instance-state";
import type { Session } from "./session";

/** One row where a hybrid's getter and its SQL expression disagree. */
export interface HybridMismatch {
  /** The hybrid's attribute name. */
  readonly hybrid: string;
  /** The row's primary key values (the object's identity). */
  readonly pk: readonly unknown[];
  /** What the getter returned on the loaded object (undefined if it threw: see `error`). */
  readonly instanceValue: unknown;
  /** What the database computed for the expression on the same row. */
  readonly sqlValue: unknown;
  /** The getter's exception message, when it threw. */
  readonly error?: string;
}

export interface CheckHybridsOptions {
  /** Rows to check, in primary key order (default 1000; Infinity for all). */
  limit?: number;
  /** Only these hybrids (default: every hybrid with a SQL expression). */
  hybrids?: readonly string[];
  /** Only rows matching this condition, e.g. User.last.isNull() to probe an edge case. */
  where?: unknown;
}

/** A class decorated with @mapped. */
type MappedClass = abstract new (...args: any) => object;

const NUMERIC = new Set<TypeName>(["Integer", "BigInteger", "SmallInteger", "Float", "Numeric"]);

/**
 * Loads up to `limit` rows of `cls` together with the SQL expression of each of its hybrid
 * properties (one SELECT), evaluates each getter on the loaded object, and returns the rows
 * where the two differ. Values are compared after normalising what SQLite can't tell apart:
 * true/false vs 1/0, a number vs a numeric string when the expression's type is numeric,
 * Dates by time, and Float results within 1e-9 relative. Objects already in the session are
 * compared as they are held (autoflush writes pending changes first).
 * @example
 *   const mismatches = checkHybrids(session, User, { limit: 100 });
 *   // [{ hybrid: "fullName", pk: [3], instanceValue: "Ada null", sqlValue: null }]
 */
export function checkHybrids(session: Session, cls: MappedClass, options: CheckHybridsOptions = {}): HybridMismatch[] {
  const mapper = mapperOf(cls);
  if (!mapper || mapper.cls !== cls) throw new ArgumentError(`checkHybrids() takes a mapped class, got ${describe(cls)}.`);
  mapper.registry.configure();
  const limit = options.limit ?? 1000;
  if (typeof limit !== "number" || !(limit >= 1) || (limit !== Infinity && !Number.isInteger(limit))) {
    throw new ArgumentError(`checkHybrids() limit must be a positive integer (or Infinity), got ${describe(limit)}.`);
  }
  const all = hybridsOf(mapper);
  let names = all.filter((h) => h.hasExpression).map((h) => h.name);
  if (options.hybrids) {
    for (const n of options.hybrids) {
      const h = all.find((x) => x.name === n);
      if (!h) throw new ArgumentError(`checkHybrids(): ${mapper.name} has no hybrid property ${JSON.stringify(n)}; its hybrids are ${all.map((x) => x.name).join(", ") || "none"}.`);
      if (!h.hasExpression) throw new ArgumentError(`checkHybrids(): ${mapper.name}.${n} has no SQL expression to compare with; give it one with @hybridProperty({ expression: (cls) => ... }).`);
    }
    names = names.filter((n) => options.hybrids!.includes(n));
  }
  if (names.length === 0) return [];

  const exprs = names.map((n) => (cls as any)[n] as ColumnElement);
  let stmt = Select.create([cls, ...exprs.map((e, i) => e.label(`hybrid_${i + 1}`))]);
  if (options.where !== undefined) stmt = stmt.where(options.where);
  stmt = stmt.orderBy(...mapper.primaryKeyProps.map((p) => (cls as any)[p.key]));
  if (limit !== Infinity) stmt = stmt.limit(limit);

  const out: HybridMismatch[] = [];
  for (const row of session.execute(stmt).all()) {
    const obj = row[0] as object;
    const pk = stateOf(obj)!.identity ?? [];
    names.forEach((name, i) => {
      const sqlValue = row[i + 1];
      let instanceValue: unknown;
      try {
        instanceValue = (obj as any)[name];
      } catch (e) {
        out.push({ hybrid: name, pk, instanceValue: undefined, sqlValue, error: (e as Error)?.message ?? `${e}` });
        return;
      }
      if (!sameValue(instanceValue, sqlValue, exprs[i]!.type.typeName)) out.push({ hybrid: name, pk, instanceValue, sqlValue });
    });
  }
  return out;
}

/** The mismatches behind assertHybridsAgree()'s error. */
export class HybridMismatchError extends InvalidRequestError {
  constructor(message: string, readonly mismatches: readonly HybridMismatch[]) { super(message); }
}

/**
 * checkHybrids(), throwing an InvalidRequestError (HybridMismatchError, with `mismatches`)
 * that lists the first few disagreements when there is any.
 * @example
 *   test("User hybrids agree with SQL", () => assertHybridsAgree(session, User));
 *   // the getter and the expression disagree for User.fullName at id=3: getter 'Ada null', SQL null
 */
export function assertHybridsAgree(session: Session, cls: MappedClass, options: CheckHybridsOptions & { show?: number } = {}): void {
  const mismatches = checkHybrids(session, cls, options);
  if (mismatches.length === 0) return;
  const mapper = mapperOf(cls)!;
  const pkKeys = mapper.primaryKeyProps.map((p) => p.key);
  const show = options.show ?? 5;
  const lines = mismatches.slice(0, show).map((m) => {
    const at = m.pk.map((v, i) => `${pkKeys[i]}=${formatValue(v)}`).join(", ");
    const getter = m.error !== undefined ? `getter threw ${JSON.stringify(m.error)}` : `getter ${formatValue(m.instanceValue)}`;
    return `  the getter and the expression disagree for ${mapper.name}.${m.hybrid} at ${at}: ${getter}, SQL ${formatValue(m.sqlValue)}`;
  });
  if (mismatches.length > show) lines.push(`  ... and ${mismatches.length - show} more`);
  const count = mismatches.length === 1 ? "1 row" : `${mismatches.length} rows`;
  throw new HybridMismatchError(
    `Hybrid properties of ${mapper.name} disagree with their SQL expressions on ${count}:\n${lines.join("\n")}\n` +
    "Make the getter and the expression implement the same rule; NULL handling, rounding, integer division and booleans stored as 1/0 are the usual causes.",
    mismatches,
  );
}

/** Equality after normalising what SQLite's storage blurs (see checkHybrids). */
function sameValue(a: unknown, b: unknown, typeName: TypeName): boolean {
  a = normalize(a, typeName);
  b = normalize(b, typeName);
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    return typeName === "Float" && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return false;
}
function normalize(v: unknown, typeName: TypeName): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "boolean") return v ? 1 : 0; // SQLite has no boolean: comparisons give 1 / 0
  if (typeof v === "bigint") return NUMERIC.has(typeName) && Number.isSafeInteger(Number(v)) ? Number(v) : `${v}n`;
  if (typeof v === "string" && NUMERIC.has(typeName) && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  if (v instanceof Date) return `date:${v.getTime()}`;
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString("hex")}`;
  if (typeof v === "object") return `json:${JSON.stringify(v)}`;
  return v;
}
function formatValue(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "string") return `'${v}'`;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (typeof v === "bigint") return `${v}n`;
  return describe(v);
}
