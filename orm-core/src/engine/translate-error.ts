/** Wraps SqliteError into SQLAlchemy's classes, with the SQL and parameters. */
import { DBAPIError, IntegrityError, InvalidRequestError, OperationalError, ProgrammingError, DatabaseError } from "../errors/errors";

export function translateError(err: unknown, sql: string, params: readonly unknown[]): Error {
  const code: string = (err as any)?.code ?? "";
  const message = (err as any)?.message ?? String(err);
  if (code.startsWith("SQLITE_CONSTRAINT")) return new IntegrityError(message, sql, params, err);
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") || code === "SQLITE_CANTOPEN" || code === "SQLITE_READONLY" || code === "SQLITE_IOERR" || code === "SQLITE_FULL" || code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new OperationalError(message, sql, params, err);
  }
  if (code === "SQLITE_ERROR" && /no such (table|column)|syntax error|has no column/.test(message)) return new OperationalError(message, sql, params, err);
  if (code === "SQLITE_RANGE" || code === "SQLITE_MISUSE") return new ProgrammingError(message, sql, params, err);
  if (code.startsWith("SQLITE_")) return new DatabaseError(message, sql, params, err);
  if (/busy executing a query/.test(message)) {
    return new InvalidRequestError(`A streaming result (yieldPer) is still being read on this connection, and SQLite allows no writes meanwhile: finish iterating it (or use another session) before flushing or writing. [SQL: ${sql}]`, { cause: err });
  }
  if (err instanceof TypeError || err instanceof RangeError) return new ProgrammingError(message, sql, params, err);
  return err instanceof DBAPIError ? err : (err as Error);
}
