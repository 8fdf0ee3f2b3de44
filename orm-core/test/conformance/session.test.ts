// Mirrors SQLAlchemy test/orm/test_session.py and test/orm/test_transaction.py: object states through
// inspect(), add / expunge / merge, the identity map, get / getOne, commit / rollback / close, the
// new / dirty / deleted sets, autoflush, begin() and the PendingRollbackError after a failed flush.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  select, func, inspect, IntegrityError, PendingRollbackError, InvalidRequestError, NoResultFound,
  makeTransient, makeTransientToDetached,
} from "../../src/index";
import { recordStatements, expectStatementCount, rows } from "../support/sql";
import { blog } from "../orm/blog-model";

const states = (o: object) => {
  const i = inspect(o);
  return { transient: i.transient, pending: i.pending, persistent: i.persistent, detached: i.detached };
};

function seeded() {
  const m = blog();
  const s = m.Session();
  const alice = new m.User({ name: "Alice", age: 30 });
  alice.posts.push(new m.Post({ title: "a1" }), new m.Post({ title: "a2" }));
  s.add(alice);
  s.add(new m.User({ name: "Bob", age: 25 }));
  s.commit();
  s.close();
  return m;
}

test("object states: transient → pending (add) → persistent (flush) → detached (expunge)", () => {
  const { User, Session } = blog();
  const s = Session();
  const u = new User({ name: "x" });
  assert.deepEqual(states(u), { transient: true, pending: false, persistent: false, detached: false });
  assert.equal(inspect(u).session, null);
  s.add(u);
  assert.deepEqual(states(u), { transient: false, pending: true, persistent: false, detached: false });
  assert.equal(inspect(u).session, s);
  assert.equal(inspect(u).hasIdentity, false);
  s.flush();
  assert.deepEqual(states(u), { transient: false, pending: false, persistent: true, detached: false });
  assert.deepEqual(inspect(u).identity, [1]);
  s.expunge(u);
  assert.deepEqual(states(u), { transient: false, pending: false, persistent: false, detached: true });
  assert.deepEqual(inspect(u).identity, [1]);
});

test("an object deleted by a flush leaves the session; after commit it is detached and knows it was deleted", () => {
  const { User, Session } = seeded();
  const s = Session();
  const b = s.get(User, 2)!;
  s.delete(b);
  assert.equal(s.deleted.has(b), true);
  s.flush();
  assert.equal(inspect(b).persistent, false);
  assert.equal(s.contains(b), false);
  assert.equal(s.deleted.size, 0);
  s.commit();
  assert.equal(inspect(b).detached, true);
  assert.equal(inspect(b).wasDeleted, true);
  assert.equal(s.get(User, 2), null);
});

test("add() is idempotent and addAll() adds each object", () => {
  const { User, Session } = blog();
  const s = Session();
  const u = new User({ name: "x" });
  s.add(u);
  s.add(u);
  assert.equal(s.new.size, 1);
  const more = [new User({ name: "y" }), new User({ name: "z" })];
  s.addAll(more);
  assert.deepEqual([...s.new].map((o) => (o as InstanceType<typeof User>).name).sort(), ["x", "y", "z"]);
  s.commit();
  assert.equal(s.scalar(select(func.count()).selectFrom(User)), 3);
});

test("expunge() of a pending object makes it transient and it is not inserted; expunging it again raises", () => {
  const { User, engine, Session } = blog();
  const s = Session();
  const u = new User({ name: "x" });
  s.add(u);
  s.expunge(u);
  assert.equal(inspect(u).transient, true);
  assert.equal(s.new.size, 0);
  assert.deepEqual(recordStatements(engine, () => s.flush()), []);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT count(*) FROM users"), [[0]]);
  assert.throws(() => s.expunge(u), (e: unknown) => e instanceof InvalidRequestError && /not present in this Session/.test(e.message), "expunge() of an object not in the session");
});

