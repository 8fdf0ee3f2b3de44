// A valid model with both kinds of inheritance. The base classes are here; their subclasses
// (single-table Manager and Principal, joined-table Engineer) are in staff.ts.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship } from "orm-core";
import type { Manager } from "./staff";

export const Base = declarativeBase();

@mapped
export class Company extends Base.model("companies", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  employees: relationship<Employee[]>("Employee", { backPopulates: "company", orderBy: "id" }),
  // A relationship to a subclass declared in another file.
  managers: relationship<Manager[]>("Manager", { viewonly: true, orderBy: "budget desc" }),
}) {}

@mapped
export class Employee extends Base.model("employees", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  type: Column(String(20), { nullable: false }),
  company_id: Column(Integer, ForeignKey("companies.id")),
  company: relationship<Company>("Company", { backPopulates: "employees" }),
}, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {}
