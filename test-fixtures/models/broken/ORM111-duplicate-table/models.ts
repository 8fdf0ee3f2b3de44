// Smallest model that triggers ORM111: duplicate table.
import { declarativeBase, mapped, Column, Integer, String } from "orm-core";

export const Base = declarativeBase();

@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  
}) {}

@mapped
export class Account extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
}) {}
