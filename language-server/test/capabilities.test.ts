/** Each capability called directly on source with a cursor marker `|`. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { completion } from "../src/capabilities/completion/index";
import { hover } from "../src/capabilities/hover";
import { definition } from "../src/capabilities/definition";
import { codeActions } from "../src/capabilities/code-actions";
import { diagnostics } from "../src/capabilities/diagnostics";
import { prepareRename, rename } from "../src/capabilities/rename";
import { schema, statements } from "../src/capabilities/schema";
import { fromSource } from "./support/fixtures";

const MODEL = `import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, Table, select, selectinload, event } from "orm-core";
export const Base = declarativeBase();
const postTags = Table("post_tags", Base.metadata,
  Column("post_id", Integer, ForeignKey("posts.id"), { primaryKey: true }),
  Column("tag_id", Integer, ForeignKey("tags.id"), { primaryKey: true }));
@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  posts: relationship<Post[]>("Post", { backPopulates: "author", cascade: "all, delete-orphan", orderBy: "title desc" }),
}) {}
@mapped
export class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100)),
  user_id: Column(Integer, ForeignKey("users.id")),
  author: relationship<User>("User", { backPopulates: "posts" }),
  tags: relationship<Tag[]>("Tag", { secondary: postTags }),
}) {}
@mapped
export class Tag extends Base.model("tags", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(30)),
}) {}
`;

/** Puts the cursor marker after the n-th occurrence of `anchor`. */
function at(anchor: string, source = MODEL, extra = 0): ReturnType<typeof fromSource> {
  const i = source.indexOf(anchor);
  assert.ok(i >= 0, `anchor ${anchor} not found`);
  const pos = i + anchor.length + extra;
  return fromSource(source.slice(0, pos) + "|" + source.slice(pos));
}
function complete(src: string): string[] {
  const { ws, uri, offset } = fromSource(src);
  return completion(ws.analysis(), ws.document(uri)!, offset).map((i) => i.label);
}
const edit = (s: string, from: string, to: string) => { assert.ok(s.includes(from), from); return s.replace(from, to); };

test("completion: relationship(\"|\") lists the mapped classes", () => {
  assert.deepEqual(complete(edit(MODEL, 'relationship<User>("User"', 'relationship<User>("|"')), ["User", "Post", "Tag"]);
  const { ws, uri, offset } = fromSource(edit(MODEL, 'relationship<User>("User"', 'relationship<User>("Us|"'));
  const items = completion(ws.analysis(), ws.document(uri)!, offset);
  const doc = ws.document(uri)!;
  const e = items[0]!.textEdit as { range: { start: unknown; end: unknown } };
  assert.equal(doc.getText().slice(doc.offsetAt(e.range.start as never), doc.offsetAt(e.range.end as never)), "Us", "the typed prefix is replaced");
});

test("completion: backPopulates lists the target's relationships pointing back, and the missing name", () => {
  assert.deepEqual(complete(edit(MODEL, 'backPopulates: "author"', 'backPopulates: "|"')), ["author"]);
  assert.deepEqual(complete(edit(MODEL, '{ secondary: postTags }', '{ secondary: postTags, backPopulates: "|" }')), ["posts"]);
});

test("completion: ForeignKey(\"|\") lists table.column, narrowing after the table", () => {
  const all = complete(edit(MODEL, 'ForeignKey("users.id")', 'ForeignKey("|")'));
  assert.ok(all.includes("users.id") && all.includes("posts.title") && all.includes("post_tags.tag_id"), all.join());
  assert.deepEqual(complete(edit(MODEL, 'ForeignKey("users.id")', 'ForeignKey("users.|")')), ["users.id", "users.name"]);
});

