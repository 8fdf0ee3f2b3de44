// Mirrors SQLAlchemy test/orm/test_cascade.py: save-update, delete, delete-orphan, expunge and merge
// cascades along relationships, what happens to children without delete cascade, many-to-many
// association rows, and (SQLAlchemy 2.0) no save-update cascade along a backref.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker,
  select, inspect, asCollection, InvalidRequestError, type Engine,
} from "../../src/index";
import { recordStatements, rows } from "../support/sql";
import { blog } from "../orm/blog-model";

const writes = (engine: Engine, fn: () => void) => recordStatements(engine, fn).filter((r) => /^(INSERT|UPDATE|DELETE)/.test(r.sql)).map((r) => [r.sql, [...r.params]] as [string, unknown[]]);

function seeded(cascade?: string) {
  const m = blog(cascade ? { cascade } : {});
  const s = m.Session();
  const alice = new m.User({ name: "Alice", age: 30 });
  const a1 = new m.Post({ title: "a1" });
  alice.posts.push(a1, new m.Post({ title: "a2" }));
  a1.tags.push(new m.Tag({ name: "t1" }), new m.Tag({ name: "t2" }));
  s.add(alice);
  s.add(new m.User({ name: "Bob", age: 25, posts: [new m.Post({ title: "b1" })] }));
  s.commit();
  s.close();
  return m;
}

/** Three levels, each collection with "all, delete-orphan". */
function threeLevels() {
  const Base = declarativeBase();
  @mapped
  class Order extends Base.model("orders", {
    id: Column(Integer, { primaryKey: true }),
    ref: Column(String(10)),
    lines: relationship<Line[]>("Line", { backPopulates: "order", cascade: "all, delete-orphan" }),
  }) {}
  @mapped
  class Line extends Base.model("lines", {
    id: Column(Integer, { primaryKey: true }),
    order_id: Column(Integer, ForeignKey("orders.id"), { nullable: false }),
    sku: Column(String(10)),
    order: relationship<Order>("Order", { backPopulates: "lines" }),
    notes: relationship<Note[]>("Note", { cascade: "all, delete-orphan" }),
  }) {}
  @mapped
  class Note extends Base.model("notes", {
    id: Column(Integer, { primaryKey: true }),
    line_id: Column(Integer, ForeignKey("lines.id"), { nullable: false }),
    text: Column(String(20)),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Order, Line, Note, engine, Session: sessionmaker({ bind: engine }) };
}

test("save-update: add() of a parent brings its children (and their many-to-many targets) into the session", () => {
  const { User, Post, Tag, Session } = blog();
  const s = Session();
  const t = new Tag({ name: "t" });
  const p = new Post({ title: "p", tags: [t] });
  const u = new User({ name: "u", posts: [p] });
  s.add(u);
  assert.deepEqual(new Set(s.new), new Set([u, p, t]));
  s.commit();
  assert.equal(s.scalars(select(Tag)).one().posts[0]!.author, u);
});

test("save-update: appending to a collection of a persistent object puts the child in the session at once", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const p = new Post({ title: "a3" });
  a.posts.push(p);
  assert.equal(inspect(p).pending, true);
  assert.equal(s.new.has(p), true);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT user_id FROM posts WHERE title = 'a3'"), [[1]]);
});

test("save-update: assigning a new object to a many-to-one of a persistent object puts it in the session", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  s.add(new Post({ title: "no author" }));
  s.commit();
  const p = s.scalars(select(Post).where(Post.title.eq("no author"))).one();
  const u = new User({ name: "Carol" });
  p.author = u;
  assert.equal(inspect(u).pending, true);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT u.name FROM posts p JOIN users u ON p.user_id = u.id WHERE p.title = 'no author'"), [["Carol"]]);
});

test("backref doesn't cascade (2.0): setting the many-to-one of a new object to a persistent parent leaves it out of the session", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const p = new Post({ title: "loose" });
  p.author = a;
  assert.equal(inspect(p).transient, true);
  assert.equal(s.contains(p), false);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT count(*) FROM posts WHERE title = 'loose'"), [[0]]);
});