test("expunge() of a persistent object detaches it; its pending changes are not flushed and get() loads a new object", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.name = "changed";
  s.expunge(a);
  assert.equal(inspect(a).detached, true);
  assert.equal(s.dirty.size, 0);
  let again!: InstanceType<typeof User>;
  expectStatementCount(engine, 1, () => { again = s.get(User, 1)!; });
  assert.notEqual(again, a);
  assert.equal(again.name, "Alice");
  s.commit();
  assert.deepEqual(rows(engine, "SELECT name FROM users WHERE id = 1"), [["Alice"]]);
});

test("expungeAll() detaches persistent objects, makes pending ones transient and empties the identity map", () => {
  const { User, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const n = new User({ name: "new" });
  s.add(n);
  s.expungeAll();
  assert.equal(inspect(a).detached, true);
  assert.equal(inspect(n).transient, true);
  assert.equal(s.identityMap.size, 0);
  assert.equal(s.new.size, 0);
  assert.notEqual(s.get(User, 1), a);
});

test("identity map: get() and queries return the same object for one row; a second get() emits no SQL", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  expectStatementCount(engine, 0, () => assert.equal(s.get(User, 1), a));
  assert.equal(s.scalars(select(User).where(User.name.eq("Alice"))).one(), a);
  assert.equal(s.scalars(select(User).orderBy(User.id)).all()[0], a);
  const p = s.scalars(select(Post).where(Post.title.eq("a1"))).one();
  expectStatementCount(engine, 0, () => assert.equal(p.author, a));
  s.noAutoflush(() => {
    a.name = "local";
    assert.equal(s.scalars(select(User).where(User.id.eq(1))).one(), a);
    assert.equal(a.name, "local", "a query doesn't overwrite an unflushed change");
  });
});

test("get() of a missing key returns null after one SELECT; getOne() raises NoResultFound", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const st = expectStatementCount(engine, 1, () => assert.equal(s.get(User, 99), null));
  assert.match(st[0]!.sql, /^SELECT users.id, users.name, users.age FROM users WHERE users.id = \?$/);
  assert.deepEqual([...st[0]!.params], [99]);
  assert.throws(() => s.getOne(User, 99), NoResultFound);
  assert.equal(s.getOne(User, 2).name, "Bob");
});

test("get() of a pending object's key autoflushes and returns that same object", () => {
  const { User, Session } = seeded();
  const s = Session();
  const u = new User({ id: 50, name: "explicit" });
  s.add(u);
  assert.equal(s.get(User, 50), u);
  assert.equal(inspect(u).persistent, true);
});

test("merge() of a detached object loads the session's copy, applies the changes and leaves the given object alone", () => {
  const { User, engine, Session } = seeded();
  const s1 = Session();
  const detached = s1.get(User, 1)!;
  void detached.name;
  s1.close();
  detached.name = "merged";
  const s2 = Session();
  let merged!: InstanceType<typeof User>;
  const st = recordStatements(engine, () => { merged = s2.merge(detached); }).filter((r) => r.sql.startsWith("SELECT"));
  assert.equal(st.length, 1);
  assert.notEqual(merged, detached);
  assert.equal(inspect(merged).persistent, true);
  assert.equal(inspect(detached).detached, true);
  assert.equal(merged.name, "merged");
  assert.equal(s2.dirty.has(merged), true);
  s2.commit();
  assert.deepEqual(rows(engine, "SELECT name FROM users WHERE id = 1"), [["merged"]]);
});

test("merge() onto an object already in the identity map emits no SQL and returns that object", () => {
  const { User, engine, Session } = seeded();
  const s1 = Session();
  const d = s1.get(User, 2)!;
  void d.age;
  s1.close();
  d.age = 26;
  const s2 = Session();
  const b = s2.get(User, 2)!;
  let out: object | undefined;
  expectStatementCount(engine, 0, () => { out = s2.merge(d); });
  assert.equal(out, b);
  assert.equal(b.age, 26);
});

