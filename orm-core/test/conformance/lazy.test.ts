// Mirrors SQLAlchemy test/orm/test_lazy_relations.py: lazy="select" loading of one-to-many,
// many-to-one and many-to-many relationships (one SELECT on first access, none after), the
// get-style many-to-one that is answered from the identity map, self-referential lazy loads,
// pending/transient objects, lazy="raise" / raiseload(), lazy="noload" / noload(), and lazy
// loads after expiry.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, Table, createEngine, sessionmaker,
  select, insert, selectinload, raiseload, noload, lazyload, inspect, InvalidRequestError, DetachedInstanceError,
} from "../../src/index";
import { expectStatementCount, recordStatements } from "../support/sql";
import { blog } from "../orm/blog-model";

function lazyModel() {
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
    postsRaise: relationship<Post[]>("Post", { lazy: "raise", viewonly: true }),
    postsNoload: relationship<Post[]>("Post", { lazy: "noload", viewonly: true }),
  }) {}

  @mapped
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(30), { nullable: false }),
    user_id: Column(Integer, ForeignKey("users.id")),
    author: relationship<User>("User", { backPopulates: "posts" }),
    tags: relationship<Tag[]>("Tag", { secondary: "post_tags", backPopulates: "posts" }),
  }) {}

  @mapped
  class Tag extends Base.model("tags", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    posts: relationship<Post[]>("Post", { secondary: "post_tags", backPopulates: "tags" }),
  }) {}

  @mapped
  class Node extends Base.model("nodes", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    parent_id: Column(Integer, ForeignKey("nodes.id")),
    parent: relationship<Node>("Node", { remoteSide: "id", backPopulates: "children" }),
    children: relationship<Node[]>("Node", { backPopulates: "parent" }),
  }) {}

  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  // users 1 alice (p1, p2), 2 bob (p3), 3 carol (none); p4 has no author.
  // p1 ↔ t1, t2; p2 ↔ t2; t3 has no posts. Tree: root → (c1 → g1), c2.
  const s = Session();
  const t1 = new Tag({ id: 1, name: "t1" }), t2 = new Tag({ id: 2, name: "t2" }), t3 = new Tag({ id: 3, name: "t3" });
  s.addAll([
    new User({ id: 1, name: "alice", posts: [new Post({ id: 1, title: "p1", tags: [t1, t2] }), new Post({ id: 2, title: "p2", tags: [t2] })] }),
    new User({ id: 2, name: "bob", posts: [new Post({ id: 3, title: "p3" })] }),
    new User({ id: 3, name: "carol" }),
    new Post({ id: 4, title: "p4" }),
    t3,
  ]);
  const root = new Node({ id: 1, name: "root" });
  const c1 = new Node({ id: 2, name: "c1", parent: root });
  new Node({ id: 3, name: "g1", parent: c1 });
  new Node({ id: 4, name: "c2", parent: root });
  s.add(root);
  s.commit();
  s.close();
  return { User, Post, Tag, Node, engine, Session };
}

const titles = (posts: readonly { title: string }[]) => posts.map((p) => p.title).sort();

