// Self-referential: an adjacency list with remoteSide and backref.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class Employee extends Base.model("employees", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  manager_id: Column(Integer, ForeignKey("employees.id")),
  manager: relationship<Employee>("Employee", { remoteSide: ["id"], backref: "subordinates" }),
}) {
  declare subordinates: Employee[];
}

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
const session = sessionmaker({ bind: engine })();

const ceo = new Employee({ name: "CEO" });
const manager = new Employee({ name: "Manager", manager: ceo });
session.addAll([ceo, manager, new Employee({ name: "Worker", manager })]);
session.commit();
const worker = session.execute(select(Employee).filterBy({ name: "Worker" })).scalarOne();
print(`Manager: ${worker.manager!.name}, Boss: ${worker.manager!.manager!.name}`);
print(ceo.subordinates.map((e) => e.name));
print(ceo.manager);
