/**
 * Statement budgets of the benchmark's workloads (bench/workloads.mjs), at a smaller size: the
 * statements each ORM path runs, counted and by shape, so a change that adds statements fails
 * here. Time figures live in the benchmark (npm run bench), not in tests.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select, selectinload, func } from "../../src/index";
import { keyOrderCheck, recordStatements, withoutTransactionControl, type Recorded } from "../support/sql";

const USERS = 1200, POSTS_PER = 3, PARENTS = 1100, CHILDREN_PER = 2;

function model() {
  const Base = declarativeBase();
  @mapped class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(50), { nullable: false }), email: Column(String(100)), age: Column(Integer),
    posts: relationship<Post[]>("Post", { backPopulates: "author" }),
  }) {}
  @mapped class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }), title: Column(String(100)), user_id: Column(Integer, ForeignKey("users.id")),
    author: relationship<User>("User", { backPopulates: "posts" }),
  }) {}
  @mapped class Parent extends Base.model("parents", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(50)),
    children: relationship<Child[]>("Child", { cascade: "all, delete-orphan", backPopulates: "parent" }),
  }) {}
  @mapped class Child extends Base.model("children", {
    id: Column(Integer, { primaryKey: true }), parent_id: Column(Integer, ForeignKey("parents.id"), { nullable: false }), name: Column(String(50)),
    parent: relationship<Parent>("Parent", { backPopulates: "children" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  return { User, Post, Parent, Child, engine, Session };
}
type M = ReturnType<typeof model>;

function seedUsers(m: M, posts = false): void {
  const s = m.Session();
  for (let i = 1; i <= USERS; i++) {
    s.add(new m.User({ id: i, name: `user${i}`, email: `u${i}@x.org`, age: 18 + (i % 60), posts: posts ? Array.from({ length: POSTS_PER }, (_, j) => new m.Post({ title: `p${i}.${j}` })) : [] }));
  }
  s.commit();
}

/** The statements other than transaction control, as "shape × count" in order of first use. */
function shapes(recorded: Recorded[]): string[] {
  const counts = new Map<string, number>();
  for (const r of withoutTransactionControl(recorded)) {
    // A multi-row INSERT's rows as one "(…)×rows".
    const shape = r.sql.replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, (values) => `(…)${values.includes("), (") ? `×${values.split("), (").length}` : ""}`);
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  return [...counts].map(([sql, n]) => `${n} × ${sql}`);
}

test("W1 insert through the unit of work: multi-row INSERTs of 100 rows, each object given its row's key", () => {
  const m = model();
  const s = m.Session();
  const users = Array.from({ length: USERS }, (_, i) => new m.User({ name: `user${i}`, email: `u${i}@x.org`, age: i % 60 }));
  let ids: number[] = [];
  const recorded = recordStatements(m.engine, () => {
    s.addAll(users);
    s.flush();
    ids = users.map((u) => u.id);
    s.commit();
  });
  assert.deepEqual(shapes(recorded), [
    `1 × ${keyOrderCheck("users").sql}`,
    `${USERS / 100} × INSERT INTO users (name, email, age) VALUES (…)×100`,
  ]);
  const names = new Map(s.execute(select(m.User.id, m.User.name)).all().map(([id, name]) => [id, name]));
  assert.equal(names.size, USERS);
  users.forEach((u, i) => assert.equal(names.get(ids[i]!), `user${i}`));
});

test("W2 get by primary key in a fresh session: one SELECT each", () => {
  const m = model();
  seedUsers(m);
  const recorded = recordStatements(m.engine, () => {
    for (let i = 1; i <= 50; i++) { const s = m.Session(); assert.equal(s.get(m.User, i)!.id, i); s.close(); }
  });
  assert.deepEqual(shapes(recorded), ["50 × SELECT users.id, users.name, users.email, users.age FROM users WHERE users.id = ?"]);
});

