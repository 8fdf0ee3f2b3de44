// Mirrors SQLAlchemy test/orm/dml/test_bulk_statements.py (ORM bulk INSERT with a list of rows,
// INSERT..RETURNING entities, SQLite upserts, bulk UPDATE by primary key) and
// test/orm/dml/test_update_delete.py (synchronize_session "auto" / "evaluate" / "fetch" / False).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { insert, update, deleteFrom, select, inspect, ArgumentError, func } from "../../src/index";
import { recordStatements } from "../support/sql";
import { blog } from "../orm/blog-model";

function seeded() {
  const m = blog();
  const s = m.Session();
  s.execute(insert(m.User), [{ name: "Alice", age: 30 }, { name: "Bob", age: 25 }, { name: "Carol", age: 35 }]);
  s.commit();
  s.close();
  return m;
}
const writes = <T extends { sql: string }>(r: T[]) => r.filter((x) => /^(INSERT|UPDATE|DELETE)/.test(x.sql));

test("insert(User) with a list of rows is one multi-row INSERT", () => {
  const m = blog();
  const s = m.Session();
  const stmts = recordStatements(m.engine, () => s.execute(insert(m.User), [{ name: "A", age: 1 }, { name: "B", age: 2 }, { name: "C", age: 3 }]));
  assert.deepEqual(writes(stmts).map((r) => [r.sql, [...r.params]]), [["INSERT INTO users (name, age) VALUES (?, ?), (?, ?), (?, ?)", ["A", 1, "B", 2, "C", 3]]]);
  assert.deepEqual(s.scalars(select(m.User.name).orderBy(m.User.id)).all(), ["A", "B", "C"]);
});

test("a large list is split into batches that respect SQLite's parameter limit", () => {
  const m = blog();
  const s = m.Session();
  const rows = Array.from({ length: 2500 }, (_, i) => ({ name: `u${i}`, age: i }));
  const stmts = writes(recordStatements(m.engine, () => s.execute(insert(m.User), rows)));
  assert.deepEqual(stmts.map((r) => r.params.length), [2000, 2000, 1000]);
  assert.equal(s.scalar(select(func.count(m.User.id))), 2500);
});

test("the result of a bulk insert counts the rows inserted", () => {
  const m = blog();
  const s = m.Session();
  assert.equal(s.execute(insert(m.User), [{ name: "A" }, { name: "B" }]).rowcount, 2);
});

test("insert(...).returning(User) gives identity-mapped objects with their generated keys", () => {
  const m = blog();
  const s = m.Session();
  const users = s.execute(insert(m.User).returning(m.User), [{ name: "A", age: 1 }, { name: "B", age: 2 }]).scalars().all();
  assert.deepEqual(users.map((u) => [u.id, u.name, u.age]), [[1, "A", 1], [2, "B", 2]]);
  assert.equal(inspect(users[0] as object).persistent, true);
  const stmts = recordStatements(m.engine, () => assert.equal(s.get(m.User, 2), users[1]));
  assert.equal(stmts.length, 0, "get() is served by the identity map");
});

test("returning(User, User.id) mixes entities and columns in each row", () => {
  const m = blog();
  const s = m.Session();
  const rows = s.execute(insert(m.User).returning(m.User, m.User.name), [{ name: "A" }]).all();
  const [u, name] = rows[0]!;
  assert.equal((u as InstanceType<typeof m.User>).name, "A");
  assert.equal(name, "A");
});

test("upsert: onConflictDoUpdate with returning(User) refreshes the object already in the session", () => {
  const m = seeded();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  assert.equal(bob.age, 25);
  const stmt = insert(m.User).onConflictDoUpdate({ indexElements: ["id"], set: { age: 26 } }).returning(m.User);
  const out = s.execute(stmt, [{ id: 2, name: "Bob", age: 0 }]).scalars().all();
  assert.equal(out[0], bob);
  assert.equal(bob.age, 26);
});

