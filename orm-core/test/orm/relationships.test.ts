import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select,
  selectinload, joinedload, event, RelationshipAttribute, hybridProperty, validates, Session as SessionClass, ArgumentError,
} from "../../src/index";
import { recordStatements } from "../support/sql";

function orgChart() {
  const Base = declarativeBase();
  @mapped
  class Employee extends Base.model("employees", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50), { nullable: false }),
    manager_id: Column(Integer, ForeignKey("employees.id")),
    manager: relationship<Employee>("Employee", { remoteSide: "id", backref: "subordinates" }),
  }) {
    declare subordinates: Employee[];
    declare static subordinates: RelationshipAttribute<Employee[]>;
  }
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  return { Employee, engine, Session: sessionmaker({ bind: engine }) };
}

test("self-referential: remoteSide makes a many-to-one, backref creates the one-to-many; rows insert parent first", () => {
  const { Employee, engine, Session } = orgChart();
  const s = Session();
  const ceo = new Employee({ name: "CEO" });
  const boss = new Employee({ name: "Boss" });
  const worker = new Employee({ name: "Worker" });
  worker.manager = boss;
  boss.manager = ceo;
  assert.deepEqual(ceo.subordinates.map((e) => e.name), ["Boss"]);
  s.add(worker);
  const inserts = recordStatements(engine, () => s.commit()).filter((r) => r.sql.startsWith("INSERT"));
  assert.deepEqual(inserts.map((r) => r.params[0]), ["CEO", "Boss", "Worker"]);
  const w = s.scalars(select(Employee).where(Employee.name.eq("Worker"))).one();
  assert.equal(`${w.manager!.name}, ${w.manager!.manager!.name}`, "Boss, CEO");
  const loaded = s.scalars(select(Employee).where(Employee.name.eq("CEO")).options(selectinload(Employee.subordinates))).one();
  assert.deepEqual(loaded.subordinates.map((e) => e.name), ["Boss"]);
  const joined = select(Employee).join(Employee.manager).where(Employee.name.eq("Worker"));
  assert.match(joined.toString(), /FROM employees JOIN employees AS employees_\d+ ON employees.manager_id = employees_\d+.id/);
  assert.equal(s.scalars(joined).all().length, 1);
});

test("mapper and session events fire at the named points, in order", () => {
  const Base = declarativeBase();
  @mapped
  class Item extends Base.model("items", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(20)),
    slug: Column(String(20)),
  }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  const log: string[] = [];
  event.listen(Item, "before_insert", (_m, _c, target) => { target.slug = `${target.name}`.toLowerCase(); log.push("before_insert"); });
  event.listen(Item, "after_insert", (_m, _c, target) => log.push(`after_insert ${target.id}`));
  event.listen(Item, "before_update", () => log.push("before_update"));
  event.listen(Item, "before_delete", () => log.push("before_delete"));
  event.listensFor(Session, "before_flush")(() => log.push("before_flush"));
  event.listen(Session, "after_commit", () => log.push("after_commit"));
  const s = Session();
  const it = new Item({ name: "Hello" });
  s.add(it);
  s.commit();
  assert.equal(it.slug, "hello");
  it.name = "x";
  s.commit();
  s.delete(it);
  s.commit();
  assert.deepEqual(log, ["before_flush", "before_insert", "after_insert 1", "after_commit", "before_flush", "before_update", "after_commit", "before_flush", "before_delete", "after_commit"]);
  assert.throws(() => event.listen(Item, "before_insret" as never, () => {}), (e: unknown) => e instanceof ArgumentError && /Did you mean "before_insert"/.test(e.message));
  void SessionClass;
});

test("hybrid properties work on instances and in SQL; validators run on assignment", () => {
  const Base = declarativeBase();
  @mapped
  class Person extends Base.model("people", {
    id: Column(Integer, { primaryKey: true }),
    first: Column(String(20), { nullable: false }),
    last: Column(String(20), { nullable: false }),
    email: Column(String(50)),
  }) {
    @hybridProperty({ expression: (cls) => cls.first.concat(" ").concat(cls.last) })
    get fullName(): string { return `${this.first} ${this.last}`; }

    @validates("email")
    checkEmail(_key: string, value: string) {
      if (!value.includes("@")) throw new Error(`invalid email ${value}`);
      return value.toLowerCase();
    }
  }
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  const p = new Person({ first: "Ada", last: "Lovelace", email: "ADA@X.ORG" });
  assert.equal(p.email, "ada@x.org");
  assert.throws(() => { p.email = "nope"; }, /invalid email/);
  s.add(p);
  s.add(new Person({ first: "Alan", last: "Turing" }));
  s.commit();
  assert.equal(p.fullName, "Ada Lovelace");
  const F = (Person as unknown as { fullName: import("../../src/index").ColumnElement<string> }).fullName;
  assert.deepEqual(s.scalars(select(Person).where(F.eq("Alan Turing"))).all().map((x) => x.first), ["Alan"]);
  assert.deepEqual(s.scalars(select(F).orderBy(F.desc())).all(), ["Alan Turing", "Ada Lovelace"]);
});

test("joinedload through a chain loads everything in one statement", () => {
  const Base = declarativeBase();
  @mapped class A extends Base.model("a", { id: Column(Integer, { primaryKey: true }), bs: relationship<B[]>("B") }) {}
  @mapped class B extends Base.model("b", { id: Column(Integer, { primaryKey: true }), a_id: Column(Integer, ForeignKey("a.id")), cs: relationship<C[]>("C") }) {}
  @mapped class C extends Base.model("c", { id: Column(Integer, { primaryKey: true }), b_id: Column(Integer, ForeignKey("b.id")) }) {}
  const engine = createEngine("sqlite:///:memory:");
  Base.metadata.createAll(engine);
  const s = sessionmaker({ bind: engine })();
  s.add(new A({ bs: [new B({ cs: [new C(), new C()] }), new B()] }));
  s.commit();
  s.close();
  const stmts = recordStatements(engine, () => {
    const a = s.scalars(select(A).options(joinedload(A.bs).joinedload(B.cs))).unique().one();
    assert.deepEqual(a.bs.map((b) => b.cs.length).sort(), [0, 2]);
  }).filter((r) => r.sql.startsWith("SELECT"));
  assert.equal(stmts.length, 1);
  const stmts2 = recordStatements(engine, () => {
    const s2 = sessionmaker({ bind: engine })();
    const a = s2.scalars(select(A).options(selectinload(A.bs).selectinload(B.cs))).one();
    assert.deepEqual(a.bs.map((b) => b.cs.length).sort(), [0, 2]);
  }).filter((r) => r.sql.startsWith("SELECT"));
  assert.equal(stmts2.length, 3);
});
