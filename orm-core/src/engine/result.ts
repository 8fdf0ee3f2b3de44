/**
 * Result, ScalarResult, MappingResult and Row: what session.execute() returns.
 * Rows are arrays (destructuring works) with named access (`row.name`).
 */
import { ArgumentError, InvalidRequestError, MultipleResultsFound, NoResultFound } from "../errors/errors";

export type Row<R extends readonly unknown[] = unknown[]> = R & { readonly _mapping: Record<string, unknown>; readonly _fields: readonly string[] } & Record<string, unknown>;

const rowProtos = new Map<string, object>();
/** One prototype per key list: named getters over array slots. */
function rowProto(keys: readonly string[]): object {
  const id = keys.join("\u0000");
  const cached = rowProtos.get(id);
  if (cached) return cached;
  const proto: object = Object.create(Array.prototype);
  keys.forEach((key, i) => {
    if (key in Array.prototype || /^\d+$/.test(key) || key === "_mapping" || key === "_fields") return;
    Object.defineProperty(proto, key, { get(this: unknown[]) { return this[i]; }, enumerable: false });
  });
  Object.defineProperty(proto, "_fields", { value: Object.freeze([...keys]) });
  Object.defineProperty(proto, "_mapping", {
    get(this: unknown[]) { const m: Record<string, unknown> = {}; keys.forEach((k, i) => (m[k] = this[i])); return m; },
  });
  if (rowProtos.size < 1000) rowProtos.set(id, proto);
  return proto;
}

export function makeRow<R extends unknown[]>(values: unknown[], keys: readonly string[]): Row<R> {
  Object.setPrototypeOf(values, rowProto(keys));
  return values as Row<R>;
}

const NO_ROWS: unknown[][] = [];

function one<T>(items: T[], what: string): T {
  if (items.length === 0) throw new NoResultFound(`No row was found when one was required (${what}). Use oneOrNone() / first() if no row is fine.`);
  if (items.length > 1) throw new MultipleResultsFound(`Multiple rows were found when exactly one was required (${what}). Add criteria, or use first().`);
  return items[0]!;
}
function oneOrNone<T>(items: T[], what: string): T | null {
  if (items.length > 1) throw new MultipleResultsFound(`Multiple rows were found when one or none was required (${what}).`);
  return items[0] ?? null;
}
function uniq<T>(items: T[]): T[] {
  const seen = new Set<unknown>();
  const out: T[] = [];
  for (const item of items) {
    const key = Array.isArray(item) ? item.map((v) => (typeof v === "object" && v !== null ? v : JSON.stringify(v) + typeof v)).join("\u0001") : item;
    // Rows of objects: compare by identity of each element.
    const k = Array.isArray(item) && item.every((v) => typeof v !== "object" || v === null) ? key : Array.isArray(item) ? identityKey(item) : item;
    if (!seen.has(k)) { seen.add(k); out.push(item); }
  }
  return out;
}
const ids = new WeakMap<object, number>();
let idSeq = 0;
function identityKey(values: unknown[]): string {
  return values.map((v) => (typeof v === "object" && v !== null ? `#${ids.get(v) ?? (ids.set(v, ++idSeq), idSeq)}` : `${typeof v}:${String(v)}`)).join("\u0001");
}

/** Rows of a statement. Consumed once, like SQLAlchemy's Result. */
export class Result<R extends readonly unknown[] = unknown[]> implements Iterable<Row<R>> {
  private consumed = false;
  /** The open cursor once fetchone() / fetchmany() read part of the rows; the rest come from it. */
  private cursor: Iterator<unknown[]> | undefined;
  /** The values of a one-column result before any row array is made (see ofColumn). */
  private column: unknown[] | undefined;
  /** Rows, or a lazy source (streaming with yieldPer: rows are read as they are iterated). */
  constructor(private readonly _keys: readonly string[], private source: unknown[][] | Iterable<unknown[]>, readonly rowcount: number = Array.isArray(source) ? source.length : -1, private readonly isUnique = false) {}

  /**
   * A one-column result (e.g. select(User)) held as its values: scalars() hands them out as they
   * are, and row arrays are made only if rows are asked for.
   */
  static ofColumn<R extends readonly unknown[]>(keys: readonly string[], values: unknown[], isUnique = false): Result<R> {
    const r = new Result<R>(keys, NO_ROWS, values.length, isUnique);
    r.column = values;
    return r;
  }
  private get rows(): unknown[][] | Iterable<unknown[]> {
    if (this.column) { this.source = this.column.map((v) => [v]); this.column = undefined; }
    return this.source;
  }

