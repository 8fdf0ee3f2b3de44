/**
 * Runs inside a child Node process, never in the extension host: loads the
 * user's module (TypeScript compiled on the fly), evaluates one statement in
 * its scope, compiles and executes it with the module's own orm-core against
 * the database, and writes one JSON response to fd 3 (stdout stays the user's).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Module = require("node:module");
import * as ts from "typescript";
import type { RunRequest, RunResponse, ExecutedStatement } from "./protocol";

function respond(res: RunResponse): void {
  const out = fs.createWriteStream("", { fd: 3 });
  out.end(JSON.stringify(res), () => process.exit(0));
}

/** `.ts` files are compiled as they are required (standard decorators, CommonJS). */
function registerTypeScript(): void {
  const compile = (m: NodeJS.Module & { _compile(code: string, file: string): void }, filename: string, extra = "") => {
    const src = fs.readFileSync(filename, "utf8") + extra;
    const out = ts.transpileModule(src, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false, useDefineForClassFields: true },
    });
    m._compile(out.outputText, filename);
  };
  for (const ext of [".ts", ".mts", ".cts"]) (Module as any)._extensions[ext] = (m: any, filename: string) => compile(m, filename);
  (registerTypeScript as any).compile = compile;
}

/** Loads the user's module with `expression` appended, so it is evaluated in the module's own scope. */
function loadStatement(file: string, expression: string): unknown {
  const compile = (registerTypeScript as any).compile as (m: any, f: string, extra: string) => void;
  const m = new Module(file, module) as any;
  m.filename = file;
  m.paths = (Module as any)._nodeModulePaths(path.dirname(file));
  compile(m, file, `\n;module.exports.__ormCoreStatement = () => (${expression});\n`);
  return m.exports.__ormCoreStatement();
}

function ormFor(file: string | undefined, cwd: string): any {
  const from = file ? path.dirname(file) : cwd;
  return require(require.resolve("orm-core", { paths: [from, cwd] }));
}

/** JSON-safe cell values: dates as ISO text, bytes summarized, objects as JSON. */
function cell(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "object") {
    const mapper = (v as any).constructor?.__mapper__;
    if (mapper) return `${mapper.name}(${mapper.primaryKeyProps.map((p: any) => `${p.key}=${(v as any)[p.key]}`).join(", ")})`;
    return JSON.stringify(v);
  }
  return v;
}

function sqlitePath(url: string, cwd: string): string | undefined {
  const m = /^sqlite(?:\+\w+)?:\/\/\/(.*)$/.exec(url);
  if (!m || m[1] === "" || m[1] === ":memory:") return undefined;
  return path.isAbsolute(m[1]!) ? m[1]! : path.resolve(cwd, m[1]!);
}

