// Mirrors SQLAlchemy test/orm/inheritance (test_single.py, test_basic.py, test_polymorphic_rel.py):
// single-table and joined-table inheritance with polymorphicOn / polymorphicIdentity — the rows a
// flush writes in each table, the class each loaded row becomes, and the statements queries issue.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select, event,
  ArgumentError, InvalidRequestError, StaleDataError, selectinload, inspect, update, insert, deleteFrom,
} from "../../src/index";
import { recordStatements, expectStatementCount } from "../support/sql";

/** The mapped class of an object (`constructor.name` is the `name` column's class attribute here). */
const clsName = (o: object) => inspect(o).mapper.name;
const dml = (r: { sql: string }[]) => r.map((x) => x.sql).filter((q) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(q));

/** Single-table: employees holds every class's columns; `type` says which class a row is. */
function singleTable() {
  const Base = declarativeBase();
  @mapped
  class Company extends Base.model("companies", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50)),
    employees: relationship<Employee[]>("Employee", { backPopulates: "company", orderBy: "id" }),
    managers: relationship<Manager[]>("Manager", { viewonly: true, orderBy: "id" }),
  }) {}
  @mapped
  class Employee extends Base.model("employees", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50), { nullable: false }),
    type: Column(String(20), { nullable: false }),
    company_id: Column(Integer, ForeignKey("companies.id")),
    company: relationship<Company>("Company", { backPopulates: "employees" }),
  }, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {
    describe() { return `employee ${this.name}`; }
  }
  @mapped
  class Manager extends Base.inherit(Employee, { budget: Column(Integer) }, { polymorphicIdentity: "manager" }) {
    override describe() { return `manager ${this.name} (${this.budget})`; }
  }
  @mapped
  class Director extends Base.inherit(Manager, { office: Column(String(20)) }, { polymorphicIdentity: "director" }) {}
  @mapped
  class Engineer extends Base.inherit(Employee, { language: Column(String(20)) }, { polymorphicIdentity: "engineer" }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  return { Base, Company, Employee, Manager, Director, Engineer, engine, Session };
}

function seedSingle(m: ReturnType<typeof singleTable>) {
  const s = m.Session();
  const acme = new m.Company({ name: "Acme" });
  acme.employees = [
    new m.Employee({ name: "ed" }),
    new m.Manager({ name: "mia", budget: 100 }),
    new m.Engineer({ name: "eve", language: "ts" }),
    new m.Director({ name: "dan", budget: 900, office: "top" }),
  ];
  s.add(acme);
  s.commit();
  s.close();
}

test("single-table: the subclasses' columns are added to the base table (nullable)", () => {
  const m = singleTable();
  const cols = m.engine.connect().execute({ sql: "PRAGMA table_info(employees)", parameters: [] }).rows.map((r) => [r[1], r[3]]);
  assert.deepEqual(cols, [["id", 1], ["name", 1], ["type", 1], ["company_id", 0], ["budget", 0], ["office", 0], ["language", 0]]);
  assert.deepEqual([...m.Base.metadata.tables.keys()].sort(), ["companies", "employees"]);
});

test("single-table: a new object carries its polymorphic identity before any flush; INSERT writes it", () => {
  const m = singleTable();
  const mgr = new m.Manager({ name: "mia", budget: 5 });
  assert.equal(mgr.type, "manager");
  assert.equal(new m.Employee({ name: "x" }).type, "employee");
  const s = m.Session();
  s.add(mgr);
  const stmts = dml(recordStatements(m.engine, () => s.flush()));
  assert.deepEqual(stmts, ["INSERT INTO employees (name, type, company_id, budget) VALUES (?, ?, ?, ?)"]);
  assert.deepEqual(m.engine.connect().execute({ sql: "SELECT name, type, budget, office FROM employees", parameters: [] }).rows, [["mia", "manager", 5, null]]);
});

