// End-to-end: the packaged extension in a real VS Code (code-server) driven by a real browser
// (Debian's chromium through playwright-core). Screenshots of each step: .test-artifacts/e2e/.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCodeServer, launchBrowser } from "../scripts/code-server.mjs";
import { makeWorkspace } from "./workspace.mjs";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = join(ext, "..", ".test-artifacts", "e2e");
const vsix = join(ext, "orm-core-vscode-0.1.0.vsix");
let cs, browser, page, ws;

async function shot(name) { await page.screenshot({ path: join(artifacts, `${name}.png`) }); }
async function quickOpen(file) {
  // Open from the explorer: a double click pins the editor.
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: file }).first().dblclick();
  await page.locator(".tabs-container .tab.active", { hasText: file }).first().waitFor({ timeout: 20_000 });
  await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor();
  await page.waitForTimeout(300);
}
async function command(title) {
  await page.keyboard.press("F1");
  await page.locator(".quick-input-widget input").fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row").first().waitFor();
  await page.keyboard.press("Enter");
}
/** The frame of the webview whose document has `selector` (webviews nest two iframes). */
async function webviewFrame(selector, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      try { if (await f.locator(selector).count()) return f; } catch { /* detached */ }
    }
    if (Date.now() > deadline) throw new Error(`no webview with ${selector}`);
    await page.waitForTimeout(250);
  }
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  execFileSync(process.execPath, [join(ext, "scripts", "build.mjs"), "--production"], { stdio: "inherit" });
  execFileSync(process.execPath, [join(ext, "scripts", "package.mjs")], { stdio: "inherit" });
  ws = makeWorkspace(mkdtempSync(join(tmpdir(), "orm-e2e-ws-")));
  cs = await startCodeServer({ workspace: ws, vsix });
  ({ page, close: browser } = await launchBrowser().then((b) => ({ page: b.page, close: b.close })));
  page.setDefaultTimeout(30_000);
  await page.goto(`${cs.url}/?folder=${encodeURIComponent(ws)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "models.ts" }).waitFor({ timeout: 60_000 });
});

after(async () => {
  await browser?.();
  await cs?.stop();
  if (ws) rmSync(ws, { recursive: true, force: true });
});

test("the extension activates: its status bar item shows the database and the model count", async () => {
  await quickOpen("models.ts");
  const item = page.locator(".statusbar-item", { hasText: "demo.db" });
  await item.waitFor({ timeout: 60_000 });
  // broken.ts holds three mapping errors: the misspelt backPopulates, the pair that no longer
  // points back (ORM103), and the empty relationship target (ORM101).
  assert.match(await item.innerText(), /demo\.db · 5 models · \s*3$/);
  await shot("01-activated");
});

test("a broken relationship shows its diagnostic, with a did-you-mean fix", async () => {
  await quickOpen("broken.ts");
  await page.locator(".squiggly-error").first().waitFor();
  await page.keyboard.press("Control+Shift+M");
  const row = page.locator(".markers-panel .monaco-list-row", { hasText: "ORM102" });
  await row.first().waitFor();
  assert.match(await row.first().innerText(), /backPopulates: "autor" on Author.books names no attribute of Book\. Did you mean "author"\?/);
  await shot("02-diagnostic");
  await page.keyboard.press("Control+Shift+M");
});

test("completion inside relationship(\"\") lists the mapped classes", async () => {
  await quickOpen("broken.ts");
  const lines = readFileSync(join(ws, "broken.ts"), "utf8").split("\n");
  const line = lines.findIndex((l) => l.includes('relationship<Book>("")')) + 1;
  const col = lines[line - 1].indexOf('("")') + 3; // 1-based, between the quotes
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").fill(`:${line}:${col}`);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  await page.keyboard.press("Control+Space");
  const labels = page.locator(".editor-widget.suggest-widget.visible .monaco-list-row .label-name");
  await labels.first().waitFor();
  await page.waitForTimeout(500);
  // The list mixes in the TypeScript extension's own words and shows a dozen rows: narrow it as a user would.
  const texts = await labels.allInnerTexts();
  for (const name of ["Author", "Book"]) assert.ok(texts.includes(name), `${name} in ${texts.join(", ")}`);
  await page.keyboard.type("Us");
  const user = page.locator(".editor-widget.suggest-widget.visible .monaco-list-row", { hasText: 'mapped class → table "users"' });
  await user.first().waitFor();
  assert.match(await user.first().innerText(), /User/);
  await shot("03-completion");
  await user.first().click();
  await page.waitForTimeout(300);
  const line2 = await page.locator(".editor-instance .monaco-editor .view-line", { hasText: "sequel" }).innerText();
  assert.match(line2.replace(/\u00a0/g, " "), /relationship<Book>\("User"\)/);
});

test("▶ Run above a select shows its rows, SQL and parameters in the Query Results panel", async () => {
  await quickOpen("queries.ts");
  const run = page.locator(".contentWidgets .codelens-decoration a", { hasText: "▶ Run" });
  await run.first().waitFor({ timeout: 60_000 });
  await run.first().click();
  const frame = await webviewFrame("#grid");
  await frame.locator("#grid tbody tr").first().waitFor();
  const rows = await frame.locator("#grid tbody tr").allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /Alice\s+alice@example\.com\s+30/);
  assert.match(rows[1], /Carol/);
  assert.equal(await frame.locator("#row-count").innerText(), "2 rows");
  assert.match(await frame.locator("#sql").innerText(), /WHERE users\.age >= \?/);
  assert.equal(await frame.locator("#params").innerText(), "parameters: (30)");
  await shot("04-run-results");
});

test("a write asks for confirmation first; Preview rolls back", async () => {
  await quickOpen("queries.ts");
  const lenses = page.locator(".contentWidgets .codelens-decoration a", { hasText: "▶ Run" });
  await lenses.last().click();
  const dialog = page.locator(".monaco-dialog-box");
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /This UPDATE writes to the database\. Run it\?/);
  await shot("05-write-confirmation");
  await dialog.locator(".monaco-button", { hasText: "Preview" }).click();
  const frame = await webviewFrame("#row-count:text('rows would change')");
  assert.match(await frame.locator("#row-count").innerText(), /^1 rows would change \(rolled back\)$/);
  await shot("06-preview");
});

test("the schema diagram shows every table and relationship of the models", async () => {
  await command("Show Schema Diagram");
  const frame = await webviewFrame("g.table");
  await frame.locator('g.table[data-table="post_tags"]').waitFor();
  const tables = await frame.locator("g.table").evaluateAll((els) => els.map((e) => e.getAttribute("data-table")).sort());
  assert.deepEqual(tables, ["authors", "books", "post_tags", "posts", "tags", "users"]);
  const edges = await frame.locator("g.edge").evaluateAll((els) => els.map((e) => e.getAttribute("class")).sort());
  assert.deepEqual(edges, ["edge many-to-many", "edge many-to-many", "edge one-to-many", "edge one-to-many"]);
  assert.match(await frame.locator("#status").innerText(), /6 tables · 4 relationships/);
  await shot("07-diagram");
});

test("the diagram compares with the database and reveals a table's class on click", async () => {
  const frame = await webviewFrame("g.table");
  // demo.db holds the demo tables; broken.ts's authors/books are not in it.
  await frame.locator("#compare").click();
  await frame.locator("#status", { hasText: "compared with demo.db" }).waitFor();
  const missing = await frame.locator("g.table.missing").evaluateAll((els) => els.map((e) => e.getAttribute("data-table")).sort());
  assert.deepEqual(missing, ["authors", "books"]);
  assert.equal(await frame.locator("g.table.extra").count(), 0);
  await shot("12-diagram-compared");
  await frame.locator('g.table[data-table="posts"]').click();
  await page.locator(".tabs-container .tab.active", { hasText: "models.ts" }).first().waitFor();
  const line = await page.locator(".editor-instance .monaco-editor .view-line", { hasText: "export class Post extends" }).count();
  assert.equal(line, 1);
  await shot("13-diagram-reveal");
});
