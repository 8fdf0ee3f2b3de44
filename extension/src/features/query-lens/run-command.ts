/**
 * The run / preview / SQL commands: trust gate, confirmation for writes,
 * progress with cancel, the child runner, and the results panel.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { settings } from "../../settings";
import { requireTrust } from "../trust";
import { runQuery } from "./runner-client";
import { databaseUrl } from "./database-url";
import { ResultsPanel } from "./results-panel";
import type { RunMode, RunResponse } from "./runner/protocol";

export interface StatementArg { uri: string; text: string; kind: "select" | "update" | "insert" | "delete"; line: number }

export class QueryRunner {
  readonly output = vscode.window.createOutputChannel("orm-core queries");
  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The Node that runs queries: the setting; the extension host's Node (code-server); else `node` on PATH. */
  private node(): { nodePath: string; env: Record<string, string> } {
    const configured = settings().nodePath;
    if (configured) return { nodePath: configured, env: {} };
    if (!process.versions.electron) return { nodePath: process.execPath, env: {} };
    return { nodePath: "node", env: {} };
  }

  async run(arg: StatementArg | undefined, mode: RunMode): Promise<RunResponse | undefined> {
    arg ??= this.statementAtCursor();
    if (!arg) { void vscode.window.showWarningMessage("Put the cursor on a select / update / insert / deleteFrom statement, or use its ▶ Run lens."); return; }
    if (mode !== "sql" && !(await requireTrust("Running queries executes this workspace's code"))) return;
    const uri = vscode.Uri.parse(arg.uri);
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) { void vscode.window.showErrorMessage("Open a folder to run queries: the database path is relative to it."); return; }
    if (mode === "run" && arg.kind !== "select") {
      const choice = await vscode.window.showWarningMessage(`This ${arg.kind.toUpperCase()} writes to the database. Run it?`, { modal: true, detail: arg.text }, "Run", "Preview");
      if (choice === undefined) return;
      if (choice === "Preview") mode = "preview";
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === arg!.uri);
    if (doc?.isDirty) await doc.save();
    const url = await databaseUrl(folder);
    const s = settings(folder.uri);
    const { nodePath, env } = this.node();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `orm-core: ${mode === "sql" ? "compiling" : mode === "preview" ? "previewing" : "running"} ${arg.kind}…`, cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return runQuery(
          { mode, file: uri.fsPath, expression: arg!.text, databaseUrl: url, cwd: folder.uri.fsPath, maxRows: 100_000, busyTimeoutMs: Math.min(5000, Math.floor(s.queryTimeoutMs / 2)) },
          { nodePath, env, childScript: path.join(this.context.extensionPath, "dist", "runner.js"), timeoutMs: s.queryTimeoutMs, nodePathDirs: [path.join(this.context.extensionPath, "dist", "node_modules")], signal: abort.signal, onOutput: (t) => this.output.append(t) },
        );
      },
    );
    const title = `${mode === "sql" ? "SQL of" : mode === "preview" ? "Preview of" : "Result of"} ${arg.text.length > 70 ? arg.text.slice(0, 67) + "…" : arg.text}`;
    const panel = ResultsPanel.show(this.context, title, result, s.pageSize);
    panel.onCreateAll = () => void this.run(arg, "createAll").then((r) => { if (r?.ok) void this.run(arg, "run"); });
    if (!result.ok && result.reason === "missing-database") {
      void vscode.window.showWarningMessage(`The database ${result.databasePath} does not exist.`, "Create tables (createAll)").then((c) => { if (c) panel.onCreateAll?.(); });
    }
    return result;
  }

  /** The statement under the cursor, when a command is run from the palette. */
  private statementAtCursor(): StatementArg | undefined {
    const ed = vscode.window.activeTextEditor;
    if (!ed) return undefined;
    const line = ed.document.lineAt(ed.selection.active.line).text;
    const m = /\b(select|update|insert|deleteFrom)\(.*$/.exec(line);
    if (!m) return undefined;
    const kind = m[1] === "deleteFrom" ? "delete" : (m[1] as "select" | "update" | "insert");
    return { uri: ed.document.uri.toString(), text: m[0].replace(/;\s*$/, ""), kind, line: ed.selection.active.line };
  }
}
