import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MetaData, Table, Column, Integer, String, createEngine, insert, select, ArgumentError, IntegrityError, OperationalError } from "../../src/index";
import { parseUrl } from "../../src/engine/engine";

test("SQLite URLs: memory, relative, absolute; a bad URL names the accepted forms", () => {
  assert.deepEqual(parseUrl("sqlite:///:memory:"), { filename: ":memory:", memory: true });
  assert.deepEqual(parseUrl("sqlite://"), { filename: ":memory:", memory: true });
  assert.deepEqual(parseUrl("sqlite:///app.db"), { filename: path.resolve("app.db"), memory: false });
  assert.deepEqual(parseUrl("sqlite:////tmp/x/app.db"), { filename: "/tmp/x/app.db", memory: false });
  assert.throws(() => createEngine("postgresql://localhost/db"), (e: unknown) => e instanceof ArgumentError && /SQLite URLs only/.test(e.message));
  assert.throws(() => createEngine("sqlite://app.db"), /three slashes/);
});

test("a file database persists across engines; echo logs statements and parameters", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-"));
  try {
    const md = new MetaData();
    const t = Table("t", md, Column("id", Integer, { primaryKey: true }), Column("v", String(10), { unique: true }));
    const lines: string[] = [];
    const url = `sqlite:///${path.join(dir, "a.db")}`;
    const e1 = createEngine(url, { echo: (l) => lines.push(l) });
    md.createAll(e1);
    e1.begin((c) => c.execute(insert(t).values({ v: "x" }).compile()));
    e1.dispose();
    assert.ok(lines.includes("INSERT INTO t (v) VALUES (?)"));
    assert.ok(lines.includes("[parameters: ('x')]"));
    const e2 = createEngine(url);
    const conn = e2.connect();
    assert.deepEqual(conn.execute(select(t.c.v!).compile()).rows, [["x"]]);
    assert.throws(() => conn.execute(insert(t).values({ v: "x" }).compile()), (e: unknown) =>
      e instanceof IntegrityError && e.statement === "INSERT INTO t (v) VALUES (?)" && e.params[0] === "x" && /UNIQUE/.test(e.message));
    assert.throws(() => conn.execute({ sql: "SELECT nope FROM t", parameters: [] }), OperationalError);
    conn.close();
    e2.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
