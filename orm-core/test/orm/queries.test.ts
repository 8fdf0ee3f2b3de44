import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  select, func, and, or, not, exists, NoResultFound, MultipleResultsFound, ArgumentError, Session as SessionClass,
  declarativeBase, mapped, Column, Integer, String, ForeignKey, createEngine, sessionmaker, aliased,
} from "../../src/index";
import { expectSql } from "../support/sql";
import { blog } from "./blog-model";

function seeded() {
  const m = blog();
  const s = m.Session();
  const data: [string, number, string[]][] = [["Alice", 30, ["a1", "a2"]], ["Bob", 25, ["b1"]], ["Carol", 35, []]];
  for (const [name, age, titles] of data) s.add(new m.User({ name, age, posts: titles.map((title) => new m.Post({ title })) }));
  s.commit();
  return { ...m, s };
}

test("where / filterBy / orderBy / limit / offset compile to exact SQL and return objects", () => {
  const { User, s } = seeded();
  const stmt = select(User).where(User.age.gt(26)).where(or(User.name.like("A%"), User.name.eq("Carol"))).orderBy(User.name.desc()).limit(5).offset(0);
  expectSql(stmt, "SELECT users.id, users.name, users.age FROM users WHERE users.age > ? AND (users.name LIKE ? OR users.name = ?) ORDER BY users.name DESC LIMIT ? OFFSET ?", [26, "A%", "Carol", 5, 0]);
  assert.deepEqual(s.scalars(stmt).all().map((u) => u.name), ["Carol", "Alice"]);
  assert.deepEqual(s.scalars(select(User).filterBy({ name: "Bob" })).all().map((u) => u.age), [25]);
  assert.throws(() => select(User).filterBy({ nmae: "Bob" }), (e: unknown) => e instanceof ArgumentError && /Did you mean "name"/.test(e.message));
});

test("joins along relationships, grouping, having, and multi-entity rows", () => {
  const { User, Post, s } = seeded();
  const counts = select(User.name, func.count(Post.id).label("n")).join(User.posts).groupBy(User.name).having(func.count(Post.id).ge(1)).orderBy(User.name);
  expectSql(counts, "SELECT users.name, count(posts.id) AS n FROM users JOIN posts ON users.id = posts.user_id GROUP BY users.name HAVING count(posts.id) >= ? ORDER BY users.name", [1]);
  const rows = s.execute(counts).all();
  assert.deepEqual(rows.map((r) => [r.name, r.n]), [["Alice", 2], ["Bob", 1]]);
  const [name, n] = rows[0]!;
  assert.deepEqual([name, n], ["Alice", 2]);
  const pairs = s.execute(select(User, Post).join(User.posts).orderBy(Post.title)).all();
  assert.deepEqual(pairs.map(([u, p]) => `${u.name}:${p.title}`), ["Alice:a1", "Alice:a2", "Bob:b1"]);
  const outer = s.execute(select(User.name, Post.title).outerjoin(User.posts).where(Post.id.isNull())).all();
  assert.deepEqual(outer.map((r) => [...r]), [["Carol", null]]);
});

test("any() / has() / exists() / IN subqueries / scalar subqueries", () => {
  const { User, Post, s } = seeded();
  assert.deepEqual(s.scalars(select(User.name).where(User.posts.any(Post.title.eq("b1")))).all(), ["Bob"]);
  assert.deepEqual(s.scalars(select(User.name).where(not(User.posts.any())).orderBy(User.name)).all(), ["Carol"]);
  assert.deepEqual(s.scalars(select(Post.title).where(Post.author.has(User.name.eq("Alice"))).orderBy(Post.title)).all(), ["a1", "a2"]);
  assert.deepEqual(s.scalars(select(User.name).where(exists().where(Post.user_id.eq(User.id), Post.title.like("b%")))).all(), ["Bob"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.id.in(select(Post.user_id)))).all().sort(), ["Alice", "Bob"]);
  const postCount = select(func.count(Post.id)).where(Post.user_id.eq(User.id)).scalarSubquery();
  const rows = s.execute(select(User.name, postCount.label("posts")).orderBy(User.name)).all();
  assert.deepEqual(rows.map((r) => [...r]), [["Alice", 2], ["Bob", 1], ["Carol", 0]]);
  const sq = select(Post.user_id, func.count(Post.id).label("n")).groupBy(Post.user_id).subquery("pc");
  const joined = s.execute(select(User.name, sq.c.n!).join(sq, sq.c.user_id!.eq(User.id)).orderBy(User.name)).all();
  assert.deepEqual(joined.map((r) => [...r]), [["Alice", 2], ["Bob", 1]]);
});