test("merge() of a transient object without a key makes a new pending copy", () => {
  const { User, Session } = blog();
  const s = Session();
  const t = new User({ name: "copy me" });
  const m = s.merge(t);
  assert.notEqual(m, t);
  assert.equal(inspect(m).pending, true);
  assert.equal(inspect(t).transient, true);
  assert.equal(m.name, "copy me");
  s.commit();
  assert.equal(s.scalar(select(User.name)), "copy me");
});

test("commit() expires every object: the next access reloads it with one SELECT", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const b = s.get(User, 2)!;
  s.commit();
  for (const o of [a, b]) assert.deepEqual([...inspect(o).unloaded].sort(), ["age", "id", "name", "posts"]);
  rows(engine, "UPDATE users SET age = 31 WHERE id = 1");
  expectStatementCount(engine, 1, () => assert.equal(a.age, 31));
  expectStatementCount(engine, 0, () => assert.equal(a.name, "Alice"));
});

test("rollback() restores persistent objects from the database and expunges pending ones", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.name = "flushed change";
  const n = new User({ name: "pending" });
  s.add(n);
  s.flush();
  const unflushed = new User({ name: "never flushed" });
  s.add(unflushed);
  s.rollback();
  assert.equal(a.name, "Alice");
  assert.equal(inspect(n).transient, true);
  assert.equal(inspect(unflushed).transient, true);
  assert.equal(s.new.size, 0);
  assert.deepEqual(rows(engine, "SELECT name FROM users ORDER BY id"), [["Alice"], ["Bob"]]);
});

test("rollback() brings an object deleted in the transaction back as persistent", () => {
  const { User, Session } = seeded();
  const s = Session();
  const b = s.get(User, 2)!;
  s.delete(b);
  s.flush();
  s.rollback();
  assert.equal(inspect(b).persistent, true);
  assert.equal(s.get(User, 2), b);
  assert.equal(b.name, "Bob");
});

test("close() detaches every object and the session can be used again afterwards", () => {
  const { User, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const n = new User({ name: "pending" });
  s.add(n);
  s.close();
  assert.equal(inspect(a).detached, true);
  assert.equal(inspect(n).transient, true);
  assert.equal(a.name, "Alice", "loaded values stay readable on the detached object");
  const again = s.get(User, 1)!;
  assert.notEqual(again, a);
  assert.equal(again.name, "Alice");
});

test("session.new, session.dirty and session.deleted track pending, changed and deleted objects until the flush", () => {
  const { User, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const b = s.get(User, 2)!;
  const n = new User({ name: "n" });
  s.add(n);
  a.age = 99;
  s.delete(b);
  assert.deepEqual([...s.new], [n]);
  assert.deepEqual([...s.dirty], [a]);
  assert.deepEqual([...s.deleted], [b]);
  assert.equal(s.dirty.has(n), false, "pending objects are in new, not dirty");
  s.flush();
  assert.equal(s.new.size + s.dirty.size + s.deleted.size, 0);
});

test("autoflush: a query first flushes pending changes so it sees them", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 50;
  s.add(new User({ name: "Carol", age: 50 }));
  const recorded = recordStatements(engine, () => {
    assert.deepEqual(s.scalars(select(User.name).where(User.age.eq(50)).orderBy(User.name)).all(), ["Alice", "Carol"]);
  }).map((r) => r.sql).filter((q) => /^(INSERT|UPDATE|SELECT)/.test(q));
  const verbs = recorded.map((q) => q.split(" ")[0]);
  assert.equal(verbs.length, 3);
  assert.equal(verbs[2], "SELECT", "the flush runs before the query");
  assert.deepEqual(verbs.slice(0, 2).sort(), ["INSERT", "UPDATE"]);
});

test("noAutoflush() (and autoflush: false) run queries without flushing; the changes are flushed later", () => {
  const { User, Session } = seeded();
  const s = Session();
  const n = new User({ name: "Carol" });
  s.add(n);
  const count = s.noAutoflush(() => s.scalar(select(func.count()).selectFrom(User)));
  assert.equal(count, 2);
  assert.equal(inspect(n).pending, true);
  assert.equal(s.scalar(select(func.count()).selectFrom(User)), 3);
  assert.equal(inspect(n).persistent, true);
  s.commit();
  const s2 = Session({ autoflush: false });
  const d = new User({ name: "Dave" });
  s2.add(d);
  assert.equal(s2.scalar(select(func.count()).selectFrom(User)), 3, "autoflush: false: the query doesn't flush");
  assert.equal(inspect(d).pending, true);
  s2.close();
});

test("begin(fn) commits when fn returns and rolls back (rethrowing) when it throws", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const out = s.begin(() => { s.add(new User({ name: "Carol" })); return "done"; });
  assert.equal(out, "done");
  assert.deepEqual(rows(engine, "SELECT count(*) FROM users"), [[3]]);
  const boom = new Error("boom");
  assert.throws(() => s.begin(() => { s.add(new User({ name: "Dave" })); s.flush(); throw boom; }), (e: unknown) => e === boom);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM users"), [[3]]);
  assert.equal(s.new.size, 0);
});

