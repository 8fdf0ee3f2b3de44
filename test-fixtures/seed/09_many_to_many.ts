// Many-to-many: an association table as secondary.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, Table, relationship, createEngine, sessionmaker, select } from "orm-core";
import { print, sorted } from "./pyfmt";

const Base = declarativeBase();

const postTags = Table("post_tags", Base.metadata,
  Column("post_id", Integer, ForeignKey("posts.id"), { primaryKey: true }),
  Column("tag_id", Integer, ForeignKey("tags.id"), { primaryKey: true }),
);

@mapped
class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100)),
  tags: relationship<Tag[]>("Tag", { secondary: postTags, backPopulates: "posts" }),
}) {}

@mapped
class Tag extends Base.model("tags", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(30)),
  posts: relationship<Post[]>("Post", { secondary: postTags, backPopulates: "tags" }),
}) {}

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
const session = sessionmaker({ bind: engine })();

const python = new Tag({ name: "python" }), sql = new Tag({ name: "sql" });
session.addAll([new Post({ title: "ORM intro", tags: [python, sql] }), new Post({ title: "Queries", tags: [sql] })]);
session.commit();
print(sorted(session.execute(select(Post).filterBy({ title: "ORM intro" })).scalarOne().tags.map((t) => t.name!)));
print(sorted(sql.posts.map((p) => p.title!)));
print(python.posts.length);
