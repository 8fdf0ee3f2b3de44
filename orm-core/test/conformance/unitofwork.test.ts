// Mirrors SQLAlchemy test/orm/test_unitofwork.py and test/orm/test_unitofworkv2.py: what a flush
// emits (statement order, columns, parameters) and the rows and object state it leaves behind.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker,
  select, func, inspect, asCollection, IntegrityError, PendingRollbackError,
} from "../../src/index";
import { recordStatements, expectStatementCount, type Recorded, rows } from "../support/sql";
import { blog } from "../orm/blog-model";

/** INSERT / UPDATE / DELETE statements with their parameters. */
const writes = (rs: Recorded[]) => rs.filter((r) => /^(INSERT|UPDATE|DELETE)/.test(r.sql)).map((r) => [r.sql, [...r.params]] as [string, unknown[]]);
/** Rows straight from the database, outside the ORM. */

function seeded(cascade?: string) {
  const m = blog(cascade ? { cascade } : {});
  const s = m.Session();
  const alice = new m.User({ name: "Alice", age: 30 });
  alice.posts.push(new m.Post({ title: "a1" }), new m.Post({ title: "a2" }));
  s.add(alice);
  s.add(new m.User({ name: "Bob", age: 25 }));
  s.commit();
  s.close();
  return m;
}

function tree() {
  const Base = declarativeBase();
  @mapped
  class Node extends Base.model("nodes", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(20), { nullable: false }),
    parent_id: Column(Integer, ForeignKey("nodes.id")),
    parent: relationship<Node>("Node", { remoteSide: "id", backPopulates: "children" }),
    children: relationship<Node[]>("Node", { backPopulates: "parent", cascade: "all, delete-orphan" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Node, engine, Session: sessionmaker({ bind: engine }) };
}

test("parent row is inserted before the child row even when only the child was added", () => {
  const { User, Post, engine, Session } = blog();
  const s = Session();
  const u = new User({ name: "u1" });
  const p = new Post({ title: "p1", author: u });
  s.add(p);
  assert.equal(s.contains(u), true, "save-update cascade along Post.author");
  const w = writes(recordStatements(engine, () => s.flush()));
  assert.deepEqual(w, [
    ["INSERT INTO users (name, age) VALUES (?, ?)", ["u1", null]],
    ["INSERT INTO posts (title, user_id) VALUES (?, ?)", ["p1", 1]],
  ]);
  assert.equal(p.user_id, 1);
  assert.equal(u.id, 1);
});

test("the generated key of a parent is copied into the foreign key of every child", () => {
  const { User, Post, engine, Session } = blog();
  const s = Session();
  s.add(new User({ name: "first" }));
  s.flush();
  const u = new User({ name: "second", posts: [new Post({ title: "x" }), new Post({ title: "y" })] });
  s.add(u);
  s.flush();
  assert.equal(u.id, 2);
  assert.deepEqual(u.posts.map((p) => p.user_id), [2, 2]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title, user_id FROM posts ORDER BY id"), [["x", 2], ["y", 2]]);
});

test("rows of one table are inserted in the order they were added", () => {
  const { User, engine, Session } = blog();
  const s = Session();
  s.addAll([new User({ name: "c" }), new User({ name: "a" }), new User({ name: "b" })]);
  const w = writes(recordStatements(engine, () => s.flush()));
  // One multi-row INSERT, its rows in the order added.
  assert.deepEqual(w, [["INSERT INTO users (name, age) VALUES (?, ?), (?, ?), (?, ?)", ["c", null, "a", null, "b", null]]]);
  assert.deepEqual(rows(engine, "SELECT id, name FROM users ORDER BY id"), [[1, "c"], [2, "a"], [3, "b"]]);
});

test("a many-to-one to a new parent: INSERT of the parent, then UPDATE of the child's foreign key", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  s.add(new Post({ title: "orphan" }));
  s.commit();
  const p = s.scalars(select(Post).where(Post.title.eq("orphan"))).one();
  p.author = new User({ name: "Carol" });
  const w = writes(recordStatements(engine, () => s.flush()));
  assert.deepEqual(w, [
    ["INSERT INTO users (name, age) VALUES (?, ?)", ["Carol", null]],
    ["UPDATE posts SET user_id=? WHERE posts.id = ?", [3, p.id]],
  ]);
  assert.equal(p.user_id, 3);
});

test("UPDATE sets only the changed columns, in table order, keyed by the primary key", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 31;
  a.name = "Alicia";
  const w = writes(recordStatements(engine, () => s.flush()));
  assert.deepEqual(w, [["UPDATE users SET name=?, age=? WHERE users.id = ?", ["Alicia", 31, 1]]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT name, age FROM users WHERE id = 1"), [["Alicia", 31]]);
});

test("assigning the value an attribute already has emits no UPDATE (the object is dirty, but not modified)", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.name = "Alice";
  assert.equal(s.dirty.has(a), true, "session.dirty is optimistic: any set counts");
  assert.equal(s.isModified(a), false);
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), []);
});