test("begin() without fn returns the transaction; calling it again while one is open raises InvalidRequestError", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const tx = s.begin();
  assert.equal(tx.isActive, true);
  s.add(new User({ name: "Carol" }));
  s.flush();
  assert.throws(() => s.begin(), (e: unknown) => e instanceof InvalidRequestError && /already begun/.test(e.message));
  tx.commit();
  assert.equal(tx.isActive, false);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM users"), [[3]]);
});

test("sessionmaker.begin(fn) commits and closes the session it made", () => {
  const { User, engine, Session } = seeded();
  let kept!: InstanceType<typeof User>;
  Session.begin((s) => { kept = new User({ name: "Carol" }); s.add(kept); });
  assert.deepEqual(rows(engine, "SELECT name FROM users WHERE id = 3"), [["Carol"]]);
  assert.equal(inspect(kept).detached, true);
});

test("after a failed flush every operation raises PendingRollbackError until rollback()", () => {
  const { User, Session } = seeded();
  const s = Session();
  s.add(new User({ name: null as unknown as string }));
  assert.throws(() => s.flush(), IntegrityError);
  for (const op of [() => s.flush(), () => s.commit(), () => s.get(User, 1), () => s.execute(select(User))]) {
    assert.throws(op, (e: unknown) => e instanceof PendingRollbackError && /rollback\(\)/.test(e.message) && (e as Error).cause instanceof IntegrityError);
  }
  s.rollback();
  assert.equal(s.get(User, 1)!.name, "Alice");
});

test("an object can't be added to a second session while it belongs to the first, nor where its identity is taken", () => {
  const { User, Session } = seeded();
  const s1 = Session(), s2 = Session();
  const a = s1.get(User, 1)!;
  assert.throws(() => s2.add(a), (e: unknown) => e instanceof InvalidRequestError && /another session/.test(e.message));
  s1.close();
  s2.add(a);
  assert.equal(inspect(a).persistent, true);
  assert.equal(s2.get(User, 1), a);
  s2.expunge(a);
  const s3 = Session();
  s3.get(User, 1);
  assert.throws(() => s3.add(a), InvalidRequestError, "another object with the same identity is already in s3");
});

test("delete() of a transient or pending object raises InvalidRequestError", () => {
  const { User, Session } = blog();
  const s = Session();
  const u = new User({ name: "x" });
  assert.throws(() => s.delete(u), (e: unknown) => e instanceof InvalidRequestError && /not persisted/.test(e.message));
  s.add(u);
  assert.throws(() => s.delete(u), InvalidRequestError);
});

