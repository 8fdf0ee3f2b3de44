// Mirrors SQLAlchemy test/orm/dml/test_update_delete.py and test/orm/dml/test_bulk_statements.py
// (ORM-enabled UPDATE / DELETE with synchronize_session "auto" / "evaluate" / "fetch" / False,
// multi-row INSERT, INSERT ... RETURNING entities, bulk UPDATE by primary key) and the Result API
// of test/base/test_result.py (all / first / one / oneOrNone / scalar / scalars / mappings /
// unique / partitions / Row).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker,
  select, insert, update, deleteFrom, func, inspect, NoResultFound, MultipleResultsFound,
} from "../../src/index";
import { expectStatementCount, recordStatements } from "../support/sql";

function dmlModel() {
  const Base = declarativeBase();

  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    age: Column(Integer),
    posts: relationship<Post[]>("Post", { backPopulates: "author" }),
  }) {}

  @mapped
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(30), { nullable: false }),
    user_id: Column(Integer, ForeignKey("users.id")),
    author: relationship<User>("User", { backPopulates: "posts" }),
  }) {}

  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.addAll([
    new User({ id: 1, name: "alice", age: 30, posts: [new Post({ id: 1, title: "p1" })] }),
    new User({ id: 2, name: "bob", age: 25 }),
    new User({ id: 3, name: "carol", age: 35 }),
    new User({ id: 4, name: "dave", age: null }),
  ]);
  s.commit();
  s.close();
  /** The users table as the database holds it now, read by a fresh session. */
  const rows = () => {
    const check = Session();
    try { return check.execute(select(User.id, User.name, User.age).orderBy(User.id)).all().map((r) => [...r]); } finally { check.close(); }
  };
  return { User, Post, engine, Session, rows };
}

type M = ReturnType<typeof dmlModel>;
function loadAll(m: M, s: ReturnType<M["Session"]>) {
  return s.scalars(select(m.User).orderBy(m.User.id)).all();
}

test("update().where().values() through the session: the UPDATE, its rowcount, and the rows", () => {
  const m = dmlModel();
  const s = m.Session();
  let rowcount = -1;
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    rowcount = s.execute(update(m.User).where(m.User.name.eq("bob")).values({ age: 26 })).rowcount;
  });
  assert.equal(stmt!.sql, "UPDATE users SET age=? WHERE users.name = ?");
  assert.deepEqual([...stmt!.params], [26, "bob"]);
  assert.equal(rowcount, 1);
  s.commit();
  assert.deepEqual(m.rows(), [[1, "alice", 30], [2, "bob", 26], [3, "carol", 35], [4, "dave", null]]);
});

test("synchronize 'auto' (evaluate): matched objects in the session get the new value without SQL; others are untouched", () => {
  const m = dmlModel();
  const s = m.Session();
  const [alice, bob, carol] = loadAll(m, s);
  s.execute(update(m.User).where(m.User.age.gt(28)).values({ name: "senior" }));
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual([alice!.name, bob!.name, carol!.name], ["senior", "bob", "senior"]);
  });
  assert.equal(s.dirty.size, 0, "the synchronized values are the database's: nothing to flush");
  assert.equal(inspect(alice!).attrs.name!.history.hasChanges(), false);
  s.commit();
  assert.deepEqual(m.rows().map((r) => r[1]), ["senior", "bob", "senior", "dave"]);
});

test("a SET expression is evaluated on each matched object from its own values", () => {
  const m = dmlModel();
  const s = m.Session();
  const users = loadAll(m, s);
  const [stmt] = expectStatementCount(m.engine, 1, () => { s.execute(update(m.User).where(m.User.age.ge(30)).values({ age: m.User.age.add(1) })); });
  assert.equal(stmt!.sql, "UPDATE users SET age=users.age + ? WHERE users.age >= ?");
  expectStatementCount(m.engine, 0, () => assert.deepEqual(users.map((u) => u.age), [31, 25, 36, null]));
  s.commit();
  assert.deepEqual(m.rows().map((r) => r[2]), [31, 25, 36, null]);
});

