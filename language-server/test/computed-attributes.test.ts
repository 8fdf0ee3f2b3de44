/**
 * columnProperty(...), associationProxy(...) and synonym(...) attributes are neither columns nor relationships,
 * but they take their names: the editor and the runtime both refuse a backref of the same name
 * (ORM113), and neither reports anything for a model that uses them correctly.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { fromSource } from "./support/fixtures";
import { runtimeModel } from "./support/runtime";

const source = (backref: string) => `
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, columnProperty, associationProxy, synonym, select, func } from "orm-core";
export const Base = declarativeBase();
@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  first: Column(String(30)),
  fullName: columnProperty((cls: any) => cls.first.concat("!")),
  keywords: relationship<Keyword[]>("Keyword"),
  keywordNames: associationProxy("keywords", "word"),
  nick: synonym("first"),
}) {}
@mapped
export class Keyword extends Base.model("keywords", {
  id: Column(Integer, { primaryKey: true }),
  user_id: Column(Integer, ForeignKey("users.id")),
  word: Column(String(30)),
}) {}
@mapped
export class Note extends Base.model("notes", {
  id: Column(Integer, { primaryKey: true }),
  user_id: Column(Integer, ForeignKey("users.id")),
  user: relationship<User>("User", { backref: "${backref}" }),
}) {}
`;

for (const name of ["fullName", "keywordNames", "nick"]) {
  test(`a backref named like the ${name} attribute is ORM113 in the editor and at run time`, () => {
    const text = source(name);
    const { ws } = fromSource(text);
    const editor = ws.analysis().issues.filter((i) => i.severity === "error");
    const runtime = runtimeModel({ "models.ts": text }).issues.filter((i) => i.severity === "error");
    assert.deepEqual(editor.map((i) => [i.code, i.subject]), [["ORM113", "option:Note.user.backref"]]);
    assert.deepEqual(runtime.map((i) => [i.code, i.subject, i.message]), editor.map((i) => [i.code, i.subject, i.message]));
  });
}

test("a model with a column property, an association proxy and a synonym has no diagnostics", () => {
  const text = source("notes");
  assert.deepEqual(fromSource(text).ws.analysis().issues, []);
  assert.deepEqual(runtimeModel({ "models.ts": text }).issues, []);
});
