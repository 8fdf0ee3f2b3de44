/**
 * createEngine(url): parses the SQLite URL, opens connections, logs SQL when
 * `echo` is on. A Connection runs compiled statements with cached prepared
 * statements and owns transactions and savepoints.
 */
import * as path from "node:path";
import { ormKind } from "../util/kind";
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import { openDatabase, type DriverDatabase, type DriverStatement } from "./driver";
import { translateError } from "./translate-error";

export interface CompiledQuery { readonly sql: string; readonly parameters: readonly unknown[] }

export interface EngineOptions {
  /** Log every statement and its parameters (true: to stdout; or a function). */
  echo?: boolean | ((line: string) => void);
  /** How long a write waits for another connection's lock before OperationalError (ms). Default 5000. */
  busyTimeout?: number;
  /** PRAGMA journal_mode, e.g. "wal". */
  journalMode?: "delete" | "truncate" | "persist" | "memory" | "wal" | "off";
  /** PRAGMA foreign_keys. Default true, so ON DELETE actions and key checks hold. */
  foreignKeys?: boolean;
}

export interface CursorResult {
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
  readonly rowcount: number;
  readonly lastrowid: number | undefined;
}

/** Parses sqlite:///:memory:, sqlite://, sqlite:///relative.db and sqlite:////abs/path.db. */
export function parseUrl(url: string): { filename: string; memory: boolean } {
  if (typeof url !== "string") throw new ArgumentError(`createEngine() takes a URL string such as "sqlite:///app.db".`);
  const m = /^sqlite(?:\+[a-z]+)?:\/\/(\/?)(.*)$/.exec(url);
  if (!m) throw new ArgumentError(`Could not parse ${JSON.stringify(url)}: orm-core supports SQLite URLs only: "sqlite:///:memory:", "sqlite:///relative.db" or "sqlite:////absolute/path.db".`);
  const rest = m[2]!.split("?")[0]!;
  if (m[1] === "" && rest === "") return { filename: ":memory:", memory: true };
  if (m[1] === "") throw new ArgumentError(`Could not parse ${JSON.stringify(url)}: a SQLite URL has three slashes before the file: "sqlite:///app.db".`);
  if (rest === "" || rest === ":memory:") return { filename: ":memory:", memory: true };
  return { filename: rest.startsWith("/") ? rest : path.resolve(rest), memory: false };
}

export class Engine {
  readonly url: string;
  readonly filename: string;
  readonly memory: boolean;
  readonly options: EngineOptions;
  private readonly log: ((line: string) => void) | undefined;
  /** The one handle of a :memory: database (every connection must see the same data). */
  private shared: DriverDatabase | undefined;
  private idle: DriverDatabase[] = [];
  /** Statement hooks for tests and instrumentation: called before each execution. */
  readonly listeners: ((sql: string, params: readonly unknown[]) => void)[] = [];

  constructor(url: string, options: EngineOptions = {}) {
    const parsed = parseUrl(url);
    this.url = url;
    this.filename = parsed.filename;
    this.memory = parsed.memory;
    this.options = options;
    this.log = options.echo === true ? (line) => console.log(line) : typeof options.echo === "function" ? options.echo : undefined;
  }
  get [ormKind](): "Engine" { return "Engine"; }

  /** Opens (or reuses) a connection. Close it to give it back. */
  connect(): Connection {
    if (this.memory) return new Connection(this, (this.shared ??= this.open()), true);
    return new Connection(this, this.idle.pop() ?? this.open(), false);
  }

  /** Runs `fn` in a transaction on a fresh connection, committing when it returns. */
  begin<T>(fn: (conn: Connection) => T): T {
    const conn = this.connect();
    try {
      conn.begin("immediate");
      const out = fn(conn);
      conn.commit();
      return out;
    } catch (e) {
      if (conn.inTransaction) conn.rollback();
      throw e;
    } finally {
      conn.close();
    }
  }

  private open(): DriverDatabase {
    let db: DriverDatabase;
    try {
      db = openDatabase(this.filename, { timeoutMs: this.options.busyTimeout ?? 5000 });
    } catch (e) {
      throw translateError(e, `open ${this.filename}`, []);
    }
    if (this.options.foreignKeys !== false) db.pragma("foreign_keys = ON");
    if (this.options.journalMode) this.setJournalMode(db, this.options.journalMode);
    return db;
  }

