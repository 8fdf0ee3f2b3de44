/**
 * Interop with Python SQLAlchemy: a SQLite file made or written by orm-core is
 * one SQLAlchemy (1.4, Debian's python3-sqlalchemy for /usr/bin/python3) reads
 * back equal, and the other way round. The Python half is sa_models.py, which
 * declares the same models; each test drives it with
 *   /usr/bin/python3 sa_models.py MODE DB_PATH
 * and compares what each side sees (DDL, ORM values, relationship graphs, raw
 * stored values).
 *
 * Values cross the process boundary in a canonical JSON form (see sa_models.py):
 * integers as decimal strings, floats as repr(), Decimal/UUID as str(),
 * dates and times as isoformat(), bytes as hex, JSON documents as themselves.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import {
  declarativeBase, mapped, Column, Integer, BigInteger, String as SaString, Text, Boolean as SaBoolean, Float, Numeric,
  DateTime, Date as SaDate, Time, JSON as SaJSON, LargeBinary, Uuid, Enum, ForeignKey, Table, relationship, createEngine,
  sessionmaker, select, selectinload, type Engine,
} from "../../src/index";
import { recordStatements } from "../support/sql";

// ---- driving Python -------------------------------------------------------------------------------

const PYTHON = "/usr/bin/python3";
/** sa_models.py sits next to this file in the sources; tsc does not copy it to dist/. */
const SCRIPT = [
  path.join(__dirname, "sa_models.py"),
  path.resolve(__dirname, "..", "..", "..", "test", "interop", "sa_models.py"),
].find((p) => fs.existsSync(p));

