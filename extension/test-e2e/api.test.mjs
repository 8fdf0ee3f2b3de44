// The vscode-API suite (test-api/suite.ts) inside a real VS Code: code-server loads the extension from
// source and the tests module through the page URL's payload (extensionDevelopmentPath /
// extensionTestsPath), the mechanism VS Code's own browser tests use; the page reports the exit code.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCodeServer, launchBrowser } from "../scripts/code-server.mjs";
import { makeWorkspace } from "./workspace.mjs";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..");

test("the vscode-API suite passes inside a real VS Code", async () => {
  execFileSync(process.execPath, [join(ext, "scripts", "build.mjs")], { stdio: "inherit" });
  const ws = makeWorkspace(mkdtempSync(join(tmpdir(), "orm-api-ws-")));
  const cs = await startCodeServer({ workspace: ws });
  const browser = await launchBrowser();
  try {
    const logs = [];
    let resolveExit;
    const exited = new Promise((r) => { resolveExit = r; });
    await browser.page.exposeFunction("codeAutomationLog", (type, args) => { logs.push(`${type}: ${Array.isArray(args) ? args.join(" ") : args}`); });
    await browser.page.exposeFunction("codeAutomationExit", (code) => { resolveExit(code); });
    const remote = (p) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
    const payload = JSON.stringify([["extensionDevelopmentPath", remote(ext)], ["extensionTestsPath", remote(join(ext, "dist", "test-api", "index.js"))]]);
    await browser.page.goto(`${cs.url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
    const code = await Promise.race([exited, new Promise((_, rej) => setTimeout(() => rej(new Error("no exit within 120 s")), 120_000))]);
    const report = logs.join("\n");
    console.log(report);
    assert.equal(code, 0, report);
    assert.match(report, /7 passed, 0 failed/);
  } finally {
    await browser.close();
    await cs.stop();
    rmSync(ws, { recursive: true, force: true });
  }
});
