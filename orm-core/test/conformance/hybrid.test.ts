// Hybrid properties (SQLAlchemy's sqlalchemy.ext.hybrid, test/ext/test_hybrid.py): one name that
// is a getter on instances and a SQL expression on the class; and checkHybrids() /
// assertHybridsAgree(), which run both on real rows and report where they disagree.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, Numeric, createEngine, sessionmaker, select, func, case as case_, hybridProperty,
  checkHybrids, assertHybridsAgree, HybridMismatchError, InvalidRequestError, ArgumentError, type ColumnElement,
} from "../../src/index";
import { expectStatementCount } from "../support/sql";

function model() {
  const Base = declarativeBase();
  @mapped
  class Person extends Base.model("people", {
    id: Column(Integer, { primaryKey: true }),
    first: Column(String(20), { nullable: false }),
    last: Column(String(20)),
    age: Column(Integer),
    price: Column(Numeric({ precision: 10, scale: 2 })),
  }) {
    /** Deliberately inconsistent on NULL: JS gives "Alan null", SQL's || gives NULL. */
    @hybridProperty({ expression: (cls) => cls.first.concat(" ").concat(cls.last) })
    get fullName(): string { return `${this.first} ${this.last}`; }

    /** Consistent: both treat a missing age as 0; SQL's CASE yields 1 / 0, the getter true / false. */
    @hybridProperty({ expression: (cls) => case_([[func.coalesce(cls.age, 0).ge(18), 1]], { else: 0 }) })
    get isAdult(): boolean { return (this.age ?? 0) >= 18; }

    /** Consistent: Numeric comes back as a decimal string ("3.00"), the getter computes a number. */
    @hybridProperty({ expression: (cls) => cls.price.mul(2) })
    get doublePrice(): number | null { return this.price === null ? null : Number(this.price) * 2; }

    /** Bare hybrid: no SQL expression, so nothing to check. */
    @hybridProperty
    get shout(): string { return this.first.toUpperCase(); }
  }
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Person({ first: "Ada", last: "Lovelace", age: 36, price: "1.50" }));
  s.add(new Person({ first: "Alan", last: null, age: 17, price: null }));
  s.add(new Person({ first: "Grace", last: "Hopper", age: null, price: "12" }));
  s.commit();
  s.close();
  const P = Person as typeof Person & { fullName: ColumnElement<string>; isAdult: ColumnElement<number>; doublePrice: ColumnElement<string> };
  return { Person: P, engine, Session };
}

test("a hybrid's SQL expression works in where()", () => {
  const m = model();
  const s = m.Session();
  const [q] = expectStatementCount(m.engine, 1, () => {
    assert.deepEqual(s.scalars(select(m.Person).where(m.Person.fullName.eq("Grace Hopper"))).all().map((p) => p.id), [3]);
  });
  assert.equal(q!.sql, 'SELECT people.id, people."first", people."last", people.age, people.price FROM people WHERE people."first" || ? || people."last" = ?');
  assert.deepEqual([...q!.params], [" ", "Grace Hopper"]);
});

test("a hybrid's SQL expression works in orderBy() and as a selected column", () => {
  const m = model();
  const s = m.Session();
  assert.deepEqual(s.scalars(select(m.Person.first).orderBy(m.Person.isAdult.desc(), m.Person.first)).all(), ["Ada", "Alan", "Grace"]);
  assert.deepEqual(s.execute(select(m.Person.first, m.Person.doublePrice).orderBy(m.Person.id)).all().map((r) => [...r]), [["Ada", "3.00"], ["Alan", null], ["Grace", "24.00"]]);
  assert.deepEqual(s.scalars(select(m.Person.fullName).orderBy(m.Person.fullName.desc())).all(), ["Grace Hopper", "Ada Lovelace", null]);
});

test("on instances the getter runs in JavaScript, without SQL", () => {
  const m = model();
  const s = m.Session();
  const people = s.scalars(select(m.Person).orderBy(m.Person.id)).all();
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(people.map((p) => [p.fullName, p.isAdult, p.doublePrice, p.shout]), [
      ["Ada Lovelace", true, 3, "ADA"], ["Alan null", false, null, "ALAN"], ["Grace Hopper", false, 24, "GRACE"],
    ]);
  });
  // A transient object too: hybrids need no session.
  assert.equal(new m.Person({ first: "Kay", last: "Ng" }).fullName, "Kay Ng");
});

test("checkHybrids finds the NULL disagreement, in one SELECT of the entity and every expression", () => {
  const m = model();
  const s = m.Session();
  let found: ReturnType<typeof checkHybrids> = [];
  const [q] = expectStatementCount(m.engine, 1, () => { found = checkHybrids(s, m.Person); });
  assert.deepEqual(found, [{ hybrid: "fullName", pk: [2], instanceValue: "Alan null", sqlValue: null }]);
  assert.equal(q!.sql, 'SELECT people.id, people."first", people."last", people.age, people.price, people."first" || ? || people."last" AS hybrid_1, '
    + "CASE WHEN coalesce(people.age, ?) >= ? THEN ? ELSE ? END AS hybrid_2, people.price * ? AS hybrid_3 FROM people ORDER BY people.id LIMIT ?");
  assert.deepEqual([...q!.params], [" ", 0, 18, 1, 0, 2, 1000]);
});