test("evaluation follows SQL NULL logic: a NULL column doesn't match a comparison", () => {
  const m = dmlModel();
  const s = m.Session();
  const users = loadAll(m, s);
  const res = s.execute(update(m.User).where(m.User.age.lt(100)).values({ name: "x" }));
  assert.equal(res.rowcount, 3);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(users.map((u) => u.name), ["x", "x", "x", "dave"]));
  s.commit();
  assert.deepEqual(m.rows().map((r) => r[1]), ["x", "x", "x", "dave"]);
});

test("an UPDATE without WHERE changes every row and every loaded object", () => {
  const m = dmlModel();
  const s = m.Session();
  const users = loadAll(m, s);
  assert.equal(s.execute(update(m.User).values({ age: 1 })).rowcount, 4);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(users.map((u) => u.age), [1, 1, 1, 1]));
});

test("criteria that can't be evaluated in memory fall back to fetch: RETURNING the matched keys", () => {
  const m = dmlModel();
  const s = m.Session();
  const users = loadAll(m, s);
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    s.execute(update(m.User).where(m.User.id.in(select(m.Post.user_id).where(m.Post.title.eq("p1")))).values({ age: 50 }));
  });
  assert.equal(stmt!.sql, "UPDATE users SET age=? WHERE users.id IN (SELECT posts.user_id FROM posts WHERE posts.title = ?) RETURNING users.id");
  expectStatementCount(m.engine, 0, () => assert.deepEqual(users.map((u) => u.age), [50, 25, 35, null]));
});

test("synchronizeSession 'fetch' uses RETURNING even for criteria that could be evaluated", () => {
  const m = dmlModel();
  const s = m.Session();
  const users = loadAll(m, s);
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    s.execute(update(m.User).where(m.User.name.eq("carol")).values({ age: 36 }), undefined, { synchronizeSession: "fetch" });
  });
  assert.equal(stmt!.sql, "UPDATE users SET age=? WHERE users.name = ? RETURNING users.id");
  expectStatementCount(m.engine, 0, () => assert.deepEqual(users.map((u) => u.age), [30, 25, 36, null]));
});

test("synchronizeSession false leaves the loaded objects stale until they are refreshed", () => {
  const m = dmlModel();
  const s = m.Session();
  const [alice] = loadAll(m, s);
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    s.execute(update(m.User).where(m.User.id.eq(1)).values({ age: 99 }), undefined, { synchronizeSession: false });
  });
  assert.equal(stmt!.sql, "UPDATE users SET age=? WHERE users.id = ?");
  assert.equal(alice!.age, 30);
  expectStatementCount(m.engine, 1, () => s.refresh(alice!));
  assert.equal(alice!.age, 99);
});

test("synchronizeSession 'evaluate' with criteria it can't evaluate raises before any SQL is run", () => {
  const m = dmlModel();
  const s = m.Session();
  loadAll(m, s);
  expectStatementCount(m.engine, 0, () => {
    assert.throws(
      () => s.execute(update(m.User).where(m.User.id.in(select(m.Post.user_id))).values({ age: 0 }), undefined, { synchronizeSession: "evaluate" }),
      /fetch/,
    );
  });
  assert.deepEqual(m.rows().map((r) => r[2]), [30, 25, 35, null]);
});

test("pending changes are autoflushed before the UPDATE, so its criteria see them", () => {
  const m = dmlModel();
  const s = m.Session();
  const [, bob] = loadAll(m, s);
  bob!.name = "robert";
  const stmts = expectStatementCount(m.engine, 2, () => {
    assert.equal(s.execute(update(m.User).where(m.User.name.eq("robert")).values({ age: 40 })).rowcount, 1);
  });
  assert.deepEqual(stmts.map((r) => r.sql), ["UPDATE users SET name=? WHERE users.id = ?", "UPDATE users SET age=? WHERE users.name = ?"]);
  expectStatementCount(m.engine, 0, () => assert.deepEqual([bob!.name, bob!.age], ["robert", 40]));
});

