// Filter: where(), filterBy(), like, in, and/or.
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select, and, or } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  age: Column(Integer),
}) {}

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
const session = sessionmaker({ bind: engine })();
session.addAll([new User({ name: "Alice", age: 30 }), new User({ name: "Bob", age: 25 }), new User({ name: "Carol", age: 35 }), new User({ name: "Dave", age: 28 })]);
session.commit();

print(session.scalars(select(User).where(User.age.gt(28)).orderBy(User.name)).all().map((u) => u.name));
print(session.scalars(select(User).filterBy({ name: "Dave" })).all().map((u) => u.name));
print(session.scalars(select(User).where(User.name.like("%a%")).orderBy(User.id)).all().map((u) => u.name));
print(session.scalars(select(User).where(User.name.in(["Alice", "Carol"])).orderBy(User.id)).all().map((u) => u.id));
print(session.scalars(select(User).where(or(User.age.lt(26), and(User.age.gt(30), User.name.ne("Bob")))).orderBy(User.name)).all().map((u) => u.name));
