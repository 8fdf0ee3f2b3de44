// Add and commit: several objects, generated keys.
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select } from "orm-core";
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
const Session = sessionmaker({ bind: engine });
const session = Session();

session.addAll([new User({ name: "Alice", age: 30 }), new User({ name: "Bob", age: 25 }), new User({ name: "Carol", age: 35 })]);
session.commit();
print([...session.execute(select(User).orderBy(User.id)).scalars()].map((u) => u.id));
print(session.execute(select(User.name).orderBy(User.name)).scalars().all());
