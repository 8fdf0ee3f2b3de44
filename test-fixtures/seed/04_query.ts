// Query: select(), orderBy, scalars, rows.
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select, func } from "orm-core";
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
session.addAll([new User({ name: "Alice", age: 30 }), new User({ name: "Bob", age: 25 }), new User({ name: "Carol", age: 35 })]);
session.commit();

const users = session.execute(select(User).orderBy(User.age)).scalars().all();
print(users.map((u) => u.name));
for (const [name, age] of session.execute(select(User.name, User.age).orderBy(User.name.desc()))) {
  print(name, age);
}
print(session.execute(select(func.count()).selectFrom(User)).scalar());
print(session.execute(select(User).where(User.name.eq("Bob"))).scalarOne().age);
