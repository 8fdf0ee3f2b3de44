// Delete: session.delete() and bulk deleteFrom().
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select, deleteFrom, func } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
}) {}

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
const session = sessionmaker({ bind: engine })();
session.addAll([new User({ name: "Alice" }), new User({ name: "Bob" }), new User({ name: "Carol" })]);
session.commit();

const bob = session.execute(select(User).filterBy({ name: "Bob" })).scalarOne();
session.delete(bob);
session.commit();
print(session.execute(select(User.name).orderBy(User.name)).scalars().all());
session.execute(deleteFrom(User).where(User.name.eq("Carol")));
session.commit();
print(session.execute(select(func.count(User.id))).scalar());
print(session.get(User, 2));
