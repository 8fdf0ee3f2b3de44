// Mirrors SQLAlchemy test/orm/test_relationships.py (order_by, viewonly, passive_deletes, the
// column-overlap warning), test/orm/test_cycles.py (post_update) and
// test/orm/test_eager_relations.py's contains_eager cases.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select, containsEager,
  validateMapping, InvalidRequestError, type MappingModel, and, Boolean, selectinload, joinedload,
} from "../../src/index";
import { modelFromRegistry } from "../../src/mapping/from-classes";
import { recordStatements } from "../support/sql";
import { blog } from "../orm/blog-model";

const writes = <T extends { sql: string }>(r: T[]) => r.filter((x) => /^(INSERT|UPDATE|DELETE)/.test(x.sql));

// ---- contains_eager ---------------------------------------------------------------------

function seededBlog() {
  const m = blog();
  const s = m.Session();
  const a = new m.User({ name: "Alice" });
  a.posts.push(new m.Post({ title: "apple" }), new m.Post({ title: "banana" }), new m.Post({ title: "avocado" }));
  const b = new m.User({ name: "Bob" });
  b.posts.push(new m.Post({ title: "berry" }));
  s.addAll([a, b]);
  s.commit();
  s.close();
  return m;
}

test("containsEager fills the collection from the query's own join, in one statement", () => {
  const m = seededBlog();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const stmts = recordStatements(m.engine, () => {
    users = s.scalars(select(m.User).join(m.User.posts).options(containsEager(m.User.posts)).orderBy(m.User.id, m.Post.id)).unique().all();
  });
  assert.equal(stmts.length, 1);
  assert.match(stmts[0]!.sql, /^SELECT users\.id, users\.name, users\.age, posts\.id, posts\.title, posts\.user_id FROM users JOIN posts ON users\.id = posts\.user_id/);
  assert.deepEqual(users.map((u) => u.posts.map((p) => p.title)), [["apple", "banana", "avocado"], ["berry"]]);
  assert.equal(recordStatements(m.engine, () => users[0]!.posts.length).length, 0);
});

test("containsEager with a filter on the joined table holds just the matching children", () => {
  const m = seededBlog();
  const s = m.Session();
  const users = s.scalars(select(m.User).join(m.User.posts).where(m.Post.title.like("a%")).options(containsEager(m.User.posts))).unique().all();
  assert.equal(users.length, 1);
  assert.deepEqual(users[0]!.posts.map((p) => p.title), ["apple", "avocado"]);
});

test("containsEager of a many-to-one fills the scalar from the join", () => {
  const m = seededBlog();
  const s = m.Session();
  let posts: InstanceType<typeof m.Post>[] = [];
  const stmts = recordStatements(m.engine, () => { posts = s.scalars(select(m.Post).join(m.Post.author).options(containsEager(m.Post.author)).orderBy(m.Post.id)).all(); });
  assert.equal(stmts.length, 1);
  assert.equal(recordStatements(m.engine, () => assert.deepEqual(posts.map((p) => p.author!.name), ["Alice", "Alice", "Alice", "Bob"])).length, 0);
});

test("containsEager without the join names the fix", () => {
  const m = seededBlog();
  assert.throws(() => m.Session().scalars(select(m.User).options(containsEager(m.User.posts))).all(), (e: Error) => e instanceof InvalidRequestError && /add \.join\(User\.posts\)/.test(e.message));
});

// ---- order_by / viewonly -------------------------------------------------------------------

