/**
 * "Show Schema Diagram": one panel fed by the language server's schema (no
 * second parser), laid out with elkjs, updated live on edits; click a table to
 * reveal its class; compare with the database; export SVG / PNG / Mermaid.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { SchemaResponse } from "language-server/dist/src/protocol";
import { mediaRoot, webviewHtml } from "../../webview/html";
import { buildDiagram, toMermaid, type DbTable } from "./model";
import { layout } from "./layout";
import { runQuery } from "../query-lens/runner-client";
import { databaseUrl, databaseLabel } from "../query-lens/database-url";
import { settings } from "../../settings";

type FromWebview =
  | { type: "ready" }
  | { type: "reveal"; table: string }
  | { type: "compare"; on: boolean }
  | { type: "export"; format: "svg" | "png" | "mermaid"; data?: string };

export class DiagramPanel {
  static current: DiagramPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private schema: SchemaResponse | undefined;
  private db: DbTable[] | undefined;
  private compare = false;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  readonly panel: vscode.WebviewPanel;

  static createOrShow(context: vscode.ExtensionContext, client: LanguageClient): DiagramPanel {
    if (DiagramPanel.current) { DiagramPanel.current.panel.reveal(); void DiagramPanel.current.refresh(); return DiagramPanel.current; }
    return (DiagramPanel.current = new DiagramPanel(context, client));
  }

  private constructor(private readonly context: vscode.ExtensionContext, private readonly client: LanguageClient) {
    this.panel = vscode.window.createWebviewPanel("ormCore.diagram", "Schema Diagram", vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [mediaRoot(context)] });
    this.panel.webview.html = webviewHtml(this.panel.webview, mediaRoot(context), {
      title: "Schema Diagram", script: "diagram.js",
      body: `<div class="diagram-bar">
  <button id="fit" class="secondary" title="Fit to window">Fit</button>
  <button id="compare" class="secondary" title="Mark differences between the models and the database file">Compare with database</button>
  <button id="export-svg">Export SVG</button><button id="export-png">Export PNG</button><button id="export-mermaid">Export Mermaid</button>
  <span class="status" id="status"></span>
</div>
<div id="diagram"></div>`,
    });
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.panel.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m), null, this.disposables);
    // Live update: re-read the schema after edits settle.
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.document.languageId === "typescript") this.schedule(); }, null, this.disposables);
    vscode.workspace.onDidSaveTextDocument(() => this.schedule(), null, this.disposables);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 400);
  }

  async refresh(): Promise<void> {
    try {
      this.schema = await this.client.sendRequest<SchemaResponse>("ormCore/schema", {});
      if (this.compare) await this.loadDb();
      const laid = await layout(buildDiagram(this.schema, this.compare ? this.db : undefined));
      if (this.ready) void this.panel.webview.postMessage({ type: "diagram", laid, issues: this.schema.issues, compare: this.compare, database: this.dbLabel });
    } catch (e) {
      if (this.ready) void this.panel.webview.postMessage({ type: "error", message: String((e as Error)?.message ?? e) });
    }
  }

  private dbLabel = "";
  private async loadDb(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const url = await databaseUrl(folder);
    this.dbLabel = databaseLabel(url);
    const res = await runQuery({ mode: "introspect", databaseUrl: url, cwd: folder.uri.fsPath, maxRows: 0 }, {
      nodePath: process.versions.electron ? "node" : process.execPath, childScript: path.join(this.context.extensionPath, "dist", "runner.js"),
      timeoutMs: settings().queryTimeoutMs, nodePathDirs: [path.join(this.context.extensionPath, "dist", "node_modules")],
    });
    this.db = res.ok ? [...(res.tables ?? [])] : [];
    if (!res.ok) void vscode.window.showWarningMessage(`Could not read the database: ${res.message}`);
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case "ready": this.ready = true; await this.refresh(); return;
      case "compare": this.compare = m.on; await this.refresh(); return;
      case "reveal": {
        const t = this.schema?.tables.find((x) => x.name === m.table);
        const cls = t?.mappedBy ? this.schema?.classes.find((c) => c.name === t.mappedBy) : undefined;
        const loc = cls?.location ?? t?.location;
        if (!loc) return;
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(loc.uri));
        const range = new vscode.Range(loc.range.start.line, loc.range.start.character, loc.range.end.line, loc.range.end.character);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range });
        return;
      }
      case "export": {
        const filters: Record<string, string[]> = { svg: ["svg"], png: ["png"], mermaid: ["mmd", "md"] };
        const target = await vscode.window.showSaveDialog({ filters: { [m.format.toUpperCase()]: filters[m.format]! }, saveLabel: "Export" });
        if (!target) return;
        let bytes: Buffer;
        if (m.format === "mermaid") bytes = Buffer.from(toMermaid(buildDiagram(this.schema!, this.compare ? this.db : undefined)), "utf8");
        else if (m.format === "png") bytes = Buffer.from((m.data ?? "").replace(/^data:image\/png;base64,/, ""), "base64");
        else bytes = Buffer.from(m.data ?? "", "utf8");
        await vscode.workspace.fs.writeFile(target, bytes);
        void vscode.window.showInformationMessage(`Exported the schema diagram to ${target.fsPath}`);
        return;
      }
    }
  }

  private dispose(): void {
    DiagramPanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