test("single-table: querying the base class gives each row as its own class, in one SELECT", () => {
  const m = singleTable();
  seedSingle(m);
  const s = m.Session();
  let all: object[] = [];
  expectStatementCount(m.engine, 1, () => {
    all = s.scalars(select(m.Employee).orderBy(m.Employee.id)).all();
    // Subclass attributes came with the row: reading them issues no SQL.
    assert.equal((all[1] as InstanceType<typeof m.Manager>).budget, 100);
    assert.equal((all[3] as InstanceType<typeof m.Director>).office, "top");
  });
  assert.deepEqual(all.map((e) => clsName(e)), ["Employee", "Manager", "Engineer", "Director"]);
  assert.ok(all[3] instanceof m.Manager && all[3] instanceof m.Employee);
  assert.deepEqual(all.map((e) => (e as InstanceType<typeof m.Employee>).describe()), ["employee ed", "manager mia (100)", "employee eve", "manager dan (900)"]);
});

test("single-table: querying a subclass filters on its identity and its subclasses' identities", () => {
  const m = singleTable();
  seedSingle(m);
  const s = m.Session();
  const stmts = recordStatements(m.engine, () => {
    const managers = s.scalars(select(m.Manager).orderBy(m.Manager.id)).all();
    assert.deepEqual(managers.map((x) => x.name), ["mia", "dan"]);
    assert.ok(managers[1] instanceof m.Director);
  });
  assert.match(dml(stmts)[0]!, /WHERE employees\.type IN \(\?, \?\) ORDER BY employees\.id$/);
  const engineers = s.scalars(select(m.Engineer).where(m.Engineer.language.eq("ts"))).all();
  assert.deepEqual(engineers.map((x) => x.name), ["eve"]);
  assert.equal(s.scalars(select(m.Director)).all().length, 1);
});

test("single-table: session.get() of a subclass is null for a row of another class; the base class finds it", () => {
  const m = singleTable();
  seedSingle(m);
  const s = m.Session();
  const eve = s.get(m.Employee, 3)!;
  assert.ok(eve instanceof m.Engineer);
  // The identity map is shared by the hierarchy: the same object, no new SELECT.
  expectStatementCount(m.engine, 0, () => assert.equal(s.get(m.Engineer, 3), eve));
  assert.equal(s.get(m.Manager, 3), null);
  const s2 = m.Session();
  assert.equal(s2.get(m.Manager, 3), null, "loaded fresh: the discriminator filter excludes the engineer");
  assert.ok(s2.get(m.Manager, 4) instanceof m.Director);
});

test("single-table: changing a subclass attribute UPDATEs the one table; delete removes the row", () => {
  const m = singleTable();
  seedSingle(m);
  const s = m.Session();
  const dan = s.get(m.Director, 4)!;
  dan.office = "corner";
  dan.budget = 1000;
  assert.deepEqual(dml(recordStatements(m.engine, () => s.flush())), ["UPDATE employees SET budget=?, office=? WHERE employees.id = ?"]);
  s.delete(dan);
  assert.deepEqual(dml(recordStatements(m.engine, () => s.commit())), ["DELETE FROM employees WHERE employees.id = ?"]);
  assert.deepEqual(m.engine.connect().execute({ sql: "SELECT name FROM employees ORDER BY id", parameters: [] }).rows.map((r) => r[0]), ["ed", "mia", "eve"]);
});

test("single-table: a relationship to the base class loads every class; inherited relationships work on subclasses", () => {
  const m = singleTable();
  seedSingle(m);
  const s = m.Session();
  const acme = s.scalars(select(m.Company)).one();
  assert.deepEqual(acme.employees.map((e) => clsName(e)), ["Employee", "Manager", "Engineer", "Director"]);
  const mia = acme.employees[1] as InstanceType<typeof m.Manager>;
  assert.equal(mia.company, acme, "the many-to-one inherited from Employee");
  const s2 = m.Session();
  const companies = s2.scalars(select(m.Company).options(selectinload(m.Company.employees))).all();
  assert.ok(companies[0]!.employees[3] instanceof m.Director);
});

