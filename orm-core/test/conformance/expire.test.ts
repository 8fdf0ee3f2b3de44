// Mirrors SQLAlchemy test/orm/test_expire.py: expire() of all or some attributes, the one SELECT
// that reloads them, refresh(), expire-on-commit (and expireOnCommit: false), pending changes
// discarded by expiry, expired relationships, and errors on detached or deleted objects.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  select, inspect, DetachedInstanceError, ObjectDeletedError, InvalidRequestError, type Engine,
} from "../../src/index";
import { recordStatements, expectStatementCount } from "../support/sql";
import { blog } from "../orm/blog-model";

/** Changes the database behind the session's back. */
function exec(engine: Engine, sql: string): void {
  const c = engine.connect();
  try { c.execute({ sql, parameters: [] }); } finally { c.close(); }
}
const writes = (engine: Engine, fn: () => void) => recordStatements(engine, fn).filter((r) => /^(INSERT|UPDATE|DELETE)/.test(r.sql)).map((r) => [r.sql, [...r.params]]);

function seeded(options: { cascade?: string } = {}) {
  const m = blog(options);
  const s = m.Session();
  const alice = new m.User({ name: "Alice", age: 30 });
  alice.posts.push(new m.Post({ title: "a1" }), new m.Post({ title: "a2" }));
  s.add(alice);
  s.add(new m.User({ name: "Bob", age: 25 }));
  s.commit();
  s.close();
  return m;
}

test("expire(obj): every attribute is unloaded and the first access reloads them all with one SELECT", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  void a.posts.length;
  s.expire(a);
  assert.deepEqual([...inspect(a).unloaded].sort(), ["age", "id", "name", "posts"]);
  exec(engine, "UPDATE users SET name = 'Alicia', age = 31 WHERE id = 1");
  const st = expectStatementCount(engine, 1, () => assert.equal(a.name, "Alicia"));
  assert.deepEqual([st[0]!.sql, [...st[0]!.params]], ["SELECT users.id, users.name, users.age FROM users WHERE users.id = ?", [1]]);
  expectStatementCount(engine, 0, () => assert.deepEqual([a.id, a.age], [1, 31]));
  assert.equal(inspect(a).persistent, true);
});

test("expire(obj, names): only those attributes reload; the others keep their in-memory values", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  s.expire(a, ["age"]);
  assert.deepEqual([...inspect(a).unloaded].sort(), ["age", "posts"]);
  exec(engine, "UPDATE users SET name = 'Alicia', age = 31 WHERE id = 1");
  expectStatementCount(engine, 0, () => assert.equal(a.name, "Alice"));
  expectStatementCount(engine, 1, () => assert.equal(a.age, 31));
  assert.equal(a.name, "Alice", "an attribute that was not expired is not overwritten by the reload");
});

test("expiring one attribute keeps a pending change of another, which is still flushed", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.name = "local";
  s.expire(a, ["age"]);
  assert.equal(a.age, 30);
  assert.equal(a.name, "local");
  assert.deepEqual(writes(engine, () => s.flush()), [["UPDATE users SET name=? WHERE users.id = ?", ["local", 1]]]);
});

test("expiring an attribute discards its pending change: nothing is flushed and the database value comes back", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.name = "local";
  a.age = 99;
  assert.equal(s.dirty.has(a), true);
  s.expire(a);
  assert.equal(s.dirty.size, 0);
  assert.equal(s.isModified(a), false);
  assert.deepEqual(writes(engine, () => s.flush()), []);
  assert.deepEqual([a.name, a.age], ["Alice", 30]);
});

test("refresh(obj) reloads at once with one SELECT, replacing pending changes with the database's values", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.name = "local";
  exec(engine, "UPDATE users SET age = 44 WHERE id = 1");
  const st = expectStatementCount(engine, 1, () => s.refresh(a));
  assert.match(st[0]!.sql, /^SELECT users.id, users.name, users.age FROM users WHERE users.id = \?$/);
  expectStatementCount(engine, 0, () => assert.deepEqual([a.name, a.age], ["Alice", 44]));
  assert.equal(s.dirty.size, 0);
});

