// Eager loading: selectinload and joinedload.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, createEngine, sessionmaker, select, event, selectinload, joinedload } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  posts: relationship<Post[]>("Post", { backPopulates: "author", orderBy: "id" }),
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
const Session = sessionmaker({ bind: engine });
let session = Session();
session.addAll([new User({ name: "Alice", posts: [new Post({ title: "a1" }), new Post({ title: "a2" })] }), new User({ name: "Bob", posts: [new Post({ title: "b1" })] })]);
session.commit();
session.close();

const statements: string[] = [];
event.listen(engine, "before_cursor_execute", (_conn, _cursor, statement) => { statements.push(statement); });

session = Session();
let users = session.execute(select(User).options(selectinload(User.posts)).orderBy(User.id)).scalars().all();
print(users.map((u) => u.posts.map((p) => p.title)));
print(statements.filter((s) => s.startsWith("SELECT")).length);
session.close();
statements.length = 0;
session = Session();
users = session.execute(select(User).options(joinedload(User.posts)).orderBy(User.id)).unique().scalars().all();
print(users.map((u) => u.posts.length));
print(statements.filter((s) => s.startsWith("SELECT")).length);
