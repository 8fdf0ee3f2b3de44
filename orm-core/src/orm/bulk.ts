/**
 * insert / update / deleteFrom through the session (SQLAlchemy 2.0's ORM-enabled DML):
 * - insert with a list of rows: multi-row INSERT statements (insertmanyvalues), and
 *   `returning(User)` giving identity-mapped objects;
 * - update with a list of rows holding primary keys: bulk UPDATE by primary key;
 * - update / delete with criteria: the session's objects are kept in step per
 *   `synchronizeSession` — "auto" (default: "evaluate", falling back to "fetch"),
 *   "evaluate" (judge the criteria on the objects in memory), "fetch" (RETURNING the
 *   matched keys) or false (leave the objects alone).
 * Called only by session.ts.
 */
import { dispatchSessionContext, listening } from "../events/registry";
import { SqlCompiler } from "../sql/compiler";
import { Result } from "../engine/result";
import { Insert, Update, Delete } from "../sql/dml";
import type { ExprNode } from "../sql/nodes";
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import { ColumnElement } from "../sql/expressions";
import { describe, toExpr } from "../sql/coerce";
import type { Connection } from "../engine/engine";
import { stateOf, type InstanceState } from "./instance-state";
import { mapperOf, type Mapper } from "./mapper";
import { instanceFromRow } from "./loading";
import { expireColumnExpressions } from "./column-property";
import { compileEvaluator, truth, UnevaluatableError, type Evaluator } from "./evaluator";
import type { Session } from "./session";

export type SynchronizeSession = "auto" | "evaluate" | "fetch" | false;
export interface DmlOptions {
  /** How update/delete with criteria keep the session's objects in step (default "auto"). */
  synchronizeSession?: SynchronizeSession;
}
type Params = readonly Record<string, unknown>[];

/** SQLite's limit on bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32). */
const MAX_PARAMS = 32766;
const MAX_ROWS_PER_INSERT = 1000;

export function executeDml(session: Session, stmt: Insert | Update | Delete, params: Params | undefined, options: DmlOptions): Result<any> {
  if (params !== undefined && (!Array.isArray(params) || params.some((p) => p === null || typeof p !== "object" || Array.isArray(p)))) {
    throw new ArgumentError(`session.execute(stmt, rows): rows must be an array of objects of column values, got ${describe(params)}.`);
  }
  const sync = options.synchronizeSession ?? "auto";
  if (!["auto", "evaluate", "fetch", false].includes(sync as never)) throw new ArgumentError(`synchronizeSession must be "auto", "evaluate", "fetch" or false, got ${describe(sync)}.`);
  const conn = session.writeConnection();
  const mapper = mapperOf(stmt.target.entity);
  if (mapper?.inherits) {
    // Inheritance: a joined subclass's rows span tables these statements can't write together; a
    // single-table subclass's statements are about its rows only (and its new rows carry its identity).
    const verb = stmt instanceof Insert ? "insert" : stmt instanceof Update ? "update" : "deleteFrom";
    if (mapper.tables.length > 1) throw new InvalidRequestError(`${verb}(${mapper.name}): ${mapper.name} spans several tables (joined-table inheritance), which one statement can't write. Change the objects through the session, or write each table with its own statement.`);
    if (stmt instanceof Insert) {
      const disc = mapper.polymorphicOnProp;
      if (params && disc && mapper.polymorphicIdentity !== undefined) params = params.map((r) => (disc.key in r ? r : { ...r, [disc.key]: mapper.polymorphicIdentity }));
    } else if (mapper.needsDiscriminatorFilter) {
      stmt = stmt.where(new ColumnElement(mapper.discriminatorFilter()));
    }
  }
  if (stmt instanceof Insert) return executeInsert(session, conn, stmt, mapper, params);
  if (stmt instanceof Update && params !== undefined) {
    if (!mapper) throw new ArgumentError("Bulk UPDATE by primary key (execute(update(X), rows)) needs a mapped class, not a Table.");
    return bulkUpdateByPrimaryKey(session, conn, stmt, mapper, params);
  }
  if (params !== undefined) throw new ArgumentError("deleteFrom() takes no list of rows; put the criteria in where().");
  const result = criteriaDml(session, conn, stmt, mapper, sync);
  const evName = stmt instanceof Update ? "after_bulk_update" : "after_bulk_delete";
  if (mapper && listening[evName]) dispatchSessionContext(session, evName, { session, statement: stmt, mapper, result });
  return result;
}

