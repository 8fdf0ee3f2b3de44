// Mirrors SQLAlchemy test/orm/test_selectin_relations.py: selectinload() — one extra SELECT
// with "IN (parent keys)" per relationship after the main query, for one-to-many, many-to-one
// and many-to-many; chained selectinload; no second query for an empty parent result; large
// parent sets split into chunks of 500 keys; lazy="selectin" on the relationship; composite
// keys and multi-entity rows; objects already in the identity map.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, Table, createEngine, sessionmaker,
  select, insert, selectinload, lazyload,
} from "../../src/index";
import { expectStatementCount } from "../support/sql";

function selectinModel() {
  const Base = declarativeBase();
  Table("post_tags", Base.metadata,
    Column("post_id", Integer, ForeignKey("posts.id"), { primaryKey: true }),
    Column("tag_id", Integer, ForeignKey("tags.id"), { primaryKey: true }));

  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    posts: relationship<Post[]>("Post", { backPopulates: "author" }),
    postsByTitle: relationship<Post[]>("Post", { orderBy: "title desc", viewonly: true }),
  }) {}

  @mapped
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(30), { nullable: false }),
    user_id: Column(Integer, ForeignKey("users.id")),
    author: relationship<User>("User", { backPopulates: "posts" }),
    comments: relationship<Comment[]>("Comment"),
    tags: relationship<Tag[]>("Tag", { secondary: "post_tags", backPopulates: "posts" }),
  }) {}

  @mapped
  class Comment extends Base.model("comments", {
    id: Column(Integer, { primaryKey: true }),
    body: Column(String(30), { nullable: false }),
    post_id: Column(Integer, ForeignKey("posts.id")),
  }) {}

  @mapped
  class Tag extends Base.model("tags", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    posts: relationship<Post[]>("Post", { secondary: "post_tags", backPopulates: "tags" }),
  }) {}

  @mapped
  class Team extends Base.model("teams", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    members: relationship<Member[]>("Member", { lazy: "selectin" }),
  }) {}

  @mapped
  class Member extends Base.model("members", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    team_id: Column(Integer, ForeignKey("teams.id")),
  }) {}

  @mapped
  class Node extends Base.model("nodes", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    parent_id: Column(Integer, ForeignKey("nodes.id")),
    children: relationship<Node[]>("Node"),
  }) {}

  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  // alice: p1 (c1, c2; t1, t2), p2 (t2); bob: p3 (c3); carol: none; p4 has no author.
  const s = Session();
  const t1 = new Tag({ id: 1, name: "t1" }), t2 = new Tag({ id: 2, name: "t2" });
  s.addAll([
    new User({ id: 1, name: "alice", posts: [
      new Post({ id: 1, title: "p1", tags: [t1, t2], comments: [new Comment({ id: 1, body: "c1" }), new Comment({ id: 2, body: "c2" })] }),
      new Post({ id: 2, title: "p2", tags: [t2] }),
    ] }),
    new User({ id: 2, name: "bob", posts: [new Post({ id: 3, title: "p3", comments: [new Comment({ id: 3, body: "c3" })] })] }),
    new User({ id: 3, name: "carol" }),
    new Post({ id: 4, title: "p4" }),
    new Team({ id: 1, name: "red", members: [new Member({ id: 1, name: "m1" }), new Member({ id: 2, name: "m2" })] }),
    new Team({ id: 2, name: "blue" }),
    new Node({ id: 1, name: "root", children: [new Node({ id: 2, name: "c1", children: [new Node({ id: 3, name: "g1" })] }), new Node({ id: 4, name: "c2" })] }),
  ]);
  s.commit();
  s.close();
  return { User, Post, Comment, Tag, Team, Member, Node, engine, Session };
}

const titles = (posts: readonly { title: string }[]) => posts.map((p) => p.title).sort();

test("selectinload() of a one-to-many: exactly two statements, the second with IN (parent keys)", () => {
  const m = selectinModel();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const stmts = expectStatementCount(m.engine, 2, () => { users = s.scalars(select(m.User).options(selectinload(m.User.posts)).orderBy(m.User.id)).all(); });
  assert.equal(stmts[0]!.sql, "SELECT users.id, users.name FROM users ORDER BY users.id");
  assert.match(stmts[1]!.sql, /^SELECT posts\.id, posts\.title, posts\.user_id FROM posts WHERE posts\.user_id IN \(\?, \?, \?\)$/);
  assert.deepEqual([...stmts[1]!.params].sort(), [1, 2, 3]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(users.map((u) => titles(u.posts)), [["p1", "p2"], ["p3"], []]);
    for (const u of users) for (const p of u.posts) assert.equal(p.author, u);
  });
});

