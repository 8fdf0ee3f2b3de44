/** Starts the language server (bundled as dist/server.js) with vscode-languageclient over IPC. */
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

export function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = path.join(context.extensionPath, "dist", "server.js");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6010"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "typescript" }, { scheme: "untitled", language: "typescript" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.ts") },
    diagnosticCollectionName: "orm-core",
    outputChannelName: "orm-core language server",
  };
  return new LanguageClient("ormCore", "orm-core", serverOptions, clientOptions);
}