test("refresh(obj, names) reloads only the named attributes", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 99;
  exec(engine, "UPDATE users SET name = 'Alicia', age = 31 WHERE id = 1");
  expectStatementCount(engine, 1, () => s.refresh(a, ["name"]));
  expectStatementCount(engine, 0, () => assert.deepEqual([a.name, a.age], ["Alicia", 99]));
  assert.deepEqual(writes(engine, () => s.flush()), [["UPDATE users SET age=? WHERE users.id = ?", [99, 1]]]);
});

test("refresh() of an object whose row is gone raises (InvalidRequestError family)", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const b = s.get(User, 2)!;
  exec(engine, "DELETE FROM users WHERE id = 2");
  assert.throws(() => s.refresh(b), InvalidRequestError);
});

test("refresh() and expire() of an object not in the session raise InvalidRequestError", () => {
  const { User, Session } = seeded();
  const s = Session();
  const t = new User({ name: "transient" });
  assert.throws(() => s.expire(t), InvalidRequestError);
  assert.throws(() => s.refresh(t), InvalidRequestError);
  s.add(t);
  assert.throws(() => s.refresh(t), (e: unknown) => e instanceof InvalidRequestError && /persistent/.test(e.message));
});

test("commit() expires everything (expireOnCommit default): the next access reloads", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 31;
  s.commit();
  assert.equal(inspect(a).unloaded.has("age"), true);
  exec(engine, "UPDATE users SET name = 'outside' WHERE id = 1");
  expectStatementCount(engine, 1, () => assert.deepEqual([a.name, a.age], ["outside", 31]));
});

test("expireOnCommit: false keeps the values after commit: no SELECT, and changes made elsewhere are not seen", () => {
  const { User, engine, Session } = seeded();
  const s = Session({ expireOnCommit: false });
  const a = s.get(User, 1)!;
  void a.posts.length;
  a.age = 31;
  s.commit();
  assert.equal(inspect(a).unloaded.size, 0);
  exec(engine, "UPDATE users SET name = 'outside' WHERE id = 1");
  expectStatementCount(engine, 0, () => assert.deepEqual([a.name, a.age, a.posts.length], ["Alice", 31, 2]));
  s.expire(a, ["name"]);
  assert.equal(a.name, "outside");
});

test("expire(obj, [relationship]) reloads the collection on next access with one SELECT", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  assert.equal(a.posts.length, 2);
  exec(engine, "INSERT INTO posts (title, user_id) VALUES ('a3', 1)");
  expectStatementCount(engine, 0, () => assert.equal(a.posts.length, 2));
  s.expire(a, ["posts"]);
  assert.deepEqual([...inspect(a).unloaded], ["posts"]);
  const st = expectStatementCount(engine, 1, () => assert.deepEqual(a.posts.map((p) => p.title).sort(), ["a1", "a2", "a3"]));
  assert.match(st[0]!.sql, /^SELECT posts\.id, posts\.title, posts\.user_id FROM posts WHERE /);
});

test("after commit a loaded collection is expired too and reloads on access", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  assert.equal(a.posts.length, 2);
  s.add(new Post({ title: "a3", user_id: 1 }));
  s.commit();
  assert.equal(inspect(a).unloaded.has("posts"), true);
  const selects = recordStatements(engine, () => assert.equal(a.posts.length, 3)).filter((r) => r.sql.startsWith("SELECT"));
  assert.equal(selects.length, 2, "the user's columns, then its posts");
});

test("expireAll() expires every object in the identity map", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const users = s.scalars(select(User)).all();
  const posts = s.scalars(select(Post)).all();
  s.expireAll();
  for (const o of [...users, ...posts]) assert.equal(inspect(o).unloaded.has("id"), true);
  exec(engine, "UPDATE users SET age = age + 1");
  expectStatementCount(engine, 2, () => assert.deepEqual(users.map((u) => u.age), [31, 26]));
});

