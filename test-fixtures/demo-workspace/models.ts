// The demo blog: users write posts, posts carry tags. Hover a class for its DDL,
// a relationship for its join; break a name to see a diagnostic.
import { declarativeBase, mapped, Column, Integer, String, Text, DateTime, ForeignKey, relationship, Table } from "orm-core";

export const Base = declarativeBase();

export const postTags = Table("post_tags", Base.metadata,
  Column("post_id", Integer, ForeignKey("posts.id"), { primaryKey: true }),
  Column("tag_id", Integer, ForeignKey("tags.id"), { primaryKey: true }),
);

@mapped
export class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  email: Column(String(100), { unique: true }),
  age: Column(Integer),
  posts: relationship<Post[]>("Post", { backPopulates: "author", cascade: "all, delete-orphan" }),
}) {}

@mapped
export class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100), { nullable: false }),
  body: Column(Text),
  created: Column(DateTime),
  user_id: Column(Integer, ForeignKey("users.id"), { nullable: false }),
  author: relationship<User>("User", { backPopulates: "posts" }),
  tags: relationship<Tag[]>("Tag", { secondary: postTags, backPopulates: "posts" }),
}) {}

@mapped
export class Tag extends Base.model("tags", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(30), { nullable: false, unique: true }),
  posts: relationship<Post[]>("Post", { secondary: postTags, backPopulates: "tags" }),
}) {}
