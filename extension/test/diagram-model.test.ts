/** The diagram's model from a schema: tables, one edge per key with cardinality, database differences, Mermaid. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { buildDiagram, toMermaid } from "../src/features/schema-diagram/model";
import { layout } from "../src/features/schema-diagram/layout";
import { Workspace } from "language-server/dist/src/workspace/documents";
import { schema } from "language-server/dist/src/capabilities/schema";
import * as fs from "node:fs";
import * as path from "node:path";

function demoSchema() {
  const ws = new Workspace();
  ws.scanFolder(path.join(__dirname, "..", "..", "..", "..", "test-fixtures", "demo-workspace"));
  return schema(ws.analysis(), (u) => ws.document(u));
}

test("one edge per foreign key, oriented one → many, many-to-many through the association table", () => {
  const d = buildDiagram(demoSchema());
  assert.deepEqual(d.tables.map((t) => [t.name, t.className, t.association]), [["post_tags", null, true], ["users", "User", false], ["posts", "Post", false], ["tags", "Tag", false]]);
  assert.deepEqual(d.edges.map((e) => [e.kind, e.source, e.target, e.sourceLabel, e.targetLabel]).sort(), [
    ["many-to-many", "t:posts", "t:post_tags", "1", "N"],
    ["many-to-many", "t:tags", "t:post_tags", "1", "M"],
    ["one-to-many", "t:users", "t:posts", "1", "N"],
  ]);
});

test("compared with a database, missing and extra tables and columns are marked", () => {
  const d = buildDiagram(demoSchema(), [
    { name: "users", columns: [{ name: "id", type: "INTEGER", nullable: false, primaryKey: true }, { name: "nickname", type: "TEXT", nullable: true, primaryKey: false }], foreignKeys: [] },
    { name: "legacy", columns: [{ name: "id", type: "INTEGER", nullable: false, primaryKey: true }], foreignKeys: [] },
  ]);
  const users = d.tables.find((t) => t.name === "users")!;
  assert.equal(users.presence, "both");
  assert.deepEqual(users.columns.map((c) => [c.name, c.presence]), [["id", "both"], ["name", "model-only"], ["email", "model-only"], ["age", "model-only"], ["nickname", "db-only"]]);
  assert.equal(d.tables.find((t) => t.name === "posts")!.presence, "model-only");
  assert.equal(d.tables.find((t) => t.name === "legacy")!.presence, "db-only");
});

test("Mermaid erDiagram and an elkjs layout with every node and edge placed", async () => {
  const d = buildDiagram(demoSchema());
  const m = toMermaid(d);
  assert.match(m, /^erDiagram\n/);
  assert.match(m, /  users \{\n    Integer id PK\n    String_50_ name\n/);
  assert.match(m, /  users \|\|--o\{ posts : "users.id = posts.user_id"/);
  const laid = await layout(d);
  assert.deepEqual(Object.keys(laid.nodes).sort(), d.tables.map((t) => t.id).sort());
  for (const e of d.edges) assert.ok(laid.edges[e.id]!.points.length >= 2, e.id);
  for (const a of Object.values(laid.nodes)) for (const b of Object.values(laid.nodes)) {
    if (a !== b) assert.ok(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y, "tables do not overlap");
  }
  void fs;
});
