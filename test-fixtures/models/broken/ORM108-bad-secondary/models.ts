// Smallest model that triggers ORM108: bad secondary.
import { declarativeBase, mapped, Column, Integer, String, relationship } from "orm-core";

export const Base = declarativeBase();

@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  posts: relationship<Post[]>("Post", { secondary: "user_posts" }),
}) {}

@mapped
export class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100)),
  
}) {}
