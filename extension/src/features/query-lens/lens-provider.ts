/** "▶ Run" / "SQL" (and "Preview" for writes) lenses above statements the language server found. */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

interface LspStatement { kind: "select" | "update" | "insert" | "delete"; range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string; variable: string | null }

export class QueryLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  constructor(private readonly client: LanguageClient) {}
  refresh(): void { this.changed.fire(); }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!document.getText().includes("orm-core")) return [];
    let res: { statements: LspStatement[] };
    try {
      res = await this.client.sendRequest("ormCore/statements", { uri: document.uri.toString() }, token);
    } catch {
      return [];
    }
    const lenses: vscode.CodeLens[] = [];
    for (const s of res.statements) {
      const range = new vscode.Range(s.range.start.line, s.range.start.character, s.range.end.line, s.range.end.character);
      const arg = { uri: document.uri.toString(), text: s.text, kind: s.kind, line: s.range.start.line };
      const write = s.kind !== "select";
      lenses.push(new vscode.CodeLens(range, { title: "▶ Run", command: "ormCore.runQuery", arguments: [arg], tooltip: write ? "Run this statement (asks first: it writes)" : "Run this query against the database" }));
      if (write) lenses.push(new vscode.CodeLens(range, { title: "Preview", command: "ormCore.previewQuery", arguments: [arg], tooltip: "Run in a transaction that is rolled back" }));
      lenses.push(new vscode.CodeLens(range, { title: "SQL", command: "ormCore.showSql", arguments: [arg], tooltip: "Show the SQL and parameters" }));
    }
    return lenses;
  }
}