test("cascade without save-update: children of an added parent stay out of the session and are not inserted", () => {
  const { User, Post, engine, Session } = blog({ cascade: "merge" });
  const s = Session();
  const p = new Post({ title: "p" });
  const u = new User({ name: "u", posts: [p] });
  s.add(u);
  assert.equal(s.contains(p), false);
  s.commit();
  assert.equal(inspect(p).transient, true);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM users"), [[1]]);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM posts"), [[0]]);
});

test("delete cascade: deleting a parent deletes its children, loading them first when not loaded", () => {
  const { User, Post, engine, Session } = seeded("all");
  const s = Session();
  const a = s.get(User, 1)!;
  assert.equal(inspect(a).unloaded.has("posts"), true);
  const stmts = recordStatements(engine, () => { s.delete(a); s.flush(); }).map((r) => r.sql);
  assert.ok(stmts.some((q) => q.startsWith("SELECT posts.id, posts.title, posts.user_id FROM posts WHERE posts.user_id")), stmts.join("\n"));
  assert.equal(stmts.some((q) => q.startsWith("UPDATE")), false);
  s.commit();
  assert.deepEqual(s.scalars(select(Post.title).orderBy(Post.title)).all(), ["b1"]);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM post_tags"), [[0]]);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM tags"), [[2]], "delete cascade doesn't follow Post.tags (default cascade)");
});

test("delete cascade goes through every level, deepest rows first", () => {
  const { Order, Line, Note, engine, Session } = threeLevels();
  let s = Session();
  s.add(new Order({ ref: "o1", lines: [new Line({ sku: "x", notes: [new Note({ text: "n1" }), new Note({ text: "n2" })] }), new Line({ sku: "y" })] }));
  s.add(new Order({ ref: "o2", lines: [new Line({ sku: "z", notes: [new Note({ text: "n3" })] })] }));
  s.commit();
  s.close();
  s = Session();
  s.delete(s.scalars(select(Order).where(Order.ref.eq("o1"))).one());
  const dels = writes(engine, () => s.flush()).map(([q]) => q.split(" ")[2]);
  assert.deepEqual(dels, ["notes", "lines", "orders"]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT text FROM notes"), [["n3"]]);
  assert.deepEqual(rows(engine, "SELECT sku FROM lines"), [["z"]]);
  void Line; void Note;
});

test("delete-orphan: removing a child from its parent's collection deletes it", () => {
  const { User, Post, engine, Session } = seeded("all, delete-orphan");
  const s = Session();
  const a = s.get(User, 1)!;
  const a2 = a.posts.find((p) => p.title === "a2")!;
  asCollection(a.posts).remove(a2);
  const w = writes(engine, () => s.flush());
  assert.deepEqual(w.filter(([q]) => !q.startsWith("DELETE FROM post_tags")), [["DELETE FROM posts WHERE posts.id = ?", [a2.id]]]);
  assert.equal(inspect(a2).wasDeleted, true);
  s.commit();
  assert.deepEqual(s.scalars(select(Post.title).orderBy(Post.title)).all(), ["a1", "b1"]);
});

test("delete-orphan: replacing a collection deletes the children left out", () => {
  const { User, Post, Session } = seeded("all, delete-orphan");
  const s = Session();
  const a = s.get(User, 1)!;
  const keep = a.posts.find((p) => p.title === "a1")!;
  a.posts = [keep, new Post({ title: "a3" })];
  s.commit();
  assert.deepEqual(s.scalars(select(Post.title).where(Post.user_id.eq(1)).orderBy(Post.title)).all(), ["a1", "a3"]);
  assert.deepEqual(s.scalars(select(Post.title).orderBy(Post.title)).all(), ["a1", "a3", "b1"]);
});

test("delete-orphan: a child moved to another parent is updated, not deleted", () => {
  const { User, Post, engine, Session } = seeded("all, delete-orphan");
  const s = Session();
  const a = s.get(User, 1)!;
  const b = s.get(User, 2)!;
  const a1 = a.posts.find((p) => p.title === "a1")!;
  assert.equal(b.posts.length, 1, "loaded before the move: a lazy load would autoflush the orphan away");
  asCollection(a.posts).remove(a1);
  b.posts.push(a1);
  assert.deepEqual(writes(engine, () => s.flush()), [["UPDATE posts SET user_id=? WHERE posts.id = ?", [2, a1.id]]]);
  assert.equal(inspect(a1).persistent, true);
  s.commit();
  assert.deepEqual(s.scalars(select(Post.title).where(Post.user_id.eq(2)).orderBy(Post.title)).all(), ["a1", "b1"]);
});

test("delete-orphan: setting the child's many-to-one to null makes it an orphan, deleted at the flush", () => {
  const { User, Post, engine, Session } = seeded("all, delete-orphan");
  const s = Session();
  const alice = s.get(User, 1)!;
  assert.equal(alice.posts.length, 2);
  const a1 = s.scalars(select(Post).where(Post.title.eq("a1"))).one();
  a1.author = null;
  assert.deepEqual(alice.posts.map((p) => p.title), ["a2"]);
  const w = writes(engine, () => s.flush());
  assert.deepEqual(w.filter(([q]) => q.startsWith("DELETE FROM posts")), [["DELETE FROM posts WHERE posts.id = ?", [a1.id]]]);
  assert.equal(w.some(([q]) => q.startsWith("UPDATE")), false);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title FROM posts ORDER BY title"), [["a2"], ["b1"]]);
});

test("without delete cascade, deleting a parent sets the foreign key of its loaded children to NULL", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const [p1, p2] = [a.posts[0]!, a.posts[1]!];
  s.delete(a);
  const w = writes(engine, () => s.flush());
  // The children's keys in one UPDATE (each VALUES row: new key, child's id), then the parent's DELETE.
  assert.equal(w[0]![0], "UPDATE posts SET user_id=v.column1 FROM (VALUES (?, ?), (?, ?)) AS v WHERE posts.id = v.column2");
  const params = w[0]![1];
  assert.deepEqual([params.slice(0, 2), params.slice(2)].sort(), [[null, p1.id], [null, p2.id]].sort());
  assert.deepEqual(w[1], ["DELETE FROM users WHERE users.id = ?", [1]]);
  assert.equal(w.length, 2);
  assert.deepEqual([p1.user_id, p2.user_id], [null, null]);
  assert.equal(inspect(p1).persistent, true);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title, user_id FROM posts ORDER BY title"), [["a1", null], ["a2", null], ["b1", 2]]);
});

