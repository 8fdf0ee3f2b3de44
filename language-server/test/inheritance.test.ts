/**
 * Base.inherit(Parent, ["table",] { ... }, { polymorphicIdentity }) read from source as the runtime
 * maps it: single-table subclasses join their parent's table (declared in another file here),
 * joined-table subclasses have their own. Fixture: test-fixtures/models/good/inheritance
 * (models.ts: Company, Employee; staff.ts: Office, Project, Manager, Engineer, Principal).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { MappingModel } from "orm-core";
import { completion } from "../src/capabilities/completion/index";
import { hover } from "../src/capabilities/hover";
import { definition } from "../src/capabilities/definition";
import { codeActions } from "../src/capabilities/code-actions";
import { diagnostics } from "../src/capabilities/diagnostics";
import { rename } from "../src/capabilities/rename";
import { schema } from "../src/capabilities/schema";
import { Workspace } from "../src/workspace/documents";
import { FIXTURES } from "./support/fixtures";
import { runtimeModel } from "./support/runtime";

const DIR = path.join(FIXTURES, "good", "inheritance");
const SOURCES: Record<string, string> = {
  "models.ts": fs.readFileSync(path.join(DIR, "models.ts"), "utf8"),
  "staff.ts": fs.readFileSync(path.join(DIR, "staff.ts"), "utf8"),
};
const uriOf = (file: string) => pathToFileURL(path.join("/virtual/inheritance", file)).toString();
const edit = (s: string, from: string, to: string) => { assert.ok(s.includes(from), from); return s.replace(from, to); };

/** The fixture's files (edited), in a workspace; `|` in one file marks the cursor. */
function workspace(edits: Record<string, (s: string) => string> = {}, order = Object.keys(SOURCES)) {
  const ws = new Workspace();
  let cursor: { uri: string; offset: number } | undefined;
  const texts: Record<string, string> = {};
  for (const file of order) {
    let text = (edits[file] ?? ((s: string) => s))(SOURCES[file]!);
    const at = text.indexOf("|");
    if (at >= 0) { text = text.slice(0, at) + text.slice(at + 1); cursor = { uri: uriOf(file), offset: at }; }
    texts[file] = text;
    ws.set(uriOf(file), text, 1, true);
  }
  const doc = (file: string) => ws.document(uriOf(file))!;
  return { ws, analysis: ws.analysis(), doc, texts, cursor: cursor ?? { uri: "", offset: -1 } };
}
const textOf = (w: ReturnType<typeof workspace>, uri: string, range: { start: any; end: any }) => {
  const d = w.ws.document(uri)!;
  return d.getText().slice(d.offsetAt(range.start), d.offsetAt(range.end));
};
function complete(edits: Record<string, (s: string) => string>): string[] {
  const w = workspace(edits);
  return completion(w.analysis, w.ws.document(w.cursor.uri)!, w.cursor.offset).map((i) => i.label);
}

test("both kinds of inheritance, subclasses in another file than their parent: no diagnostics, in either file order", () => {
  for (const order of [["models.ts", "staff.ts"], ["staff.ts", "models.ts"]]) {
    const w = workspace({}, order);
    assert.deepEqual(w.analysis.issues.map((i) => i.message), [], order.join());
    for (const f of order) assert.deepEqual(diagnostics(w.analysis, w.doc(f)), [], f);
  }
});

test("a single-table subclass maps its parent's table and columns; a joined one its own table", () => {
  const { model } = workspace().analysis;
  const cls = (n: string) => model.classes.find((c) => c.name === n)!;
  assert.deepEqual([cls("Manager").tableName, cls("Manager").inherits], ["employees", "Employee"]);
  assert.deepEqual(cls("Manager").columns.map((c) => c.attribute), ["id", "name", "type", "company_id", "budget", "office_id"]);
  assert.deepEqual([cls("Engineer").tableName, cls("Engineer").columns.map((c) => c.attribute)], ["engineers", ["id", "language", "project_id"]]);
  assert.deepEqual([cls("Principal").tableName, cls("Principal").inherits], ["engineers", "Engineer"]);
  const employees = model.tables.find((t) => t.name === "employees")!;
  assert.deepEqual(employees.columns.map((c) => c.subject).slice(4), ["column:employees.budget", "column:employees.office_id"]);
  assert.deepEqual(employees.columns[5]!.foreignKeys.map((f) => f.subject), ["fk:employees.office_id#0"]);
});

