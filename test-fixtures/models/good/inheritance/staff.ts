// Subclasses of Employee (models.ts): their parent and its table are declared in another file.
import { mapped, Column, Integer, String, ForeignKey, relationship } from "orm-core";
import { Base, Employee } from "./models";

@mapped
export class Office extends Base.model("offices", {
  id: Column(Integer, { primaryKey: true }),
  city: Column(String(50)),
  managers: relationship<Manager[]>("Manager", { backPopulates: "office" }),
}) {}

@mapped
export class Project extends Base.model("projects", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(50)),
  engineers: relationship<Engineer[]>("Engineer", { backPopulates: "project", orderBy: "language" }),
}) {}

// Single-table: budget and office_id are added to the employees table.
@mapped
export class Manager extends Base.inherit(Employee, {
  budget: Column(Integer),
  office_id: Column(Integer, ForeignKey("offices.id")),
  office: relationship<Office>("Office", { backPopulates: "managers" }),
}, { polymorphicIdentity: "manager" }) {}

// Joined-table: its own table, keyed by a foreign key to the parent's.
@mapped
export class Engineer extends Base.inherit(Employee, "engineers", {
  id: Column(Integer, ForeignKey("employees.id"), { primaryKey: true }),
  language: Column(String(30)),
  project_id: Column(Integer, ForeignKey("projects.id")),
  project: relationship<Project>("Project", { backPopulates: "engineers" }),
}, { polymorphicIdentity: "engineer" }) {}

// Single-table below a joined-table class: patents is added to the engineers table.
@mapped
export class Principal extends Base.inherit(Engineer, { patents: Column(Integer) }, { polymorphicIdentity: "principal" }) {}