test("objects expired by commit are not evaluated: their next access reloads the updated row", () => {
  const m = dmlModel();
  const s = m.Session();
  const [alice] = loadAll(m, s);
  s.commit();
  expectStatementCount(m.engine, 1, () => { s.execute(update(m.User).where(m.User.id.eq(1)).values({ age: 77 })); });
  expectStatementCount(m.engine, 1, () => assert.equal(alice!.age, 77));
});

test("update().returning() gives the matched rows' values", () => {
  const m = dmlModel();
  const s = m.Session();
  let rows: unknown[][] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    rows = s.execute(update(m.User).where(m.User.age.gt(28)).values({ age: 0 }).returning(m.User.id, m.User.name)).all().map((r) => [...r]);
  });
  assert.match(stmt!.sql, /^UPDATE users SET age=\? WHERE users\.age > \? RETURNING users\.id, users\.name/);
  assert.deepEqual(rows.sort(), [[1, "alice"], [3, "carol"]]);
});

test("bulk UPDATE by primary key: one UPDATE per row, objects in the session are synchronized", () => {
  const m = dmlModel();
  const s = m.Session();
  const [alice, bob] = loadAll(m, s);
  let rowcount = -1;
  const stmts = expectStatementCount(m.engine, 2, () => {
    rowcount = s.execute(update(m.User), [{ id: 1, name: "ALICE" }, { id: 2, name: "BOB", age: 52 }]).rowcount;
  });
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [
    ["UPDATE users SET name=? WHERE users.id = ?", ["ALICE", 1]],
    ["UPDATE users SET name=?, age=? WHERE users.id = ?", ["BOB", 52, 2]],
  ]);
  assert.equal(rowcount, 2);
  expectStatementCount(m.engine, 0, () => assert.deepEqual([alice!.name, bob!.name, bob!.age], ["ALICE", "BOB", 52]));
  s.commit();
  assert.deepEqual(m.rows().slice(0, 2), [[1, "ALICE", 30], [2, "BOB", 52]]);
});

test("deleteFrom().where(): the DELETE and rowcount; matched objects leave the session, others stay", () => {
  const m = dmlModel();
  const s = m.Session();
  const [alice, bob, carol] = loadAll(m, s);
  let rowcount = -1;
  const [stmt] = expectStatementCount(m.engine, 1, () => { rowcount = s.execute(deleteFrom(m.User).where(m.User.age.lt(30))).rowcount; });
  assert.equal(stmt!.sql, "DELETE FROM users WHERE users.age < ?");
  assert.deepEqual([...stmt!.params], [30]);
  assert.equal(rowcount, 1);
  assert.equal(s.contains(bob!), false);
  assert.equal(s.contains(alice!), true);
  assert.equal(s.contains(carol!), true);
  expectStatementCount(m.engine, 1, () => assert.equal(s.get(m.User, 2), null));
  expectStatementCount(m.engine, 0, () => assert.equal(s.get(m.User, 1), alice));
  s.commit();
  assert.equal(inspect(bob!).detached, true);
  assert.deepEqual(m.rows().map((r) => r[1]), ["alice", "carol", "dave"]);
});

test("a DELETE matching nothing has rowcount 0 and changes nothing", () => {
  const m = dmlModel();
  const s = m.Session();
  const users = loadAll(m, s);
  assert.equal(s.execute(deleteFrom(m.User).where(m.User.name.eq("nobody"))).rowcount, 0);
  assert.ok(users.every((u) => s.contains(u)));
  assert.equal(m.rows().length, 4);
});

test("rolling back a bulk DELETE brings the rows and the session's objects back", () => {
  const m = dmlModel();
  const s = m.Session();
  const [, , carol] = loadAll(m, s);
  s.execute(deleteFrom(m.User).where(m.User.id.eq(3)));
  assert.equal(s.contains(carol!), false);
  s.rollback();
  assert.equal(s.contains(carol!), true);
  assert.equal(inspect(carol!).persistent, true);
  assert.equal(carol!.name, "carol");
  assert.equal(m.rows().length, 4);
});