test("many-to-many: deleting one side removes only the association rows; the other side's objects stay", () => {
  const { Post, Tag, engine, Session } = seeded();
  const s = Session();
  const a1 = s.scalars(select(Post).where(Post.title.eq("a1"))).one();
  const tags = [...a1.tags];
  s.delete(a1);
  const w = writes(engine, () => s.flush());
  assert.deepEqual(w[w.length - 1], ["DELETE FROM posts WHERE posts.id = ?", [a1.id]]);
  assert.ok(w.length > 1 && w.slice(0, -1).every(([q]) => q.startsWith("DELETE FROM post_tags")), "association rows go first, nothing else is written");
  for (const t of tags) assert.equal(inspect(t).persistent, true);
  s.commit();
  assert.deepEqual(s.scalars(select(Tag.name).orderBy(Tag.name)).all(), ["t1", "t2"]);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM post_tags"), [[0]]);
});

test("many-to-many: removing from the collection deletes the association row only", () => {
  const { Post, Tag, engine, Session } = seeded();
  const s = Session();
  const a1 = s.scalars(select(Post).where(Post.title.eq("a1"))).one();
  const t1 = a1.tags.find((t) => t.name === "t1")!;
  asCollection(a1.tags).remove(t1);
  assert.deepEqual(writes(engine, () => s.flush()), [["DELETE FROM post_tags WHERE post_tags.post_id = ? AND post_tags.tag_id = ?", [a1.id, t1.id]]]);
  assert.equal(inspect(t1).persistent, true);
  s.commit();
  assert.deepEqual(s.scalars(select(Tag.name).orderBy(Tag.name)).all(), ["t1", "t2"]);
});

test("expunge cascade: with \"all\", expunge() of a parent also expunges its loaded children", () => {
  const { User, Session } = seeded("all");
  const s = Session();
  const a = s.get(User, 1)!;
  const posts = [...a.posts];
  s.expunge(a);
  assert.equal(inspect(a).detached, true);
  for (const p of posts) assert.equal(inspect(p).detached, true);
});

