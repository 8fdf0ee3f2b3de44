// `npm start`: builds the .vsix, makes the demo workspace and its SQLite database under .demo/,
// and opens a real VS Code (code-server, on 127.0.0.1) with the extension installed. Ctrl-C stops it.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCodeServer } from "./code-server.mjs";
import { makeWorkspace } from "../test-e2e/workspace.mjs";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..");
const repo = join(ext, "..");
execFileSync(process.execPath, [join(ext, "scripts", "build.mjs"), "--production"], { stdio: "inherit" });
execFileSync(process.execPath, [join(ext, "scripts", "package.mjs")], { stdio: "inherit" });
const ws = makeWorkspace(join(repo, ".demo", "workspace"));
const port = Number(process.env.PORT ?? 8080);
const cs = await startCodeServer({ workspace: ws, vsix: join(ext, "orm-core-vscode-0.1.0.vsix"), port });
console.log(`
orm-core demo is running in VS Code (code-server ${"4.100.3"}):

    ${cs.url}/?folder=${encodeURIComponent(ws)}

Open it in a browser. The workspace is ${ws} (database: demo.db).
Try: queries.ts → "▶ Run"; broken.ts → the squiggles; F1 → "Show Schema Diagram".
Press Ctrl-C to stop.`);
// However this process ends, code-server (its own process group) ends with it.
process.on("exit", () => { try { process.kill(-cs.proc.pid, "SIGKILL"); } catch { /* already gone */ } });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => process.exit(0));
setInterval(() => {}, 1 << 30);
