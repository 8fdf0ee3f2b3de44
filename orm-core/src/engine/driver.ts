/**
 * The slice of better-sqlite3 we use, as an interface, so the rest of the
 * engine never imports the native module's types and tests can wrap it.
 */
export interface DriverStatement {
  readonly reader: boolean;
  raw(toggle: boolean): this;
  columns(): { name: string }[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
  safeIntegers(toggle: boolean): this;
}

export interface DriverDatabase {
  prepare(sql: string): DriverStatement;
  exec(sql: string): unknown;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
  readonly inTransaction: boolean;
  readonly open: boolean;
}

export interface OpenOptions { readonly?: boolean; timeoutMs?: number }

/** Opens a database with better-sqlite3, loaded lazily so importing orm-core costs nothing. */
export function openDatabase(filename: string, options: OpenOptions = {}): DriverDatabase {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Database = require("better-sqlite3");
  return new Database(filename, { readonly: !!options.readonly, timeout: options.timeoutMs ?? 5000 }) as DriverDatabase;
}
