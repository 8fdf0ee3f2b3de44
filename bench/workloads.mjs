// The workloads of the performance issue, each as a raw better-sqlite3 version and an orm-core version
// doing the same work. Each returns a checksum so a fast wrong answer fails the run.
import Database from "better-sqlite3";
import * as orm from "orm-core";

const { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select, selectinload } = orm;

export const SIZES = { users: 20000, gets: 5000, queries: 2000, parents: 2000, postsPer: 10, cascadeParents: 1000, childrenPer: 10 };

function model() {
  const Base = declarativeBase();
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50), { nullable: false }),
    email: Column(String(100)),
    age: Column(Integer),
    posts: relationship("Post", { backPopulates: "author" }),
  }) {}
  mapped(User);
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(100)),
    user_id: Column(Integer, ForeignKey("users.id")),
    author: relationship("User", { backPopulates: "posts" }),
  }) {}
  mapped(Post);
  class Parent extends Base.model("parents", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50)),
    children: relationship("Child", { cascade: "all, delete-orphan", backPopulates: "parent" }),
  }) {}
  mapped(Parent);
  class Child extends Base.model("children", {
    id: Column(Integer, { primaryKey: true }),
    parent_id: Column(Integer, ForeignKey("parents.id"), { nullable: false }),
    name: Column(String(50)),
    parent: relationship("Parent", { backPopulates: "children" }),
  }) {}
  mapped(Child);
  return { Base, User, Post, Parent, Child };
}

const DDL = `
CREATE TABLE users (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER, PRIMARY KEY (id));
CREATE TABLE posts (id INTEGER NOT NULL, title VARCHAR(100), user_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id));
CREATE INDEX ix_posts_user ON posts (user_id);
CREATE TABLE parents (id INTEGER NOT NULL, name VARCHAR(50), PRIMARY KEY (id));
CREATE TABLE children (id INTEGER NOT NULL, parent_id INTEGER NOT NULL, name VARCHAR(50), PRIMARY KEY (id), FOREIGN KEY(parent_id) REFERENCES parents (id));
CREATE INDEX ix_children_parent ON children (parent_id);`;

/** A fresh database file with the schema, optionally seeded. */
export function prepare(file, seed) {
  const db = new Database(file);
  db.pragma("foreign_keys = ON");
  db.exec(DDL);
  const n = SIZES.users;
  const insU = db.prepare("INSERT INTO users (id, name, email, age) VALUES (?, ?, ?, ?)");
  const insP = db.prepare("INSERT INTO posts (title, user_id) VALUES (?, ?)");
  const insPar = db.prepare("INSERT INTO parents (id, name) VALUES (?, ?)");
  const insC = db.prepare("INSERT INTO children (parent_id, name) VALUES (?, ?)");
  db.transaction(() => {
    if (seed.includes("users")) for (let i = 1; i <= n; i++) insU.run(i, `user${i}`, `u${i}@x.org`, 18 + (i % 60));
    if (seed.includes("posts")) for (let i = 1; i <= SIZES.parents; i++) for (let j = 0; j < SIZES.postsPer; j++) insP.run(`post ${i}.${j}`, i);
    if (seed.includes("parents")) for (let i = 1; i <= SIZES.cascadeParents; i++) { insPar.run(i, `p${i}`); for (let j = 0; j < SIZES.childrenPer; j++) insC.run(i, `c${i}.${j}`); }
  })();
  db.close();
}

function ormSession(file) {
  const m = model();
  const engine = createEngine(`sqlite:///${file}`);
  return { ...m, engine, Session: sessionmaker({ bind: engine }) };
}

