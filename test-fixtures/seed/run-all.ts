/**
 * `npm start`: runs the fourteen seed examples against embedded SQLite and
 * shows each one's output next to what SQLAlchemy prints for its original.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";

const src = path.join(__dirname, "..", "..", "seed");
const names = fs.readdirSync(src).filter((f) => /^\d\d_.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, "")).sort();
let same = 0;
for (const name of names) {
  const run = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`)], { encoding: "utf8", timeout: 20_000 });
  const expected = fs.readFileSync(path.join(src, "expected", `${name}.txt`), "utf8");
  const ok = run.status === 0 && run.stdout === expected;
  if (ok) same++;
  console.log(`── ${name} ${ok ? "(same output as SQLAlchemy)" : "(DIFFERS from SQLAlchemy)"}`);
  process.stdout.write(run.stdout + (run.stderr ? run.stderr : ""));
  if (!ok) console.log(`   expected:\n${expected.replace(/^/gm, "   ")}`);
}
console.log(`\n${same} of ${names.length} examples print exactly what their SQLAlchemy originals print.`);
process.exit(same === names.length ? 0 : 1);