test("streaming with yieldPer keeps the identity map bounded; an object changed after its batch passed is still flushed", () => {
  // SQLAlchemy's identity map is weak: clean objects nobody holds go away. Here the stream lets go
  // of each passed batch's clean objects (a WeakRef can't free anything inside one synchronous loop).
  const m = blog();
  const s = m.Session();
  for (let i = 0; i < 3000; i++) s.add(new m.User({ name: `u${i}` }));
  s.commit();
  s.close();
  const s2 = m.Session();
  let maxSize = 0, first: InstanceType<typeof m.User> | undefined;
  for (const u of s2.execute(select(m.User).orderBy(m.User.id).executionOptions({ yieldPer: 100 })).scalars()) {
    if (!first) { first = u; first.name = "changed"; }
    maxSize = Math.max(maxSize, s2.identityMap.size);
  }
  assert.ok(maxSize <= 201, `identity map grew to ${maxSize}`);
  assert.ok(s2.identityMap.size <= 201);
  const writes = recordStatements(m.engine, () => s2.commit()).filter((r) => r.sql.startsWith("UPDATE"));
  assert.deepEqual(writes.map((w) => [w.sql, [...w.params]]), [["UPDATE users SET name=? WHERE users.id = ?", ["changed", 1]]]);
});

test("merge(obj, { load: false }): the copy is persistent at once, with no SELECT and nothing to flush", () => {
  const m = blog();
  const s = m.Session();
  s.add(new m.User({ name: "ann", age: 30, posts: [new m.Post({ title: "p1" })] }));
  s.commit();
  const detached = s.scalars(select(m.User)).one();
  assert.equal(detached.posts.length, 1);
  s.close();

  const s2 = m.Session();
  let merged!: InstanceType<typeof m.User>;
  const stmts = recordStatements(m.engine, () => { merged = s2.merge(detached, { load: false }); s2.flush(); });
  assert.deepEqual(stmts.filter((r) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(r.sql)), []);
  assert.notEqual(merged, detached);
  assert.equal(inspect(merged).persistent, true);
  assert.equal(merged.name, "ann");
  assert.equal(inspect(merged.posts[0]!).persistent, true, "the merge cascade copies the loaded posts the same way");
  merged.age = 31;
  const writes = recordStatements(m.engine, () => s2.commit()).filter((r) => /^(INSERT|UPDATE|DELETE)/.test(r.sql));
  assert.deepEqual(writes.map((r) => [r.sql, [...r.params]]), [["UPDATE users SET age=? WHERE users.id = ?", [31, 1]]]);

  const s3 = m.Session();
  assert.throws(() => s3.merge(new m.User({ name: "new" }), { load: false }), (e: Error) => e instanceof InvalidRequestError && /takes objects that were loaded from the database/.test(e.message));
  detached.name = "changed";
  assert.throws(() => s3.merge(detached, { load: false }), /takes unchanged objects/);
});

// make_transient / make_transient_to_detached (SQLAlchemy test/orm/test_session.py SessionStateTest).
const writesOf = (stmts: { sql: string; params: readonly unknown[] }[]) =>
  stmts.filter((r) => /^(INSERT|UPDATE|DELETE|SELECT)/.test(r.sql)).map((r) => [r.sql, [...r.params]]);

test("makeTransient(): leaves the session, loses its identity, keeps loaded values; add() INSERTs a new row", () => {
  const m = seeded();
  const s = m.Session();
  const bob = s.scalars(select(m.User).where(m.User.name.eq("Bob"))).one();
  makeTransient(bob);
  assert.deepEqual(states(bob), { transient: true, pending: false, persistent: false, detached: false });
  assert.equal([...s.identityMap.values()].includes(bob), false);
  assert.equal(bob.name, "Bob");
  assert.equal(bob.id, 2, "loaded values stay, the primary key too");
  bob.id = null as never;
  bob.name = "Bob2";
  s.add(bob);
  assert.equal(states(bob).pending, true);
  const stmts = recordStatements(m.engine, () => s.commit());
  assert.deepEqual(writesOf(stmts), [["INSERT INTO users (name, age) VALUES (?, ?)", ["Bob2", 25]]]);
  assert.deepEqual(rows(m.engine, "SELECT id, name, age FROM users ORDER BY id"), [[1, "Alice", 30], [2, "Bob", 25], [3, "Bob2", 25]]);
});