export const workloads = {
  W1: {
    title: "insert 20,000 objects, one commit", seed: [],
    raw(file) {
      const db = new Database(file); db.pragma("foreign_keys = ON");
      const ins = db.prepare("INSERT INTO users (name, email, age) VALUES (?, ?, ?)");
      db.transaction(() => { for (let i = 0; i < SIZES.users; i++) ins.run(`user${i}`, `u${i}@x.org`, i % 60); })();
      const c = db.prepare("SELECT count(*) c FROM users").get().c; db.close(); return c;
    },
    orm(file) {
      const { User, Session, engine } = ormSession(file);
      const s = Session();
      for (let i = 0; i < SIZES.users; i++) s.add(new User({ name: `user${i}`, email: `u${i}@x.org`, age: i % 60 }));
      s.commit();
      const c = s.scalar(select(orm.func.count()).selectFrom(User)); s.close(); engine.dispose(); return c;
    },
  },
  W2: {
    title: "5,000 get-by-primary-key, each in a fresh session", seed: ["users"],
    raw(file) {
      const db = new Database(file); db.pragma("foreign_keys = ON");
      const q = db.prepare("SELECT id, name, email, age FROM users WHERE id = ?");
      let sum = 0;
      for (let i = 1; i <= SIZES.gets; i++) { db.exec("BEGIN"); const r = q.get(i); sum += r.age; db.exec("ROLLBACK"); }
      db.close(); return sum;
    },
    orm(file) {
      const { User, Session, engine } = ormSession(file);
      let sum = 0;
      for (let i = 1; i <= SIZES.gets; i++) { const s = Session(); sum += s.get(User, i).age; s.close(); }
      engine.dispose(); return sum;
    },
  },
  W3: {
    title: "load 20,000 objects", seed: ["users"],
    raw(file) {
      const db = new Database(file);
      const rows = db.prepare("SELECT id, name, email, age FROM users").all();
      let sum = 0; for (const r of rows) sum += r.age; db.close(); return sum;
    },
    orm(file) {
      const { User, Session, engine } = ormSession(file);
      const s = Session(); let sum = 0;
      for (const u of s.scalars(select(User)).all()) sum += u.age;
      s.close(); engine.dispose(); return sum;
    },
  },
  W4: {
    title: "2,000 filtered queries (scan-bound)", seed: ["users"],
    raw(file) {
      const db = new Database(file);
      const q = db.prepare("SELECT id, name, email, age FROM users WHERE email LIKE ? AND age > ?");
      let n = 0; for (let i = 0; i < SIZES.queries; i++) n += q.all(`%${i % 10}7@x.org`, 50).length; db.close(); return n;
    },
    orm(file) {
      const { User, Session, engine } = ormSession(file);
      const s = Session(); let n = 0;
      for (let i = 0; i < SIZES.queries; i++) n += s.scalars(select(User).where(User.email.like(`%${i % 10}7@x.org`), User.age.gt(50))).all().length;
      s.close(); engine.dispose(); return n;
    },
  },
  W5: {
    title: "load 20,000, change one attribute each, commit", seed: ["users"],
    raw(file) {
      const db = new Database(file); db.pragma("foreign_keys = ON");
      const rows = db.prepare("SELECT id, name, email, age FROM users").all();
      const up = db.prepare("UPDATE users SET age=? WHERE id = ?");
      db.transaction(() => { for (const r of rows) up.run(r.age + 1, r.id); })();
      const c = db.prepare("SELECT sum(age) s FROM users").get().s; db.close(); return c;
    },
    orm(file) {
      const { User, Session, engine } = ormSession(file);
      const s = Session();
      for (const u of s.scalars(select(User)).all()) u.age = u.age + 1;
      s.commit();
      const c = s.scalar(select(orm.func.sum(User.age))); s.close(); engine.dispose(); return c;
    },
  },
  W6: {
    title: "2,000 users x 10 posts with selectinload", seed: ["users", "posts"],
    raw(file) {
      const db = new Database(file);
      const users = db.prepare("SELECT id, name, email, age FROM users WHERE id <= ?").all(SIZES.parents);
      const byUser = new Map(users.map((u) => [u.id, (u.posts = [], u)]));
      const ids = users.map((u) => u.id);
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        for (const p of db.prepare(`SELECT id, title, user_id FROM posts WHERE user_id IN (${chunk.map(() => "?").join(", ")})`).all(...chunk)) byUser.get(p.user_id).posts.push(p);
      }
      let n = 0; for (const u of users) n += u.posts.length; db.close(); return n;
    },
    orm(file) {
      const { User, Session, engine } = ormSession(file);
      const s = Session(); let n = 0;
      for (const u of s.scalars(select(User).where(User.id.le(SIZES.parents)).options(selectinload(User.posts))).all()) n += u.posts.length;
      s.close(); engine.dispose(); return n;
    },
  },
  W6b: {
    title: "the same through lazy loading (1 + N)", seed: ["users", "posts"],
    raw(file) {
      const db = new Database(file);
      const users = db.prepare("SELECT id, name, email, age FROM users WHERE id <= ?").all(SIZES.parents);
      const q = db.prepare("SELECT id, title, user_id FROM posts WHERE ? = user_id");
      let n = 0; for (const u of users) n += q.all(u.id).length; db.close(); return n;
    },
    orm(file) {
      const { User, Session, engine } = ormSession(file);
      const s = Session(); let n = 0;
      for (const u of s.scalars(select(User).where(User.id.le(SIZES.parents))).all()) n += u.posts.length;
      s.close(); engine.dispose(); return n;
    },
  },
  W7: {
    title: "delete 1,000 parents with cascade to 10 children each", seed: ["parents"],
    raw(file) {
      const db = new Database(file); db.pragma("foreign_keys = ON");
      const ids = db.prepare("SELECT id FROM parents").all().map((r) => r.id);
      const delC = db.prepare("DELETE FROM children WHERE parent_id = ?");
      const delP = db.prepare("DELETE FROM parents WHERE id = ?");
      db.transaction(() => { for (const id of ids) { delC.run(id); delP.run(id); } })();
      const c = db.prepare("SELECT (SELECT count(*) FROM parents) + (SELECT count(*) FROM children) c").get().c; db.close(); return c;
    },
    orm(file) {
      const { Parent, Child, Session, engine } = ormSession(file);
      const s = Session();
      for (const p of s.scalars(select(Parent)).all()) s.delete(p);
      s.commit();
      const c = s.scalar(select(orm.func.count()).selectFrom(Parent)) + s.scalar(select(orm.func.count()).selectFrom(Child));
      s.close(); engine.dispose(); return c;
    },
  },
};
