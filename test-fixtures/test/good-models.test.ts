/**
 * Every valid fixture configures at run time without a mapping error (the language server's test
 * expects no diagnostics on the same files). The inheritance fixture also round-trips rows.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { createEngine, sessionmaker, select, inspect } from "orm-core";

const root = path.join(__dirname, "..", "..", "models", "good");
const compiled = path.join(__dirname, "..", "models", "good");

/** Loads every module of a fixture (models.ts first) and returns their exports. */
function load(dir: string): Record<string, any> {
  const files = fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".ts")).sort((a, b) => (a === "models.ts" ? -1 : b === "models.ts" ? 1 : a < b ? -1 : 1));
  return Object.assign({}, ...files.map((f) => require(path.join(compiled, dir, f.replace(/\.ts$/, ".js")))));
}

for (const dir of fs.readdirSync(root).sort()) {
  test(`${dir}: configures without a mapping error`, () => {
    const mod = load(dir);
    assert.doesNotThrow(() => mod.Base.registry.configure());
  });
}

test("inheritance: the subclasses in another file share or join their parent's table, and load as their own class", () => {
  const m = load("inheritance");
  const engine = createEngine("sqlite:///:memory:");
  m.Base.metadata.createAll(engine);
  const cols = (t: string) => engine.connect().execute({ sql: `PRAGMA table_info(${t})`, parameters: [] }).rows.map((r) => r[1]);
  assert.deepEqual(cols("employees"), ["id", "name", "type", "company_id", "budget", "office_id"]);
  assert.deepEqual(cols("engineers"), ["id", "language", "project_id", "patents"]);
  const s = sessionmaker({ bind: engine })();
  const acme = new m.Company({ name: "Acme" });
  const office = new m.Office({ city: "Oslo" });
  const project = new m.Project({ title: "compiler" });
  acme.employees = [
    new m.Employee({ name: "ed" }),
    new m.Manager({ name: "mia", budget: 5, office }),
    new m.Engineer({ name: "eve", language: "ts", project }),
    new m.Principal({ name: "pia", language: "rust", patents: 3, project }),
  ];
  s.add(acme);
  s.commit();
  const s2 = sessionmaker({ bind: engine })();
  const all: any[] = s2.scalars(select(m.Employee).orderBy(m.Employee.id)).all();
  assert.deepEqual(all.map((e) => inspect(e as object).mapper.name), ["Employee", "Manager", "Engineer", "Principal"]);
  assert.equal(all[1].office.city, "Oslo");
  assert.deepEqual((s2.scalars(select(m.Project)).one() as any).engineers.map((e: { name: string }) => e.name), ["pia", "eve"], "orderBy: \"language\"");
  assert.deepEqual((s2.scalars(select(m.Company)).one() as any).managers.map((e: { name: string }) => e.name), ["mia"]);
});
