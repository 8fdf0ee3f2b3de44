/** The "Query Results" panel: one instance, fed by run results; exports CSV / JSON. */
import * as vscode from "vscode";
import { mediaRoot, webviewHtml } from "../../webview/html";
import type { RunResponse } from "./runner/protocol";

type FromWebview = { type: "ready" } | { type: "export"; format: "csv" | "json" } | { type: "createAll" };

export class ResultsPanel {
  private static current: ResultsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private last: { title: string; result: RunResponse; pageSize: number } | undefined;
  private ready = false;
  onCreateAll: (() => void) | undefined;

  static show(context: vscode.ExtensionContext, title: string, result: RunResponse, pageSize: number): ResultsPanel {
    const panel = (ResultsPanel.current ??= new ResultsPanel(context));
    panel.panel.reveal(vscode.ViewColumn.Beside, true);
    panel.last = { title, result, pageSize };
    panel.post();
    return panel;
  }

  private readonly panel: vscode.WebviewPanel;
  private constructor(context: vscode.ExtensionContext) {
    this.panel = vscode.window.createWebviewPanel("ormCore.results", "Query Results", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [mediaRoot(context)],
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, mediaRoot(context), { title: "Query Results", script: "results.js", body: '<div id="root"></div>' });
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.panel.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(m), null, this.disposables);
  }

  private post(): void {
    if (this.ready && this.last) void this.panel.webview.postMessage({ type: "result", ...this.last });
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case "ready": this.ready = true; this.post(); return;
      case "createAll": this.onCreateAll?.(); return;
      case "export": {
        const r = this.last?.result;
        if (!r?.ok) return;
        const target = await vscode.window.showSaveDialog({ filters: m.format === "csv" ? { CSV: ["csv"] } : { JSON: ["json"] }, saveLabel: "Export" });
        if (!target) return;
        const text = m.format === "csv" ? toCsv(r.columns, r.rows) : JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))), null, 2);
        await vscode.workspace.fs.writeFile(target, Buffer.from(text, "utf8"));
        void vscode.window.showInformationMessage(`Exported ${r.rows.length} rows to ${target.fsPath}`);
        return;
      }
    }
  }

  private dispose(): void {
    ResultsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** RFC 4180 CSV. */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(cell).join(","), ...rows.map((r) => r.map(cell).join(","))].join("\r\n") + "\r\n";
}
