/** Status bar: the database queries run against and the number of mapped models. */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { databaseLabel, databaseUrl } from "./query-lens/database-url";

export function statusBar(context: vscode.ExtensionContext, client: LanguageClient): { refresh(): Promise<void> } {
  const item = vscode.window.createStatusBarItem("ormCore.status", vscode.StatusBarAlignment.Left, 50);
  item.name = "orm-core";
  item.command = "ormCore.showSchemaDiagram";
  context.subscriptions.push(item);
  const refresh = async () => {
    try {
      const schema = await client.sendRequest<{ classes: unknown[]; issues: number }>("ormCore/schema", {});
      const folder = vscode.workspace.workspaceFolders?.[0];
      const db = folder ? databaseLabel(await databaseUrl(folder)) : "no folder";
      item.text = `$(database) ${db} · ${schema.classes.length} model${schema.classes.length === 1 ? "" : "s"}${schema.issues ? ` · $(error) ${schema.issues}` : ""}`;
      item.tooltip = "orm-core: click to show the schema diagram";
      item.show();
    } catch {
      item.hide();
    }
  };
  return { refresh };
}
