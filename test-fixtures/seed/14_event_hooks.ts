// Event hooks: mapper and session events.
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, event } from "orm-core";
import { print } from "./pyfmt";

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  slug: Column(String(50)),
}) {}

const log: string[] = [];

event.listensFor(User, "before_insert")((_mapper: unknown, _connection: unknown, target: User) => {
  target.slug = target.name!.toLowerCase().replace(/ /g, "-");
  log.push("before_insert " + target.name);
});

event.listensFor(User, "after_insert")((_mapper: unknown, _connection: unknown, target: User) => {
  log.push(`after_insert ${target.id}`);
});

const engine = createEngine("sqlite:///:memory:");
Base.metadata.createAll(engine);
const Session = sessionmaker({ bind: engine });

event.listensFor(Session, "after_commit")(() => {
  log.push("after_commit");
});

const session = Session();
const user = new User({ name: "Alice Smith" });
session.add(user);
session.commit();
print(user.slug);
print(log);