  keys(): readonly string[] { return this._keys; }
  private take(): unknown[][] {
    if (this.cursor) { const rest: unknown[][] = []; for (let n = this.cursor.next(); !n.done; n = this.cursor.next()) rest.push(n.value); return rest; }
    if (this.consumed) return [];
    this.consumed = true;
    const rows = Array.isArray(this.rows) ? this.rows : [...this.rows];
    return this.isUnique ? uniq(rows) : rows;
  }
  /** Streams when the source is lazy (one row at a time), else the fetched rows. */
  private *stream(): Generator<unknown[]> {
    if (this.cursor) { for (let n = this.cursor.next(); !n.done; n = this.cursor.next()) yield n.value; return; }
    yield* this.fresh();
  }
  private *fresh(): Generator<unknown[]> {
    if (this.consumed) return;
    this.consumed = true;
    if (this.isUnique || Array.isArray(this.rows)) { yield* (this.isUnique ? uniq([...this.rows]) : this.rows); return; }
    yield* this.rows;
  }
  private rowsOut(): Row<R>[] { return this.take().map((r) => makeRow<any>(r, this._keys)); }

  all(): Row<R>[] { return this.rowsOut(); }
  first(): Row<R> | null { return this.rowsOut()[0] ?? null; }
  one(): Row<R> { return one(this.rowsOut(), "Result.one()"); }
  oneOrNone(): Row<R> | null { return oneOrNone(this.rowsOut(), "Result.oneOrNone()"); }
  /** The first column of the first row, or null. */
  scalar(): R[0] | null { const r = this.take()[0]; return r ? (r[0] as R[0]) : null; }
  scalarOne(): R[0] { return one(this.take(), "Result.scalarOne()")[0] as R[0]; }
  scalarOneOrNone(): R[0] | null { return (oneOrNone(this.take(), "Result.scalarOneOrNone()")?.[0] ?? null) as R[0] | null; }
  /** The values of one column (the first by default). */
  scalars<I extends number = 0>(index: I = 0 as I): ScalarResult<R[I]> {
    if (this.column && index === 0 && !this.consumed && !this.cursor) {
      this.consumed = true;
      return new ScalarResult(this.column as R[I][], this.isUnique);
    }
    if (Array.isArray(this.rows) && !this.consumed) {
      // Fetched rows: a plain array, no generator per value.
      const rows = this.take();
      const values = new Array<R[I]>(rows.length);
      for (let i = 0; i < rows.length; i++) values[i] = rows[i]![index] as R[I];
      return new ScalarResult(values, false);
    }
    const src = this.stream();
    return new ScalarResult((function* () { for (const r of src) yield r[index] as R[I]; })(), this.isUnique);
  }
  /** Rows as plain objects keyed by column name. */
  mappings(): MappingResult { const keys = this._keys; return new MappingResult(this.take().map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]])))); }
  /** Drops duplicate rows (by value, or by object identity for entities). */
  unique(): Result<R> { return new Result<R>(this._keys, this.take(), this.rowcount, true); }
  /** Returns `n` rows at a time while iterating (the rows are already fetched: SQLite is local). */
  /** Rows `size` at a time; with yieldPer, each partition is read from the database as it is reached. */
  *partitions(size = 100): Generator<Row<R>[]> {
    let part: Row<R>[] = [];
    for (const r of this.stream()) { part.push(makeRow<any>(r, this._keys)); if (part.length >= size) { yield part; part = []; } }
    if (part.length) yield part;
  }
  *[Symbol.iterator](): Iterator<Row<R>> { for (const r of this.stream()) yield makeRow<any>(r, this._keys); }

  // ---- DBAPI-style fetching (SQLAlchemy's fetchone / fetchmany / fetchall) ----------------

  /** The next row, or null when there are no more. With yieldPer, reads only as far as needed. */
  fetchone(): Row<R> | null {
    const n = (this.cursor ??= this.fresh()).next();
    return n.done ? null : makeRow<any>(n.value, this._keys);
  }
  /** Up to `size` next rows (fewer at the end, [] when done); a streamed result reads only those. */
  fetchmany(size = 1): Row<R>[] {
    if (!Number.isInteger(size) || size < 0) throw new ArgumentError(`fetchmany() takes a row count (a non-negative integer), got ${String(size)}.`);
    const cursor = (this.cursor ??= this.fresh());
    const out: Row<R>[] = [];
    while (out.length < size) {
      const n = cursor.next();
      if (n.done) break;
      out.push(makeRow<any>(n.value, this._keys));
    }
    return out;
  }
  /** The remaining rows (all(), by its DBAPI name). */
  fetchall(): Row<R>[] { return this.rowsOut(); }

  // ---- reshaping -----------------------------------------------------------------------

  /**
   * A Result of the columns named (by key or position), in that order; it takes over this
   * result's rows (read lazily when this one streams).
   * @example session.execute(select(User.id, User.name)).columns("name", 0).all() // [["ann", 1], ...]
   */
  columns<const I extends readonly number[]>(...indexes: I): Result<{ -readonly [K in keyof I]: R[I[K]] }>;
  columns(...columns: (string | number)[]): Result<unknown[]>;
  columns(...columns: (string | number)[]): Result<any> {
    const keys = this._keys;
    const slots = columns.map((c) => {
      const i = typeof c === "number" ? (Number.isInteger(c) && c >= 0 && c < keys.length ? c : -1) : keys.indexOf(c);
      if (i < 0) throw new InvalidRequestError(`Result.columns(): no column ${typeof c === "number" ? `at position ${c}` : JSON.stringify(c)}; the columns are ${keys.map((k, n) => `${n}: ${JSON.stringify(k)}`).join(", ")}.`);
      return i;
    });
    const newKeys = slots.map((i) => keys[i]!);
    const pick = (r: unknown[]) => slots.map((i) => r[i]);
    if (Array.isArray(this.rows) && !this.consumed && !this.cursor) {
      this.consumed = true;
      return new Result<any>(newKeys, this.rows.map(pick), this.rowcount, this.isUnique);
    }
    // Streamed (or partly fetched): pick from the remaining rows as they are read.
    const src = this.isUnique ? this.take() : this.stream();
    return new Result<any>(newKeys, (function* () { for (const r of src) yield pick(r); })(), this.rowcount, this.isUnique);
  }
  /**
   * The same result, typed as tuples (SQLAlchemy's Result.tuples()): rows are arrays already, so
   * this changes nothing at run time.
   */
  tuples(): Result<R> { return this; }
  /**
   * Reads the remaining rows into a FrozenResult: call it for a fresh Result of the same rows, as
   * many times as needed (SQLAlchemy's Result.freeze(), e.g. for caching).
   * @example const frozen = session.execute(stmt).freeze(); frozen().all(); frozen().all();
   */
  freeze(): FrozenResult<R> { return makeFrozen<R>(this._keys, this.take().map((r) => Array.from(r))); }
}

