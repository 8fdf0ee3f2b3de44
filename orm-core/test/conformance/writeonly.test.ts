// Mirrors SQLAlchemy test/orm/test_dynamic.py (WriteOnlyTest and the legacy DynamicTest): a
// relationship with lazy: "write_only" is a WriteOnlyCollection that never loads. add() / addAll()
// / remove() are applied by the flush (foreign key set or cleared, association rows inserted or
// deleted, orphans deleted); select() / insert() / update() / delete() are statements for this
// parent's members; eager loaders refuse it; deleting the parent still cascades.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, Table, createEngine, sessionmaker,
  select, type Select, joinedload, selectinload, WriteOnlyCollection, DynamicCollection, InvalidRequestError, type Engine,
} from "../../src/index";
import { keyOrderCheck, recordStatements, rows } from "../support/sql";

/** The statements `fn` ran, without transaction control, as [sql, params]. */
function statements(engine: Engine, fn: () => void): [string, unknown[]][] {
  return recordStatements(engine, fn).filter((r) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(r.sql)).map((r) => [r.sql, [...r.params]]);
}
const kinds = (stmts: [string, unknown[]][]) => stmts.map(([sql]) => sql.split(" ")[0]);

function model(options: { cascade?: string; passiveDeletes?: boolean; lazy?: "write_only" | "dynamic" } = {}) {
  const Base = declarativeBase();
  Table("user_tags", Base.metadata,
    Column("user_id", Integer, ForeignKey("users.id"), { primaryKey: true }),
    Column("tag_id", Integer, ForeignKey("tags.id"), { primaryKey: true }));
  const lazy = options.lazy ?? "write_only";

  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50), { nullable: false }),
    posts: relationship<WriteOnlyCollection<Post>>("Post", {
      lazy, backPopulates: "author", orderBy: "title",
      ...(options.cascade ? { cascade: options.cascade } : {}),
      ...(options.passiveDeletes ? { passiveDeletes: true } : {}),
    }),
    tags: relationship<WriteOnlyCollection<Tag>>("Tag", { lazy, secondary: "user_tags", orderBy: "name" }),
  }) {}

  @mapped
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(100), { nullable: false }),
    user_id: Column(Integer, ForeignKey("users.id", options.passiveDeletes ? { ondelete: "CASCADE" } : {})),
    author: relationship<User>("User", { backPopulates: "posts" }),
  }) {}

  @mapped
  class Tag extends Base.model("tags", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
  }) {}

  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { User, Post, Tag, engine, Session: sessionmaker({ bind: engine }) };
}

/** A model with a committed user "u" (id 1) with posts p1..p3, another user "v" (id 2), and tags t1, t2 of u. */
function seeded(options: Parameters<typeof model>[0] = {}) {
  const m = model(options);
  const s = m.Session();
  const t1 = new m.Tag({ name: "t1" }), t2 = new m.Tag({ name: "t2" });
  s.add(new m.User({ name: "u", posts: [new m.Post({ title: "p2" }), new m.Post({ title: "p1" }), new m.Post({ title: "p3" })], tags: [t1, t2] }));
  s.add(new m.User({ name: "v", posts: [new m.Post({ title: "v1" })] }));
  s.commit();
  s.close();
  return m;
}

test("reading the attribute gives a WriteOnlyCollection that never loads (and can't be iterated)", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const u = s.get(User, 1)!;
  const stmts = statements(engine, () => {
    const posts = u.posts;
    assert.ok(posts instanceof WriteOnlyCollection);
    assert.equal(posts.instance, u);
    assert.throws(() => [...(posts as unknown as Iterable<unknown>)], (e: Error) => e instanceof TypeError && /don't support iteration.*select\(\)/s.test(e.message));
  });
  assert.deepEqual(stmts, [], "no SQL at all");
  s.close();
});

test("adding three posts to a persistent user issues no SELECT, and the flush inserts them with the user's key", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const u = s.get(User, 1)!;
  s.commit(); // u is expired: even its key is not in memory as a loaded column
  const a = new Post({ title: "a" }), b = new Post({ title: "b" }), c = new Post({ title: "c" });
  const before = statements(engine, () => {
    u.posts.add(a);
    u.posts.addAll([b, c]);
  });
  assert.deepEqual(before, [], "add() and addAll() run no SQL");
  assert.ok(s.contains(a) && s.contains(b) && s.contains(c), "save-update cascade put the posts in the session");
  assert.equal(a.author, u, "the backref set the many-to-one");
  const flushed = statements(engine, () => s.flush());
  const check = keyOrderCheck("posts");
  assert.deepEqual(flushed, [
    [check.sql, check.params],
    ['INSERT INTO posts (title, user_id) VALUES (?, ?), (?, ?), (?, ?)', ["a", 1, "b", 1, "c", 1]],
  ]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title, user_id FROM posts WHERE title IN ('a','b','c') ORDER BY id"), [["a", 1], ["b", 1], ["c", 1]]);
  s.close();
});

