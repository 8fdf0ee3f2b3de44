// Makes a demo workspace for `npm start` and the end-to-end tests: the demo models and queries,
// a file with a broken relationship, node_modules/orm-core linked to this repo, and demo.db.
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

export const BROKEN = `// A relationship with a misspelt backPopulates: the editor underlines "autor".
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship } from "orm-core";

const Base = declarativeBase();

@mapped
export class Author extends Base.model("authors", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50)),
  books: relationship<Book[]>("Book", { backPopulates: "autor" }),
}) {}

@mapped
export class Book extends Base.model("books", {
  id: Column(Integer, { primaryKey: true }),
  title: Column(String(100)),
  author_id: Column(Integer, ForeignKey("authors.id")),
  author: relationship<Author>("Author", { backPopulates: "books" }),
  sequel: relationship<Book>(""),
}) {}
`;

export function makeWorkspace(dir, { withDatabase = true } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  cpSync(join(repo, "test-fixtures", "demo-workspace"), dir, { recursive: true });
  writeFileSync(join(dir, "broken.ts"), BROKEN);
  symlinkSync(join(repo, "orm-core"), join(dir, "node_modules", "orm-core"), "dir");
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, skipLibCheck: true } }, null, 2));
  if (withDatabase) require(join(repo, "test-fixtures", "dist", "databases", "make-demo-db.js")).makeDemoDb(dir);
  return dir;
}
