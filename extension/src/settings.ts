/** A typed view of the extension's settings (contributes.configuration). */
import * as vscode from "vscode";

export interface Settings { databaseUrl: string; queryTimeoutMs: number; nodePath: string; pageSize: number }

export function settings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration("ormCore", scope);
  return {
    databaseUrl: c.get<string>("databaseUrl", ""),
    queryTimeoutMs: c.get<number>("queryTimeoutMs", 10_000),
    nodePath: c.get<string>("nodePath", ""),
    pageSize: c.get<number>("pageSize", 100),
  };
}
