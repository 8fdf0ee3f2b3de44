/**
 * Multi-row INSERTs in the flush (persistence.ts insertAll): rows of one table and shape go together,
 * each object gets its own row's generated key, and where the keys could come out of order the rows
 * go one by one.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { IntegrityError, select } from "../../src/index";
import { blog } from "./blog-model";
import { keyOrderCheck, recordStatements, rows, withoutTransactionControl } from "../support/sql";

const inserts = (engine: Parameters<typeof recordStatements>[0], fn: () => void) =>
  withoutTransactionControl(recordStatements(engine, fn)).map((r) => r.sql);

test("rows of different shapes go in separate statements, in the order added; each object gets its row's key", () => {
  const { User, engine, Session } = blog();
  const s = Session();
  const users = [new User({ name: "a" }), new User({ name: "b" }), new User({ name: "c", age: 3 }), new User({ name: "d", age: 4 }), new User({ name: "e" })];
  s.addAll(users);
  assert.deepEqual(inserts(engine, () => s.flush()), [
    keyOrderCheck("users").sql,
    "INSERT INTO users (name, age) VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)",
  ]);
  // Explicit keys and generated ones: two shapes, two statements (the check comes with the first generated key).
  const more = [new User({ id: 100, name: "x" }), new User({ id: 101, name: "y" }), new User({ name: "z" }), new User({ name: "w" })];
  s.addAll(more);
  assert.deepEqual(inserts(engine, () => s.flush()), [
    keyOrderCheck("users").sql,
    "INSERT INTO users (id, name, age) VALUES (?, ?, ?), (?, ?, ?)",
    "INSERT INTO users (name, age) VALUES (?, ?), (?, ?)",
  ]);
  s.commit();
  const byId = new Map(rows(engine, "SELECT id, name FROM users").map(([id, name]) => [id, name]));
  assert.deepEqual([...users, ...more].map((u) => byId.get(u.id)), ["a", "b", "c", "d", "e", "x", "y", "z", "w"]);
  assert.deepEqual([...more].map((u) => u.id), [100, 101, 102, 103]);
});

test("a constraint failure in a multi-row INSERT names the row at fault, and the flush leaves nothing behind", () => {
  const { User, engine, Session } = blog();
  const s = Session();
  s.addAll([new User({ name: "ok1" }), new User({ name: null as unknown as string }), new User({ name: "ok2" })]);
  assert.throws(() => s.flush(), (e: Error) => {
    assert.ok(e instanceof IntegrityError, String(e));
    assert.match(e.message, /NOT NULL constraint failed: users\.name/);
    // The failing row's own statement and parameters, not the whole batch's.
    assert.equal(e.statement, "INSERT INTO users (name, age) VALUES (?, ?)");
    assert.deepEqual([...e.params], [null, null]);
    return true;
  });
  s.rollback();
  assert.deepEqual(rows(engine, "SELECT count(*) FROM users"), [[0]]);
  assert.equal(s.new.size, 0);
});

test("a trigger on the table could take rowids in between: the rows go one by one", () => {
  const { User, engine, Session } = blog();
  const c = engine.connect();
  // Every user also gets a shadow row in the same table: a batch's keys would not be consecutive.
  c.exec("CREATE TRIGGER shadow AFTER INSERT ON users WHEN NEW.name NOT LIKE 'shadow%' BEGIN INSERT INTO users (name) VALUES ('shadow ' || NEW.name); END");
  c.close();
  const s = Session();
  const users = [new User({ name: "a" }), new User({ name: "b" }), new User({ name: "c" })];
  s.addAll(users);
  const sql = inserts(engine, () => s.flush());
  assert.deepEqual(sql, [keyOrderCheck("users").sql, ...users.map(() => "INSERT INTO users (name, age) VALUES (?, ?)")]);
  s.commit();
  assert.deepEqual(users.map((u) => u.id), [1, 3, 5]);
  assert.deepEqual(s.scalars(select(User.name).where(User.id.in([1, 3, 5])).orderBy(User.id)).all(), ["a", "b", "c"]);
});

test("keys near 2^53 (past which JavaScript numbers aren't exact): the rows go one by one", () => {
  const { User, engine, Session } = blog();
  const c = engine.connect();
  c.execute({ sql: "INSERT INTO users (id, name) VALUES (?, ?)", parameters: [Number.MAX_SAFE_INTEGER - 2, "high"] });
  c.close();
  const s = Session();
  s.addAll([new User({ name: "a" }), new User({ name: "b" })]);
  assert.deepEqual(inserts(engine, () => s.flush()), [keyOrderCheck("users").sql, "INSERT INTO users (name, age) VALUES (?, ?)", "INSERT INTO users (name, age) VALUES (?, ?)"]);
  s.rollback();
});
