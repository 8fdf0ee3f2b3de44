/**
 * Hostile values and names: values are always bound parameters, names are
 * always quoted; nothing else runs, data round-trips equal.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MetaData, Table, Column, Integer, String, createEngine, select, insert, update, deleteFrom } from "../../src/index";
import { recordStatements } from "../support/sql";

const hostile = ["'; DROP TABLE t; --", "' OR 1=1 --", '"; DELETE FROM t; --', "Robert'); DROP TABLE Students;--", "--", ";", "日本語 ✓ 🎉👩‍👩‍👧", "\u0000nul", "a\nb\tc\\d", "%_[]"];

test("hostile values in every value position are bound and round-trip equal", () => {
  const md = new MetaData();
  const t = Table("t", md, Column("id", Integer, { primaryKey: true }), Column("v", String));
  const engine = createEngine("sqlite:///:memory:");
  md.createAll(engine);
  const conn = engine.connect();
  const statements = recordStatements(engine, () => {
    hostile.forEach((v, i) => conn.execute(insert(t).values({ id: i + 1, v }).compile()));
    for (const v of hostile) {
      assert.deepEqual(conn.execute(select(t.c.v!).where(t.c.v!.eq(v)).compile()).rows, [[v]]);
      assert.equal(conn.execute(select(t.c.id!).where(t.c.v!.in([v, "x"])).compile()).rows.length, 1);
      assert.ok(conn.execute(select(t.c.id!).where(t.c.v!.contains(v, { autoescape: true })).compile()).rows.length >= 1);
    }
    conn.execute(update(t).where(t.c.v!.eq(hostile[0]!)).values({ v: hostile[1]! }).compile());
    conn.execute(deleteFrom(t).where(t.c.v!.eq("--")).compile());
  });
  for (const s of statements) for (const v of hostile) if (v.length > 2) assert.ok(!s.sql.includes(v), `value leaked into SQL: ${s.sql}`);
  const names = conn.execute({ sql: "SELECT name FROM sqlite_master WHERE type = 'table'", parameters: [] }).rows.map((r) => r[0]);
  assert.deepEqual(names, ["t"]);
  assert.equal(conn.execute({ sql: "SELECT count(*) FROM t", parameters: [] }).rows[0]![0], hostile.length - 1);
  conn.close();
});

test("table and column names with quotes, spaces, keywords and unicode work in DDL, DML and queries", () => {
  const md = new MetaData();
  const weird = Table('order "items"; --', md,
    Column("select", Integer, { primaryKey: true }),
    Column("from table", String),
    Column('col"quote', String),
    Column("日本", String));
  const engine = createEngine("sqlite:///:memory:");
  md.createAll(engine);
  const conn = engine.connect();
  conn.execute(insert(weird).values({ select: 1, "from table": "a", 'col"quote': "b", 日本: "c" }).compile());
  const c = weird.c;
  const rows = conn.execute(select(c["from table"]!, c['col"quote']!, c["日本"]!).where(c["select"]!.eq(1)).compile()).rows;
  assert.deepEqual(rows, [["a", "b", "c"]]);
  assert.match(select(c["select"]!).toString(), /^SELECT "order ""items""; --"."select" \nFROM "order ""items""; --"$/);
  md.dropAll(engine);
  assert.deepEqual(conn.execute({ sql: "SELECT count(*) FROM sqlite_master", parameters: [] }).rows, [[0]]);
  conn.close();
});
