// Smallest model that triggers ORM116: unknown remote side.
import { declarativeBase, mapped, Column, Integer, ForeignKey, relationship } from "orm-core";

export const Base = declarativeBase();

@mapped
export class Employee extends Base.model("employees", {
  id: Column(Integer, { primaryKey: true }),
  manager_id: Column(Integer, ForeignKey("employees.id")),
  manager: relationship<Employee>("Employee", { remoteSide: "ident" }),
}) {}
