// Mirrors SQLAlchemy test/orm/test_backref_mutations.py: a change on one side of a bidirectional
// relationship (backPopulates / backref) is mirrored on the other side in memory, without SQL
// for loaded collections, and the flush writes it once.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker,
  select, inspect, asCollection, joinedload, type RelationshipAttribute, type Engine,
} from "../../src/index";
import { recordStatements, expectStatementCount, rows } from "../support/sql";
import { blog } from "../orm/blog-model";

const writes = (engine: Engine, fn: () => void) => recordStatements(engine, fn).filter((r) => /^(INSERT|UPDATE|DELETE)/.test(r.sql)).map((r) => [r.sql, [...r.params]]);

function seeded() {
  const m = blog();
  const s = m.Session();
  const alice = new m.User({ name: "Alice", age: 30 });
  const a1 = new m.Post({ title: "a1" });
  alice.posts.push(a1, new m.Post({ title: "a2" }));
  a1.tags.push(new m.Tag({ name: "t1" }));
  s.add(alice);
  s.add(new m.User({ name: "Bob", age: 25, posts: [new m.Post({ title: "b1" })] }));
  s.add(new m.Tag({ name: "t2" }));
  s.commit();
  s.close();
  return m;
}

/** One-to-one (uselist: false) with a backref. */
function oneToOne() {
  const Base = declarativeBase();
  @mapped
  class Person extends Base.model("people", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(20)),
    passport: relationship<Passport | null>("Passport", { uselist: false, backPopulates: "holder" }),
  }) {}
  @mapped
  class Passport extends Base.model("passports", {
    id: Column(Integer, { primaryKey: true }),
    number: Column(String(20)),
    person_id: Column(Integer, ForeignKey("people.id")),
    holder: relationship<Person>("Person", { backPopulates: "passport" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Person, Passport, engine, Session: sessionmaker({ bind: engine }) };
}

test("setting a many-to-one appends the object to the other side's collection", () => {
  const { User, Post } = blog();
  const u = new User({ name: "u" });
  const p = new Post({ title: "p" });
  p.author = u;
  assert.deepEqual([...u.posts], [p]);
  p.author = u;
  assert.deepEqual([...u.posts], [p], "setting the same parent again doesn't add it twice");
});

test("the constructor's keyword values fire backrefs too", () => {
  const { User, Post } = blog();
  const u = new User({ name: "u" });
  const p = new Post({ title: "p", author: u });
  const q = new Post({ title: "q" });
  const v = new User({ name: "v", posts: [q] });
  assert.deepEqual([...u.posts], [p]);
  assert.equal(q.author, v);
});

test("replacing a many-to-one moves the object from the old parent's collection to the new one", () => {
  const { User, Post } = blog();
  const u1 = new User({ name: "u1" }), u2 = new User({ name: "u2" });
  const p = new Post({ title: "p", author: u1 });
  const other = new Post({ title: "other", author: u1 });
  p.author = u2;
  assert.deepEqual([...u1.posts], [other]);
  assert.deepEqual([...u2.posts], [p]);
});

test("setting a many-to-one to null removes the object from the old parent's collection", () => {
  const { User, Post } = blog();
  const u = new User({ name: "u" });
  const p = new Post({ title: "p", author: u });
  p.author = null;
  assert.deepEqual([...u.posts], []);
});

test("appending to a collection sets the many-to-one (unshift and splice too)", () => {
  const { User, Post } = blog();
  const u = new User({ name: "u" });
  const [p, q, r] = [new Post({ title: "p" }), new Post({ title: "q" }), new Post({ title: "r" })];
  u.posts.push(p);
  u.posts.unshift(q);
  u.posts.splice(1, 0, r);
  assert.deepEqual([p.author, q.author, r.author], [u, u, u]);
  assert.deepEqual(u.posts.map((x) => x.title), ["q", "r", "p"]);
});

test("every way of removing from a collection (remove, pop, shift, splice, length) nulls the many-to-one", () => {
  const { User, Post } = blog();
  const u = new User({ name: "u" });
  const ps = ["a", "b", "c", "d", "e", "f"].map((t) => new Post({ title: t, author: u }));
  asCollection(u.posts).remove(ps[0]!);
  u.posts.pop();
  u.posts.shift();
  u.posts.splice(0, 1);
  assert.deepEqual(u.posts.map((p) => p.title), ["d", "e"]);
  u.posts.length = 0;
  assert.deepEqual(ps.map((p) => p.author), [null, null, null, null, null, null]);
});

test("assigning a new collection nulls the dropped objects' many-to-one and sets the new ones'", () => {
  const { User, Post } = blog();
  const u = new User({ name: "u" });
  const keep = new Post({ title: "keep", author: u });
  const drop = new Post({ title: "drop", author: u });
  const add = new Post({ title: "add" });
  u.posts = [keep, add];
  assert.deepEqual([keep.author, drop.author, add.author], [u, null, u]);
});

test("replacing a collection item by index updates both items' many-to-one", () => {
  const { User, Post } = blog();
  const u = new User({ name: "u" });
  const p1 = new Post({ title: "p1", author: u });
  const p2 = new Post({ title: "p2" });
  u.posts[0] = p2;
  assert.equal(p1.author, null);
  assert.equal(p2.author, u);
  assert.deepEqual([...u.posts], [p2]);
});

test("many-to-many: append and remove on one side are mirrored on the other", () => {
  const { Post, Tag } = blog();
  const p = new Post({ title: "p" });
  const t1 = new Tag({ name: "t1" }), t2 = new Tag({ name: "t2" });
  p.tags.push(t1, t2);
  assert.deepEqual([...t1.posts], [p]);
  assert.deepEqual([...t2.posts], [p]);
  asCollection(t1.posts).remove(p);
  assert.deepEqual([...p.tags], [t2]);
  p.tags = [t1];
  assert.deepEqual([[...t1.posts], [...t2.posts]], [[p], []]);
});

test("one-to-one: setting either side sets the other; the previous partner's own attribute is not touched", () => {
  const { Person, Passport } = oneToOne();
  const alice = new Person({ name: "alice" });
  const bob = new Person({ name: "bob" });
  const pp = new Passport({ number: "X1" });
  alice.passport = pp;
  assert.equal(pp.holder, alice);
  bob.passport = pp;
  assert.equal(pp.holder, bob);
  assert.equal(alice.passport, pp, "as in SQLAlchemy, the backref doesn't extend to the previous holder's attribute");
  const pp2 = new Passport({ number: "X2" });
  pp2.holder = bob;
  assert.equal(bob.passport, pp2);
});

test("persistent objects with loaded collections: moving a child emits no SQL and both collections follow", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!, b = s.get(User, 2)!;
  assert.deepEqual([a.posts.length, b.posts.length], [2, 1]);
  const a1 = a.posts[0]!;
  expectStatementCount(engine, 0, () => {
    a1.author = b;
    assert.deepEqual(a.posts.map((p) => p.title), ["a2"]);
    assert.deepEqual(b.posts.map((p) => p.title).sort(), ["a1", "b1"]);
  });
  assert.deepEqual(writes(engine, () => s.flush()), [["UPDATE posts SET user_id=? WHERE posts.id = ?", [2, a1.id]]]);
});

test("a many-to-one set to a parent whose collection is not loaded emits no SQL; the collection loads with the child once", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const b = s.get(User, 2)!;
  const a2 = s.scalars(select(Post).where(Post.title.eq("a2"))).one();
  const a = s.get(User, 1)!;
  assert.equal(inspect(b).unloaded.has("posts"), true);
  expectStatementCount(engine, 0, () => { a2.author = b; });
  assert.equal(inspect(b).unloaded.has("posts"), true, "the backref doesn't load the collection");
  assert.deepEqual(b.posts.map((p) => p.title).sort(), ["a2", "b1"]);
  assert.deepEqual(a.posts.map((p) => p.title), ["a1"]);
  assert.equal(a2.user_id, 2);
});

