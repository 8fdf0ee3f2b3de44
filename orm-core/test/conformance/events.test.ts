// Mirrors SQLAlchemy test/orm/test_events.py (and the validators of test/orm/test_validators.py):
// mapper persistence events (before/after insert, update, delete) with the mapper, the flush's
// connection and the target; session events (before_flush, after_flush, after_flush_postexec,
// after_begin, before_commit, after_commit, after_rollback) and where they are scoped; attribute
// "set" events with retval; engine before_cursor_execute; once / remove / contains; @validates.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select, insert,
  event, validates, inspect, Session as SessionClass, PendingRollbackError,
} from "../../src/index";
import { recordStatements } from "../support/sql";

function eventsModel() {
  const Base = declarativeBase();

  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    slug: Column(String(30)),
    posts: relationship<Post[]>("Post", { backPopulates: "author", cascade: "all, delete-orphan" }),
  }) {}

  @mapped
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(30), { nullable: false }),
    user_id: Column(Integer, ForeignKey("users.id")),
    author: relationship<User>("User", { backPopulates: "posts" }),
  }) {}

  @mapped
  class Audit extends Base.model("audit", {
    id: Column(Integer, { primaryKey: true }),
    note: Column(String(60), { nullable: false }),
  }) {}

  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  return { User, Post, Audit, engine, Session };
}

