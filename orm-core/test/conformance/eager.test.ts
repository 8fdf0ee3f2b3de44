// Mirrors SQLAlchemy test/orm/test_eager_relations.py: joined eager loading — joinedload() of
// one-to-many and many-to-one in the same SELECT with a LEFT OUTER JOIN to an anonymous alias,
// chained joinedload, de-duplication of parent rows with unique(), joinedload together with
// WHERE / ORDER BY / explicit joins / LIMIT, lazy="joined" on the relationship (and lazyload()
// overriding it), self-referential joined loading, and populating objects already in the
// identity map.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker,
  select, insert, update, joinedload, selectinload, lazyload,
} from "../../src/index";
import { expectStatementCount, recordStatements } from "../support/sql";

function eagerModel() {
  const Base = declarativeBase();

  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    posts: relationship<Post[]>("Post", { backPopulates: "author" }),
  }) {}

  @mapped
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(30), { nullable: false }),
    user_id: Column(Integer, ForeignKey("users.id")),
    author: relationship<User>("User", { backPopulates: "posts" }),
    comments: relationship<Comment[]>("Comment", { backPopulates: "post" }),
  }) {}

  @mapped
  class Comment extends Base.model("comments", {
    id: Column(Integer, { primaryKey: true }),
    body: Column(String(30), { nullable: false }),
    post_id: Column(Integer, ForeignKey("posts.id")),
    post: relationship<Post>("Post", { backPopulates: "comments" }),
  }) {}

  @mapped
  class Profile extends Base.model("profiles", {
    id: Column(Integer, { primaryKey: true }),
    bio: Column(String(30)),
    user_id: Column(Integer, ForeignKey("users.id")),
    owner: relationship<User>("User", { lazy: "joined" }),
  }) {}

  @mapped
  class Node extends Base.model("nodes", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    parent_id: Column(Integer, ForeignKey("nodes.id")),
    parent: relationship<Node>("Node", { remoteSide: "id", backPopulates: "children" }),
    children: relationship<Node[]>("Node", { backPopulates: "parent", lazy: "joined" }),
  }) {}

  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  // alice: p1 (c1, c2), p2 (); bob: p3 (c3); carol: none; p4 has no author.
  const s = Session();
  s.addAll([
    new User({ id: 1, name: "alice", posts: [
      new Post({ id: 1, title: "p1", comments: [new Comment({ id: 1, body: "c1" }), new Comment({ id: 2, body: "c2" })] }),
      new Post({ id: 2, title: "p2" }),
    ] }),
    new User({ id: 2, name: "bob", posts: [new Post({ id: 3, title: "p3", comments: [new Comment({ id: 3, body: "c3" })] })] }),
    new User({ id: 3, name: "carol" }),
    new Post({ id: 4, title: "p4" }),
    new Profile({ id: 1, bio: "hi", user_id: 1 }),
    new Profile({ id: 2, bio: "anon" }),
  ]);
  const root = new Node({ id: 1, name: "root" });
  const c1 = new Node({ id: 2, name: "c1", parent: root });
  new Node({ id: 3, name: "g1", parent: c1 });
  new Node({ id: 4, name: "c2", parent: root });
  s.add(root);
  s.commit();
  s.close();
  return { User, Post, Comment, Profile, Node, engine, Session };
}

const titles = (posts: readonly { title: string }[]) => posts.map((p) => p.title).sort();
const A = "(\\w+_\\d+)"; // an anonymous alias name such as posts_1

test("joinedload() of a one-to-many loads parents and collections in one SELECT with a LEFT OUTER JOIN", () => {
  const m = eagerModel();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    users = s.scalars(select(m.User).options(joinedload(m.User.posts)).orderBy(m.User.id)).unique().all();
  });
  assert.match(stmt!.sql, new RegExp(`^SELECT users\\.id, users\\.name, ${A}\\.id, \\1\\.title, \\1\\.user_id FROM users LEFT OUTER JOIN posts AS \\1 ON users\\.id = \\1\\.user_id ORDER BY users\\.id$`));
  assert.deepEqual(users.map((u) => u.name), ["alice", "bob", "carol"]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(users.map((u) => titles(u.posts)), [["p1", "p2"], ["p3"], []]);
    for (const u of users) for (const p of u.posts) assert.equal(p.author, u);
  });
});

