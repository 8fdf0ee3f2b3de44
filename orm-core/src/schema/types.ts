/**
 * Column types and their value processing in SQLAlchemy's SQLite formats
 * (1.4 / 2.0), so a file written by SQLAlchemy in Python reads back equal here
 * and the other way round. Used by ddl.ts (DDL names), the compiler (binding)
 * and loading (results).
 *
 * A type may be written bare (`String`) or called (`String(50)`): each export
 * is a function that is also a usable type.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";

export interface TypeEngine<T = unknown> {
  readonly [ormKind]: "TypeEngine";
  /** SQLAlchemy's type class name: "Integer", "String", ... (also used by validateMapping's ORM114). */
  readonly typeName: TypeName;
  readonly params: TypeParams;
  /** DDL as SQLAlchemy's SQLite dialect writes it: INTEGER, VARCHAR(50), DATETIME... */
  ddl(): string;
  /** JS value → SQLite value. Undefined when the value needs no conversion. */
  readonly bind: ((value: any) => unknown) | undefined;
  /** SQLite value → JS value (never called with null). */
  readonly result: ((value: any) => T) | undefined;
  /** phantom: the JS type */
  readonly __js?: T;
}

export type TypeName =
  | "Integer" | "BigInteger" | "SmallInteger" | "String" | "Text" | "Boolean" | "Float" | "Numeric"
  | "DateTime" | "Date" | "Time" | "JSON" | "LargeBinary" | "Enum" | "Uuid" | "NullType";

export interface TypeParams {
  length?: number;
  precision?: number;
  scale?: number;
  asNumber?: boolean;
  asBigInt?: boolean;
  values?: readonly string[];
  name?: string;
}

/** Anything accepted where a type is expected: the bare export or a called one. */
export type TypeArg<T = unknown> = TypeEngine<T>;
export type JsTypeOf<A> = A extends TypeEngine<infer T> ? T : never;

function makeType<T>(typeName: TypeName, params: TypeParams, ddl: () => string,
  bind: ((v: T) => unknown) | undefined, result: ((v: any) => T) | undefined): TypeEngine<T> {
  return Object.freeze({ [ormKind]: "TypeEngine" as const, typeName, params: Object.freeze({ ...params }), ddl, bind, result });
}

/** A type usable bare and callable with options; `name`/`length` of the function are irrelevant. */
function callableType<T, A extends unknown[]>(bare: TypeEngine<T>, make: (...args: A) => TypeEngine<T>): TypeEngine<T> & ((...args: A) => TypeEngine<T>) {
  const fn = ((...args: A) => make(...args)) as any;
  for (const key of ["typeName", "params", "ddl", "bind", "result"] as const) {
    Object.defineProperty(fn, key, { value: (bare as any)[key], enumerable: true });
  }
  Object.defineProperty(fn, ormKind, { value: "TypeEngine" });
  return fn;
}

// ---- numbers ---------------------------------------------------------------

const toInteger = (v: unknown) => (typeof v === "bigint" ? v : typeof v === "boolean" ? (v ? 1 : 0) : v);
const integerBare = makeType<number>("Integer", {}, () => "INTEGER", undefined, undefined);
export const Integer = callableType(integerBare, () => integerBare);
const smallBare = makeType<number>("SmallInteger", {}, () => "SMALLINT", undefined, undefined);
export const SmallInteger = callableType(smallBare, () => smallBare);

const bigBare = makeType<number>("BigInteger", {}, () => "BIGINT", undefined, (v) => (typeof v === "bigint" ? Number(v) : v));
/** `BigInteger` gives numbers; `BigInteger({ asBigInt: true })` gives bigints. */
export const BigInteger = callableType(bigBare, (opts?: { asBigInt?: boolean }): TypeEngine<any> =>
  opts?.asBigInt
    ? makeType<bigint>("BigInteger", { asBigInt: true }, () => "BIGINT", (v) => v, (v) => BigInt(v))
    : bigBare) as TypeEngine<number> & { (): TypeEngine<number>; (opts: { asBigInt: true }): TypeEngine<bigint>; (opts?: { asBigInt?: boolean }): TypeEngine<number> };

const floatBare = makeType<number>("Float", {}, () => "FLOAT", undefined, (v) => Number(v));
export const Float = callableType(floatBare, (precision?: number) =>
  makeType<number>("Float", { precision }, () => (precision ? `FLOAT(${precision})` : "FLOAT"), undefined, (v) => Number(v)));

