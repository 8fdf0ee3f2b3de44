/**
 * DDL and stored value formats are SQLAlchemy's. The expected strings below are
 * what SQLAlchemy 1.4.46 printed for the same tables (CreateTable(...).compile(
 * dialect=sqlite.dialect())) and what it stored for the same values.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  MetaData, Table, Column, Integer, String, Text, Boolean, Float, Numeric, DateTime, Date, Time, JSON, LargeBinary, Enum,
  BigInteger, SmallInteger, ForeignKey, UniqueConstraint, CheckConstraint, createEngine, select, insert, ArgumentError,
} from "../../src/index";
import { createIndexSqls, createTableSql } from "../../src/schema/ddl";

function tables() {
  const md = new MetaData();
  const users = Table("users", md,
    Column("id", Integer, { primaryKey: true }),
    Column("name", String(50), { nullable: false }),
    Column("email", String(100), { unique: true }),
    Column("bio", Text),
    Column("active", Boolean, { serverDefault: "1" }),
    Column("score", Float),
    Column("balance", Numeric({ precision: 10, scale: 2 })),
    Column("created", DateTime),
    Column("birthday", Date),
    Column("alarm", Time),
    Column("prefs", JSON),
    Column("avatar", LargeBinary),
    Column("status", Enum("draft", "published")),
    Column("big", BigInteger),
    Column("small", SmallInteger),
    Column("nick", String(20), { index: true }));
  const posts = Table("posts", md,
    Column("id", Integer, { primaryKey: true }),
    Column("user_id", Integer, ForeignKey("users.id", { ondelete: "CASCADE" }), { nullable: false }),
    Column("order", Integer),
    Column("Title Case", String),
    UniqueConstraint("user_id", "order"),
    CheckConstraint('"order" >= 0'));
  return { md, users, posts };
}

test("CREATE TABLE and CREATE INDEX match SQLAlchemy's SQLite DDL", () => {
  const { users, posts } = tables();
  assert.equal(createTableSql(users), "CREATE TABLE users (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50) NOT NULL, \n\temail VARCHAR(100), \n\tbio TEXT, \n\tactive BOOLEAN DEFAULT '1', \n\tscore FLOAT, \n\tbalance NUMERIC(10, 2), \n\tcreated DATETIME, \n\tbirthday DATE, \n\talarm TIME, \n\tprefs JSON, \n\tavatar BLOB, \n\tstatus VARCHAR(9), \n\tbig BIGINT, \n\tsmall SMALLINT, \n\tnick VARCHAR(20), \n\tPRIMARY KEY (id), \n\tUNIQUE (email)\n)");
  assert.equal(createTableSql(posts), "CREATE TABLE posts (\n\tid INTEGER NOT NULL, \n\tuser_id INTEGER NOT NULL, \n\t\"order\" INTEGER, \n\t\"Title Case\" VARCHAR, \n\tPRIMARY KEY (id), \n\tUNIQUE (user_id, \"order\"), \n\tCHECK (\"order\" >= 0), \n\tFOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE\n)");
  assert.deepEqual(createIndexSqls(users), ["CREATE INDEX ix_users_nick ON users (nick)"]);
});

test("values are stored in SQLAlchemy's formats and read back equal", () => {
  const { md, users } = tables();
  const engine = createEngine("sqlite:///:memory:");
  md.createAll(engine);
  const conn = engine.connect();
  const created = new globalThis.Date(globalThis.Date.UTC(2024, 2, 5, 14, 7, 9, 123));
  const birthday = new globalThis.Date(globalThis.Date.UTC(1990, 11, 31));
  const values = {
    id: 1, name: "A", email: "a@x", active: true, score: 1.5, balance: "12.50", created, birthday, alarm: "07:30:15.25",
    prefs: { theme: "dark", n: [1, 2.5, null, true], u: "é" }, avatar: new Uint8Array([0, 1, 255]), status: "draft", big: 2 ** 40, small: 7,
  };
  conn.execute(insert(users).values(values).compile());
  // What SQLAlchemy stored for the same values (the datetime there had 123456 µs; JS Dates hold milliseconds).
  const raw = conn.execute({ sql: "SELECT active, score, balance, created, birthday, alarm, prefs, avatar, status, big FROM users", parameters: [] }).rows[0]!;
  assert.deepEqual(raw.slice(0, 7), [1, 1.5, 12.5, "2024-03-05 14:07:09.123000", "1990-12-31", "07:30:15.250000", '{"theme": "dark", "n": [1, 2.5, null, true], "u": "\\u00e9"}']);
  assert.deepEqual([...(raw[7] as Uint8Array)], [0, 1, 255]);
  assert.deepEqual(raw.slice(8), ["draft", 2 ** 40]);
  const c = users.c;
  const stmt = select(c.active!, c.balance!, c.created!, c.birthday!, c.alarm!, c.prefs!, c.avatar!, c.status!);
  const row = conn.execute(stmt.compile()).rows[0]!;
  const read = stmt.node.columns.map((n, i) => (row[i] === null ? null : n.type.result ? n.type.result(row[i]) : row[i]));
  assert.deepEqual(read.slice(0, 6), [true, "12.50", created, birthday, "07:30:15.250000", values.prefs]);
  assert.deepEqual([...(read[6] as Uint8Array)], [0, 1, 255]);
  assert.equal(read[7], "draft");
  // A row written by SQLAlchemy (microseconds, Decimal text) reads back.
  assert.deepEqual(DateTime.result!("2024-03-05 14:07:09.123456"), new globalThis.Date(globalThis.Date.UTC(2024, 2, 5, 14, 7, 9, 123)));
  assert.throws(() => conn.execute(insert(users).values({ id: 2, name: "B", status: "archived" }).compile()), (e: unknown) => e instanceof ArgumentError && /not among the Enum's values/.test(e.message));
  conn.close();
});

test("type DDL edge cases match SQLAlchemy: NUMERIC without scale, enum length in characters", () => {
  assert.equal(Numeric({ precision: 10 }).ddl(), "NUMERIC(10)");
  assert.equal(Numeric({ precision: 10, scale: 2 }).ddl(), "NUMERIC(10, 2)");
  assert.equal(Enum("🙂🙂", "ab").ddl(), "VARCHAR(2)");
});
