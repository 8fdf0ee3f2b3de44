// Smallest model that triggers ORM116: orderBy names an unknown attribute of the target.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship } from "orm-core";

export const Base = declarativeBase();

@mapped
export class Employee extends Base.model("employees", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  manager_id: Column(Integer, ForeignKey("employees.id")),
  reports: relationship<Employee[]>("Employee", { orderBy: "nmae" }),
}) {}