function numericResult(scale: number | undefined): (v: any) => string {
  // SQLAlchemy returns Decimal quantized to the column's scale (10 when unset).
  return (v) => {
    if (typeof v === "string") return v;
    const s = scale ?? 10;
    return typeof v === "bigint" ? v.toString() : toFixedHalfEven(Number(v), s);
  };
}
/**
 * x with `digits` decimals, rounding an exact tie to even as Python's Decimal quantizing does
 * (toFixed rounds ties away from zero: 0.125 → "0.13" where SQLAlchemy gives 0.12).
 */
function toFixedHalfEven(x: number, digits: number): string {
  const out = x.toFixed(digits);
  if (digits > 70 || !Number.isFinite(x)) return out;
  const EXTRA = 25;
  const exact = x.toFixed(digits + EXTRA);
  if (!exact.endsWith("5".padEnd(EXTRA, "0"))) return out;
  let truncated = exact.slice(0, exact.length - EXTRA);
  if (truncated.endsWith(".")) truncated = truncated.slice(0, -1);
  const last = truncated.charCodeAt(truncated.length - 1) - 48;
  if (last % 2 !== 0) return out;
  return /^-0(\.0*)?$/.test(truncated) ? truncated.slice(1) : truncated;
}
function numericBind(v: unknown): unknown {
  if (typeof v === "string") {
    const n = Number(v);
    if (v.trim() === "" || Number.isNaN(n)) throw new ArgumentError(`Numeric value ${JSON.stringify(v)} is not a number; pass a decimal string such as "12.50" or a number.`);
    return n;
  }
  return v;
}
function makeNumeric(opts: { precision?: number; scale?: number; asNumber?: boolean } = {}): TypeEngine<any> {
  const ddl = () => (opts.precision === undefined ? "NUMERIC" : opts.scale === undefined ? `NUMERIC(${opts.precision})` : `NUMERIC(${opts.precision}, ${opts.scale})`);
  return makeType<any>("Numeric", opts, ddl, numericBind, opts.asNumber ? (v) => Number(v) : numericResult(opts.scale));
}
const numericBare = makeNumeric();
/** Exact decimals as strings (SQLAlchemy's Decimal); `{ asNumber: true }` gives numbers. */
export const Numeric = callableType(numericBare, makeNumeric) as TypeEngine<string> & {
  (opts: { precision?: number; scale?: number; asNumber: true }): TypeEngine<number>;
  (opts?: { precision?: number; scale?: number; asNumber?: false }): TypeEngine<string>;
};

// ---- text ------------------------------------------------------------------

const stringBare = makeType<string>("String", {}, () => "VARCHAR", undefined, undefined);
const StringType = callableType(stringBare, (length?: number) =>
  length === undefined ? stringBare : makeType<string>("String", { length }, () => `VARCHAR(${length})`, undefined, undefined));
export { StringType as String };
const textBare = makeType<string>("Text", {}, () => "TEXT", undefined, undefined);
export const Text = callableType(textBare, () => textBare);

/** Non-native enum: VARCHAR of the longest value, values checked on bind. */
export function Enum<const V extends string>(...values: V[] | [readonly V[]]): TypeEngine<V> {
  const list = (Array.isArray(values[0]) ? values[0] : values) as readonly V[];
  if (list.length === 0) throw new ArgumentError("Enum() needs at least one value: Enum(\"draft\", \"published\").");
  const length = Math.max(...list.map((v) => [...v].length)); // characters, as SQLAlchemy counts them
  const allowed = new Set<string>(list);
  return makeType<V>("Enum", { values: list, length }, () => `VARCHAR(${length})`, (v) => {
    if (!allowed.has(v)) throw new ArgumentError(`${JSON.stringify(v)} is not among the Enum's values (${list.map((x) => JSON.stringify(x)).join(", ")}).`);
    return v;
  }, undefined);
}
Object.defineProperty(Enum, ormKind, { value: "TypeEngine" });

const uuidRe = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuidBare = makeType<string>("Uuid", {}, () => "CHAR(32)", (v) => {
  if (typeof v !== "string" || !uuidRe.test(v)) throw new ArgumentError(`${JSON.stringify(v)} is not a UUID; pass a string like "0f8fad5b-d9cb-469f-a165-70867728950e".`);
  return v.replace(/-/g, "").toLowerCase();
}, (v: string) => {
  const h = String(v).replace(/-/g, "").toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});
/** UUIDs stored as 32 hex characters (SQLAlchemy 2.0 on SQLite), read back as dashed strings. */
export const Uuid = callableType(uuidBare, () => uuidBare);

// ---- booleans --------------------------------------------------------------

const boolBare = makeType<boolean>("Boolean", {}, () => "BOOLEAN", (v) => {
  if (typeof v !== "boolean" && v !== 0 && v !== 1) throw new ArgumentError(`Boolean column got ${typeof v} ${JSON.stringify(v)}; pass true or false.`);
  return v ? 1 : 0;
}, (v) => v === 1 || v === 1n || v === "1");
export const Boolean = callableType(boolBare, () => boolBare);

