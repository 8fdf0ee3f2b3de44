// Mirrors SQLAlchemy test/orm/test_deferred.py: deferred columns, groups, load_only, defer,
// undefer, undefer_group; what loads when, and with which statement.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, Text, createEngine, sessionmaker, select, loadOnly, defer, undefer, undeferGroup, inspect, ArgumentError,
  ForeignKey, relationship, joinedload,
} from "../../src/index";
import { recordStatements } from "../support/sql";

function model() {
  const Base = declarativeBase();
  @mapped
  class Book extends Base.model("books", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(50)),
    year: Column(Integer),
    summary: Column(Text, { deferred: true }),
    cover: Column(Text, { deferred: true, deferredGroup: "media" }),
    thumb: Column(Text, { deferred: true, deferredGroup: "media" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Book({ title: "Dune", year: 1965, summary: "sand", cover: "C", thumb: "T" }));
  s.add(new Book({ title: "Emma", year: 1815, summary: "manners", cover: "C2", thumb: "T2" }));
  s.commit();
  s.close();
  return { Book, engine, Session };
}
const selects = (r: { sql: string }[]) => r.filter((x) => x.sql.startsWith("SELECT")).map((x) => x.sql);

test("a deferred column is left out of the entity's SELECT", () => {
  const m = model();
  const s = m.Session();
  const stmts = recordStatements(m.engine, () => s.scalars(select(m.Book).orderBy(m.Book.id)).all());
  assert.deepEqual(selects(stmts), ["SELECT books.id, books.title, books.year FROM books ORDER BY books.id"]);
});

test("reading a deferred column loads it alone, by primary key, once", () => {
  const m = model();
  const s = m.Session();
  const b = s.get(m.Book, 1)!;
  let stmts = recordStatements(m.engine, () => assert.equal(b.summary, "sand"));
  assert.deepEqual(selects(stmts).map((q) => q.replace(/\s+/g, " ")), ["SELECT books.summary FROM books WHERE books.id = ?"]);
  stmts = recordStatements(m.engine, () => assert.equal(b.summary, "sand"));
  assert.equal(stmts.length, 0);
});

test("a deferred group loads together when one of its columns is read", () => {
  const m = model();
  const s = m.Session();
  const b = s.get(m.Book, 2)!;
  const stmts = recordStatements(m.engine, () => assert.equal(b.cover, "C2"));
  assert.deepEqual(selects(stmts), ["SELECT books.cover, books.thumb FROM books WHERE books.id = ?"]);
  assert.equal(recordStatements(m.engine, () => assert.equal(b.thumb, "T2")).length, 0);
});

test("loadOnly(...) loads just those columns and the primary key", () => {
  const m = model();
  const s = m.Session();
  const stmts = recordStatements(m.engine, () => s.scalars(select(m.Book).options(loadOnly(m.Book.title))).all());
  assert.deepEqual(selects(stmts), ["SELECT books.id, books.title FROM books"]);
  const b = s.get(m.Book, 1)!;
  assert.equal(inspect(b).unloaded.has("year"), true);
  assert.equal(b.year, 1965);
});

test("defer(...) leaves an ordinary column out of this query only", () => {
  const m = model();
  const s = m.Session();
  const stmts = recordStatements(m.engine, () => s.scalars(select(m.Book).options(defer(m.Book.year))).all());
  assert.deepEqual(selects(stmts), ["SELECT books.id, books.title FROM books"]);
  const s2 = m.Session();
  const again = recordStatements(m.engine, () => s2.scalars(select(m.Book)).all());
  assert.deepEqual(selects(again), ["SELECT books.id, books.title, books.year FROM books"]);
});

test("undefer(...) loads a deferred column with the query", () => {
  const m = model();
  const s = m.Session();
  let books: InstanceType<typeof m.Book>[] = [];
  const stmts = recordStatements(m.engine, () => { books = s.scalars(select(m.Book).options(undefer(m.Book.summary)).orderBy(m.Book.id)).all(); });
  assert.deepEqual(selects(stmts), ["SELECT books.id, books.title, books.year, books.summary FROM books ORDER BY books.id"]);
  assert.equal(recordStatements(m.engine, () => assert.deepEqual(books.map((b) => b.summary), ["sand", "manners"])).length, 0);
});

test("undeferGroup(...) loads every column of the group with the query", () => {
  const m = model();
  const s = m.Session();
  const stmts = recordStatements(m.engine, () => s.scalars(select(m.Book).options(undeferGroup(m.Book, "media"))).all());
  assert.deepEqual(selects(stmts), ["SELECT books.id, books.title, books.year, books.cover, books.thumb FROM books"]);
});

test("after commit expires everything, reading an ordinary column reloads the non-deferred columns only", () => {
  const m = model();
  const s = m.Session();
  const b = s.get(m.Book, 1)!;
  b.year = 1966;
  s.commit();
  const stmts = recordStatements(m.engine, () => assert.equal(b.title, "Dune"));
  assert.deepEqual(selects(stmts), ["SELECT books.id, books.title, books.year FROM books WHERE books.id = ?"]);
});

test("changing a deferred column without loading it updates just that column", () => {
  const m = model();
  const s = m.Session();
  const b = s.get(m.Book, 1)!;
  b.summary = "spice";
  const stmts = recordStatements(m.engine, () => s.flush()).filter((r) => r.sql.startsWith("UPDATE"));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [["UPDATE books SET summary=? WHERE books.id = ?", ["spice", 1]]]);
});