test("completion: secondary, cascade (comma-aware), orderBy, remoteSide, lazy, event names", () => {
  assert.deepEqual(complete(edit(MODEL, "{ secondary: postTags }", '{ secondary: "|" }')), ["post_tags"]);
  const cascade = complete(edit(MODEL, 'cascade: "all, delete-orphan"', 'cascade: "all, del|"'));
  assert.ok(cascade.includes("delete") && cascade.includes("delete-orphan") && !cascade.includes("all"), cascade.join());
  assert.deepEqual(complete(edit(MODEL, 'orderBy: "title desc"', 'orderBy: "|"')), ["id", "id desc", "title", "title desc", "user_id", "user_id desc"]);
  assert.deepEqual(complete(edit(MODEL, '{ secondary: postTags }', '{ secondary: postTags, remoteSide: ["|"] }')), ["id", "title", "user_id"]);
  assert.deepEqual(complete(edit(MODEL, '{ secondary: postTags }', '{ secondary: postTags, lazy: "|" }')), ["select", "joined", "selectin", "raise", "raise_on_sql", "noload", "write_only", "dynamic", "subquery", "immediate"]);
  const events = complete(MODEL + 'event.listen(User, "|");\n');
  assert.deepEqual(events, ["before_insert", "after_insert", "before_update", "after_update", "before_delete", "after_delete", "load", "refresh", "init", "expire"]);
  assert.ok(complete(MODEL + 'event.listen(Session, "|");\n').includes("after_commit"));
});

test("hover: a model shows its DDL; a relationship its direction, join, cascade and other side", () => {
  let { ws, uri, offset } = at("export class Us");
  let h = hover(ws.analysis(), ws.document(uri)!, offset)!;
  assert.match((h.contents as { value: string }).value, /CREATE TABLE users \(\n\tid INTEGER NOT NULL, \n\tname VARCHAR\(50\), \n\tPRIMARY KEY \(id\)\n\)/);
  ({ ws, uri, offset } = at("  pos"));
  h = hover(ws.analysis(), ws.document(uri)!, offset)!;
  const v = (h.contents as { value: string }).value;
  assert.match(v, /one-to-many \(ONETOMANY\)/);
  assert.match(v, /join: `users.id = posts.user_id`/);
  assert.match(v, /cascade: save-update, merge, expunge, delete, delete-orphan, refresh-expire/);
  assert.match(v, /other side: Post.author/);
  ({ ws, uri, offset } = at("  ta"));
  assert.match((hover(ws.analysis(), ws.document(uri)!, offset)!.contents as { value: string }).value, /many-to-many.*\n.*through `post_tags`/);
});

test("definition: from \"Post\", \"users.id\" and backPopulates: \"author\"", () => {
  const go = (anchor: string) => {
    const { ws, uri, offset } = at(anchor);
    const [loc] = definition(ws.analysis(), uri, offset, (u) => ws.document(u));
    const doc = ws.document(uri)!;
    return doc.getText().slice(doc.offsetAt(loc!.range.start), doc.offsetAt(loc!.range.end));
  };
  assert.equal(go('relationship<Post[]>("Po'), "Post");
  assert.equal(go('ForeignKey("users.i'), "id");
  assert.equal(go('backPopulates: "aut'), "author");
});

test("code actions: did-you-mean, add backPopulates on the other side, add the foreign-key column, add @mapped", () => {
  const apply = (src: string, code: string, title: RegExp) => {
    const { ws, uri } = fromSource(src);
    const doc = ws.document(uri)!;
    const diags = diagnostics(ws.analysis(), doc).filter((d) => d.code === code);
    assert.ok(diags.length, `no ${code} diagnostic`);
    const actions = codeActions(ws.analysis(), doc, diags, (u) => ws.document(u));
    const action = actions.find((a) => title.test(a.title));
    assert.ok(action, `no action ${title} among ${actions.map((a) => a.title).join(" | ")}`);
    const edits = [...action.edit!.changes![uri]!].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start));
    let text = doc.getText();
    for (const e of edits) text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
    const after = fromSource(text);
    return { text, issues: after.ws.analysis().issues };
  };
  let r = apply(edit(MODEL, 'backPopulates: "author"', 'backPopulates: "autor"'), "ORM102", /Change to "author"/);
  assert.deepEqual(r.issues, []);
  r = apply(edit(MODEL, 'relationship<User>("User", { backPopulates: "posts" })', 'relationship<User>("User")'), "ORM103", /Add backPopulates: "posts" to Post.author/);
  assert.ok(r.text.includes('relationship<User>("User", { backPopulates: "posts" })'));
  assert.deepEqual(r.issues, []);
  r = apply(edit(MODEL, '  user_id: Column(Integer, ForeignKey("users.id")),\n', ""), "ORM106", /Add Post.user_id = Column\(Integer, ForeignKey\("users.id"\)\)/);
  assert.deepEqual(r.issues, []);
  r = apply(edit(MODEL, "@mapped\nexport class Tag", "export class Tag"), "ORM115", /Add @mapped to Tag/);
  assert.deepEqual(r.issues, []);
});