test("a query that returns an expired object's row refreshes it: no further SELECT on access", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  s.expire(a);
  exec(engine, "UPDATE users SET age = 32 WHERE id = 1");
  const again = s.scalars(select(User).where(User.name.eq("Alice"))).one();
  assert.equal(again, a);
  expectStatementCount(engine, 0, () => assert.equal(a.age, 32));
});

test("a query does not refresh an object that is not expired; populateExisting does", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  exec(engine, "UPDATE users SET age = 33 WHERE id = 1");
  assert.equal(s.scalars(select(User).where(User.id.eq(1))).one().age, 30);
  s.scalars(select(User).where(User.id.eq(1)).executionOptions({ populateExisting: true })).one();
  assert.equal(a.age, 33);
});

test("get() of an expired object reloads it (one SELECT); if its row is gone, get() returns null", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const b = s.get(User, 2)!;
  s.expireAll();
  expectStatementCount(engine, 1, () => assert.equal(s.get(User, 1), a));
  exec(engine, "DELETE FROM users WHERE id = 2");
  assert.equal(s.get(User, 2), null);
  void b;
});

test("accessing an expired attribute whose row was deleted elsewhere raises ObjectDeletedError", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const b = s.get(User, 2)!;
  s.expire(b);
  exec(engine, "DELETE FROM users WHERE id = 2");
  assert.throws(() => b.name, ObjectDeletedError);
});

test("a detached object with expired attributes raises DetachedInstanceError on access; loaded ones stay readable", () => {
  const { User, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const b = s.get(User, 2)!;
  s.expire(a, ["age"]);
  s.expunge(a);
  s.expunge(b);
  assert.equal(a.name, "Alice");
  assert.throws(() => a.age, (e: unknown) => e instanceof DetachedInstanceError && /not bound to a Session/.test(e.message));
  assert.deepEqual([b.name, b.age], ["Bob", 25]);
  assert.throws(() => b.posts, DetachedInstanceError, "an unloaded relationship of a detached object can't lazy-load");
});

test("rollback() expires persistent objects: the next access reads the database's values", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 50;
  s.flush();
  s.rollback();
  assert.equal(inspect(a).unloaded.has("age"), true);
  expectStatementCount(engine, 1, () => assert.equal(a.age, 30));
});

test("an expired object can be changed without loading; the change is flushed as an UPDATE", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  s.expire(a);
  expectStatementCount(engine, 0, () => { a.age = 70; });
  const w = writes(engine, () => s.flush());
  assert.deepEqual(w, [["UPDATE users SET age=? WHERE users.id = ?", [70, 1]]]);
  assert.equal(a.name, "Alice");
  assert.equal(a.age, 70);
});

test("expire() and refresh() of a whole object cascade along refresh-expire (in cascade \"all\") to the related objects it has loaded", () => {
  for (const cascade of ["all", undefined]) {
    const m = blog(cascade ? { cascade } : {});
    const s = m.Session();
    s.add(new m.User({ name: "ann", posts: [new m.Post({ title: "p1" }), new m.Post({ title: "p2" })] }));
    s.commit();
    const user = s.scalars(select(m.User)).one();
    const posts = [...user.posts];
    assert.deepEqual(posts.map((p) => p.title), ["p1", "p2"]);
    exec(m.engine, "UPDATE posts SET title = upper(title)");
    s.expire(user);
    assert.equal(inspect(posts[0]!).unloaded.has("title"), cascade === "all");
    assert.deepEqual(posts.map((p) => p.title), cascade === "all" ? ["P1", "P2"] : ["p1", "p2"]);
    exec(m.engine, "UPDATE posts SET title = lower(title) || '!'");
    assert.ok(user.posts.length === 2 && user.posts.every((p, i) => p === posts[i]), "the collection, loaded again (the expire forgot it), holds the same objects");
    s.refresh(user);
    assert.deepEqual(posts.map((p) => p.title), cascade === "all" ? ["p1!", "p2!"] : ["p1", "p2"]);
    s.close();
  }
});
