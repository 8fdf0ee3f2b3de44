/** Large results and large flushes: streaming with yieldPer, a 100,000-object flush. (Memory is measured in bench/stream.mjs.) */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select, func, InvalidRequestError, selectinload, relationship, ForeignKey } from "../../src/index";
import { recordStatements } from "../support/sql";

function model() {
  const Base = declarativeBase();
  @mapped class Item extends Base.model("items", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(30), { nullable: false }), n: Column(Integer),
    parts: relationship<Part[]>("Part"),
  }) {}
  @mapped class Part extends Base.model("parts", { id: Column(Integer, { primaryKey: true }), item_id: Column(Integer, ForeignKey("items.id")) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Item, Part, engine, Session: sessionmaker({ bind: engine }) };
}

test("a flush of 100,000 objects completes in 1,000 INSERTs of one prepared shape", () => {
  const { Item, engine, Session } = model();
  const s = Session();
  for (let i = 0; i < 100_000; i++) s.add(new Item({ name: `item${i}`, n: i }));
  const inserts = recordStatements(engine, () => s.commit()).filter((r) => r.sql.startsWith("INSERT"));
  assert.equal(inserts.length, 1000);
  assert.deepEqual([...new Set(inserts.map((r) => r.sql))], [`INSERT INTO items (name, n) VALUES ${Array(100).fill("(?, ?)").join(", ")}`]);
  assert.equal(s.scalar(select(func.count()).selectFrom(Item)), 100_000);
  assert.equal(s.scalar(select(func.sum(Item.n))), (99_999 * 100_000) / 2);
});

test("yieldPer streams: rows are read as they are iterated, objects equal the non-streamed ones", () => {
  const { Item, engine, Session } = model();
  const s = Session();
  for (let i = 0; i < 5000; i++) s.add(new Item({ name: `item${i}`, n: i }));
  s.commit();
  const s2 = Session();
  const result = s2.execute(select(Item).orderBy(Item.id).executionOptions({ yieldPer: 500 }));
  let seen = 0, sum = 0, firstPartition = 0;
  for (const part of result.scalars().partitions(500)) {
    if (!firstPartition) firstPartition = part.length;
    for (const it of part) { seen++; sum += it.n!; }
  }
  assert.equal(firstPartition, 500);
  assert.equal(seen, 5000);
  assert.equal(sum, (4999 * 5000) / 2);
  // After the stream is read, the session works as usual.
  assert.equal(s2.scalar(select(func.count()).selectFrom(Item)), 5000);
  // Iterating lazily: nothing is read before the loop asks.
  const lazy = s2.execute(select(Item.name).executionOptions({ yieldPer: 10 }));
  const stmts = recordStatements(engine, () => { const it = lazy.scalars()[Symbol.iterator](); assert.equal(it.next().value, "item0"); it.return?.(); });
  assert.equal(stmts.length, 1);
});

test("yieldPer with selectinload loads each batch's children; a write mid-stream gets a clear error", () => {
  const { Item, Part, engine, Session } = model();
  const s = Session();
  for (let i = 0; i < 30; i++) s.add(new Item({ name: `i${i}`, n: i, parts: [new Part(), new Part()] }));
  s.commit();
  const s2 = Session();
  const stmts = recordStatements(engine, () => {
    let parts = 0;
    for (const it of s2.execute(select(Item).options(selectinload(Item.parts)).executionOptions({ yieldPer: 10 })).scalars()) parts += it.parts.length;
    assert.equal(parts, 60);
  }).filter((r) => r.sql.startsWith("SELECT"));
  assert.equal(stmts.length, 1 + 3, "the query, then one selectin load per batch of 10");
  const stream = s2.execute(select(Item).executionOptions({ yieldPer: 1 })).scalars()[Symbol.iterator]();
  const first = stream.next().value as InstanceType<typeof Item>;
  assert.equal(s2.scalar(select(func.count()).selectFrom(Item)), 30, "reads are fine mid-stream");
  first.n = 99;
  assert.throws(() => s2.flush(), (e: unknown) => e instanceof InvalidRequestError && /finish iterating it/.test(e.message));
  stream.return?.();
  s2.rollback();
  assert.throws(() => s2.execute(select(Item).executionOptions({ yieldPer: 0 })), /positive integer/);
});