test("changing a value and changing it back before the flush emits no UPDATE", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 99;
  a.age = 30;
  assert.equal(s.isModified(a), false);
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), []);
});

test("setting a nullable column to null sends NULL in the UPDATE", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = null;
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), [["UPDATE users SET age=? WHERE users.id = ?", [null, 1]]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT age FROM users WHERE id = 1"), [[null]]);
});

test("a second flush in the same transaction sends only what changed since the first", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 40;
  s.flush();
  a.name = "Al";
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), [["UPDATE users SET name=? WHERE users.id = ?", ["Al", 1]]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT name, age FROM users WHERE id = 1"), [["Al", 40]]);
});

test("moving a child to another parent updates only its foreign key", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const p = s.scalars(select(Post).where(Post.title.eq("a1"))).one();
  const bob = s.get(User, 2)!;
  p.author = bob;
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), [["UPDATE posts SET user_id=? WHERE posts.id = ?", [2, p.id]]]);
  assert.equal(p.user_id, 2);
});

test("removing a child from a collection without delete-orphan sets its foreign key to NULL", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const p = a.posts[0]!;
  asCollection(a.posts).remove(p);
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), [["UPDATE posts SET user_id=? WHERE posts.id = ?", [null, p.id]]]);
  assert.equal(p.user_id, null);
  assert.equal(inspect(p).persistent, true);
});

test("DELETE of children comes before DELETE of their parent (delete cascade)", () => {
  const { User, engine, Session } = seeded("all, delete-orphan");
  const s = Session();
  s.delete(s.get(User, 1)!);
  const w = writes(recordStatements(engine, () => s.flush()));
  const firstPost = w.findIndex(([q]) => q.startsWith("DELETE FROM posts"));
  const user = w.findIndex(([q]) => q.startsWith("DELETE FROM users"));
  assert.ok(firstPost >= 0 && user > firstPost, w.map(([q]) => q).join("\n"));
  assert.equal(w.some(([q]) => q.startsWith("UPDATE")), false);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT count(*) FROM posts"), [[0]]);
  assert.deepEqual(rows(engine, "SELECT name FROM users"), [["Bob"]]);
});

test("parent and children deleted explicitly: children go first whatever the delete() order, and are not nulled first", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const posts = s.scalars(select(Post).where(Post.user_id.eq(1))).all();
  assert.equal(posts.length, 2);
  s.delete(s.get(User, 1)!);
  for (const p of posts) s.delete(p);
  const w = writes(recordStatements(engine, () => s.flush()));
  assert.equal(w.some(([q]) => q.startsWith("UPDATE")), false, "children being deleted are not unlinked first");
  const lastPost = w.map(([q]) => q).lastIndexOf(w.find(([q]) => q.startsWith("DELETE FROM posts"))![0]);
  assert.ok(lastPost < w.findIndex(([q]) => q.startsWith("DELETE FROM users")));
  s.commit();
  assert.deepEqual(rows(engine, "SELECT count(*) FROM posts"), [[0]]);
});

test("self-referential rows: each node is inserted after the node it refers to", () => {
  const { Node, engine, Session } = tree();
  const s = Session();
  const root = new Node({ name: "root" });
  const c1 = new Node({ name: "c1", parent: root });
  const c2 = new Node({ name: "c2", parent: root });
  const gc = new Node({ name: "gc", parent: c1 });
  s.addAll([gc, c2, c1, root]);
  const w = writes(recordStatements(engine, () => s.flush()));
  const order = w.map(([, p]) => p[0]);
  assert.equal(order.length, 4);
  assert.ok(order.indexOf("root") < order.indexOf("c1") && order.indexOf("root") < order.indexOf("c2"));
  assert.ok(order.indexOf("c1") < order.indexOf("gc"));
  assert.deepEqual([c1.parent_id, c2.parent_id, gc.parent_id], [root.id, root.id, c1.id]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT n.name, p.name FROM nodes n LEFT JOIN nodes p ON n.parent_id = p.id ORDER BY n.name"),
    [["c1", "root"], ["c2", "root"], ["gc", "c1"], ["root", null]]);
});