/** Runs fn, returning the engine's statements and the event log interleaved, in order. */
function trace(engine: { listeners: ((sql: string, params: readonly unknown[]) => void)[] }, log: string[], fn: () => void): string[] {
  const hook = (sql: string) => { log.push(`SQL ${sql.replace(/\s+/g, " ").split(" ").slice(0, 3).join(" ")}`); };
  engine.listeners.push(hook);
  try { fn(); } finally { engine.listeners.splice(engine.listeners.indexOf(hook), 1); }
  return log.filter((l) => !/^SQL (BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(l));
}

test("before_insert / after_insert get (mapper, the flush's connection, target) around the INSERT", () => {
  const m = eventsModel();
  const log: string[] = [];
  const s = m.Session();
  event.listen(m.User, "before_insert", (mapper, connection, target) => {
    assert.equal(mapper, inspect(m.User));
    assert.equal(connection, s.connection());
    assert.equal(target.id ?? null, null, "no primary key yet");
    log.push(`before_insert ${target.name}`);
  });
  event.listen(m.User, "after_insert", (_mapper, _connection, target) => {
    assert.equal(typeof target.id, "number", "primary key set");
    log.push(`after_insert ${target.name} id=${target.id}`);
  });
  s.add(new m.User({ name: "alice" }));
  const out = trace(m.engine, log, () => s.flush());
  assert.deepEqual(out, ["before_insert alice", "SQL INSERT INTO users", "after_insert alice id=1"]);
});

test("values set on the target in before_insert are the values inserted", () => {
  const m = eventsModel();
  event.listen(m.User, "before_insert", (_m, _c, target) => { target.slug = `${target.name}`.toLowerCase().replace(/ /g, "-"); });
  const s = m.Session();
  s.add(new m.User({ name: "Ada Lovelace" }));
  const [ins] = recordStatements(m.engine, () => s.commit()).filter((r) => r.sql.startsWith("INSERT"));
  assert.deepEqual([...ins!.params], ["Ada Lovelace", "ada-lovelace"]);
  const check = m.Session();
  assert.equal(check.scalars(select(m.User.slug)).one(), "ada-lovelace");
});

test("a mapper listener may write through the flush's connection; its rows commit with the flush", () => {
  const m = eventsModel();
  event.listen(m.User, "after_insert", (_m, connection, target) => {
    connection.execute(insert(m.Audit).values({ note: `created user ${target.id}` }).compile());
    const [[n]] = connection.execute({ sql: "SELECT count(*) FROM users", parameters: [] }).rows as [[number]];
    assert.equal(n, 1, "the listener sees the row just inserted, inside the transaction");
  });
  const s = m.Session();
  s.add(new m.User({ name: "alice" }));
  const inserts = recordStatements(m.engine, () => s.commit()).filter((r) => r.sql.startsWith("INSERT")).map((r) => r.sql.split(" ")[2]);
  assert.deepEqual(inserts, ["users", "audit"]);
  assert.deepEqual(m.Session().scalars(select(m.Audit.note)).all(), ["created user 1"]);
});

test("before_update / after_update fire around the UPDATE of a changed object, not for unchanged ones", () => {
  const m = eventsModel();
  const s = m.Session();
  s.addAll([new m.User({ name: "alice" }), new m.User({ name: "bob" })]);
  s.commit();
  const log: string[] = [];
  event.listen(m.User, "before_update", (_m, _c, target) => log.push(`before_update ${target.name}`));
  event.listen(m.User, "after_update", (_m, _c, target) => log.push(`after_update ${target.name}`));
  const [alice, bob] = s.scalars(select(m.User).orderBy(m.User.id)).all();
  alice!.name = "alicia";
  void bob!.name;
  const out = trace(m.engine, log, () => s.flush());
  assert.deepEqual(out, ["before_update alicia", "SQL UPDATE users SET", "after_update alicia"]);
});

test("a column set in before_update is included in the same UPDATE", () => {
  const m = eventsModel();
  const s = m.Session();
  s.add(new m.User({ name: "alice" }));
  s.commit();
  event.listen(m.User, "before_update", (_m, _c, target) => { target.slug = `${target.name}-v2`; });
  const u = s.get(m.User, 1)!;
  u.name = "alicia";
  const updates = recordStatements(m.engine, () => s.commit()).filter((r) => r.sql.startsWith("UPDATE"));
  assert.equal(updates.length, 1);
  assert.match(updates[0]!.sql, /^UPDATE users SET name=\?, slug=\? WHERE users\.id = \?$/);
  assert.deepEqual([...updates[0]!.params], ["alicia", "alicia-v2", 1]);
});

test("before_delete / after_delete fire around the DELETE with the deleted object", () => {
  const m = eventsModel();
  const s = m.Session();
  s.add(new m.Audit({ note: "x" }));
  s.commit();
  const log: string[] = [];
  event.listen(m.Audit, "before_delete", (_m, _c, target) => log.push(`before_delete ${target.note} persistent=${inspect(target).persistent || inspect(target).deleted}`));
  event.listen(m.Audit, "after_delete", (_m, _c, target) => log.push(`after_delete ${target.note}`));
  const a = s.get(m.Audit, 1)!;
  s.delete(a);
  const out = trace(m.engine, log, () => s.flush());
  assert.deepEqual(out, ["before_delete x persistent=true", "SQL DELETE FROM audit", "after_delete x"]);
  assert.equal(m.Session().scalars(select(m.Audit)).all().length, 0);
});

test("parent rows are saved (with their events) before child rows; the child's foreign key is set by before_insert", () => {
  const m = eventsModel();
  const log: string[] = [];
  event.listen(m.User, "before_insert", (_m, _c, t) => log.push(`before_insert User ${t.name}`));
  event.listen(m.User, "after_insert", (_m, _c, t) => log.push(`after_insert User ${t.name}`));
  event.listen(m.Post, "before_insert", (_m, _c, t) => log.push(`before_insert Post ${t.title} user_id=${t.user_id}`));
  event.listen(m.Post, "after_insert", (_m, _c, t) => log.push(`after_insert Post ${t.title}`));
  const s = m.Session();
  const p = new m.Post({ title: "p1" });
  s.add(p); // the child is added first: the flush still orders by dependency
  s.add(new m.User({ name: "alice", posts: [p] }));
  const out = trace(m.engine, log, () => s.flush());
  assert.deepEqual(out, [
    "before_insert User alice", "SQL INSERT INTO users", "after_insert User alice",
    "before_insert Post p1 user_id=1", "SQL INSERT INTO posts", "after_insert Post p1",
  ]);
});

test("cascaded deletes fire delete events for the children, which are deleted before the parent", () => {
  const m = eventsModel();
  const s = m.Session();
  s.add(new m.User({ name: "alice", posts: [new m.Post({ title: "p1" })] }));
  s.commit();
  const log: string[] = [];
  event.listen(m.User, "before_delete", (_m, _c, t) => log.push(`before_delete User ${t.name}`));
  event.listen(m.Post, "before_delete", (_m, _c, t) => log.push(`before_delete Post ${t.title}`));
  event.listen(m.Post, "after_delete", (_m, _c, t) => log.push(`after_delete Post ${t.title}`));
  s.delete(s.get(m.User, 1)!);
  const out = trace(m.engine, log, () => s.flush()).filter((l) => !l.startsWith("SQL SELECT"));
  assert.deepEqual(out, ["before_delete Post p1", "SQL DELETE FROM posts", "after_delete Post p1", "before_delete User alice", "SQL DELETE FROM users"]);
});

test("before_flush gets the session; objects added or changed there are flushed in the same flush", () => {
  const m = eventsModel();
  const s = m.Session();
  s.add(new m.User({ name: "alice" }));
  s.commit();
  const alice = s.get(m.User, 1)!;
  let calls = 0;
  event.listen(s, "before_flush", (session) => {
    calls++;
    assert.equal(session, s);
    for (const obj of session.new) if (obj instanceof m.Audit) continue; else session.add(new m.Audit({ note: `new ${(obj as InstanceType<typeof m.User>).name}` }));
    for (const obj of session.dirty) (obj as InstanceType<typeof m.User>).slug = "touched";
  });
  s.add(new m.User({ name: "bob" }));
  alice.name = "alicia";
  const stmts = recordStatements(m.engine, () => s.flush()).filter((r) => /^(INSERT|UPDATE)/.test(r.sql));
  assert.equal(calls, 1);
  // (The order of these statements across tables and between INSERT/UPDATE is not pinned here.)
  assert.deepEqual(stmts.map((r) => `${r.sql.split(" ").slice(0, 3).join(" ")} ${JSON.stringify(r.params)}`).sort(), [
    `INSERT INTO audit ["new bob"]`,
    `INSERT INTO users ["bob",null]`,
    `UPDATE users SET ["alicia","touched",1]`,
  ]);
  assert.equal(s.new.size, 0);
});

test("after_flush sees the pre-flush session state; after_flush_postexec sees the final state", () => {
  const m = eventsModel();
  const s = m.Session();
  const u = new m.User({ name: "alice" });
  const seen: string[] = [];
  event.listen(s, "after_flush", (session) => {
    seen.push(`after_flush new=${session.new.has(u)} rowExists=${session.connection().execute({ sql: "SELECT count(*) FROM users", parameters: [] }).rows[0][0]}`);
  });
  event.listen(s, "after_flush_postexec", (session) => { seen.push(`postexec new=${session.new.has(u)} persistent=${inspect(u).persistent}`); });
  s.add(u);
  s.flush();
  assert.deepEqual(seen, ["after_flush new=true rowExists=1", "postexec new=false persistent=true"]);
});

test("a flush with nothing to write fires no flush events and emits no SQL", () => {
  const m = eventsModel();
  const s = m.Session();
  s.add(new m.User({ name: "alice" }));
  s.commit();
  const log: string[] = [];
  event.listen(s, "before_flush", () => log.push("before_flush"));
  event.listen(s, "after_flush", () => log.push("after_flush"));
  const u = s.get(m.User, 1)!;
  void u.name;
  const stmts = recordStatements(m.engine, () => s.flush());
  assert.deepEqual(log, []);
  assert.deepEqual(stmts, []);
});

test("after_begin fires once per transaction with the connection; after_commit after COMMIT", () => {
  const m = eventsModel();
  const s = m.Session();
  const log: string[] = [];
  event.listen(s, "after_begin", (session, _tx, connection) => {
    assert.equal(session, s);
    assert.equal(connection, s.connection());
    log.push("after_begin");
  });
  event.listen(s, "after_commit", (session) => log.push(`after_commit inTransaction=${session.inTransaction}`));
  s.add(new m.User({ name: "a" }));
  s.flush();
  s.add(new m.User({ name: "b" }));
  s.flush();
  s.commit();
  s.add(new m.User({ name: "c" }));
  s.commit();
  assert.deepEqual(log, ["after_begin", "after_commit inTransaction=false", "after_begin", "after_commit inTransaction=false"]);
  assert.deepEqual(m.Session().scalars(select(m.User.name).orderBy(m.User.id)).all(), ["a", "b", "c"]);
});

test("after_rollback fires after the ROLLBACK of a transaction; the flushed rows are gone", () => {
  const m = eventsModel();
  const s = m.Session();
  const log: string[] = [];
  event.listen(s, "after_rollback", (session) => log.push(`after_rollback inTransaction=${session.inTransaction}`));
  s.add(new m.User({ name: "a" }));
  s.flush();
  assert.equal(s.inTransaction, true);
  s.rollback();
  assert.deepEqual(log, ["after_rollback inTransaction=false"]);
  assert.deepEqual(s.scalars(select(m.User)).all(), []);
});

test("an exception in a mapper listener aborts the flush: nothing is written and the session needs rollback()", () => {
  const m = eventsModel();
  event.listen(m.Post, "before_insert", (_m, _c, t) => { if (t.title === "bad") throw new Error("rejected by listener"); });
  const s = m.Session();
  s.addAll([new m.User({ name: "alice" }), new m.Post({ title: "ok" }), new m.Post({ title: "bad" })]);
  assert.throws(() => s.flush(), /rejected by listener/);
  assert.throws(() => s.scalars(select(m.User)).all(), PendingRollbackError);
  s.rollback();
  assert.deepEqual(s.scalars(select(m.User)).all(), []);
  assert.deepEqual(s.scalars(select(m.Post)).all(), []);
});

test("session listeners are scoped: a session, its sessionmaker, or every Session", () => {
  const m = eventsModel();
  const other = sessionmaker({ bind: m.engine });
  const log: string[] = [];
  const onClass = () => log.push("Session");
  event.listen(m.Session, "after_commit", () => log.push("maker"));
  event.listen(SessionClass, "after_commit", onClass);
  try {
    const s1 = m.Session();
    event.listen(s1, "after_commit", () => log.push("s1"));
    s1.commit();
    log.push("|");
    m.Session().commit();
    log.push("|");
    other().commit();
  } finally {
    event.remove(SessionClass, "after_commit", onClass);
  }
  // Which listeners ran for each commit (their relative order is not pinned here).
  const perCommit = log.join(" ").split("|").map((part) => part.trim().split(" ").filter(Boolean).sort());
  assert.deepEqual(perCommit, [["Session", "maker", "s1"], ["Session", "maker"], ["Session"]]);
});

test("listeners run in registration order; once: true runs once; remove() stops a listener; contains() tells", () => {
  const m = eventsModel();
  const log: string[] = [];
  const first = () => log.push("first");
  const second = () => log.push("second");
  const once = () => log.push("once");
  event.listen(m.Audit, "before_insert", first);
  event.listen(m.Audit, "before_insert", second);
  event.listen(m.Audit, "before_insert", once, { once: true });
  const s = m.Session();
  s.add(new m.Audit({ note: "1" }));
  s.flush();
  assert.deepEqual(log, ["first", "second", "once"]);
  assert.equal(event.contains(m.Audit, "before_insert", first), true);
  event.remove(m.Audit, "before_insert", first);
  assert.equal(event.contains(m.Audit, "before_insert", first), false);
  s.add(new m.Audit({ note: "2" }));
  s.flush();
  assert.deepEqual(log, ["first", "second", "once", "second"]);
  assert.throws(() => event.remove(m.Audit, "before_insert", first));
});

test("listensFor() registers the decorated function like listen()", () => {
  const m = eventsModel();
  const names: string[] = [];
  const fn = event.listensFor(m.User, "after_insert")((_m: unknown, _c: unknown, t: InstanceType<typeof m.User>) => { names.push(t.name); });
  assert.equal(typeof fn, "function");
  const s = m.Session();
  s.add(new m.User({ name: "zed" }));
  s.flush();
  assert.deepEqual(names, ["zed"]);
  assert.equal(event.contains(m.User, "after_insert", fn), true);
});

test("attribute set events get (target, value, oldvalue, initiator); they don't fire when loading", () => {
  const m = eventsModel();
  const s = m.Session();
  s.add(new m.User({ name: "alice" }));
  s.commit();
  s.close();
  const log: string[] = [];
  event.listen(m.User.name, "set", (target, value, oldvalue, initiator) => {
    assert.ok(target instanceof m.User);
    assert.ok(initiator);
    log.push(`${oldvalue}->${value}`);
  });
  const s2 = m.Session();
  const u = s2.get(m.User, 1)!;
  assert.equal(u.name, "alice");
  assert.deepEqual(log, [], "no event for values loaded from the database");
  u.name = "alicia";
  u.name = "ally";
  assert.deepEqual(log, ["alice->alicia", "alicia->ally"]);
});

test("a set listener with retval: true replaces the value that is stored and flushed", () => {
  const m = eventsModel();
  event.listen(m.User.name, "set", (_t, value) => `${value}`.trim().toUpperCase(), { retval: true });
  const s = m.Session();
  const u = new m.User({ name: "  alice " });
  assert.equal(u.name, "ALICE");
  s.add(u);
  s.commit();
  u.name = " bob";
  s.commit();
  assert.deepEqual(m.Session().scalars(select(m.User.name)).all(), ["BOB"]);
});

test("engine before_cursor_execute sees each statement and its parameters, in order", () => {
  const m = eventsModel();
  const seen: [string, unknown[]][] = [];
  const fn = (_conn: unknown, _cursor: unknown, statement: string, parameters: readonly unknown[]) => { seen.push([statement.split(" ").slice(0, 3).join(" "), [...parameters]]); };
  event.listen(m.engine, "before_cursor_execute", fn);
  const s = m.Session();
  s.add(new m.User({ name: "alice" }));
  s.commit();
  s.scalars(select(m.User).where(m.User.name.eq("alice"))).all();
  event.remove(m.engine, "before_cursor_execute", fn);
  s.scalars(select(m.User)).all();
  const relevant = seen.filter(([sql]) => !/^(BEGIN|COMMIT|SAVEPOINT|RELEASE)/.test(sql));
  assert.deepEqual(relevant, [["INSERT INTO users", ["alice", null]], ["SELECT users.id, users.name,", ["alice"]]]);
});

test("@validates: runs on assignment and in the constructor with (key, value), stores the result, and can reject", () => {
  const Base = declarativeBase();
  const calls: string[] = [];
  @mapped
  class Account extends Base.model("accounts", {
    id: Column(Integer, { primaryKey: true }),
    email: Column(String(50)),
    backup: Column(String(50)),
  }) {
    @validates("email", "backup")
    checkEmail(key: string, value: string) {
      calls.push(`${key}=${value}`);
      if (!value.includes("@")) throw new Error(`${key}: invalid address ${value}`);
      return value.toLowerCase();
    }
  }
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const a = new Account({ email: "A@X.ORG" });
  assert.deepEqual(calls, ["email=A@X.ORG"]);
  assert.equal(a.email, "a@x.org");
  a.backup = "B@Y.ORG";
  assert.equal(a.backup, "b@y.org");
  assert.throws(() => { a.email = "nope"; }, /email: invalid address nope/);
  assert.equal(a.email, "a@x.org", "a rejected value is not stored");
  const s = Session();
  s.add(a);
  s.commit();
  s.close();
  calls.length = 0;
  const loaded = Session().get(Account, 1)!;
  assert.deepEqual([loaded.email, loaded.backup], ["a@x.org", "b@y.org"]);
  assert.deepEqual(calls, [], "validators don't run for values loaded from the database");
});
