/**
 * The query runner on its own: a real child process, a real SQLite file,
 * the user's module compiled from TypeScript; timeouts kill runaway code;
 * a bad module gives a clear error.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { runQuery } from "../src/features/query-lens/runner-client";
import type { RunRequest } from "../src/features/query-lens/runner/protocol";

const repo = path.resolve(__dirname, "..", "..", "..", "..");
const childScript = path.join(__dirname, "..", "src", "features", "query-lens", "runner", "child.js");
const opts = { nodePath: process.execPath, childScript, timeoutMs: 15_000, nodePathDirs: [path.join(repo, "node_modules")] };

const MODELS = `import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, select, update, selectinload } from "orm-core";
export const Base = declarativeBase();
@mapped export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  age: Column(Integer),
  posts: relationship<Post[]>("Post", { backPopulates: "author" }),
}) {}
@mapped export class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100)),
  user_id: Column(Integer, ForeignKey("users.id")),
  author: relationship<User>("User", { backPopulates: "posts" }),
}) {}
const label = "older than";
console.log("module loaded");
`;

function workspace(extra = ""): { dir: string; file: string; req: (expression: string, mode?: RunRequest["mode"]) => RunRequest } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-"));
  const file = path.join(dir, "models.ts");
  fs.writeFileSync(file, MODELS + extra);
  return { dir, file, req: (expression, mode = "run") => ({ mode, file, expression, databaseUrl: "sqlite:///app.db", cwd: dir, maxRows: 1000 }) };
}

test("a missing database is reported; createAll makes it; select / update / preview run against the file", async () => {
  const w = workspace();
  try {
    const missing = await runQuery(w.req("select(User)"), opts);
    assert.equal(missing.ok, false);
    assert.equal(!missing.ok && missing.reason, "missing-database");
    const created = await runQuery(w.req("select(User)", "createAll"), opts);
    assert.ok(created.ok, JSON.stringify(created));
    assert.deepEqual(created.rows, [["users"], ["posts"]]);
    execFileSync(process.execPath, ["-e", `const D=require("better-sqlite3");const d=new D(${JSON.stringify(path.join(w.dir, "app.db"))});d.exec("INSERT INTO users (name, age) VALUES ('Alice', 30), ('Bob', 25); INSERT INTO posts (title, user_id) VALUES ('a',1),('b',1),('c',2)")`], { env: { ...process.env, NODE_PATH: path.join(repo, "node_modules") } });

    const sel = await runQuery(w.req('select(User).where(User.age.gt(26)).options(selectinload(User.posts))'), opts);
    assert.ok(sel.ok, JSON.stringify(sel));
    assert.deepEqual(sel.columns, ["id", "name", "age"]);
    assert.deepEqual(sel.rows, [[1, "Alice", 30]]);
    assert.equal(sel.sql, "SELECT users.id, users.name, users.age \nFROM users \nWHERE users.age > ?");
    assert.deepEqual(sel.params, [26]);
    assert.equal(sel.statements.length, 2, "the query and the selectin load");
    const cols = await runQuery(w.req("select(User.name, Post.title).join(User.posts).orderBy(Post.title)"), opts);
    assert.ok(cols.ok);
    assert.deepEqual(cols.rows, [["Alice", "a"], ["Alice", "b"], ["Bob", "c"]]);

    const preview = await runQuery(w.req('update(User).where(User.name.eq("Bob")).values({ age: 99 })', "preview"), opts);
    assert.ok(preview.ok);
    assert.equal(preview.rowcount, 1);
    const after = await runQuery(w.req('select(User.age).where(User.name.eq("Bob"))'), opts);
    assert.deepEqual(after.ok && after.rows, [[25]], "preview rolled back");
    const write = await runQuery(w.req('update(User).where(User.name.eq("Bob")).values({ age: 26 })'), opts);
    assert.ok(write.ok);
    const after2 = await runQuery(w.req('select(User.age).where(User.name.eq("Bob"))'), opts);
    assert.deepEqual(after2.ok && after2.rows, [[26]]);
    const sql = await runQuery(w.req("select(User).limit(5)", "sql"), opts);
    assert.ok(sql.ok && sql.sql.endsWith("LIMIT ?") && sql.params[0] === 5);
    const intro = await runQuery({ mode: "introspect", databaseUrl: "sqlite:///app.db", cwd: w.dir, maxRows: 10 }, opts);
    assert.ok(intro.ok && intro.tables!.map((t) => t.name).join() === "posts,users");
  } finally {
    fs.rmSync(w.dir, { recursive: true, force: true });
  }
});

test("a module that loops forever is killed at the timeout", async () => {
  const w = workspace("while (true) {}\n");
  try {
    const t0 = Date.now();
    const res = await runQuery(w.req("select(User)"), { ...opts, timeoutMs: 1500 });
    assert.equal(!res.ok && res.reason, "timeout");
    assert.ok(Date.now() - t0 < 5000);
    assert.match(!res.ok ? res.message : "", /ormCore.queryTimeoutMs/);
    const left = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((l) => l.includes(childScript));
    assert.deepEqual(left, [], "no child process left");
  } finally {
    fs.rmSync(w.dir, { recursive: true, force: true });
  }
});

test("a broken module, a non-statement and a database error come back as clear errors", async () => {
  const w = workspace('throw new Error("models failed to load: bad config");\n');
  try {
    const res = await runQuery(w.req("select(User)"), opts);
    assert.deepEqual(!res.ok && [res.reason, res.message], ["error", "models failed to load: bad config"]);
  } finally { fs.rmSync(w.dir, { recursive: true, force: true }); }
  const w2 = workspace();
  try {
    const notStmt = await runQuery(w2.req("label"), opts);
    assert.match(!notStmt.ok ? notStmt.message : "", /not an orm-core statement/);
    fs.writeFileSync(path.join(w2.dir, "app.db"), "");
    const dbErr = await runQuery(w2.req("select(User)"), opts);
    assert.equal(!dbErr.ok && dbErr.name, "OperationalError");
    assert.match(!dbErr.ok ? dbErr.statement ?? "" : "", /^SELECT users.id/);
  } finally { fs.rmSync(w2.dir, { recursive: true, force: true }); }
});

test("a malformed database file and a locked database give clear errors", async () => {
  const w = workspace();
  try {
    fs.writeFileSync(path.join(w.dir, "app.db"), "this is not a database, just text that looks like one ".repeat(50));
    const bad = await runQuery(w.req("select(User)"), opts);
    assert.equal(!bad.ok && bad.name, "OperationalError");
    assert.match(!bad.ok ? bad.message : "", /file is not a database/);
    fs.rmSync(path.join(w.dir, "app.db"));
    assert.ok((await runQuery(w.req("select(User)", "createAll"), opts)).ok);
    // Another process holds the write lock: the write waits for the busy timeout, then fails plainly.
    const holder = require("node:child_process").spawn(process.execPath, ["-e", `const D=require("better-sqlite3");const d=new D(${JSON.stringify(path.join(w.dir, "app.db"))});d.exec("BEGIN IMMEDIATE");console.log("locked");setTimeout(()=>process.exit(0),4000)`], { env: { ...process.env, NODE_PATH: path.join(repo, "node_modules") }, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((r) => holder.stdout.on("data", () => r()));
    const t0 = Date.now();
    const locked = await runQuery({ ...w.req('update(User).values({ age: 1 })'), busyTimeoutMs: 400 }, opts);
    assert.equal(!locked.ok && locked.name, "OperationalError");
    assert.match(!locked.ok ? locked.message : "", /database is locked/);
    assert.ok(Date.now() - t0 < 4000, "failed at the busy timeout, before the lock was released");
    holder.kill();
  } finally {
    fs.rmSync(w.dir, { recursive: true, force: true });
  }
});