test("self-referential rows: children are deleted before the node they refer to", () => {
  const { Node, engine, Session } = tree();
  let s = Session();
  s.add(new Node({ name: "root", children: [new Node({ name: "c1", children: [new Node({ name: "gc" })] }), new Node({ name: "c2" })] }));
  s.commit();
  s.close();
  const idByName = new Map(rows(engine, "SELECT name, id FROM nodes").map(([n, id]) => [n, id]));
  const idOf = (n: string) => idByName.get(n);
  s = Session();
  s.delete(s.scalars(select(Node).where(Node.name.eq("root"))).one());
  const dels = recordStatements(engine, () => s.flush()).filter((r) => r.sql.startsWith("DELETE"));
  const ids = dels.flatMap((r) => [...r.params]);
  assert.equal(ids.length, 4);
  assert.ok(ids.indexOf(idOf("gc")) < ids.indexOf(idOf("c1")));
  assert.equal(ids[ids.length - 1], idOf("root"));
  s.commit();
  assert.deepEqual(rows(engine, "SELECT count(*) FROM nodes"), [[0]]);
});

test("many-to-many: association rows are inserted after both rows they link", () => {
  const { Post, Tag, engine, Session } = blog();
  const s = Session();
  const t1 = new Tag({ name: "t1" }), t2 = new Tag({ name: "t2" });
  const p = new Post({ title: "p", tags: [t1, t2] });
  s.add(p);
  const w = writes(recordStatements(engine, () => s.flush()));
  // posts and tags don't depend on each other: only "both before the association rows" is pinned.
  assert.deepEqual(w.slice(0, 2).sort(), [
    ["INSERT INTO posts (title, user_id) VALUES (?, ?)", ["p", null]],
    ["INSERT INTO tags (name) VALUES (?), (?)", ["t1", "t2"]],
  ].sort());
  assert.deepEqual(w.slice(2), [
    ["INSERT INTO post_tags (post_id, tag_id) VALUES (?, ?)", [1, 1]],
    ["INSERT INTO post_tags (post_id, tag_id) VALUES (?, ?)", [1, 2]],
  ]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT post_id, tag_id FROM post_tags ORDER BY tag_id"), [[1, 1], [1, 2]]);
});

test("many-to-many: deleting an object deletes its association rows before its own row, the other side stays", () => {
  const { Post, Tag, engine, Session } = blog();
  let s = Session();
  s.add(new Post({ title: "p1", tags: [new Tag({ name: "x" }), new Tag({ name: "y" })] }));
  s.add(new Post({ title: "p2", tags: [] }));
  s.commit();
  s.close();
  s = Session();
  const x = s.scalars(select(Tag).where(Tag.name.eq("x"))).one();
  s.delete(x);
  const w = writes(recordStatements(engine, () => s.flush()));
  const own = w.findIndex(([q]) => q.startsWith("DELETE FROM tags"));
  assert.deepEqual(w[own], ["DELETE FROM tags WHERE tags.id = ?", [1]]);
  assert.equal(own, w.length - 1, "the tag's own row goes last");
  assert.ok(own > 0 && w.slice(0, own).every(([q]) => q.startsWith("DELETE FROM post_tags")), w.map(([q]) => q).join("\n"));
  s.commit();
  assert.deepEqual(rows(engine, "SELECT post_id, tag_id FROM post_tags"), [[1, 2]]);
  assert.deepEqual(rows(engine, "SELECT title FROM posts ORDER BY id"), [["p1"], ["p2"]]);
  void Post;
});

function defaults() {
  const Base = declarativeBase();
  let seq = 0;
  let clock = 100;
  @mapped
  class Item extends Base.model("items", {
    id: Column(Integer, { primaryKey: true }),
    status: Column(String(10), { default: "new" }),
    seq: Column(Integer, { default: () => ++seq }),
    note: Column(String(10), { serverDefault: "srv" }),
    name: Column(String(10)),
    touched: Column(Integer, { onupdate: () => ++clock }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Item, engine, Session: sessionmaker({ bind: engine }) };
}

test("Python-side defaults (value and callable) go into the INSERT and are set on the object without a SELECT", () => {
  const { Item, engine, Session } = defaults();
  const s = Session();
  const a = new Item({ name: "a" });
  const b = new Item({ name: "b", status: "custom" });
  s.addAll([a, b]);
  const w = writes(recordStatements(engine, () => s.flush()));
  assert.deepEqual(w, [
    ["INSERT INTO items (status, seq, name, touched) VALUES (?, ?, ?, ?), (?, ?, ?, ?)", ["new", 1, "a", null, "custom", 2, "b", null]],
  ]);
  expectStatementCount(engine, 0, () => {
    assert.deepEqual([a.status, a.seq, b.status, b.seq], ["new", 1, "custom", 2]);
  });
});

test("a serverDefault column is left out of the INSERT and its value is fetched back from the row", () => {
  const { Item, engine, Session } = defaults();
  const s = Session();
  const a = new Item({ name: "a" });
  s.add(a);
  const ins = writes(recordStatements(engine, () => s.flush()));
  assert.deepEqual(ins.map(([q]) => q), ["INSERT INTO items (status, seq, name, touched) VALUES (?, ?, ?, ?)"]);
  assert.equal(inspect(a).persistent, true);
  // Fetched lazily (one SELECT by primary key) or eagerly (RETURNING): at most one statement.
  const st = recordStatements(engine, () => assert.equal(a.note, "srv"));
  assert.ok(st.length <= 1 && st.every((r) => /^SELECT .* FROM items WHERE items.id = \?$/.test(r.sql)), st.map((r) => r.sql).join("\n"));
  expectStatementCount(engine, 0, () => assert.equal(a.note, "srv"));
  s.commit();
  assert.deepEqual(rows(engine, "SELECT note FROM items"), [["srv"]]);
});

test("rows of one class that leave different columns to the database each get their INSERT shape (also past 30 columns)", () => {
  const Base = declarativeBase();
  // 35 columns: c0..c33 after the key; c2 and c32 have server defaults, so a row that leaves them unset omits them.
  const cols: Record<string, ReturnType<typeof Column>> = { id: Column(Integer, { primaryKey: true }) };
  for (let i = 0; i < 34; i++) cols[`c${i}`] = Column(Integer, i === 2 || i === 32 ? { serverDefault: "7" } : {});
  @mapped class Wide extends Base.model("wide", cols as { id: ReturnType<typeof Column> }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  const row = (set: number[]) => { const o: any = new Wide(); for (let i = 0; i < 34; i++) if (![2, 32].includes(i) || set.includes(i)) o[`c${i}`] = i; return o; };
  const objs = [row([]), row([2]), row([32]), row([2, 32]), row([]), row([32])];
  s.addAll(objs);
  const ins = writes(recordStatements(engine, () => s.flush())).map(([q]) => q);
  const names = (except: number[]) => Array.from({ length: 34 }, (_, i) => i).filter((i) => !except.includes(i)).map((i) => `c${i}`);
  const sql = (except: number[]) => `INSERT INTO wide (${names(except).join(", ")}) VALUES (${names(except).map(() => "?").join(", ")})`;
  assert.deepEqual(ins, [sql([2, 32]), sql([32]), sql([2]), sql([]), sql([2, 32]), sql([2])]);
  assert.deepEqual(objs.map((o) => [o.c2, o.c32]), [[7, 7], [2, 7], [7, 32], [2, 32], [7, 7], [7, 32]]);
  assert.deepEqual(objs.map((o) => o.id), [1, 2, 3, 4, 5, 6]);
});

test("an onupdate default is applied to the UPDATE when the row changes, and only then", () => {
  const { Item, engine, Session } = defaults();
  const s = Session();
  const a = new Item({ name: "a" });
  s.add(a);
  s.flush();
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), []);
  a.name = "b";
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), [["UPDATE items SET name=?, touched=? WHERE items.id = ?", ["b", 101, a.id]]]);
  expectStatementCount(engine, 0, () => assert.equal(a.touched, 101));
});