test("insert().values([...]) is one multi-row INSERT", () => {
  const m = dmlModel();
  const s = m.Session();
  let rowcount = -1;
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    rowcount = s.execute(insert(m.User).values([{ id: 10, name: "x", age: 1 }, { id: 11, name: "y", age: 2 }])).rowcount;
  });
  assert.equal(stmt!.sql, "INSERT INTO users (id, name, age) VALUES (?, ?, ?), (?, ?, ?)");
  assert.deepEqual([...stmt!.params], [10, "x", 1, 11, "y", 2]);
  assert.equal(rowcount, 2);
  s.commit();
  assert.deepEqual(m.rows().slice(4), [[10, "x", 1], [11, "y", 2]]);
});

test("session.execute(insert(User), rows): a bulk INSERT of parameter sets", () => {
  const m = dmlModel();
  const s = m.Session();
  let rowcount = -1;
  const [stmt] = expectStatementCount(m.engine, 1, () => { rowcount = s.execute(insert(m.User), [{ name: "e", age: 5 }, { name: "f", age: 6 }, { name: "g", age: 7 }]).rowcount; });
  assert.match(stmt!.sql, /^INSERT INTO users \(name, age\) VALUES \(\?, \?\), \(\?, \?\), \(\?, \?\)$/);
  assert.equal(rowcount, 3);
  s.commit();
  assert.deepEqual(m.rows().slice(4).map((r) => r.slice(1)), [["e", 5], ["f", 6], ["g", 7]]);
});

test("insert().returning(User) gives identity-mapped, persistent objects", () => {
  const m = dmlModel();
  const s = m.Session();
  let made: InstanceType<typeof m.User>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    made = s.execute(insert(m.User).values([{ name: "h", age: 8 }, { name: "i" }]).returning(m.User)).scalars().all();
  });
  assert.match(stmt!.sql, /RETURNING users\.id, users\.name, users\.age$/);
  assert.deepEqual(made.map((u) => [u.id, u.name, u.age]), [[5, "h", 8], [6, "i", null]]);
  assert.ok(made.every((u) => inspect(u).persistent));
  expectStatementCount(m.engine, 0, () => assert.equal(s.get(m.User, 5), made[0]));
});

test("insert().returning(columns) gives rows of those values", () => {
  const m = dmlModel();
  const s = m.Session();
  const rows = s.execute(insert(m.User).values([{ name: "j" }, { name: "k" }]).returning(m.User.id, m.User.name)).all();
  assert.deepEqual(rows.map((r) => [r.id, r.name]), [[5, "j"], [6, "k"]]);
});

test("Result: all / first / one / oneOrNone and their errors", () => {
  const m = dmlModel();
  const s = m.Session();
  const q = select(m.User.name, m.User.age).orderBy(m.User.id);
  assert.deepEqual(s.execute(q).all().map((r) => [...r]), [["alice", 30], ["bob", 25], ["carol", 35], ["dave", null]]);
  assert.deepEqual([...s.execute(q).first()!], ["alice", 30], "first() of several rows is the first, no error");
  assert.equal(s.execute(q.where(m.User.id.eq(99))).first(), null);
  assert.deepEqual([...s.execute(q.where(m.User.id.eq(2))).one()], ["bob", 25]);
  assert.throws(() => s.execute(q.where(m.User.id.eq(99))).one(), NoResultFound);
  assert.throws(() => s.execute(q).one(), MultipleResultsFound);
  assert.equal(s.execute(q.where(m.User.id.eq(99))).oneOrNone(), null);
  assert.throws(() => s.execute(q).oneOrNone(), MultipleResultsFound);
});

test("Result: scalar / scalarOne / scalarOneOrNone / scalars", () => {
  const m = dmlModel();
  const s = m.Session();
  assert.equal(s.execute(select(func.count()).selectFrom(m.User)).scalar(), 4);
  assert.equal(s.execute(select(m.User.name).where(m.User.id.eq(99))).scalar(), null);
  assert.equal(s.execute(select(m.User.name).where(m.User.id.eq(3))).scalarOne(), "carol");
  assert.throws(() => s.execute(select(m.User.name).where(m.User.id.eq(99))).scalarOne(), NoResultFound);
  assert.equal(s.execute(select(m.User.name).where(m.User.id.eq(99))).scalarOneOrNone(), null);
  assert.throws(() => s.execute(select(m.User.name)).scalarOneOrNone(), MultipleResultsFound);
  assert.deepEqual(s.execute(select(m.User.name, m.User.age).orderBy(m.User.id)).scalars().all(), ["alice", "bob", "carol", "dave"]);
  assert.deepEqual(s.execute(select(m.User.name, m.User.age).orderBy(m.User.id)).scalars(1).all(), [30, 25, 35, null]);
  assert.equal(s.scalars(select(m.User).where(m.User.id.eq(99))).first(), null);
  assert.throws(() => s.scalars(select(m.User)).one(), MultipleResultsFound);
});

