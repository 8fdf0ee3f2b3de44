import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MetaData, Table, Column, Integer, String, ForeignKey, createEngine, select, insert, func } from "../../src/index";
import { createTableSql } from "../../src/schema/ddl";
import { SqlCompiler } from "../../src/sql/compiler";
import { expectSql } from "../support/sql";

function schema() {
  const md = new MetaData();
  const users = Table("users", md, Column("id", Integer, { primaryKey: true }), Column("name", String(50), { nullable: false }));
  const posts = Table("posts", md, Column("id", Integer, { primaryKey: true }), Column("title", String(100)), Column("user_id", Integer, ForeignKey("users.id")));
  return { md, users, posts };
}

test("CREATE TABLE is written as SQLAlchemy's SQLite dialect writes it", () => {
  const { posts } = schema();
  assert.equal(createTableSql(posts), "CREATE TABLE posts (\n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(100), \n\tuser_id INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user_id) REFERENCES users (id)\n)");
});

test("a select with a join compiles to exact SQL with bound parameters, then returns the rows", () => {
  const { md, users, posts } = schema();
  const stmt = select(users.c.name!, func.count(posts.c.id!)).join(posts).where(users.c.name!.like("A%")).groupBy(users.c.name!);
  expectSql(stmt, "SELECT users.name, count(posts.id) FROM users JOIN posts ON users.id = posts.user_id WHERE users.name LIKE ? GROUP BY users.name", ["A%"]);
  const engine = createEngine("sqlite:///:memory:");
  md.createAll(engine);
  const conn = engine.connect();
  conn.execute(SqlCompiler.compile(insert(users).values([{ id: 1, name: "Alice" }, { id: 2, name: "Bob" }]).node));
  conn.execute(SqlCompiler.compile(insert(posts).values([{ title: "a", user_id: 1 }, { title: "b", user_id: 1 }, { title: "c", user_id: 2 }]).node));
  const rows = conn.execute(stmt.compile()).rows;
  assert.deepEqual(rows, [["Alice", 2]]);
  conn.close();
});
