// Mirrors SQLAlchemy test/orm/test_versioning.py: version_id_col counts row versions; UPDATE and
// DELETE match the version they read and raise StaleDataError when someone else changed the row.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, StaleDataError, ArgumentError, select,
} from "../../src/index";
import { recordStatements } from "../support/sql";

function model() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orm-versioning-"));
  const Base = declarativeBase();
  @mapped
  class Doc extends Base.model("docs", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(50)),
    version: Column(Integer, { nullable: false }),
    pages: relationship<Page[]>("Page", { backPopulates: "doc", cascade: "all, delete-orphan" }),
  }, { versionIdCol: "version" }) {}
  @mapped
  class Page extends Base.model("pages", {
    id: Column(Integer, { primaryKey: true }),
    doc_id: Column(Integer, ForeignKey("docs.id")),
    doc: relationship<Doc>("Doc", { backPopulates: "pages" }),
  }) {}
  const engine = createEngine(`sqlite:///${path.join(dir, "v.db")}`);
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Doc({ title: "draft" }));
  s.commit();
  s.close();
  return { Doc, Page, engine, Session, cleanup: () => { engine.dispose?.(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

test("INSERT sets the version counter to 1", () => {
  const m = model();
  const s = m.Session();
  assert.equal(s.get(m.Doc, 1)!.version, 1);
  m.cleanup();
});

test("UPDATE increments the counter and matches the version it read", () => {
  const m = model();
  const s = m.Session();
  const d = s.get(m.Doc, 1)!;
  d.title = "v2";
  const stmts = recordStatements(m.engine, () => s.flush()).filter((r) => r.sql.startsWith("UPDATE"));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [["UPDATE docs SET title=?, version=? WHERE docs.id = ? AND docs.version = ?", ["v2", 2, 1, 1]]]);
  assert.equal(d.version, 2);
  d.title = "v3";
  s.commit();
  assert.equal(d.version, 3);
  m.cleanup();
});

test("a concurrent change makes the second writer's UPDATE raise StaleDataError, and nothing is overwritten", () => {
  const m = model();
  const a = m.Session(), b = m.Session();
  const da = a.get(m.Doc, 1)!, db = b.get(m.Doc, 1)!;
  da.title = "from a";
  a.commit();
  db.title = "from b";
  assert.throws(() => b.commit(), (e: Error) => e instanceof StaleDataError && /expected to update 1 row\(s\); 0 were matched/.test(e.message) && /refresh/.test(e.message));
  b.rollback();
  assert.equal(db.title, "from a", "after rollback the object reloads the winner's value");
  assert.equal(db.version, 2);
  m.cleanup();
});

test("after StaleDataError the session needs rollback(), and refresh-then-retry succeeds", () => {
  const m = model();
  const a = m.Session(), b = m.Session();
  const da = a.get(m.Doc, 1)!, db = b.get(m.Doc, 1)!;
  da.title = "A"; a.commit();
  db.title = "B";
  assert.throws(() => b.flush(), StaleDataError);
  assert.throws(() => b.get(m.Doc, 1), /rollback/);
  b.rollback();
  db.title = "B";
  b.commit();
  assert.equal(m.Session().get(m.Doc, 1)!.title, "B");
  assert.equal(m.Session().get(m.Doc, 1)!.version, 3);
  m.cleanup();
});

test("DELETE matches the version too: deleting a row changed elsewhere raises StaleDataError", () => {
  const m = model();
  const a = m.Session(), b = m.Session();
  const da = a.get(m.Doc, 1)!, db = b.get(m.Doc, 1)!;
  da.title = "changed"; a.commit();
  b.delete(db);
  const err = (() => { try { b.flush(); } catch (e) { return e; } })();
  assert.ok(err instanceof StaleDataError);
  b.rollback();
  assert.equal(m.Session().get(m.Doc, 1)!.title, "changed");
  m.cleanup();
});

test("DELETE of an unchanged versioned row carries the version in its WHERE clause", () => {
  const m = model();
  const s = m.Session();
  s.delete(s.get(m.Doc, 1)!);
  const stmts = recordStatements(m.engine, () => s.flush()).filter((r) => r.sql.startsWith("DELETE FROM docs"));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [["DELETE FROM docs WHERE docs.id = ? AND docs.version = ?", [1, 1]]]);
  m.cleanup();
});

test("a change to a collection alone emits no UPDATE of the versioned parent", () => {
  const m = model();
  const s = m.Session();
  const d = s.get(m.Doc, 1)!;
  d.pages.push(new m.Page());
  const stmts = recordStatements(m.engine, () => s.flush());
  assert.equal(stmts.filter((r) => r.sql.startsWith("UPDATE docs")).length, 0);
  assert.equal(d.version, 1);
  m.cleanup();
});

test("a failed versioned flush leaves the in-memory counter unchanged", () => {
  const m = model();
  const a = m.Session(), b = m.Session();
  const da = a.get(m.Doc, 1)!, db = b.get(m.Doc, 1)!;
  da.title = "A"; a.commit();
  db.title = "B";
  assert.throws(() => b.flush(), StaleDataError);
  assert.equal(db.version, 1);
  b.rollback();
  m.cleanup();
});

test("versionIdCol must name a column of the model", () => {
  const Base = declarativeBase();
  assert.throws(() => Base.model("t", { id: Column(Integer, { primaryKey: true }) }, { versionIdCol: "nope" }), (e: Error) => e instanceof ArgumentError && /versionIdCol "nope"/.test(e.message));
});

test("queries see the stored version", () => {
  const m = model();
  const s = m.Session();
  const d = s.get(m.Doc, 1)!;
  d.title = "x"; s.commit();
  assert.deepEqual(m.Session().scalars(select(m.Doc.version)).all(), [2]);
  m.cleanup();
});