test("upsert: onConflictDoNothing skips existing rows and inserts the others", () => {
  const m = seeded();
  const s = m.Session();
  const res = s.execute(insert(m.User).onConflictDoNothing({ indexElements: ["id"] }), [{ id: 1, name: "Dup" }, { id: 9, name: "New" }]);
  assert.equal(res.rowcount, 1);
  assert.deepEqual(s.scalars(select(m.User.name).orderBy(m.User.id)).all(), ["Alice", "Bob", "Carol", "New"]);
});

test("bulk UPDATE by primary key: one UPDATE per row, same statement for the same columns, loaded objects get the values", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const stmts = writes(recordStatements(m.engine, () => s.execute(update(m.User), [{ id: 1, age: 31 }, { id: 3, age: 36 }])));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [
    ["UPDATE users SET age=? WHERE users.id = ?", [31, 1]],
    ["UPDATE users SET age=? WHERE users.id = ?", [36, 3]],
  ]);
  assert.equal(alice.age, 31);
  assert.equal(s.isModified(alice), false);
  s.commit();
  assert.deepEqual(m.Session().scalars(select(m.User.age).orderBy(m.User.id)).all(), [31, 25, 36]);
});

test("bulk UPDATE by primary key refuses a row without its key, naming it", () => {
  const m = seeded();
  const s = m.Session();
  assert.throws(() => s.execute(update(m.User), [{ id: 1, age: 1 }, { age: 2 }]), (e: Error) => e instanceof ArgumentError && /row 1 has no value for id/.test(e.message));
});

test("synchronizeSession 'evaluate': matched objects in the session get the new value, no RETURNING, no SELECT", () => {
  const m = seeded();
  const s = m.Session();
  const [alice, bob, carol] = [1, 2, 3].map((id) => s.get(m.User, id)!);
  const stmts = recordStatements(m.engine, () => s.execute(update(m.User).where(m.User.age.gt(26)).values({ name: "Old" }), undefined, { synchronizeSession: "evaluate" }));
  assert.deepEqual(writes(stmts).map((r) => r.sql), ["UPDATE users SET name=? WHERE users.age > ?"]);
  assert.equal(stmts.filter((r) => r.sql.startsWith("SELECT")).length, 0);
  assert.deepEqual([alice!.name, bob!.name, carol!.name], ["Old", "Bob", "Old"]);
});

test("synchronizeSession 'evaluate' computes expressions like age + 1 from each object's own value", () => {
  const m = seeded();
  const s = m.Session();
  const users = [1, 2, 3].map((id) => s.get(m.User, id)!);
  s.execute(update(m.User).where(m.User.name.in(["Alice", "Bob"])).values({ age: m.User.age.add(1) }), undefined, { synchronizeSession: "evaluate" });
  assert.deepEqual(users.map((u) => u.age), [31, 26, 35]);
  assert.equal(s.isModified(users[0]!), false);
});

test("synchronizeSession 'evaluate' refuses criteria it can't judge in memory, naming the fix", () => {
  const m = seeded();
  const s = m.Session();
  s.get(m.User, 1);
  assert.throws(
    () => s.execute(update(m.User).where(m.User.name.like("A%")).values({ age: 1 }), undefined, { synchronizeSession: "evaluate" }),
    (e: Error) => e instanceof ArgumentError && /"fetch"/.test(e.message),
  );
});

test("synchronizeSession 'auto' falls back to fetch (RETURNING) when the criteria can't be evaluated", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const stmts = recordStatements(m.engine, () => s.execute(update(m.User).where(m.User.name.like("A%")).values({ age: 1 })));
  assert.deepEqual(writes(stmts).map((r) => r.sql), ["UPDATE users SET age=? WHERE users.name LIKE ? RETURNING users.id"]);
  assert.equal(alice.age, 1);
});

test("synchronizeSession 'auto' evaluates when it can (no RETURNING)", () => {
  const m = seeded();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  const stmts = recordStatements(m.engine, () => s.execute(update(m.User).where(m.User.id.eq(2)).values({ age: 99 })));
  assert.deepEqual(writes(stmts).map((r) => r.sql), ["UPDATE users SET age=? WHERE users.id = ?"]);
  assert.equal(bob.age, 99);
});

