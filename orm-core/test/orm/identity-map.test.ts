/** The identity map's keys: values per class hierarchy, distinct for 1 and "1", composite and date keys. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { declarativeBase, mapped, Column, Integer, String, DateTime, createEngine, sessionmaker, select, inspect } from "../../src/index";
import { identityKeyOf, HierarchyMap, type IdentityKey } from "../../src/orm/identity-map";

test("identity keys: a one-column key is its value; composite, date and bytes keys are strings of the values", () => {
  assert.equal(identityKeyOf([7]), 7);
  assert.equal(identityKeyOf(["7"]), "7");
  assert.notEqual(identityKeyOf([7]), identityKeyOf(["7"]));
  assert.equal(identityKeyOf([7n]), 7, "a bigint that fits is the same key as the number");
  assert.equal(identityKeyOf([1, "a,b"]), '1,"a,b"');
  assert.notEqual(identityKeyOf(["a", "b,c"]), identityKeyOf(["a,b", "c"]));
  assert.equal(identityKeyOf([new Date(5)]), identityKeyOf([new Date(5)]), "dates by instant");
  assert.notEqual(identityKeyOf([new Date(5)]), identityKeyOf([new Date(6)]));
  assert.equal(identityKeyOf([Buffer.from([1, 2])]), identityKeyOf([new Uint8Array([1, 2])]));
  assert.equal(identityKeyOf([null]), undefined);
  assert.equal(identityKeyOf([1, undefined]), undefined);
});

function model() {
  const Base = declarativeBase();
  @mapped class A extends Base.model("a", { id: Column(Integer, { primaryKey: true }), name: Column(String(20)) }) {}
  @mapped class B extends Base.model("b", { id: Column(Integer, { primaryKey: true }), name: Column(String(20)) }) {}
  @mapped class Pair extends Base.model("pair", { x: Column(Integer, { primaryKey: true }), y: Column(String(20), { primaryKey: true }), v: Column(Integer) }) {}
  @mapped class Ev extends Base.model("ev", { at: Column(DateTime, { primaryKey: true }), v: Column(Integer) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { A, B, Pair, Ev, Session: sessionmaker({ bind: engine }) };
}

test("objects of different classes with the same key value are different identities", () => {
  const { A, B, Session } = model();
  const s = Session();
  s.add(new A({ id: 1, name: "a1" }));
  s.add(new B({ id: 1, name: "b1" }));
  s.commit();
  const s2 = Session();
  const a = s2.get(A, 1)!, b = s2.get(B, 1)!;
  assert.equal(a.name, "a1");
  assert.equal(b.name, "b1");
  assert.equal(s2.get(A, 1), a);
  assert.equal(s2.scalars(select(B)).one(), b);
  assert.equal(s2.identityMap.size, 2);
});

test("composite and date keys find the same object again, and identity gives the values back", () => {
  const { Pair, Ev, Session } = model();
  const s = Session();
  const at = new Date("2026-12-01T10:00:00.123Z");
  s.add(new Pair({ x: 1, y: "a", v: 1 }));
  s.add(new Pair({ x: 1, y: "b", v: 2 }));
  s.add(new Ev({ at, v: 3 }));
  s.commit();
  const s2 = Session();
  const p = s2.get(Pair, [1, "b"])!;
  assert.equal(p.v, 2);
  assert.deepEqual(inspect(p).identity, [1, "b"]);
  assert.equal(s2.scalars(select(Pair).where(Pair.y.eq("b"))).one(), p);
  const e = s2.get(Ev, new Date(at.getTime()))!;
  assert.equal(e.v, 3);
  assert.equal(s2.scalars(select(Ev)).one(), e, "the loaded row's date is the same identity as get()'s");
  assert.equal((inspect(e).identity![0] as Date).getTime(), at.getTime());
  // UPDATE finds the row by the identity's values.
  p.v = 20; e.v = 30; s2.commit();
  const s3 = Session();
  assert.equal(s3.get(Pair, [1, "b"])!.v, 20);
  assert.equal(s3.get(Ev, at)!.v, 30);
});

test("a hierarchy's map: whole-number keys (indexed) and others (hashed) found, counted, deleted and listed alike", () => {
  const m = new HierarchyMap();
  const keys: IdentityKey[] = [0, 1, 7, 2 ** 20 - 1, 2 ** 20, 2 ** 40, -3, 1.5, "1", "x", 5n];
  const objs = keys.map((k) => ({ k }));
  keys.forEach((k, i) => m.set(k, objs[i]!));
  assert.equal(m.size, keys.length);
  keys.forEach((k, i) => { assert.equal(m.get(k), objs[i], `get(${typeof k}:${k})`); assert.ok(m.has(k)); });
  assert.equal(m.get(2), undefined);
  assert.equal(m.get(-0), objs[0], "-0 is 0, as in a Map");
  assert.notEqual(m.get(1), m.get("1"));
  const listed: object[] = [];
  m.forEach((obj) => listed.push(obj));
  assert.deepEqual(new Set(listed), new Set(objs));
  m.set(7, objs[0]!); // replacing keeps the count
  assert.equal(m.size, keys.length);
  for (const k of [7, 2 ** 40, "x"]) assert.equal(m.delete(k), true);
  assert.equal(m.delete(7), false);
  assert.equal(m.size, keys.length - 3);
  assert.equal(m.get(7), undefined);
});

test("objects with ids beyond the indexed range, zero and negative ids are one identity each", () => {
  const { A, Session } = model();
  const s = Session();
  for (const id of [0, -5, 2 ** 20 + 3, 2 ** 40]) s.add(new A({ id, name: `a${id}` }));
  s.commit();
  const s2 = Session();
  const loaded = s2.scalars(select(A).orderBy(A.id)).all();
  assert.deepEqual(loaded.map((a) => a.id), [-5, 0, 2 ** 20 + 3, 2 ** 40]);
  for (const a of loaded) assert.equal(s2.get(A, a.id), a);
  assert.equal(s2.identityMap.size, 4);
  s2.close();
  assert.equal(s2.identityMap.size, 0);
});

test("the indexed array grows only while dense: one object of id 4,999 makes no 5,000-slot array", () => {
  const m = new HierarchyMap();
  m.set(4999, {});
  assert.ok((m as any).indexed.length <= 17, "a sparse key goes to the Map");
  const dense = new HierarchyMap();
  for (let id = 1; id <= 20_000; id++) dense.set(id, { id });
  assert.equal(dense.size, 20_000);
  assert.ok((dense as any).indexed.length <= 20_001, "sequential ids fill the array");
  assert.equal((dense as any).other, undefined, "and need no Map");
});
