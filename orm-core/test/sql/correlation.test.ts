/**
 * Correlated subqueries: auto-correlation with every FROM of the enclosing select (joined ones
 * included), and correlate() / correlateExcept() to choose (SQLAlchemy's Select.correlate /
 * correlate_except). Exact SQL, then the rows.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MetaData, Table, Column, Integer, String, ForeignKey, createEngine, select, insert, func } from "../../src/index";
import { expectSql } from "../support/sql";

const md = new MetaData();
const users = Table("users", md, Column("id", Integer, { primaryKey: true }), Column("name", String(20)));
const posts = Table("posts", md, Column("id", Integer, { primaryKey: true }), Column("user_id", Integer, ForeignKey("users.id")), Column("title", String(20)));
const u = users.c as Record<"id" | "name", typeof users.columns[number]>;
const p = posts.c as Record<"id" | "user_id" | "title", typeof posts.columns[number]>;
const engine = createEngine("sqlite:///:memory:");
md.createAll(engine);
const conn = engine.connect();
conn.execute(insert(users).values([{ id: 1, name: "ann" }, { id: 2, name: "bob" }]).compile());
conn.execute(insert(posts).values([{ id: 1, user_id: 1, title: "a" }, { id: 2, user_id: 1, title: "b" }, { id: 3, user_id: 2, title: "c" }]).compile());
const rows = (stmt: { compile(): { sql: string; parameters: readonly unknown[] } }) => conn.execute(stmt.compile()).rows;

test("a subquery correlates with a table the enclosing select only joins", () => {
  // The count's `users` is the joined users row, not a FROM of its own.
  const count = select(func.count(p.id!)).where(p.user_id!.eq(u.id!)).correlateExcept(posts).scalarSubquery();
  const stmt = select(p.title!, count).join(users, p.user_id!.eq(u.id!)).orderBy(p.id!);
  expectSql(stmt, "SELECT posts.title, (SELECT count(posts.id) FROM posts WHERE posts.user_id = users.id) FROM posts JOIN users ON posts.user_id = users.id ORDER BY posts.id");
  assert.deepEqual(rows(stmt), [["a", 2], ["b", 2], ["c", 1]]);
});

test("when correlating every table would leave no FROM, only the enclosing select's own FROMs correlate", () => {
  // SQLAlchemy raises here ("returned no FROM clauses due to auto-correlation"); we keep the joined table.
  const auto = select(func.count(p.id!)).where(p.user_id!.eq(u.id!)).scalarSubquery();
  const stmt = select(u.name!, auto).join(posts, p.user_id!.eq(u.id!)).where(p.title!.eq("a"));
  expectSql(stmt, "SELECT users.name, (SELECT count(posts.id) FROM posts WHERE posts.user_id = users.id) FROM users JOIN posts ON posts.user_id = users.id WHERE posts.title = ?", ["a"]);
  assert.deepEqual(rows(stmt), [["ann", 2]]);
  const except = select(func.count(p.id!)).where(p.user_id!.eq(u.id!)).correlateExcept(posts).scalarSubquery();
  const fixed = select(u.name!, except).join(posts, p.user_id!.eq(u.id!)).where(p.title!.eq("a"));
  expectSql(fixed, "SELECT users.name, (SELECT count(posts.id) FROM posts WHERE posts.user_id = users.id) FROM users JOIN posts ON posts.user_id = users.id WHERE posts.title = ?", ["a"]);
  assert.deepEqual(rows(fixed), [["ann", 2]]);
});

test("correlate() correlates only the tables named", () => {
  const only = select(func.count(p.id!)).where(p.user_id!.eq(u.id!)).correlate(users).scalarSubquery();
  const stmt = select(u.name!, only).join(posts, p.user_id!.eq(u.id!)).where(p.title!.eq("c"));
  expectSql(stmt, "SELECT users.name, (SELECT count(posts.id) FROM posts WHERE posts.user_id = users.id) FROM users JOIN posts ON posts.user_id = users.id WHERE posts.title = ?", ["c"]);
  assert.deepEqual(rows(stmt), [["bob", 1]]);
  // Not correlating users: the subquery counts across its own users (here: all posts with an owner).
  const none = select(func.count(p.id!)).where(p.user_id!.eq(u.id!)).correlate(posts).scalarSubquery();
  expectSql(select(u.name!, none).orderBy(u.id!), "SELECT users.name, (SELECT count(posts.id) FROM posts, users WHERE posts.user_id = users.id) FROM users ORDER BY users.id");
  assert.deepEqual(rows(select(u.name!, none).orderBy(u.id!)), [["ann", 3], ["bob", 3]]);
});
