// Mirrors SQLAlchemy test/ext/test_associationproxy.py: associationProxy("kw", "keyword") shows
// one attribute of the objects behind a relationship. Through a collection it is a live list
// (push() makes the association object with the creator, remove() / assignment change the
// collection, and the flush writes those changes); through a many-to-one it reads and writes the
// target's attribute. At class level it gives EXISTS criteria: contains() / any() / eq() / has().
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, Boolean, ForeignKey, relationship, Table, createEngine, sessionmaker,
  select, not, associationProxy, asCollection, AssociationProxyAttribute, ArgumentError, InvalidRequestError, type Engine,
} from "../../src/index";
import { keyOrderCheck, recordStatements, rows } from "../support/sql";

function statements(engine: Engine, fn: () => void): [string, unknown[]][] {
  return recordStatements(engine, fn).filter((r) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(r.sql)).map((r) => [r.sql, [...r.params]]);
}

function model() {
  const Base = declarativeBase();
  Table("user_keywords", Base.metadata,
    Column("user_id", Integer, ForeignKey("users.id"), { primaryKey: true }),
    Column("keyword_id", Integer, ForeignKey("keywords.id"), { primaryKey: true }));

  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50), { nullable: false }),
    kw: relationship<Keyword[]>("Keyword", { secondary: "user_keywords", orderBy: "id" }),
    /** Inferred: a list of Keyword.keyword values (string). Default creator: new Keyword({ keyword }). */
    keywordNames: associationProxy("kw", "keyword"),
    notes: relationship<Note[]>("Note", { backPopulates: "user", cascade: "all, delete-orphan", orderBy: "id" }),
    noteTexts: associationProxy<string[]>("notes", "text", { creator: (text) => new Note({ text, pinned: true }) }),
    /** The association object pattern: User → UserTopic → Topic; the proxy shows the Topic objects. */
    userTopics: relationship<UserTopic[]>("UserTopic", { backPopulates: "user", cascade: "all, delete-orphan", orderBy: "topic_id" }),
    topics: associationProxy<Topic[]>("userTopics", "topic", { creator: (topic) => new UserTopic({ topic }) }),
  }) {}

  @mapped
  class Keyword extends Base.model("keywords", {
    id: Column(Integer, { primaryKey: true }),
    keyword: Column(String(64), { nullable: false }),
  }) {}

  @mapped
  class Note extends Base.model("notes", {
    id: Column(Integer, { primaryKey: true }),
    text: Column(String(100), { nullable: false }),
    pinned: Column(Boolean),
    user_id: Column(Integer, ForeignKey("users.id")),
    user: relationship<User>("User", { backPopulates: "notes" }),
    /** Through a many-to-one: the author's name, or null. */
    userName: associationProxy<string>("user", "name"),
  }) {}

  @mapped
  class Topic extends Base.model("topics", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(50), { nullable: false }),
  }) {}

  @mapped
  class UserTopic extends Base.model("user_topics", {
    user_id: Column(Integer, ForeignKey("users.id"), { primaryKey: true }),
    topic_id: Column(Integer, ForeignKey("topics.id"), { primaryKey: true }),
    user: relationship<User>("User", { backPopulates: "userTopics" }),
    topic: relationship<Topic>("Topic"),
  }) {}

  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Base, User, Keyword, Note, Topic, UserTopic, engine, Session: sessionmaker({ bind: engine }) };
}

/** alice: keywords py, sql; notes n1, n2. bob: keyword js; no notes. carol: nothing. */
function seeded() {
  const m = model();
  const s = m.Session();
  const alice = new m.User({ name: "alice", keywordNames: ["py", "sql"] });
  alice.noteTexts.push("n1", "n2");
  s.add(alice);
  s.add(new m.User({ name: "bob", keywordNames: ["js"] }));
  s.add(new m.User({ name: "carol" }));
  s.commit();
  s.close();
  return m;
}