test("many-to-many with loaded collections: no SQL until the flush, which writes one association row per link", () => {
  const { Post, Tag, engine, Session } = seeded();
  const s = Session();
  const a1 = s.scalars(select(Post).where(Post.title.eq("a1"))).one();
  const t2 = s.scalars(select(Tag).where(Tag.name.eq("t2"))).one();
  const t1 = a1.tags[0]!;
  assert.deepEqual([t1.posts.length, t2.posts.length], [1, 0]);
  expectStatementCount(engine, 0, () => {
    a1.tags.push(t2);
    asCollection(t1.posts).remove(a1);
    assert.deepEqual(a1.tags.map((t) => t.name), ["t2"]);
    assert.deepEqual([...t2.posts], [a1]);
  });
  assert.deepEqual(writes(engine, () => s.flush()).sort(), [
    ["DELETE FROM post_tags WHERE post_tags.post_id = ? AND post_tags.tag_id = ?", [a1.id, t1.id]],
    ["INSERT INTO post_tags (post_id, tag_id) VALUES (?, ?)", [a1.id, t2.id]],
  ].sort());
  s.commit();
  assert.deepEqual(rows(engine, "SELECT post_id, tag_id FROM post_tags"), [[a1.id, t2.id]]);
});

test("many-to-many: appending to a collection whose other side isn't loaded emits no SQL; the other side loads with it", () => {
  const { Post, Tag, engine, Session } = seeded();
  const s = Session();
  const b1 = s.scalars(select(Post).where(Post.title.eq("b1"))).one();
  const t2 = s.scalars(select(Tag).where(Tag.name.eq("t2"))).one();
  assert.equal(inspect(t2).unloaded.has("posts"), true);
  const stmts = recordStatements(engine, () => { b1.tags.push(t2); });
  assert.equal(stmts.filter((r) => r.sql.includes("post_tags") || r.sql.includes("FROM tags")).length, 1, "only b1.tags itself is loaded");
  assert.equal(inspect(t2).unloaded.has("posts"), true);
  assert.deepEqual(t2.posts.map((p) => p.title), ["b1"]);
});