test("single-table: a row whose discriminator names no class is a clear error", () => {
  const m = singleTable();
  m.engine.connect().execute({ sql: "INSERT INTO employees (name, type) VALUES ('zed', 'intern')", parameters: [] });
  const s = m.Session();
  assert.throws(() => s.scalars(select(m.Employee)).all(), (e: Error) => e instanceof InvalidRequestError && /No such polymorphic identity "intern" for Employee/.test(e.message) && /polymorphicIdentity/.test(e.message));
});

/** Joined-table: each class has its own table for its own columns, joined on the primary key. */
function joinedTable(opts: { versioned?: boolean } = {}) {
  const Base = declarativeBase();
  @mapped
  class Project extends Base.model("projects", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(50)),
    engineers: relationship<Engineer[]>("Engineer", { backPopulates: "project" }),
  }) {}
  @mapped
  class Team extends Base.model("teams", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(20)),
    members: relationship<Person[]>("Person", { backPopulates: "team" }),
    engineers: relationship<Engineer[]>("Engineer", { viewonly: true }),
  }) {}
  @mapped
  class Person extends Base.model("people", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50)),
    kind: Column(String(20)),
    team_id: Column(Integer, ForeignKey("teams.id")),
    team: relationship<Team>("Team", { backPopulates: "members" }),
    ...(opts.versioned ? { version: Column(Integer, { nullable: false }) } : {}),
  }, { polymorphicOn: "kind", polymorphicIdentity: "person", ...(opts.versioned ? { versionIdCol: "version" } : {}) }) {}
  @mapped
  class Engineer extends Base.inherit(Person, "engineers", {
    id: Column(Integer, ForeignKey("people.id"), { primaryKey: true }),
    language: Column(String(20)),
    project_id: Column(Integer, ForeignKey("projects.id")),
    project: relationship<Project>("Project", { backPopulates: "engineers" }),
  }, { polymorphicIdentity: "engineer" }) {}
  @mapped
  class Principal extends Base.inherit(Engineer, "principals", {
    id: Column(Integer, ForeignKey("engineers.id"), { primaryKey: true }),
    patents: Column(Integer),
  }, { polymorphicIdentity: "principal" }) {}
  @mapped
  class Clerk extends Base.inherit(Person, "clerks", {
    id: Column(Integer, ForeignKey("people.id"), { primaryKey: true }),
    desk: Column(String(10), { nullable: false }),
  }, { polymorphicIdentity: "clerk" }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const rows = (sql: string) => engine.connect().execute({ sql, parameters: [] }).rows;
  return { Base, Team, Project, Person, Engineer, Principal, Clerk, engine, Session, rows };
}

function seedJoined(m: ReturnType<typeof joinedTable>) {
  const s = m.Session();
  const p = new m.Project({ title: "compiler" });
  // One flush each: ids 1-4 in this order (made one by one: a backref would cascade a later one in).
  for (const make of [
    () => new m.Person({ name: "pat" }),
    () => new m.Engineer({ name: "eve", language: "ts", project: p }),
    () => new m.Clerk({ name: "cal", desk: "D1" }),
    () => new m.Principal({ name: "pia", language: "rust", patents: 3, project: p }),
  ]) { s.add(make()); s.flush(); }
  s.commit();
  s.close();
}

test("joined-table: each class has its own table, keyed by a foreign key to its parent's", () => {
  const m = joinedTable();
  assert.deepEqual([...m.Base.metadata.tables.keys()].sort(), ["clerks", "engineers", "people", "principals", "projects", "teams"]);
  const fks = m.rows("PRAGMA foreign_key_list(principals)").map((r) => [r[2], r[3], r[4]]);
  assert.deepEqual(fks, [["engineers", "id", "id"]]);
  assert.deepEqual(m.Base.metadata.sortedTables.map((t) => t.name).filter((n) => !["projects", "clerks", "teams"].includes(n)), ["people", "engineers", "principals"]);
});