test("a collection proxy is a live array view of the related objects' attribute", () => {
  const { User, Keyword, Session } = seeded();
  const s = Session();
  const alice = s.scalars(select(User).where(User.name.eq("alice"))).one();
  const names: string[] = alice.keywordNames; // typed from Keyword.keyword
  assert.ok(Array.isArray(names));
  assert.equal(names.length, 2);
  assert.equal(names[0], "py");
  assert.equal(names[2], undefined);
  assert.ok(names.includes("sql") && !names.includes("js"));
  assert.deepEqual([...names], ["py", "sql"]);
  assert.deepEqual(names.map((n) => n.toUpperCase()), ["PY", "SQL"]);
  assert.deepEqual(names, ["py", "sql"]);
  assert.equal(JSON.stringify(names), '["py","sql"]');
  alice.kw.push(new Keyword({ keyword: "go" })); // a change to the relationship shows at once
  assert.deepEqual([...names], ["py", "sql", "go"]);
  assert.equal(alice.keywordNames, names, "the same view on each read");
  s.close();
});

test("push(value) creates the association object with the default creator; the flush inserts it", () => {
  const { User, Keyword, engine, Session } = seeded();
  const s = Session();
  const bob = s.scalars(select(User).where(User.name.eq("bob"))).one();
  bob.keywordNames.push("rust");
  const kw = bob.kw[bob.kw.length - 1]!;
  assert.ok(kw instanceof Keyword);
  assert.equal(kw.keyword, "rust");
  assert.ok(s.contains(kw), "cascaded into the session with the collection append");
  const stmts = statements(engine, () => s.flush());
  assert.deepEqual(stmts, [
    ["INSERT INTO keywords (keyword) VALUES (?)", ["rust"]],
    ["INSERT INTO user_keywords (user_id, keyword_id) VALUES (?, ?)", [bob.id, kw.id]],
  ]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT k.keyword FROM user_keywords uk JOIN keywords k ON k.id = uk.keyword_id WHERE uk.user_id = 2 ORDER BY k.id"), [["js"], ["rust"]]);
  s.close();
});

test("a custom creator makes the objects for push() and for the constructor's values", () => {
  const { User, Note, engine, Session } = model();
  const s = Session();
  const u = new User({ name: "dan", noteTexts: ["a"] });
  u.noteTexts.push("b");
  assert.ok(u.notes.every((n) => n instanceof Note && n.pinned === true));
  assert.deepEqual(u.notes.map((n) => n.text), ["a", "b"]);
  s.add(u);
  const stmts = statements(engine, () => s.flush());
  assert.deepEqual(stmts.map(([sql]) => sql), [
    "INSERT INTO users (name) VALUES (?)",
    keyOrderCheck("notes").sql,
    "INSERT INTO notes (text, pinned, user_id) VALUES (?, ?, ?), (?, ?, ?)",
  ]);
  assert.deepEqual(rows(engine, "SELECT text, pinned, user_id FROM notes ORDER BY id"), [["a", 1, 1], ["b", 1, 1]]);
  s.close();
});

test("remove(value) takes the object out of the collection: the association row, or with delete-orphan the row, goes", () => {
  const { User, engine, Session } = seeded();
  const s = Session();
  const alice = s.scalars(select(User).where(User.name.eq("alice"))).one();
  void [alice.kw.length, alice.notes.length]; // loaded now: a lazy load would autoflush the first change
  asCollection(alice.keywordNames).remove("py");
  asCollection(alice.noteTexts).remove("n2");
  assert.deepEqual([...alice.keywordNames], ["sql"]);
  assert.throws(() => asCollection(alice.keywordNames).remove("nope"), RangeError);
  const stmts = statements(engine, () => s.flush());
  assert.deepEqual(stmts.map(([sql, params]) => [sql, params]), [
    ["DELETE FROM user_keywords WHERE user_keywords.user_id = ? AND user_keywords.keyword_id = ?", [1, 1]],
    ["DELETE FROM notes WHERE notes.id = ?", [2]],
  ]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT text FROM notes"), [["n1"]]);
  assert.deepEqual(rows(engine, "SELECT keyword, id FROM keywords ORDER BY id"), [["py", 1], ["sql", 2], ["js", 3]], "the Keyword row itself stays");
  s.close();
});

test("assigning a list replaces the collection through the creator; index assignment sets the existing object's attribute", () => {
  const { User, Note, engine, Session } = seeded();
  const s = Session();
  const alice = s.scalars(select(User).where(User.name.eq("alice"))).one();
  const [n1] = alice.notes;
  alice.noteTexts[0] = "n1 (edited)";
  assert.equal(n1!.text, "n1 (edited)", "the same Note, changed");
  alice.noteTexts = ["x", "y"];
  assert.deepEqual(alice.notes.map((n) => n.text), ["x", "y"]);
  assert.ok(alice.notes.every((n) => n instanceof Note && n !== n1));
  const stmts = statements(engine, () => s.flush());
  assert.deepEqual(stmts.map(([sql]) => sql), [
    keyOrderCheck("notes").sql,
    "INSERT INTO notes (text, pinned, user_id) VALUES (?, ?, ?), (?, ?, ?)",
    "DELETE FROM notes WHERE notes.id IN (?, ?)",
  ]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT text, user_id FROM notes ORDER BY id"), [["x", 1], ["y", 1]]);
  s.close();
});

test("through a many-to-one: reads the target's attribute (null without one), writes it, or creates the target", () => {
  const { User, Note, engine, Session } = seeded();
  const s = Session();
  const [n1] = s.scalars(select(Note).orderBy(Note.id)).all();
  const name: string | null = n1!.userName;
  assert.equal(name, "alice");
  const stray = new Note({ text: "stray" });
  assert.equal(stray.userName, null);
  stray.userName = null; // no target and no value: nothing is created
  const authorOf = (n: typeof stray) => n.user;
  assert.equal(authorOf(stray), null);
  stray.userName = "erin"; // default creator: new User({ name: "erin" })
  assert.ok(authorOf(stray) instanceof User && authorOf(stray)!.name === "erin");
  s.add(stray);
  n1!.userName = "alice2"; // sets User.name on the existing author
  const stmts = statements(engine, () => s.flush());
  assert.deepEqual(stmts.map(([sql, params]) => [sql, params]), [
    ["INSERT INTO users (name) VALUES (?)", ["erin"]],
    ["UPDATE users SET name=? WHERE users.id = ?", ["alice2", 1]],
    ["INSERT INTO notes (text, pinned, user_id) VALUES (?, ?, ?)", ["stray", null, 4]],
  ]);
  s.commit();
  assert.deepEqual(rows(engine, "SELECT name FROM users ORDER BY id"), [["alice2"], ["bob"], ["carol"], ["erin"]]);
  s.close();
});

test("contains(value) and any(criterion) are EXISTS criteria that find the right users", () => {
  const { User, Keyword, Note, engine, Session } = seeded();
  const s = Session();
  assert.ok(User.keywordNames instanceof AssociationProxyAttribute);
  const stmt = select(User.name).where(User.keywordNames.contains("sql"));
  assert.equal(stmt.toString().replace(/\s+/g, " "),
    "SELECT users.name FROM users WHERE EXISTS (SELECT 1 FROM keywords, user_keywords WHERE users.id = user_keywords.user_id AND keywords.id = user_keywords.keyword_id AND keywords.keyword = ?)");
  let names: string[] = [];
  const ran = statements(engine, () => { names = s.scalars(stmt).all(); });
  assert.equal(ran.length, 1);
  assert.deepEqual(names, ["alice"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.keywordNames.contains("js"))).all(), ["bob"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.keywordNames.any()).orderBy(User.id)).all(), ["alice", "bob"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.keywordNames.any(Keyword.keyword.like("p%")))).all(), ["alice"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.keywordNames.any(Keyword.keyword.like("%s%"))).orderBy(User.id)).all(), ["alice", "bob"]);
  assert.deepEqual(s.scalars(select(User.name).where(not(User.keywordNames.any()))).all(), ["carol"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.noteTexts.contains("n2"))).all(), ["alice"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.noteTexts.any(Note.pinned.eq(true)))).all(), ["alice"]);
  assert.throws(() => User.keywordNames.has(), (e: Error) => e instanceof InvalidRequestError && /use User\.keywordNames\.any\(\)/.test(e.message));
  s.close();
});