test("checkHybrids passes consistent hybrids: true/false vs 1/0 and numbers vs decimal strings are the same value", () => {
  const m = model();
  const s = m.Session();
  assert.deepEqual(checkHybrids(s, m.Person, { hybrids: ["isAdult", "doublePrice"] }), []);
  // Unflushed changes are flushed first (autoflush), so both sides see the same row.
  const grace = s.get(m.Person, 3)!;
  grace.price = "2.5";
  grace.age = 18;
  assert.deepEqual(checkHybrids(s, m.Person, { hybrids: ["isAdult", "doublePrice"] }), []);
  assert.equal(s.dirty.size, 0);
});

test("normalising 1/0 doesn't hide a real difference between booleans", () => {
  const Base = declarativeBase();
  @mapped
  class Voter extends Base.model("voters", { id: Column(Integer, { primaryKey: true }), age: Column(Integer, { nullable: false }) }) {
    /** Off by one at 18: > in JS, >= in SQL. */
    @hybridProperty({ expression: (cls) => cls.age.ge(18) })
    get canVote(): boolean { return this.age > 18; }
  }
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  s.add(new Voter({ age: 17 }));
  s.add(new Voter({ age: 18 }));
  s.add(new Voter({ age: 40 }));
  s.commit();
  assert.deepEqual(checkHybrids(s, Voter), [{ hybrid: "canVote", pk: [2], instanceValue: false, sqlValue: true }]);
});

test("checkHybrids: limit and where choose the rows checked", () => {
  const m = model();
  const s = m.Session();
  assert.deepEqual(checkHybrids(s, m.Person, { limit: 1 }), []);
  assert.deepEqual(checkHybrids(s, m.Person, { where: m.Person.last.isNotNull() }), []);
  assert.deepEqual(checkHybrids(s, m.Person, { where: m.Person.last.isNull() }).map((x) => [x.hybrid, x.pk]), [["fullName", [2]]]);
  assert.throws(() => checkHybrids(s, m.Person, { limit: 0 }), /limit must be a positive integer/);
});

test("a getter that throws is reported with its error", () => {
  const Base = declarativeBase();
  @mapped
  class Item extends Base.model("items", { id: Column(Integer, { primaryKey: true }), name: Column(String(20)) }) {
    @hybridProperty({ expression: (cls) => func.upper(cls.name) })
    get upper(): string { return this.name!.toUpperCase(); }
  }
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  s.add(new Item({ name: "a" }));
  s.add(new Item({ name: null }));
  s.commit();
  const found = checkHybrids(s, Item);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.pk[0], 2);
  assert.equal(found[0]!.sqlValue, null);
  assert.match(found[0]!.error!, /Cannot read properties of null/);
  assert.throws(() => assertHybridsAgree(s, Item), /disagree for Item\.upper at id=2: getter threw ".*Cannot read properties of null.*", SQL null/);
});

test("assertHybridsAgree throws an InvalidRequestError naming the hybrid, the row and both values", () => {
  const m = model();
  const s = m.Session();
  let err: unknown;
  try { assertHybridsAgree(s, m.Person); } catch (e) { err = e; }
  assert.ok(err instanceof InvalidRequestError && err instanceof HybridMismatchError);
  assert.equal(err.message,
    "Hybrid properties of Person disagree with their SQL expressions on 1 row:\n"
    + "  the getter and the expression disagree for Person.fullName at id=2: getter 'Alan null', SQL null\n"
    + "Make the getter and the expression implement the same rule; NULL handling, rounding, integer division and booleans stored as 1/0 are the usual causes.");
  assert.equal(err.mismatches.length, 1);
  assert.doesNotThrow(() => assertHybridsAgree(s, m.Person, { hybrids: ["isAdult", "doublePrice"] }));
  // More rows than `show`: the rest are counted.
  s.add(new m.Person({ first: "Bo", last: null }));
  s.add(new m.Person({ first: "Cy", last: null }));
  assert.throws(() => assertHybridsAgree(s, m.Person, { show: 2 }), (e: unknown) =>
    e instanceof HybridMismatchError && /on 3 rows:\n.*id=2.*\n.*id=4: getter 'Bo null', SQL null\n {2}\.\.\. and 1 more\n/.test(e.message));
});

test("checkHybrids rejects what it can't check", () => {
  const m = model();
  const s = m.Session();
  assert.throws(() => checkHybrids(s, m.Person, { hybrids: ["shout"] }), (e: unknown) => e instanceof ArgumentError && /Person\.shout has no SQL expression to compare with/.test(e.message));
  assert.throws(() => checkHybrids(s, m.Person, { hybrids: ["fullname"] }), /Person has no hybrid property "fullname"; its hybrids are fullName, isAdult, doublePrice, shout/);
  assert.throws(() => checkHybrids(s, class NotMapped {}), /checkHybrids\(\) takes a mapped class/);
  // A class without hybrids: nothing to check, no SQL.
  const Base = declarativeBase();
  @mapped class Plain extends Base.model("plain", { id: Column(Integer, { primaryKey: true }) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const ps = sessionmaker({ bind: engine })();
  expectStatementCount(engine, 0, () => assert.deepEqual(checkHybrids(ps, Plain), []));
});