test("Result API: one / oneOrNone / first / scalar / mappings, with SQLAlchemy's errors", () => {
  const { User, s } = seeded();
  assert.throws(() => s.scalars(select(User).where(User.age.gt(100))).one(), NoResultFound);
  assert.throws(() => s.scalars(select(User)).one(), MultipleResultsFound);
  assert.equal(s.scalars(select(User).where(User.age.gt(100))).oneOrNone(), null);
  assert.equal(s.scalars(select(User).orderBy(User.age)).first()!.name, "Bob");
  assert.equal(s.scalar(select(func.max(User.age))), 35);
  assert.deepEqual(s.execute(select(User.name, User.age).where(User.name.eq("Bob"))).mappings().all(), [{ name: "Bob", age: 25 }]);
  assert.deepEqual(s.execute(select(User.name).where(and(User.age.between(20, 31), User.name.ne("Alice")))).scalars().all(), ["Bob"]);
});

test("a one-entity or one-column Result gives the same rows, scalars and fetches as any other", () => {
  const { User, s } = seeded();
  const byAge = () => s.execute(select(User).orderBy(User.age));
  const rows = byAge().all();
  assert.deepEqual(rows.map((r) => r.length), [1, 1, 1]);
  assert.deepEqual(rows.map(([u]) => u.name), ["Bob", "Alice", "Carol"]);
  assert.equal((rows[0] as any).User, rows[0]![0], "named access by entity name");
  assert.deepEqual(byAge().scalars().all().map((u) => u.name), ["Bob", "Alice", "Carol"]);
  const r = byAge();
  assert.equal(r.fetchone()![0].name, "Bob");
  assert.deepEqual(r.scalars().all().map((u) => u.name), ["Alice", "Carol"], "scalars() after fetchone() gives the rest");
  const frozen = byAge().freeze();
  assert.deepEqual(frozen().all().map(([u]) => u.name), ["Bob", "Alice", "Carol"]);
  assert.deepEqual(frozen().scalars().all().map((u) => u.name), ["Bob", "Alice", "Carol"]);
  assert.deepEqual([...s.execute(select(User.name).orderBy(User.name))].map((row) => [...row]), [["Alice"], ["Bob"], ["Carol"]]);
  assert.deepEqual(s.execute(select(User.name).orderBy(User.name)).columns("name").all().map((row) => row[0]), ["Alice", "Bob", "Carol"]);
  const consumed = byAge();
  consumed.scalars().all();
  assert.deepEqual(consumed.all(), [], "a Result is read once");
});

test("a session is disposable and callable sessionmaker/begin() commit or roll back", () => {
  const { User, Session } = seeded();
  {
    using s = Session();
    s.add(new User({ name: "Tmp" }));
    s.flush();
  }
  const s2 = Session();
  assert.equal(s2.scalar(select(func.count()).selectFrom(User)), 3, "closing without commit rolled back");
  Session.begin((s) => s.add(new User({ name: "Kept" })));
  assert.throws(() => Session.begin((s) => { s.add(new User({ name: "Lost" })); throw new Error("boom"); }), /boom/);
  assert.deepEqual(s2.scalars(select(User.name).where(User.name.in(["Kept", "Lost"]))).all(), ["Kept"]);
  assert.equal(typeof SessionClass, "function");
});

test("merge() copies a detached object's state onto the session's instance", () => {
  const { User, Session } = seeded();
  const s1 = Session();
  const a = s1.get(User, 1)!;
  void a.name;
  s1.close();
  a.name = "Alicia";
  const s2 = Session();
  const merged = s2.merge(a);
  assert.notEqual(merged, a);
  assert.equal(merged.name, "Alicia");
  s2.commit();
  assert.equal(Session().get(User, 1)!.name, "Alicia");
});

test("aliased(): the same class twice in one query (an employee and their manager)", () => {
  const Base = declarativeBase();
  @mapped class Staff extends Base.model("staff", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(20), { nullable: false }),
    manager_id: Column(Integer, ForeignKey("staff.id")),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  s.add(new Staff({ name: "boss" }));
  s.flush();
  s.add(new Staff({ name: "ann", manager_id: 1 }));
  s.add(new Staff({ name: "bob", manager_id: 1 }));
  s.commit();
  const Manager = aliased(Staff, { name: "manager" });
  const q = select(Staff.name, Manager.name).join(Manager, Staff.manager_id.eq(Manager.id)).orderBy(Staff.name);
  assert.match(q.toString(), /FROM staff JOIN staff AS manager ON staff\.manager_id = manager\.id/);
  assert.deepEqual(s.execute(q).all().map((r) => [...r]), [["ann", "boss"], ["bob", "boss"]]);
  const bosses = s.scalars(select(Manager).join(Staff, Staff.manager_id.eq(Manager.id)).where(Staff.name.eq("ann"))).all();
  assert.equal(bosses.length, 1);
  const boss: InstanceType<typeof Staff> = bosses[0]!;
  assert.ok(boss instanceof Staff && boss.name === "boss");
  assert.equal(boss, s.get(Staff, 1), "the same identity-mapped object");
  assert.throws(() => aliased({} as never), /aliased\(\) takes a @mapped class/);
});