test("select() is a SELECT of the members in the relationship's orderBy; it takes more criteria and order", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const u = s.get(User, 1)!;
  const stmt = u.posts.select();
  assert.match(stmt.toString(), /FROM posts \nWHERE posts\.user_id = \? ORDER BY posts\.title$/);
  let titles: string[] = [];
  const ran = statements(engine, () => { titles = s.scalars(stmt).all().map((p) => p.title); });
  assert.deepEqual(titles, ["p1", "p2", "p3"]);
  assert.equal(ran.length, 1);
  assert.deepEqual(ran[0]![1], [1]);
  const filtered = s.scalars(u.posts.select().where(Post.title.ne("p2")).orderBy(Post.id)).all();
  assert.deepEqual(filtered.map((p) => p.title), ["p1", "p3"]);
  assert.ok(filtered.every((p) => p.author === u), "members are ordinary identity-mapped objects");
  const v = s.get(User, 2)!;
  assert.deepEqual(s.scalars(v.posts.select()).all().map((p) => p.title), ["v1"]);
  s.close();
});

test("a pending parent's select() binds its key when run: the autoflush inserts it first", () => {
  const { User, Post, Session } = model();
  const s = Session();
  const u = new User({ name: "new" });
  s.add(u);
  u.posts.add(new Post({ title: "x" }));
  const stmt = u.posts.select(); // built before u has an id
  assert.equal(u.id, null);
  const found = s.scalars(stmt).all();
  assert.equal(typeof u.id, "number");
  assert.deepEqual(found.map((p) => p.title), ["x"]);
  s.close();
});

