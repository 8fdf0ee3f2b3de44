/**
 * Makes the demo database: `node test-fixtures/dist/databases/make-demo-db.js <folder>` writes
 * <folder>/demo.db with the demo workspace's tables and a few rows, through orm-core itself.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createEngine, sessionmaker } from "orm-core";
import { Base, User, Post, Tag } from "../demo-workspace/models";

export function makeDemoDb(folder: string): string {
  const file = path.join(folder, "demo.db");
  fs.rmSync(file, { force: true });
  const engine = createEngine(`sqlite:///${file}`);
  Base.metadata.createAll(engine);
  const session = sessionmaker({ bind: engine })();
  const sql = new Tag({ name: "sql" }), ts = new Tag({ name: "typescript" }), orm = new Tag({ name: "orm" });
  const at = (d: string) => new Date(`${d}T09:30:00Z`);
  session.addAll([
    new User({ name: "Alice", email: "alice@example.com", age: 30, posts: [
      new Post({ title: "Hello, orm-core", body: "First post.", created: at("2026-01-05"), tags: [orm, ts] }),
      new Post({ title: "Joins without tears", body: "select(User).join(User.posts)", created: at("2026-02-11"), tags: [sql, orm] }),
    ] }),
    new User({ name: "Bob", email: "bob@example.com", age: 25, posts: [new Post({ title: "Why SQLite", created: at("2026-03-02"), tags: [sql] })] }),
    new User({ name: "Carol", email: "carol@example.com", age: 35 }),
  ]);
  session.commit();
  session.close();
  engine.dispose();
  return file;
}

if (require.main === module) console.log(makeDemoDb(path.resolve(process.argv[2] ?? ".")));
