// Mirrors SQLAlchemy's column_property() behaviour (test/orm/test_mapper.py, test_deferred.py,
// test_expire.py; docs "SQL Expressions as Mapped Attributes"): a SQL expression loaded with the
// entity's SELECT, usable in queries, deferrable, reloaded after expiry and after a flush of its
// object, never written. One deliberate difference: assigning to it raises (SQLAlchemy accepts
// the value and silently never flushes it).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, Text, ForeignKey, relationship, columnProperty, createEngine, sessionmaker, select, update, func,
  joinedload, selectinload, undefer, defer, loadOnly, inspect, InvalidRequestError, ArgumentError, AliasedClass, ColumnPropertyAttribute,
  type ColumnElement,
} from "../../src/index";
import { expectStatementCount, recordStatements } from "../support/sql";

function model() {
  const Base = declarativeBase();
  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    first: Column(String(50)),
    last: Column(String(50)),
    about: Column(Text),
    fullName: columnProperty<string | null>((cls) => cls.first.concat(" ").concat(cls.last)),
    postCount: columnProperty((cls) => select(func.count(Post.id)).where(Post.user_id.eq(cls.id)).scalarSubquery()),
    aboutLength: columnProperty((cls) => func.length(cls.about), { deferred: true }),
    posts: relationship<Post[]>("Post", { backPopulates: "author", orderBy: "id" }),
  }) {}
  @mapped
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(100), { nullable: false }),
    user_id: Column(Integer, ForeignKey("users.id")),
    titleLength: columnProperty((cls) => func.length(cls.title)),
    author: relationship<User>("User", { backPopulates: "posts" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new User({ first: "Ada", last: "Lovelace", about: "engines", posts: [new Post({ title: "Notes" }), new Post({ title: "On Bernoulli" })] }));
  s.add(new User({ first: "Alan", last: null, about: "machines" }));
  s.add(new User({ first: "Grace", last: "Hopper", posts: [new Post({ title: "COBOL" })] }));
  s.commit();
  s.close();
  return { Base, User, Post, engine, Session };
}
const COUNT_SQL = "(SELECT count(posts.id) FROM posts WHERE posts.user_id = users.id)";
const USER_COLUMNS = `users.id, users."first", users."last", users.about, users."first" || ? || users."last" AS "fullName", ${COUNT_SQL} AS "postCount"`;

test("select(User) loads the expressions in the same single SELECT, labelled with their keys", () => {
  const m = model();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    users = s.scalars(select(m.User).orderBy(m.User.id)).all();
    // reading them needs no more SQL
    assert.deepEqual(users.map((u) => [u.fullName, u.postCount]), [["Ada Lovelace", 2], [null, 0], ["Grace Hopper", 1]]);
  });
  assert.equal(stmt!.sql, `SELECT ${USER_COLUMNS} FROM users ORDER BY users.id`);
  assert.deepEqual([...stmt!.params], [" "]);
  assert.equal(inspect(users[0]!).unloaded.has("postCount"), false);
});

test("session.get() selects the expressions with the row, by primary key", () => {
  const m = model();
  const s = m.Session();
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    const u = s.get(m.User, 3)!;
    assert.equal(u.fullName, "Grace Hopper");
    assert.equal(u.postCount, 1);
  });
  assert.equal(stmt!.sql, `SELECT ${USER_COLUMNS} FROM users WHERE users.id = ?`);
});

test("the class attribute is a SQL expression for where(), orderBy() and select()", () => {
  const m = model();
  const s = m.Session();
  assert.ok(m.User.postCount instanceof ColumnPropertyAttribute);
  assert.equal(`${m.User.postCount}`, "User.postCount");
  const [q] = expectStatementCount(m.engine, 1, () => {
    assert.deepEqual(s.scalars(select(m.User).where(m.User.postCount.ge(1)).orderBy(m.User.postCount.desc())).all().map((u) => u.first), ["Ada", "Grace"]);
  });
  assert.equal(q!.sql, `SELECT ${USER_COLUMNS} FROM users WHERE ${COUNT_SQL} >= ? ORDER BY ${COUNT_SQL} DESC`);
  assert.deepEqual(s.execute(select(m.User.first, m.User.fullName).where(m.User.fullName.like("% H%"))).all().map((r) => [...r]), [["Grace", "Grace Hopper"]]);
  assert.deepEqual(s.scalars(select(m.User.postCount).orderBy(m.User.id)).all(), [2, 0, 1]);
  // filterBy() knows them too
  assert.deepEqual(s.scalars(select(m.User).filterBy({ fullName: "Ada Lovelace" })).all().map((u) => u.id), [1]);
});