test("one-to-many: the first access emits one SELECT for the collection, later accesses none", () => {
  const m = lazyModel();
  const s = m.Session();
  const u = s.get(m.User, 1)!;
  const [load] = expectStatementCount(m.engine, 1, () => assert.deepEqual(titles(u.posts), ["p1", "p2"]));
  assert.match(load!.sql, /^SELECT posts\.id, posts\.title, posts\.user_id FROM posts WHERE posts\.user_id (=|IN \()/);
  assert.deepEqual([...load!.params], [1]);
  expectStatementCount(m.engine, 0, () => {
    assert.deepEqual(titles(u.posts), ["p1", "p2"]);
    // The loaded children are the identity-mapped ones, and their author is the parent (no SQL).
    assert.equal(s.get(m.Post, 1), u.posts.find((p) => p.title === "p1"));
    for (const p of u.posts) assert.equal(p.author, u);
  });
});

test("one-to-many: a parent without children loads an empty collection once", () => {
  const m = lazyModel();
  const s = m.Session();
  const carol = s.get(m.User, 3)!;
  expectStatementCount(m.engine, 1, () => assert.deepEqual([...carol.posts], []));
  expectStatementCount(m.engine, 0, () => assert.equal(carol.posts.length, 0));
  assert.equal(inspect(carol).unloaded.has("posts"), false);
});

test("many-to-one: a target not yet in the session is loaded by primary key with one SELECT", () => {
  const m = lazyModel();
  const s = m.Session();
  const p3 = s.get(m.Post, 3)!;
  const [load] = expectStatementCount(m.engine, 1, () => assert.equal(p3.author!.name, "bob"));
  assert.match(load!.sql, /^SELECT users\.id, users\.name FROM users WHERE users\.id (=|IN \()/);
  assert.deepEqual([...load!.params], [2]);
  expectStatementCount(m.engine, 0, () => assert.equal(p3.author, s.get(m.User, 2)));
});

test("many-to-one: a target already in the identity map is returned without SQL (get-style lazy load)", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const posts = s.scalars(select(m.Post).where(m.Post.user_id.eq(1)).orderBy(m.Post.id)).all();
  expectStatementCount(m.engine, 0, () => {
    assert.equal(posts[0]!.author, alice);
    assert.equal(posts[1]!.author, alice);
  });
});

test("many-to-one: a NULL foreign key gives null without emitting SQL", () => {
  const m = lazyModel();
  const s = m.Session();
  const p4 = s.get(m.Post, 4)!;
  expectStatementCount(m.engine, 0, () => assert.equal(p4.author, null));
  assert.equal(p4.user_id, null);
});

test("many-to-many: one SELECT through the association table, then none; both directions", () => {
  const m = lazyModel();
  const s = m.Session();
  const p1 = s.get(m.Post, 1)!;
  const [load] = expectStatementCount(m.engine, 1, () => assert.deepEqual(p1.tags.map((t) => t.name).sort(), ["t1", "t2"]));
  assert.match(load!.sql, /^SELECT tags\.id, tags\.name\b.* FROM .*\bpost_tags\b.*WHERE .*post_tags\.post_id/);
  expectStatementCount(m.engine, 0, () => assert.equal(p1.tags.length, 2));
  const t2 = p1.tags.find((t) => t.name === "t2")!;
  expectStatementCount(m.engine, 1, () => assert.deepEqual(titles(t2.posts), ["p1", "p2"]));
  assert.ok(t2.posts.includes(p1), "the reverse collection holds the identity-mapped post");
  const t3 = s.get(m.Tag, 3)!;
  expectStatementCount(m.engine, 1, () => assert.equal(t3.posts.length, 0));
});

test("a lazy load does not overwrite loaded attributes of objects already in the session", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const p1 = s.get(m.Post, 1)!;
  p1.title = "changed in memory";
  s.noAutoflush(() => {
    expectStatementCount(m.engine, 1, () => assert.equal(alice.posts.length, 2));
    assert.ok(alice.posts.includes(p1));
    assert.equal(p1.title, "changed in memory");
    assert.ok(s.dirty.has(p1));
  });
});

test("a lazy load autoflushes pending changes first, so it sees them", () => {
  const m = lazyModel();
  const s = m.Session();
  const carol = s.get(m.User, 3)!;
  s.add(new m.Post({ id: 10, title: "p10", user_id: 3 }));
  const stmts = expectStatementCount(m.engine, 2, () => assert.deepEqual(titles(carol.posts), ["p10"]));
  assert.match(stmts[0]!.sql, /^INSERT INTO posts/);
  assert.match(stmts[1]!.sql, /^SELECT posts\./);
  assert.equal(s.new.size, 0);
});

test("self-referential: children lazy load with one SELECT; a child's parent comes from the identity map", () => {
  const m = lazyModel();
  const s = m.Session();
  const root = s.scalars(select(m.Node).where(m.Node.name.eq("root"))).one();
  const [load] = expectStatementCount(m.engine, 1, () => assert.deepEqual(root.children.map((n) => n.name).sort(), ["c1", "c2"]));
  assert.match(load!.sql, /FROM nodes WHERE nodes\.parent_id (=|IN \()/);
  assert.deepEqual([...load!.params], [1]);
  const c1 = root.children.find((n) => n.name === "c1")!;
  expectStatementCount(m.engine, 0, () => {
    assert.equal(c1.parent, root);
    assert.equal(root.parent, null); // parent_id is NULL
  });
  expectStatementCount(m.engine, 1, () => assert.deepEqual(c1.children.map((n) => n.name), ["g1"]));
  expectStatementCount(m.engine, 0, () => assert.equal(c1.children[0]!.parent, c1));
});

test("self-referential: walking up from a leaf emits one SELECT per ancestor not yet loaded", () => {
  const m = lazyModel();
  const s = m.Session();
  const g1 = s.get(m.Node, 3)!;
  const stmts = expectStatementCount(m.engine, 2, () => assert.equal(g1.parent!.parent!.name, "root"));
  assert.deepEqual(stmts.map((r) => [...r.params]), [[2], [1]]);
  expectStatementCount(m.engine, 0, () => {
    assert.equal(g1.parent!.parent!.parent, null);
    assert.equal(s.get(m.Node, 1), g1.parent!.parent);
  });
});

test("a pending object's relationships emit no SQL: empty collection, null many-to-one even with the foreign key set", () => {
  const m = lazyModel();
  const s = m.Session();
  const p = new m.Post({ title: "draft", user_id: 1 });
  const u = new m.User({ name: "dave" });
  s.add(p);
  s.add(u);
  expectStatementCount(m.engine, 0, () => {
    assert.equal(p.author, null);
    assert.deepEqual([...u.posts], []);
    assert.deepEqual([...p.tags], []);
  });
  assert.equal(inspect(p).pending, true);
  assert.equal(s.new.size, 2, "nothing was flushed by those reads");
});

test("a transient object's relationships are empty and emit no SQL", () => {
  const m = lazyModel();
  const p = new m.Post({ title: "loose", user_id: 2 });
  const u = new m.User({ name: "eve" });
  expectStatementCount(m.engine, 0, () => {
    assert.equal(p.author, null);
    assert.equal(u.posts.length, 0);
  });
  assert.equal(inspect(p).transient, true);
});

test("lazy='raise' raises InvalidRequestError on access and emits no SQL", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  expectStatementCount(m.engine, 0, () => {
    assert.throws(() => alice.postsRaise, (e: unknown) => e instanceof InvalidRequestError && /'User\.postsRaise' is not available due to lazy='raise'/.test(e.message));
  });
  // The default lazy relationship on the same object still loads.
  expectStatementCount(m.engine, 1, () => assert.equal(alice.posts.length, 2));
});