test("joined-table: INSERT writes the base row first, then each subclass row with the same key", () => {
  const m = joinedTable();
  const s = m.Session();
  s.add(new m.Principal({ name: "pia", language: "rust", patents: 3 }));
  const stmts = recordStatements(m.engine, () => s.flush());
  assert.deepEqual(dml(stmts), [
    "INSERT INTO people (name, kind, team_id) VALUES (?, ?, ?)",
    "INSERT INTO engineers (id, language, project_id) VALUES (?, ?, ?)",
    "INSERT INTO principals (id, patents) VALUES (?, ?)",
  ]);
  assert.deepEqual(stmts.filter((x) => x.sql.startsWith("INSERT")).map((x) => x.params[0]), ["pia", 1, 1]);
  assert.deepEqual(m.rows("SELECT p.id, p.kind, e.language, x.patents FROM people p JOIN engineers e ON e.id = p.id JOIN principals x ON x.id = e.id"), [[1, "principal", "rust", 3]]);
});

test("joined-table: querying a subclass joins its tables (inner joins) in one SELECT", () => {
  const m = joinedTable();
  seedJoined(m);
  const s = m.Session();
  const stmts = recordStatements(m.engine, () => {
    const engs = s.scalars(select(m.Engineer).where(m.Engineer.language.ne("cobol")).orderBy(m.Engineer.id)).all();
    assert.deepEqual(engs.map((e) => [clsName(e), e.name, e.language]), [["Engineer", "eve", "ts"], ["Principal", "pia", "rust"]]);
    assert.equal((engs[1] as InstanceType<typeof m.Principal>).patents, 3);
  });
  const sql = dml(stmts);
  assert.equal(sql.length, 1, sql.join("\n"));
  assert.match(sql[0]!, /FROM people JOIN engineers ON engineers\.id = people\.id LEFT OUTER JOIN principals ON principals\.id = engineers\.id WHERE engineers\.language != \?/);
});

test("joined-table: querying the base class outer-joins every subclass table and builds each row's class", () => {
  const m = joinedTable();
  seedJoined(m);
  const s = m.Session();
  let people: object[] = [];
  const stmts = recordStatements(m.engine, () => {
    people = s.scalars(select(m.Person).orderBy(m.Person.id)).all();
    assert.equal((people[2] as InstanceType<typeof m.Clerk>).desk, "D1");
    assert.equal((people[3] as InstanceType<typeof m.Principal>).patents, 3);
  });
  assert.equal(dml(stmts).length, 1);
  assert.match(dml(stmts)[0]!, /LEFT OUTER JOIN engineers ON .* LEFT OUTER JOIN principals ON .* LEFT OUTER JOIN clerks ON/);
  assert.deepEqual(people.map((p) => clsName(p)), ["Person", "Engineer", "Clerk", "Principal"]);
  // An object has its class's attributes only.
  assert.equal("desk" in inspect(people[1]!).attrs, false);
  assert.equal("language" in inspect(people[3]!).attrs, true);
});

test("joined-table: a change UPDATEs only the tables whose columns changed", () => {
  const m = joinedTable();
  seedJoined(m);
  const s = m.Session();
  const pia = s.get(m.Principal, 4)!;
  pia.patents = 4;
  assert.deepEqual(dml(recordStatements(m.engine, () => s.flush())), ["UPDATE principals SET patents=? WHERE principals.id = ?"]);
  pia.name = "pia b";
  pia.language = "zig";
  assert.deepEqual(dml(recordStatements(m.engine, () => s.flush())), ["UPDATE people SET name=? WHERE people.id = ?", "UPDATE engineers SET language=? WHERE engineers.id = ?"]);
  s.commit();
  assert.deepEqual(m.rows("SELECT p.name, e.language, x.patents FROM people p JOIN engineers e USING (id) JOIN principals x USING (id)"), [["pia b", "zig", 4]]);
});