test("selectinload() of a many-to-one: one IN query over the distinct non-NULL foreign keys", () => {
  const m = selectinModel();
  const s = m.Session();
  let posts: InstanceType<typeof m.Post>[] = [];
  const stmts = expectStatementCount(m.engine, 2, () => { posts = s.scalars(select(m.Post).options(selectinload(m.Post.author)).orderBy(m.Post.id)).all(); });
  assert.match(stmts[1]!.sql, /^SELECT users\.id, users\.name FROM users WHERE users\.id IN \(\?, \?\)$/);
  assert.deepEqual([...stmts[1]!.params].sort(), [1, 2]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(posts.map((p) => p.author?.name ?? null), ["alice", "alice", "bob", null]);
    assert.equal(posts[0]!.author, posts[1]!.author);
  });
});

test("selectinload() of a many-to-one whose foreign keys are all NULL emits no second query", () => {
  const m = selectinModel();
  const s = m.Session();
  let posts: InstanceType<typeof m.Post>[] = [];
  expectStatementCount(m.engine, 1, () => { posts = s.scalars(select(m.Post).where(m.Post.user_id.isNull()).options(selectinload(m.Post.author))).all(); });
  expectStatementCount(m.engine, 0, () => assert.deepEqual(posts.map((p) => [p.title, p.author]), [["p4", null]]));
});

test("selectinload() of a many-to-many: one IN query through the association table; shared targets are one instance", () => {
  const m = selectinModel();
  const s = m.Session();
  let posts: InstanceType<typeof m.Post>[] = [];
  const stmts = expectStatementCount(m.engine, 2, () => { posts = s.scalars(select(m.Post).options(selectinload(m.Post.tags)).orderBy(m.Post.id)).all(); });
  assert.match(stmts[1]!.sql, /^SELECT tags\.id, tags\.name\b.* FROM .*\bpost_tags\b.* WHERE .*post_tags\.post_id IN \(\?, \?, \?, \?\)/);
  assert.deepEqual([...stmts[1]!.params].sort(), [1, 2, 3, 4]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(posts.map((p) => p.tags.map((t) => t.name).sort()), [["t1", "t2"], ["t2"], [], []]);
    assert.equal(posts[0]!.tags.find((t) => t.name === "t2"), posts[1]!.tags[0]);
  });
});

test("chained selectinload(): one more IN query per level, each over all parents of that level", () => {
  const m = selectinModel();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const stmts = expectStatementCount(m.engine, 3, () => {
    users = s.scalars(select(m.User).options(selectinload(m.User.posts).selectinload(m.Post.comments)).orderBy(m.User.id)).all();
  });
  assert.match(stmts[1]!.sql, /FROM posts WHERE posts\.user_id IN \(\?, \?, \?\)$/);
  assert.match(stmts[2]!.sql, /^SELECT comments\.id, comments\.body, comments\.post_id FROM comments WHERE comments\.post_id IN \(\?, \?, \?\)$/);
  assert.deepEqual([...stmts[2]!.params].sort(), [1, 2, 3]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(users.flatMap((u) => u.posts.map((p) => `${u.name}/${p.title}:${p.comments.map((c) => c.body).sort().join(",")}`)).sort(),
      ["alice/p1:c1,c2", "alice/p2:", "bob/p3:c3"]);
  });
});

test("selectinload() of a one-to-many then a many-to-many: three statements", () => {
  const m = selectinModel();
  const s = m.Session();
  let alice!: InstanceType<typeof m.User>;
  const stmts = expectStatementCount(m.engine, 3, () => {
    alice = s.scalars(select(m.User).where(m.User.id.eq(1)).options(selectinload(m.User.posts).selectinload(m.Post.tags))).one();
  });
  assert.deepEqual([...stmts[1]!.params], [1]);
  assert.deepEqual([...stmts[2]!.params].sort(), [1, 2]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(alice.posts.map((p) => `${p.title}:${p.tags.map((t) => t.name).sort().join(",")}`).sort(), ["p1:t1,t2", "p2:t2"]);
  });
});