/** The parts of a model both sides read (the source adds what only the editor needs, e.g. declaredCollection). */
function comparable(m: MappingModel) {
  return {
    classes: m.classes.map((c) => ({
      name: c.name, tableName: c.tableName, inherits: c.inherits, decorated: c.decorated, columns: c.columns, subject: c.subject,
      relationships: c.relationships.map((r) => ({ attribute: r.attribute, target: r.target, backPopulates: r.backPopulates, orderBy: r.orderBy, viewonly: r.viewonly, subject: r.subject })),
    })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    tables: m.tables.map((t) => ({
      name: t.name, definedBy: t.definedBy, subject: t.subject,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type, primaryKey: c.primaryKey, nullable: c.nullable, foreignKeys: c.foreignKeys, subject: c.subject })),
    })).sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

test("parity: the model read from source is the one the runtime builds from the live classes", () => {
  const runtime = runtimeModel(SOURCES);
  assert.deepEqual(runtime.issues, []);
  assert.deepEqual(comparable(workspace().analysis.model), comparable(runtime.model));
});

// Each mistake, made in the fixture: the runtime's validateMapping on the live classes and the
// language server's on the source report the same issues (code, subject, message, suggestion).
const MISTAKES: [string, Record<string, (s: string) => string>][] = [
  ["typo'd target on a joined subclass", { "staff.ts": (s) => edit(s, 'relationship<Project>("Project"', 'relationship<Project>("Projet"') }],
  ["typo'd table in a single-table subclass's ForeignKey", { "staff.ts": (s) => edit(s, 'ForeignKey("offices.id")', 'ForeignKey("ofices.id")') }],
  ["type mismatch on a single-table subclass's key", { "staff.ts": (s) => edit(s, 'office_id: Column(Integer, ForeignKey', 'office_id: Column(String(10), ForeignKey') }],
  ["no key between a joined subclass and its target", { "staff.ts": (s) => edit(s, '  project_id: Column(Integer, ForeignKey("projects.id")),\n', "") }],
  ["orderBy typo on a relationship to a joined subclass (inherited names are suggested)", { "staff.ts": (s) => edit(s, 'orderBy: "language"', 'orderBy: "nmae"') }],
  ["orderBy typo on a relationship to a single-table subclass", { "models.ts": (s) => edit(s, 'orderBy: "budget desc"', 'orderBy: "budgt desc"') }],
  ["a single-table subclass's backPopulates naming a column", { "staff.ts": (s) => edit(s, 'backPopulates: "managers" }', 'backPopulates: "city" }') }],
];
test("parity: orderBy may name an attribute a joined subclass inherits (no issue on either side)", () => {
  const w = workspace({ "staff.ts": (s) => edit(s, 'orderBy: "language"', 'orderBy: "name"') });
  assert.deepEqual(runtimeModel(w.texts).issues, []);
  assert.deepEqual(w.analysis.issues, []);
});

for (const [name, edits] of MISTAKES) {
  test(`parity: ${name}`, () => {
    const w = workspace(edits);
    const runtime = runtimeModel(w.texts);
    const pick = (i: { code: string; severity: string; subject: string; message: string; suggestion?: string }) => ({ code: i.code, severity: i.severity, subject: i.subject, message: i.message, suggestion: i.suggestion });
    assert.ok(runtime.issues.length > 0, "the mistake should be an issue at run time");
    assert.deepEqual(w.analysis.issues.map(pick), runtime.issues.map(pick));
    // Each lands on source text of the file that holds the mistake.
    for (const issue of w.analysis.issues) {
      const span = w.analysis.spans.get(issue.subject);
      assert.ok(span, `no span for ${issue.subject}`);
    }
  });
}

test("a relationship to a subclass by name resolves (no ORM101); a typo'd target on a subclass is ORM101 with a did-you-mean and its fix", () => {
  const ok = workspace();
  assert.ok(!ok.analysis.issues.some((i) => i.code === "ORM101"));
  const w = workspace({ "staff.ts": (s) => edit(s, 'relationship<Office>("Office"', 'relationship<Office>("Ofice"') });
  const diags = diagnostics(w.analysis, w.doc("staff.ts"));
  const d = diags.find((x) => x.code === "ORM101")!;
  assert.ok(d, JSON.stringify(diags));
  assert.match(d.message, /on Manager\.office names no mapped class\. Did you mean "Office"\?/);
  assert.equal(textOf(w, uriOf("staff.ts"), d.range), '"Ofice"');
  const fix = codeActions(w.analysis, w.doc("staff.ts"), [d], (u) => w.ws.document(u)).find((a) => a.title === 'Change to "Office"');
  assert.ok(fix);
  // Relationships whose target is a subclass resolve to it too, across files.
  const w2 = workspace({ "models.ts": (s) => edit(s, 'relationship<Manager[]>("Manager"', 'relationship<Manager[]>("Manger"') });
  const d2 = diagnostics(w2.analysis, w2.doc("models.ts")).find((x) => x.code === "ORM101")!;
  assert.equal(d2.data.suggestion, "Manager");
});