test("joined-table: DELETE removes the subclass rows first, then the base row", () => {
  const m = joinedTable();
  seedJoined(m);
  const s = m.Session();
  s.delete(s.get(m.Person, 4)!);
  assert.deepEqual(dml(recordStatements(m.engine, () => s.commit())), [
    "DELETE FROM principals WHERE principals.id = ?", "DELETE FROM engineers WHERE engineers.id = ?", "DELETE FROM people WHERE people.id = ?",
  ]);
  assert.deepEqual(m.rows("SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM engineers), (SELECT count(*) FROM principals)"), [[3, 1, 0]]);
});

test("joined-table: expired attributes of a subclass reload in one joined SELECT", () => {
  const m = joinedTable();
  seedJoined(m);
  const s = m.Session();
  const pia = s.get(m.Principal, 4)!;
  s.expire(pia);
  const stmts = dml(recordStatements(m.engine, () => { assert.equal(pia.patents, 3); assert.equal(pia.name, "pia"); }));
  assert.equal(stmts.length, 1);
  assert.match(stmts[0]!, /FROM people JOIN engineers ON .* JOIN principals ON .* WHERE people\.id = \?/);
});

test("joined-table: a relationship declared on a subclass writes and loads through the subclass table", () => {
  const m = joinedTable();
  seedJoined(m);
  const s = m.Session();
  const proj = s.scalars(select(m.Project)).one();
  assert.deepEqual(proj.engineers.map((e) => `${clsName(e)}:${e.name}`), ["Engineer:eve", "Principal:pia"]);
  const eve = proj.engineers[0]!;
  assert.equal(eve.project, proj);
  const p2 = new m.Project({ title: "linker" });
  eve.project = p2;
  s.add(p2);
  const stmts = dml(recordStatements(m.engine, () => s.flush()));
  assert.deepEqual(stmts, ["INSERT INTO projects (title) VALUES (?)", "UPDATE engineers SET project_id=? WHERE engineers.id = ?"]);
  s.commit();
  assert.deepEqual(m.rows("SELECT id, project_id FROM engineers ORDER BY id"), [[2, 2], [4, 1]]);
});

test("joined-table: a new subclass object that refers to a new row gets its key in the right table's INSERT", () => {
  const m = joinedTable();
  const s = m.Session();
  const p = new m.Project({ title: "fresh" });
  s.add(new m.Engineer({ name: "neo", language: "go", project: p }));
  const stmts = dml(recordStatements(m.engine, () => s.commit()));
  assert.deepEqual(stmts, ["INSERT INTO projects (title) VALUES (?)", "INSERT INTO people (name, kind, team_id) VALUES (?, ?, ?)", "INSERT INTO engineers (id, language, project_id) VALUES (?, ?, ?)"]);
  assert.deepEqual(m.rows("SELECT id, language, project_id FROM engineers"), [[1, "go", 1]]);
});

test("joined-table: session.get() of a subclass joins its tables; a row of another class is not found", () => {
  const m = joinedTable();
  seedJoined(m);
  const s = m.Session();
  const stmts = dml(recordStatements(m.engine, () => assert.equal(s.get(m.Engineer, 3), null)));
  assert.match(stmts[0]!, /FROM people JOIN engineers ON engineers\.id = people\.id .*WHERE people\.id = \?/);
  assert.equal(s.get(m.Clerk, 3)!.desk, "D1");
});