test("W3 / W4 load and filtered queries: one SELECT per query", () => {
  const m = model();
  seedUsers(m);
  const s = m.Session();
  const recorded = recordStatements(m.engine, () => {
    assert.equal(s.scalars(select(m.User)).all().length, USERS);
    for (let i = 0; i < 10; i++) s.scalars(select(m.User).where(m.User.email.like(`%${i}7@x.org`), m.User.age.gt(50))).all();
  });
  assert.deepEqual(shapes(recorded), [
    "1 × SELECT users.id, users.name, users.email, users.age FROM users",
    "10 × SELECT users.id, users.name, users.email, users.age FROM users WHERE users.email LIKE ? AND users.age > ?",
  ]);
});

test("W5 change one attribute of every loaded object: one SELECT, UPDATEs of 100 rows each", () => {
  const m = model();
  seedUsers(m);
  const s = m.Session();
  const recorded = recordStatements(m.engine, () => {
    for (const u of s.scalars(select(m.User)).all()) u.age = u.age! + 1;
    s.commit();
  });
  assert.deepEqual(shapes(recorded), [
    "1 × SELECT users.id, users.name, users.email, users.age FROM users",
    `${USERS / 100} × UPDATE users SET age=v.column1 FROM (VALUES (…)×100) AS v WHERE users.id = v.column2`,
  ]);
  assert.equal(s.scalar(select(func.sum(m.User.age))), Array.from({ length: USERS }, (_, i) => 18 + ((i + 1) % 60) + 1).reduce((a, b) => a + b));
});

test("W6 / W6b selectinload: 1 + one SELECT per 500 parents; lazy loading: 1 + N", () => {
  const m = model();
  seedUsers(m, true);
  const s = m.Session();
  const eager = recordStatements(m.engine, () => {
    let n = 0;
    for (const u of s.scalars(select(m.User).options(selectinload(m.User.posts))).all()) n += u.posts.length;
    assert.equal(n, USERS * POSTS_PER);
  });
  assert.deepEqual(shapes(eager), [
    "1 × SELECT users.id, users.name, users.email, users.age FROM users",
    `${Math.ceil(USERS / 500)} × SELECT posts.id, posts.title, posts.user_id FROM posts WHERE posts.user_id IN (…)`,
  ]);
  s.close();
  const s2 = m.Session();
  const lazy = recordStatements(m.engine, () => {
    let n = 0;
    for (const u of s2.scalars(select(m.User)).all()) n += u.posts.length;
    assert.equal(n, USERS * POSTS_PER);
  });
  assert.deepEqual(shapes(lazy), [
    "1 × SELECT users.id, users.name, users.email, users.age FROM users",
    `${USERS} × SELECT posts.id, posts.title, posts.user_id FROM posts WHERE posts.user_id IN (…)`,
  ]);
});

test("W7 delete parents with cascade: children deleted by their parents' keys, 500 parents per statement, nothing read", () => {
  const m = model();
  const seed = m.Session();
  for (let i = 1; i <= PARENTS; i++) seed.add(new m.Parent({ id: i, name: `p${i}`, children: Array.from({ length: CHILDREN_PER }, (_, j) => new m.Child({ name: `c${i}.${j}` })) }));
  seed.commit();
  seed.close();
  const s = m.Session();
  const recorded = recordStatements(m.engine, () => {
    for (const p of s.scalars(select(m.Parent)).all()) s.delete(p);
    s.commit();
  });
  const chunks = Math.ceil(PARENTS / 500);
  assert.deepEqual(shapes(recorded), [
    "1 × SELECT parents.id, parents.name FROM parents",
    `${chunks} × DELETE FROM children WHERE children.parent_id IN (…)`,
    `${chunks} × DELETE FROM parents WHERE parents.id IN (…)`,
  ]);
  assert.equal(s.scalar(select(func.count()).selectFrom(m.Child)), 0);
});