test("a new parent takes a list (constructor or assignment); a persistent one refuses assignment", () => {
  const { User, Post, engine, Session } = model();
  const s = Session();
  const p1 = new Post({ title: "p1" }), p2 = new Post({ title: "p2" }), p3 = new Post({ title: "p3" });
  const u = new User({ name: "u", posts: [p1, p2] });
  (u as { posts: unknown }).posts = [p2, p3]; // still transient: replaces the pending additions
  assert.equal(p1.author, null, "p1 was taken out again");
  s.add(u);
  const stmts = statements(engine, () => s.flush());
  // The user, then its two posts in one INSERT (after the check that their keys come in order).
  assert.deepEqual(kinds(stmts), ["INSERT", "SELECT", "INSERT"]);
  assert.deepEqual(rows(engine, "SELECT title, user_id FROM posts ORDER BY title"), [["p2", 1], ["p3", 1]]);
  assert.equal(s.contains(p1), false);
  assert.throws(() => { (u as { posts: unknown }).posts = [p1]; },
    (e: Error) => e instanceof InvalidRequestError && /write-only.*can't be replaced once its User is persistent.*add\(obj\)/s.test(e.message));
  s.close();
});

test("remove() clears the member's foreign key at flush", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const u = s.get(User, 1)!;
  const p2 = s.scalars(select(Post).where(Post.title.eq("p2"))).one();
  const stmts = statements(engine, () => {
    u.posts.remove(p2);
    s.flush();
  });
  assert.deepEqual(stmts, [['UPDATE posts SET user_id=? WHERE posts.id = ?', [null, p2.id]]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title, user_id FROM posts ORDER BY title"), [["p1", 1], ["p2", null], ["p3", 1], ["v1", 2]]);
  s.close();
});

test("remove() with delete-orphan deletes the member's row", () => {
  const { User, Post, engine, Session } = seeded({ cascade: "all, delete-orphan" });
  const s = Session();
  const u = s.get(User, 1)!;
  const [p1] = s.scalars(u.posts.select().limit(1)).all();
  const stmts = statements(engine, () => {
    u.posts.remove(p1!);
    s.flush();
  });
  assert.deepEqual(stmts, [['DELETE FROM posts WHERE posts.id = ?', [p1!.id]]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title FROM posts ORDER BY title"), [["p2"], ["p3"], ["v1"]]);
  void Post;
  s.close();
});

test("moving a member between two write-only collections ends with the new parent, in either order", () => {
  for (const order of ["remove first", "add first"]) {
    const { User, Post, engine, Session } = seeded();
    const s = Session();
    const u = s.get(User, 1)!, v = s.get(User, 2)!;
    const p1 = s.scalars(select(Post).where(Post.title.eq("p1"))).one();
    if (order === "remove first") { u.posts.remove(p1); v.posts.add(p1); } else { v.posts.add(p1); u.posts.remove(p1); }
    s.commit();
    assert.deepEqual(rows(engine, "SELECT user_id FROM posts WHERE title = 'p1'"), [[2]], order);
    s.close();
  }
});

test("many-to-many: add() inserts and remove() deletes association rows; select() goes through the association table", () => {
  const { User, Tag, engine, Session } = seeded();
  const s = Session();
  const u = s.get(User, 1)!, v = s.get(User, 2)!;
  const [t1, t2] = s.scalars(select(Tag).orderBy(Tag.name)).all();
  const stmts = statements(engine, () => {
    v.tags.add(t2!);
    u.tags.remove(t1!);
    s.flush();
  });
  assert.deepEqual(stmts, [
    ['DELETE FROM user_tags WHERE user_tags.user_id = ? AND user_tags.tag_id = ?', [1, t1!.id]],
    ['INSERT INTO user_tags (user_id, tag_id) VALUES (?, ?)', [2, t2!.id]],
  ]);
  assert.match(u.tags.select().toString(), /FROM tags, user_tags \nWHERE tags\.id = user_tags\.tag_id AND user_tags\.user_id = \? ORDER BY tags\.name$/);
  assert.deepEqual(s.scalars(u.tags.select()).all().map((t) => t.name), ["t2"]);
  assert.deepEqual(s.scalars(v.tags.select()).all().map((t) => t.name), ["t2"]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT user_id, tag_id FROM user_tags ORDER BY user_id"), [[1, t2!.id], [2, t2!.id]]);
  s.close();
});

test("insert() presets the parent's key: one multi-row INSERT for a list of rows; none for many-to-many", () => {
  const { User, Post, engine, Session } = seeded();
  const s = Session();
  const v = s.get(User, 2)!;
  const stmts = statements(engine, () => { s.execute(v.posts.insert(), [{ title: "n1" }, { title: "n2" }]); });
  assert.deepEqual(stmts, [['INSERT INTO posts (title, user_id) VALUES (?, ?), (?, ?)', ["n1", 2, "n2", 2]]]);
  s.execute(v.posts.insert().values({ title: "n3" }));
  assert.deepEqual(s.scalars(v.posts.select()).all().map((p) => p.title), ["n1", "n2", "n3", "v1"]);
  assert.throws(() => v.tags.insert(), (e: Error) => e instanceof InvalidRequestError && /only supported for one-to-many.*addAll/s.test(e.message));
  void Post;
  s.close();
});

test("update() and delete() are limited to this parent's members, and keep loaded objects in step", () => {
  const { User, Post, Tag, engine, Session } = seeded();
  const s = Session();
  const u = s.get(User, 1)!;
  const v1 = s.scalars(select(Post).where(Post.title.eq("v1"))).one();
  const p3 = s.scalars(select(Post).where(Post.title.eq("p3"))).one();
  const upd = statements(engine, () => { s.execute(u.posts.update().values({ title: "changed" }).where(Post.title.ne("p1"))); });
  assert.deepEqual(upd, [['UPDATE posts SET title=? WHERE posts.user_id = ? AND posts.title != ?', ["changed", 1, "p1"]]]);
  assert.equal(p3.title, "changed", "synchronized by evaluation");
  assert.equal(v1.title, "v1");
  s.execute(u.posts.delete().where(Post.title.eq("p1")));
  assert.deepEqual(rows(engine, "SELECT title, user_id FROM posts ORDER BY id"), [["changed", 1], ["changed", 1], ["v1", 2]]);
  // Many-to-many: the statement names only the target table (the association table in a subquery).
  const tagUpd = statements(engine, () => { s.execute(u.tags.update().values({ name: "mine" })); });
  assert.deepEqual(tagUpd, [['UPDATE tags SET name=? WHERE tags.id IN (SELECT user_tags.tag_id FROM user_tags WHERE user_tags.user_id = ?) RETURNING tags.id', ["mine", 1]]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT name FROM tags ORDER BY id"), [["mine"], ["mine"]]);
  void Tag;
  s.close();
});

test("eager loader options on a write-only relationship raise a clear error", () => {
  const { User, Post, Session } = seeded();
  const s = Session();
  const stmts: Select<any>[] = [select(User).options(joinedload(User.posts)), select(User).options(selectinload(User.posts)), select(Post).options(selectinload(Post.author).selectinload(User.tags))];
  for (const stmt of stmts) {
    assert.throws(() => s.scalars(stmt).all(),
      (e: Error) => e instanceof InvalidRequestError && /does not support object population - eager loading cannot be applied.*write-only.*select\(\)/s.test(e.message));
  }
  s.close();
});

// SQLAlchemy loads a "dynamic" collection here; for "write_only" without passive_deletes it raises
// ("full iteration is not permitted"). orm-core loads both, so the delete cascade keeps working.
test("deleting the parent loads the members aside to cascade the delete (one SELECT for all parents)", () => {
  const { User, engine, Session } = seeded({ cascade: "all, delete-orphan" });
  const s = Session();
  const u = s.get(User, 1)!, v = s.get(User, 2)!;
  s.delete(u);
  s.delete(v);
  const stmts = statements(engine, () => s.flush());
  assert.deepEqual(kinds(stmts), ["SELECT", "DELETE", "DELETE", "DELETE", "DELETE"]);
  assert.match(stmts[0]![0], /WHERE posts\.user_id IN \(\?, \?\)/);
  assert.deepEqual(stmts.slice(1).map(([sql, params]) => [sql.replace(/ WHERE .*/, ""), params.length]), [
    ["DELETE FROM user_tags", 1], ["DELETE FROM user_tags", 1], // the association rows of each user
    ["DELETE FROM posts", 4], ["DELETE FROM users", 2],
  ]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT count(*) FROM posts"), [[0]]);
  assert.deepEqual(rows(engine, "SELECT count(*) FROM users"), [[0]]);
  s.close();
});

test("without delete cascade the members are unlinked; with passiveDeletes nothing is loaded", () => {
  {
    const { User, engine, Session } = seeded();
    const s = Session();
    s.delete(s.get(User, 1)!);
    s.commit();
    assert.deepEqual(rows(engine, "SELECT title, user_id FROM posts ORDER BY title"), [["p1", null], ["p2", null], ["p3", null], ["v1", 2]]);
    s.close();
  }
  {
    const { User, engine, Session } = seeded({ cascade: "all, delete-orphan", passiveDeletes: true });
    const s = Session();
    s.delete(s.get(User, 1)!);
    const stmts = statements(engine, () => s.flush());
    assert.deepEqual(stmts.map(([sql]) => sql.replace(/ WHERE .*/, "")), ["DELETE FROM user_tags", "DELETE FROM users"], "no SELECT of posts: the database's ON DELETE is trusted");
    s.commit();
    assert.deepEqual(rows(engine, "SELECT title FROM posts ORDER BY title"), [["v1"]], "ON DELETE CASCADE removed u's posts");
    s.close();
  }
});

test("relationship<WriteOnlyCollection<T>> on a many-to-one is refused at configure time", () => {
  const Base = declarativeBase();
  @mapped class A extends Base.model("a", { id: Column(Integer, { primaryKey: true }) }) {}
  @mapped class B extends Base.model("b", {
    id: Column(Integer, { primaryKey: true }),
    a_id: Column(Integer, ForeignKey("a.id")),
    a: relationship<WriteOnlyCollection<A>>("A", { lazy: "write_only" }),
  }) {}
  void A; void B;
  assert.throws(() => Base.registry.configure(), (e: Error) => e instanceof InvalidRequestError && /'write_only' loaders cannot be used with many-to-one/.test(e.message));
});

test('lazy: "dynamic" is a write-only collection that can also be iterated, counted and replaced', () => {
  const { User, Post, engine, Session } = seeded({ lazy: "dynamic" });
  const s = Session();
  const u = s.get(User, 1)!;
  const posts = u.posts as unknown as DynamicCollection<InstanceType<typeof Post>>;
  assert.ok(posts instanceof DynamicCollection);
  assert.deepEqual([...posts].map((p) => p.title), ["p1", "p2", "p3"]);
  assert.equal(posts.count(), 3);
  const extra = new Post({ title: "p0" });
  posts.add(extra);
  assert.deepEqual(posts.all().map((p) => p.title), ["p0", "p1", "p2", "p3"], "iteration autoflushes pending additions");
  const p1 = posts.all()[1]!;
  (u as { posts: unknown }).posts = [p1, new Post({ title: "q" })];
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title, user_id FROM posts ORDER BY title"), [["p0", null], ["p1", 1], ["p2", null], ["p3", null], ["q", 1], ["v1", 2]]);
  s.close();
});
