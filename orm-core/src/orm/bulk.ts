/**
 * insert / update / deleteFrom through the session, keeping the identity map
 * coherent the way SQLAlchemy's default synchronize_session does: rows the
 * statement matched (found with RETURNING) get the new values, or are marked
 * deleted. Called only by session.ts.
 */
import { SqlCompiler } from "../sql/compiler";
import { Result } from "../engine/result";
import { Insert, Update, Delete } from "../sql/dml";
import type { ExprNode } from "../sql/nodes";
import { stateOf } from "./instance-state";
import { mapperOf } from "./mapper";
import type { Session } from "./session";

export function executeDml(session: Session, stmt: Insert | Update | Delete): Result<any> {
  const conn = session.writeConnection();
  const mapper = mapperOf(stmt.target.entity);
  const node = stmt.node;
  const userReturning = node.returning;
  if (!mapper || stmt instanceof Insert) {
    const res = conn.execute(SqlCompiler.compile(node));
    return resultOf(res.columns, res.rows, res.rowcount, userReturning);
  }
  // Append the primary key to RETURNING so we know which identities were hit.
  const pkNodes: ExprNode[] = mapper.primaryKeyProps.map((p) => p.column.node);
  const res = conn.execute(SqlCompiler.compile({ ...node, returning: [...userReturning, ...pkNodes] }));
  const n = userReturning.length;
  const affected: object[] = [];
  for (const row of res.rows) {
    const pk = mapper.primaryKeyProps.map((p, i) => { const v = row[n + i]; const r = p.column.type.result; return v === null ? null : r ? r(v) : v; });
    const key = mapper.identityKey(pk);
    const obj = key ? session.identityMap.get(key) : undefined;
    if (obj) affected.push(obj);
  }
  if (stmt instanceof Update) {
    for (const obj of affected) {
      const st = stateOf(obj)!;
      // Values the statement set: literal values are copied, expressions expire the attribute.
      for (const [col, valueNode] of node.kind === "update" ? node.set : []) {
        const key = mapper.keyOfColumn(col);
        if (valueNode.kind === "bind") {
          st.dict[key] = valueNode.value ?? null;
          delete st.committed[key];
        } else st.expireKeys([key]);
      }
    }
  } else {
    for (const obj of affected) {
      const st = stateOf(obj)!;
      if (st.key) session.identityMap.delete(st.key);
      session.deletedStates.delete(st);
      st.session = undefined;
      st.wasDeleted = true;
    }
  }
  return resultOf(res.columns.slice(0, n), res.rows.map((r) => r.slice(0, n)), res.rows.length, userReturning);
}

function resultOf(columns: readonly string[], rows: readonly unknown[][], rowcount: number, returning: readonly ExprNode[]): Result<any> {
  const processed = rows.map((r) => r.map((v, i) => { const t = returning[i]?.type.result; return v === null || !t ? v : t(v); }));
  return new Result<any>([...columns], processed, rowcount);
}
