// Cascade delete: "all, delete-orphan".
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select, func, asCollection } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  posts: relationship<Post[]>("Post", { backPopulates: "author", cascade: "all, delete-orphan" }),
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

const alice = new User({ name: "Alice", posts: [new Post({ title: "a" }), new Post({ title: "b" }), new Post({ title: "c" })] });
session.add(alice);
session.commit();
asCollection(alice.posts).remove(alice.posts[0]!);
session.commit();
print(session.execute(select(Post.title).orderBy(Post.title)).scalars().all());
session.delete(alice);
session.commit();
print(session.execute(select(func.count(Post.id))).scalar());