test("rename of a mapped attribute rewrites the strings naming it", () => {
  const { ws, uri, offset } = at("  auth");
  const doc = ws.document(uri)!;
  assert.equal(prepareRename(ws.analysis(), doc, offset)!.placeholder, "author");
  const we = rename(ws.analysis(), doc, offset, "writer", (u) => ws.document(u))!;
  let text = doc.getText();
  for (const e of [...we.changes![uri]!].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start))) {
    text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
  }
  assert.ok(text.includes('writer: relationship<User>("User"') && text.includes('backPopulates: "writer"'), text);
  assert.deepEqual(fromSource(text).ws.analysis().issues, []);
  // From a string: orderBy "title desc" renames Post.title and keeps " desc".
  const t = at('orderBy: "ti');
  const we2 = rename(t.ws.analysis(), t.ws.document(t.uri)!, t.offset, "headline", (u) => t.ws.document(u))!;
  assert.equal(we2.changes![t.uri]!.length, 2);
});

test("ORM201: a lazy relationship read in a loop over query results is a warning; selectinload silences it", () => {
  const loop = MODEL + `declare const session: any;
for (const u of session.scalars(select(User)).all()) {
  console.log(u.posts.length);
}
session.scalars(select(User).options(selectinload(User.posts))).all().forEach((u: any) => u.posts.length);
`;
  const { ws, uri } = fromSource(loop);
  const diags = diagnostics(ws.analysis(), ws.document(uri)!).filter((d) => d.code === "ORM201");
  assert.equal(diags.length, 1);
  assert.match(diags[0]!.message, /selectinload\(User.posts\)/);
  assert.equal(diags[0]!.range.start.line, loop.split("\n").findIndex((l) => l.includes("u.posts.length);")));
});

test("the schema request and the statements of a document", () => {
  const src = MODEL + `const adults = select(User).where(User.id.gt(1));\nfunction f(x: number) { return select(User).where(User.id.eq(x)); }\n`;
  const { ws, uri } = fromSource(src);
  const s = schema(ws.analysis(), (u) => ws.document(u));
  assert.deepEqual(s.tables.map((t) => [t.name, t.kind]), [["post_tags", "association"], ["users", "model"], ["posts", "model"], ["tags", "model"]]);
  const tags = s.relationships.find((r) => r.attribute === "tags")!;
  assert.equal(tags.direction, "MANYTOMANY");
  assert.deepEqual(tags.join, ["posts.id = post_tags.post_id", "tags.id = post_tags.tag_id"]);
  assert.equal(s.relationships.find((r) => r.attribute === "posts")!.direction, "ONETOMANY");
  const st = statements(ws.analysis(), ws.document(uri)!).statements;
  assert.deepEqual(st.map((x) => [x.kind, x.variable, x.text]), [["select", "adults", "select(User).where(User.id.gt(1))"]]);
});

test("a 1,000-model workspace in 200 files is analyzed whole, without errors", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { Workspace } = await import("../src/workspace/documents");
  const { pathToFileURL } = await import("node:url");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lsp-1000-"));
  try {
    // The benchmark's generator (an ES module: imported natively, not through CommonJS require).
    const esmImport = new Function("u", "return import(u)") as (u: string) => Promise<{ generate(dir: string, files: number, per: number): void }>;
    const { generate } = await esmImport(pathToFileURL(path.join(__dirname, "..", "..", "..", "bench", "lsp.mjs")).href);
    generate(dir, 200, 5);
    const ws = new Workspace();
    assert.equal(ws.scanFolder(dir), 201);
    const analysis = ws.analysis();
    assert.equal(analysis.model.classes.length, 1000);
    assert.deepEqual(analysis.issues, []);
    const s = schema(analysis, (u) => ws.document(u));
    assert.equal(s.relationships.length, 1998);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