test("an empty parent result emits no second query", () => {
  const m = selectinModel();
  const s = m.Session();
  expectStatementCount(m.engine, 1, () => {
    assert.deepEqual(s.scalars(select(m.User).where(m.User.name.eq("nobody")).options(selectinload(m.User.posts).selectinload(m.Post.comments))).all(), []);
  });
});

test("parents without children still get their (empty) collections loaded by the IN query", () => {
  const m = selectinModel();
  const s = m.Session();
  let carol!: InstanceType<typeof m.User>;
  const stmts = expectStatementCount(m.engine, 2, () => { carol = s.scalars(select(m.User).where(m.User.id.eq(3)).options(selectinload(m.User.posts))).one(); });
  assert.deepEqual([...stmts[1]!.params], [3]);
  expectStatementCount(m.engine, 0, () => assert.deepEqual([...carol.posts], []));
});

test("a large parent set is loaded in chunks of 500 keys per IN query", () => {
  const m = selectinModel();
  const s = m.Session();
  const n = 1201;
  s.execute(insert(m.User).values(Array.from({ length: n }, (_, i) => ({ id: 100 + i, name: `u${i}` }))));
  s.execute(insert(m.Post).values(Array.from({ length: n }, (_, i) => ({ id: 100 + i, title: `t${i}`, user_id: 100 + i }))));
  s.commit();
  let users: InstanceType<typeof m.User>[] = [];
  const stmts = expectStatementCount(m.engine, 4, () => {
    users = s.scalars(select(m.User).where(m.User.id.ge(100)).options(selectinload(m.User.posts)).orderBy(m.User.id)).all();
  });
  assert.deepEqual(stmts.slice(1).map((r) => r.params.length), [500, 500, 201]);
  assert.ok(stmts.slice(1).every((r) => /FROM posts WHERE posts\.user_id IN \(/.test(r.sql)));
  assert.deepEqual(new Set(stmts.slice(1).flatMap((r) => [...r.params])).size, n, "every key exactly once");
  assert.equal(users.length, n);
  expectStatementCount(m.engine, 0, () => {
    assert.ok(users.every((u, i) => u.posts.length === 1 && u.posts[0]!.title === `t${i}`));
  });
});

test("a large many-to-one key set is also chunked by 500", () => {
  const m = selectinModel();
  const s = m.Session();
  const n = 600;
  s.execute(insert(m.User).values(Array.from({ length: n }, (_, i) => ({ id: 100 + i, name: `u${i}` }))));
  s.execute(insert(m.Post).values(Array.from({ length: n }, (_, i) => ({ id: 100 + i, title: `t${i}`, user_id: 100 + i }))));
  s.commit();
  let posts: InstanceType<typeof m.Post>[] = [];
  const stmts = expectStatementCount(m.engine, 3, () => {
    posts = s.scalars(select(m.Post).where(m.Post.id.ge(100)).options(selectinload(m.Post.author)).orderBy(m.Post.id)).all();
  });
  assert.deepEqual(stmts.slice(1).map((r) => r.params.length), [500, 100]);
  expectStatementCount(m.engine, 0, () => assert.ok(posts.every((p, i) => p.author!.name === `u${i}`)));
});

test("LIMIT / OFFSET on the parent query: the IN query holds only the keys of the parents returned", () => {
  const m = selectinModel();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const stmts = expectStatementCount(m.engine, 2, () => {
    users = s.scalars(select(m.User).options(selectinload(m.User.posts)).orderBy(m.User.id).limit(2).offset(1)).all();
  });
  assert.match(stmts[0]!.sql, /LIMIT \? OFFSET \?$/);
  assert.deepEqual([...stmts[1]!.params].sort(), [2, 3]);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(users.map((u) => [u.name, titles(u.posts)]), [["bob", ["p3"]], ["carol", []]]));
});