test("joinedload() of a many-to-one: one SELECT, a NULL foreign key loads as null, shared targets are one instance", () => {
  const m = eagerModel();
  const s = m.Session();
  let posts: InstanceType<typeof m.Post>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    posts = s.scalars(select(m.Post).options(joinedload(m.Post.author)).orderBy(m.Post.id)).all();
  });
  assert.match(stmt!.sql, new RegExp(`^SELECT posts\\.id, posts\\.title, posts\\.user_id, ${A}\\.id, \\1\\.name FROM posts LEFT OUTER JOIN users AS \\1 ON posts\\.user_id = \\1\\.id ORDER BY posts\\.id$`));
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(posts.map((p) => p.author?.name ?? null), ["alice", "alice", "bob", null]);
    assert.equal(posts[0]!.author, posts[1]!.author);
    assert.equal(s.get(m.User, 1), posts[0]!.author);
  });
});

test("unique() collapses the repeated parent rows of a joined collection, keeping first-seen order", () => {
  const m = eagerModel();
  const s = m.Session();
  const stmt = select(m.User).options(joinedload(m.User.posts)).orderBy(m.User.id);
  let names: string[] = [];
  const [run] = expectStatementCount(m.engine, 1, () => { names = s.scalars(stmt).unique().all().map((u) => u.name); });
  // The SQL returns one row per (user, post) pair: alice twice.
  const conn = m.engine.connect();
  try {
    const raw = conn.execute({ sql: run!.sql, parameters: run!.params }).rows;
    assert.deepEqual(raw.map((r) => r[1]), ["alice", "alice", "bob", "carol"]);
  } finally { conn.close(); }
  assert.deepEqual(names, ["alice", "bob", "carol"]);
  const rows = m.Session().execute(stmt).unique().all();
  assert.deepEqual(rows.map(([u]) => u.name), ["alice", "bob", "carol"]);
});

test("chained joinedload() loads two levels of collections in one SELECT", () => {
  const m = eagerModel();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    users = s.scalars(select(m.User).options(joinedload(m.User.posts).joinedload(m.Post.comments)).orderBy(m.User.id)).unique().all();
  });
  assert.match(stmt!.sql, new RegExp(`FROM users LEFT OUTER JOIN posts AS ${A} ON users\\.id = \\1\\.user_id LEFT OUTER JOIN comments AS ${A} ON \\1\\.id = \\2\\.post_id`));
  expectStatementCount(m.engine, 0, () => {
    const alice = users[0]!;
    const byTitle = Object.fromEntries(alice.posts.map((p) => [p.title, p.comments.map((c) => c.body).sort()]));
    assert.deepEqual(byTitle, { p1: ["c1", "c2"], p2: [] });
    assert.deepEqual(users[1]!.posts[0]!.comments.map((c) => c.body), ["c3"]);
    assert.deepEqual([...users[2]!.posts], []);
  });
});

test("chained joinedload() of many-to-ones (comment → post → author) in one SELECT", () => {
  const m = eagerModel();
  const s = m.Session();
  let comments: InstanceType<typeof m.Comment>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    comments = s.scalars(select(m.Comment).options(joinedload(m.Comment.post).joinedload(m.Post.author)).orderBy(m.Comment.id)).all();
  });
  assert.equal((stmt!.sql.match(/LEFT OUTER JOIN/g) ?? []).length, 2);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(comments.map((c) => `${c.body}:${c.post!.title}:${c.post!.author!.name}`), ["c1:p1:alice", "c2:p1:alice", "c3:p3:bob"]);
    assert.equal(comments[0]!.post, comments[1]!.post);
  });
});

