/** Which database queries run against: the setting, else the workspace's createEngine("sqlite:///...") URL, else app.db. */
import * as vscode from "vscode";
import { settings } from "../../settings";

const ENGINE_URL = /createEngine\(\s*["'`](sqlite:\/\/\/[^"'`]+)["'`]/;

export async function databaseUrl(folder: vscode.WorkspaceFolder): Promise<string> {
  const configured = settings(folder.uri).databaseUrl.trim();
  if (configured) return configured;
  const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, "**/*.ts"), "**/{node_modules,dist,.git}/**", 200);
  for (const f of files) {
    const text = Buffer.from(await vscode.workspace.fs.readFile(f)).toString("utf8");
    const m = ENGINE_URL.exec(text);
    if (m && m[1] !== "sqlite:///:memory:") return m[1]!;
  }
  return "sqlite:///app.db";
}

/** The file path of a sqlite:/// URL relative to the folder, for display. */
export function databaseLabel(url: string): string {
  const m = /^sqlite:\/\/\/(.*)$/.exec(url);
  return m ? (m[1]!.split("/").pop() || url) : url;
}
