/**
 * Whole objects of one class are loaded from rows keyed by column name, each row becoming its
 * object's attribute dictionary (loading.ts instanceFromDictRow; Mapper.rowDictKeys says when a
 * mapping allows it). What a user sees must not depend on which way an object was loaded.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { declarativeBase, mapped, Column, Integer, String, Boolean, DateTime, ForeignKey, relationship, createEngine, sessionmaker, select, update } from "../../src/index";
import { expectStatementCount } from "../support/sql";

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