test("makeTransient(): expired attributes are gone (null), nothing is loaded, and it does not cascade", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.scalars(select(m.User).where(m.User.name.eq("Alice"))).one();
  const posts = alice.posts;
  assert.equal(posts.length, 2);
  s.expire(alice, ["age"]);
  let age: unknown = "unset";
  const stmts = recordStatements(m.engine, () => { makeTransient(alice); age = alice.age; });
  assert.deepEqual(writesOf(stmts), [], "no SELECT for the expired attribute");
  assert.equal(age, null);
  assert.equal(alice.name, "Alice");
  assert.equal(states(posts[0]!).persistent, true, "related objects stay in the session");
  // A fully expired object keeps nothing but what is set afterwards.
  s.expire(posts[1]!);
  makeTransient(posts[1]!);
  assert.equal(posts[1]!.title, null);
  assert.equal(posts[1]!.id, null);
});

test("makeTransient(): a detached or deleted object becomes transient; a transient one is unchanged", () => {
  const m = seeded();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  s.delete(bob);
  s.commit();
  assert.equal(states(bob).detached, true);
  makeTransient(bob);
  assert.equal(states(bob).transient, true);
  const s2 = m.Session();
  s2.add(bob);
  const stmts = recordStatements(m.engine, () => s2.commit());
  assert.deepEqual(writesOf(stmts), [["INSERT INTO users (id, name, age) VALUES (?, ?, ?)", [2, "Bob", 25]]], "re-inserted with its old primary key");
  assert.deepEqual(rows(m.engine, "SELECT id, name FROM users ORDER BY id"), [[1, "Alice"], [2, "Bob"]]);
  const fresh = new m.User({ name: "Cy" });
  makeTransient(fresh);
  assert.equal(fresh.name, "Cy");
  assert.equal(states(fresh).transient, true);
});

test("makeTransientToDetached(): a transient object with a primary key is added without INSERT and UPDATEs its changes", () => {
  const m = seeded();
  const u = new m.User({ id: 2, name: "Bob" });
  makeTransientToDetached(u);
  assert.deepEqual(states(u), { transient: false, pending: false, persistent: false, detached: true });
  const s = m.Session();
  s.add(u);
  assert.equal(states(u).persistent, true);
  assert.equal(s.get(m.User, 2), u, "in the identity map");
  assert.equal(s.dirty.size, 0);
  let age: unknown;
  const load = recordStatements(m.engine, () => { age = u.age; });
  assert.equal(age, 25, "attributes it did not hold load from the row");
  assert.equal(writesOf(load).length, 1);
  assert.match(writesOf(load)[0]![0] as string, /^SELECT users\.age/);
  u.name = "Robert";
  const stmts = recordStatements(m.engine, () => s.commit());
  assert.deepEqual(writesOf(stmts), [["UPDATE users SET name=? WHERE users.id = ?", ["Robert", 2]]]);
  assert.deepEqual(rows(m.engine, "SELECT id, name, age FROM users ORDER BY id"), [[1, "Alice", 30], [2, "Robert", 25]]);
});

test("makeTransientToDetached(): refuses non-transient objects and objects without a primary key", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  assert.throws(() => makeTransientToDetached(alice), (e: Error) => e instanceof InvalidRequestError && /takes a transient object.*persistent.*makeTransient/.test(e.message));
  s.expunge(alice);
  assert.throws(() => makeTransientToDetached(alice), /detached/);
  assert.throws(() => makeTransientToDetached(new m.User({ name: "x" })), /no complete primary key \(id\)/);
  makeTransient(alice);
  makeTransientToDetached(alice);
  const s2 = m.Session();
  s2.add(alice);
  const stmts = recordStatements(m.engine, () => s2.commit());
  assert.deepEqual(writesOf(stmts), [], "nothing changed: nothing written");
});