test("a NOT NULL violation raises IntegrityError; after rollback() the session is clean and usable", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const bad = new User({ name: null as unknown as string });
  s.add(bad);
  assert.throws(() => s.flush(), (e: unknown) => e instanceof IntegrityError && /NOT NULL constraint failed: users\.name/.test(e.message) && e.statement === "INSERT INTO users (name, age) VALUES (?, ?)");
  assert.throws(() => s.flush(), PendingRollbackError);
  s.rollback();
  assert.equal(s.new.size, 0);
  assert.equal(inspect(bad).transient, true);
  s.add(new User({ name: "Carol" }));
  s.commit();
  assert.deepEqual(rows(engine, "SELECT name FROM users ORDER BY id"), [["Alice"], ["Bob"], ["Carol"]]);
});

test("a flush is atomic: when a later statement fails, the earlier ones of the same flush are undone", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  a.age = 77;
  s.add(new Post({ title: "fine" }));
  s.add(new Post({ title: null as unknown as string }));
  assert.throws(() => s.flush(), IntegrityError);
  assert.deepEqual(rows(engine, "SELECT age FROM users WHERE id = 1"), [[30]]);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM posts"), [[2]]);
  s.rollback();
  assert.equal(a.age, 30);
  assert.equal(s.scalar(select(func.count()).selectFrom(Post)), 2);
});