test("a mistake in a single-table subclass's column lands on its text, in the subclass's file", () => {
  const w = workspace({ "staff.ts": (s) => edit(s, 'ForeignKey("offices.id")', 'ForeignKey("offices.idd")') });
  assert.deepEqual(diagnostics(w.analysis, w.doc("models.ts")), []);
  const [d] = diagnostics(w.analysis, w.doc("staff.ts"));
  assert.equal(d?.code, "ORM105");
  assert.equal(textOf(w, uriOf("staff.ts"), d!.range), '"offices.idd"');
});

test("completion: backPopulates inside a subclass's relationship offers the target's relationships pointing back", () => {
  assert.deepEqual(complete({ "staff.ts": (s) => edit(s, 'backPopulates: "managers" }', 'backPopulates: "|" }') }), ["managers"]);
  assert.deepEqual(complete({ "staff.ts": (s) => edit(s, 'backPopulates: "engineers" }', 'backPopulates: "|" }') }), ["engineers"]);
  assert.deepEqual(complete({ "staff.ts": (s) => edit(s, 'backPopulates: "project", orderBy', 'backPopulates: "|", orderBy') }), ["project"]);
});

test("completion: relationship targets include subclasses; orderBy offers what the runtime accepts (a single-table subclass's inherited columns)", () => {
  const w = workspace({ "staff.ts": (s) => edit(s, 'relationship<Office>("Office"', 'relationship<Office>("|"') });
  const items = completion(w.analysis, w.ws.document(w.cursor.uri)!, w.cursor.offset);
  assert.deepEqual(items.map((i) => i.label).sort(), ["Company", "Employee", "Engineer", "Manager", "Office", "Principal", "Project"]);
  assert.equal(items.find((i) => i.label === "Manager")!.detail, 'subclass of Employee → its table "employees"');
  assert.equal(items.find((i) => i.label === "Engineer")!.detail, 'subclass of Employee → own table "engineers"');
  const single = complete({ "models.ts": (s) => edit(s, 'orderBy: "budget desc"', 'orderBy: "|"') }).filter((x) => !x.endsWith(" desc"));
  assert.deepEqual(single, ["id", "name", "type", "company_id", "budget", "office_id"]);
  const joined = complete({ "staff.ts": (s) => edit(s, 'orderBy: "language"', 'orderBy: "|"') }).filter((x) => !x.endsWith(" desc"));
  assert.deepEqual(joined, ["id", "language", "project_id"]);
});

test("hover: a subclass shows its kind of inheritance and its table; a relationship to it, the join", () => {
  const w = workspace();
  const at = (file: string, anchor: string) => { const i = w.texts[file]!.indexOf(anchor); assert.ok(i >= 0, anchor); return i + 1; };
  const value = (file: string, anchor: string) => (hover(w.analysis, w.doc(file), at(file, anchor))!.contents as { value: string }).value;
  const manager = value("staff.ts", "Manager extends");
  assert.match(manager, /\*\*Manager\*\* \(single-table subclass of Employee\) → table `employees`/);
  assert.match(manager, /budget INTEGER/);
  assert.match(value("staff.ts", "Engineer extends"), /\(joined-table subclass of Employee\) → table `engineers`/);
  assert.match(value("staff.ts", 'managers: relationship'), /one-to-many[\s\S]*join: `offices\.id = employees\.office_id`/);
  assert.match(value("models.ts", 'managers: relationship'), /join: `companies\.id = employees\.company_id`/);
});