  /**
   * Switching the journal mode needs the database to itself, and SQLite reports "locked" without
   * waiting; retry within the busy timeout (another process may be creating the same file).
   */
  private setJournalMode(db: DriverDatabase, mode: string): void {
    const deadline = Date.now() + (this.options.busyTimeout ?? 5000);
    for (;;) {
      try {
        if (String(db.pragma("journal_mode", { simple: true })).toLowerCase() === mode.toLowerCase()) return;
        db.pragma(`journal_mode = ${mode}`);
        return;
      } catch (e) {
        if (!/locked|busy/i.test(String((e as Error)?.message)) || Date.now() > deadline) throw translateError(e, `PRAGMA journal_mode = ${mode}`, []);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  }

  /** @internal */ release(db: DriverDatabase): void {
    if (!this.memory && db.open) {
      if (db.inTransaction) db.exec("ROLLBACK");
      this.idle.push(db);
    }
  }
  private version: number | undefined;
  /** @internal SQLite's version as major * 1e6 + minor * 1e3 + patch, read once (not a statement of the application's: not echoed). */
  sqliteVersion(db: DriverDatabase): number {
    if (this.version === undefined) {
      const [major = 0, minor = 0, patch = 0] = String((db.prepare("SELECT sqlite_version()").raw(true).all()[0] as unknown[])[0]).split(".").map(Number);
      this.version = major * 1_000_000 + minor * 1_000 + patch;
    }
    return this.version;
  }
  private readonly caches = new WeakMap<DriverDatabase, Map<string, DriverStatement>>();
  /** @internal Prepared statements live as long as their database handle, across sessions. */
  statementCache(db: DriverDatabase, objectRows = false): Map<string, DriverStatement> {
    const caches = objectRows ? this.objectRowCaches : this.caches;
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new Map()));
    return cache;
  }
  /** Statements that return rows as objects (Connection.executeByName), apart: toggling one statement's mode costs a native call each way. */
  private readonly objectRowCaches = new WeakMap<DriverDatabase, Map<string, DriverStatement>>();
  /** @internal */ echo(line: string): void { this.log?.(line); }
  get echoing(): boolean { return this.log !== undefined; }

  /** Closes every connection. A :memory: database is gone after this. */
  dispose(): void {
    for (const db of this.idle) db.close();
    this.idle = [];
    this.shared?.close();
    this.shared = undefined;
  }
  toString(): string { return `Engine(${this.url})`; }
}

/**
 * One database connection. Statements are prepared once per SQL text and reused.
 */
