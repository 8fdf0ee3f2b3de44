import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MetaData, Table, Column, Integer, String, ForeignKey, createEngine, select, insert, func, union, unionAll, intersect, except_ } from "../../src/index";
import { SqlCompiler } from "../../src/sql/compiler";
import { expectSql } from "../support/sql";

function db() {
  const md = new MetaData();
  const users = Table("users", md, Column("id", Integer, { primaryKey: true }), Column("name", String(50), { nullable: false }));
  const parts = Table("parts", md, Column("id", Integer, { primaryKey: true }), Column("name", String(50)), Column("parent_id", Integer, ForeignKey("parts.id")));
  const engine = createEngine("sqlite:///:memory:");
  md.createAll(engine);
  const conn = engine.connect();
  conn.execute(SqlCompiler.compile(insert(users).values([{ id: 1, name: "Alice" }, { id: 2, name: "Bob" }, { id: 3, name: "Carol" }, { id: 4, name: "Dave" }]).node));
  conn.execute(SqlCompiler.compile(insert(parts).values([
    { id: 1, name: "car", parent_id: null }, { id: 2, name: "engine", parent_id: 1 }, { id: 3, name: "piston", parent_id: 2 },
    { id: 4, name: "wheel", parent_id: 1 }, { id: 5, name: "boat", parent_id: null }, { id: 6, name: "sail", parent_id: 5 },
  ]).node));
  const rows = (stmt: { compile(): any }) => conn.execute(stmt.compile()).rows;
  return { users: users as any, parts: parts as any, rows };
}

test("union(): SQLite compound syntax, ORDER BY and LIMIT on the whole compound, by the first SELECT's column names", () => {
  const { users, rows } = db();
  const u = union(select(users.c.id, users.c.name).where(users.c.id.lt(2)), select(users.c.id, users.c.name).where(users.c.name.eq("Dave")))
    .orderBy(users.c.name.desc()).limit(5);
  expectSql(u, "SELECT users.id, users.name FROM users WHERE users.id < ? UNION SELECT users.id, users.name FROM users WHERE users.name = ? ORDER BY name DESC LIMIT ?", [2, "Dave", 5]);
  assert.deepEqual(rows(u), [[4, "Dave"], [1, "Alice"]]);
  // A string names a result column; an unknown one is refused with the names there are.
  assert.deepEqual(rows(u.orderBy("id").offset(1)), [[1, "Alice"]]);
  assert.throws(() => u.orderBy("nam"), /no column "nam". Did you mean "name"\? Its columns are id, name/);
});

test("unionAll keeps duplicates; intersect and except_ as set operations; the select methods chain", () => {
  const { users, rows } = db();
  const a = select(users.c.name).where(users.c.id.le(3));
  const b = select(users.c.name).where(users.c.id.ge(2));
  assert.deepEqual(rows(unionAll(a, b).orderBy("name")), [["Alice"], ["Bob"], ["Bob"], ["Carol"], ["Carol"], ["Dave"]]);
  expectSql(intersect(a, b), "SELECT users.name FROM users WHERE users.id <= ? INTERSECT SELECT users.name FROM users WHERE users.id >= ?", [3, 2]);
  assert.deepEqual(rows(intersect(a, b).orderBy("name")), [["Bob"], ["Carol"]]);
  assert.deepEqual(rows(except_(a, b)), [["Alice"]]);
  assert.deepEqual(rows(a.except_(b)), [["Alice"]]);
  // Same operator: one flat compound of three members.
  const three = a.union(b).union(select(users.c.name).where(users.c.id.eq(1)));
  assert.equal(three.node.selects.length, 3);
  assert.deepEqual(rows(three.orderBy("name")).length, 4);
});

test("a member with its own ORDER BY / LIMIT, or a nested compound of another operator, is wrapped as SELECT * FROM (...)", () => {
  const { users, rows } = db();
  const first = select(users.c.name).orderBy(users.c.id).limit(1);
  const last = select(users.c.name).orderBy(users.c.id.desc()).limit(1);
  const u = union(first, last);
  expectSql(u, "SELECT * FROM (SELECT users.name FROM users ORDER BY users.id LIMIT ?) UNION SELECT * FROM (SELECT users.name FROM users ORDER BY users.id DESC LIMIT ?)", [1, 1]);
  assert.deepEqual(rows(u.orderBy("name")), [["Alice"], ["Dave"]]);
  const nested = except_(select(users.c.name), union(first, last));
  assert.deepEqual(rows(nested.orderBy("name")), [["Bob"], ["Carol"]]);
});

test("members must have the same number of columns", () => {
  const { users } = db();
  assert.throws(() => union(select(users.c.id), select(users.c.id, users.c.name)), /same number of columns; got 1, 2/);
  assert.throws(() => union(select(users.c.id)), /at least two selects/);
});