test("definition and rename follow inherited attributes to the class that declares them", () => {
  const src = { "models.ts": (s: string) => edit(s, 'orderBy: "budget desc"', 'orderBy: "name"') };
  const w = workspace(src);
  const offset = w.texts["models.ts"]!.indexOf('orderBy: "name"') + 11;
  const [loc] = definition(w.analysis, uriOf("models.ts"), offset, (u) => w.ws.document(u));
  assert.equal(textOf(w, loc!.uri, loc!.range), "name");
  assert.equal(loc!.range.start.line, w.texts["models.ts"]!.slice(0, w.texts["models.ts"]!.indexOf("name: Column(String(50), { nullable: false }),\n  type")).split("\n").length - 1);
  const fk = w.texts["staff.ts"]!.indexOf('"offices.id"') + 3;
  const [toOffice] = definition(w.analysis, uriOf("staff.ts"), fk, (u) => w.ws.document(u));
  assert.equal(textOf(w, toOffice!.uri, toOffice!.range), "id");
  const declared = w.texts["models.ts"]!.indexOf("name: Column(String(50), { nullable: false }),\n  type") + 1;
  const edits = rename(w.analysis, w.doc("models.ts"), declared, "full_name", (u) => w.ws.document(u))!;
  assert.deepEqual(edits.changes![uriOf("models.ts")]!.map((e) => textOf(w, uriOf("models.ts"), e.range)), ["name", "name"]);
});

test("schema: single-table subclass columns are in the parent's table; a joined subclass's table is a model table", () => {
  const w = workspace();
  const s = schema(w.analysis, (u) => w.ws.document(u));
  const employees = s.tables.find((t) => t.name === "employees")!;
  assert.deepEqual(employees.columns.map((c) => c.name), ["id", "name", "type", "company_id", "budget", "office_id"]);
  assert.equal(employees.mappedBy, "Employee");
  assert.deepEqual(employees.columns.find((c) => c.name === "office_id")!.foreignKeys, ["offices.id"]);
  const engineers = s.tables.find((t) => t.name === "engineers")!;
  assert.deepEqual([engineers.kind, engineers.mappedBy, engineers.columns.map((c) => c.name)], ["model", "Engineer", ["id", "language", "project_id", "patents"]]);
  assert.deepEqual(s.classes.filter((c) => c.inherits).map((c) => [c.name, c.table, c.inherits]), [["Manager", "employees", "Employee"], ["Engineer", "engineers", "Employee"], ["Principal", "engineers", "Engineer"]]);
  const rel = s.relationships.find((r) => r.owner === "Office" && r.attribute === "managers")!;
  assert.deepEqual([rel.direction, rel.join], ["ONETOMANY", ["offices.id = employees.office_id"]]);
  assert.equal(s.issues, 0);
});

test("N+1: an inherited relationship read in a loop over a subclass's rows is flagged", () => {
  const loop = `\nimport { select } from "orm-core";\ndeclare const session: any;\nfor (const m of session.scalars(select(Manager)).all()) console.log(m.company, m.office);\n`;
  const w = workspace({ "staff.ts": (s) => s + loop });
  const found = diagnostics(w.analysis, w.doc("staff.ts")).filter((d) => d.code === "ORM201").map((d) => textOf(w, uriOf("staff.ts"), d.range));
  assert.deepEqual(found, ["m.company", "m.office"]);
});

test("half-typed Base.inherit(...) never throws and yields what can be read", () => {
  for (const cut of ["Base.inherit(", "Base.inherit(Employee", 'Base.inherit(Employee, "', "Base.inherit(Employee, {", "Base.inherit(Nobody, {"]) {
    const text = `import { declarativeBase, mapped, Column, Integer } from "orm-core";\nconst Base = declarativeBase();\n@mapped class Employee extends Base.model("employees", { id: Column(Integer, { primaryKey: true }) }) {}\n@mapped class Sub extends ${cut}`;
    const ws = new Workspace();
    ws.set(uriOf("half.ts"), text, 1, true);
    const a = ws.analysis();
    assert.ok(a.model.classes.some((c) => c.name === "Employee"), cut);
    schema(a, (u) => ws.document(u));
  }
  // A subclass whose parent is unknown (or itself) has no table, and no false mapping error.
  const ws = new Workspace();
  ws.set(uriOf("cycle.ts"), `import { mapped, Column, Integer } from "orm-core";\ndeclare const Base: any;\n@mapped class A extends Base.inherit(A, { x: Column(Integer) }, { polymorphicIdentity: "a" }) {}\n@mapped class B extends Base.inherit(Missing, { y: Column(Integer) }, { polymorphicIdentity: "b" }) {}\n`, 1, true);
  assert.deepEqual(ws.analysis().issues, []);
  assert.deepEqual(ws.analysis().model.classes.map((c) => c.tableName), ["", ""]);
});
