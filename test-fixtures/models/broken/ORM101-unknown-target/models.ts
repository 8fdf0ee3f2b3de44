// Smallest model that triggers ORM101: unknown target.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship } from "orm-core";

export const Base = declarativeBase();

@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  posts: relationship<Post[]>("Pots", { backPopulates: "author" }),
}) {}

@mapped
export class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100)),
  user_id: Column(Integer, ForeignKey("users.id")),
  author: relationship<User>("User", { backPopulates: "posts" }),
}) {}