test("compound.subquery(): selected from and joined, columns by the first SELECT's names", () => {
  const { users, rows } = db();
  const sq = union(select(users.c.id, users.c.name).where(users.c.id.eq(1)), select(users.c.id, users.c.name).where(users.c.id.eq(3))).subquery("picked");
  const stmt = select(sq.c.name).orderBy(sq.c.name);
  expectSql(stmt, "SELECT picked.name FROM (SELECT users.id, users.name FROM users WHERE users.id = ? UNION SELECT users.id, users.name FROM users WHERE users.id = ?) AS picked ORDER BY picked.name", [1, 3]);
  assert.deepEqual(rows(stmt), [["Alice"], ["Carol"]]);
  const joined = select(users.c.name, func.count(sq.c.id)).join(sq, sq.c.id.ge(users.c.id)).groupBy(users.c.name).orderBy(users.c.name);
  assert.deepEqual(rows(joined), [["Alice", 2], ["Bob", 1], ["Carol", 1]]);
});

test("cte(): WITH name AS (...), used like a subquery through .c", () => {
  const { users, rows } = db();
  const early = select(users.c.id, users.c.name).where(users.c.id.le(2)).cte("early");
  const stmt = select(early.c.name).where(early.c.id.gt(1));
  expectSql(stmt, "WITH early AS (SELECT users.id, users.name FROM users WHERE users.id <= ?) SELECT early.name FROM early WHERE early.id > ?", [2, 1]);
  assert.deepEqual(rows(stmt), [["Bob"]]);
});

test("CTEs used inside subqueries and by other CTEs are hoisted to one top-level WITH, dependencies first, parameters in text order", () => {
  const { users, rows } = db();
  const a = select(users.c.id, users.c.name).where(users.c.id.ge(2)).cte("a");
  const b = select(a.c.id, a.c.name).where(a.c.id.le(3)).cte("b");
  const inner = select(func.count(b.c.id)).scalarSubquery();
  const stmt = select(users.c.name, inner.label("n")).where(users.c.id.eq(1));
  expectSql(stmt, "WITH a AS (SELECT users.id, users.name FROM users WHERE users.id >= ?), b AS (SELECT a.id, a.name FROM a WHERE a.id <= ?) SELECT users.name, (SELECT count(b.id) FROM b) AS n FROM users WHERE users.id = ?", [2, 3, 1]);
  assert.deepEqual(rows(stmt), [["Alice", 2]]);
});

test("recursive CTE: cte({ recursive: true }).unionAll(select(...) reading cte.c) walks a tree", () => {
  const { parts, rows } = db();
  let included = select(parts.c.id, parts.c.name).where(parts.c.name.eq("car")).cte("included", { recursive: true });
  included = included.unionAll(select(parts.c.id, parts.c.name).where(parts.c.parent_id.eq(included.c.id)));
  const stmt = select(included.c.name).orderBy(included.c.name);
  expectSql(stmt, "WITH RECURSIVE included(id, name) AS (SELECT parts.id, parts.name FROM parts WHERE parts.name = ? UNION ALL SELECT parts.id, parts.name FROM parts, included WHERE parts.parent_id = included.id) SELECT included.name FROM included ORDER BY included.name", ["car"]);
  assert.deepEqual(rows(stmt), [["car"], ["engine"], ["piston"], ["wheel"]]);
});

test("a compound as a CTE", () => {
  const { users, rows } = db();
  const c = union(select(users.c.name).where(users.c.id.eq(1)), select(users.c.name).where(users.c.id.eq(4))).cte("ends");
  const stmt = select(func.count(c.c.name));
  expectSql(stmt, "WITH ends AS (SELECT users.name FROM users WHERE users.id = ? UNION SELECT users.name FROM users WHERE users.id = ?) SELECT count(ends.name) FROM ends", [1, 4]);
  assert.deepEqual(rows(stmt), [[2]]);
});

test("two unrelated CTEs of the same name in one statement are refused", () => {
  const { users } = db();
  const a = select(users.c.id).where(users.c.id.eq(1)).cte("x");
  const b = select(users.c.id).where(users.c.id.eq(2)).cte("x");
  assert.throws(() => select(a.c.id, b.c.id).compile(), /Two different CTEs are named "x".*distinct names/);
});

test("a compound as a value: IN (union(...)) and a scalar subquery", () => {
  const { users, rows } = db();
  const ids = union(select(users.c.id).where(users.c.id.eq(1)), select(users.c.id).where(users.c.name.eq("Carol")));
  const stmt = select(users.c.name).where(users.c.id.in(ids)).orderBy(users.c.name);
  assert.match(stmt.compile().sql.replace(/\s+/g, " "), /WHERE users\.id IN \(SELECT \* FROM \(SELECT users\.id FROM users WHERE users\.id = \? UNION SELECT users\.id FROM users WHERE users\.name = \?\) AS anon_\d+\) ORDER BY users\.name$/);
  assert.deepEqual(rows(stmt), [["Alice"], ["Carol"]]);
  const top = union(select(users.c.id).where(users.c.id.eq(2)), select(users.c.id).where(users.c.id.eq(3))).orderBy("id").limit(1);
  assert.deepEqual(rows(select(users.c.name).where(users.c.id.eq(top))), [["Bob"]]);
});