test("raiseload() applies to the objects of that query only", () => {
  const m = lazyModel();
  const s = m.Session();
  const users = s.scalars(select(m.User).where(m.User.id.in([1, 2])).options(raiseload(m.User.posts)).orderBy(m.User.id)).all();
  expectStatementCount(m.engine, 0, () => {
    for (const u of users) assert.throws(() => u.posts, /'User\.posts' is not available due to lazy='raise'/);
  });
  const s2 = m.Session();
  const alice = s2.scalars(select(m.User).where(m.User.id.eq(1))).one();
  expectStatementCount(m.engine, 1, () => assert.equal(alice.posts.length, 2));
});

test("raiseload() on a many-to-one raises even when the target is in the identity map", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const p1 = s.scalars(select(m.Post).where(m.Post.id.eq(1)).options(raiseload(m.Post.author))).one();
  expectStatementCount(m.engine, 0, () => assert.throws(() => p1.author, InvalidRequestError));
  assert.equal(p1.user_id, alice.id);
});

test("lazy='noload' gives an empty collection without SQL even though rows exist", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  expectStatementCount(m.engine, 0, () => assert.deepEqual([...alice.postsNoload], []));
  expectStatementCount(m.engine, 1, () => assert.equal(alice.posts.length, 2));
});

test("noload() option: collection empty and many-to-one null without SQL; appending still persists", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.scalars(select(m.User).where(m.User.id.eq(1)).options(noload(m.User.posts))).one();
  const p3 = s.scalars(select(m.Post).where(m.Post.id.eq(3)).options(noload(m.Post.author))).one();
  expectStatementCount(m.engine, 0, () => {
    assert.equal(alice.posts.length, 0);
    assert.equal(p3.author, null);
  });
  alice.posts.push(new m.Post({ id: 20, title: "p20" }));
  const inserts = recordStatements(m.engine, () => s.commit()).filter((r) => r.sql.startsWith("INSERT"));
  assert.deepEqual(inserts.map((r) => [...r.params]), [[20, "p20", 1]]);
  const check = m.Session();
  assert.deepEqual(titles(check.get(m.User, 1)!.posts), ["p1", "p2", "p20"]);
});

test("lazyload() option keeps the default lazy behaviour: one SELECT on access", () => {
  const m = lazyModel();
  const s = m.Session();
  const bob = s.scalars(select(m.User).where(m.User.id.eq(2)).options(lazyload(m.User.posts))).one();
  expectStatementCount(m.engine, 1, () => assert.deepEqual(titles(bob.posts), ["p3"]));
});

test("relationship orderBy orders the lazily loaded collection in SQL", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const [load] = expectStatementCount(m.engine, 1, () => assert.deepEqual(alice.postsByTitle.map((p) => p.title), ["p2", "p1"]));
  assert.match(load!.sql, /ORDER BY posts\.title DESC$/);
});

test("expire(obj, [relationship]) makes the next access reload the collection with one SELECT", () => {
  const m = lazyModel();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  assert.equal(bob.posts.length, 1);
  const other = m.Session();
  other.execute(insert(m.Post).values({ id: 30, title: "p30", user_id: 2 }));
  other.commit();
  expectStatementCount(m.engine, 0, () => assert.equal(bob.posts.length, 1));
  s.expire(bob, ["posts"]);
  assert.ok(inspect(bob).unloaded.has("posts"));
  expectStatementCount(m.engine, 1, () => assert.deepEqual(titles(bob.posts), ["p3", "p30"]));
  assert.equal(bob.name, "bob", "column attributes were not expired");
});