test("eq(value), eq(null) and has(criterion) through a many-to-one", () => {
  const { User, Note, Session } = seeded();
  const s = Session();
  s.add(new Note({ text: "orphan" }));
  s.flush();
  const texts = (cond: unknown) => s.scalars(select(Note.text).where(cond).orderBy(Note.id)).all();
  assert.equal(select(Note.text).where(Note.userName.eq("alice")).toString().replace(/\s+/g, " "),
    "SELECT notes.text FROM notes WHERE EXISTS (SELECT 1 FROM users WHERE notes.user_id = users.id AND users.name = ?)");
  assert.deepEqual(texts(Note.userName.eq("alice")), ["n1", "n2"]);
  assert.deepEqual(texts(Note.userName.eq("bob")), []);
  assert.deepEqual(texts(Note.userName.eq(null)), ["orphan"], "no author counts as a null name");
  assert.deepEqual(texts(Note.userName.has(User.name.like("a%"))), ["n1", "n2"]);
  assert.deepEqual(texts(Note.userName.ne("alice")), []);
  assert.throws(() => Note.userName.contains("x"), (e: Error) => e instanceof InvalidRequestError && /use Note\.userName\.eq\(value\)/.test(e.message));
  s.close();
});

test("proxying objects (the association object pattern): push(topic) makes the UserTopic; contains(topic) / any() query through it", () => {
  const { User, Topic, UserTopic, engine, Session } = seeded();
  const s = Session();
  const [alice, bob] = s.scalars(select(User).orderBy(User.id)).all();
  void [alice!.userTopics.length, bob!.userTopics.length];
  const t1 = new Topic({ title: "orm" }), t2 = new Topic({ title: "lsp" });
  alice!.topics.push(t1, t2);
  bob!.topics.push(t2);
  assert.ok(alice!.userTopics.every((ut) => ut instanceof UserTopic));
  assert.deepEqual(alice!.topics.map((t) => t.title), ["orm", "lsp"]);
  const stmts = statements(engine, () => s.flush());
  assert.deepEqual(stmts.map(([sql]) => sql), [
    keyOrderCheck("topics").sql,
    "INSERT INTO topics (title) VALUES (?), (?)",
    "INSERT INTO user_topics (user_id, topic_id) VALUES (?, ?), (?, ?), (?, ?)",
  ]);
  assert.deepEqual(s.scalars(select(User.name).where(User.topics.contains(t2)).orderBy(User.id)).all(), ["alice", "bob"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.topics.contains(t1))).all(), ["alice"]);
  assert.deepEqual(s.scalars(select(User.name).where(User.topics.any(Topic.title.eq("lsp"))).orderBy(User.id)).all(), ["alice", "bob"]);
  // contains(object) compares the association row's foreign key; any(criterion) nests an EXISTS on Topic.
  assert.equal(select(User.id).where(User.topics.contains(t1)).toString().replace(/\s+/g, " "),
    "SELECT users.id FROM users WHERE EXISTS (SELECT 1 FROM user_topics WHERE users.id = user_topics.user_id AND user_topics.topic_id = ?)");
  assert.equal(select(User.id).where(User.topics.any(Topic.title.eq("lsp"))).toString().replace(/\s+/g, " "),
    "SELECT users.id FROM users WHERE EXISTS (SELECT 1 FROM user_topics WHERE users.id = user_topics.user_id AND EXISTS (SELECT 1 FROM topics WHERE user_topics.topic_id = topics.id AND topics.title = ?))");
  s.close();
});

