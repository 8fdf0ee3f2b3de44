// Update: change an attribute and commit; bulk update().
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select, update } from "orm-core";
import { print, tuple } from "./pyfmt";

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
session.addAll([new User({ name: "Alice", age: 30 }), new User({ name: "Bob", age: 25 })]);
session.commit();

const bob = session.execute(select(User).filterBy({ name: "Bob" })).scalarOne();
bob.age = 26;
print(session.dirty.has(bob));
session.commit();
print(bob.age);
session.execute(update(User).where(User.age.lt(30)).values({ age: User.age.add(10) }));
session.commit();
print(session.scalars(select(User).orderBy(User.id)).all().map((u) => tuple(u.name, u.age)));
