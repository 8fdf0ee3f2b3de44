/**
 * Activation: start the language server, then each feature (query lenses,
 * schema diagram, status bar), each pushing its disposables.
 */
import * as vscode from "vscode";
import { createClient } from "./client";
import { QueryLensProvider } from "./features/query-lens/lens-provider";
import { QueryRunner, type StatementArg } from "./features/query-lens/run-command";
import { DiagramPanel } from "./features/schema-diagram/diagram-panel";
import { statusBar } from "./features/status-bar";
import type { LanguageClient } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export interface OrmCoreApi {
  readonly client: LanguageClient;
  readonly runner: QueryRunner;
  /** For tests: run a statement without a lens click. */
  run(arg: StatementArg, mode: "run" | "sql" | "preview" | "createAll"): Promise<unknown>;
}

export async function activate(context: vscode.ExtensionContext): Promise<OrmCoreApi> {
  client = createClient(context);
  await client.start();
  const runner = new QueryRunner(context);
  const lenses = new QueryLensProvider(client);
  const status = statusBar(context, client);
  context.subscriptions.push(
    runner.output,
    vscode.languages.registerCodeLensProvider({ language: "typescript" }, lenses),
    vscode.commands.registerCommand("ormCore.runQuery", (arg?: StatementArg) => runner.run(arg, "run")),
    vscode.commands.registerCommand("ormCore.previewQuery", (arg?: StatementArg) => runner.run(arg, "preview")),
    vscode.commands.registerCommand("ormCore.showSql", (arg?: StatementArg) => runner.run(arg, "sql")),
    vscode.commands.registerCommand("ormCore.createDatabase", (arg?: StatementArg) => runner.run(arg, "createAll")),
    vscode.commands.registerCommand("ormCore.showSchemaDiagram", () => DiagramPanel.createOrShow(context, client!)),
    vscode.workspace.onDidSaveTextDocument(() => { lenses.refresh(); void status.refresh(); }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
  );
  // The server pushes diagnostics after each analysis: refresh lenses and the status bar with them.
  let timer: NodeJS.Timeout | undefined;
  context.subscriptions.push(vscode.languages.onDidChangeDiagnostics(() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { lenses.refresh(); void status.refresh(); }, 200);
  }));
  void status.refresh();
  return { client, runner, run: (arg, mode) => runner.run(arg, mode) };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
