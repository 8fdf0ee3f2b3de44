/** A small blog model shared by ORM tests: users → posts (one-to-many), posts ↔ tags (many-to-many). */
import {
  declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, Table, createEngine, sessionmaker,
} from "../../src/index";

export function blog(options: { cascade?: string; echo?: boolean } = {}) {
  const Base = declarativeBase();
  const postTags = Table("post_tags", Base.metadata,
    Column("post_id", Integer, ForeignKey("posts.id"), { primaryKey: true }),
    Column("tag_id", Integer, ForeignKey("tags.id"), { primaryKey: true }));

  @mapped
  class User extends Base.model("users", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50), { nullable: false }),
    age: Column(Integer),
    posts: relationship<Post[]>("Post", { backPopulates: "author", ...(options.cascade ? { cascade: options.cascade } : {}) }),
  }) {
    override toString() { return `User(${this.name})`; }
  }

  @mapped
  class Post extends Base.model("posts", {
    id: Column(Integer, { primaryKey: true }),
    title: Column(String(100), { nullable: false }),
    user_id: Column(Integer, ForeignKey("users.id")),
    author: relationship<User>("User", { backPopulates: "posts" }),
    tags: relationship<Tag[]>("Tag", { secondary: "post_tags", backPopulates: "posts" }),
  }) {}

  @mapped
  class Tag extends Base.model("tags", {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false, unique: true }),
    posts: relationship<Post[]>("Post", { secondary: postTags, backPopulates: "tags" }),
  }) {}

  const engine = createEngine("sqlite:///:memory:", options.echo ? { echo: true } : {});
  Base.metadata.createAll(engine);
  const Session = sessionmaker({ bind: engine });
  return { Base, User, Post, Tag, postTags, engine, Session };
}