test("default cascade has no expunge: expunge() of a parent leaves its children in the session", () => {
  const { User, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const posts = [...a.posts];
  s.expunge(a);
  assert.equal(inspect(a).detached, true);
  for (const p of posts) assert.equal(inspect(p).persistent, true);
});

test("merge cascade: merging a detached parent merges its loaded children too", () => {
  const { User, engine, Session } = seeded();
  const s1 = Session();
  const d = s1.get(User, 1)!;
  const dp = d.posts.find((p) => p.title === "a1")!;
  s1.close();
  d.name = "Alicia";
  dp.title = "a1 edited";
  const s2 = Session();
  const m = s2.merge(d);
  assert.notEqual(m, d);
  const mp = m.posts.find((p) => p.id === dp.id)!;
  assert.notEqual(mp, dp);
  assert.equal(mp.title, "a1 edited");
  assert.equal(inspect(dp).detached, true);
  s2.commit();
  assert.deepEqual(rows(engine, "SELECT name FROM users WHERE id = 1"), [["Alicia"]]);
  assert.deepEqual(rows(engine, "SELECT title FROM posts WHERE user_id = 1 ORDER BY id"), [["a1 edited"], ["a2"]]);
});

test("without merge cascade, merge() copies the parent only", () => {
  const { User, engine, Session } = seeded("save-update");
  const s1 = Session();
  const d = s1.get(User, 1)!;
  const dp = d.posts[0]!;
  s1.close();
  d.name = "Alicia";
  dp.title = "not merged";
  const s2 = Session();
  s2.merge(d);
  s2.commit();
  assert.deepEqual(rows(engine, "SELECT name FROM users WHERE id = 1"), [["Alicia"]]);
  assert.deepEqual(rows(engine, "SELECT title FROM posts WHERE user_id = 1 ORDER BY id"), [["a1"], ["a2"]]);
});

test("a cascaded delete is undone by rollback(): parent and children are persistent again", () => {
  const { User, engine, Session } = seeded("all, delete-orphan");
  const s = Session();
  const a = s.get(User, 1)!;
  const posts = [...a.posts];
  s.delete(a);
  s.flush();
  assert.deepEqual(rows(engine, "SELECT count(*) FROM posts"), [[1]]);
  s.rollback();
  assert.equal(inspect(a).persistent, true);
  for (const p of posts) assert.equal(inspect(p).persistent, true);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM posts"), [[3]]);
  assert.deepEqual(a.posts.map((p) => p.title).sort(), ["a1", "a2"]);
});

test("singleParent: an object held by one parent through the relationship can't be given to a second one", () => {
  const Base = declarativeBase();
  @mapped class Owner extends Base.model("owners", { id: Column(Integer, { primaryKey: true }), name: Column(String(20)) }) {}
  @mapped class Pet extends Base.model("pets", {
    id: Column(Integer, { primaryKey: true }), owner_id: Column(Integer, ForeignKey("owners.id")),
    owner: relationship<Owner>("Owner", { cascade: "all, delete-orphan", singleParent: true }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  const ann = new Owner({ name: "ann" });
  const rex = new Pet({ owner: ann });
  const fido = new Pet();
  assert.throws(() => { fido.owner = ann; }, (e: Error) => e instanceof InvalidRequestError && /is already associated with an instance of Pet via its Pet\.owner attribute, and is only allowed a single parent/.test(e.message));
  assert.equal(fido.owner, null, "nothing changed");
  rex.owner = null;
  fido.owner = ann;
  s.add(fido);
  s.add(rex);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT id, owner_id FROM pets ORDER BY id"), [[fido.id, ann.id], [rex.id, null]]);
  void Owner;
});

function families() {
  const Base = declarativeBase();
  @mapped class Parent extends Base.model("parents", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(20)),
    children: relationship<Child[]>("Child", { cascade: "all, delete-orphan", backPopulates: "parent" }),
  }) {}
  @mapped class Child extends Base.model("children", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(20)),
    parent_id: Column(Integer, ForeignKey("parents.id"), { nullable: false }),
    parent: relationship<Parent>("Parent", { backPopulates: "children" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  for (const n of ["a", "b", "c"]) s.add(new Parent({ name: n, children: [new Child({ name: `${n}1` }), new Child({ name: `${n}2` })] }));
  s.commit();
  s.close();
  return { Parent, Child, engine, Session };
}

test("cascade delete of children with nothing of their own to visit, none held by the session: deleted by their parents' keys, never read", () => {
  const m = families();
  const s = m.Session();
  for (const p of s.scalars(select(m.Parent).where(m.Parent.name.ne("c"))).all()) s.delete(p);
  const stmts = recordStatements(m.engine, () => s.commit()).map((r) => r.sql).filter((q) => !/^(BEGIN|COMMIT|SAVEPOINT|RELEASE)/.test(q));
  assert.deepEqual(stmts, [
    "DELETE FROM children WHERE children.parent_id IN (?, ?)",
    "DELETE FROM parents WHERE parents.id IN (?, ?)",
  ]);
  assert.deepEqual(rows(m.engine, "SELECT name FROM children ORDER BY id"), [["c1"], ["c2"]]);
  assert.equal(s.identityMap.size, 0, "no child was made into an object");
});

test("a new child added to a deleted parent's unloaded collection goes with it: never inserted, and the other children deleted", () => {
  for (const holdOne of [false, true]) {
    const m = families();
    const s = m.Session();
    if (holdOne) s.get(m.Child, 5); // a child of another parent in the session: children are read by key
    const a = s.scalars(select(m.Parent).where(m.Parent.name.eq("a"))).one();
    const late = new m.Child({ name: "late" });
    late.parent = a; // a.children is not loaded: the backref records the addition
    s.add(late);
    s.delete(a);
    s.commit();
    assert.equal(inspect(late).transient, true, `holdOne=${holdOne}: the pending child was expunged, not inserted`);
    assert.deepEqual(rows(m.engine, "SELECT name FROM children ORDER BY id"), [["b1"], ["b2"], ["c1"], ["c2"]], `holdOne=${holdOne}`);
  }
});

test("a new child added to a deleted parent's unloaded collection goes with it when the children load as objects too", () => {
  const Base = declarativeBase();
  @mapped class Box extends Base.model("boxes", {
    id: Column(Integer, { primaryKey: true }),
    kids: relationship<Kid[]>("Kid", { cascade: "all, delete-orphan", backPopulates: "box" }),
  }) {}
  @mapped class Kid extends Base.model("kids", {
    id: Column(Integer, { primaryKey: true }), box_id: Column(Integer, ForeignKey("boxes.id"), { nullable: false }),
    box: relationship<Box>("Box", { backPopulates: "kids" }),
    toys: relationship<Toy[]>("Toy", { cascade: "all, delete-orphan" }), // a collection of its own: kids load as objects
  }) {}
  @mapped class Toy extends Base.model("toys", { id: Column(Integer, { primaryKey: true }), kid_id: Column(Integer, ForeignKey("kids.id")) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const seed = Session();
  seed.add(new Box({ id: 1, kids: [new Kid({ id: 1, toys: [new Toy({ id: 1 })] })] }));
  seed.commit();
  const s = Session();
  const box = s.get(Box, 1)!;
  const late = new Kid({ id: 2 });
  late.box = box; // box.kids is not loaded
  s.add(late);
  s.delete(box);
  s.commit();
  assert.equal(inspect(late).transient, true, "expunged, not inserted");
  assert.deepEqual(rows(engine, "SELECT (SELECT count(*) FROM boxes), (SELECT count(*) FROM kids), (SELECT count(*) FROM toys)"), [[0, 0, 0]]);
});

test("cascade delete by key when the session holds children: their keys are read; held ones are deleted as objects, one given another parent meanwhile stays", () => {
  const m = families();
  const s = m.Session();
  const a1 = s.get(m.Child, 1)!, a2 = s.get(m.Child, 2)!;
  const c = s.get(m.Parent, 3)!;
  a2.parent = c; // moved in memory: a's collection is not loaded
  s.delete(s.get(m.Parent, 1)!);
  s.commit();
  assert.equal(inspect(a1).wasDeleted, true);
  assert.equal(inspect(a1).detached, true);
  assert.equal(inspect(a2).persistent, true);
  assert.deepEqual(rows(m.engine, "SELECT name, parent_id FROM children ORDER BY id"), [["a2", 3], ["b1", 2], ["b2", 2], ["c1", 3], ["c2", 3]]);
});
