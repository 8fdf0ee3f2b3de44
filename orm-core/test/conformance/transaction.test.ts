// Mirrors SQLAlchemy test/orm/test_transaction.py (savepoints: Session.begin_nested) and
// test/orm/test_attributes.py (attribute history through inspect()) and Session.is_modified.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { inspect, select, func, IntegrityError, InvalidRequestError } from "../../src/index";
import { recordStatements } from "../support/sql";
import { blog } from "../orm/blog-model";

function seeded() {
  const m = blog({ cascade: "all, delete-orphan" });
  const s = m.Session();
  const a = new m.User({ name: "Alice", age: 30 });
  a.posts.push(new m.Post({ title: "a1" }), new m.Post({ title: "a2" }));
  s.add(a);
  s.add(new m.User({ name: "Bob", age: 25 }));
  s.commit();
  s.close();
  return m;
}
const names = (m: ReturnType<typeof seeded>) => {
  const s = m.Session();
  try { return s.scalars(select(m.User.name).orderBy(m.User.id)).all(); } finally { s.close(); }
};

test("beginNested emits SAVEPOINT after flushing pending work, and commit() of it emits RELEASE", () => {
  const m = seeded();
  const s = m.Session();
  s.add(new m.User({ name: "Carol" }));
  let nested!: ReturnType<typeof s.beginNested>;
  const opened = recordStatements(m.engine, () => { nested = s.beginNested(); });
  assert.deepEqual(opened.map((r) => r.sql.replace(/_\d+/, "_N")), ["BEGIN IMMEDIATE", "SAVEPOINT sa_savepoint_N", "INSERT INTO users (name, age) VALUES (?, ?)", "RELEASE SAVEPOINT sa_savepoint_N", "SAVEPOINT sa_savepoint_N"]);
  const released = recordStatements(m.engine, () => nested.commit());
  assert.deepEqual(released.map((r) => r.sql.replace(/_\d+/, "_N")), ["RELEASE SAVEPOINT sa_savepoint_N"]);
  assert.equal(nested.isActive, false);
  s.commit();
  assert.deepEqual(names(m), ["Alice", "Bob", "Carol"]);
});

test("rolling back a savepoint keeps the work done before it and drops the work done inside it", () => {
  const m = seeded();
  const s = m.Session();
  s.add(new m.User({ name: "Before" }));
  const nested = s.beginNested();
  s.add(new m.User({ name: "Inside" }));
  s.flush();
  nested.rollback();
  s.commit();
  assert.deepEqual(names(m), ["Alice", "Bob", "Before"]);
});

test("an object inserted inside a rolled-back savepoint is transient again, keeping its attributes", () => {
  const m = seeded();
  const s = m.Session();
  const nested = s.beginNested();
  const c = new m.User({ name: "Carol" });
  s.add(c);
  s.flush();
  assert.equal(inspect(c).persistent, true);
  nested.rollback();
  assert.equal(inspect(c).transient, true);
  assert.equal(c.name, "Carol");
  assert.equal(s.contains(c), false);
});

/** A session with "Outer" added before a savepoint (which flushes it) and "Inner" added inside it. */
function outerAndInner() {
  const m = seeded();
  const s = m.Session();
  const outer = new m.User({ name: "Outer" });
  s.add(outer);
  const nested = s.beginNested(); // flushes Outer
  const inner = new m.User({ name: "Inner" });
  s.add(inner);
  return { m, s, outer, nested, inner };
}

test("a pending object added inside a savepoint and never flushed is expunged by its rollback", () => {
  const { s, outer, nested, inner } = outerAndInner();
  nested.rollback();
  assert.equal(s.contains(inner), false);
  assert.equal(s.contains(outer), true);
  assert.equal(inspect(outer).persistent, true);
});

test("an insert undone by a savepoint's rollback is no longer the transaction's: the outer rollback leaves the object's new session alone", () => {
  const { m, s, outer, nested, inner } = outerAndInner();
  s.flush();
  nested.rollback();
  assert.equal(inspect(inner).transient, true);
  const other = m.Session();
  other.add(inner);
  s.rollback();
  assert.equal(inspect(outer).transient, true);
  assert.equal(other.contains(inner), true);
  assert.equal(inspect(inner).pending, true);
  other.commit();
  assert.equal(inspect(inner).persistent, true);
});

