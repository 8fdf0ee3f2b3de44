// A valid self-referential model: employees and their managers (remoteSide + backref).
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, type RelationshipAttribute } from "orm-core";

export const Base = declarativeBase();

@mapped
export class Department extends Base.model("departments", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  employees: relationship<Employee[]>("Employee", { backPopulates: "department" }),
}) {}

@mapped
export class Employee extends Base.model("employees", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  manager_id: Column(Integer, ForeignKey("employees.id")),
  department_id: Column(Integer, ForeignKey("departments.id")),
  manager: relationship<Employee>("Employee", { remoteSide: ["id"], backref: "reports" }),
  department: relationship<Department>("Department", { backPopulates: "employees" }),
}) {
  declare reports: Employee[];
  declare static reports: RelationshipAttribute<Employee[]>;
}
