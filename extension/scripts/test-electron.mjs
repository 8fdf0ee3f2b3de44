// The same vscode-API suite (test-api/suite.ts) in desktop VS Code, through @vscode/test-electron.
// For machines that can download VS Code; on machines that can't (like CI here), the suite runs in
// code-server instead: test-e2e/api.test.mjs.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runTests } from "@vscode/test-electron";
import { makeWorkspace } from "../test-e2e/workspace.mjs";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(process.execPath, [join(ext, "scripts", "build.mjs")], { stdio: "inherit" });
const ws = makeWorkspace(mkdtempSync(join(tmpdir(), "orm-electron-ws-")));
try {
  await runTests({
    extensionDevelopmentPath: ext,
    extensionTestsPath: join(ext, "dist", "test-api", "index.js"),
    launchArgs: [ws, "--disable-extensions", "--disable-workspace-trust"],
    // The query child needs a Node with better-sqlite3's ABI, not Electron's.
    extensionTestsEnv: { ORM_CORE_TEST: "1" },
  });
} catch (e) {
  console.error(`@vscode/test-electron failed: ${e?.message ?? e}`);
  process.exit(1);
}