test("the relationship's orderBy is rendered in the IN query and orders each collection", () => {
  const m = selectinModel();
  const s = m.Session();
  let alice!: InstanceType<typeof m.User>;
  const stmts = expectStatementCount(m.engine, 2, () => { alice = s.scalars(select(m.User).where(m.User.id.eq(1)).options(selectinload(m.User.postsByTitle))).one(); });
  assert.match(stmts[1]!.sql, /WHERE posts\.user_id IN \(\?\) ORDER BY posts\.title DESC$/);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(alice.postsByTitle.map((p) => p.title), ["p2", "p1"]));
});

test("lazy='selectin' on the relationship: select() of the class runs the IN query without an option", () => {
  const m = selectinModel();
  const s = m.Session();
  let teams: InstanceType<typeof m.Team>[] = [];
  const stmts = expectStatementCount(m.engine, 2, () => { teams = s.scalars(select(m.Team).orderBy(m.Team.id)).all(); });
  assert.match(stmts[1]!.sql, /^SELECT members\.id, members\.name, members\.team_id FROM members WHERE members\.team_id IN \(\?, \?\)$/);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(teams.map((t) => t.members.map((x) => x.name).sort()), [["m1", "m2"], []]));
});

test("lazyload() overrides lazy='selectin': one statement, then a lazy load on access", () => {
  const m = selectinModel();
  const s = m.Session();
  let red!: InstanceType<typeof m.Team>;
  expectStatementCount(m.engine, 1, () => { red = s.scalars(select(m.Team).where(m.Team.id.eq(1)).options(lazyload(m.Team.members))).one(); });
  expectStatementCount(m.engine, 1, () => assert.equal(red.members.length, 2));
});

test("multi-entity rows: the IN query covers each distinct parent once", () => {
  const m = selectinModel();
  const s = m.Session();
  let rows: [InstanceType<typeof m.Post>, InstanceType<typeof m.User>][] = [];
  const stmts = expectStatementCount(m.engine, 2, () => {
    rows = s.execute(select(m.Post, m.User).join(m.Post.author).options(selectinload(m.User.posts)).orderBy(m.Post.id)).all().map(([p, u]) => [p, u]);
  });
  assert.match(stmts[0]!.sql, /FROM posts JOIN users ON users\.id = posts\.user_id|FROM posts JOIN users ON posts\.user_id = users\.id/);
  assert.deepEqual([...stmts[1]!.params].sort(), [1, 2]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(rows.map(([p, u]) => `${p.title}:${u.name}:${u.posts.length}`), ["p1:alice:2", "p2:alice:2", "p3:bob:1"]);
    assert.equal(rows[0]![1], rows[1]![1]);
    assert.ok(rows[0]![1].posts.includes(rows[0]![0]));
  });
});

test("composite primary keys: one IN query for all parents; children matched to parents on both key columns", () => {
  const Base = declarativeBase();
  @mapped
  class Shelf extends Base.model("shelves", {
    room: Column(Integer, { primaryKey: true }),
    num: Column(Integer, { primaryKey: true }),
    books: relationship<Book[]>("Book", { backPopulates: "shelf" }),
  }) {}
  @mapped
  class Book extends Base.model("books", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(30), { nullable: false }),
    shelf_room: Column(Integer, ForeignKey("shelves.room")),
    shelf_num: Column(Integer, ForeignKey("shelves.num")),
    shelf: relationship<Shelf>("Shelf", { backPopulates: "books" }),
  }) {}
  // Two column-level ForeignKeys make two one-column constraints, which SQLite can only enforce
  // against a unique target column: turn enforcement off, as SQLAlchemy leaves it on SQLite.
  const engine = createEngine("sqlite:///:memory:");
  const conn = engine.connect();
  conn.exec("PRAGMA foreign_keys = OFF");
  conn.close();
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s0 = Session();
  // (1,2) and (2,1) share their key values crosswise: a match on one column only would mix them up.
  s0.addAll([
    new Shelf({ room: 1, num: 1, books: [new Book({ id: 1, title: "a" })] }),
    new Shelf({ room: 1, num: 2, books: [new Book({ id: 2, title: "b" }), new Book({ id: 3, title: "c" })] }),
    new Shelf({ room: 2, num: 1, books: [new Book({ id: 4, title: "d" })] }),
    new Shelf({ room: 2, num: 2 }),
  ]);
  s0.commit();
  s0.close();
  const s = Session();
  let shelves: InstanceType<typeof Shelf>[] = [];
  const stmts = expectStatementCount(engine, 2, () => {
    shelves = s.scalars(select(Shelf).options(selectinload(Shelf.books)).orderBy(Shelf.room, Shelf.num)).all();
  });
  assert.match(stmts[1]!.sql, /^SELECT books\.id, books\.title, books\.shelf_room, books\.shelf_num FROM books WHERE /);
  assert.equal(stmts[1]!.params.length, 8, "both key values of each of the 4 parents");
  expectStatementCount(engine, 0, () => {
    assert.deepEqual(shelves.map((sh) => `${sh.room}.${sh.num}:${sh.books.map((b) => b.title).sort().join("")}`), ["1.1:a", "1.2:bc", "2.1:d", "2.2:"]);
    for (const sh of shelves) for (const b of sh.books) assert.equal(b.shelf, sh);
  });
  // And the many-to-one direction: the composite foreign key is looked up as one identity.
  const s2 = Session();
  let books: InstanceType<typeof Book>[] = [];
  const back = expectStatementCount(engine, 2, () => { books = s2.scalars(select(Book).options(selectinload(Book.shelf)).orderBy(Book.id)).all(); });
  assert.equal(back[1]!.params.length, 6, "three distinct shelves, two key values each");
  expectStatementCount(engine, 0, () => {
    assert.deepEqual(books.map((b) => `${b.title}@${b.shelf!.room}.${b.shelf!.num}`), ["a@1.1", "b@1.2", "c@1.2", "d@2.1"]);
    assert.equal(books[1]!.shelf, books[2]!.shelf);
  });
});

