/**
 * A few thousand truncated and mutated model files: analysis and every
 * capability answer without throwing. Deterministic (seeded).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { completion } from "../src/capabilities/completion/index";
import { hover } from "../src/capabilities/hover";
import { definition } from "../src/capabilities/definition";
import { diagnostics } from "../src/capabilities/diagnostics";
import { codeActions } from "../src/capabilities/code-actions";
import { prepareRename } from "../src/capabilities/rename";
import { schema, statements } from "../src/capabilities/schema";
import { FIXTURES, fromSource } from "./support/fixtures";

function rng(seed: number) {
  return () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
}
const sources = [
  ...fs.readdirSync(path.join(FIXTURES, "good")).flatMap((d) => fs.readdirSync(path.join(FIXTURES, "good", d)).filter((f) => f.endsWith(".ts")).map((f) => path.join(FIXTURES, "good", d, f))),
  ...fs.readdirSync(path.join(FIXTURES, "broken")).map((d) => path.join(FIXTURES, "broken", d, "models.ts")),
].map((f) => fs.readFileSync(f, "utf8"));
const noise = ['"', "'", "(", ")", "{", "}", "[", "]", ",", ".", "@", "<", ">", "relationship(", "Column(", "ForeignKey(\"", "\n", "backPopulates: \"", "`", "//", "/*", "Base.model(", "Base.inherit(Employee, ", "Table(\"x\", ", "cascade: \"", "select(", "\u0000", "😀"];

test("3,000 truncated or mutated model files never make a capability throw", () => {
  const r = rng(42);
  let checked = 0;
  for (let i = 0; i < 3000; i++) {
    let text = sources[Math.floor(r() * sources.length)]!;
    const mode = i % 3;
    if (mode === 0) text = text.slice(0, Math.floor(r() * text.length));
    else if (mode === 1) {
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) {
        const at = Math.floor(r() * text.length);
        text = text.slice(0, at) + noise[Math.floor(r() * noise.length)]! + text.slice(at + Math.floor(r() * 3));
      }
    } else {
      const a = Math.floor(r() * text.length), b = Math.floor(r() * text.length);
      text = text.slice(0, Math.min(a, b)) + text.slice(Math.max(a, b));
    }
    const offset = Math.floor(r() * (text.length + 1));
    try {
      const { ws, uri } = fromSource(text.replace(/\|/g, "/"));
      const doc = ws.document(uri)!;
      const analysis = ws.analysis();
      const diags = diagnostics(analysis, doc);
      completion(analysis, doc, offset);
      hover(analysis, doc, offset);
      definition(analysis, uri, offset, (u) => ws.document(u));
      codeActions(analysis, doc, diags, (u) => ws.document(u));
      prepareRename(analysis, doc, offset);
      schema(analysis, (u) => ws.document(u));
      statements(analysis, doc);
      checked++;
    } catch (e) {
      assert.fail(`input ${i} threw ${(e as Error).stack}\n--- input ---\n${text}`);
    }
  }
  assert.equal(checked, 3000);
});
