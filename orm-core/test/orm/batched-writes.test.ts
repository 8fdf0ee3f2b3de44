/**
 * Multi-row statements in the flush (persistence.ts insertAll / updateAll): rows of one table and
 * shape go together; each object gets its own row's generated key, and where the keys could come
 * out of order the rows go one by one; UPDATEs still find stale rows and name a failing one.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, IntegrityError, StaleDataError, select, deleteFrom, update } from "../../src/index";
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
    assert.ok(e instanceof IntegrityError, `${e}`);
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

function versioned() {
  const Base = declarativeBase();
  @mapped class Doc extends Base.model("docs", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(50), { unique: true }),
    version: Column(Integer, { nullable: false }),
  }, { versionIdCol: "version" }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.addAll([new Doc({ title: "a" }), new Doc({ title: "b" }), new Doc({ title: "c" })]);
  s.commit();
  s.close();
  return { Doc, engine, Session };
}

test("UPDATEs of one shape go in one statement that sets and checks each row's version", () => {
  const { Doc, engine, Session } = versioned();
  const s = Session();
  const docs = s.scalars(select(Doc).orderBy(Doc.id)).all();
  docs.forEach((d) => { d.title = `${d.title}2`; });
  const w = withoutTransactionControl(recordStatements(engine, () => s.flush()));
  assert.deepEqual(w.map((r) => [r.sql, [...r.params]]), [[
    "UPDATE docs SET title=v.column1, version=v.column2 FROM (VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)) AS v WHERE docs.id = v.column3 AND docs.version = v.column4",
    ["a2", 2, 1, 1, "b2", 2, 2, 1, "c2", 2, 3, 1],
  ]]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title, version FROM docs ORDER BY id"), [["a2", 2], ["b2", 2], ["c2", 2]]);
});

test("a batch UPDATE that matches fewer rows than objects raises StaleDataError, and the flush leaves nothing behind", () => {
  const { Doc, engine, Session } = versioned();
  const s = Session();
  const docs = s.scalars(select(Doc).orderBy(Doc.id)).all();
  // Someone else changes one row meanwhile (the session is not told).
  s.execute(update(Doc).where(Doc.title.eq("b")).values({ version: 7 }), undefined, { synchronizeSession: false });
  docs.forEach((d) => { d.title = `${d.title}2`; });
  assert.throws(() => s.flush(), (e: Error) => e instanceof StaleDataError && /expected to update 3 row\(s\); 2 were matched/.test(e.message) && /refresh the objects/.test(e.message));
  s.rollback();
  assert.deepEqual(rows(engine, "SELECT title, version FROM docs ORDER BY id"), [["a", 1], ["b", 1], ["c", 1]]);
  // Without the version counter a row deleted meanwhile is found missing the same way.
  const { User, engine: e2, Session: S2 } = blog();
  const s2 = S2();
  s2.addAll([new User({ name: "x" }), new User({ name: "y" })]);
  s2.commit();
  const [x, y] = s2.scalars(select(User).orderBy(User.id)).all();
  s2.execute(deleteFrom(User).where(User.name.eq("y")), undefined, { synchronizeSession: false });
  x!.age = 1; y!.age = 2;
  assert.throws(() => s2.flush(), (e: Error) => e instanceof StaleDataError && /expected to update 2 row\(s\); 1 were matched/.test(e.message));
  s2.rollback();
  void e2;
});

test("a constraint failure in a batch UPDATE names the row at fault; a changed key goes in its own UPDATE", () => {
  const { Doc, engine, Session } = versioned();
  const s = Session();
  const [a, b, c] = s.scalars(select(Doc).orderBy(Doc.id)).all();
  a!.title = "a2"; b!.title = "c"; c!.title = "c3"; // b takes c's title before c gives it up: UNIQUE fails at b
  assert.throws(() => s.flush(), (e: Error) => {
    assert.ok(e instanceof IntegrityError, `${e}`);
    assert.match(e.message, /UNIQUE constraint failed: docs\.title/);
    assert.equal(e.statement, "UPDATE docs SET title=?, version=? WHERE docs.id = ? AND docs.version = ?");
    assert.deepEqual([...e.params], ["c", 2, 2, 1]);
    return true;
  });
  s.rollback();
  const s2 = Session();
  const [d1, d2] = s2.scalars(select(Doc).orderBy(Doc.id)).all();
  d1!.id = 10; d2!.title = "b2";
  const sql = withoutTransactionControl(recordStatements(engine, () => s2.flush())).map((r) => r.sql);
  assert.deepEqual(sql, ["UPDATE docs SET id=?, version=? WHERE docs.id = ? AND docs.version = ?", "UPDATE docs SET title=?, version=? WHERE docs.id = ? AND docs.version = ?"]);
  s2.commit();
  assert.deepEqual(rows(engine, "SELECT id, title FROM docs ORDER BY id"), [[2, "b2"], [3, "c"], [10, "a"]]);
});

test("with a SQLite older than 3.33 (no UPDATE ... FROM) the UPDATEs go one by one", () => {
  const { Doc, engine, Session } = versioned();
  const c = engine.connect();
  assert.equal(c.supportsUpdateFrom, true, "better-sqlite3's own SQLite has it");
  c.close();
  (engine as unknown as { version: number }).version = 3_032_003; // as a custom build would report
  const s = Session();
  s.scalars(select(Doc)).all().forEach((d) => { d.title = `${d.title}!`; });
  const sql = withoutTransactionControl(recordStatements(engine, () => s.flush())).map((r) => r.sql);
  assert.deepEqual(sql, Array(3).fill("UPDATE docs SET title=?, version=? WHERE docs.id = ? AND docs.version = ?"));
  s.commit();
  assert.deepEqual(rows(engine, "SELECT title FROM docs ORDER BY id"), [["a!"], ["b!"], ["c!"]]);
});

test("a unique value passed from one row to another in the flush's order goes through, whatever order SQLite updates a batch in", () => {
  const { Doc, engine, Session } = versioned();
  const s = Session();
  const [a, b, c] = s.scalars(select(Doc).orderBy(Doc.id)).all();
  // Changed in this order, the flush writes c, then b, then a: each takes a title the one before gave up.
  c!.title = "d"; b!.title = "c"; a!.title = "b";
  s.commit();
  assert.deepEqual(rows(engine, "SELECT id, title, version FROM docs ORDER BY id"), [[1, "b", 2], [2, "c", 2], [3, "d", 2]]);
});