test("joined-table: versioned rows bump the base table's counter when only a subclass column changes", () => {
  const m = joinedTable({ versioned: true });
  seedJoined(m);
  const s = m.Session();
  const eve = s.get(m.Engineer, 2)!;
  assert.equal((eve as any).version, 1);
  eve.language = "ocaml";
  assert.deepEqual(dml(recordStatements(m.engine, () => s.flush())), [
    "UPDATE people SET version=? WHERE people.id = ? AND people.version = ?", "UPDATE engineers SET language=? WHERE engineers.id = ?",
  ]);
  assert.equal((eve as any).version, 2);
  m.engine.connect().execute({ sql: "UPDATE people SET version = 9 WHERE id = 2", parameters: [] });
  eve.language = "lisp";
  assert.throws(() => s.flush(), StaleDataError);
});

test("joined-table: mapper events fire once per object, not once per table", () => {
  const m = joinedTable();
  const seen: string[] = [];
  event.listen(m.Principal, "before_insert", (_m, _c, t) => seen.push(`before_insert ${t.name}`));
  event.listen(m.Principal, "after_insert", (_m, _c, t) => seen.push(`after_insert ${t.name} ${t.id}`));
  event.listen(m.Principal, "before_update", (_m, _c, t) => seen.push(`before_update ${t.name}`));
  event.listen(m.Principal, "after_update", (_m, _c, t) => seen.push(`after_update ${t.name}`));
  event.listen(m.Principal, "before_delete", (_m, _c, t) => seen.push(`before_delete ${t.name}`));
  event.listen(m.Principal, "after_delete", (_m, _c, t) => seen.push(`after_delete ${t.name}`));
  const s = m.Session();
  const p = new m.Principal({ name: "pia", patents: 1 });
  s.add(p);
  s.flush();
  p.patents = 2;
  p.name = "pia2";
  s.flush();
  s.delete(p);
  s.flush();
  assert.deepEqual(seen, ["before_insert pia", "after_insert pia 1", "before_update pia2", "after_update pia2", "before_delete pia2", "after_delete pia2"]);
});

test("joined-table: rollback after a failed subclass INSERT leaves no base row behind", () => {
  const m = joinedTable();
  const s = m.Session();
  s.add(new m.Clerk({ name: "cal", desk: "D1" }));
  s.commit();
  // A clerk without a desk: the people row goes in, the clerks row fails (NOT NULL); the flush undoes both.
  s.add(new m.Clerk({ name: "deskless" }));
  const stmts = dml(recordStatements(m.engine, () => assert.throws(() => s.flush(), /NOT NULL constraint failed: clerks\.desk/)));
  assert.deepEqual(stmts.slice(0, 2), ["INSERT INTO people (name, kind, team_id) VALUES (?, ?, ?)", "INSERT INTO clerks (id, desk) VALUES (?, ?)"]);
  s.rollback();
  assert.deepEqual(m.rows("SELECT id, name FROM people"), [[1, "cal"]]);
  assert.deepEqual(s.scalars(select(m.Clerk)).all().map((c) => c.name), ["cal"]);
});

test("inheritance mistakes are clear errors at definition", () => {
  const Base = declarativeBase();
  @mapped
  class Plain extends Base.model("plain", { id: Column(Integer, { primaryKey: true }), kind: Column(String(10)) }) {}
  assert.throws(() => Base.inherit(Plain, { x: Column(Integer) }, { polymorphicIdentity: "x" }), (e: Error) => e instanceof ArgumentError && /names no discriminator column; add \{ polymorphicOn: "type" \}/.test(e.message));
  @mapped
  class Animal extends Base.model("animals", { id: Column(Integer, { primaryKey: true }), kind: Column(String(10)) }, { polymorphicOn: "kind", polymorphicIdentity: "animal" }) {}
  assert.throws(() => Base.inherit(Animal, { legs: Column(Integer) }), /needs \{ polymorphicIdentity: "\.\.\." \}/);
  assert.throws(() => Base.inherit(Animal, { kind: Column(String(5)) }, { polymorphicIdentity: "y" }), /"kind" is already a column of animals/);
  const NoFk = Base.inherit(Animal, "dogs", { id: Column(Integer, { primaryKey: true }), bark: Column(String(5)) }, { polymorphicIdentity: "dog" });
  assert.throws(() => mapped(class Dog extends NoFk {}), /no primary key column with a foreign key to animals: write id: Column\(Integer, ForeignKey\("animals\.id"\), \{ primaryKey: true \}\)/);
  @mapped
  class Cat extends Base.inherit(Animal, { lives: Column(Integer) }, { polymorphicIdentity: "cat" }) {}
  const Dup = Base.inherit(Animal, { purrs: Column(Integer) }, { polymorphicIdentity: "cat" });
  assert.throws(() => mapped(class Lion extends Dup {}), /Lion and Cat both have polymorphicIdentity "cat"/);
  assert.throws(() => Base.model("x", { id: Column(Integer, { primaryKey: true }) }, { polymorphicOn: "type" }), /polymorphicOn "type" must name one of its columns/);
  void Cat;
});