/** The (empty) columns and rows of a statement that returns none: one shared, frozen array. */
const NO_ROWS: readonly never[] = Object.freeze([]);
/** A prepared statement's result column names, read once (stmt.columns() builds new objects per call). */
const columnNamesOf = new WeakMap<object, string[]>();
function columnNames(stmt: { columns(): { name: string }[] }): string[] {
  let names = columnNamesOf.get(stmt);
  if (!names) columnNamesOf.set(stmt, (names = stmt.columns().map((c) => c.name)));
  return names;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Connection {
  private readonly statements: Map<string, DriverStatement>;
  private savepointSeq = 0;
  private ownsTransaction = false;
  private closed = false;
  constructor(readonly engine: Engine, private readonly db: DriverDatabase, private readonly shared: boolean) {
    this.statements = engine.statementCache(db);
    this.objectRowStatements = engine.statementCache(db, true);
  }
  private readonly objectRowStatements: Map<string, DriverStatement>;

  get inTransaction(): boolean { return this.ownsTransaction; }

  /** Whether SQLite takes `UPDATE ... FROM` (3.33+; better-sqlite3 bundles a newer one, a custom build may not). */
  get supportsUpdateFrom(): boolean { return this.engine.sqliteVersion(this.db) >= 3_033_000; }

  /** The statement for `sql`, prepared once: rows as arrays, or (executeByName) as objects, each mode its own statement. */
  private prepared(sql: string, objectRows = false): DriverStatement {
    const cache = objectRows ? this.objectRowStatements : this.statements;
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (stmt.reader && !objectRows) stmt.raw(true);
      cache.set(sql, stmt);
    }
    return stmt;
  }

  private check(): void {
    if (this.closed) throw new InvalidRequestError("This connection is closed; get a new one with engine.connect().");
  }

  /** Runs one statement; rows come back as arrays in column order. */
  execute(query: CompiledQuery): CursorResult {
    this.check();
    const { sql, parameters } = query;
    this.announce(sql, parameters);
    try {
      const stmt = this.prepared(sql);
      if (stmt.reader) {
        const rows = stmt.all(...parameters) as unknown[][];
        return { columns: columnNames(stmt), rows, rowcount: -1, lastrowid: undefined };
      }
      const info = stmt.run(...parameters);
      return { columns: NO_ROWS as unknown as string[], rows: NO_ROWS as unknown as unknown[][], rowcount: info.changes, lastrowid: Number(info.lastInsertRowid) };
    } catch (e) {
      throw translateError(e, sql, parameters);
    }
  }

  /**
   * Runs a query whose result columns are named `names`, in that order, and returns its rows as
   * objects keyed by those names; undefined, before running anything, when the columns differ.
   * better-sqlite3 (on Node 20) builds an object row about half again as fast as an array row, whose
   * elements change kind as values of each type come in.
   */
  executeByName(query: CompiledQuery, names: readonly string[]): Record<string, unknown>[] | undefined {
    this.check();
    const { sql, parameters } = query;
    let stmt: DriverStatement;
    try {
      stmt = this.prepared(sql, true);
    } catch {
      return undefined; // execute() reports it
    }
    if (!stmt.reader || !sameNames(columnNames(stmt), names)) return undefined;
    this.announce(sql, parameters);
    try {
      return stmt.all(...parameters) as Record<string, unknown>[];
    } catch (e) {
      throw translateError(e, sql, parameters);
    }
  }

  /** Echo and statement listeners. */
  private announce(sql: string, parameters: readonly unknown[]): void {
    this.engine.echo(sql);
    if (this.engine.echoing) this.engine.echo(`[parameters: (${parameters.map((p) => typeof p === "string" ? `'${p}'` : String(p)).join(", ")})]`);
    for (const l of this.engine.listeners) l(sql, parameters);
  }

  /** Runs one statement and yields its rows one by one (for large results). */
  *iterate(query: CompiledQuery): Generator<unknown[], void, undefined> {
    this.check();
    this.engine.echo(query.sql);
    for (const l of this.engine.listeners) l(query.sql, query.parameters);
    let it: IterableIterator<unknown>;
    try {
      // A fresh statement: a cached one may be busy iterating elsewhere.
      const stmt = this.db.prepare(query.sql).raw(true);
      it = stmt.iterate(...query.parameters);
    } catch (e) {
      throw translateError(e, query.sql, query.parameters);
    }
    yield* it as IterableIterator<unknown[]>;
  }

  /** Runs DDL or other parameterless SQL. */
  exec(sql: string): void {
    this.check();
    this.engine.echo(sql);
    for (const l of this.engine.listeners) l(sql, []);
    try {
      this.db.exec(sql);
    } catch (e) {
      throw translateError(e, sql, []);
    }
  }

  /**
   * BEGIN. "immediate" takes the write lock now, waiting up to the busy timeout: a transaction
   * that writes should start that way, since one that read first can't wait for a writer in WAL
   * mode (SQLITE_BUSY_SNAPSHOT).
   */
  begin(mode: "deferred" | "immediate" = "deferred"): void {
    this.check();
    if (this.ownsTransaction) return;
    if (this.db.inTransaction) {
      if (!this.shared) throw new InvalidRequestError("A transaction is already begun on this connection.");
      // :memory: connections share one handle: join the transaction already open.
      this.ownsTransaction = true;
      return;
    }
    const sql = mode === "immediate" ? "BEGIN IMMEDIATE" : "BEGIN";
    this.engine.echo(`${sql} (implicit)`);
    for (const l of this.engine.listeners) l(sql, []);
    try { this.db.exec(sql); } catch (e) { throw translateError(e, sql, []); }
    this.ownsTransaction = true;
  }
  commit(): void {
    if (!this.ownsTransaction) return;
    this.ownsTransaction = false;
    if (this.db.inTransaction) {
      this.engine.echo("COMMIT");
      try { this.db.exec("COMMIT"); } catch (e) { throw translateError(e, "COMMIT", []); }
    }
  }
  rollback(): void {
    if (!this.ownsTransaction) return;
    this.ownsTransaction = false;
    if (this.db.inTransaction) {
      this.engine.echo("ROLLBACK");
      this.db.exec("ROLLBACK");
    }
  }
  /** SAVEPOINT; returns its name for release/rollbackTo. */
  savepoint(): string {
    if (!this.ownsTransaction) this.begin("immediate");
    const name = `sa_savepoint_${++this.savepointSeq}`;
    this.exec(`SAVEPOINT ${name}`);
    return name;
  }
  releaseSavepoint(name: string): void { this.exec(`RELEASE SAVEPOINT ${name}`); }
  rollbackToSavepoint(name: string): void { this.exec(`ROLLBACK TO SAVEPOINT ${name}`); this.exec(`RELEASE SAVEPOINT ${name}`); }

  close(): void {
    if (this.closed) return;
    if (this.ownsTransaction) this.rollback();
    this.closed = true;
    this.engine.release(this.db);
  }
}

/**
 * Create an engine for a SQLite database.
 * @example
 *   const engine = createEngine("sqlite:///:memory:", { echo: true });
 */
export function createEngine(url: string, options: EngineOptions = {}): Engine {
  return new Engine(url, options);
}
