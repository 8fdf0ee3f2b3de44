/**
 * validateMapping() and deriveRelationship() on plain models, the way the
 * language server calls them (no classes, no database).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { validateMapping } from "../../src/mapping/validate/index";
import { deriveRelationship } from "../../src/mapping/derive";
import { parseCascade } from "../../src/mapping/cascade";
import { subjects, type ClassSpec, type ColumnInfo, type MappingModel, type RelationshipInfo, type TableSpec } from "../../src/mapping/model";

const col = (table: string, name: string, type = "Integer", extra: Partial<ColumnInfo> & { fk?: string[] } = {}): ColumnInfo => ({
  name, type: { name: type }, primaryKey: !!extra.primaryKey, nullable: !extra.primaryKey, subject: subjects.column(table, name),
  foreignKeys: (extra.fk ?? []).map((target, i) => ({ target, subject: subjects.fk(table, name, i) })),
});
const table = (name: string, columns: ColumnInfo[], definedBy: "class" | "table" = "class"): TableSpec => ({ name, columns, definedBy, subject: subjects.table(name) });
const rel = (owner: string, attribute: string, target: string, extra: Partial<RelationshipInfo> = {}): RelationshipInfo => ({ owner, attribute, target, subject: subjects.attr(owner, attribute), ...extra });
const cls = (name: string, tableName: string, cols: string[], relationships: RelationshipInfo[] = []): ClassSpec => ({
  name, tableName, decorated: true, subject: subjects.cls(name), columns: cols.map((c) => ({ attribute: c, column: c })), relationships, otherAttributes: [],
});

function blog(userRels: RelationshipInfo[], postRels: RelationshipInfo[], postCols: ColumnInfo[] = [col("posts", "user_id", "Integer", { fk: ["users.id"] })]): MappingModel {
  return {
    tables: [table("users", [col("users", "id", "Integer", { primaryKey: true }), col("users", "name", "String")]), table("posts", [col("posts", "id", "Integer", { primaryKey: true }), ...postCols])],
    classes: [cls("User", "users", ["id", "name"], userRels), cls("Post", "posts", ["id", ...postCols.map((c) => c.name)], postRels)],
  };
}

test("a valid one-to-many / many-to-one pair has no issues and derives both directions", () => {
  const posts = rel("User", "posts", "Post", { backPopulates: "author", declaredCollection: true });
  const author = rel("Post", "author", "User", { backPopulates: "posts", declaredCollection: false });
  const model = blog([posts], [author]);
  assert.deepEqual(validateMapping(model), []);
  const o2m = deriveRelationship(model, posts);
  assert.ok(o2m?.ok);
  assert.equal(o2m.value.direction, "ONETOMANY");
  assert.deepEqual(o2m.value.pairs, [[{ table: "users", column: "id" }, { table: "posts", column: "user_id" }]]);
  assert.equal(o2m.value.uselist, true);
  const m2o = deriveRelationship(model, author);
  assert.ok(m2o?.ok);
  assert.equal(m2o.value.direction, "MANYTOONE");
  assert.equal(m2o.value.uselist, false);
});

test("self-referential: remoteSide decides many-to-one; without it one-to-many", () => {
  const emp = table("employees", [col("employees", "id", "Integer", { primaryKey: true }), col("employees", "manager_id", "Integer", { fk: ["employees.id"] })]);
  const manager = rel("Employee", "manager", "Employee", { remoteSide: ["id"] });
  const reports = rel("Employee", "reports", "Employee");
  const model: MappingModel = { tables: [emp], classes: [cls("Employee", "employees", ["id", "manager_id"], [manager, reports])] };
  // Two unpaired sides writing manager_id: SQLAlchemy warns about the overlap (ORM117), nothing else.
  assert.deepEqual(validateMapping(model).map((i) => i.code), ["ORM117"]);
  assert.equal((deriveRelationship(model, manager) as any).value.direction, "MANYTOONE");
  assert.equal((deriveRelationship(model, reports) as any).value.direction, "ONETOMANY");
});

test("many-to-many through secondary; a secondary without a key to one side is ORM108", () => {
  const assoc = (fks: string[][]) => table("post_tags", fks.map(([n, t]) => col("post_tags", n!, "Integer", { primaryKey: true, fk: [t!] })), "table");
  const base = (sec: TableSpec): MappingModel => ({
    tables: [table("posts", [col("posts", "id", "Integer", { primaryKey: true })]), table("tags", [col("tags", "id", "Integer", { primaryKey: true })]), sec],
    classes: [cls("Post", "posts", ["id"], [rel("Post", "tags", "Tag", { secondary: "post_tags" })]), cls("Tag", "tags", ["id"])],
  });
  const ok = base(assoc([["post_id", "posts.id"], ["tag_id", "tags.id"]]));
  assert.deepEqual(validateMapping(ok), []);
  const d = deriveRelationship(ok, ok.classes[0]!.relationships[0]!) as any;
  assert.equal(d.value.direction, "MANYTOMANY");
  assert.deepEqual(d.value.secondaryRemote, [[{ table: "tags", column: "id" }, { table: "post_tags", column: "tag_id" }]]);
  const bad = base(assoc([["post_id", "posts.id"]]));
  assert.deepEqual(validateMapping(bad).map((i) => [i.code, i.subject]), [["ORM108", "option:Post.tags.secondary"]]);
});

test("ambiguous foreign keys (ORM107) are resolved by foreignKeys", () => {
  const cols = [col("posts", "author_id", "Integer", { fk: ["users.id"] }), col("posts", "editor_id", "Integer", { fk: ["users.id"] })];
  const ambiguous = blog([], [rel("Post", "author", "User")], cols);
  assert.deepEqual(validateMapping(ambiguous).map((i) => i.code), ["ORM107"]);
  const fixed = blog([], [rel("Post", "author", "User", { foreignKeys: ["author_id"] })], cols);
  assert.deepEqual(validateMapping(fixed), []);
  assert.deepEqual((deriveRelationship(fixed, fixed.classes[1]!.relationships[0]!) as any).value.pairs, [[{ table: "posts", column: "author_id" }, { table: "users", column: "id" }]]);
});

test("the language server's declared type argument is checked against the direction (ORM112)", () => {
  const model = blog([rel("User", "posts", "Post", { declaredCollection: false })], [rel("Post", "author", "User", { declaredCollection: true })]);
  assert.deepEqual(validateMapping(model).filter((i) => i.code !== "ORM117").map((i) => [i.code, i.subject]), [["ORM112", "attr:Post.author"], ["ORM112", "attr:User.posts"]]);
  const oneToOne = blog([rel("User", "post", "Post", { declaredCollection: false, uselist: false })], []);
  assert.deepEqual(validateMapping(oneToOne), []);
});

test("relationship<WriteOnlyCollection<Post>>(..., { lazy: \"write_only\" }) declares no array yet is a collection: no ORM112", () => {
  for (const lazy of ["write_only", "dynamic"]) {
    const model = blog([rel("User", "posts", "Post", { declaredCollection: false, lazy })], []);
    assert.deepEqual(validateMapping(model).filter((i) => i.code !== "ORM117"), [], lazy);
  }
});

test("backPopulates on one side only is a warning naming the missing side", () => {
  const model = blog([rel("User", "posts", "Post", { backPopulates: "author" })], [rel("Post", "author", "User")]);
  const issues = validateMapping(model);
  assert.deepEqual(issues.map((i) => [i.code, i.severity]), [["ORM103", "warning"]]);
  assert.match(issues[0]!.message, /Add backPopulates: "posts" to Post.author/);
});

test("did-you-mean suggestions come with the issue", () => {
  const model = blog([rel("User", "posts", "Pots")], []);
  const [issue] = validateMapping(model);
  assert.equal(issue!.code, "ORM101");
  assert.equal(issue!.suggestion, "Post");
  assert.equal(issue!.subject, "option:User.posts.target");
});

test("cascade parsing: all excludes delete-orphan; none clears; unknown words reported", () => {
  assert.deepEqual(parseCascade(undefined).set, { saveUpdate: true, merge: true, expunge: false, delete: false, deleteOrphan: false, refreshExpire: false });
  assert.deepEqual(parseCascade("all").set, { saveUpdate: true, merge: true, expunge: true, delete: true, deleteOrphan: false, refreshExpire: true });
  assert.equal(parseCascade("all, delete-orphan").set.deleteOrphan, true);
  assert.deepEqual(parseCascade("none").set, { saveUpdate: false, merge: false, expunge: false, delete: false, deleteOrphan: false, refreshExpire: false });
  assert.deepEqual(parseCascade("save-update, delet").unknown, [{ word: "delet", suggestion: "delete" }]);
});