/** update / delete with criteria, keeping the session's objects in step as `sync` says. */
function criteriaDml(session: Session, conn: Connection, stmt: Update | Delete, mapper: Mapper | undefined, sync: DmlOptions["synchronizeSession"]): Result<any> {
  if (!mapper || sync === false) {
    const res = conn.execute(SqlCompiler.compile(stmt.node));
    return resultOf(res.columns, res.rows, res.rowcount, stmt.node.returning);
  }
  if (sync === "fetch") return fetchSynchronized(session, conn, stmt, mapper);
  let matcher: Evaluator | undefined;
  try {
    matcher = whereEvaluator(stmt.whereNodes, mapper);
  } catch (e) {
    if (!(e instanceof UnevaluatableError)) throw e;
    if (sync === "evaluate") {
      throw new ArgumentError(`synchronizeSession "evaluate" can't judge this statement's criteria in JavaScript (${e.message}); use synchronizeSession: "fetch" (RETURNING the matched rows) or false.`);
    }
    return fetchSynchronized(session, conn, stmt, mapper);
  }
  return evaluateSynchronized(session, conn, stmt, mapper, matcher);
}

// ---- INSERT -----------------------------------------------------------------------

function executeInsert(session: Session, conn: Connection, stmt: Insert, mapper: Mapper | undefined, params: Params | undefined): Result<any> {
  const batches: Insert[] = [];
  if (params === undefined) batches.push(stmt);
  else if (params.length) {
    const width = Math.max(1, stmt.target.table.columns.length);
    const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS / width)));
    for (let i = 0; i < params.length; i += perStatement) batches.push(stmt.values(params.slice(i, i + perStatement)));
  }
  const slots = returningSlots(stmt.returningRaw, mapper);
  let rowcount = 0;
  const rows: unknown[][] = [];
  let columns: string[] = [];
  for (const batch of batches) {
    const res = conn.execute(SqlCompiler.compile(batch.node));
    rowcount += slots ? res.rows.length : res.rowcount;
    columns = [...res.columns];
    if (!slots) { rows.push(...res.rows); continue; }
    for (const raw of res.rows) rows.push(slots.map((s) => (s.mapper ? instanceFromRow(session, s.mapper, raw, s.start, true) : processed(s.node!, raw[s.start]))));
  }
  if (!slots) return resultOf(columns, rows, rowcount, stmt.node.returning);
  return new Result<any>(slots.map((s, i) => (s.mapper ? s.mapper.name : columns[s.start] ?? `column_${i}`)), rows, rowcount);
}

interface ReturningSlot { mapper?: Mapper; node?: ExprNode; start: number }
/** Where each returning() item sits in the row; undefined when no mapped entity is returned. */
function returningSlots(items: readonly unknown[], mapper: Mapper | undefined): ReturningSlot[] | undefined {
  if (!mapper || !items.some((i) => mapperOf(i) !== undefined && typeof i === "function")) return undefined;
  const out: ReturningSlot[] = [];
  let start = 0;
  for (const item of items) {
    const m = typeof item === "function" ? mapperOf(item) : undefined;
    if (m) {
      if (m.table !== mapper.table) throw new ArgumentError(`returning(${m.name}): the statement writes ${mapper.table.name}, not ${m.table.name}.`);
      out.push({ mapper: m, start });
      start += m.columnProps.length;
    } else {
      out.push({ node: toExpr(item, undefined, "returning()"), start });
      start += 1;
    }
  }
  return out;
}

// ---- bulk UPDATE by primary key ----------------------------------------------------

function bulkUpdateByPrimaryKey(session: Session, conn: Connection, stmt: Update, mapper: Mapper, params: Params): Result<any> {
  const pkKeys = mapper.primaryKeyProps.map((p) => p.key);
  let rowcount = 0;
  for (const [i, row] of params.entries()) {
    const missing = pkKeys.filter((k) => row[k] === undefined || row[k] === null);
    if (missing.length) throw new ArgumentError(`Bulk UPDATE by primary key: row ${i} has no value for ${missing.join(", ")}; every row needs ${mapper.name}'s primary key (${pkKeys.join(", ")}).`);
    const values: Record<string, unknown> = {};
    for (const k in row) if (!pkKeys.includes(k)) values[k] = row[k];
    if (Object.keys(values).length === 0 && Object.keys(stmt.setValues).length === 0) continue;
    // Same keys → same SQL text → one prepared statement reused for every such row.
    const one = stmt.values(values).where(...mapper.primaryKeyProps.map((p) => p.column.eq(row[p.key] as never)));
    const res = conn.execute(SqlCompiler.compile(one.node));
    rowcount += res.rowcount;
    const key = mapper.identityKey(pkKeys.map((k) => row[k]));
    const obj = key !== undefined ? session.identityMap.get(mapper, key) : undefined;
    if (obj && res.rowcount) applySet(stateOf(obj)!, one, mapper, undefined);
  }
  return new Result<any>([], [], rowcount);
}

// ---- UPDATE / DELETE with criteria ------------------------------------------------------

