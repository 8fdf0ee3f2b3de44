// Hybrid property: one definition for instances and for SQL.
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select, hybridProperty, type ColumnElement } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  first_name: Column(String(50)),
  last_name: Column(String(50)),
}) {
  @hybridProperty({ expression: (cls: typeof User) => cls.first_name.concat(" ").concat(cls.last_name) })
  get full_name(): string { return `${this.first_name} ${this.last_name}`; }

  declare static full_name: ColumnElement<string>;
}

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
const session = sessionmaker({ bind: engine })();
session.addAll([new User({ first_name: "Alice", last_name: "Smith" }), new User({ first_name: "Bob", last_name: "Jones" })]);
session.commit();

print(session.get(User, 1)!.full_name);
print(session.execute(select(User).where(User.full_name.eq("Bob Jones"))).scalarOne().id);
print(session.execute(select(User.full_name).orderBy(User.full_name)).scalars().all());
