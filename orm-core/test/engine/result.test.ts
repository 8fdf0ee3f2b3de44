// Result API beyond all()/one() (SQLAlchemy's Result: fetchone / fetchmany / fetchall, columns(),
// tuples(), freeze() and FrozenResult, keys(), scalarOne / scalarOneOrNone), over real queries,
// fetched and streamed (yieldPer).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { select, selectinload, func, InvalidRequestError, ArgumentError, NoResultFound, MultipleResultsFound } from "../../src/index";
import { recordStatements } from "../support/sql";
import { blog } from "../orm/blog-model";

function seeded(n = 5) {
  const m = blog();
  const s = m.Session();
  for (let i = 1; i <= n; i++) s.add(new m.User({ name: `u${i}`, age: 20 + i, posts: [new m.Post({ title: `p${i}` })] }));
  s.commit();
  s.close();
  return m;
}
const plain = (rows: readonly unknown[][]) => rows.map((r) => [...r]);

test("fetchone / fetchmany / fetchall read on from where the last one stopped", () => {
  const m = seeded();
  const s = m.Session();
  const res = s.execute(select(m.User.id, m.User.name).orderBy(m.User.id));
  const first = res.fetchone()!;
  assert.deepEqual([...first], [1, "u1"]);
  assert.equal(first.name, "u1");
  assert.deepEqual(plain(res.fetchmany(2)), [[2, "u2"], [3, "u3"]]);
  assert.deepEqual(res.fetchmany(1).map((r) => r.name), ["u4"]);
  assert.deepEqual(plain(res.fetchall()), [[5, "u5"]]);
  assert.equal(res.fetchone(), null);
  assert.deepEqual(res.fetchmany(3), []);
  assert.deepEqual(res.all(), []);
  // After a fetchone, the other readers take the rest.
  const r2 = s.execute(select(m.User.name).orderBy(m.User.id));
  r2.fetchone();
  assert.deepEqual(r2.scalars().all(), ["u2", "u3", "u4", "u5"]);
  const r3 = s.execute(select(m.User.name).orderBy(m.User.id));
  assert.deepEqual(r3.fetchmany(4).length, 4);
  assert.deepEqual([...r3].map((r) => r.name), ["u5"]);
  assert.throws(() => s.execute(select(m.User.name)).fetchmany(-1), ArgumentError);
});

test("fetchmany over a yieldPer result reads only the batches it needs", () => {
  const m = seeded(10);
  const s = m.Session();
  const stmt = select(m.User).options(selectinload(m.User.posts)).orderBy(m.User.id).executionOptions({ yieldPer: 2 });
  let res!: ReturnType<typeof s.execute<[InstanceType<typeof m.User>]>>;
  let got: string[] = [];
  const stmts = recordStatements(m.engine, () => {
    res = s.execute(stmt);
    got = res.fetchmany(3).map((r) => r[0].name);
  });
  assert.deepEqual(got, ["u1", "u2", "u3"]);
  const selects = stmts.filter((r) => r.sql.startsWith("SELECT"));
  assert.equal(selects.filter((r) => r.sql.includes("FROM posts")).length, 2, "posts loaded for 2 batches of 2 users, not 5");
  const rest = recordStatements(m.engine, () => { got = res.fetchall().map((r) => r[0].name); });
  assert.deepEqual(got, ["u4", "u5", "u6", "u7", "u8", "u9", "u10"]);
  assert.equal(rest.filter((r) => r.sql.includes("FROM posts")).length, 3, "the other 3 batches");
  // fetchone streams too.
  const r2 = s.execute(select(m.User.name).orderBy(m.User.id).executionOptions({ yieldPer: 3 }));
  assert.equal(r2.fetchone()!.name, "u1");
  assert.deepEqual(r2.fetchmany(2).map((r) => r.name), ["u2", "u3"]);
  assert.equal(r2.scalars().all().length, 7);
});

