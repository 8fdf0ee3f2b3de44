// Hostile names render as text in the webviews (no script runs); an untrusted workspace never runs
// user code; a module that loops forever is stopped at the timeout and the editor stays usable.
// A real VS Code (code-server) driven by chromium; screenshots in .test-artifacts/e2e/.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCodeServer, launchBrowser } from "../scripts/code-server.mjs";
import { makeWorkspace } from "./workspace.mjs";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = join(ext, "..", ".test-artifacts", "e2e");
const vsix = join(ext, "orm-core-vscode-0.1.0.vsix");

const HOSTILE = `// Names that try to break out of the panels' HTML.
import { declarativeBase, mapped, Column, Integer, String, select, literal } from "orm-core";

const Base = declarativeBase();

@mapped
export class Evil extends Base.model('x"><script>window.__pwned = 1</script>', {
  id: Column(Integer, { primaryKey: true }),
  probe: Column("<img src=x onerror=\\"window.__pwned = 2\\">", String),
}) {}

export const evilRow = select(literal("<img src=x onerror=window.__pwned=3>").label("<script>window.__pwned = 4</script>"));
`;
const SIDE_EFFECT = (marker) => `// Loading this module writes a file: it must never load in an untrusted workspace.
import { writeFileSync } from "node:fs";
import { select } from "orm-core";
import { User } from "./models";
writeFileSync(${JSON.stringify(marker)}, "user code ran");
export const everyone = select(User);
`;
const LOOP = `// A module that never finishes loading.
import { select } from "orm-core";
import { User } from "./models";
while (Date.now() > 0) { /* forever */ }
export const stuck = select(User);
`;