let sqlalchemyChecked = false;
/** Fails (never skips) when the Python side can't run, saying what to install. */
function requireSqlAlchemy(): void {
  if (sqlalchemyChecked) return;
  if (!SCRIPT) throw new Error(`sa_models.py not found next to ${__filename} nor in orm-core/test/interop/.`);
  try {
    execFileSync(PYTHON, ["-c", "import sqlalchemy"], { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  } catch (e: any) {
    const why = e?.code === "ENOENT" ? `${PYTHON} does not exist` : `${PYTHON} cannot import sqlalchemy: ${`${e?.stderr ?? e?.message}`.trim().split("\n").pop()}`;
    throw new Error(`The SQLAlchemy interop tests need SQLAlchemy 1.4 for ${PYTHON} (${why}). Install it with: apt-get install python3-sqlalchemy`);
  }
  sqlalchemyChecked = true;
}

/** Runs sa_models.py MODE DB_PATH with `input` as JSON on stdin; returns its stdout parsed as JSON (or undefined). */
function py(mode: "ddl" | "write" | "read" | "rel-write" | "rel-read", dbPath: string, input?: unknown): any {
  requireSqlAlchemy();
  let out: string;
  try {
    out = execFileSync(PYTHON, [SCRIPT!, mode, dbPath], {
      input: input === undefined ? "" : globalThis.JSON.stringify(input),
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e: any) {
    throw new Error(`${PYTHON} sa_models.py ${mode} ${dbPath} failed (exit ${e?.status}):\n${e?.stderr ?? e?.message}`);
  }
  return out.trim() === "" ? undefined : globalThis.JSON.parse(out);
}

function withTmp<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orm-core-interop-"));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Raw access to a database file, bypassing orm-core (integers exact, as bigints). */
function raw<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

// ---- the models (the same declarations as sa_models.py) ------------------------------------------

function models() {
  const Base = declarativeBase();

  @mapped
  class Everything extends Base.model("everything", {
    id: Column(Integer, { primaryKey: true }),
    label: Column(SaString(40), { nullable: false, unique: true }),
    int_v: Column(Integer),
    big_v: Column(BigInteger),
    bigx_v: Column(BigInteger({ asBigInt: true })),
    str_v: Column(SaString(40)),
    text_v: Column(Text),
    bool_v: Column(SaBoolean),
    float_v: Column(Float),
    num_v: Column(Numeric({ precision: 10, scale: 2 })),
    dt_v: Column(DateTime),
    date_v: Column(SaDate),
    time_v: Column(Time),
    json_v: Column(SaJSON),
    bin_v: Column(LargeBinary),
    uuid_v: Column(Uuid),
    enum_v: Column(Enum("draft", "published", "archived"), { index: true }),
  }) {}

  const bookGenres = Table("book_genres", Base.metadata,
    Column("book_id", Integer, ForeignKey("books.id"), { primaryKey: true }),
    Column("genre_id", Integer, ForeignKey("genres.id"), { primaryKey: true }));

  @mapped
  class Author extends Base.model("authors", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(SaString(50), { nullable: false }),
    books: relationship<Book[]>("Book", { backPopulates: "author" }),
  }) {}

  @mapped
  class Book extends Base.model("books", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(SaString(100), { nullable: false }),
    author_id: Column(Integer, ForeignKey("authors.id")),
    author: relationship<Author>("Author", { backPopulates: "books" }),
    genres: relationship<Genre[]>("Genre", { secondary: bookGenres, backPopulates: "books" }),
  }) {}

  @mapped
  class Genre extends Base.model("genres", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(SaString(30), { nullable: false, unique: true }),
    books: relationship<Book[]>("Book", { secondary: bookGenres, backPopulates: "genres" }),
  }) {}

  return { Base, Everything, Author, Book, Genre };
}
type Models = ReturnType<typeof models>;

/** Opens `file` with orm-core (creating the schema when asked); the engine is disposed after fn. */
function withOrm<T>(file: string, create: boolean, fn: (m: Models, Session: ReturnType<typeof sessionmaker>, engine: Engine) => T): T {
  const m = models();
  const engine = createEngine(`sqlite:///${file}`);
  try {
    if (create) m.Base.metadata.createAll(engine);
    return fn(m, sessionmaker({ bind: engine }), engine);
  } finally {
    engine.dispose();
  }
}

// ---- the values -----------------------------------------------------------------------------------

const JsDate = globalThis.Date;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => {
  const t = new JsDate(0);
  t.setUTCFullYear(y, mo - 1, d); // setUTCFullYear, unlike Date.UTC, takes years 0-99 literally
  t.setUTCHours(h, mi, s, ms);
  return t;
};
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString("hex");
const LONG_TEXT = "ab🙂 \n".repeat(3000); // ~15k UTF-16 units
const NESTED_JSON = {
  a: 1,
  nested: { list: [1, 2.5, -3, null, true, false, "ü🙂"], empty: {}, emptyList: [] },
  "ключ": "значение ✓",
  esc: "quote \" backslash \\ newline \n tab \t nul \u0000 del \u007f",
};

/**
 * One logical value of a column:
 *   py       the canonical value Python writes (tests 2 and 5)
 *   js       what orm-core reads from Python's row; also what orm-core writes unless jsIn is given
 *   jsIn     another spelling orm-core accepts and normalises (upper-case UUID, "HH:MM", a number for Numeric...)
 *   pyForJs  the canonical form of the JS value when JS holds less than Python (microseconds → milliseconds)
 *   back     what Python reads from orm-core's row when neither py nor pyForJs (e.g. Numeric quantized)
 *   jsCannotRead  a value orm-core can write but not read back exactly (see the note where it is used);
 *            left out of test 2 only
 */
interface Val { py: unknown; js: unknown; jsIn?: unknown; pyForJs?: unknown; back?: unknown; jsCannotRead?: true }
const v = (py: unknown, js: unknown, more: Partial<Val> = {}): Val => ({ py, js, ...more });

const COLUMNS = [
  "int_v", "big_v", "bigx_v", "str_v", "text_v", "bool_v", "float_v", "num_v", "dt_v", "date_v", "time_v", "json_v", "bin_v",
  "uuid_v", "enum_v",
] as const;
type Col = (typeof COLUMNS)[number];

const VALUES: Record<Col, Val[]> = {
  int_v: [v("0", 0), v("-1", -1), v("2147483647", 2147483647), v("-2147483648", -2147483648),
    v("9007199254740991", Number.MAX_SAFE_INTEGER), v("-9007199254740991", Number.MIN_SAFE_INTEGER), v("42", 42)],
  big_v: [v("1099511627776", 2 ** 40), v("-9007199254740991", Number.MIN_SAFE_INTEGER), v("0", 0), v("9007199254740991", Number.MAX_SAFE_INTEGER)],
  bigx_v: [
    v("-9223372036854775808", -(2n ** 63n)),
    v("-1", -1n),
    // Beyond 2^53 and not a power of two: orm-core writes them exactly, but better-sqlite3 (no safeIntegers)
    // hands them to BigInteger({ asBigInt: true }) as rounded numbers.
    v("9223372036854775807", 2n ** 63n - 1n, { jsCannotRead: true }),
    v("4611686018427387905", 2n ** 62n + 1n, { jsCannotRead: true }),
    v("0", 0n),
  ],
  str_v: [v("", ""), v("plain ascii", "plain ascii"), v("ünïcödé ✓ 日本語 🙂", "ünïcödé ✓ 日本語 🙂"),
    v("quotes ' \" \\ and %s", "quotes ' \" \\ and %s"), v("line\nbreak\ttab\r", "line\nbreak\ttab\r"), v("nul\u0000inside", "nul\u0000inside")],
  text_v: [v(LONG_TEXT, LONG_TEXT), v("", ""), v("SELECT 1; -- not SQL", "SELECT 1; -- not SQL"), v("Ελληνικά", "Ελληνικά")],
  bool_v: [v(true, true), v(false, false), v(false, false), v(true, true)],
  float_v: [v("0.0", 0), v("1.5", 1.5), v("-2.25", -2.25), v("0.30000000000000004", 0.1 + 0.2), v("3.141592653589793", Math.PI),
    v("5e-324", 5e-324), v("1.7976931348623157e+308", Number.MAX_VALUE), v("-1e-300", -1e-300), v("inf", Infinity), v("-inf", -Infinity)],
  num_v: [
    v("0.00", "0.00", { jsIn: "0" }),
    v("12.50", "12.50", { jsIn: 12.5 }),
    v("-12345678.99", "-12345678.99"),
    v("99999999.99", "99999999.99"),
    v("0.01", "0.01"),
    v("-0.01", "-0.01", { jsIn: -0.01 }),
    v("100.00", "100.00"), // stored as INTEGER 100 (NUMERIC affinity)
    v("1.005", "1.00", { jsIn: "1.005", back: "1.00" }), // the float 1.005 is 1.00499999999999989...
    v("0.125", "0.12", { jsIn: 0.125, back: "0.12" }), // an exact tie: rounded half to even, as Decimal does
    v("-0.375", "-0.38", { jsIn: "-0.375", back: "-0.38" }),
  ],
  dt_v: [
    v("2024-03-05T14:07:09.123456", utc(2024, 3, 5, 14, 7, 9, 123), { pyForJs: "2024-03-05T14:07:09.123000" }),
    v("1969-07-20T20:17:40", utc(1969, 7, 20, 20, 17, 40)),
    v("1969-12-31T23:59:59.999999", utc(1969, 12, 31, 23, 59, 59, 999), { pyForJs: "1969-12-31T23:59:59.999000" }),
    v("1900-01-01T00:00:00.000001", utc(1900, 1, 1), { pyForJs: "1900-01-01T00:00:00" }),
    v("0100-03-01T12:00:00", utc(100, 3, 1, 12)),
    v("9999-12-31T23:59:59.999999", utc(9999, 12, 31, 23, 59, 59, 999), { pyForJs: "9999-12-31T23:59:59.999000" }),
    v("2000-02-29T00:00:00", utc(2000, 2, 29)),
    v("0050-06-01T10:00:00.500000", utc(50, 6, 1, 10, 0, 0, 500)), // years below 100 stay themselves
  ],
  date_v: [v("2024-02-29", utc(2024, 2, 29)), v("1969-12-31", utc(1969, 12, 31)), v("1066-10-14", utc(1066, 10, 14)),
    v("0100-01-01", utc(100, 1, 1)), v("9999-12-31", utc(9999, 12, 31)), v("1970-01-01", utc(1970, 1, 1)), v("0001-01-01", utc(1, 1, 1))],
  time_v: [
    v("00:00:00", "00:00:00.000000", { jsIn: "00:00" }),
    v("23:59:59.999999", "23:59:59.999999"),
    v("07:30:15.250000", "07:30:15.250000", { jsIn: "07:30:15.25" }),
    v("12:00:01.000001", "12:00:01.000001"),
  ],
  json_v: [v(NESTED_JSON, NESTED_JSON), v([], []), v({}, {}), v("just a string", "just a string"), v(42, 42), v(-0.5, -0.5),
    v(false, false), v([1, [2, [3, { deep: ["🙂"] }]]], [1, [2, [3, { deep: ["🙂"] }]]]),
    v([1e-7, 2.5e-10, 0.0001, 1.5e300], [1e-7, 2.5e-10, 0.0001, 1.5e300])], // Python's float repr: 1e-07, 2.5e-10, 0.0001, 1.5e+300
  bin_v: [
    v("", bytes("")),
    v("00", bytes("00"), { jsIn: Buffer.from([0]) }),
    v("00ff00", bytes("00ff00")),
    v("dead00", bytes("dead00"), { jsIn: new Uint8Array([9, 9, 0xde, 0xad, 0x00, 9]).subarray(2, 5) }),
    v(ALL_BYTES, bytes(ALL_BYTES)),
  ],
  uuid_v: [
    v("0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e"),
    v("00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"),
    v("ffffffff-ffff-ffff-ffff-ffffffffffff", "ffffffff-ffff-ffff-ffff-ffffffffffff", { jsIn: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF" }),
    v("123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000", { jsIn: "123E4567-E89B-12D3-A456-426614174000" }),
  ],
  enum_v: [v("draft", "draft"), v("published", "published"), v("archived", "archived"), v("draft", "draft")],
};

/** The Python type SQLAlchemy returns for each column (JSON: the document's own type). */
const PY_TYPE: Record<Col, string | ((js: unknown) => string)> = {
  int_v: "int", big_v: "int", bigx_v: "int", str_v: "str", text_v: "str", bool_v: "bool", float_v: "float", num_v: "Decimal",
  dt_v: "datetime", date_v: "date", time_v: "time", bin_v: "bytes", uuid_v: "UUID", enum_v: "str",
  json_v: (js) => Array.isArray(js) ? "list" : typeof js === "string" ? "str" : typeof js === "boolean" ? "bool"
    : typeof js === "number" ? (Number.isInteger(js) ? "int" : "float") : "dict",
};

/** Every list is used top-down, one value per row; one row more than the longest list, so every column has NULLs. */
const ROW_COUNT = Math.max(...COLUMNS.map((c) => VALUES[c].length)) + 1;
const ROWS = Array.from({ length: ROW_COUNT }, (_, i) => ({
  id: i + 1,
  label: `row-${i + 1}`,
  cells: Object.fromEntries(COLUMNS.map((c) => [c, VALUES[c][i]])) as Record<Col, Val | undefined>,
}));

const jsWritten = (val: Val) => ("jsIn" in val ? val.jsIn : val.js);
/** Copies typed arrays into plain Uint8Arrays (a Buffer or a view on a larger buffer compares equal by content). */
const plain = (x: unknown) => (x instanceof Uint8Array ? Uint8Array.from(x) : x);

/** Canonical rows for Python's "write": `pick` chooses py or pyForJs. */
function pyRows(pick: (val: Val) => unknown) {
  return ROWS.map((r) => ({
    id: `${r.id}`, label: r.label,
    ...Object.fromEntries(COLUMNS.map((c) => [c, r.cells[c] === undefined ? null : pick(r.cells[c]!)])),
  }));
}

function ormWriteRows(m: Models, Session: ReturnType<typeof sessionmaker>): void {
  const s = Session();
  for (const r of ROWS) {
    const init: Record<string, unknown> = { id: r.id, label: r.label };
    for (const c of COLUMNS) init[c] = r.cells[c] === undefined ? null : jsWritten(r.cells[c]!);
    s.add(new m.Everything(init as any));
  }
  s.commit();
  s.close();
}

// ---- 1. DDL ----------------------------------------------------------------------------------------

function schemaOf(file: string) {
  return raw(file, (db) => (db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all() as any[])
    .map((r) => ({ ...r, sql: r.sql === null ? null : `${r.sql}`.replace(/\s+/g, " ").trim() })));
}

test("DDL: orm-core's createAll and SQLAlchemy's create_all make the same sqlite_master", () => {
  requireSqlAlchemy();
  withTmp((dir) => {
    const ormDb = path.join(dir, "orm.db"), saDb = path.join(dir, "sa.db");
    withOrm(ormDb, true, () => {});
    py("ddl", saDb);
    const ours = schemaOf(ormDb), theirs = schemaOf(saDb);
    assert.deepEqual(ours.map((r) => `${r.type} ${r.name}`), [
      "index ix_everything_enum_v", "index sqlite_autoindex_book_genres_1", "index sqlite_autoindex_everything_1",
      "index sqlite_autoindex_genres_1", "table authors", "table book_genres", "table books", "table everything", "table genres",
    ]);
    // Every column type of SQLAlchemy's SQLite dialect appears in the one table.
    const everything = ours.find((r) => r.name === "everything")!.sql as string;
    for (const ddl of ["INTEGER", "BIGINT", "VARCHAR(40)", "TEXT", "BOOLEAN", "FLOAT", "NUMERIC(10, 2)", "DATETIME", "DATE", "TIME", "JSON", "BLOB", "CHAR(32)", "VARCHAR(9)"]) {
      assert.ok(everything.includes(` ${ddl}`), `${ddl} in ${everything}`);
    }
    assert.deepEqual(ours, theirs);
  });
});

// ---- 2. Python writes, orm-core reads -------------------------------------------------------------

test("values SQLAlchemy's ORM wrote read back in orm-core as the expected JS values", () => {
  requireSqlAlchemy();
  withTmp((dir) => {
    const file = path.join(dir, "sa.db");
    py("write", file, { rows: pyRows((val) => val.py) });
    withOrm(file, false, (m, Session) => {
      const s = Session();
      const objs = s.scalars(select(m.Everything).orderBy(m.Everything.id)).all();
      assert.equal(objs.length, ROW_COUNT);
      const actual = objs.map((o: any) => ({
        id: o.id, label: o.label,
        ...Object.fromEntries(COLUMNS.filter((c) => !ROWS[o.id - 1]?.cells[c]?.jsCannotRead).map((c) => [c, plain(o[c])])),
      }));
      const expected = ROWS.map((r) => ({
        id: r.id, label: r.label,
        ...Object.fromEntries(COLUMNS.filter((c) => !r.cells[c]?.jsCannotRead).map((c) => [c, r.cells[c] === undefined ? null : plain(r.cells[c]!.js)])),
      }));
      assert.deepEqual(actual, expected);
      s.close();
    });
  });
});

// ---- 3. orm-core writes, Python reads -------------------------------------------------------------

test("values orm-core's ORM wrote read back in SQLAlchemy's ORM as the expected Python values", () => {
  requireSqlAlchemy();
  withTmp((dir) => {
    const file = path.join(dir, "orm.db");
    withOrm(file, true, (m, Session) => ormWriteRows(m, Session));
    const out = py("read", file);
    assert.match(out.sqlalchemy, /^\d+\.\d+/);
    const expected = ROWS.map((r) => ({
      id: { t: "int", v: `${r.id}` },
      label: { t: "str", v: r.label },
      ...Object.fromEntries(COLUMNS.map((c) => {
        const val = r.cells[c];
        if (val === undefined) return [c, { t: "NoneType", v: null }];
        const t = PY_TYPE[c];
        return [c, { t: typeof t === "function" ? t(val.js) : t, v: "back" in val ? val.back : "pyForJs" in val ? val.pyForJs : val.py }];
      })),
    }));
    assert.deepEqual(out.rows, expected);
  });
});

// ---- 4. relationships -----------------------------------------------------------------------------

const GRAPH_SPEC = {
  genres: ["fantasy", "science fiction", "short stories", "young adult", "épopée", "horror"],
  authors: [
    { name: "Ursula K. Le Guin", books: [
      { title: "A Wizard of Earthsea", genres: ["fantasy", "young adult"] },
      { title: "The Left Hand of Darkness", genres: ["science fiction"] }] },
    { name: "Isaac Asimov", books: [
      { title: "Foundation", genres: ["science fiction"] },
      { title: "I, Robot", genres: ["science fiction", "short stories"] }] },
    { name: "Zoë Ünknown", books: [] as { title: string; genres: string[] }[] },
  ],
  books_without_author: [{ title: "Beowulf", genres: ["épopée"] }, { title: "Untitled", genres: [] as string[] }],
};

/** The graph both ORMs must see, from each side (sorted by name/title). */
const EXPECTED_GRAPH = {
  authors: [
    { name: "Isaac Asimov", books: [
      { title: "Foundation", genres: ["science fiction"] },
      { title: "I, Robot", genres: ["science fiction", "short stories"] }] },
    { name: "Ursula K. Le Guin", books: [
      { title: "A Wizard of Earthsea", genres: ["fantasy", "young adult"] },
      { title: "The Left Hand of Darkness", genres: ["science fiction"] }] },
    { name: "Zoë Ünknown", books: [] },
  ],
  genres: [
    { name: "fantasy", books: ["A Wizard of Earthsea"] },
    { name: "horror", books: [] },
    { name: "science fiction", books: ["Foundation", "I, Robot", "The Left Hand of Darkness"] },
    { name: "short stories", books: ["I, Robot"] },
    { name: "young adult", books: ["A Wizard of Earthsea"] },
    { name: "épopée", books: ["Beowulf"] },
  ],
  books: [
    { title: "A Wizard of Earthsea", author: "Ursula K. Le Guin" },
    { title: "Beowulf", author: null },
    { title: "Foundation", author: "Isaac Asimov" },
    { title: "I, Robot", author: "Isaac Asimov" },
    { title: "The Left Hand of Darkness", author: "Ursula K. Le Guin" },
    { title: "Untitled", author: null },
  ],
};

const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Loads every author, genre and book with selectinload and walks the graph without further SQL. */
function ormGraph(file: string) {
  return withOrm(file, false, (m, Session, engine) => {
    const s = Session();
    const authors = s.scalars(select(m.Author).options(selectinload(m.Author.books).selectinload(m.Book.genres))).all();
    const genres = s.scalars(select(m.Genre).options(selectinload(m.Genre.books))).all();
    const books = s.scalars(select(m.Book).options(selectinload(m.Book.author))).all();
    let graph: unknown;
    const lazy = recordStatements(engine, () => {
      graph = {
        authors: authors.map((a) => ({
          name: a.name,
          books: a.books.map((b) => ({ title: b.title, genres: b.genres.map((g) => g.name).sort() })).sort(byKey((b) => b.title)),
        })).sort(byKey((a) => a.name)),
        genres: genres.map((g) => ({ name: g.name, books: g.books.map((b) => b.title).sort() })).sort(byKey((g) => g.name)),
        books: books.map((b) => ({ title: b.title, author: b.author ? b.author.name : null })).sort(byKey((b) => b.title)),
      };
    });
    assert.deepEqual(lazy.map((r) => r.sql), [], "selectinload left nothing to load lazily");
    s.close();
    return graph;
  });
}

function ormWriteGraph(file: string): void {
  withOrm(file, true, (m, Session) => {
    const s = Session();
    const genres = new Map(GRAPH_SPEC.genres.map((name) => [name, new m.Genre({ name })]));
    for (const g of genres.values()) s.add(g);
    for (const a of GRAPH_SPEC.authors) {
      const author = new m.Author({ name: a.name });
      for (const b of a.books) {
        const book = new m.Book({ title: b.title });
        book.genres.push(...b.genres.map((g) => genres.get(g)!));
        author.books.push(book);
      }
      s.add(author);
    }
    for (const b of GRAPH_SPEC.books_without_author) {
      const book = new m.Book({ title: b.title });
      book.genres.push(...b.genres.map((g) => genres.get(g)!));
      s.add(book);
    }
    s.commit();
    s.close();
  });
}

test("relationships: one-to-many and many-to-many graphs cross both ways (selectinload on each side)", () => {
  requireSqlAlchemy();
  withTmp((dir) => {
    // SQLAlchemy writes, orm-core reads (and SQLAlchemy reads its own file the same).
    const saDb = path.join(dir, "sa.db");
    py("rel-write", saDb, GRAPH_SPEC);
    assert.deepEqual(py("rel-read", saDb), EXPECTED_GRAPH);
    assert.deepEqual(ormGraph(saDb), EXPECTED_GRAPH);

    // orm-core writes, SQLAlchemy reads (and orm-core reads its own file the same).
    const ormDb = path.join(dir, "orm.db");
    ormWriteGraph(ormDb);
    assert.deepEqual(py("rel-read", ormDb), EXPECTED_GRAPH);
    assert.deepEqual(ormGraph(ormDb), EXPECTED_GRAPH);

    // The link rows themselves: the same (book, genre) pairs and foreign keys in both files.
    const links = (file: string) => raw(file, (db) => db.prepare(
      `SELECT b.title, g.name, a.name AS author FROM books b LEFT JOIN authors a ON a.id = b.author_id
       LEFT JOIN book_genres bg ON bg.book_id = b.id LEFT JOIN genres g ON g.id = bg.genre_id ORDER BY 1, 2`).all());
    assert.equal(links(ormDb).length, 8);
    assert.deepEqual(links(ormDb), links(saDb));
  });
});

// ---- 5. stored formats ----------------------------------------------------------------------------

test("stored formats: for every type, orm-core stores the same SQLite value as SQLAlchemy, byte for byte", () => {
  requireSqlAlchemy();
  withTmp((dir) => {
    const ormDb = path.join(dir, "orm.db"), saDb = path.join(dir, "sa.db");
    withOrm(ormDb, true, (m, Session) => ormWriteRows(m, Session));
    // Python writes the same logical values (at JS precision where JS holds less).
    py("write", saDb, { rows: pyRows((val) => ("pyForJs" in val ? val.pyForJs : val.py)) });
    const stored = (file: string, col: string) => raw(file, (db) => {
      const rows = db.prepare(`SELECT id, typeof(${col}) AS type, quote(${col}) AS quoted, hex(${col}) AS hex, ${col} AS value FROM everything ORDER BY id`)
        .safeIntegers(true).all() as { id: bigint; type: string; quoted: string; hex: string; value: unknown }[];
      return rows.map((r) => ({ ...r, id: Number(r.id) }));
    });
    for (const col of ["id", "label", ...COLUMNS]) {
      const ours = stored(ormDb, col), theirs = stored(saDb, col);
      assert.equal(ours.length, ROW_COUNT);
      assert.deepEqual(ours, theirs, `column ${col}`);
    }
    // The formats themselves are SQLAlchemy's (spot checks of what both files hold).
    const cell = (col: string, id: number) => stored(saDb, col).find((r) => r.id === id)!;
    assert.deepEqual([cell("dt_v", 1).type, cell("dt_v", 1).value], ["text", "2024-03-05 14:07:09.123000"]);
    assert.deepEqual([cell("date_v", 3).type, cell("date_v", 3).value], ["text", "1066-10-14"]);
    assert.deepEqual([cell("time_v", 1).type, cell("time_v", 1).value], ["text", "00:00:00.000000"]);
    assert.deepEqual([cell("uuid_v", 3).type, cell("uuid_v", 3).value], ["text", "ffffffffffffffffffffffffffffffff"]);
    assert.deepEqual([cell("bool_v", 2).type, cell("bool_v", 2).value], ["integer", 0n]);
    assert.deepEqual([cell("num_v", 2).type, cell("num_v", 2).value, cell("num_v", 7).type], ["real", 12.5, "integer"]);
    assert.deepEqual([cell("json_v", 1).type, cell("json_v", 2).value], ["text", "[]"]);
    assert.match(`${cell("json_v", 1).value}`, /^\{"a": 1, "nested": \{"list": \[1, 2\.5, -3, null, true, false, "\\u00fc\\ud83d\\ude42"\]/);
    assert.deepEqual([cell("bin_v", 1).type, cell("bin_v", 1).quoted, cell("bin_v", 3).quoted], ["blob", "X''", "X'00FF00'"]);
    assert.deepEqual([cell("float_v", 4).quoted, cell("float_v", 9).type], ["0.30000000000000004", "real"]);
  });
});
