/** Messages between the extension (runner-client.ts) and the query child (child.ts). */

export type RunMode = "run" | "sql" | "preview" | "createAll" | "introspect";

export interface RunRequest {
  readonly mode: RunMode;
  /** Absolute path of the user's module that holds the statement (not needed for introspect). */
  readonly file?: string;
  /** The statement's source text, evaluated in the module's scope. */
  readonly expression?: string;
  /** SQLite URL; relative paths resolve against `cwd`. */
  readonly databaseUrl: string;
  readonly cwd: string;
  /** Rows sent back at most (the panel pages through them). */
  readonly maxRows: number;
  /** How long a write waits for another connection's lock (ms). */
  readonly busyTimeoutMs?: number;
}

export interface ExecutedStatement { readonly sql: string; readonly params: readonly unknown[] }

export interface RunSuccess {
  readonly ok: true;
  readonly mode: RunMode;
  readonly kind: "select" | "update" | "insert" | "delete" | "ddl" | "schema";
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  /** Rows in the result (or affected by a write), even when more than were sent. */
  readonly rowcount: number;
  readonly truncated: boolean;
  readonly elapsedMs: number;
  /** The statement's own SQL and parameters. */
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Every statement that ran (the query and any loader queries: 1 + N shows as such). */
  readonly statements: readonly ExecutedStatement[];
  readonly databasePath: string;
  /** For introspect: the database's tables. */
  readonly tables?: readonly { name: string; columns: { name: string; type: string; nullable: boolean; primaryKey: boolean }[]; foreignKeys: { from: string[]; table: string; to: string[] }[] }[];
}

export interface RunFailure {
  readonly ok: false;
  /** "missing-database" lets the extension offer createAll. */
  readonly reason: "error" | "missing-database" | "timeout" | "cancelled" | "crashed";
  readonly name: string;
  readonly message: string;
  readonly statement?: string;
  readonly params?: readonly unknown[];
  readonly databasePath?: string;
}

export type RunResponse = RunSuccess | RunFailure;
