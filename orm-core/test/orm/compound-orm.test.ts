import { test } from "node:test";
import * as assert from "node:assert/strict";
import { select, union, unionAll, except_, joinedload, selectinload, func, InvalidRequestError } from "../../src/index";
import { blog } from "./blog-model";
import { recordStatements } from "../support/sql";

function seeded() {
  const m = blog();
  const s = m.Session();
  const alice = new m.User({ name: "Alice", age: 30 });
  const bob = new m.User({ name: "Bob", age: 25 });
  const carol = new m.User({ name: "Carol", age: 41 });
  alice.posts.push(new m.Post({ title: "a1" }), new m.Post({ title: "a2" }));
  carol.posts.push(new m.Post({ title: "c1" }));
  s.addAll([alice, bob, carol]);
  s.commit();
  return { ...m, s };
}

test("session.scalars(select(User).where(a).union(select(User).where(b))) gives User instances from the identity map", () => {
  const { User, s } = seeded();
  const stmt = select(User).where(User.name.eq("Alice")).union(select(User).where(User.age.gt(40))).orderBy(User.name.desc());
  assert.equal(stmt.toString().replace(/\s+/g, " "),
    "SELECT users.id, users.name, users.age FROM users WHERE users.name = ? UNION SELECT users.id, users.name, users.age FROM users WHERE users.age > ? ORDER BY name DESC");
  const users: InstanceType<typeof User>[] = s.scalars(stmt).all();
  assert.deepEqual(users.map((u) => u.name), ["Carol", "Alice"]);
  assert.ok(users.every((u) => u instanceof User));
  assert.equal(users[1], s.get(User, users[1]!.id));
  // The same through union() and limit/offset on the whole compound.
  const second = s.scalars(union(select(User), select(User).where(User.id.lt(0))).orderBy("name").limit(1).offset(1)).all();
  assert.deepEqual(second.map((u) => u.name), ["Bob"]);
});

test("select(User).fromStatement(compound), as SQLAlchemy's from_statement; a compound of other entities is refused", () => {
  const { User, Post, s } = seeded();
  const u = except_(select(User), select(User).where(User.name.eq("Bob")));
  assert.deepEqual(s.scalars(select(User).fromStatement(u).orderBy("name")).all().map((x) => x.name), ["Alice", "Carol"]);
  assert.throws(() => select(User).fromStatement(union(select(Post), select(Post))), /must select what this select does/);
  // Same width, different entities: refused when run, not read as the wrong class.
  assert.throws(() => s.execute(union(select(User), select(Post))), (e: unknown) => e instanceof InvalidRequestError && /same entities/.test((e as Error).message));
});

test("loader options of the member selects apply: selectinload after the compound, joinedload inside each member", () => {
  const { User, s } = seeded();
  const stmt = unionAll(select(User).where(User.name.eq("Alice")).options(selectinload(User.posts)), select(User).where(User.name.eq("Carol")).options(selectinload(User.posts)));
  const rec = recordStatements(s.bind as any, () => {
    const users = s.scalars(stmt).all();
    assert.deepEqual(users.map((u) => [u.name, u.posts.map((p) => p.title).sort()]).sort(), [["Alice", ["a1", "a2"]], ["Carol", ["c1"]]]);
  });
  assert.equal(rec.filter((r) => r.sql.startsWith("SELECT")).length, 2);
  s.expungeAll();
  const joined = union(select(User).where(User.name.eq("Alice")).options(joinedload(User.posts)), select(User).where(User.name.eq("Bob")).options(joinedload(User.posts)));
  const users = s.scalars(joined).unique().all();
  assert.deepEqual(users.map((u) => [u.name, u.posts.length]).sort(), [["Alice", 2], ["Bob", 0]]);
});

test("rows of columns from a compound in a session, and a recursive CTE joined to an entity", () => {
  const { User, Post, s } = seeded();
  const rows = s.execute(union(select(User.name), select(Post.title)).orderBy("name")).all();
  assert.deepEqual(rows.map((r) => r[0]), ["Alice", "Bob", "Carol", "a1", "a2", "c1"]);
  // Ages 25, 26, ... 30 from a recursive CTE; the users with one of those ages.
  let ages = select(func.min(User.age).label("age")).cte("ages", { recursive: true });
  ages = ages.unionAll(select(ages.c.age!.add(1)).where(ages.c.age!.lt(30)));
  const found = s.scalars(select(User).join(ages, User.age.eq(ages.c.age)).orderBy(User.name)).all();
  assert.deepEqual(found.map((u) => u.name), ["Alice", "Bob"]);
});
