/**
 * The broken fixtures shared with orm-core: for each, the language server
 * reports the code orm-core raises at run time, on the exact source text the
 * fixture names (`anchor`), with the same subject.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { diagnostics } from "../src/capabilities/diagnostics";
import { FIXTURES, workspaceOf } from "./support/fixtures";

const broken = path.join(FIXTURES, "broken");
for (const dir of fs.readdirSync(broken).sort()) {
  const expected = JSON.parse(fs.readFileSync(path.join(broken, dir, "expected.json"), "utf8"));
  test(`${dir}: ${expected.code} on ${expected.anchor}`, () => {
    const { ws, uri } = workspaceOf(path.join(broken, dir));
    const doc = ws.document(uri("models.ts"))!;
    const analysis = ws.analysis();
    const severity: "error" | "warning" = expected.severity ?? "error";
    const issue = analysis.issues.find((i) => i.code === expected.code && i.severity === severity);
    assert.ok(issue, `no ${expected.code}: ${JSON.stringify(analysis.issues)}`);
    assert.equal(issue.subject, expected.subject);
    assert.ok(issue.message.includes(expected.messageIncludes), issue.message);
    const diag = diagnostics(analysis, doc).find((d) => d.code === expected.code && d.severity === (severity === "error" ? 1 : 2))!;
    const text = doc.getText().slice(doc.offsetAt(diag.range.start), doc.offsetAt(diag.range.end));
    assert.equal(text, expected.anchor);
    // The first error is the one the runtime throws; a warning fixture has no error at all.
    if (severity === "error") assert.equal(analysis.issues.filter((i) => i.severity === "error")[0]!.code, expected.code);
    else assert.deepEqual(analysis.issues.filter((i) => i.severity === "error"), []);
  });
}

test("the valid fixtures have no diagnostics", () => {
  for (const dir of fs.readdirSync(path.join(FIXTURES, "good"))) {
    const { ws } = workspaceOf(path.join(FIXTURES, "good", dir));
    assert.deepEqual(ws.analysis().issues.map((i) => i.message), [], dir);
    assert.ok(ws.analysis().model.classes.length >= 2, dir);
  }
});
