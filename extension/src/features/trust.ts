/** Workspace trust gate: analysis works everywhere; running user code needs a trusted workspace. */
import * as vscode from "vscode";

export async function requireTrust(what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(`${what}, which is not allowed in Restricted Mode. Trust this workspace to run queries.`, "Manage Workspace Trust");
  if (choice) await vscode.commands.executeCommand("workbench.trust.manage");
  return false;
}