test("a joined collection chained back to its parent: joinedload(User.posts).joinedload(Post.author)", () => {
  const m = eagerModel();
  const s = m.Session();
  let alice!: InstanceType<typeof m.User>;
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    alice = s.scalars(select(m.User).where(m.User.id.eq(1)).options(joinedload(m.User.posts).joinedload(m.Post.author))).unique().one();
  });
  assert.match(stmt!.sql, new RegExp(`LEFT OUTER JOIN posts AS ${A} ON users\\.id = \\1\\.user_id LEFT OUTER JOIN users AS ${A} ON \\1\\.user_id = \\2\\.id WHERE users\\.id = \\?$`));
  expectStatementCount(m.engine, 0, () => {
    assert.equal(alice.posts.length, 2);
    for (const p of alice.posts) assert.equal(p.author, alice);
  });
});

test("WHERE on the parent filters parents; the joined collections stay complete", () => {
  const m = eagerModel();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    users = s.scalars(select(m.User).where(m.User.name.eq("alice")).options(joinedload(m.User.posts))).unique().all();
  });
  assert.match(stmt!.sql, /LEFT OUTER JOIN posts AS \w+ ON users\.id = \w+\.user_id WHERE users\.name = \?$/);
  assert.deepEqual([...stmt!.params], ["alice"]);
  assert.deepEqual(users.map((u) => u.name), ["alice"]);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(titles(users[0]!.posts), ["p1", "p2"]));
});

test("an explicit join filtered on the child does not limit the joined-eager collection (it uses its own alias)", () => {
  const m = eagerModel();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    users = s.scalars(select(m.User).join(m.User.posts).where(m.Post.title.eq("p1")).options(joinedload(m.User.posts))).unique().all();
  });
  assert.match(stmt!.sql, new RegExp(`FROM users JOIN posts ON users\\.id = posts\\.user_id LEFT OUTER JOIN posts AS ${A} ON users\\.id = \\1\\.user_id WHERE posts\\.title = \\?$`));
  assert.deepEqual(users.map((u) => u.name), ["alice"]);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(titles(users[0]!.posts), ["p1", "p2"]));
});

test("ORDER BY on the parent is kept: parents come back in that order after unique()", () => {
  const m = eagerModel();
  const s = m.Session();
  let names: string[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    names = s.scalars(select(m.User).options(joinedload(m.User.posts)).orderBy(m.User.name.desc())).unique().all().map((u) => u.name);
  });
  assert.match(stmt!.sql, /ORDER BY users\.name DESC$/);
  assert.deepEqual(names, ["carol", "bob", "alice"]);
});

test("an empty result with joinedload() is one SELECT and no objects", () => {
  const m = eagerModel();
  const s = m.Session();
  expectStatementCount(m.engine, 1, () => {
    assert.deepEqual(s.scalars(select(m.User).where(m.User.name.eq("nobody")).options(joinedload(m.User.posts))).unique().all(), []);
  });
  assert.equal(s.identityMap.size, 0);
});

test("lazy='joined' on the relationship: every select() of the class joins it, no option needed", () => {
  const m = eagerModel();
  const s = m.Session();
  let profiles: InstanceType<typeof m.Profile>[] = [];
  const [stmt] = expectStatementCount(m.engine, 1, () => { profiles = s.scalars(select(m.Profile).orderBy(m.Profile.id)).all(); });
  assert.match(stmt!.sql, new RegExp(`^SELECT profiles\\.id, profiles\\.bio, profiles\\.user_id, ${A}\\.id, \\1\\.name FROM profiles LEFT OUTER JOIN users AS \\1 ON profiles\\.user_id = \\1\\.id ORDER BY profiles\\.id$`));
  expectStatementCount(m.engine, 0, () => assert.deepEqual(profiles.map((p) => p.owner?.name ?? null), ["alice", null]));
});