/** "fetch": RETURNING the primary keys tells which of the session's objects were hit. */
function fetchSynchronized(session: Session, conn: Connection, stmt: Update | Delete, mapper: Mapper): Result<any> {
  const node = stmt.node;
  const userReturning = node.returning;
  const pkNodes: ExprNode[] = mapper.primaryKeyProps.map((p) => p.column.node);
  const res = conn.execute(SqlCompiler.compile({ ...node, returning: [...userReturning, ...pkNodes] }));
  const n = userReturning.length;
  const affected: InstanceState[] = [];
  for (const row of res.rows) {
    const pk = mapper.primaryKeyProps.map((p, i) => { const v = row[n + i]; const r = p.column.type.result; return v === null ? null : r ? r(v) : v; });
    const key = mapper.identityKey(pk);
    const obj = key !== undefined ? session.identityMap.get(mapper, key) : undefined;
    if (obj) affected.push(stateOf(obj)!);
  }
  if (stmt instanceof Update) for (const st of affected) applySet(st, stmt, mapper, undefined);
  else for (const st of affected) markDeleted(session, st);
  return resultOf(res.columns.slice(0, n), res.rows.map((r) => r.slice(0, n)), res.rows.length, userReturning);
}

const EXPIRED = Symbol("expired");

/** "evaluate": the criteria are judged on the objects in memory, before the statement runs. */
function evaluateSynchronized(session: Session, conn: Connection, stmt: Update | Delete, mapper: Mapper, matcher: Evaluator): Result<any> {
  const matched: InstanceState[] = [];
  const expiredMatches: InstanceState[] = [];
  for (const obj of session.identityMap.values()) {
    const st = stateOf(obj)!;
    if (st.mapper.table !== mapper.table || st.deleted) continue;
    let hit: boolean | null;
    try {
      hit = truth(matcher((key) => { if (!(key in st.dict)) throw EXPIRED; return st.dict[key]; }));
    } catch (e) {
      if (e === EXPIRED) { expiredMatches.push(st); continue; }
      throw e;
    }
    if (hit) matched.push(st);
  }
  // New values computed from each object's values before the UPDATE (e.g. `age + 1`).
  const setEvals = stmt instanceof Update ? evaluableSet(stmt, mapper) : undefined;
  const res = conn.execute(SqlCompiler.compile(stmt.node));
  if (stmt instanceof Update) {
    for (const st of matched) applySet(st, stmt, mapper, setEvals);
    // Objects whose criteria columns aren't loaded: what they hold now is unknown, so it reloads.
    for (const st of expiredMatches) st.expireKeys(stmt.node.set.map(([col]) => mapper.keyOfColumn(col)));
  } else for (const st of matched) markDeleted(session, st);
  return resultOf(res.columns, res.rows, res.rowcount, stmt.node.returning);
}

function whereEvaluator(where: readonly ExprNode[], mapper: Mapper): Evaluator {
  const parts = where.map((w) => compileEvaluator(w, mapper));
  return (get) => {
    let out: boolean | null = true;
    for (const p of parts) {
      const t = truth(p(get));
      if (t === false) return false;
      if (t === null) out = null;
    }
    return out;
  };
}

function evaluableSet(stmt: Update, mapper: Mapper): Map<string, Evaluator | undefined> {
  const out = new Map<string, Evaluator | undefined>();
  for (const [col, valueNode] of stmt.node.set) {
    let ev: Evaluator | undefined;
    try { ev = compileEvaluator(valueNode, mapper); } catch (e) { if (!(e instanceof UnevaluatableError)) throw e; }
    out.set(mapper.keyOfColumn(col), ev);
  }
  return out;
}

/** Puts the values an UPDATE wrote into an object: known values are set, the rest expire. */
function applySet(st: InstanceState, stmt: Update, mapper: Mapper, evals: Map<string, Evaluator | undefined> | undefined): void {
  const values = new Map<string, unknown>();
  const expire: string[] = [];
  for (const [col, valueNode] of stmt.node.set) {
    const key = mapper.keyOfColumn(col);
    if (valueNode.kind === "bind") { values.set(key, valueNode.value ?? null); continue; }
    const ev = evals?.get(key);
    if (ev) {
      try { values.set(key, ev((k) => { if (!(k in st.dict)) throw EXPIRED; return st.dict[k]; })); continue; } catch (e) { if (e !== EXPIRED && !(e instanceof UnevaluatableError)) throw e; }
    }
    expire.push(key);
  }
  for (const [key, v] of values) { st.dict[key] = v; delete st.committed[key]; }
  if (expire.length) st.expireKeys(expire);
  if (mapper.columnExpressions) expireColumnExpressions(st); // computed from what just changed
}

function markDeleted(session: Session, st: InstanceState): void {
  session.identityMap.remove(st);
  session.deletedStates.delete(st);
  session.changed.delete(st);
  st.session = undefined;
  st.wasDeleted = true;
  session.txDeleted.add(st); // a rollback brings it back
}

function processed(node: ExprNode, v: unknown): unknown {
  const t = node.type.result;
  return v === null || v === undefined || !t ? v : t(v);
}

function resultOf(columns: readonly string[], rows: readonly unknown[][], rowcount: number, returning: readonly ExprNode[]): Result<any> {
  const out = rows.map((r) => r.map((v, i) => { const t = returning[i]?.type.result; return v === null || !t ? v : t(v); }));
  return new Result<any>([...columns], out, rowcount);
}
