/**
 * Error classes named as SQLAlchemy's. Mapping errors carry the ORM1xx code the
 * language server also reports; database errors carry the statement and params.
 */
export class OrmError extends Error {
  /** ORM1xx code for mapping errors (see errors/codes.ts), else undefined. */
  readonly code?: string;
  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    if (options?.code) this.code = options.code;
  }
}
export class ArgumentError extends OrmError {}
export class InvalidRequestError extends OrmError {}
export class NoForeignKeysError extends ArgumentError {}
export class AmbiguousForeignKeysError extends ArgumentError {}
export class UnmappedClassError extends InvalidRequestError {}
export class CircularDependencyError extends InvalidRequestError {}
export class NoResultFound extends InvalidRequestError {}
export class MultipleResultsFound extends InvalidRequestError {}
export class DetachedInstanceError extends InvalidRequestError {}
export class ObjectDeletedError extends InvalidRequestError {}
export class PendingRollbackError extends InvalidRequestError {}
export class StaleDataError extends OrmError {}

/** A failure reported by the database, wrapped with the SQL that caused it. */
export class DBAPIError extends OrmError {
  readonly statement: string;
  readonly params: readonly unknown[];
  readonly orig: unknown;
  constructor(message: string, statement: string, params: readonly unknown[], orig: unknown) {
    super(`(${(orig as any)?.code ?? "sqlite"}) ${message}\n[SQL: ${statement}]\n[parameters: ${formatParams(params)}]`, { cause: orig });
    this.statement = statement;
    this.params = params;
    this.orig = orig;
  }
}
export class DatabaseError extends DBAPIError {}
export class IntegrityError extends DatabaseError {}
export class OperationalError extends DatabaseError {}
export class ProgrammingError extends DatabaseError {}

function formatParams(params: readonly unknown[]): string {
  const shown = params.slice(0, 10).map((p) => (typeof p === "string" ? `'${p}'` : p instanceof Uint8Array ? `<${p.length} bytes>` : String(p)));
  return `(${shown.join(", ")}${params.length > 10 ? ", ..." : ""}${params.length === 1 ? "," : ""})`;
}