test("a deferred column of a detached object can't load: DetachedInstanceError names the fix", () => {
  const m = model();
  const s = m.Session();
  const b = s.get(m.Book, 1)!;
  s.close();
  assert.throws(() => b.summary, /not bound to a Session/);
});

test("a pending object's unset deferred column reads as null without SQL; after flush it is known", () => {
  const m = model();
  const s = m.Session();
  const b = new m.Book({ title: "New" });
  s.add(b);
  s.flush();
  assert.equal(recordStatements(m.engine, () => assert.equal(b.summary, null)).length, 0);
});

test("loader options refuse what they can't apply", () => {
  const m = model();
  assert.throws(() => loadOnly(), ArgumentError);
  assert.throws(() => defer(m.Book.id), /primary key column can't be deferred/);
  assert.throws(() => loadOnly("title" as never), /column attributes such as User.name/);
});

test("joined eager loads leave the target's deferred columns out too; reading one loads it alone", () => {
  const Base = declarativeBase();
  @mapped class Shelf extends Base.model("shelves", {
    id: Column(Integer, { primaryKey: true }),
    books: relationship<Volume[]>("Volume", { backPopulates: "shelf", orderBy: "id" }),
  }) {}
  @mapped class Volume extends Base.model("volumes", {
    id: Column(Integer, { primaryKey: true }), title: Column(String(50)), body: Column(Text, { deferred: true }),
    shelf_id: Column(Integer, ForeignKey("shelves.id")),
    shelf: relationship<Shelf>("Shelf", { backPopulates: "books" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Shelf({ books: [new Volume({ title: "a", body: "A" }), new Volume({ title: "b", body: "B" })] }));
  s.commit();
  s.close();
  const s2 = Session();
  let shelf!: InstanceType<typeof Shelf>;
  const first = recordStatements(engine, () => { shelf = s2.scalars(select(Shelf).options(joinedload(Shelf.books))).unique().one(); });
  assert.equal(selects(first).length, 1);
  assert.doesNotMatch(selects(first)[0]!, /body/);
  assert.deepEqual(shelf.books.map((v) => v.title), ["a", "b"]);
  const second = recordStatements(engine, () => assert.equal(shelf.books[1]!.body, "B"));
  assert.deepEqual(selects(second).map((q) => q.replace(/\s+/g, " ")), ["SELECT volumes.body FROM volumes WHERE volumes.id = ?"]);
  assert.equal(inspect(shelf.books[0]!).unloaded.has("body"), true);
});
