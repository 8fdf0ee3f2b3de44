import { test } from "node:test";
import * as assert from "node:assert/strict";
import { asCollection, select, selectinload, joinedload, raiseload, IntegrityError, PendingRollbackError, InvalidRequestError, DetachedInstanceError, inspect, update, deleteFrom, insert, func } from "../../src/index";
import { recordStatements, expectStatementCount } from "../support/sql";
import { blog } from "./blog-model";

function seeded(opts: { cascade?: string } = {}) {
  const m = blog(opts);
  const s = m.Session();
  for (const [name, age, titles] of [["Alice", 30, ["a1", "a2"]], ["Bob", 25, ["b1"]], ["Carol", 35, []]] as const) {
    const u = new m.User({ name, age });
    for (const t of titles) u.posts.push(new m.Post({ title: t }));
    s.add(u);
  }
  s.commit();
  s.close();
  return m;
}

test("identity map: one object per primary key, reused by queries", () => {
  const { User, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  assert.equal(s.get(User, 1), a);
  assert.equal(s.scalars(select(User).where(User.name.eq("Alice"))).one(), a);
  assert.equal(s.get(User, 99), null);
});

test("flush inserts the parent before its children and copies the generated key into the foreign key", () => {
  const { User, Post, engine, Session } = blog();
  const s = Session();
  const u = new User({ name: "Dave" });
  u.posts.push(new Post({ title: "p1" }), new Post({ title: "p2" }));
  s.add(u);
  const stmts = recordStatements(engine, () => s.flush()).filter((r) => r.sql.startsWith("INSERT"));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [
    ["INSERT INTO users (name, age) VALUES (?, ?)", ["Dave", null]],
    ["INSERT INTO posts (title, user_id) VALUES (?, ?), (?, ?)", ["p1", 1, "p2", 1]],
  ]);
  assert.equal(u.posts[1]!.user_id, u.id);
  assert.deepEqual(u.posts.map((p) => p.id), [1, 2]);
  assert.equal(s.new.size, 0);
});

test("UPDATE sends only the changed columns, and nothing when nothing changed", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 31;
  let stmts = recordStatements(engine, () => s.flush()).filter((r) => /^(UPDATE|INSERT|DELETE)/.test(r.sql));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [["UPDATE users SET age=? WHERE users.id = ?", [31, 1]]]);
  a.age = 31;
  a.name = "Alice";
  stmts = recordStatements(engine, () => s.flush()).filter((r) => /^(UPDATE|INSERT|DELETE)/.test(r.sql));
  assert.deepEqual(stmts, []);
});

test("autoflush before a query makes pending objects visible to it", () => {
  const { User, Session } = seeded();
  const s = Session();
  s.add(new User({ name: "Eve", age: 20 }));
  assert.deepEqual(s.scalars(select(User.name).orderBy(User.name)).all(), ["Alice", "Bob", "Carol", "Eve"]);
});

test("expire on commit: attributes reload on next access with one SELECT", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 40;
  s.commit();
  assert.equal(inspect(a).unloaded.has("age"), true);
  const stmts = expectStatementCount(engine, 1, () => assert.equal(a.age, 40));
  assert.match(stmts[0]!.sql, /^SELECT users.id, users.name, users.age FROM users WHERE users.id = \?$/);
});

test("rollback expunges pending objects and expires the rest", () => {
  const { User, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.name = "Changed";
  const n = new User({ name: "New" });
  s.add(n);
  s.flush();
  s.rollback();
  assert.equal(inspect(n).transient, true);
  assert.equal(a.name, "Alice");
  assert.equal(s.scalar(select(func.count()).selectFrom(User)), 3);
});

test("a failed flush writes nothing of that flush and the session demands rollback()", () => {
  const { User, Post, Session, engine } = seeded();
  const s = Session();
  const u = new User({ name: "Frank" });
  u.posts.push(new Post({ title: "ok1" }), new Post({ title: "ok2" }), new Post({ title: null as unknown as string }));
  s.add(u);
  assert.throws(() => s.flush(), (e: unknown) => e instanceof IntegrityError && /NOT NULL/.test(e.message) && e.statement.startsWith("INSERT INTO posts") && e.params[0] === null);
  assert.equal(u.id, null, "the generated key was taken back");
  assert.equal(u.posts[0]!.user_id, null);
  assert.equal(s.new.size, 4);
  assert.throws(() => s.execute(select(User)), PendingRollbackError);
  s.rollback();
  const check = engine.connect();
  assert.deepEqual(check.execute({ sql: "SELECT count(*) FROM users", parameters: [] }).rows, [[3]]);
  assert.deepEqual(check.execute({ sql: "SELECT count(*) FROM posts", parameters: [] }).rows, [[3]]);
  check.close();
  s.add(new User({ name: "Again" }));
  s.commit();
  assert.equal(s.scalar(select(func.count()).selectFrom(User)), 4);
});

test("backPopulates keeps both sides in step in memory before any flush", () => {
  const { User, Post } = blog();
  const u = new User({ name: "x" });
  const p = new Post({ title: "t" });
  p.author = u;
  assert.deepEqual([...u.posts], [p]);
  asCollection(u.posts).remove(p);
  assert.equal(p.author, null);
  u.posts[0] = p;
  assert.equal(p.author, u);
  u.posts = [];
  assert.equal(p.author, null);
});

test("eager loading: selectinload is 2 statements for N parents, joinedload 1, lazy 1 + N", () => {
  const { User, engine, Session } = seeded();
  let s = Session();
  expectStatementCount(engine, 2, () => { for (const u of s.scalars(select(User).options(selectinload(User.posts))).all()) void u.posts.length; });
  s.close(); s = Session();
  expectStatementCount(engine, 1, () => { for (const u of s.scalars(select(User).options(joinedload(User.posts))).unique().all()) void u.posts.length; });
  s.close(); s = Session();
  expectStatementCount(engine, 4, () => { for (const u of s.scalars(select(User)).all()) void u.posts.length; });
  s.close(); s = Session();
  const users = s.scalars(select(User).options(raiseload(User.posts))).all();
  assert.throws(() => users[0]!.posts, (e: unknown) => e instanceof InvalidRequestError && /lazy='raise'/.test(e.message));
});

test("lazy many-to-one uses the identity map without SQL", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  s.get(User, 1);
  const p = s.scalars(select(Post).where(Post.title.eq("a1"))).one();
  expectStatementCount(engine, 0, () => assert.equal(p.author!.name, "Alice"));
});

