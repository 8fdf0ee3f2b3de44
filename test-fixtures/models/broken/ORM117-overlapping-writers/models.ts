// Smallest model that triggers ORM117: two relationships write posts.user_id and are not paired.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship } from "orm-core";

export const Base = declarativeBase();

@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  posts: relationship<Post[]>("Post"),
}) {}

@mapped
export class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  user_id: Column(Integer, ForeignKey("users.id")),
  writer: relationship<User>("User"),
}) {}
