/**
 * Starts the query child process, sends the request, and waits for its one
 * response — with a timeout that kills a runaway query and a cancel that does
 * the same. Plain Node (no vscode import), so it is tested on its own.
 */
import { spawn } from "node:child_process";
import type { RunRequest, RunResponse } from "./runner/protocol";

export interface RunOptions {
  /** The Node executable; in desktop VS Code (Electron) pass env ELECTRON_RUN_AS_NODE=1 with process.execPath. */
  readonly nodePath: string;
  /** Path of the bundled child script (dist/runner.js). */
  readonly childScript: string;
  readonly timeoutMs: number;
  /** Extra module folders (the extension's own orm-core and better-sqlite3) when the workspace has none. */
  readonly nodePathDirs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** The user's console output while the module loads. */
  readonly onOutput?: (text: string) => void;
}

export function runQuery(req: RunRequest, opts: RunOptions): Promise<RunResponse> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (opts.nodePathDirs?.length) env.NODE_PATH = [...opts.nodePathDirs, env.NODE_PATH].filter(Boolean).join(process.platform === "win32" ? ";" : ":");
    const child = spawn(opts.nodePath, [opts.childScript], { cwd: req.cwd, env, stdio: ["pipe", "pipe", "pipe", "pipe"] });
    let out = "";
    let settled = false;
    const finish = (res: RunResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (child.exitCode === null) child.kill("SIGKILL");
      resolve(res);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: "timeout", name: "Timeout", message: `The query did not finish within ${opts.timeoutMs} ms and was stopped. Raise ormCore.queryTimeoutMs if it is expected to take longer.` }), opts.timeoutMs);
    const onAbort = () => finish({ ok: false, reason: "cancelled", name: "Cancelled", message: "The query was cancelled." });
    opts.signal?.addEventListener("abort", onAbort);
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (d: Buffer) => { out += d.toString("utf8"); });
    child.stdout!.on("data", (d: Buffer) => opts.onOutput?.(d.toString("utf8")));
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => { stderr += d.toString("utf8"); opts.onOutput?.(d.toString("utf8")); });
    child.on("error", (e) => finish({ ok: false, reason: "crashed", name: "SpawnError", message: `Could not start ${opts.nodePath}: ${e.message}. Set ormCore.nodePath to a Node.js executable.` }));
    child.on("close", () => {
      if (settled) return;
      try {
        finish(JSON.parse(out) as RunResponse);
      } catch {
        finish({ ok: false, reason: "crashed", name: "ChildCrashed", message: `The query process ended without an answer.${stderr ? `\n${stderr.trim().split("\n").slice(-8).join("\n")}` : ""}` });
      }
    });
    child.stdin!.end(JSON.stringify(req));
  });
}
