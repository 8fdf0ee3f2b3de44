// One-to-many: relationship() with backPopulates.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  posts: relationship<Post[]>("Post", { backPopulates: "author" }),
}) {}

@mapped
class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100)),
  user_id: Column(Integer, ForeignKey("users.id")),
  author: relationship<User>("User", { backPopulates: "posts" }),
}) {}

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
const session = sessionmaker({ bind: engine })();

const alice = new User({ name: "Alice" });
alice.posts.push(new Post({ title: "First post" }));
alice.posts.push(new Post({ title: "Second post" }));
print(alice.posts[0]!.author!.name);
session.add(alice);
session.commit();
print(alice.posts.map((p) => p.title));
const post = session.execute(select(Post).filterBy({ title: "Second post" })).scalarOne();
print(post.author!.name, post.user_id);
