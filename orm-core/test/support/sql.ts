/** Test helpers: exact SQL + parameters, statement recording and counting. */
import * as assert from "node:assert/strict";
import type { Engine } from "../../src/engine/engine";

const norm = (s: string) => s.replace(/\s+/g, " ").trim();

export function expectSql(stmt: { compile(): { sql: string; parameters: readonly unknown[] } }, sql: string, params: unknown[] = []): void {
  const c = stmt.compile();
  assert.equal(norm(c.sql), norm(sql));
  assert.deepEqual([...c.parameters], params);
}

export interface Recorded { sql: string; params: readonly unknown[] }

/** Runs fn and returns every statement the engine executed meanwhile, in order. */
export function recordStatements(engine: Engine, fn: () => void): Recorded[] {
  const out: Recorded[] = [];
  const listener = (sql: string, params: readonly unknown[]) => { out.push({ sql: norm(sql), params }); };
  engine.listeners.push(listener);
  try { fn(); } finally { engine.listeners.splice(engine.listeners.indexOf(listener), 1); }
  return out;
}

/** The statements other than transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE). */
export function withoutTransactionControl(recorded: Recorded[]): Recorded[] {
  return recorded.filter((r) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(r.sql));
}

/**
 * The query a flush runs once per table before it inserts several rows with generated keys in one
 * statement: whether the keys come out in order (persistence.ts, keysInOrder).
 */
export function keyOrderCheck(table: string): Recorded {
  return { sql: `SELECT (SELECT max(rowid) FROM ${table}), EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? UNION ALL SELECT 1 FROM sqlite_temp_master WHERE type = 'trigger' AND tbl_name = ?)`, params: [table, table] };
}

export function expectStatementCount(engine: Engine, n: number, fn: () => void): Recorded[] {
  const relevant = withoutTransactionControl(recordStatements(engine, fn));
  assert.equal(relevant.length, n, `expected ${n} statements, got ${relevant.length}:\n${relevant.map((r) => r.sql).join("\n")}`);
  return relevant;
}

/** Every row of a query run on its own connection (what the database holds, outside any session). */
export function rows(engine: Engine, sql: string): unknown[][] {
  const c = engine.connect();
  try { return c.execute({ sql, parameters: [] }).rows.map((r) => [...r]); } finally { c.close(); }
}