test("a correlated count stays correct when the query itself joins the counted table", () => {
  const m = model();
  const s = m.Session();
  // Only Ada's "Notes" row matches the join, but postCount counts all of her posts.
  const [q] = expectStatementCount(m.engine, 1, () => {
    const users = s.scalars(select(m.User).join(m.User.posts).where(m.Post.title.eq("Notes"))).all();
    assert.deepEqual(users.map((u) => [u.first, u.postCount]), [["Ada", 2]]);
  });
  assert.match(q!.sql, /\(SELECT count\(posts\.id\) FROM posts WHERE posts\.user_id = users\.id\) AS "postCount" FROM users JOIN posts ON/);
  // In where() of a query FROM posts: the subquery correlates with the joined users only, never with posts
  // (SQLAlchemy would correlate both and needs correlate_except(Post) in the definition).
  const [viaJoin] = expectStatementCount(m.engine, 1, () => {
    assert.deepEqual(s.scalars(select(m.Post).join(m.Post.author).where(m.User.postCount.ge(2)).orderBy(m.Post.id)).all().map((p) => p.title), ["Notes", "On Bernoulli"]);
  });
  assert.match(viaJoin!.sql, / FROM posts JOIN users ON posts\.user_id = users\.id WHERE \(SELECT count\(posts\.id\) FROM posts WHERE posts\.user_id = users\.id\) >= \?/);
  // New posts show up in a fresh load (a new session: no stale identity map).
  const w = m.Session();
  w.add(new m.Post({ title: "Margin", user_id: 2 }));
  w.commit();
  assert.deepEqual(m.Session().scalars(select(m.User.postCount).orderBy(m.User.id)).all(), [2, 1, 1]);
});

test("a deferred column property is left out of the SELECT and loads on first access with one SELECT", () => {
  const m = model();
  const s = m.Session();
  const [q] = expectStatementCount(m.engine, 1, () => s.get(m.User, 1));
  assert.doesNotMatch(q!.sql, /aboutLength|length/);
  const u = s.get(m.User, 1)!;
  assert.equal(inspect(u).unloaded.has("aboutLength"), true);
  const [load] = expectStatementCount(m.engine, 1, () => assert.equal(u.aboutLength, 7));
  assert.equal(load!.sql, 'SELECT length(users.about) AS "aboutLength" FROM users WHERE users.id = ?');
  assert.deepEqual([...load!.params], [1]);
  expectStatementCount(m.engine, 0, () => assert.equal(u.aboutLength, 7));
  // undefer() loads it with the query; defer() / loadOnly() leave the others out.
  const s2 = m.Session();
  const [q2] = expectStatementCount(m.engine, 1, () => {
    const users = s2.scalars(select(m.User).options(undefer(m.User.aboutLength), defer(m.User.postCount)).orderBy(m.User.id)).all();
    assert.deepEqual(users.map((x) => x.aboutLength), [7, 8, null]);
  });
  assert.match(q2!.sql, /length\(users\.about\) AS "aboutLength" FROM users/);
  assert.doesNotMatch(q2!.sql, /count/);
  const [q3] = expectStatementCount(m.engine, 1, () => m.Session().scalars(select(m.User).options(loadOnly(m.User.first, m.User.fullName))).all());
  assert.equal(q3!.sql, 'SELECT users.id, users."first", users."first" || ? || users."last" AS "fullName" FROM users');
});

test("after commit (expire on commit) the values reload with the object's next load", () => {
  const m = model();
  const s = m.Session();
  const u = s.get(m.User, 2)!;
  assert.equal(u.postCount, 0);
  s.add(new m.Post({ title: "Computing Machinery", author: u }));
  s.commit();
  const [reload] = expectStatementCount(m.engine, 1, () => assert.equal(u.postCount, 1));
  assert.equal(reload!.sql, `SELECT ${USER_COLUMNS} FROM users WHERE users.id = ?`);
  expectStatementCount(m.engine, 0, () => assert.equal(u.fullName, null));
});