/** A Result's rows held for reuse: callable for a new Result each time (SQLAlchemy's FrozenResult). */
export interface FrozenResult<R extends readonly unknown[] = unknown[]> {
  (): Result<R>;
  /** The column keys. */
  keys(): readonly string[];
  /** The held rows, as plain arrays. */
  readonly data: readonly (readonly unknown[])[];
}
function makeFrozen<R extends readonly unknown[]>(keys: readonly string[], data: unknown[][]): FrozenResult<R> {
  const frozen = (() => new Result<R>(keys, data.map((r) => Array.from(r)), data.length)) as FrozenResult<R>;
  Object.defineProperty(frozen, "keys", { value: () => keys });
  Object.defineProperty(frozen, "data", { value: data });
  return frozen;
}

export class ScalarResult<T> implements Iterable<T> {
  private consumed = false;
  constructor(private readonly values: T[] | Iterable<T>, private readonly isUnique = false) {}
  private take(): T[] {
    if (this.consumed) return [];
    this.consumed = true;
    const all = Array.isArray(this.values) ? this.values : [...this.values];
    return this.isUnique ? uniq(all) : all;
  }
  /** Values `size` at a time, read lazily when the result streams. */
  *partitions(size = 100): Generator<T[]> {
    let part: T[] = [];
    for (const v of this) { part.push(v); if (part.length >= size) { yield part; part = []; } }
    if (part.length) yield part;
  }
  all(): T[] { return this.take(); }
  first(): T | null { return this.take()[0] ?? null; }
  one(): T { return one(this.take(), "ScalarResult.one()"); }
  oneOrNone(): T | null { return oneOrNone(this.take(), "ScalarResult.oneOrNone()"); }
  unique(): ScalarResult<T> { return new ScalarResult(this.take(), true); }
  *[Symbol.iterator](): Iterator<T> {
    if (this.consumed) return;
    if (this.isUnique || Array.isArray(this.values)) { yield* this.take(); return; }
    this.consumed = true;
    yield* this.values;
  }
}

export class MappingResult implements Iterable<Record<string, unknown>> {
  constructor(private readonly values: Record<string, unknown>[]) {}
  all(): Record<string, unknown>[] { return this.values; }
  first(): Record<string, unknown> | null { return this.values[0] ?? null; }
  one(): Record<string, unknown> { return one(this.values, "MappingResult.one()"); }
  oneOrNone(): Record<string, unknown> | null { return oneOrNone(this.values, "MappingResult.oneOrNone()"); }
  [Symbol.iterator](): Iterator<Record<string, unknown>> { return this.values[Symbol.iterator](); }
}
