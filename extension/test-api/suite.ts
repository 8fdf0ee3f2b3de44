/**
 * Extension tests that use the `vscode` API, run inside the extension host of a
 * real VS Code. The same `run()` contract serves code-server (test-e2e/api.test.mjs)
 * and @vscode/test-electron (scripts/test-electron.mjs).
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as vscode from "vscode";

type Case = [string, () => Promise<void>];
const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
const file = (name: string) => vscode.Uri.joinPath(folder(), name);
async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
async function positionOf(uri: vscode.Uri, needle: string, delta = 0): Promise<vscode.Position> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, needle);
  return doc.positionAt(i + delta);
}

const cases: Case[] = [
  ["the extension activates and exposes its API", async () => {
    const ext = vscode.extensions.getExtension("orm-core.orm-core-vscode");
    assert.ok(ext, "extension installed");
    await vscode.workspace.openTextDocument(file("models.ts")).then((d) => vscode.window.showTextDocument(d));
    const api = await ext.activate();
    assert.equal(typeof api.run, "function");
  }],
  ["diagnostics of broken.ts carry orm-core codes at the exact string", async () => {
    await vscode.workspace.openTextDocument(file("broken.ts"));
    const diags = await until("diagnostics", () => { const d = vscode.languages.getDiagnostics(file("broken.ts")).filter((x) => x.source === "orm-core"); return d.length >= 3 ? d : undefined; });
    const doc = await vscode.workspace.openTextDocument(file("broken.ts"));
    const orm102 = diags.find((d) => d.code === "ORM102")!;
    assert.equal(doc.getText(orm102.range), '"autor"');
    assert.equal(orm102.severity, vscode.DiagnosticSeverity.Error);
  }],
  ["the did-you-mean quick fix repairs the file", async () => {
    const doc = await vscode.workspace.openTextDocument(file("broken.ts"));
    const diag = vscode.languages.getDiagnostics(file("broken.ts")).find((d) => d.code === "ORM102")!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", doc.uri, diag.range);
    const fix = actions.find((a) => a.title === 'Change to "author"');
    assert.ok(fix?.edit, actions.map((a) => a.title).join(" | "));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.ok(doc.getText().includes('backPopulates: "author"'));
    await until("ORM102 gone", () => !vscode.languages.getDiagnostics(file("broken.ts")).some((d) => d.code === "ORM102"));
    await vscode.commands.executeCommand("workbench.action.files.revert");
  }],
  ["completion, hover and definition answer through the language client", async () => {
    const models = file("models.ts");
    const items = await vscode.commands.executeCommand<vscode.CompletionList>("vscode.executeCompletionItemProvider", models, await positionOf(models, 'relationship<User>("User"', 20));
    const labels = items.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
    for (const n of ["User", "Post", "Tag"]) assert.ok(labels.includes(n), labels.slice(0, 20).join());
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>("vscode.executeHoverProvider", models, await positionOf(models, "class User", 7));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === "string" ? c : (c as vscode.MarkdownString).value))).join("\n");
    assert.match(text, /CREATE TABLE users/);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>("vscode.executeDefinitionProvider", models, await positionOf(models, 'ForeignKey("users.id")', 14));
    const def = defs.find((d) => "uri" in d && path.basename(d.uri.fsPath) === "models.ts") as vscode.Location;
    assert.ok(def, "definition of users.id");
    assert.equal(def.range.start.line, (await positionOf(models, "  id: Column(Integer, { primaryKey: true }),")).line);
  }],
  ["queries.ts gets ▶ Run / SQL lenses, and Preview on the write", async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file("queries.ts")));
    const lenses = await until("lenses", async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", file("queries.ts"));
      return l.length ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title);
    assert.equal(titles.filter((t) => t === "▶ Run").length, 5);
    assert.equal(titles.filter((t) => t === "SQL").length, 5);
    assert.equal(titles.filter((t) => t === "Preview").length, 1);
  }],
  ["running a select through the API returns rows from demo.db", async () => {
    const api = vscode.extensions.getExtension("orm-core.orm-core-vscode")!.exports;
    const res = await api.run({ uri: file("queries.ts").toString(), text: "select(User.name).orderBy(User.name)", kind: "select", line: 0 }, "run");
    assert.deepEqual(res.rows, [["Alice"], ["Bob"], ["Carol"]]);
    const sql = await api.run({ uri: file("queries.ts").toString(), text: "select(User).where(User.name.eq(\"x\"))", kind: "select", line: 0 }, "sql");
    assert.deepEqual(sql.params, ["x"]);
  }],
  ["Show Schema Diagram opens the panel", async () => {
    await vscode.commands.executeCommand("ormCore.showSchemaDiagram");
    await until("diagram tab", () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === "Schema Diagram"));
  }],
];

export async function run(): Promise<void> {
  let failed = 0;
  for (const [name, fn] of cases) {
    try {
      await fn();
      console.log(`ok - ${name}`);
    } catch (e) {
      failed++;
      console.error(`not ok - ${name}\n  ${(e as Error)?.stack ?? e}`);
    }
  }
  console.log(`${cases.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} extension API test(s) failed`);
}
