/**
 * Every broken fixture, configured at run time, raises its ORM code with a
 * message that names the fix. The language server's test walks the same
 * fixtures and expects the same codes at `anchor`.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..", "models", "broken");
const compiled = path.join(__dirname, "..", "models", "broken");

test("there is one broken fixture for each of ORM101 to ORM117", () => {
  const codes = fs.readdirSync(root).map((d) => d.slice(0, 6)).sort();
  assert.deepEqual(codes, Array.from({ length: 17 }, (_, i) => `ORM${101 + i}`));
});

for (const dir of fs.readdirSync(root).sort()) {
  const expected = JSON.parse(fs.readFileSync(path.join(root, dir, "expected.json"), "utf8"));
  if (expected.severity === "warning") {
    test(`${dir}: configuring the model warns ${expected.code} and goes on`, () => {
      // Warnings are emitted once per message, as SQLAlchemy warns; capture them as they are emitted.
      const warnings: { message: string; code?: string }[] = [];
      const original = process.emitWarning;
      process.emitWarning = ((message: string, options?: { code?: string }) => { warnings.push({ message, ...(options?.code ? { code: options.code } : {}) }); }) as typeof process.emitWarning;
      try {
        const mod = require(path.join(compiled, dir, "models.js"));
        mod.Base.registry.configure();
        assert.equal(mod.Base.registry.configured, true);
      } finally {
        process.emitWarning = original;
      }
      const w = warnings.find((x) => x.code === expected.code);
      assert.ok(w, `no ${expected.code} warning: ${JSON.stringify(warnings)}`);
      assert.ok(w.message.includes(expected.messageIncludes), w.message);
      assert.ok(w.message.endsWith(`[${expected.code}]`), w.message);
    });
    continue;
  }
  test(`${dir}: configuring the model raises ${expected.code}`, () => {
    let err: unknown;
    try {
      const mod = require(path.join(compiled, dir, "models.js"));
      mod.Base.registry.configure();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Error, "configure() should have thrown");
    const e = err as Error & { code?: string };
    assert.equal(e.code, expected.code, e.message);
    assert.ok(e.message.includes(expected.messageIncludes), `message should include ${JSON.stringify(expected.messageIncludes)}: ${e.message}`);
    assert.ok(e.message.endsWith(`[${expected.code}]`), e.message);
  });
}
