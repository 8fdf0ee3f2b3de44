// Mirrors SQLAlchemy's InstanceEvents (load, refresh, init, expire), collection AttributeEvents
// (append / remove, with retval) and the session lifecycle events (after_attach,
// pending_to_persistent, persistent_to_deleted, after_bulk_update / after_bulk_delete) of
// test/orm/test_events.py: each fires exactly where SQLAlchemy's does, with its arguments.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select, update, deleteFrom,
  event, selectinload,
} from "../../src/index";

function model() {
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
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const s = Session();
  s.addAll([new User({ name: "alice", posts: [new Post({ title: "p1" }), new Post({ title: "p2" })] }), new User({ name: "bob" })]);
  s.commit();
  s.close();
  return { User, Post, engine, Session };
}

test("load fires once per object a query creates, with the loaded values; not for identity-map hits", () => {
  const m = model();
  const log: string[] = [];
  event.listen(m.User, "load", (target, context) => { log.push(`load ${target.name}`); assert.ok(context.session); });
  const s = m.Session();
  s.scalars(select(m.User).orderBy(m.User.id)).all();
  assert.deepEqual(log, ["load alice", "load bob"]);
  s.scalars(select(m.User).orderBy(m.User.id)).all();
  s.get(m.User, 1);
  assert.deepEqual(log, ["load alice", "load bob"], "objects already in the identity map are not loaded again");
  m.Session().get(m.User, 2);
  assert.deepEqual(log, ["load alice", "load bob", "load bob"], "a new session makes new objects");
});

test("a load listener that empties the session: the query's later objects still join the session", () => {
  const m = model();
  const s = m.Session();
  let cleared = false;
  event.listen(m.User, "load", () => { if (!cleared) { cleared = true; s.expungeAll(); } });
  const [alice, bob] = s.scalars(select(m.User).orderBy(m.User.id)).all();
  assert.equal(s.contains(alice!), false, "expunged by the listener");
  assert.equal(s.contains(bob!), true);
  assert.equal(s.get(m.User, bob!.id), bob, "the identity map holds it");
});

test("load fires for objects made by lazy and selectin loads, and only for the listened class", () => {
  const m = model();
  const users: string[] = [];
  const posts: string[] = [];
  event.listen(m.User, "load", (t) => users.push(t.name));
  event.listen(m.Post, "load", (t) => posts.push(t.title));
  const s = m.Session();
  const [alice] = s.scalars(select(m.User).where(m.User.name.eq("alice"))).all();
  assert.deepEqual(posts, []);
  void alice!.posts;
  assert.deepEqual(posts.sort(), ["p1", "p2"]);
  const s2 = m.Session();
  s2.scalars(select(m.Post).options(selectinload(m.Post.author))).all();
  assert.deepEqual(users, ["alice", "alice"]);
});

test("refresh fires when expired attributes reload (with their names), or for session.refresh / populateExisting (null); not load", () => {
  const m = model();
  const log: string[] = [];
  event.listen(m.User, "load", (t) => log.push(`load ${t.name}`));
  event.listen(m.User, "refresh", (t, _ctx, attrs) => log.push(`refresh ${JSON.stringify(attrs)}`));
  const s = m.Session();
  const u = s.get(m.User, 1)!;
  log.length = 0;
  s.expire(u, ["name"]);
  assert.equal(u.name, "alice");
  assert.deepEqual(log, ['refresh ["name"]']);
  s.refresh(u);
  assert.deepEqual(log, ['refresh ["name"]', "refresh null"]);
  s.scalars(select(m.User).where(m.User.id.eq(1)).executionOptions({ populateExisting: true })).all();
  assert.deepEqual(log, ['refresh ["name"]', "refresh null", "refresh null"]);
  s.expire(u, ["name"]);
  s.scalars(select(m.User).where(m.User.id.eq(1))).all();
  assert.deepEqual(log.slice(3), ['refresh ["name"]'], "a query row fills the expired attribute of the identity-map object");
  s.scalars(select(m.User).where(m.User.id.eq(1))).all();
  assert.equal(log.length, 4, "nothing expired: no refresh");
});

test("init fires on new X({...}) before the values are set, and may change them", () => {
  const m = model();
  const log: string[] = [];
  event.listen(m.User, "init", (target, kwargs) => {
    log.push(`init ${JSON.stringify(kwargs)} name-set=${target.name !== null}`);
    kwargs.name = `${kwargs.name ?? "anon"}!`;
  });
  const u = new m.User({ name: "carol" });
  const v = new m.User();
  assert.deepEqual(log, ['init {"name":"carol"} name-set=false', "init {} name-set=false"]);
  assert.equal(u.name, "carol!");
  assert.equal(v.name, "anon!");
  m.Session().get(m.User, 1);
  assert.equal(log.length, 2, "loading builds objects without init");
});

test("expire fires with the attribute names, or null for all (expire, expireAll, commit)", () => {
  const m = model();
  const log: string[] = [];
  event.listen(m.User, "expire", (t, attrs) => log.push(`${t === u ? "u" : "other"} ${JSON.stringify(attrs)}`));
  const s = m.Session();
  const u = s.get(m.User, 1)!;
  s.expire(u, ["name"]);
  s.expire(u);
  assert.deepEqual(log, ['u ["name"]', "u null"]);
  log.length = 0;
  s.get(m.User, 2);
  s.commit();
  assert.deepEqual(log.sort(), ["other null", "u null"]);
});