test("Result: Row values by position, by name, _mapping and _fields; keys(); mappings()", () => {
  const m = dmlModel();
  const s = m.Session();
  const res = s.execute(select(m.User.name, func.coalesce(m.User.age, 0).label("years")).orderBy(m.User.id));
  assert.deepEqual(res.keys(), ["name", "years"]);
  const rows = res.all();
  const [name, years] = rows[3]!;
  assert.deepEqual([name, years], ["dave", 0]);
  assert.equal(rows[0]!.name, "alice");
  assert.equal(rows[0]!.years, 30);
  assert.deepEqual(rows[1]!._mapping, { name: "bob", years: 25 });
  assert.deepEqual([...rows[1]!._fields], ["name", "years"]);
  const maps = s.execute(select(m.User.id, m.User.name).where(m.User.id.le(2)).orderBy(m.User.id)).mappings();
  assert.deepEqual(maps.all(), [{ id: 1, name: "alice" }, { id: 2, name: "bob" }]);
  assert.deepEqual(s.execute(select(m.User.name).where(m.User.id.eq(3))).mappings().one(), { name: "carol" });
  assert.equal(s.execute(select(m.User.name).where(m.User.id.eq(99))).mappings().first(), null);
});

test("Result: unique(), partitions(), iteration, and a result is consumed once", () => {
  const m = dmlModel();
  const s = m.Session();
  const ages = select(func.coalesce(m.User.age, 25)).orderBy(m.User.id);
  assert.deepEqual(s.execute(ages).scalars().all(), [30, 25, 35, 25]);
  assert.deepEqual(s.execute(ages).scalars().unique().all(), [30, 25, 35]);
  const pairs = select(func.coalesce(m.User.age, 25), func.coalesce(m.User.age, 25).label("again")).orderBy(m.User.id);
  assert.deepEqual(s.execute(pairs).unique().all().map((r) => [...r]), [[30, 30], [25, 25], [35, 35]], "whole rows compared");
  const parts = [...s.execute(select(m.User.name).orderBy(m.User.id)).partitions(3)].map((p) => p.map((r) => r.name));
  assert.deepEqual(parts, [["alice", "bob", "carol"], ["dave"]]);
  const iterated: string[] = [];
  for (const row of s.execute(select(m.User.name).orderBy(m.User.id))) iterated.push(row.name as string);
  assert.deepEqual(iterated, ["alice", "bob", "carol", "dave"]);
  const once = s.execute(select(m.User.name));
  assert.equal(once.all().length, 4);
  assert.deepEqual(once.all(), []);
  const objs = s.execute(select(m.User).join(m.User.posts)).scalars().unique().all();
  assert.deepEqual(objs.map((u) => u.name), ["alice"]);
});

test("DML statements are not run when built: only session.execute() runs them", () => {
  const m = dmlModel();
  const stmts = recordStatements(m.engine, () => {
    const u = update(m.User).where(m.User.id.eq(1)).values({ age: 1 });
    const d = deleteFrom(m.User).where(m.User.id.eq(2));
    const i = insert(m.User).values({ name: "z" });
    assert.equal(u.toString(), "UPDATE users SET age=? WHERE users.id = ?");
    assert.equal(d.toString(), "DELETE FROM users WHERE users.id = ?");
    assert.equal(i.toString(), "INSERT INTO users (name) VALUES (?)");
  });
  assert.deepEqual(stmts, []);
  assert.equal(m.rows().length, 4);
});