function main(req: RunRequest): RunResponse {
  process.chdir(req.cwd);
  registerTypeScript();
  const dbPath = sqlitePath(req.databaseUrl, req.cwd);
  const dbExists = !dbPath || fs.existsSync(dbPath);
  if (req.mode === "introspect") {
    if (!dbExists) return { ok: false, reason: "missing-database", name: "MissingDatabase", message: `The database ${dbPath} does not exist yet.`, databasePath: dbPath! };
    return introspect(req, dbPath ?? ":memory:");
  }
  if (!req.file || !req.expression) throw new Error("A run request needs the module file and the statement.");
  const stmt = loadStatement(req.file, req.expression) as any;
  const orm = ormFor(req.file, req.cwd);
  const kindName = stmt?.[Symbol.for("orm-core.kind")];
  const kind = ({ Select: "select", Update: "update", Insert: "insert", Delete: "delete" } as const)[kindName as "Select"];
  if (!kind) throw new TypeError(`The expression is not an orm-core statement (select/update/insert/deleteFrom): ${req.expression.slice(0, 80)}`);
  const compiled = stmt.compile();
  const base = { ok: true as const, mode: req.mode, kind, sql: compiled.sql, params: compiled.parameters.map(cell), databasePath: dbPath ?? ":memory:" };
  if (req.mode === "sql") return { ...base, columns: [], rows: [], rowcount: 0, truncated: false, elapsedMs: 0, statements: [] };

  if (req.mode !== "createAll" && !dbExists) {
    return { ok: false, reason: "missing-database", name: "MissingDatabase", message: `The database ${dbPath} does not exist yet. Create its tables with createAll, or set ormCore.databaseUrl.`, databasePath: dbPath! };
  }
  const engine = orm.createEngine(dbPath ? `sqlite:///${dbPath}` : req.databaseUrl, { busyTimeout: req.busyTimeoutMs ?? 5000 });
  const statements: ExecutedStatement[] = [];
  engine.listeners.push((sql: string, params: readonly unknown[]) => { if (!/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(sql)) statements.push({ sql, params: params.map(cell) }); });
  if (req.mode === "createAll") {
    const entity = (stmt.raw ?? []).find((e: any) => e?.__mapper__) ?? stmt.target?.entity;
    const metadata = entity?.__mapper__?.registry.metadata;
    if (!metadata) throw new Error("createAll needs a statement on a mapped class, to find its metadata.");
    const t0 = performance.now();
    metadata.createAll(engine);
    engine.dispose();
    return { ...base, kind: "ddl" as never, columns: ["table"], rows: [...metadata.tables.keys()].map((t: string) => [t]), rowcount: metadata.tables.size, truncated: false, elapsedMs: performance.now() - t0, statements };
  }
  const session = new orm.Session({ bind: engine });
  const t0 = performance.now();
  try {
    const result = session.execute(stmt);
    let columns: string[] = [];
    let rows: unknown[][] = [];
    let rowcount: number;
    if (kind === "select") {
      const all = result.all();
      const keys: readonly string[] = result.keys();
      // One entity: its column attributes as columns; otherwise one column per selected item.
      const only = all.length && keys.length === 1 && all[0][0]?.constructor?.__mapper__ ? all[0][0].constructor.__mapper__ : undefined;
      if (only) {
        columns = only.columnProps.map((p: any) => p.key);
        rows = all.map((r: any) => columns.map((k) => cell(r[0][k])));
      } else {
        columns = [...keys];
        rows = all.map((r: any) => [...r].map(cell));
      }
      rowcount = rows.length;
      // Touch nothing lazily: loader statements already ran during execute.
    } else {
      rowcount = result.rowcount;
      if (req.mode === "preview") session.rollback(); else session.commit();
    }
    const elapsedMs = performance.now() - t0;
    const truncated = rows.length > req.maxRows;
    return { ...base, columns, rows: truncated ? rows.slice(0, req.maxRows) : rows, rowcount, truncated, elapsedMs, statements };
  } finally {
    session.close();
    engine.dispose();
  }
}

function introspect(req: RunRequest, dbPath: string): RunResponse {
  const orm = ormFor(undefined, req.cwd);
  const engine = orm.createEngine(`sqlite:///${dbPath}`);
  const insp = orm.inspect(engine);
  const tables = insp.getTableNames().map((name: string) => ({
    name,
    columns: insp.getColumns(name).map((c: any) => ({ name: c.name, type: c.type, nullable: c.nullable, primaryKey: c.primaryKey })),
    foreignKeys: insp.getForeignKeys(name).map((f: any) => ({ from: f.constrainedColumns, table: f.referredTable, to: f.referredColumns })),
  }));
  engine.dispose();
  return { ok: true, mode: "introspect", kind: "schema", columns: [], rows: [], rowcount: tables.length, truncated: false, elapsedMs: 0, sql: "", params: [], statements: [], databasePath: dbPath, tables };
}

function readStdin(): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n = 0;
    try { n = fs.readSync(0, buf, 0, buf.length, null); } catch (e: any) { if (e.code === "EAGAIN") continue; if (e.code === "EOF") break; throw e; }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

try {
  respond(main(JSON.parse(readStdin()) as RunRequest));
} catch (e: any) {
  respond({ ok: false, reason: "error", name: e?.name ?? "Error", message: String(e?.message ?? e), ...(e?.statement ? { statement: e.statement, params: (e.params ?? []).map(cell) } : {}) });
}
