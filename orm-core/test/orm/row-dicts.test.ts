/**
 * Whole objects of one class are loaded from rows keyed by column name, each row becoming its
 * object's attribute dictionary (loading.ts instancesFromDictRows; Mapper.rowDictKeys says when a
 * mapping allows it). What a user sees must not depend on which way an object was loaded.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { declarativeBase, mapped, Column, Integer, String, Boolean, DateTime, ForeignKey, relationship, createEngine, sessionmaker, select, selectinload, update, inspect, DetachedInstanceError } from "../../src/index";
import { expectStatementCount, rows } from "../support/sql";

function model() {
  const Base = declarativeBase();
  @mapped class Event extends Base.model("events", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(50)),
    done: Column(Boolean),
    at: Column(DateTime),
  }) {}
  // An attribute named like an Object.prototype member: its dictionaries can't be plain row objects.
  @mapped class Odd extends Base.model("odds", { id: Column(Integer, { primaryKey: true }), toString: Column(String(20)) }) {}
  // An attribute whose column has another name: its rows are read by position.
  @mapped class Renamed extends Base.model("renamed", { id: Column(Integer, { primaryKey: true }), userName: Column("user_name", String(20)) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Event, Odd, Renamed, engine, Session: sessionmaker({ bind: engine }) };
}

test("values that need converting (Boolean, DateTime) are converted; refresh and populateExisting reload them", () => {
  const { Event, Session } = model();
  const at = new Date("2026-12-01T10:00:00Z");
  const s = Session();
  s.addAll([new Event({ title: "a", done: true, at }), new Event({ title: "b", done: false, at: null })]);
  s.commit();
  s.close();
  const s2 = Session();
  const [a, b] = s2.scalars(select(Event).orderBy(Event.id)).all();
  assert.equal(a!.done, true);
  assert.ok(a!.at instanceof Date && a!.at.getTime() === at.getTime());
  assert.equal(b!.done, false);
  assert.equal(b!.at, null);
  // Changed in the database behind the session: a plain query keeps the loaded values ...
  s2.execute(update(Event).where(Event.id.eq(a!.id)).values({ done: false, title: "a2" }), undefined, { synchronizeSession: false });
  assert.equal(s2.scalars(select(Event).where(Event.id.eq(a!.id))).one().done, true);
  // ... populateExisting overwrites them, converted.
  s2.scalars(select(Event).executionOptions({ populateExisting: true })).all();
  assert.deepEqual([a!.done, a!.title], [false, "a2"]);
  // An expired attribute reloads by itself; the object is changed and flushed as any other.
  s2.expire(a!, ["title"]);
  assert.equal(a!.title, "a2");
  a!.done = true;
  s2.commit();
  assert.equal(s2.scalars(select(Event.done).where(Event.id.eq(a!.id))).one(), true);
});

test("an attribute named like an Object.prototype member, once expired, loads from the row (not the inherited function)", () => {
  const { Odd, engine, Session } = model();
  const s = Session();
  s.add(new Odd({ toString: "mine" }));
  s.commit();
  const o = s.scalars(select(Odd)).one();
  assert.equal(o.toString, "mine");
  s.expire(o, ["toString"]);
  expectStatementCount(engine, 1, () => assert.equal(o.toString, "mine"));
});

test("an attribute whose column has another name loads its column's value", () => {
  const { Renamed, Session } = model();
  const s = Session();
  s.addAll([new Renamed({ userName: "x" }), new Renamed({ userName: "y" })]);
  s.commit();
  s.close();
  assert.deepEqual(Session().scalars(select(Renamed).orderBy(Renamed.id)).all().map((r) => r.userName), ["x", "y"]);
});

test("a relationship named like an Object.prototype member still lazy-loads (its class's rows are read by position)", () => {
  const Base = declarativeBase();
  @mapped class Box extends Base.model("boxes", {
    id: Column(Integer, { primaryKey: true }),
    valueOf: relationship<Item[]>("Item"),
  }) {}
  @mapped class Item extends Base.model("items", { id: Column(Integer, { primaryKey: true }), box_id: Column(Integer, ForeignKey("boxes.id")) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Box({ valueOf: [new Item({}), new Item({})] }));
  s.commit();
  s.close();
  const box = Session().scalars(select(Box)).one();
  assert.equal((box.valueOf as unknown as Item[]).length, 2);
});

test("a loaded object read but never touched (it gets no state until needed) goes through every session transition as any other", () => {
  const { Event, engine, Session } = model();
  const s = Session();
  s.addAll([new Event({ title: "a" }), new Event({ title: "b" }), new Event({ title: "c" })]);
  s.commit();
  s.close();

  const s1 = Session();
  const [a, b, c] = s1.scalars(select(Event).orderBy(Event.id)).all();
  assert.equal(a!.title, "a"); // a read alone
  // Queried again: the same objects; by get(): the same object, no SELECT.
  assert.equal(s1.scalars(select(Event).where(Event.id.eq(b!.id))).one(), b);
  expectStatementCount(engine, 0, () => assert.equal(s1.get(Event, c!.id), c));
  assert.deepEqual([inspect(a!).persistent, s1.contains(b!), inspect(c!).identity], [true, true, [3]]);
  // Changed, deleted: flushed.
  b!.title = "b2";
  s1.delete(c!);
  s1.commit();
  assert.deepEqual(rows(engine, "SELECT title FROM events ORDER BY id"), [["a"], ["b2"]]);

  // Closing detaches what was loaded and never touched: reads still work, loads can't.
  const s2 = Session();
  const [a2] = s2.scalars(select(Event).orderBy(Event.id)).all();
  s2.close();
  assert.equal(s2.contains(a2!), false);
  assert.equal(inspect(a2!).detached, true);
  assert.equal(a2!.title, "a");
  // A detached object joins another session; a change there is flushed.
  const s3 = Session();
  s3.add(a2!);
  a2!.title = "a3";
  s3.commit();
  assert.deepEqual(rows(engine, "SELECT title FROM events ORDER BY id"), [["a3"], ["b2"]]);

  // Expired by a commit, or by expire(): reloaded on the next read.
  const s4 = Session();
  const [a4] = s4.scalars(select(Event).orderBy(Event.id)).all();
  s4.execute(update(Event).where(Event.id.eq(a4!.id)).values({ title: "a4" }), undefined, { synchronizeSession: false });
  s4.expire(a4!);
  assert.equal(a4!.title, "a4");
  s4.close();
});

test("relationships of loaded objects that have no state yet: lazy loads, selectin, and a detached parent's refusal", () => {
  const Base = declarativeBase();
  @mapped class Parent extends Base.model("parents", { id: Column(Integer, { primaryKey: true }), name: Column(String(20)), kids: relationship<Kid[]>("Kid", { backPopulates: "parent" }) }) {}
  @mapped class Kid extends Base.model("kids", { id: Column(Integer, { primaryKey: true }), parent_id: Column(Integer, ForeignKey("parents.id")), parent: relationship<Parent>("Parent", { backPopulates: "kids" }) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.addAll([new Parent({ name: "p", kids: [new Kid({}), new Kid({})] }), new Parent({ name: "q", kids: [new Kid({})] })]);
  s.commit();
  s.close();
  const s1 = Session();
  const [p, q] = s1.scalars(select(Parent).orderBy(Parent.id).options(selectinload(Parent.kids))).all();
  assert.deepEqual([p!.kids.length, q!.kids.length], [2, 1]);
  assert.equal(p!.kids[0]!.parent, p); // many-to-one from the identity map
  const s2 = Session();
  const [k] = s2.scalars(select(Kid).orderBy(Kid.id)).all();
  assert.equal(k!.parent!.name, "p"); // lazy load
  s2.close();
  const s3 = Session();
  const [p3] = s3.scalars(select(Parent).orderBy(Parent.id)).all();
  s3.close();
  assert.throws(() => p3!.kids, (e: Error) => e instanceof DetachedInstanceError);
});