test("append / remove fire for user changes and on the backref side, not for loading", () => {
  const m = model();
  const log: string[] = [];
  event.listen(m.User.posts, "append", (target, value, initiator) => { log.push(`append ${target.name}<-${value.title} backref=${initiator.backref}`); });
  event.listen(m.User.posts, "remove", (target, value) => { log.push(`remove ${target.name}-${value.title}`); });
  const s = m.Session();
  const [alice, bob] = s.scalars(select(m.User).orderBy(m.User.id)).all();
  assert.equal(alice!.posts.length, 2);
  assert.deepEqual(log, [], "loading the collection fires nothing");
  const p3 = new m.Post({ title: "p3" });
  alice!.posts.push(p3);
  assert.deepEqual(log, ["append alice<-p3 backref=false"]);
  p3.author = bob!; // backref: out of alice's collection, into bob's (unloaded)
  assert.deepEqual(log.slice(1), ["remove alice-p3", "append bob<-p3 backref=true"]);
  s.flush();
  assert.deepEqual(bob!.posts.map((p) => p.title), ["p3"]);
  assert.equal(log.length, 3);
});

test("append with retval: the listener's return value is appended instead", () => {
  const m = model();
  const s = m.Session();
  const alice = s.get(m.User, 1)!;
  event.listen(m.User.posts, "append", (_t, value) => (value.title === "draft" ? new m.Post({ title: "replaced" }) : value), { retval: true });
  alice.posts.push(new m.Post({ title: "draft" }));
  assert.deepEqual(alice.posts.map((p) => p.title), ["p1", "p2", "replaced"]);
  s.commit();
  assert.deepEqual(m.Session().scalars(select(m.Post.title).orderBy(m.Post.id)).all(), ["p1", "p2", "replaced"]);
  assert.throws(() => event.listen(m.User.name as never, "append", () => undefined), /relationship collections/);
});

test("after_attach fires for add and for objects the save-update cascade brings in", () => {
  const m = model();
  const s = m.Session();
  const log: string[] = [];
  event.listen(s, "after_attach", (session, instance) => { assert.equal(session, s); log.push(instance.name ?? instance.title); });
  const u = new m.User({ name: "dave", posts: [new m.Post({ title: "d1" })] });
  s.add(u);
  assert.deepEqual(log, ["dave", "d1"]);
  s.add(u);
  u.posts.push(new m.Post({ title: "d2" }));
  assert.deepEqual(log, ["dave", "d1", "d2"], "already attached: no second event; the cascade attaches d2");
  s.get(m.User, 1);
  assert.equal(log.length, 3, "loading does not attach");
});

test("pending_to_persistent and persistent_to_deleted fire at the flush", () => {
  const m = model();
  const s = m.Session();
  const log: string[] = [];
  event.listen(s, "pending_to_persistent", (_s, obj) => log.push(`persistent ${obj.name} id=${obj.id}`));
  event.listen(s, "persistent_to_deleted", (_s, obj) => log.push(`deleted ${obj.name}`));
  s.add(new m.User({ name: "erin" }));
  assert.deepEqual(log, []);
  s.flush();
  assert.deepEqual(log, ["persistent erin id=3"]);
  s.delete(s.get(m.User, 2)!);
  s.flush();
  assert.deepEqual(log, ["persistent erin id=3", "deleted bob"]);
});

test("after_bulk_update / after_bulk_delete fire after ORM update / delete with criteria, with the result", () => {
  const m = model();
  const s = m.Session();
  const log: string[] = [];
  event.listen(s, "after_bulk_update", (ctx) => { assert.equal(ctx.session, s); log.push(`update rows=${ctx.result.rowcount}`); });
  event.listen(s, "after_bulk_delete", (ctx) => { log.push(`delete rows=${ctx.result.rowcount} ${ctx.statement ? "stmt" : ""}`); });
  s.execute(update(m.Post).where(m.Post.user_id.eq(1)).values({ title: "x" }));
  s.execute(deleteFrom(m.Post).where(m.Post.title.eq("x")), undefined, { synchronizeSession: "fetch" });
  s.execute(update(m.User), [{ id: 1, name: "al" }]);
  assert.deepEqual(log, ["update rows=2", "delete rows=2 stmt"], "bulk update by primary key is not a criteria update");
});

test("remove() and once: listeners stop firing; no listeners means plain loading", () => {
  const m = model();
  let n = 0;
  const fn = () => { n++; };
  event.listen(m.User, "load", fn);
  m.Session().scalars(select(m.User)).all();
  assert.equal(n, 2);
  event.remove(m.User, "load", fn);
  m.Session().scalars(select(m.User)).all();
  assert.equal(n, 2);
  event.listen(m.User, "load", fn, { once: true });
  m.Session().scalars(select(m.User)).all();
  assert.equal(n, 3);
  m.Session().scalars(select(m.User)).all();
  assert.equal(n, 3);
});