function ordered() {
  const Base = declarativeBase();
  @mapped
  class Author extends Base.model("authors", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30)),
    books: relationship<Book[]>("Book", { backPopulates: "author", orderBy: "title desc" }),
    firstBooks: relationship<Book[]>("Book", { viewonly: true, orderBy: "id" }),
  }) {}
  @mapped
  class Book extends Base.model("books", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(30)),
    author_id: Column(Integer, ForeignKey("authors.id")),
    author: relationship<Author>("Author", { backPopulates: "books" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  const a = new Author({ name: "A" });
  a.books.push(new Book({ title: "b" }), new Book({ title: "c" }), new Book({ title: "a" }));
  s.add(a);
  s.commit();
  s.close();
  return { Author, Book, engine, Session, Base };
}

test("orderBy on a relationship orders the lazy load", () => {
  const m = ordered();
  const s = m.Session();
  const a = s.get(m.Author, 1)!;
  const stmts = recordStatements(m.engine, () => assert.deepEqual(a.books.map((b) => b.title), ["c", "b", "a"]));
  assert.match(stmts[0]!.sql, /ORDER BY books\.title DESC$/);
});

test("orderBy on a relationship orders the selectin load too", async () => {
  const { selectinload } = await import("../../src/index");
  const m = ordered();
  const s = m.Session();
  const [a] = s.scalars(select(m.Author).options(selectinload(m.Author.books))).all();
  assert.deepEqual(a!.books.map((b) => b.title), ["c", "b", "a"]);
});

test("a viewonly relationship loads but writes nothing, and can't be assigned", () => {
  const m = ordered();
  const s = m.Session();
  const a = s.get(m.Author, 1)!;
  assert.deepEqual(a.firstBooks.map((b) => b.title), ["b", "c", "a"]);
  a.firstBooks.push(new m.Book({ title: "ignored" }));
  const stmts = writes(recordStatements(m.engine, () => s.flush()));
  assert.deepEqual(stmts, []);
  assert.throws(() => { a.firstBooks = []; }, /viewonly/);
});

// ---- column overlap (ORM117) -------------------------------------------------------------------

test("two unpaired relationships writing the same foreign key are reported (ORM117), paired or viewonly ones are not", () => {
  const Base = declarativeBase();
  @mapped
  class Parent extends Base.model("parents", {
    id: Column(Integer, { primaryKey: true }),
    kids: relationship<Kid[]>("Kid"),
    alsoKids: relationship<Kid[]>("Kid"),
    readKids: relationship<Kid[]>("Kid", { viewonly: true }),
  }) {}
  @mapped
  class Kid extends Base.model("kids", {
    id: Column(Integer, { primaryKey: true }),
    parent_id: Column(Integer, ForeignKey("parents.id")),
  }) {}
  void Parent; void Kid;
  const model: MappingModel = modelFromRegistry(Base.registry);
  const issues = validateMapping(model).filter((i) => i.code === "ORM117");
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.severity, "warning");
  assert.match(issues[0]!.message, /Parent\.alsoKids writes kids\.parent_id, which Parent\.kids also writes/);
  // A backPopulates pair is one relationship seen from both sides: no warning.
  assert.equal(validateMapping(modelFromRegistry(blog().Base.registry)).filter((i) => i.code === "ORM117").length, 0);
});

// ---- post_update ------------------------------------------------------------------------------