test("lazyload() overrides lazy='joined': no JOIN, and the attribute loads on access", () => {
  const m = eagerModel();
  const s = m.Session();
  let profile!: InstanceType<typeof m.Profile>;
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    profile = s.scalars(select(m.Profile).where(m.Profile.id.eq(1)).options(lazyload(m.Profile.owner))).one();
  });
  assert.equal(stmt!.sql, "SELECT profiles.id, profiles.bio, profiles.user_id FROM profiles WHERE profiles.id = ?");
  expectStatementCount(m.engine, 1, () => assert.equal(profile.owner!.name, "alice"));
});

test("the statement's string form shows the eager JOIN the session will run", () => {
  const m = eagerModel();
  const stmt = select(m.User).options(joinedload(m.User.posts));
  assert.match(stmt.toString(), /FROM users LEFT OUTER JOIN posts AS \w+ ON users\.id = \w+\.user_id/);
  assert.doesNotMatch(select(m.User).toString(), /JOIN/);
});

test("joinedload() fills the unloaded collection of an object already in the identity map (same instance)", () => {
  const m = eagerModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  let again!: InstanceType<typeof m.User>;
  expectStatementCount(m.engine, 1, () => {
    again = s.scalars(select(m.User).where(m.User.id.eq(1)).options(joinedload(m.User.posts))).unique().one();
  });
  assert.equal(again, alice);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(titles(alice.posts), ["p1", "p2"]));
});

test("joined rows don't overwrite in-memory changes of objects already in the session", () => {
  const m = eagerModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  alice.name = "renamed";
  s.noAutoflush(() => {
    const posts = s.scalars(select(m.Post).where(m.Post.user_id.eq(1)).options(joinedload(m.Post.author))).all();
    assert.equal(posts[0]!.author, alice);
  });
  assert.equal(alice.name, "renamed");
  assert.ok(s.dirty.has(alice));
});

test("populateExisting refreshes identity-mapped objects and their joined collections from the rows", () => {
  const m = eagerModel();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  assert.equal(bob.posts.length, 1);
  const other = m.Session();
  other.execute(insert(m.Post).values({ id: 9, title: "p9", user_id: 2 }));
  other.execute(update(m.User).where(m.User.id.eq(2)).values({ name: "robert" }));
  other.commit();
  expectStatementCount(m.engine, 1, () => {
    const again = s.scalars(select(m.User).where(m.User.id.eq(2)).options(joinedload(m.User.posts)).executionOptions({ populateExisting: true })).unique().one();
    assert.equal(again, bob);
  });
  expectStatementCount(m.engine, 0, () => {
    assert.equal(bob.name, "robert");
    assert.deepEqual(titles(bob.posts), ["p3", "p9"]);
  });
});

test("self-referential lazy='joined' joins one level only; the next level loads lazily", () => {
  const m = eagerModel();
  const s = m.Session();
  let root!: InstanceType<typeof m.Node>;
  const [stmt] = expectStatementCount(m.engine, 1, () => { root = s.scalars(select(m.Node).where(m.Node.name.eq("root"))).unique().one(); });
  assert.equal((stmt!.sql.match(/LEFT OUTER JOIN nodes AS/g) ?? []).length, 1);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(root.children.map((n) => n.name).sort(), ["c1", "c2"]));
  const c1 = root.children.find((n) => n.name === "c1")!;
  expectStatementCount(m.engine, 1, () => assert.deepEqual(c1.children.map((n) => n.name), ["g1"]));
});

test("joinedload(Node.children).joinedload(Node.children): two self-referential levels in one SELECT", () => {
  const m = eagerModel();
  const s = m.Session();
  let root!: InstanceType<typeof m.Node>;
  const [stmt] = expectStatementCount(m.engine, 1, () => {
    root = s.scalars(select(m.Node).where(m.Node.name.eq("root")).options(joinedload(m.Node.children).joinedload(m.Node.children))).unique().one();
  });
  assert.match(stmt!.sql, new RegExp(`FROM nodes LEFT OUTER JOIN nodes AS ${A} ON nodes\\.id = \\1\\.parent_id LEFT OUTER JOIN nodes AS ${A} ON \\1\\.id = \\2\\.parent_id WHERE nodes\\.name = \\?$`));
  expectStatementCount(m.engine, 0, () => {
    const c1 = root.children.find((n) => n.name === "c1")!;
    const c2 = root.children.find((n) => n.name === "c2")!;
    assert.deepEqual(c1.children.map((n) => n.name), ["g1"]);
    assert.deepEqual([...c2.children], []);
    assert.equal(c1.parent, root);
  });
});

