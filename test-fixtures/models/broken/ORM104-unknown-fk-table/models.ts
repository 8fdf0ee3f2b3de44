// Smallest model that triggers ORM104: unknown fk table.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey } from "orm-core";

export const Base = declarativeBase();

@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  
}) {}

@mapped
export class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100)),
  user_id: Column(Integer, ForeignKey("user.id")),
}) {}
