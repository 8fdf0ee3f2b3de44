// Mirrors SQLAlchemy's synonym() (test/orm/test_mapper.py synonym tests; docs "Synonyms"): another
// name for a mapped column attribute. Instances read and write the column (the flush writes it),
// the class attribute is the column's SQL expression, the constructor and filterBy() accept it.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, relationship, synonym, createEngine, sessionmaker, select, inspect, aliased,
  ArgumentError, SynonymAttribute,
} from "../../src/index";
import { recordStatements, rows } from "../support/sql";

function model() {
  const Base = declarativeBase();
  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50), { nullable: false }),
    age: Column(Integer),
    userName: synonym("name"),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  return { Base, User, engine, Session };
}
const writes = (stmts: { sql: string; params: readonly unknown[] }[]) =>
  stmts.filter((r) => /^(INSERT|UPDATE|DELETE|SELECT)/.test(r.sql)).map((r) => [r.sql, [...r.params]]);

test("the constructor takes a synonym; instances read it from the column, and the INSERT writes the column", () => {
  const m = model();
  const u = new m.User({ userName: "ann", age: 30 });
  assert.equal(u.name, "ann");
  assert.equal(u.userName, "ann");
  const s = m.Session();
  s.add(u);
  const stmts = recordStatements(m.engine, () => s.commit());
  assert.deepEqual(writes(stmts), [["INSERT INTO users (name, age) VALUES (?, ?)", ["ann", 30]]]);
  assert.deepEqual(rows(m.engine, "SELECT id, name, age FROM users"), [[1, "ann", 30]]);
  assert.equal(Object.keys(u).includes("userName"), false, "not an own enumerable key");
});

test("setting the synonym records history on the column: the flush UPDATEs it", () => {
  const m = model();
  const s = m.Session();
  s.add(new m.User({ name: "ann" }));
  s.commit();
  const u = s.get(m.User, 1)!;
  u.userName = "bob";
  assert.equal(u.name, "bob");
  assert.equal(s.isModified(u), true);
  assert.deepEqual(inspect(u).attrs.name.history.added, ["bob"]);
  const stmts = recordStatements(m.engine, () => s.commit());
  assert.deepEqual(writes(stmts), [["UPDATE users SET name=? WHERE users.id = ?", ["bob", 1]]]);
  assert.deepEqual(rows(m.engine, "SELECT name FROM users"), [["bob"]]);
  // Expired after commit: reading the synonym loads the column.
  const load = recordStatements(m.engine, () => assert.equal(u.userName, "bob"));
  assert.equal(writes(load).length, 1);
});

test("User.userName is User.name's SQL expression in where(), orderBy(), select() and filterBy()", () => {
  const m = model();
  const s = m.Session();
  s.add(new m.User({ name: "bob", age: 1 }));
  s.add(new m.User({ name: "ann", age: 2 }));
  s.commit();
  assert.ok(m.User.userName instanceof SynonymAttribute);
  assert.equal(`${m.User.userName}`, "User.userName");
  const a = recordStatements(m.engine, () => s.scalars(select(m.User).where(m.User.userName.eq("ann"))).all());
  const b = recordStatements(m.engine, () => s.scalars(select(m.User).where(m.User.name.eq("ann"))).all());
  assert.deepEqual(writes(a), writes(b));
  assert.deepEqual(s.scalars(select(m.User).where(m.User.userName.eq("ann"))).all().map((u) => u.age), [2]);
  assert.deepEqual(s.scalars(select(m.User).orderBy(m.User.userName)).all().map((u) => u.name), ["ann", "bob"]);
  assert.deepEqual(s.scalars(select(m.User.userName).orderBy(m.User.userName.desc())).all(), ["bob", "ann"]);
  assert.deepEqual(s.scalars(select(m.User).filterBy({ userName: "bob" })).all().map((u) => u.age), [1]);
  const A = aliased(m.User, { name: "u2" });
  assert.deepEqual(s.scalars(select(A.userName).where(A.userName.eq("bob"))).all(), ["bob"]);
});

test("synonym() must name a column attribute of the same class", () => {
  const Base = declarativeBase();
  const bad = () => {
    @mapped
    class Thing extends Base.model("things", {
      id: Column(Integer, { primaryKey: true }),
      kids: relationship<Thing[]>("Thing"),
      alias: synonym("kids"),
    }) {}
    return Thing;
  };
  assert.throws(bad, (e: Error) => e instanceof ArgumentError && /Thing\.alias = synonym\("kids"\): "kids" is not a column attribute of Thing/.test(e.message));
  const Base2 = declarativeBase();
  assert.throws(() => {
    @mapped
    class Other extends Base2.model("others", { id: Column(Integer, { primaryKey: true }), alias: synonym("nope") }) {}
    return Other;
  }, /"nope" is not an attribute of Other; a synonym names a column, one of id/);
  assert.throws(() => synonym("" as string), /synonym\(\) takes the name of a column attribute/);
});