test("an object changed inside a rolled-back savepoint is expired and reloads the value from before it", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const bob = s.get(m.User, 2)!;
  alice.age = 31; // outside the savepoint: kept
  const nested = s.beginNested();
  alice.age = 99;
  s.flush();
  nested.rollback();
  assert.equal(inspect(alice).unloaded.has("age"), true, "alice is expired");
  assert.equal(inspect(bob).unloaded.has("age"), false, "bob was not touched by the savepoint and stays loaded");
  const reloaded = recordStatements(m.engine, () => assert.equal(alice.age, 31));
  assert.equal(reloaded.filter((r) => r.sql.startsWith("SELECT")).length, 1);
});

test("unflushed changes made inside a savepoint are discarded by its rollback", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const nested = s.beginNested();
  alice.name = "Changed in memory only";
  nested.rollback();
  assert.equal(s.dirty.size, 0);
  assert.equal(alice.name, "Alice");
});

test("an object deleted inside a rolled-back savepoint is persistent again", () => {
  const m = seeded();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  const nested = s.beginNested();
  s.delete(bob);
  s.flush();
  assert.equal(inspect(bob).persistent, false);
  nested.rollback();
  assert.equal(inspect(bob).persistent, true);
  assert.equal(s.get(m.User, 2), bob);
  assert.equal(bob.name, "Bob");
  s.commit();
  assert.deepEqual(names(m), ["Alice", "Bob"]);
});

test("a delete marked inside a savepoint and not flushed is forgotten by its rollback", () => {
  const m = seeded();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  const nested = s.beginNested();
  s.delete(bob);
  nested.rollback();
  assert.equal(s.deleted.size, 0);
  s.commit();
  assert.deepEqual(names(m), ["Alice", "Bob"]);
});

test("beginNested(fn): an IntegrityError inside rolls back only the savepoint; the outer transaction goes on", () => {
  const m = seeded();
  const s = m.Session();
  s.add(new m.User({ name: "Kept" }));
  assert.throws(() => s.beginNested(() => { s.add(new m.User({ name: null as never })); s.flush(); }), IntegrityError);
  // No PendingRollbackError: the failed flush belonged to the savepoint.
  s.add(new m.User({ name: "After" }));
  s.commit();
  assert.deepEqual(names(m), ["Alice", "Bob", "Kept", "After"]);
});

test("beginNested(fn) returns fn's value and releases the savepoint", () => {
  const m = seeded();
  const s = m.Session();
  const id = s.beginNested(() => { const u = new m.User({ name: "Dora" }); s.add(u); s.flush(); return u.id; });
  assert.equal(typeof id, "number");
  assert.equal(s.nested.length, 0);
  s.commit();
  assert.deepEqual(names(m), ["Alice", "Bob", "Dora"]);
});

test("savepoints nest: rolling back the inner keeps the outer savepoint's work", () => {
  const m = seeded();
  const s = m.Session();
  const outer = s.beginNested();
  s.add(new m.User({ name: "L1" }));
  const inner = s.beginNested();
  s.add(new m.User({ name: "L2" }));
  s.flush();
  inner.rollback();
  outer.commit();
  s.commit();
  assert.deepEqual(names(m), ["Alice", "Bob", "L1"]);
});

test("the outer savepoint can't end while an inner one is open, and an ended one can't end again", () => {
  const m = seeded();
  const s = m.Session();
  const outer = s.beginNested();
  const inner = s.beginNested();
  assert.throws(() => outer.commit(), /inside it is still open/);
  inner.commit();
  assert.throws(() => inner.rollback(), /already ended/);
  outer.rollback();
  s.rollback();
});

test("session.rollback() rolls back every open savepoint with the transaction", () => {
  const m = seeded();
  const s = m.Session();
  const nested = s.beginNested();
  s.add(new m.User({ name: "Gone" }));
  s.flush();
  s.rollback();
  assert.equal(nested.isActive, false);
  assert.deepEqual(names(m), ["Alice", "Bob"]);
  assert.equal(m.Session().scalar(select(func.count(m.User.id))), 2);
});

test("a collection appended to inside a rolled-back savepoint reloads without the rolled-back child", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  assert.equal(alice.posts.length, 2);
  const nested = s.beginNested();
  alice.posts.push(new m.Post({ title: "a3" }));
  s.flush();
  nested.rollback();
  assert.deepEqual(alice.posts.map((p) => p.title).sort(), ["a1", "a2"]);
});

// ---- attribute history (inspect(obj).attrs[key].history) -----------------------------------