test("rows of one class with different changed columns each get their UPDATE shape: changed columns, then onupdate ones (also past 30 columns)", () => {
  const Base = declarativeBase();
  let clock = 100;
  const cols: Record<string, ReturnType<typeof Column>> = { id: Column(Integer, { primaryKey: true }), stamp: Column(Integer, { onupdate: () => ++clock }) };
  for (let i = 0; i < 34; i++) cols[`c${i}`] = Column(Integer);
  @mapped class Tracked extends Base.model("tracked", cols as { id: ReturnType<typeof Column> }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  const objs: any[] = Array.from({ length: 5 }, () => new Tracked());
  s.addAll(objs);
  s.flush();
  objs[0].c1 = 1;
  objs[1].c32 = 32;
  objs[2].c1 = 1; objs[2].c33 = 33;
  objs[3].stamp = 500;
  objs[4].c0 = null; // set to what it was: no UPDATE
  const w = writes(recordStatements(engine, () => s.flush()));
  assert.deepEqual(w, [
    ["UPDATE tracked SET c1=?, stamp=? WHERE tracked.id = ?", [1, 101, 1]],
    ["UPDATE tracked SET c32=?, stamp=? WHERE tracked.id = ?", [32, 102, 2]],
    ["UPDATE tracked SET c1=?, c33=?, stamp=? WHERE tracked.id = ?", [1, 33, 103, 3]],
    ["UPDATE tracked SET stamp=? WHERE tracked.id = ?", [500, 4]],
  ]);
  assert.deepEqual(objs.map((o) => o.stamp), [101, 102, 103, 500, null]);
});

test("a failed flush puts back, in the objects, the values it set: new keys, synced foreign keys", () => {
  const { User, Post, Session } = seeded();
  const s = Session();
  const a = s.get(User, 1)!;
  const p = new Post({ title: "fine" });
  a.posts.push(p); // inserted first: gets its key and user_id before the next row fails
  s.add(new Post({ title: null as unknown as string }));
  assert.throws(() => s.flush(), IntegrityError);
  assert.deepEqual([p.id, p.user_id, inspect(p).pending], [null, null, true]);
  s.rollback();
});

test("flushing nothing emits nothing, not even BEGIN", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  assert.deepEqual(recordStatements(engine, () => s.flush()), []);
  const a = s.get(User, 1)!;
  void a.name; void a.posts.length;
  assert.deepEqual(recordStatements(engine, () => { s.flush(); s.flush(); }), []);
});

test("a composite primary key identifies the row in UPDATE and DELETE", () => {
  const Base = declarativeBase();
  @mapped
  class Version extends Base.model("versions", {
    doc_id: Column(Integer, { primaryKey: true }),
    rev: Column(Integer, { primaryKey: true }),
    body: Column(String(20)),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  const v = new Version({ doc_id: 1, rev: 2, body: "x" });
  s.add(new Version({ doc_id: 1, rev: 1, body: "old" }));
  s.add(v);
  s.flush();
  assert.equal(s.get(Version, [1, 2]), v);
  v.body = "y";
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), [["UPDATE versions SET body=? WHERE versions.doc_id = ? AND versions.rev = ?", ["y", 1, 2]]]);
  s.delete(v);
  assert.deepEqual(writes(recordStatements(engine, () => s.flush())), [["DELETE FROM versions WHERE versions.doc_id = ? AND versions.rev = ?", [1, 2]]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT doc_id, rev, body FROM versions"), [[1, 1, "old"]]);
});