test("columns() picks columns by name or position, in the order given", () => {
  const m = seeded(3);
  const s = m.Session();
  const q = select(m.User.id, m.User.name, m.User.age).orderBy(m.User.id);
  const byName = s.execute(q).columns("name", "id");
  assert.deepEqual(byName.keys(), ["name", "id"]);
  const rows = byName.all();
  assert.deepEqual(plain(rows), [["u1", 1], ["u2", 2], ["u3", 3]]);
  assert.equal(rows[0]!.name, "u1");
  assert.equal(rows[0]!.age, undefined, "columns not picked are gone");
  assert.deepEqual(s.execute(q).columns(2).scalars().all(), [21, 22, 23]);
  assert.deepEqual(plain(s.execute(q).columns(2, "name").all()), [[21, "u1"], [22, "u2"], [23, "u3"]]);
  // The rest of a partly fetched result, and a streamed one.
  const part = s.execute(q);
  part.fetchone();
  assert.deepEqual(plain(part.columns("name").all()), [["u2"], ["u3"]]);
  assert.deepEqual(s.execute(q.executionOptions({ yieldPer: 1 })).columns("age").fetchmany(2).map((r) => r.age), [21, 22]);
  // Unique applies to the picked columns.
  const ages = s.execute(select(m.User.name, func.coalesce(null, 7).label("seven"))).unique().columns("seven").all();
  assert.deepEqual(plain(ages), [[7]]);
  assert.throws(() => s.execute(q).columns("nope"), (e: Error) => e instanceof InvalidRequestError && /no column "nope"; the columns are 0: "id", 1: "name", 2: "age"/.test(e.message));
  assert.throws(() => s.execute(q).columns(3), /no column at position 3/);
});

test("tuples() is the same result; keys(); scalarOne() / scalarOneOrNone()", () => {
  const m = seeded(2);
  const s = m.Session();
  const res = s.execute(select(m.User.name, m.User.age).orderBy(m.User.id));
  assert.equal(res.tuples(), res);
  assert.deepEqual(res.keys(), ["name", "age"]);
  const [[name, age]] = res.tuples().fetchmany(1) as [string, number][];
  assert.deepEqual([name, age], ["u1", 21]);
  assert.equal(s.execute(select(m.User.age).where(m.User.id.eq(2))).scalarOne(), 22);
  assert.equal(s.execute(select(m.User.age).where(m.User.id.eq(9))).scalarOneOrNone(), null);
  assert.throws(() => s.execute(select(m.User.age).where(m.User.id.eq(9))).scalarOne(), NoResultFound);
  assert.throws(() => s.execute(select(m.User.age)).scalarOneOrNone(), MultipleResultsFound);
});

test("freeze(): a FrozenResult gives a fresh Result of the same rows each time it is called", () => {
  const m = seeded(3);
  const s = m.Session();
  const res = s.execute(select(m.User.id, m.User.name).orderBy(m.User.id));
  res.fetchone();
  const frozen = res.freeze();
  assert.deepEqual(res.all(), [], "freeze() read the rest");
  assert.deepEqual(frozen.keys(), ["id", "name"]);
  assert.deepEqual(frozen.data, [[2, "u2"], [3, "u3"]]);
  const a = frozen();
  const b = frozen();
  assert.notEqual(a, b);
  assert.deepEqual(a.all().map((r) => r.name), ["u2", "u3"]);
  assert.deepEqual(plain(b.all()), [[2, "u2"], [3, "u3"]]);
  assert.equal(frozen().scalars(1).first(), "u2");
  assert.deepEqual(frozen().columns("name").fetchmany(5).map((r) => r.name), ["u2", "u3"]);
  // The database changing later does not change a frozen result.
  s.execute(select(m.User).where(m.User.id.eq(2))).scalarOne().name = "changed";
  s.commit();
  assert.equal(frozen().all()[0]!.name, "u2");
  // A streamed result freezes too.
  const streamed = s.execute(select(m.User.name).orderBy(m.User.id).executionOptions({ yieldPer: 1 })).freeze();
  assert.deepEqual(streamed().scalars().all(), ["u1", "changed", "u3"]);
  assert.deepEqual(streamed().scalars().all(), ["u1", "changed", "u3"]);
});
