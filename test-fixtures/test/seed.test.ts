/**
 * The fourteen seed examples: each, run as its own program in a fresh
 * directory, prints exactly what its SQLAlchemy original prints.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";

const seedSrc = path.join(__dirname, "..", "..", "seed");
const seedJs = path.join(__dirname, "..", "seed");
const expectedDir = path.join(seedSrc, "expected");
const examples = fs.readdirSync(seedSrc).filter((f) => /^\d\d_.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, "")).sort();

test("there are fourteen seed examples, each with its expected output", () => {
  assert.equal(examples.length, 14);
  for (const name of examples) assert.ok(fs.existsSync(path.join(expectedDir, `${name}.txt`)), `${name}.txt missing`);
});

for (const name of examples) {
  test(`seed ${name} prints what SQLAlchemy prints`, () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "seed-"));
    try {
      const run = spawnSync(process.execPath, [path.join(seedJs, `${name}.js`)], { cwd, encoding: "utf8", timeout: 20_000 });
      assert.equal(run.stderr, "", `stderr of ${name}`);
      assert.equal(run.status, 0, `exit code of ${name}`);
      assert.equal(run.stdout, fs.readFileSync(path.join(expectedDir, `${name}.txt`), "utf8"));
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
}
