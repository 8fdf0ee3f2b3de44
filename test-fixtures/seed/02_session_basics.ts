// Session basics: add, flush, identity map.
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
}) {}

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
const Session = sessionmaker({ bind: engine });
const session = Session();

const alice = new User({ name: "Alice" });
session.add(alice);
print(session.new.has(alice));
session.flush();
print(alice.id);
print(session.get(User, 1) === alice);
print(session.new.size);