function cycle() {
  const Base = declarativeBase();
  @mapped
  class Person extends Base.model("people", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30)),
    favorite_id: Column(Integer, ForeignKey("photos.id")),
    photos: relationship<Photo[]>("Photo", { backPopulates: "owner", foreignKeys: "owner_id", cascade: "all, delete-orphan" }),
    favorite: relationship<Photo>("Photo", { foreignKeys: "favorite_id", postUpdate: true }),
  }) {}
  @mapped
  class Photo extends Base.model("photos", {
    id: Column(Integer, { primaryKey: true }),
    owner_id: Column(Integer, ForeignKey("people.id")),
    owner: relationship<Person>("Person", { backPopulates: "photos", foreignKeys: "owner_id" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Person, Photo, engine, Session: sessionmaker({ bind: engine }) };
}

test("postUpdate: rows that point at each other are inserted first, then the cycle's key is set by an UPDATE", () => {
  const m = cycle();
  const s = m.Session();
  const p = new m.Person({ name: "Ann" });
  const ph = new m.Photo();
  p.photos.push(ph);
  p.favorite = ph;
  s.add(p);
  const stmts = writes(recordStatements(m.engine, () => s.flush()));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [
    ["INSERT INTO people (name, favorite_id) VALUES (?, ?)", ["Ann", null]],
    ["INSERT INTO photos (owner_id) VALUES (?)", [1]],
    ["UPDATE people SET favorite_id=? WHERE people.id = ?", [1, 1]],
  ]);
  assert.equal(p.favorite_id, 1);
  s.commit();
  assert.equal(m.Session().get(m.Person, 1)!.favorite!.id, 1);
});

test("postUpdate: changing the reference later is a plain post-UPDATE of the key", () => {
  const m = cycle();
  const s = m.Session();
  const p = new m.Person({ name: "Ann" });
  p.photos.push(new m.Photo(), new m.Photo());
  p.favorite = p.photos[0]!;
  s.add(p);
  s.commit();
  p.favorite = p.photos[1]!;
  const stmts = writes(recordStatements(m.engine, () => s.flush()));
  assert.deepEqual(stmts.map((r) => [r.sql, [...r.params]]), [["UPDATE people SET favorite_id=? WHERE people.id = ?", [2, 1]]]);
  assert.equal(s.isModified(p), false);
});

test("postUpdate: deleting both rows clears the cycle's key before the DELETEs", () => {
  const m = cycle();
  const s = m.Session();
  const p = new m.Person({ name: "Ann" });
  p.photos.push(new m.Photo());
  p.favorite = p.photos[0]!;
  s.add(p);
  s.commit();
  s.delete(p);
  const stmts = writes(recordStatements(m.engine, () => s.flush()));
  assert.deepEqual(stmts.map((r) => r.sql), [
    "UPDATE people SET favorite_id=? WHERE people.id = ?",
    "DELETE FROM photos WHERE photos.id = ?",
    "DELETE FROM people WHERE people.id = ?",
  ]);
  s.commit();
  assert.equal(m.Session().get(m.Person, 1), null);
});

test("without postUpdate the same cycle of rows can't be ordered: CircularDependencyError names the fix", () => {
  const Base = declarativeBase();
  @mapped
  class Node extends Base.model("nodes", {
    id: Column(Integer, { primaryKey: true }),
    next_id: Column(Integer, ForeignKey("nodes.id")),
    next: relationship<Node>("Node", { remoteSide: "id" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  const a = new Node(), b = new Node();
  a.next = b; b.next = a;
  s.addAll([a, b]);
  assert.throws(() => s.flush(), /postUpdate/);
});

test("primaryJoin: lazy, selectin and joined loads all use the custom condition", () => {
  const Base = declarativeBase();
  @mapped class Writer extends Base.model("writers", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(20)),
    published: relationship<Article[]>("Article", { primaryJoin: (w: any, a: any) => and(w.id.eq(a.writer_id), a.published.eq(true)), viewonly: true, orderBy: "title" }),
  }) {}
  @mapped class Article extends Base.model("articles", {
    id: Column(Integer, { primaryKey: true }), title: Column(String(20)), published: Column(Boolean, { nullable: false }),
    writer_id: Column(Integer, ForeignKey("writers.id")),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Writer({ name: "w1" }));
  s.add(new Writer({ name: "w2" }));
  s.flush();
  s.addAll([
    new Article({ title: "a", published: true, writer_id: 1 }), new Article({ title: "b", published: false, writer_id: 1 }),
    new Article({ title: "c", published: true, writer_id: 1 }), new Article({ title: "d", published: true, writer_id: 2 }),
  ]);
  s.commit();
  s.close();
  const titles = (w: InstanceType<typeof Writer>) => w.published.map((a) => a.title);

  const lazy = Session();
  const w1 = lazy.get(Writer, 1)!;
  const stmts = recordStatements(engine, () => assert.deepEqual(titles(w1), ["a", "c"]));
  assert.match(stmts.find((r) => r.sql.includes("FROM articles"))!.sql, /writers\.id IN \(\?\) AND writers\.id = articles\.writer_id AND articles\.published = \?/);

  const sel = Session();
  const viaSelectin = sel.scalars(select(Writer).options(selectinload(Writer.published)).orderBy(Writer.id)).all();
  assert.deepEqual(viaSelectin.map(titles), [["a", "c"], ["d"]]);

  const joined = Session();
  const viaJoined = joined.scalars(select(Writer).options(joinedload(Writer.published)).orderBy(Writer.id)).unique().all();
  assert.deepEqual(viaJoined.map(titles), [["a", "c"], ["d"]]);
});

function passiveModel(passiveDeletes: true | "all", cascade?: string) {
  const Base = declarativeBase();
  @mapped class Folder extends Base.model("folders", {
    id: Column(Integer, { primaryKey: true }),
    files: relationship<File[]>("File", { passiveDeletes, backPopulates: "folder", ...(cascade ? { cascade } : {}) }),
  }) {}
  @mapped class File extends Base.model("files", {
    id: Column(Integer, { primaryKey: true }),
    folder_id: Column(Integer, ForeignKey("folders.id", { ondelete: cascade ? "CASCADE" : "SET NULL" })),
    folder: relationship<Folder>("Folder", { backPopulates: "files" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Folder({ files: [new File(), new File()] }));
  s.add(new Folder({ files: [new File()] }));
  s.commit();
  s.close();
  const rows = () => engine.connect().execute({ sql: "SELECT id, folder_id FROM files ORDER BY id", parameters: [] }).rows;
  return { Folder, File, engine, Session, rows };
}

test("passiveDeletes with delete cascade: children not loaded are left to ON DELETE CASCADE (no SELECT); loaded ones are deleted by the flush", () => {
  const m = passiveModel(true, "all, delete-orphan");
  const s = m.Session();
  s.delete(s.get(m.Folder, 1)!);
  const stmts = recordStatements(m.engine, () => s.commit()).filter((r) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(r.sql)).map((r) => r.sql);
  assert.deepEqual(stmts, ["DELETE FROM folders WHERE folders.id = ?"]);
  assert.deepEqual(m.rows(), [[3, 2]]);
  const s2 = m.Session();
  const f2 = s2.get(m.Folder, 2)!;
  assert.equal(f2.files.length, 1);
  s2.delete(f2);
  const writes = recordStatements(m.engine, () => s2.commit()).filter((r) => r.sql.startsWith("DELETE")).map((r) => r.sql);
  assert.deepEqual(writes, ["DELETE FROM files WHERE files.id = ?", "DELETE FROM folders WHERE folders.id = ?"]);
  assert.deepEqual(m.rows(), []);
});

test("passiveDeletes without cascade: loaded children lose their key, unloaded ones are left to the database; \"all\" touches none", () => {
  const m = passiveModel(true);
  const s = m.Session();
  const f1 = s.get(m.Folder, 1)!;
  const f2 = s.get(m.Folder, 2)!;
  assert.equal(f1.files.length, 2);
  s.delete(f1);
  s.delete(f2);
  const recorded = recordStatements(m.engine, () => s.commit()).filter((r) => /^(SELECT|UPDATE|DELETE)/.test(r.sql));
  const stmts = recorded.map((r) => r.sql);
  assert.equal(stmts.filter((q) => q.startsWith("SELECT")).length, 0, stmts.join("\n"));
  // The two loaded files of folder 1, in one UPDATE; folder 2's file is left to ON DELETE SET NULL.
  assert.deepEqual(recorded.filter((r) => r.sql.startsWith("UPDATE files")).map((r) => [r.sql, [...r.params]]),
    [["UPDATE files SET folder_id=v.column1 FROM (VALUES (?, ?), (?, ?)) AS v WHERE files.id = v.column2", [null, 1, null, 2]]]);
  assert.deepEqual(m.rows(), [[1, null], [2, null], [3, null]]);

  const all = passiveModel("all");
  const s2 = all.Session();
  const g1 = s2.get(all.Folder, 1)!;
  assert.equal(g1.files.length, 2);
  s2.delete(g1);
  const w = recordStatements(all.engine, () => s2.commit()).filter((r) => /^(UPDATE|DELETE)/.test(r.sql)).map((r) => r.sql);
  assert.deepEqual(w, ["DELETE FROM folders WHERE folders.id = ?"]);
  assert.deepEqual(all.rows(), [[1, null], [2, null], [3, 2]], "ON DELETE SET NULL did it");
});
