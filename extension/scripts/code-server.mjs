// Starts a real VS Code (code-server) on 127.0.0.1 that touches nothing outside its own run folder,
// and Debian's chromium through playwright-core. Used by the end-to-end tests and `npm start`.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const codeServerBin = join(repo, ".cache", "code-server", "node_modules", ".bin", "code-server");

export function ensureCodeServer() {
  if (existsSync(codeServerBin) && existsSync("/usr/bin/chromium")) return codeServerBin;
  execFileSync("bash", [join(repo, "extension", "scripts", "install-code-server.sh")], { stdio: "inherit" });
  return codeServerBin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/**
 * @param {{ workspace: string, vsix?: string, trust?: boolean, port?: number, env?: Record<string,string>, log?: (s: string) => void }} o
 */
export async function startCodeServer(o) {
  const bin = ensureCodeServer();
  const port = o.port ?? (await freePort());
  const run = mkdtempSync(join(tmpdir(), "code-server-run-"));
  for (const d of ["user-data/User", "extensions", "tmp", "config", "data", "cache"]) mkdirSync(join(run, d), { recursive: true });
  writeFileSync(join(run, "config.yaml"), "");
  writeFileSync(join(run, "user-data", "User", "settings.json"), JSON.stringify({
    "telemetry.telemetryLevel": "off", "files.autoSave": "off", "update.mode": "none", "extensions.autoUpdate": false,
    "extensions.autoCheckUpdates": false, "workbench.startupEditor": "none", "workbench.tips.enabled": false,
    "security.workspace.trust.enabled": o.trust === false, "security.workspace.trust.startupPrompt": "never",
    "workbench.enableExperiments": false, "typescript.disableAutomaticTypeAcquisition": true, "git.enabled": false,
    "editor.codeLens": true, "window.restoreWindows": "none", "chat.disableAIFeatures": true,
  }, null, 2));
  const env = {
    ...process.env, ...o.env,
    TMPDIR: join(run, "tmp"), XDG_CONFIG_HOME: join(run, "config"), XDG_DATA_HOME: join(run, "data"), XDG_CACHE_HOME: join(run, "cache"),
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: "http://127.0.0.1:9/gallery", itemUrl: "http://127.0.0.1:9/item" }),
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  const common = ["--config", join(run, "config.yaml"), "--user-data-dir", join(run, "user-data"), "--extensions-dir", join(run, "extensions")];
  if (o.vsix) execFileSync(bin, [...common, "--install-extension", o.vsix, "--force"], { env, stdio: "pipe" });
  const args = [...common, "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
    "--disable-getting-started-override", "--ignore-last-opened", ...(o.trust === false ? [] : ["--disable-workspace-trust"]), o.workspace];
  const proc = spawn(bin, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout.on("data", (d) => { output += d; o.log?.(String(d)); });
  proc.stderr.on("data", (d) => { output += d; o.log?.(String(d)); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try { const r = await fetch(`${url}/healthz`); if (r.ok) break; } catch { /* not yet */ }
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${output}`);
    if (Date.now() > deadline) { try { process.kill(-proc.pid, "SIGKILL"); } catch {} throw new Error(`code-server did not answer /healthz within 60 s:\n${output}`); }
    await new Promise((r) => setTimeout(r, 250));
  }
  let stopped = false;
  return {
    url, port, runDir: run, proc, output: () => output,
    async stop() {
      if (stopped) return;
      stopped = true;
      try { process.kill(-proc.pid, "SIGTERM"); } catch {}
      await new Promise((r) => setTimeout(r, 500));
      try { process.kill(-proc.pid, "SIGKILL"); } catch {}
      rmSync(run, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const { chromium } = await import("playwright-core");
  const userData = mkdtempSync(join(tmpdir(), "chromium-"));
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, async close() { await context.close(); rmSync(userData, { recursive: true, force: true }); } };
}