test("after commit (expire on commit) an o2m access first refreshes the parent row, then loads the collection", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  assert.equal(alice.posts.length, 2);
  s.commit();
  const stmts = expectStatementCount(m.engine, 2, () => assert.deepEqual(titles(alice.posts), ["p1", "p2"]));
  assert.match(stmts[0]!.sql, /^SELECT users\.id, users\.name FROM users WHERE users\.id = \?/);
  assert.match(stmts[1]!.sql, /^SELECT posts\./);
});

test("after commit a many-to-one access reloads the child row only; the expired target comes from the identity map", () => {
  const m = lazyModel();
  const s = m.Session();
  const bob = s.get(m.User, 2)!;
  const p3 = s.get(m.Post, 3)!;
  s.commit();
  const [refresh] = expectStatementCount(m.engine, 1, () => assert.equal(p3.author, bob));
  assert.match(refresh!.sql, /^SELECT posts\.id, posts\.title, posts\.user_id FROM posts WHERE posts\.id = \?/);
  expectStatementCount(m.engine, 1, () => assert.equal(bob.name, "bob"));
});

test("a lazy load on a detached object raises DetachedInstanceError; loaded attributes stay readable", () => {
  const m = lazyModel();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  const p1 = s.get(m.Post, 1)!;
  assert.equal(p1.tags.length, 2);
  s.close();
  assert.equal(inspect(alice).detached, true);
  expectStatementCount(m.engine, 0, () => {
    assert.throws(() => alice.posts, (e: unknown) => e instanceof DetachedInstanceError && /lazy load operation of attribute 'posts' cannot proceed/.test(e.message));
    assert.equal(alice.name, "alice");
    assert.deepEqual(p1.tags.map((t) => t.name).sort(), ["t1", "t2"]);
  });
});

test("lazy='raise_on_sql' answers from the identity map and raises only when SQL would run; 'subquery' / 'immediate' load with the parents", () => {
  const Base = declarativeBase();
  @mapped class Team extends Base.model("teams", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(20)),
    members: relationship<Member[]>("Member", { lazy: "subquery", orderBy: "id", backPopulates: "team" }),
    leads: relationship<Member[]>("Member", { lazy: "immediate", viewonly: true, orderBy: "id" }),
  }) {}
  @mapped class Member extends Base.model("members", {
    id: Column(Integer, { primaryKey: true }), team_id: Column(Integer, ForeignKey("teams.id")),
    team: relationship<Team>("Team", { lazy: "raise_on_sql", backPopulates: "members" }),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.add(new Team({ name: "t", members: [new Member(), new Member()] }));
  s.commit();
  s.close();

  const s2 = Session();
  const member = s2.get(Member, 1)!;
  assert.throws(() => member.team, (e: Error) => e instanceof InvalidRequestError && /'Member\.team' is not available due to lazy='raise_on_sql'/.test(e.message));
  let team!: InstanceType<typeof Team>;
  const stmts = recordStatements(engine, () => { team = s2.scalars(select(Team)).one(); });
  assert.equal(stmts.filter((r) => r.sql.startsWith("SELECT")).length, 3, "the teams, then each eager collection");
  assert.equal(recordStatements(engine, () => {
    assert.deepEqual(team.members.map((m) => m.id), [1, 2]);
    assert.deepEqual(team.leads.map((m) => m.id), [1, 2]);
    assert.equal(member.team, team, "the team is in the identity map now: no SQL, so no raise");
  }).length, 0);
});

test("a lazy load of a collection counts the children whose key, in memory, is the parent's (as selectinload does)", () => {
  const m = blog();
  const s = m.Session();
  s.add(new m.User({ name: "ann", posts: [new m.Post({ title: "a1" }), new m.Post({ title: "a2" })] }));
  s.add(new m.User({ name: "bob" }));
  s.commit();
  const [ann, bob] = s.scalars(select(m.User).orderBy(m.User.id)).all() as [any, any];
  const a2 = s.scalars(select(m.Post).where(m.Post.title.eq("a2"))).one();
  s.noAutoflush(() => {
    a2.user_id = bob.id; // not flushed: the row still says ann
    assert.deepEqual(ann.posts.map((p: any) => p.title), ["a1"], "lazy load (one parent)");
  });
  s.rollback();
  s.noAutoflush(() => {
    const posts = s.scalars(select(m.Post).where(m.Post.title.eq("a2"))).one();
    posts.user_id = bob.id;
    const users = s.scalars(select(m.User).orderBy(m.User.id).options(selectinload(m.User.posts))).all() as any[];
    assert.deepEqual(users[0].posts.map((p: any) => p.title), ["a1"], "selectinload (many parents) agrees");
  });
});