test("selecting a subclass's columns joins its tables or filters its rows, as selecting the class does", () => {
  const j = joinedTable();
  seedJoined(j);
  const s = j.Session();
  const stmts = dml(recordStatements(j.engine, () => {
    assert.deepEqual(s.execute(select(j.Engineer.name, j.Engineer.language).orderBy(j.Engineer.name)).all().map((r) => [...r]), [["eve", "ts"], ["pia", "rust"]]);
  }));
  assert.match(stmts[0]!, /^SELECT people\.name, engineers\.language FROM people JOIN engineers ON engineers\.id = people\.id ORDER BY people\.name$/);
  // The base class's columns are every row's.
  assert.equal(s.scalars(select(j.Person.name)).all().length, 4);

  const m = singleTable();
  seedSingle(m);
  const s2 = m.Session();
  const names = recordStatements(m.engine, () => assert.deepEqual(s2.scalars(select(m.Manager.name).orderBy(m.Manager.name)).all(), ["dan", "mia"]));
  assert.match(dml(names)[0]!, /WHERE employees\.type IN \(\?, \?\)/);
  assert.deepEqual(names.find((r) => r.sql.startsWith("SELECT"))!.params, ["manager", "director"]);
});

test("relationships to subclasses: lazy, selectin, join and any() see only that class's rows", () => {
  const j = joinedTable();
  seedJoined(j);
  const s = j.Session();
  const team = new j.Team({ name: "core" });
  team.members = s.scalars(select(j.Person).orderBy(j.Person.id)).all();
  s.add(team);
  s.commit();
  // Joined-table target through the base table's key: people.team_id.
  const lazy = recordStatements(j.engine, () => assert.deepEqual(team.engineers.map((e) => e.name).sort(), ["eve", "pia"]));
  assert.match(dml(lazy).find((q) => q.includes("FROM people"))!, /FROM people JOIN engineers ON engineers\.id = people\.id LEFT OUTER JOIN principals ON .* WHERE people\.team_id IN \(\?\)/);
  const s2 = j.Session();
  const viaJoin = s2.scalars(select(j.Team).join(j.Team.engineers).where(j.Engineer.language.eq("rust"))).all();
  assert.deepEqual(viaJoin.map((t) => t.name), ["core"]);
  assert.equal(s2.scalars(select(j.Team).where(j.Team.engineers.any(j.Engineer.language.eq("cobol")))).all().length, 0);
  assert.equal(s2.scalars(select(j.Team).where(j.Team.engineers.any(j.Engineer.language.eq("ts")))).all().length, 1);
  const loaded = s2.scalars(select(j.Team).options(selectinload(j.Team.engineers))).one();
  expectStatementCount(j.engine, 0, () => assert.equal(loaded.engineers.length, 2));

  const m = singleTable();
  seedSingle(m);
  const s3 = m.Session();
  const acme = s3.scalars(select(m.Company)).one();
  const managers = recordStatements(m.engine, () => assert.deepEqual(acme.managers.map((x) => x.name), ["mia", "dan"]));
  assert.match(dml(managers)[0]!, /WHERE employees\.company_id IN \(\?\) AND employees\.type IN \(\?, \?\)/);
  assert.equal(s3.scalars(select(m.Company).where(m.Company.managers.any(m.Manager.budget.gt(500)))).all().length, 1);
  assert.equal(s3.scalars(select(m.Company).where(m.Company.managers.any(m.Employee.name.eq("eve")))).all().length, 0, "eve is an engineer, not a manager");
  assert.equal(s3.scalars(select(m.Company).join(m.Company.managers).where(m.Employee.name.eq("eve"))).all().length, 0);
});

