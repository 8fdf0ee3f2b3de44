/**
 * Property-based: any JavaScript value given to a column expression, values(),
 * filterBy() or get() is either stored and read back equal, or rejected with
 * ArgumentError — never interpolated, never another kind of crash; the schema
 * stays intact.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  declarativeBase, mapped, Column, Integer, String, Float, Boolean, JSON, DateTime, createEngine, sessionmaker, select, insert, ArgumentError,
} from "../../src/index";

function model() {
  const Base = declarativeBase();
  @mapped
  class Thing extends Base.model("things", {
    id: Column(Integer, { primaryKey: true }),
    s: Column(String),
    n: Column(Float),
    b: Column(Boolean),
    j: Column(JSON),
    d: Column(DateTime),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Thing, engine, Session: sessionmaker({ bind: engine }) };
}

const schemaIntact = (engine: ReturnType<typeof createEngine>) => {
  const c = engine.connect();
  try { return c.execute({ sql: "SELECT name FROM sqlite_master ORDER BY name", parameters: [] }).rows.map((r) => r[0]).join(","); } finally { c.close(); }
};

/** A value either round-trips through the string column or is rejected with ArgumentError. */
test("any value in a String column's eq(), values() and filterBy() is bound or rejected with ArgumentError", () => {
  const { Thing, engine, Session } = model();
  const s = Session();
  let stored = 0, rejected = 0;
  fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withTypedArray: true, withNullPrototype: true, withMap: true, withSet: true }), (v) => {
    try {
      s.execute(insert(Thing).values({ s: v as string }));
      const back = s.scalars(select(Thing.s).where(Thing.s.eq(v as string))).all();
      const viaFilter = s.scalars(select(Thing.s).filterBy({ s: v })).all();
      // Strings and numbers are stored as SQLite stores them; the row is found by the same value.
      if (typeof v === "string") assert.ok(back.includes(v) && viaFilter.includes(v));
      stored++;
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
      assert.match(e.message, /./);
      rejected++;
    }
  }), { numRuns: 2000, seed: 7 });
  assert.ok(stored > 100 && rejected > 100, `stored ${stored}, rejected ${rejected}`);
  assert.equal(schemaIntact(engine), "things");
});

test("arbitrary strings (quotes, semicolons, comments, unicode, NUL) round-trip exactly through an object", () => {
  const { Thing, engine, Session } = model();
  fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 80 }), fc.string({ unit: "grapheme", maxLength: 40 }), (a, b) => {
    const value = `${a}'; DROP TABLE things; --${b}`;
    const s = Session();
    const t = new Thing({ s: value });
    s.add(t);
    s.commit();
    const id = t.id;
    s.close();
    const s2 = Session();
    assert.equal(s2.get(Thing, id)!.s, value);
    assert.ok(s2.scalars(select(Thing.id).where(Thing.s.eq(value))).all().includes(id));
    s2.close();
  }), { numRuns: 500, seed: 11 });
  assert.equal(schemaIntact(engine), "things");
});

test("numbers, booleans, JSON and dates round-trip or are rejected by their column types", () => {
  const { Thing, Session } = model();
  fc.assert(fc.property(fc.double(), fc.boolean(), fc.jsonValue(), fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }), (n, b, j, d) => {
    const s = Session();
    const t = new Thing({ n, b, j, d });
    s.add(t);
    s.commit();
    const id = t.id;
    s.close();
    const back = Session().get(Thing, id)!;
    // SQLite stores NaN as NULL and -0.0 as 0.
    if (Number.isNaN(n)) assert.equal(back.n, null); else assert.equal(back.n, n === 0 ? 0 : n);
    assert.equal(back.b, b);
    assert.deepEqual(back.j, JSON_roundtrip(j));
    assert.equal(back.d!.getTime(), d.getTime());
  }), { numRuns: 400, seed: 3 });
});
const JSON_roundtrip = (v: unknown) => globalThis.JSON.parse(globalThis.JSON.stringify(v) ?? "null");

test("any value assigned to an attribute is stored, or rejected with ArgumentError at flush with nothing written", () => {
  const { Thing, engine, Session } = model();
  fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withTypedArray: true, withMap: true }), (v) => {
    const s = Session();
    s.add(new Thing({ s: v as string }));
    try {
      s.commit();
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
      s.rollback();
    }
    s.close();
  }), { numRuns: 1000, seed: 9 });
  assert.equal(schemaIntact(engine), "things");
});

test("session.get() with any identity: an object, null, or ArgumentError", () => {
  const { Thing, Session } = model();
  const s = Session();
  s.add(new Thing({ s: "x" }));
  s.commit();
  fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true }), (v) => {
    try {
      const r = s.get(Thing, v);
      assert.ok(r === null || r instanceof Thing);
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
    }
  }), { numRuns: 1000, seed: 5 });
});