test("history of a loaded, unchanged column: the value is unchanged", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const h = inspect(alice).attrs.name!.history;
  assert.deepEqual([h.added, h.unchanged, h.deleted], [[], ["Alice"], []]);
  assert.equal(h.hasChanges(), false);
});

test("history of a changed column: added is the new value, deleted the loaded one", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  alice.name = "Alicia";
  const h = inspect(alice).attrs.name!.history;
  assert.deepEqual([h.added, h.unchanged, h.deleted], [["Alicia"], [], ["Alice"]]);
  assert.equal(inspect(alice).attrs.name!.loadedValue, "Alice");
  assert.equal(inspect(alice).attrs.name!.value, "Alicia");
});

test("history of a column set back to its loaded value has no changes", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  alice.age = 40;
  alice.age = 30;
  assert.deepEqual(inspect(alice).attrs.age!.history.unchanged, [30]);
  assert.equal(s.isModified(alice), false);
});

test("history of a column set from NULL keeps the NULL as deleted", () => {
  const m = seeded();
  const s = m.Session();
  const u = new m.User({ name: "NoAge" });
  s.add(u);
  s.commit();
  assert.equal(u.age, null); // reloaded: NULL is now the loaded value
  u.age = 5;
  const h = inspect(u).attrs.age!.history;
  assert.deepEqual([h.added, h.deleted], [[5], [null]]);
});

test("history of a pending object's attributes: every set value is added", () => {
  const m = seeded();
  const u = new m.User({ name: "New" });
  const h = inspect(u).attrs.name!.history;
  assert.deepEqual([h.added, h.unchanged, h.deleted], [["New"], [], []]);
  assert.equal(inspect(u).attrs.age!.history.isEmpty(), true);
});

test("after a flush, history is reset: what was added is unchanged", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  alice.name = "Alicia";
  s.flush();
  const h = inspect(alice).attrs.name!.history;
  assert.deepEqual([h.added, h.unchanged, h.deleted], [[], ["Alicia"], []]);
});

test("history of an expired attribute is empty and reading it emits no SQL", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  s.expire(alice, ["name"]);
  const stmts = recordStatements(m.engine, () => assert.equal(inspect(alice).attrs.name!.history.isEmpty(), true));
  assert.equal(stmts.length, 0);
});

test("collection history: appended items are added, removed ones deleted, the rest unchanged", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const [a1, a2] = alice.posts;
  const a3 = new m.Post({ title: "a3" });
  alice.posts.push(a3);
  alice.posts.splice(alice.posts.indexOf(a1!), 1);
  const h = inspect(alice).attrs.posts!.history;
  assert.deepEqual(h.added, [a3]);
  assert.deepEqual(h.unchanged, [a2]);
  assert.deepEqual(h.deleted, [a1]);
});

test("many-to-one history: the new target is added, the old one deleted (backref keeps the other side)", () => {
  const m = seeded();
  const s = m.Session();
  const [alice, bob] = [s.get(m.User, 1)!, s.get(m.User, 2)!];
  const post = alice.posts[0]!;
  post.author = bob;
  const h = inspect(post).attrs.author!.history;
  assert.deepEqual([h.added, h.deleted], [[bob], [alice]]);
  assert.deepEqual(inspect(alice).attrs.posts!.history.deleted, [post]);
  assert.deepEqual(inspect(bob).attrs.posts!.history.added, [post]);
});

test("isModified: false when loaded, true after a change, false again after flush; collections counted unless excluded", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  assert.equal(s.isModified(alice), false);
  alice.age = 50;
  assert.equal(s.isModified(alice), true);
  s.flush();
  assert.equal(s.isModified(alice), false);
  alice.posts.push(new m.Post({ title: "new" }));
  assert.equal(s.isModified(alice), true);
  assert.equal(s.isModified(alice, { includeCollections: false }), false);
});

test("isModified of a pending object is true once an attribute is set", () => {
  const m = seeded();
  assert.equal(m.Session().isModified(new m.User({ name: "x" })), true);
  assert.equal(m.Session().isModified(new m.User()), false);
});

test("inspect(obj) reports identity, hasIdentity, wasDeleted and the mapper", () => {
  const m = seeded();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  const i = inspect(bob);
  assert.deepEqual([i.identity, i.hasIdentity, i.wasDeleted, i.mapper.name, i.object === bob], [[2], true, false, "User", true]);
  s.delete(bob);
  s.flush();
  assert.equal(inspect(bob).wasDeleted, true);
  assert.throws(() => s.add(bob), InvalidRequestError);
});