test("ORM-enabled DML on a single-table subclass is about its rows; on a joined subclass it is refused", () => {
  const m = singleTable();
  seedSingle(m);
  const s = m.Session();
  const mia = s.get(m.Manager, 2)!;
  const stmts = recordStatements(m.engine, () => s.execute(update(m.Manager).values({ company_id: null })));
  assert.match(dml(stmts).find((q) => q.startsWith("UPDATE"))!, /^UPDATE employees SET company_id=NULL WHERE employees\.type IN \(\?, \?\)/);
  assert.deepEqual(m.engine.connect().execute({ sql: "SELECT name FROM employees WHERE company_id IS NULL ORDER BY id", parameters: [] }).rows.map((r) => r[0]), ["mia", "dan"]);
  assert.equal(mia.company_id, null, "the session's manager is kept in step");
  s.execute(deleteFrom(m.Engineer));
  s.execute(insert(m.Manager), [{ name: "neo", budget: 1 }]);
  s.commit();
  assert.deepEqual(m.engine.connect().execute({ sql: "SELECT name, type FROM employees ORDER BY id", parameters: [] }).rows, [["ed", "employee"], ["mia", "manager"], ["dan", "director"], ["neo", "manager"]]);

  const j = joinedTable();
  const s2 = j.Session();
  assert.throws(() => s2.execute(update(j.Engineer).values({ language: "x" })), (e: Error) => e instanceof InvalidRequestError && /update\(Engineer\): Engineer spans several tables \(joined-table inheritance\)/.test(e.message));
  assert.throws(() => s2.execute(insert(j.Engineer), [{ name: "x" }]), /insert\(Engineer\): Engineer spans several tables/);
});

test("a subclass is mapped with its parents' attributes: backPopulates and orderBy may name inherited ones", () => {
  const Base = declarativeBase();
  @mapped
  class Company extends Base.model("companies", {
    id: Column(Integer, { primaryKey: true }),
    engineers: relationship<Engineer[]>("Engineer", { backPopulates: "company", orderBy: "name" }),
  }) {}
  @mapped
  class Person extends Base.model("people", {
    id: Column(Integer, { primaryKey: true }), name: Column(String(20)), kind: Column(String(20)),
    company_id: Column(Integer, ForeignKey("companies.id")),
    company: relationship<Company>("Company", { backPopulates: "engineers" }),
  }, { polymorphicOn: "kind", polymorphicIdentity: "person" }) {}
  @mapped
  class Engineer extends Base.inherit(Person, "engineers", {
    id: Column(Integer, ForeignKey("people.id"), { primaryKey: true }), language: Column(String(20)),
  }, { polymorphicIdentity: "engineer" }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  const c = new Company();
  const zed = new Engineer({ name: "zed", language: "go" });
  const amy = new Engineer({ name: "amy", language: "c" });
  c.engineers = [zed, amy];
  assert.equal(zed.company, c, "the inherited many-to-one is the other side");
  s.add(c);
  s.commit();
  const s2 = sessionmaker({ bind: engine })();
  const loaded = s2.scalars(select(Company)).one();
  assert.deepEqual(loaded.engineers.map((e) => e.name), ["amy", "zed"], "ordered by the inherited column");
  void Person;
});