async function open(page, file) {
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: file }).first().dblclick();
  await page.locator(".tabs-container .tab.active", { hasText: file }).first().waitFor({ timeout: 20_000 });
}
async function webviewFrame(page, selector, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) { try { if (await f.locator(selector).count()) return f; } catch { /* detached */ } }
    if (Date.now() > deadline) throw new Error(`no webview with ${selector}`);
    await page.waitForTimeout(250);
  }
}
async function session(workspace, trust) {
  const cs = await startCodeServer({ workspace, vsix, trust });
  const b = await launchBrowser();
  b.page.setDefaultTimeout(30_000);
  await b.page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`);
  await b.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  await b.page.locator(".explorer-folders-view .monaco-list-row", { hasText: "models.ts" }).waitFor({ timeout: 60_000 });
  return { cs, b, page: b.page, async close() { await b.close(); await cs.stop(); } };
}

let dirs = [];
before(() => {
  mkdirSync(artifacts, { recursive: true });
  if (!existsSync(vsix)) {
    execFileSync(process.execPath, [join(ext, "scripts", "build.mjs"), "--production"], { stdio: "inherit" });
    execFileSync(process.execPath, [join(ext, "scripts", "package.mjs")], { stdio: "inherit" });
  }
});
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

test("hostile table, column and label names render as text in the diagram and the results panel", async () => {
  const ws = makeWorkspace(mkdtempSync(join(tmpdir(), "orm-sec-ws-")));
  dirs.push(ws);
  writeFileSync(join(ws, "hostile.ts"), HOSTILE);
  const s = await session(ws, true);
  try {
    await open(s.page, "hostile.ts");
    const run = s.page.locator(".contentWidgets .codelens-decoration a", { hasText: "▶ Run" });
    await run.first().waitFor({ timeout: 60_000 });
    await run.first().click();
    const results = await webviewFrame(s.page, "#grid");
    await results.locator("#grid tbody tr").first().waitFor();
    assert.equal(await results.locator("#grid th").first().innerText(), "<script>window.__pwned = 4</script>");
    assert.equal(await results.locator("#grid td").first().innerText(), "<img src=x onerror=window.__pwned=3>");
    // Nothing ran, no element was made from a name (VS Code injects its own script; none carries the payload).
    const probe = () => [window.__pwned, document.querySelectorAll("img").length, [...document.scripts].some((x) => x.textContent.includes("__pwned"))];
    assert.deepEqual(await results.evaluate(probe), [undefined, 0, false]);
    await s.page.screenshot({ path: join(artifacts, "08-hostile-results.png") });

    await s.page.keyboard.press("F1");
    await s.page.locator(".quick-input-widget input").fill(">Show Schema Diagram");
    await s.page.locator(".quick-input-list .monaco-list-row").first().waitFor();
    await s.page.keyboard.press("Enter");
    const diagram = await webviewFrame(s.page, "g.table");
    const evil = diagram.locator("g.table").filter({ hasText: "<script>" });
    await evil.first().waitFor();
    assert.match(await evil.first().locator("text.title").textContent(), /^x"><script>window\.__pwned = 1<\/script>/);
    assert.match(await evil.first().textContent(), /<img src=x onerror="window\.__pwned = 2">/);
    assert.deepEqual(await diagram.evaluate(probe), [undefined, 0, false]);
    await s.page.screenshot({ path: join(artifacts, "09-hostile-diagram.png") });
  } finally {
    await s.close();
  }
});

test("in an untrusted workspace, ▶ Run does not load the user's module", async () => {
  const ws = makeWorkspace(mkdtempSync(join(tmpdir(), "orm-untrusted-ws-")));
  dirs.push(ws);
  const marker = join(ws, "ran.txt");
  writeFileSync(join(ws, "effects.ts"), SIDE_EFFECT(marker));
  const s = await session(ws, false);
  try {
    await open(s.page, "effects.ts");
    // Analysis works in Restricted Mode: the lenses are there.
    const run = s.page.locator(".contentWidgets .codelens-decoration a", { hasText: "▶ Run" });
    await run.first().waitFor({ timeout: 60_000 });
    await run.first().click();
    const toast = s.page.locator(".notifications-toasts .notification-list-item", { hasText: "Restricted Mode" });
    await toast.first().waitFor();
    assert.match(await toast.first().innerText(), /Running queries executes this workspace's code, which is not allowed in Restricted Mode/);
    await s.page.screenshot({ path: join(artifacts, "10-untrusted.png") });
    await s.page.waitForTimeout(1500);
    assert.equal(existsSync(marker), false, "the module never ran");
  } finally {
    await s.close();
  }
});

test("a module that loops forever is stopped at the timeout; the editor keeps answering", async () => {
  const ws = makeWorkspace(mkdtempSync(join(tmpdir(), "orm-loop-ws-")));
  dirs.push(ws);
  writeFileSync(join(ws, "loop.ts"), LOOP);
  mkdirSync(join(ws, ".vscode"), { recursive: true });
  writeFileSync(join(ws, ".vscode", "settings.json"), JSON.stringify({ "ormCore.queryTimeoutMs": 2000 }));
  const s = await session(ws, true);
  try {
    await open(s.page, "loop.ts");
    const run = s.page.locator(".contentWidgets .codelens-decoration a", { hasText: "▶ Run" });
    await run.first().waitFor({ timeout: 60_000 });
    const t0 = Date.now();
    await run.first().click();
    const frame = await webviewFrame(s.page, "#error");
    assert.match(await frame.locator("#error").innerText(), /Timeout: The query did not finish within 2000 ms and was stopped/);
    assert.ok(Date.now() - t0 < 15_000);
    await s.page.screenshot({ path: join(artifacts, "11-timeout.png") });
    // Still responsive: another query runs.
    await open(s.page, "queries.ts");
    const run2 = s.page.locator(".contentWidgets .codelens-decoration a", { hasText: "▶ Run" });
    await run2.first().waitFor({ timeout: 60_000 });
    await run2.first().click();
    // A fresh runner process compiles and loads the module: on a busy 2-core machine this takes a while.
    const ok = await webviewFrame(s.page, "#grid", 90_000);
    await ok.locator("#grid tbody tr").first().waitFor();
    assert.equal(await ok.locator("#row-count").innerText(), "2 rows");
  } finally {
    await s.close();
  }
});
