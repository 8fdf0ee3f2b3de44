// Smallest model that triggers ORM115: missing mapped.
import { declarativeBase, mapped, Column, Integer, String } from "orm-core";

export const Base = declarativeBase();

@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  
}) {}

export class Comment extends Base.model("comments", {
  id: Column(Integer, { primaryKey: true }),
}) {}