test("session.expire(obj, [key]) and refresh() reload just what was asked", () => {
  const m = model();
  const s = m.Session();
  const u = s.get(m.User, 3)!;
  assert.equal(u.postCount, 1);
  const other = m.Session();
  other.add(new m.Post({ title: "Nanoseconds", user_id: 3 }));
  other.commit();
  // Still the loaded value: the identity map doesn't see other transactions' changes by itself.
  assert.equal(s.scalars(select(m.User).where(m.User.id.eq(3))).one().postCount, 1);
  s.expire(u, ["postCount"]);
  assert.equal(inspect(u).unloaded.has("postCount"), true);
  const [q] = expectStatementCount(m.engine, 1, () => assert.equal(u.postCount, 2));
  assert.equal(q!.sql, `SELECT ${COUNT_SQL} AS "postCount" FROM users WHERE users.id = ?`);
  // populateExisting overwrites a loaded value
  other.add(new m.Post({ title: "Bugs", user_id: 3 }));
  other.commit();
  s.execute(select(m.User).executionOptions({ populateExisting: true })).all();
  assert.equal(u.postCount, 3);
  other.add(new m.Post({ title: "Compilers", user_id: 3 }));
  other.commit();
  s.refresh(u);
  expectStatementCount(m.engine, 0, () => assert.equal(u.postCount, 4));
});

test("flush never writes a column property; the object's INSERT or UPDATE expires it so it reloads", () => {
  const m = model();
  const s = m.Session();
  const u = new m.User({ first: "Barbara", last: "Liskov" });
  assert.equal(u.fullName, null); // transient: nothing computed yet
  s.add(u);
  const inserts = recordStatements(m.engine, () => s.flush()).filter((r) => r.sql.startsWith("INSERT"));
  assert.deepEqual(inserts.map((r) => r.sql), ['INSERT INTO users ("first", "last", about) VALUES (?, ?, ?)']);
  expectStatementCount(m.engine, 1, () => assert.equal(u.fullName, "Barbara Liskov"));
  u.last = "L.";
  const updates = recordStatements(m.engine, () => s.flush()).filter((r) => r.sql.startsWith("UPDATE"));
  assert.deepEqual(updates.map((r) => r.sql), ['UPDATE users SET "last"=? WHERE users.id = ?']);
  const [q] = expectStatementCount(m.engine, 1, () => assert.equal(u.fullName, "Barbara L."));
  assert.match(q!.sql, /^SELECT .*AS "fullName".* FROM users WHERE users\.id = \?$/);
  s.commit();
  assert.deepEqual(m.Session().execute(select(m.User.fullName).where(m.User.first.eq("Barbara"))).scalars().all(), ["Barbara L."]);
});

test("a bulk UPDATE expires the column properties of the objects it changed in the session", () => {
  const m = model();
  const s = m.Session();
  const ada = s.get(m.User, 1)!;
  const grace = s.get(m.User, 3)!;
  assert.equal(ada.fullName, "Ada Lovelace");
  s.execute(update(m.User).where(m.User.fullName.eq("Ada Lovelace")).values({ last: "King" })); // judged in JS ("evaluate")
  assert.equal(ada.last, "King");
  const [q] = expectStatementCount(m.engine, 1, () => assert.equal(ada.fullName, "Ada King"));
  assert.equal(q!.sql, 'SELECT users."first" || ? || users."last" AS "fullName" FROM users WHERE users.id = ?');
  expectStatementCount(m.engine, 0, () => assert.equal(grace.fullName, "Grace Hopper")); // not matched: untouched
  assert.throws(() => update(m.User).values({ fullName: "x" }), /User has no column attribute "fullName". Its columns are id, first, last, about\./);
});

test("assigning to a column property raises a clear error and changes nothing", () => {
  const m = model();
  const s = m.Session();
  const u = s.get(m.User, 1)!;
  assert.throws(
    // @ts-expect-error the instance type is readonly
    () => { u.postCount = 5; },
    (e: unknown) => e instanceof InvalidRequestError && /User\.postCount is a columnProperty: a read-only value the database computes/.test(e.message),
  );
  assert.equal(u.postCount, 2);
  assert.equal(s.dirty.size, 0);
  // @ts-expect-error not accepted by the constructor either
  assert.throws(() => new m.User({ first: "X", fullName: "X Y" }), /User\.fullName is a columnProperty/);
});