test("a proxy naming no relationship, or no attribute of the target, is reported at configure time", () => {
  {
    const Base = declarativeBase();
    @mapped class A extends Base.model("a", {
      id: Column(Integer, { primaryKey: true }),
      bs: relationship<B[]>("B"),
      names: associationProxy<string[]>("bz", "name"),
    }) {}
    @mapped class B extends Base.model("b", { id: Column(Integer, { primaryKey: true }), a_id: Column(Integer, ForeignKey("a.id")), name: Column(String(10)) }) {}
    void A; void B;
    assert.throws(() => Base.registry.configure(), (e: Error) => e instanceof ArgumentError && /A\.names: associationProxy\("bz", "name"\) names no relationship of A\. Did you mean "bs"\?/.test(e.message));
  }
  {
    const Base = declarativeBase();
    @mapped class A extends Base.model("a", {
      id: Column(Integer, { primaryKey: true }),
      bs: relationship<B[]>("B"),
      names: associationProxy<string[]>("bs", "nmae"),
    }) {}
    @mapped class B extends Base.model("b", { id: Column(Integer, { primaryKey: true }), a_id: Column(Integer, ForeignKey("a.id")), name: Column(String(10)) }) {}
    void A; void B;
    assert.throws(() => Base.registry.configure(), (e: Error) => e instanceof ArgumentError && /B has no attribute "nmae"\. Did you mean "name"\?/.test(e.message));
  }
  assert.throws(() => associationProxy("", "x"), ArgumentError);
});