test("an already-loaded collection is not overwritten by selectinload(); populateExisting reloads it", () => {
  const m = selectinModel();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  assert.equal(bob.posts.length, 1);
  const other = m.Session();
  other.execute(insert(m.Post).values({ id: 9, title: "p9", user_id: 2 }));
  other.commit();
  let users: InstanceType<typeof m.User>[] = [];
  expectStatementCount(m.engine, 2, () => { users = s.scalars(select(m.User).where(m.User.id.in([1, 2])).options(selectinload(m.User.posts)).orderBy(m.User.id)).all(); });
  assert.equal(users[1], bob);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(titles(bob.posts), ["p3"]);
    assert.deepEqual(titles(users[0]!.posts), ["p1", "p2"]);
  });
  const stmts = expectStatementCount(m.engine, 2, () => {
    s.scalars(select(m.User).where(m.User.id.eq(2)).options(selectinload(m.User.posts)).executionOptions({ populateExisting: true })).all();
  });
  assert.deepEqual([...stmts[1]!.params], [2]);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(titles(bob.posts), ["p3", "p9"]));
});

test("rows of the IN query don't overwrite in-memory changes of children already in the session", () => {
  const m = selectinModel();
  const s = m.Session();
  const p3 = s.get(m.Post, 3)!;
  p3.title = "edited";
  s.noAutoflush(() => {
    const bob = s.scalars(select(m.User).where(m.User.id.eq(2)).options(selectinload(m.User.posts))).one();
    assert.equal(bob.posts[0], p3);
  });
  assert.equal(p3.title, "edited");
  assert.ok(s.dirty.has(p3));
});

test("self-referential chained selectinload(): one IN query per tree level", () => {
  const m = selectinModel();
  const s = m.Session();
  let root!: InstanceType<typeof m.Node>;
  const stmts = expectStatementCount(m.engine, 3, () => {
    root = s.scalars(select(m.Node).where(m.Node.name.eq("root")).options(selectinload(m.Node.children).selectinload(m.Node.children))).one();
  });
  assert.deepEqual([...stmts[1]!.params], [1]);
  assert.deepEqual([...stmts[2]!.params].sort(), [2, 4]);
  expectStatementCount(m.engine, 0, () => {
    const byName = Object.fromEntries(root.children.map((c) => [c.name, c.children.map((g) => g.name)]));
    assert.deepEqual(byName, { c1: ["g1"], c2: [] });
  });
  // The third level was not asked for: it loads lazily.
  const g1 = root.children.find((c) => c.name === "c1")!.children[0]!;
  expectStatementCount(m.engine, 1, () => assert.deepEqual([...g1.children], []));
});