test("joinedload: the joined entity's column properties come through the join's alias, in one statement", () => {
  const m = model();
  const s = m.Session();
  const [q] = expectStatementCount(m.engine, 1, () => {
    const posts = s.scalars(select(m.Post).options(joinedload(m.Post.author)).orderBy(m.Post.id)).all();
    assert.deepEqual(posts.map((p) => [p.title, p.titleLength, p.author!.fullName, p.author!.postCount]), [
      ["Notes", 5, "Ada Lovelace", 2], ["On Bernoulli", 12, "Ada Lovelace", 2], ["COBOL", 5, "Grace Hopper", 1],
    ]);
  });
  // The outer query selects FROM posts: the count correlates with the author's alias only and keeps its own FROM posts.
  assert.match(q!.sql, /users_(\d+)\."first" \|\| \? \|\| users_\1\."last" AS "fullName", \(SELECT count\(posts\.id\) FROM posts WHERE posts\.user_id = users_\1\.id\) AS "postCount" FROM posts LEFT OUTER JOIN users AS users_\1/);
  const s2 = m.Session();
  const [q2] = expectStatementCount(m.engine, 1, () => {
    const ada = s2.scalars(select(m.User).where(m.User.id.eq(1)).options(joinedload(m.User.posts))).unique().one();
    assert.deepEqual(ada.posts.map((p) => p.titleLength), [5, 12]);
  });
  assert.match(q2!.sql, /length\(posts_(\d+)\.title\) AS "titleLength" FROM users LEFT OUTER JOIN posts AS posts_\1/);
});

test("selectinload and lazy loads select the target's column properties too", () => {
  const m = model();
  const s = m.Session();
  const stmts = expectStatementCount(m.engine, 2, () => {
    const users = s.scalars(select(m.User).options(selectinload(m.User.posts)).orderBy(m.User.id)).all();
    assert.deepEqual(users.map((u) => u.posts.map((p) => p.titleLength)), [[5, 12], [], [5]]);
  });
  assert.match(stmts[1]!.sql, /^SELECT posts\.id, posts\.title, posts\.user_id, length\(posts\.title\) AS "titleLength" FROM posts WHERE posts\.user_id IN/);
  const s2 = m.Session();
  const p = s2.get(m.Post, 3)!;
  expectStatementCount(m.engine, 1, () => assert.equal(p.author!.postCount, 1));
});

test("aliases adapt the expression; a self-join counts per alias", () => {
  const m = model();
  const s = m.Session();
  // What aliased(User) gives: the class seen through `users AS u2`.
  const mapper = (m.User as unknown as { __mapper__: ConstructorParameters<typeof AliasedClass>[0] }).__mapper__;
  const other = new AliasedClass(mapper, mapper.table.alias("u2").node) as AliasedClass & { postCount: ColumnElement<number>; id: ColumnElement<number>; fullName: ColumnElement<string> };
  assert.ok(other.postCount instanceof ColumnPropertyAttribute);
  const stmt = select(m.User.first, other.fullName).join(other, other.postCount.gt(m.User.postCount)).orderBy(m.User.id, other.id);
  assert.match(stmt.toString().replace(/\s+/g, " "), /u2\."first" \|\| \? \|\| u2\."last" FROM users JOIN users AS u2 ON \(SELECT count\(posts\.id\) FROM posts WHERE posts\.user_id = u2\.id\) > \(SELECT count\(posts\.id\) FROM posts WHERE posts\.user_id = users\.id\)/);
  assert.deepEqual(s.execute(stmt).all().map((r) => [...r]), [["Alan", "Ada Lovelace"], ["Alan", "Grace Hopper"], ["Grace", "Ada Lovelace"]]);
});

test("declaration errors are clear", () => {
  assert.throws(() => columnProperty("users.first || 'x'" as never), (e: unknown) => e instanceof ArgumentError && /columnProperty\(\) takes a function returning a SQL expression/.test(e.message));
  assert.throws(() => columnProperty((cls) => cls.first, { defered: true } as never), /no option "defered"; its options are deferred and expireOnFlush/);
  const Base = declarativeBase();
  @mapped
  class Thing extends Base.model("things", {
    id: Column(Integer, { primaryKey: true }),
    bad: columnProperty<number>(() => 42 as never),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  assert.throws(() => sessionmaker({ bind: engine })().scalars(select(Thing)).all(), (e: unknown) => e instanceof InvalidRequestError && /The function of columnProperty Thing\.bad must return a SQL expression/.test(e.message));
  assert.throws(() => Base.model("nope", { id: Column(Integer, { primaryKey: true }), x: 5 as never }), /must be Column\(\.\.\.\), relationship\(\.\.\.\), columnProperty\(\.\.\.\), associationProxy\(\.\.\.\) or synonym\(\.\.\.\)/);
});
