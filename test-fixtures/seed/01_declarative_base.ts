// Declarative base: classes become tables.
import { declarativeBase, mapped, Column, Integer, String, createEngine, inspect } from "orm-core";
import { print, sorted } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  email: Column(String(100)),
}) {
  override toString() { return `User(id=${this.id ?? "None"}, name='${this.name}')`; }
}

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
print(sorted(Base.metadata.tables.keys()));
print(User.__table__.columns.map((c) => c.name));
print(inspect(engine).getTableNames());
print(new User({ name: "Alice" }));
