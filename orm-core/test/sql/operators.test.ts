/** Every condition operator: exact SQL and parameters, then the rows it selects. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MetaData, Table, Column, Integer, String, createEngine, select, insert, and, or, not, func, exists, ArgumentError, nullsLast, nullsFirst, desc } from "../../src/index";
import { expectSql } from "../support/sql";

const md = new MetaData();
const t = Table("people", md, Column("id", Integer, { primaryKey: true }), Column("name", String(20)), Column("age", Integer));
const { id, name, age } = t.c as Record<"id" | "name" | "age", typeof t.columns[number]>;
const engine = createEngine("sqlite:///:memory:");
md.createAll(engine);
const conn = engine.connect();
conn.execute(insert(t).values([
  { id: 1, name: "Alice", age: 30 }, { id: 2, name: "Bob", age: 25 }, { id: 3, name: "Carol", age: null }, { id: 4, name: "50%_off", age: 40 },
]).compile());
const ids = (cond: unknown) => conn.execute(select(id!).where(cond).orderBy(id!).compile()).rows.map((r) => r[0]);

const cases: [string, unknown, string, unknown[], number[]][] = [
  ["eq", name!.eq("Bob"), "people.name = ?", ["Bob"], [2]],
  ["eq(null) is IS NULL", age!.eq(null), "people.age IS NULL", [], [3]],
  ["ne", name!.ne("Bob"), "people.name != ?", ["Bob"], [1, 3, 4]],
  ["ne(null)", age!.ne(null), "people.age IS NOT NULL", [], [1, 2, 4]],
  ["lt", age!.lt(30), "people.age < ?", [30], [2]],
  ["le", age!.le(30), "people.age <= ?", [30], [1, 2]],
  ["gt", age!.gt(30), "people.age > ?", [30], [4]],
  ["ge", age!.ge(30), "people.age >= ?", [30], [1, 4]],
  ["in", id!.in([1, 3]), "people.id IN (?, ?)", [1, 3], [1, 3]],
  ["empty in is false", id!.in([]), "1 != 1", [], []],
  ["notIn", id!.notIn([1, 3]), "people.id NOT IN (?, ?)", [1, 3], [2, 4]],
  ["empty notIn is true", id!.notIn([]), "1 = 1", [], [1, 2, 3, 4]],
  ["like", name!.like("A%"), "people.name LIKE ?", ["A%"], [1]],
  ["notLike", name!.notLike("A%"), "people.name NOT LIKE ?", ["A%"], [2, 3, 4]],
  ["ilike", name!.ilike("a%"), "lower(people.name) LIKE lower(?)", ["a%"], [1]],
  ["between", age!.between(25, 30), "people.age BETWEEN ? AND ?", [25, 30], [1, 2]],
  ["is(null)", age!.is(null), "people.age IS NULL", [], [3]],
  ["isNot(null)", age!.isNot(null), "people.age IS NOT NULL", [], [1, 2, 4]],
  ["isNull", age!.isNull(), "people.age IS NULL", [], [3]],
  ["isNotNull", age!.isNotNull(), "people.age IS NOT NULL", [], [1, 2, 4]],
  ["startswith", name!.startswith("Ca"), "people.name LIKE ? || ?", ["Ca", "%"], [3]],
  ["contains", name!.contains("o"), "people.name LIKE ? || ? || ?", ["%", "o", "%"], [2, 3, 4]],
  ["contains autoescape", name!.contains("%_", { autoescape: true }), "people.name LIKE ? || ? || ? ESCAPE ?", ["%", "/%/_", "%", "/"], [4]],
  ["and/or nesting", and(age!.gt(20), or(name!.eq("Alice"), name!.eq("Bob"))), "people.age > ? AND (people.name = ? OR people.name = ?)", [20, "Alice", "Bob"], [1, 2]],
  ["not", not(or(name!.eq("Alice"), age!.isNull())), "NOT (people.name = ? OR people.age IS NULL)", ["Alice"], [2, 4]],
  ["arithmetic", age!.add(5).gt(34), "people.age + ? > ?", [5, 34], [1, 4]],
];
for (const [label, cond, sql, params, rows] of cases) {
  test(`${label}: ${sql}`, () => {
    expectSql(select(id!).where(cond), `SELECT people.id FROM people WHERE ${sql}`, params);
    assert.deepEqual(ids(cond), rows);
  });
}

test("orderBy / limit / offset alone / distinct / groupBy / having / labels", () => {
  expectSql(select(name!).orderBy(age!.desc(), name!).offset(2), "SELECT people.name FROM people ORDER BY people.age DESC, people.name LIMIT -1 OFFSET ?", [2]);
  assert.deepEqual(conn.execute(select(name!).orderBy(age!.desc(), name!).offset(2).compile()).rows, [["Bob"], ["Carol"]]);
  const grouped = select(age!.gt(26).label("older"), func.count().label("n")).groupBy(age!.gt(26)).having(func.count().gt(1));
  expectSql(grouped, "SELECT people.age > ? AS older, count(*) AS n FROM people GROUP BY people.age > ? HAVING count(*) > ?", [26, 26, 1]);
  assert.deepEqual(conn.execute(grouped.compile()).rows, [[1, 2]]);
  expectSql(select(name!).distinct(), "SELECT DISTINCT people.name FROM people");
});

test("exists() correlates with the enclosing query; an alias self-joins", () => {
  const other = t.alias("p2");
  const cond = exists().where(other.c.age!.gt(age!));
  expectSql(select(id!).where(cond), "SELECT people.id FROM people WHERE EXISTS (SELECT * FROM people AS p2 WHERE p2.age > people.age)");
  assert.deepEqual(ids(cond), [1, 2]);
});

test("bad operands are rejected with ArgumentError naming the fix, before any SQL", () => {
  for (const bad of [undefined, () => 1, Symbol("x"), { a: 1 }, [1, 2]]) {
    assert.throws(() => name!.eq(bad as never), (e: unknown) => e instanceof ArgumentError && /Pass a value/.test(e.message));
  }
  assert.throws(() => id!.in(5 as never), /takes an array of values or a subquery/);
  assert.throws(() => select(id!).where("1=1" as never), /where\(\) takes conditions/);
  assert.throws(() => select(id!).limit(-1), /non-negative integer/);
  assert.throws(() => select(id!).limit("5; DROP TABLE people" as never), /non-negative integer/);
  assert.throws(() => name!.like(5 as never), /Pass a pattern string/);
});

test("NULLS FIRST / LAST follow the direction: `x DESC NULLS LAST`, which SQLite runs", () => {
  const md = new MetaData();
  const t = Table("scores", md, Column("id", Integer, { primaryKey: true }), Column("points", Integer));
  const engine = createEngine("sqlite:///:memory:");
  md.createAll(engine);
  const conn = engine.connect();
  conn.execute(insert(t).values({ points: null }).compile());
  conn.execute(insert(t).values({ points: 5 }).compile());
  conn.execute(insert(t).values({ points: 9 }).compile());
  const q = select(t.c.points).orderBy(nullsLast(desc(t.c.points)));
  expectSql(q, "SELECT scores.points FROM scores ORDER BY scores.points DESC NULLS LAST");
  assert.deepEqual(conn.execute(q.compile()).rows.map((r) => r[0]), [9, 5, null]);
  expectSql(select(t.c.points).orderBy(nullsFirst(t.c.points.asc())), "SELECT scores.points FROM scores ORDER BY scores.points ASC NULLS FIRST");
  expectSql(select(t.c.points).orderBy(nullsFirst(t.c.points)), "SELECT scores.points FROM scores ORDER BY scores.points NULLS FIRST");
});