test("default cascade: deleting a parent sets the children's foreign key to NULL", () => {
  const { User, Post, Session } = seeded();
  const s = Session();
  s.delete(s.get(User, 1)!);
  s.commit();
  assert.deepEqual(s.execute(select(Post.title, Post.user_id).orderBy(Post.title)).all().map((r) => [...r]), [["a1", null], ["a2", null], ["b1", 2]]);
});

test("cascade all, delete-orphan: delete cascades, removal from the collection deletes the orphan", () => {
  const { User, Post, Session } = seeded({ cascade: "all, delete-orphan" });
  const s = Session();
  const a = s.get(User, 1)!;
  asCollection(a.posts).remove(a.posts[0]!);
  s.commit();
  assert.deepEqual(s.scalars(select(Post.title).orderBy(Post.title)).all(), ["a2", "b1"]);
  s.delete(s.get(User, 2)!);
  s.commit();
  assert.deepEqual(s.scalars(select(Post.title)).all(), ["a2"]);
});

test("many-to-many: appends insert association rows, removals delete them", () => {
  const { Post, Tag, postTags, Session, engine } = seeded();
  const s = Session();
  const p = s.scalars(select(Post).where(Post.title.eq("a1"))).one();
  const t1 = new Tag({ name: "x" }), t2 = new Tag({ name: "y" });
  p.tags.push(t1, t2);
  s.commit();
  assert.deepEqual(t1.posts.map((x) => x.title), ["a1"]);
  asCollection(p.tags).remove(t1);
  const stmts = recordStatements(engine, () => s.flush()).filter((r) => r.sql.startsWith("DELETE"));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [["DELETE FROM post_tags WHERE post_tags.post_id = ? AND post_tags.tag_id = ?", [p.id, t1.id]]]);
  s.commit();
  assert.deepEqual(s.execute(select(postTags.c.tag_id!)).scalars().all(), [t2.id]);
});

test("detached objects: reading an expired attribute raises DetachedInstanceError naming the fix", () => {
  const { User, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  s.commit();
  s.close();
  assert.throws(() => a.name, (e: unknown) => e instanceof DetachedInstanceError && /session/.test(e.message));
});

test("bulk update and delete keep the identity map coherent", () => {
  const { User, Session } = seeded();
  const s = Session();
  const b = s.get(User, 2)!;
  s.execute(update(User).where(User.name.eq("Bob")).values({ age: 26 }));
  assert.equal(b.age, 26);
  s.execute(deleteFrom(User).where(User.name.eq("Carol")));
  assert.equal(s.scalars(select(User.name).orderBy(User.name)).all().join(","), "Alice,Bob");
  s.execute(insert(User).values([{ name: "G" }, { name: "H" }]));
  assert.equal(s.scalar(select(func.count()).selectFrom(User)), 4);
});

test("cascade delete: children of all deleted parents load in one SELECT and delete in one set-based statement; with a delete listener, one by one", async () => {
  const { User, Post, engine, Session } = seeded({ cascade: "all, delete-orphan" });
  const s = Session();
  for (const u of s.scalars(select(User)).all()) s.delete(u);
  const stmts = recordStatements(engine, () => s.commit()).map((r) => r.sql).filter((q) => !/^(BEGIN|COMMIT|SAVEPOINT|RELEASE)/.test(q));
  assert.deepEqual(stmts, [
    "SELECT posts.id, posts.title, posts.user_id FROM posts WHERE posts.user_id IN (?, ?, ?)",
    "DELETE FROM post_tags WHERE post_tags.post_id = ?",
    "DELETE FROM post_tags WHERE post_tags.post_id = ?",
    "DELETE FROM post_tags WHERE post_tags.post_id = ?",
    "DELETE FROM posts WHERE posts.id IN (?, ?, ?)",
    "DELETE FROM users WHERE users.id IN (?, ?, ?)",
  ]);
  const { event } = await import("../../src/index");
  const m = seeded({ cascade: "all, delete-orphan" });
  const seen: string[] = [];
  event.listen(m.Post, "before_delete", (_m, _c, p) => { seen.push(p.title); });
  const s2 = m.Session();
  s2.delete(s2.get(m.User, 1)!);
  const del = recordStatements(m.engine, () => s2.commit()).map((r) => r.sql).filter((q) => q.startsWith("DELETE FROM posts"));
  assert.deepEqual(del, ["DELETE FROM posts WHERE posts.id = ?", "DELETE FROM posts WHERE posts.id = ?"]);
  assert.deepEqual(seen.sort(), ["a1", "a2"]);
  void Post;
});
