/** The session's list of changed states: a set in first-change order, without hashing. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select } from "../../src/index";
import { ChangedStates } from "../../src/orm/changed-states";
import { stateOf, type InstanceState } from "../../src/orm/instance-state";

function states(n: number): InstanceState[] {
  const Base = declarativeBase();
  @mapped class Thing extends Base.model("things", { id: Column(Integer, { primaryKey: true }) }) {}
  return Array.from({ length: n }, (_, i) => stateOf(new Thing({ id: i }))!);
}

test("add / delete / add again: each state once, in order of (last) addition, flags kept apart", () => {
  const [a, b, c] = states(3) as [InstanceState, InstanceState, InstanceState];
  a.modified = true;
  const set = new ChangedStates();
  set.add(a); set.add(b); set.add(a);
  assert.deepEqual([...set], [a, b]);
  set.delete(a);
  assert.deepEqual([...set], [b]);
  assert.equal(a.modified, true, "the slot shares a field with the flags, not their bits");
  set.add(c); set.add(a);
  assert.deepEqual([...set], [b, c, a]);
  set.delete(c); set.delete(c);
  assert.deepEqual([...set], [b, a]);
  const other = new ChangedStates();
  other.delete(b); // not its member: nothing happens
  assert.deepEqual([...set], [b, a]);
  set.clear();
  assert.deepEqual([...set], []);
  assert.equal(b.changedSlot, 0);
  set.add(b);
  assert.deepEqual([...set], [b]);
});

test("states added while iterating are visited, as with a Set", () => {
  const [a, b, c] = states(3) as [InstanceState, InstanceState, InstanceState];
  const set = new ChangedStates();
  set.add(a);
  const seen: InstanceState[] = [];
  for (const st of set) { seen.push(st); if (st === a) { set.add(b); set.delete(a); set.add(c); } }
  assert.deepEqual(seen, [a, b, c]);
});

test("session.dirty and the flush see exactly the objects changed, also after expunge and re-add", () => {
  const Base = declarativeBase();
  @mapped class U extends Base.model("u", { id: Column(Integer, { primaryKey: true }), name: Column(String(20)) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  for (let i = 1; i <= 4; i++) s.add(new U({ id: i, name: `u${i}` }));
  s.commit();
  const [u1, u2, u3] = s.scalars(select(U).orderBy(U.id)).all() as [U, U, U];
  u1.name = "x1"; u2.name = "x2"; u3.name = "x3";
  s.expunge(u2);
  assert.deepEqual([...s.dirty].map((u) => (u as U).id).sort(), [1, 3]);
  s.add(u2);
  u2.name = "y2";
  assert.deepEqual([...s.dirty].map((u) => (u as U).id).sort(), [1, 2, 3]);
  s.commit();
  assert.deepEqual(s.scalars(select(U.name).orderBy(U.id)).all(), ["x1", "y2", "x3", "u4"]);
  assert.equal([...s.dirty].length, 0);
});
