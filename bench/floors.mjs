// The "floor" of W1, W3 and W6: the least a session with an identity map does for each, written
// inline (an instance per row holding its values under a symbol, an identity map as an array,
// multi-row INSERTs with keys from lastrowid, expiry on commit; no mapping layer, no checks, no
// classes to configure). Not a product: `node bench/floor.mjs` sets it between raw better-sqlite3
// and orm-core, to show how much of a ratio is the model itself and how much is orm-core.
import Database from "better-sqlite3";
import { SIZES } from "./workloads.mjs";

const STATE = Symbol("state"), SESSION = Symbol("session");

export const floors = {
  W1(file) {
    const db = new Database(file); db.pragma("foreign_keys = ON");
    function Dict() {} Dict.prototype = Object.create(null);
    class State { constructor(obj, dict) { this.obj = obj; this.dict = dict; this.key = undefined; this.expired = false; } }
    class User {
      constructor(init) { const d = new Dict(); d.name = init.name; d.email = init.email; d.age = init.age; this[STATE] = new State(this, d); }
    }
    const pending = new Set(), identity = [];
    for (let i = 0; i < SIZES.users; i++) pending.add(new User({ name: `user${i}`, email: `u${i}@x.org`, age: i % 60 })[STATE]);
    db.exec("BEGIN");
    const rows = [...pending], N = 100;
    const insert = db.prepare(`INSERT INTO users (name, email, age) VALUES ${Array.from({ length: N }, () => "(?, ?, ?)").join(", ")}`);
    for (let i = 0; i < rows.length; i += N) { // SIZES.users is a multiple of N
      const params = [];
      for (let j = i; j < i + N; j++) { const d = rows[j].dict; params.push(d.name, d.email, d.age); }
      const first = Number(insert.run(params).lastInsertRowid) - N + 1;
      for (let j = i; j < i + N; j++) { const st = rows[j]; st.dict.id = st.key = first + j - i; identity[st.key] = st.obj; }
    }
    pending.clear();
    db.exec("COMMIT");
    for (const obj of identity) if (obj) { const st = obj[STATE]; st.dict = new Dict(); st.expired = true; }
    const c = db.prepare("SELECT count(*) c FROM users").get().c; db.close(); return c;
  },
  W3(file) {
    const db = new Database(file);
    class User { get age() { return this[STATE].age; } }
    function Loaded(dict, session) { this[STATE] = dict; this[SESSION] = session; }
    Loaded.prototype = User.prototype;
    const session = {}, identity = [];
    const rows = db.prepare("SELECT users.id, users.name, users.email, users.age FROM users").all();
    for (let i = 0; i < rows.length; i++) {
      const id = rows[i].id;
      rows[i] = identity[id] ??= new Loaded(rows[i], session);
    }
    let sum = 0; for (const u of rows) sum += u.age; db.close(); return sum;
  },
  W6(file) {
    const db = new Database(file);
    class User { get posts() { return this[STATE].posts; } }
    class Post {}
    function LoadedUser(dict, session) { this[STATE] = dict; this[SESSION] = session; }
    LoadedUser.prototype = User.prototype;
    function LoadedPost(dict, session) { this[STATE] = dict; this[SESSION] = session; }
    LoadedPost.prototype = Post.prototype;
    const session = {}, users = [], posts = [];
    const rows = db.prepare("SELECT users.id, users.name, users.email, users.age FROM users WHERE users.id <= ?").all(SIZES.parents);
    for (let i = 0; i < rows.length; i++) rows[i] = users[rows[i].id] ??= new LoadedUser(rows[i], session);
    const ids = rows.map((u) => u[STATE].id);
    const groups = new Map(ids.map((id) => [id, []]));
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const children = db.prepare(`SELECT posts.id, posts.title, posts.user_id FROM posts WHERE posts.user_id IN (${chunk.map(() => "?").join(", ")})`).all(chunk);
      for (const row of children) groups.get(row.user_id).push(posts[row.id] ??= new LoadedPost(row, session));
    }
    for (const u of rows) u[STATE].posts = groups.get(u[STATE].id);
    let n = 0; for (const u of rows) n += u.posts.length; db.close(); return n;
  },
};