test("the flush after a backref change on pending objects writes the key once, from either side", () => {
  const { User, Post, engine, Session } = blog();
  const s = Session();
  const u = new User({ name: "u" });
  const viaM2O = new Post({ title: "via m2o" });
  const viaList = new Post({ title: "via list" });
  viaM2O.author = u;
  u.posts.push(viaList);
  s.add(u);
  const w = writes(engine, () => s.flush());
  assert.deepEqual(w, [
    ["INSERT INTO users (name, age) VALUES (?, ?)", ["u", null]],
    ["INSERT INTO posts (title, user_id) VALUES (?, ?), (?, ?)", ["via m2o", 1, "via list", 1]],
  ]);
});

test("backref: declared on one side only, the other class gets a working attribute", () => {
  const Base = declarativeBase();
  @mapped
  class Dept extends Base.model("depts", { id: Column(Integer, { primaryKey: true }), name: Column(String(20)) }) {
    declare staff: Emp[];
    declare static staff: RelationshipAttribute<Emp[]>;
  }
  @mapped
  class Emp extends Base.model("emps", {
    id: Column(Integer, { primaryKey: true }),
    dept_id: Column(Integer, ForeignKey("depts.id")),
    dept: relationship<Dept>("Dept", { backref: "staff" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  const d = new Dept({ name: "eng" });
  const e1 = new Emp({ dept: d });
  const e2 = new Emp();
  d.staff.push(e2);
  assert.deepEqual([...d.staff], [e1, e2]);
  assert.equal(e2.dept, d);
  s.add(d);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT dept_id FROM emps ORDER BY id"), [[1], [1]]);
  const loaded = s.scalars(select(Dept)).one();
  assert.equal(loaded.staff.length, 2);
});

test("one-to-one persistent: giving the passport to another person is one UPDATE of its foreign key", () => {
  const { Person, Passport, engine, Session } = oneToOne();
  let s = Session();
  s.add(new Person({ name: "alice", passport: new Passport({ number: "X1" }) }));
  s.add(new Person({ name: "bob" }));
  s.commit();
  s.close();
  s = Session();
  const [alice, bob] = s.scalars(select(Person).options(joinedload(Person.passport)).orderBy(Person.id)).unique().all() as [InstanceType<typeof Person>, InstanceType<typeof Person>];
  const pp = alice.passport!;
  assert.equal(bob.passport, null);
  bob.passport = pp;
  assert.equal(pp.holder, bob);
  assert.deepEqual(writes(engine, () => s.flush()), [["UPDATE passports SET person_id=? WHERE passports.id = ?", [bob.id, pp.id]]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT number, person_id FROM passports"), [["X1", 2]]);
  void alice;
});

test("moving a child to a new parent through its many-to-one, after its old parent's collection was loaded, keeps the new key", () => {
  // The old parent's collection records a removal (key ← NULL) and the child records its new parent;
  // whichever changed first, the new parent's key is what the UPDATE writes.
  const m = blog();
  const s = m.Session();
  s.add(new m.User({ name: "old", posts: [new m.Post({ title: "p" })] }));
  s.commit();
  s.close();
  const s2 = m.Session();
  const old = s2.scalars(select(m.User)).one();
  const post = old.posts[0]!;
  const fresh = new m.User({ name: "new" });
  post.author = fresh;
  s2.add(fresh);
  assert.deepEqual(writes(m.engine, () => s2.commit()), [["INSERT INTO users (name, age) VALUES (?, ?)", ["new", null]], ["UPDATE posts SET user_id=? WHERE posts.id = ?", [2, 1]]]);
  assert.deepEqual(rows(m.engine, "SELECT id, user_id FROM posts"), [[1, 2]]);
});