test("LIMIT with a joined collection limits parents, not joined rows; collections stay complete", () => {
  const m = eagerModel();
  const s = m.Session();
  const users = s.scalars(select(m.User).options(joinedload(m.User.posts)).orderBy(m.User.id).limit(2)).unique().all();
  assert.deepEqual(users.map((u) => u.name), ["alice", "bob"]);
  expectStatementCount(m.engine, 0, () => assert.deepEqual(users.map((u) => titles(u.posts)), [["p1", "p2"], ["p3"]]));
});

test("joinedload() followed by selectinload(): the joined SELECT, then one IN query for the next level", () => {
  const m = eagerModel();
  const s = m.Session();
  let users: InstanceType<typeof m.User>[] = [];
  const stmts = expectStatementCount(m.engine, 2, () => {
    users = s.scalars(select(m.User).options(joinedload(m.User.posts).selectinload(m.Post.comments)).orderBy(m.User.id)).unique().all();
  });
  assert.match(stmts[0]!.sql, /FROM users LEFT OUTER JOIN posts AS/);
  assert.match(stmts[1]!.sql, /^SELECT comments\.id, comments\.body, comments\.post_id FROM comments WHERE comments\.post_id IN \(\?, \?, \?\)/);
  assert.deepEqual([...stmts[1]!.params].sort(), [1, 2, 3]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(users.flatMap((u) => u.posts).map((p) => `${p.title}:${p.comments.length}`).sort(), ["p1:2", "p2:0", "p3:1"]);
  });
});

test("joinedload() and selectinload() side by side on one entity", () => {
  const m = eagerModel();
  const s = m.Session();
  let posts: InstanceType<typeof m.Post>[] = [];
  const stmts = expectStatementCount(m.engine, 2, () => {
    posts = s.scalars(select(m.Post).options(joinedload(m.Post.author), selectinload(m.Post.comments)).orderBy(m.Post.id)).all();
  });
  assert.match(stmts[0]!.sql, /FROM posts LEFT OUTER JOIN users AS/);
  assert.match(stmts[1]!.sql, /FROM comments WHERE comments\.post_id IN/);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(posts.map((p) => `${p.title}:${p.author?.name ?? "-"}:${p.comments.length}`), ["p1:alice:2", "p2:alice:0", "p3:bob:1", "p4:-:0"]);
  });
});

test("joinedload of a collection with orderBy: the query orders by the parent's order, then the relationship's", () => {
  const Base = declarativeBase();
  @mapped class Author extends Base.model("authors", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(20)),
    books: relationship<Book[]>("Book", { orderBy: "title desc" }),
  }) {}
  @mapped class Book extends Base.model("books", {
    id: Column(Integer, { primaryKey: true }), title: Column(String(20)), author_id: Column(Integer, ForeignKey("authors.id")),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Author({ name: "b", books: [new Book({ title: "a1" }), new Book({ title: "c1" }), new Book({ title: "b1" })] }));
  s.add(new Author({ name: "a", books: [new Book({ title: "x2" }), new Book({ title: "z2" })] }));
  s.commit();
  s.close();
  const s2 = Session();
  let authors: InstanceType<typeof Author>[] = [];
  const stmts = recordStatements(engine, () => { authors = s2.scalars(select(Author).options(joinedload(Author.books)).orderBy(Author.name)).unique().all(); });
  assert.equal(stmts.length, 1);
  assert.match(stmts[0]!.sql, /ORDER BY authors\.name, books_\d+\.title DESC$/);
  assert.deepEqual(authors.map((a) => [a.name, a.books.map((b) => b.title)]), [["a", ["z2", "x2"]], ["b", ["c1", "b1", "a1"]]]);
});
