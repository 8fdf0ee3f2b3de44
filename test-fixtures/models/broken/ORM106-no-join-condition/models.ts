// Smallest model that triggers ORM106: no join condition.
import { declarativeBase, mapped, Column, Integer, String, relationship } from "orm-core";

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
  title: Column(String(100)),
  owner: Column(Integer),
}) {}