test("synchronizeSession 'fetch' finds the matched rows with RETURNING, even for objects whose criteria columns are expired", () => {
  const m = seeded();
  const s = m.Session();
  const carol = s.get(m.User, 3)!;
  s.expire(carol, ["age"]);
  s.execute(update(m.User).where(m.User.age.gt(30)).values({ name: "Senior" }), undefined, { synchronizeSession: "fetch" });
  const stmts = recordStatements(m.engine, () => assert.equal(carol.name, "Senior"));
  assert.equal(stmts.length, 0, "name was set from the statement, not reloaded");
});

test("synchronizeSession false leaves loaded objects stale until they are refreshed", () => {
  const m = seeded();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  s.execute(update(m.User).values({ age: 0 }), undefined, { synchronizeSession: false });
  assert.equal(alice.age, 30);
  s.refresh(alice);
  assert.equal(alice.age, 0);
});

test("'evaluate' on an object whose criteria column is expired expires the updated attributes instead", () => {
  const m = seeded();
  const s = m.Session();
  const carol = s.get(m.User, 3)!;
  s.expire(carol, ["age"]);
  s.execute(update(m.User).where(m.User.age.gt(30)).values({ name: "Senior" }), undefined, { synchronizeSession: "evaluate" });
  assert.equal(inspect(carol).unloaded.has("name"), true);
  assert.equal(carol.name, "Senior");
});

test("delete with 'evaluate' detaches the matched objects in the session", () => {
  const m = seeded();
  const s = m.Session();
  const [alice, bob] = [s.get(m.User, 1)!, s.get(m.User, 2)!];
  const res = s.execute(deleteFrom(m.User).where(m.User.age.lt(28)), undefined, { synchronizeSession: "evaluate" });
  assert.equal(res.rowcount, 1);
  assert.equal(inspect(bob).wasDeleted, true);
  assert.equal(s.contains(bob), false);
  assert.equal(s.contains(alice), true);
  assert.equal(s.get(m.User, 2), null);
});

test("delete with 'fetch' detaches exactly the rows the database deleted", () => {
  const m = seeded();
  const s = m.Session();
  const users = [1, 2, 3].map((id) => s.get(m.User, id)!);
  s.execute(deleteFrom(m.User).where(m.User.name.like("%o%")), undefined, { synchronizeSession: "fetch" });
  assert.deepEqual(users.map((u) => s.contains(u)), [true, false, false]);
});

test("a rollback after a bulk delete brings the detached objects back", () => {
  const m = seeded();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  s.execute(deleteFrom(m.User).where(m.User.id.eq(2)));
  assert.equal(s.contains(bob), false);
  s.rollback();
  assert.equal(s.get(m.User, 2), bob);
  assert.equal(bob.name, "Bob");
});

test("evaluate follows SQL NULL logic: a NULL age matches neither age > 1 nor NOT (age > 1)", () => {
  const m = seeded();
  const s = m.Session();
  s.add(new m.User({ name: "NoAge" }));
  s.commit();
  const noAge = s.scalars(select(m.User).where(m.User.name.eq("NoAge"))).one();
  s.execute(update(m.User).where(m.User.age.gt(1)).values({ name: "gt" }), undefined, { synchronizeSession: "evaluate" });
  assert.equal(noAge.name, "NoAge");
  s.execute(update(m.User).where(m.User.age.le(1)).values({ name: "lte" }), undefined, { synchronizeSession: "evaluate" });
  assert.equal(noAge.name, "NoAge");
  s.commit();
  assert.equal(noAge.name, "NoAge");
});

test("an unknown synchronizeSession value is refused", () => {
  const m = seeded();
  assert.throws(() => m.Session().execute(update(m.User).values({ age: 1 }), undefined, { synchronizeSession: "yes" as never }), /synchronizeSession must be/);
});