// ---- dates and times -------------------------------------------------------

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
function checkDate(v: unknown, what: string): Date {
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw new ArgumentError(`${what} column needs a valid Date, got ${v instanceof Date ? "an invalid Date" : JSON.stringify(v)}.`);
  return v;
}
const dateTimeRe = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?/;
function parseDateTime(v: any): Date {
  const m = dateTimeRe.exec(String(v));
  if (!m) throw new ArgumentError(`Could not parse ${JSON.stringify(v)} as a DATETIME (expected YYYY-MM-DD HH:MM:SS.ffffff).`);
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(6, "0")) / 1000) : 0;
  const d = new Date(Date.UTC(2000, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms));
  d.setUTCFullYear(+m[1]!); // Date.UTC reads years 0–99 as 1900–1999
  return d;
}
/** Naive datetimes: the Date's UTC wall time, "YYYY-MM-DD HH:MM:SS.ffffff". */
const dateTimeBare = makeType<Date>("DateTime", {}, () => "DATETIME", (v) => {
  const d = checkDate(v, "DateTime");
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds() * 1000, 6)}`;
}, parseDateTime);
export const DateTime = callableType(dateTimeBare, () => dateTimeBare);

const dateBare = makeType<Date>("Date", {}, () => "DATE", (v) => {
  const d = checkDate(v, "Date");
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}, parseDateTime);
const DateType = callableType(dateBare, () => dateBare);
export { DateType as Date };

const timeRe = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;
/** Times as "HH:MM:SS.ffffff" strings (JS has no time-of-day type). */
const timeBare = makeType<string>("Time", {}, () => "TIME", (v) => {
  const m = typeof v === "string" ? timeRe.exec(v) : null;
  if (!m) throw new ArgumentError(`Time column needs "HH:MM[:SS[.ffffff]]", got ${JSON.stringify(v)}.`);
  return `${m[1]}:${m[2]}:${m[3] ?? "00"}.${(m[4] ?? "").padEnd(6, "0")}`;
}, (v) => String(v));
export const Time = callableType(timeBare, () => timeBare);

// ---- JSON and binary -------------------------------------------------------

/**
 * A number as Python's json.dumps writes it: integers below 1e16 as integers, other floats by
 * repr() — shortest digits, scientific below 1e-4 and from 1e16, exponent of at least 2 digits.
 */
function pyFloatRepr(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  if (x === 0) return "0";
  const [mantissa, exp] = x.toExponential().split("e") as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 16) return String(x);
  return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** Python's json.dumps() default layout (", " and ": "), so stored text matches SQLAlchemy's byte for byte. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    return pyFloatRepr(value);
  }
  if (typeof value === "string") return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(", ")}]`;
  if (typeof value === "object") {
    if (value instanceof Date) return JSON.stringify(value.toISOString());
    return `{${Object.entries(value as object).filter(([, v]) => v !== undefined).map(([k, v]) => `${pyJsonDumps(k)}: ${pyJsonDumps(v)}`).join(", ")}}`;
  }
  throw new ArgumentError(`JSON column cannot store a ${typeof value}; use plain objects, arrays, strings, numbers, booleans or null.`);
}
const jsonBare = makeType<any>("JSON", {}, () => "JSON", pyJsonDumps, (v) => JSON.parse(String(v)));
export const JSON_ = callableType(jsonBare, () => jsonBare);
export { JSON_ as JSON };

const binaryBare = makeType<Uint8Array>("LargeBinary", {}, () => "BLOB", (v) => {
  if (!(v instanceof Uint8Array)) throw new ArgumentError(`LargeBinary column needs a Uint8Array or Buffer, got ${typeof v}.`);
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}, (v) => (Buffer.isBuffer(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v));
export const LargeBinary = callableType(binaryBare, () => binaryBare);

/** The type of a bound value with no column to say otherwise (literal parameters). */
export const NullType: TypeEngine<unknown> = makeType<unknown>("NullType", {}, () => "NULL", undefined, undefined);

/** Guess the type of a literal value (used for binds without a column). */
export function typeForValue(v: unknown): TypeEngine<any> {
  if (v instanceof Date) return dateTimeBare;
  if (typeof v === "boolean") return boolBare;
  if (v instanceof Uint8Array) return binaryBare;
  return NullType;
}

export function isTypeEngine(x: unknown): x is TypeEngine {
  return (typeof x === "object" || typeof x === "function") && x !== null && (x as any)[ormKind] === "TypeEngine";
}
void toInteger;
